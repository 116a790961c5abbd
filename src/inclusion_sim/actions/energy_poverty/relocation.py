"""Relocation to social housing: a finite monthly flow of vacancies shared with the ordinary queue.

Each month a share of the social stock falls vacant (the stock's yearly mobility rate / 12; the
stock is the simulated zones' social housing, in real units). The vacancies go to the social
housing demand queue, which holds the ordinary applicants (a stationary stock proportional to
the social stock: new applications balance attributions and lapses) and the households SOLIHA
relocates, who count as priority cases (`relocation_priority` times an ordinary applicant's
chance). So a queued household is housed in a month with probability

    vacancies x priority / (ordinary applicants + priority x action applicants)

and the action's relocations never exceed the vacancies: over the run, the real relocations
stay within the real vacancies (a month's unused vacancies carry over to the next month only).
Draws come from a generator of the queue's own, so the rest of the action's draws do not depend
on the queue's length.
"""

from __future__ import annotations

import numpy as np

from ...codes import SOCIAL


class SocialHousingQueue:
    """The social-housing demand queue of the simulated zones, as the action sees it."""

    def __init__(self, model, records, params, seed: int):
        self.model, self.records = model, records
        households = model.population.households
        social = households["occupied"] & (households["tenure"] == SOCIAL)
        stock = social @ model.population.household_weight()
        self.vacancies = params["energy_poverty.social_mobility_rate"] * stock / 12
        self.ordinary = params["energy_poverty.social_demand_per_dwelling"] * stock
        self.priority = params["energy_poverty.relocation_priority"]
        self.rng = np.random.default_rng([seed, 2])
        self.waiting: list[int] = []  # action households queued, oldest first
        self.unused = 0.0  # real vacancies left by last month's cap, usable this month

    def apply(self, household: int) -> None:
        """The household accepts relocation and joins the queue."""
        self.records.relocation_applied[household] = self.model.steps
        self.waiting.append(household)

    def forget(self, households: np.ndarray) -> None:
        """Households that left the territory leave the queue."""
        gone = set(households.tolist())
        self.waiting = [h for h in self.waiting if h not in gone]

    def allocate(self) -> list[int]:
        """This month's vacancies: the action's households housed (taken off the queue); each
        housed agent takes its zone's weight of real vacancies."""
        available = self.vacancies + self.unused
        if not self.waiting:
            self.unused = 0.0
            return []
        weights = self.records.weight(np.array(self.waiting))
        demand = self.ordinary + self.priority * weights.sum()
        chance = min(self.vacancies * self.priority / demand, 1.0)
        draws = self.rng.random(len(self.waiting))
        housed, used = [], 0.0
        for household, u, weight in zip(self.waiting, draws, weights, strict=True):
            if u < chance and used + weight <= available + 1e-9:
                housed.append(household)
                used += weight
        self.unused = min(available - used, self.vacancies)
        moved = set(housed)
        self.waiting = [h for h in self.waiting if h not in moved]
        return housed
