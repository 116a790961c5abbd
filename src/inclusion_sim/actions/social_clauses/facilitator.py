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
from dataclasses import dataclass

import mesa
import numpy as np

from ...agencies import scaled_capacity
from ...checks import AMOUNT, Flag, ListOf, Number, Zone
from ...codes import INACTIVE, UNEMPLOYED
from ...declarations import Levers, lever
from .candidates import Candidates
from .contracts import Position

NO_CANDIDATE, BACKLOG = "no_candidate", "facilitator_backlog"


@dataclass(frozen=True)
class FacilitatorLevers(Levers):
    """The facilitator's size and cost (3.5.5-3.5.6)."""

    facilitator_advisers: float = lever(
        10.0,
        unit="advisers (full-time)",
        check=Number(0.0, 10_000.0),
        range=(0.0, 40.0),
        source="assumption: about one adviser per 70,000 clause hours a year (order of magnitude "
        "of French clause facilitators; the document names the service provider, 3.5.5, not its "
        "size); to calibrate",
        description="advisers of the facilitator serving the Metropolis's clause hours",
    )
    facilitator_cost_per_adviser: float = lever(
        60_000.0,
        unit="EUR/yr per adviser",
        check=AMOUNT,
        range=(40_000.0, 90_000.0),
        source="assumption: loaded yearly cost of one adviser (the document: the provider is the "
        "action's main cost, 3.5.6, amount not given)",
        description="yearly cost of one adviser paid by the Metropolis",
    )


@dataclass(frozen=True)
class TargetingLevers(Levers):
    """Whom the facilitator favours when it matches (3.5.2, 3.5.7)."""

    priority_zones: tuple[str, ...] = lever(
        default_factory=tuple,
        unit="zones",
        check=ListOf(Zone()),
        source="none in 2017: 3.5.7 reports the difficulty of targeting hours locally; 3.5.2 "
        "names Vénissieux and Saint-Fons as the aim",
        description="zones whose residents are favoured in matching",
    )
    priority_qpv: bool = lever(
        False,
        unit="on/off",
        check=Flag(),
        source="false in 2017 (3.5.7, as priority_zones)",
        description="whether residents of priority neighbourhoods (QPV) are favoured",
    )
    priority_weight: float = lever(
        1.0,
        unit="relative chance",
        check=Number(0.0, 1000.0),
        range=(1.0, 10.0),
        source="1 = no priority in 2017 (3.5.7)",
        description="relative chance of a priority resident being matched",
    )


def eligible(model, disabled: np.ndarray, repeat: np.ndarray) -> np.ndarray:
    """Persons a clause position may hire this month, in person order (vectorised over the
    job seekers, unemployed or inactive: every group below is among them)."""
    persons, households = model.population.persons, model.population.households
    params = model.params
    activity = persons["activity"]
    seekers = np.flatnonzero((activity == UNEMPLOYED) | (activity == INACTIVE))
    seekers = seekers[~model.labour.held[seekers]]
    age, months = persons["age"][seekers], persons["unemployment_months"][seekers]
    unemployed, inactive = activity[seekers] == UNEMPLOYED, activity[seekers] == INACTIVE
    hh = persons["household"][seekers]
    poor = 12 * households["income"][hh] / households["cu"][hh] < params["poverty_line"]
    rsa = poor & (
        (unemployed & (months >= params["benefit_duration"]))
        | (inactive & (age >= 25) & (age <= 64))
    )
    groups = (
        (unemployed & (months >= 12))
        | rsa
        | ((age >= 18) & (age < 26) & persons["no_diploma"][seekers])
        | (unemployed & (age >= 50) & (age < 65))
        | (unemployed & disabled[seekers])
        | repeat[seekers]
    )
    return seekers[groups]


class Facilitator(mesa.Agent):
    """Matches positions to candidates, one position per adviser at a time."""

    def __init__(self, model, advisers: float, agent_share: float, rng: np.random.Generator):
        super().__init__(model)
        params = model.params
        self.draws = rng
        capacity = scaled_capacity(advisers * agent_share)  # advisers for the agent-positions
        self.capacity = capacity.servers
        # Calendar days one server spends on a position, so that throughput matches the advisers.
        working = (
            params["social_clauses.days_per_position"]
            * 365
            / params["social_clauses.adviser_working_days"]
        )
        self.service_days = working * capacity.slowdown
        self.max_wait = params["social_clauses.max_wait_days"]
        self.team = capacity.resource(model.env)
        self.candidates = _candidates(
            model, np.empty(0, dtype=np.int64), np.empty(0), np.empty(0, bool)
        )
        self.pending_hours = 0.0

    def set_pool(self, pool: np.ndarray, weight: np.ndarray, first: np.ndarray) -> None:
        """This month's candidates, their relative chances (targeting) and who comes first
        (workers whose pathway is another clause contract)."""
        self.candidates = _candidates(self.model, pool, weight, first)

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
        """Draw a candidate so that the expected share of women is the sector's share (the rule
        is `Candidates`'s; one uniform draw, as `Generator.choice` makes)."""
        candidates = self.candidates
        chance = candidates.chances(position.skilled, position.woman_share)
        if chance is None:
            return None
        k = candidates.draw(chance, self.draws.random())
        candidates.remove(k)  # hired: no second contract at once
        return int(candidates.pool[k])


def _candidates(model, pool: np.ndarray, weight: np.ndarray, first) -> Candidates:
    persons = model.population.persons
    return Candidates(pool, weight, first, ~persons["no_diploma"][pool], persons["sex"][pool] == 1)
