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
    """Per-household arrays of the action and per-zone monthly flow counters."""

    def __init__(self, n_households: int, zone: np.ndarray, n_zones: int, weight: float):
        self.zone, self.n_zones, self.weight = zone, n_zones, weight
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

    def count(self, name: str, household: int, amount: float = 1.0) -> None:
        """Add `amount` agents' worth (times the weight: real units) to a zone's flow."""
        self.flows[name][self.zone[household]] += amount * self.weight
