"""The action's own per-household and per-person state, and its monthly counters.

The core's arrays hold what every action may read (income, arrears, activity); what only this
action tracks (memberships, projects, who took part in which activity and when) lives here, in
arrays of the same length, so indicators are sums over the zones' slices.
"""

from __future__ import annotations

from collections import deque

import numpy as np

# The activities with places that residents join (3.5.9), in the order of their figures.
ACTIVITIES = ("shared_gardens", "tool_library", "recycling_store", "culture")
# Everything a person can be welcomed in, for the yearly counts of distinct people (3.5.10).
WELCOMED = ("grocery", *ACTIVITIES, "social_support")
GROCERY, SUPPORT = WELCOMED.index("grocery"), WELCOMED.index("social_support")

# Members' projects (3.5.9: "pay a debt, find a job, change housing, obtain a driver's license").
PROJECTS = ("debt", "job", "housing", "licence")
NO_PROJECT = -1

FLOWS = (
    "referrals",
    "admissions",
    "refusals",
    "gave_up",
    "wait_days",  # sum of the days waited by the month's admissions (divided for the mean)
    "projects_started",
    "projects_achieved",
    "debts_paid",
    "jobs_found",
    "housing_changes",
    "licences",
    "food_saving",
    "basket_demand",  # market value of the baskets members asked for (EUR)
    "basket_supplied",  # market value of the baskets supplied (EUR)
    *(f"attendance_{key}" for key in WELCOMED),
    "support_referrals",
    "support_gave_up",
    "home_repairs",
    "kwh_saved",
    "sales",
    "funding_metropolis",
    "funding_city",
    "funding_private",
    "funding_sales",
)


class Records:
    """Per-household and per-person arrays of the action, and per-zone monthly flows."""

    def __init__(self, model):
        population = model.population
        n_households, n_persons = population.n_dwellings, population.n_slots
        self.zone_weight, self.n_zones = population.zone_weight, model.n_zones
        self.zone = population.households["zone"]
        self.person_zone = self.zone[population.persons["household"]]
        # Households.
        self.member_since = np.full(n_households, -1, dtype=np.int32)  # step of admission
        self.member_until = np.full(n_households, -1, dtype=np.int32)  # step the member leaves
        self.extensions = np.zeros(n_households, dtype=np.int8)
        self.ever_member = np.zeros(n_households, dtype=bool)
        self.pending = np.zeros(n_households, dtype=bool)  # referred, not yet decided
        self.last_decision = np.full(n_households, -10_000, dtype=np.int32)  # refusal or exit
        self.project = np.full(n_households, NO_PROJECT, dtype=np.int8)
        self.project_person = np.full(n_households, -1, dtype=np.int32)
        self.achieved = np.zeros(n_households, dtype=bool)
        self.energy_poor_at_admission = np.zeros(n_households, dtype=bool)
        self.solidarity_until = np.full(n_households, -1, dtype=np.int32)
        self.relief = np.zeros(n_households)  # EUR a month this action puts in budget_relief
        self.repaired = np.zeros(n_households, dtype=bool)
        # Persons.
        self.in_activity = np.zeros((len(ACTIVITIES), n_persons), dtype=bool)
        self.supported = np.zeros(n_persons, dtype=bool)
        self.support_waiting = np.zeros(n_persons, dtype=bool)
        self.ever_supported = np.zeros(n_persons, dtype=bool)
        self.seen_year = np.full((len(WELCOMED), n_persons), -1, dtype=np.int16)
        # What households and persons who left the territory leave counted, per zone (agents):
        # members and supported persons ever, and this year's welcomed ones by activity.
        self.departed = {
            "ever_member": np.zeros(self.n_zones),
            "ever_supported": np.zeros(self.n_zones),
        }
        self.departed_seen = np.zeros((len(WELCOMED) + 1, self.n_zones))  # row -1: any activity
        self.departed_year = model.calendar_month[0]
        # Monthly flows per zone (weighted: real households, persons or EUR).
        self.flows = {name: np.zeros(self.n_zones) for name in FLOWS}
        self.totals = {name: np.zeros(self.n_zones) for name in FLOWS}  # before this month
        self.history: deque[dict[str, np.ndarray]] = deque(maxlen=11)

    @property
    def members(self) -> np.ndarray:
        """Mask of the households that are social members of a grocery now."""
        return self.member_until >= 0

    @property
    def solidarity_members(self) -> np.ndarray:
        return self.solidarity_until >= 0

    def reset_flows(self) -> None:
        """Start a month: keep the last 12 months' flows (for rolling means) and the totals since
        the start, zero the counters."""
        self.history.append({name: values.copy() for name, values in self.flows.items()})
        for name, values in self.flows.items():
            self.totals[name] += values
            values[:] = 0.0

    def since_start(self, name: str) -> np.ndarray:
        """A flow summed since the start of the run, this month included, per zone."""
        return self.totals[name] + self.flows[name]

    def last_year(self, name: str) -> np.ndarray:
        """A flow summed over the current month and the 11 before it, per zone."""
        return self.flows[name] + sum(month[name] for month in self.history)

    def count(self, name: str, zone: int, amount: float = 1.0) -> None:
        """Add `amount` agents' worth (times the zone's weight: real units) to a zone's flow."""
        self.flows[name][zone] += amount * self.zone_weight[zone]

    def add(self, name: str, zone: int, euros: float) -> None:
        """Add real euros (already weighted) to a zone's flow."""
        self.flows[name][zone] += euros

    def welcome(self, activity: int, persons: np.ndarray, year: int) -> None:
        """Mark persons as welcomed in an activity this calendar year."""
        self.seen_year[activity, persons] = year

    def forget(self, households: np.ndarray, persons: np.ndarray, year: int) -> None:
        """Households and persons who left the territory: their places are free again, what they
        were (members, supported, welcomed this year) stays counted in their zone."""
        zone, person_zone = self.zone[households], self.person_zone[persons]
        np.add.at(self.departed["ever_member"], zone, self.ever_member[households])
        np.add.at(self.departed["ever_supported"], person_zone, self.ever_supported[persons])
        if year != self.departed_year:
            self.departed_seen[:] = 0.0
            self.departed_year = year
        seen = self.seen_year[:, persons] == year
        for a in range(len(WELCOMED)):
            np.add.at(self.departed_seen[a], person_zone, seen[a])
        np.add.at(self.departed_seen[-1], person_zone, seen.any(axis=0))
        self.project_person[np.isin(self.project_person, persons)] = -1  # its person left
        for values, empty in (
            (self.member_since, -1),
            (self.member_until, -1),
            (self.extensions, 0),
            (self.ever_member, False),
            (self.pending, False),
            (self.last_decision, -10_000),
            (self.project, NO_PROJECT),
            (self.project_person, -1),
            (self.achieved, False),
            (self.energy_poor_at_admission, False),
            (self.solidarity_until, -1),
            (self.relief, 0.0),
            (self.repaired, False),
        ):
            values[households] = empty
        self.in_activity[:, persons] = False
        self.seen_year[:, persons] = -1
        for values in (self.supported, self.support_waiting, self.ever_supported):
            values[persons] = False
