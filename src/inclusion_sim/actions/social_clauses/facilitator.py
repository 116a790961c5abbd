"""The facilitator (3.5.5): a service provider that describes each position and matches an
eligible job seeker to it, with limited advisers (a SimPy resource, so waits are outputs).

Eligible (3.5.1): long-term unemployed (12+ months), RSA beneficiaries, people under 26 without
diploma, unemployed people over 50, unemployed people with a disability, and workers whose
pathway is another clause contract. RSA beneficiaries are read as persons of a household below
the poverty line who are unemployed past `benefit_duration` (no more insurance benefit) or
inactive aged 25-64.
"""

from __future__ import annotations

from collections.abc import Callable

import mesa
import numpy as np
import simpy

from ...codes import INACTIVE, UNEMPLOYED
from .contracts import Position

NO_CANDIDATE, BACKLOG = "no_candidate", "facilitator_backlog"


def eligible(model, disabled: np.ndarray, repeat: np.ndarray) -> np.ndarray:
    """Mask of persons a clause position may hire this month (vectorised over persons)."""
    persons, households = model.population.persons, model.population.households
    params = model.params
    activity, age = persons["activity"], persons["age"]
    months = persons["unemployment_months"]
    hh = persons["household"]
    poor = (12 * households["income"] / households["cu"] < params["poverty_line"])[hh]
    unemployed, inactive = activity == UNEMPLOYED, activity == INACTIVE
    seeker = unemployed | inactive
    rsa = poor & (
        (unemployed & (months >= params["benefit_duration"]))
        | (inactive & (age >= 25) & (age <= 64))
    )
    groups = (
        (unemployed & (months >= 12))
        | rsa
        | (seeker & (age >= 18) & (age < 26) & persons["no_diploma"])
        | (unemployed & (age >= 50) & (age < 65))
        | (unemployed & disabled)
        | (seeker & repeat)
    )
    return groups & ~model.labour.held


class Facilitator(mesa.Agent):
    """Matches positions to candidates, one position per adviser at a time."""

    def __init__(self, model, advisers: float, agent_share: float, rng: np.random.Generator):
        super().__init__(model)
        params = model.params
        self.draws = rng
        effective = advisers * agent_share  # advisers serving the simulated agent-positions
        self.capacity = max(1, int(effective))
        # Calendar days one server spends on a position, so that throughput matches the advisers.
        working = (
            params["social_clauses.days_per_position"]
            * 365
            / params["social_clauses.adviser_working_days"]
        )
        self.service_days = working * self.capacity / effective if effective > 0 else np.inf
        self.max_wait = params["social_clauses.max_wait_days"]
        self.team = simpy.Resource(model.env, capacity=self.capacity) if effective > 0 else None
        self.pool = np.empty(0, dtype=np.int64)
        self.weight = np.empty(0)
        self.first = np.empty(0, dtype=bool)
        self.pending_hours = 0.0

    def set_pool(self, pool: np.ndarray, weight: np.ndarray, first: np.ndarray) -> None:
        """This month's candidates, their relative chances (targeting) and who comes first
        (workers whose pathway is another clause contract)."""
        self.pool, self.weight, self.first = pool, weight.astype(float), first

    def match(self, position: Position, hire: Callable, unfilled: Callable):
        """SimPy process: queue for an adviser, describe the position, pick a candidate."""
        env = self.model.env
        self.pending_hours += position.hours
        yield env.timeout(position.created - env.now)  # awarded during the month
        if self.team is None:
            self.pending_hours -= position.hours
            unfilled(position, BACKLOG)
            return
        with self.team.request() as request:
            granted = yield request | env.timeout(self.max_wait)
            if request not in granted:
                self.pending_hours -= position.hours
                unfilled(position, BACKLOG)
                return
            waited = env.now - position.created
            yield env.timeout(self.service_days)
        self.pending_hours -= position.hours
        person = self._choose(position)
        if person is None:
            unfilled(position, NO_CANDIDATE)
        else:
            hire(person, position, waited)

    def _choose(self, position: Position) -> int | None:
        """Draw a candidate so that the expected share of women is the sector's share."""
        persons = self.model.population.persons
        free = self.weight > 0
        if position.skilled:
            free &= ~persons["no_diploma"][self.pool]
        if (free & self.first).any():
            free &= self.first
        woman = persons["sex"][self.pool] == 1
        w = np.where(free, self.weight, 0.0)
        women, men = w[woman].sum(), w[~woman].sum()
        if women + men == 0:
            return None
        share = position.woman_share if women > 0 and men > 0 else float(women > 0)
        p = np.where(woman, share * w / max(women, 1e-12), (1 - share) * w / max(men, 1e-12))
        k = self.draws.choice(len(p), p=p / p.sum())
        self.weight[k] = 0.0  # hired: no second contract at once
        return int(self.pool[k])
