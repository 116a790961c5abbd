"""The action's own per-household state and its monthly counters.

The core's household arrays hold what every action may read (arrears, energy use, tenure); what
only this action tracks (who applied when, who was visited, the state of works) lives here, in
arrays of the same length, so indicators are sums over the zones' slices.
"""

from __future__ import annotations

from collections import deque

import numpy as np

NONE, RECOMMENDED, STARTED, COMPLETED = 0, 1, 2, 3  # state of recommended works

# Monthly flows counted per zone (weighted: real households or real EUR).
FLOWS = (
    "fsl_applications",
    "fsl_grants",
    "fsl_grants_private_tenants",
    "fsl_aid_paid",
    "fsl_refused",
    "fsl_unpaid_for_budget",  # eligible applications the month's envelope could not pay
    "soliha_referrals",
    "soliha_visits",
    "soliha_wait_days",  # sum of waiting days of the visits (divided by visits for the mean)
    "soliha_kits",
    "soliha_works_recommended",
    "soliha_works_started",
    "soliha_works_completed",
    "soliha_relocations",
    "soliha_relocation_wait",  # sum of months waited by the relocations (divided for the mean)
    "soliha_social_concerns",
    "soliha_followups",
    "soliha_kwh_saved",
    "soliha_eur_saved",
    "soliha_consumption_saved",
    "soliha_effort_change",  # sum of effort changes (points) of the follow-ups
    "soliha_effort_followups",  # follow-ups with an income at the visit and now (its divisor)
)


class Records:
    """Per-household arrays of the action and per-zone monthly flow counters.

    `zone_weight[z]` is how many real households an agent of zone z stands for; `weight(h)` is
    household h's. A household that leaves the territory is forgotten (`forget`): what was
    spent on it stays counted in its zone (`spent_departed`), and works under way on its
    dwelling are still completed for the dwelling (`orphan_works`)."""

    def __init__(self, n_households: int, zone: np.ndarray, n_zones: int, zone_weight: np.ndarray):
        self.zone, self.n_zones, self.zone_weight = zone, n_zones, zone_weight
        self.last_application = np.full(n_households, -10_000, dtype=np.int32)
        self.pending = np.zeros(n_households, dtype=bool)  # application or visit under way
        self.visited = np.zeros(n_households, dtype=bool)  # referred to SOLIHA (once at most)
        self.visit_month = np.full(n_households, -1, dtype=np.int32)
        self.kwh_at_visit = np.zeros(n_households)  # annual need at normal comfort
        self.heat_at_visit = np.zeros(n_households)  # annual heating actually consumed
        self.other_at_visit = np.zeros(n_households)  # annual other uses actually consumed
        self.energy_cost_at_visit = np.zeros(n_households)  # EUR/yr net, the visit's prices
        self.rent_at_visit = np.zeros(n_households)
        self.housing_at_visit = np.zeros(n_households)  # gross housing cost, EUR a month
        self.income_at_visit = np.zeros(n_households)
        self.tenure_at_visit = np.full(n_households, -1, dtype=np.int8)
        self.works = np.zeros(n_households, dtype=np.int8)
        self.owner_agreed = np.zeros(n_households, dtype=bool)
        self.works_done_month = np.full(n_households, -1, dtype=np.int32)
        self.works_saving = np.zeros(n_households)
        self.kwh_before_works = np.zeros(n_households)  # annual need when the works end
        self.works_spent = np.zeros(n_households)  # real EUR of subsidy and top-up
        self.relocation_applied = np.full(n_households, -1, dtype=np.int32)  # step applied
        self.relocation_month = np.full(n_households, -1, dtype=np.int32)  # step moved
        self.spent = np.zeros(n_households)  # real EUR of visits and works attributed
        self.orphan_works = np.zeros(n_households, dtype=bool)  # works of a household now gone
        self.spent_departed = np.zeros(n_zones)  # real EUR spent on households that left
        self.works_spent_departed = np.zeros(n_zones)  # real EUR of their completed works
        self.flows = {name: np.zeros(n_zones) for name in FLOWS}
        self.history: deque[dict[str, np.ndarray]] = deque(maxlen=11)

    def reset_flows(self) -> None:
        """Start a month: keep the last 12 months' flows (for rolling means), zero the counters."""
        self.history.append({name: values.copy() for name, values in self.flows.items()})
        for values in self.flows.values():
            values[:] = 0.0

    def last_year(self, name: str) -> np.ndarray:
        """A flow summed over the current month and the 11 before it, per zone."""
        return self.flows[name] + sum(month[name] for month in self.history)

    def weight(self, household) -> np.ndarray | float:
        """Real households each of `household` stands for (its zone's weight)."""
        return self.zone_weight[self.zone[household]]

    def count(self, name: str, household: int, amount: float = 1.0) -> None:
        """Add `amount` agents' worth (times the weight: real units) to a zone's flow."""
        self.flows[name][self.zone[household]] += amount * self.weight(household)

    def forget(self, rows: np.ndarray) -> None:
        """Households that left (or dwellings a newcomer took): a newcomer has applied for and
        been visited for nothing. Spending stays in its zone; works under way finish for the
        dwelling."""
        np.add.at(self.spent_departed, self.zone[rows], self.spent[rows])
        completed = rows[self.works[rows] == COMPLETED]
        np.add.at(self.works_spent_departed, self.zone[completed], self.works_spent[completed])
        started = self.works[rows] == STARTED
        self.orphan_works[rows] = started
        reset = rows[~started]
        self.works[reset] = NONE
        self.works_done_month[reset] = -1
        self.works_saving[reset] = 0.0
        self.last_application[rows] = -10_000
        self.pending[rows] = False
        self.visited[rows] = False
        self.visit_month[rows] = -1
        for values in (
            self.kwh_at_visit,
            self.heat_at_visit,
            self.other_at_visit,
            self.energy_cost_at_visit,
            self.rent_at_visit,
            self.housing_at_visit,
            self.income_at_visit,
            self.kwh_before_works,
            self.spent,
        ):
            values[rows] = 0.0
        self.works_spent[reset] = 0.0  # works under way keep their cost until completed
        self.tenure_at_visit[rows] = -1
        self.owner_agreed[rows] = False
        self.relocation_applied[rows] = -1
        self.relocation_month[rows] = -1
