"""The facilitator (3.5.5): a service provider that describes each position and matches an
eligible job seeker to it, with limited advisers (a first-come-first-served queue on the
model's SimPy clock, so waits are outputs).

Eligible (3.5.1): long-term unemployed (12+ months), RSA beneficiaries, people under 26 without
diploma, unemployed people over 50, unemployed people with a disability, and workers whose
pathway is another clause contract. RSA beneficiaries are read as persons of a household below
the poverty line who are unemployed past `benefit_duration` (no more insurance benefit) or
inactive aged 25-64.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter

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
    """Matches positions to candidates, one position per adviser at a time.

    Advisers take positions first come, first served, each for `service_days`; a position that
    waits `max_wait` days for an adviser is left unfilled. With a fixed service time a position's
    adviser is known when it arrives (the first one free), so each position is a single SimPy
    event at the time of its outcome (the match at the end of its service, or giving up) rather
    than a process queueing on a SimPy resource (seven events): the same times, in the same
    order (issue 17; tests/test_clause_matching.py compares the two).
    """

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
        self.free_at = [0.0] * capacity.servers  # the day each adviser is next free (a heap)
        self.candidates = _candidates(
            model, np.empty(0, dtype=np.int64), np.empty(0), np.empty(0, bool)
        )
        self.pending_hours = 0.0  # real hours of positions waiting for an adviser

    def set_pool(self, pool: np.ndarray, weight: np.ndarray, first: np.ndarray) -> None:
        """This month's candidates, their relative chances (targeting) and who comes first
        (workers whose pathway is another clause contract)."""
        self.candidates = _candidates(self.model, pool, weight, first)

    def receive(self, positions: list[Position], hire: Callable, unfilled: Callable) -> None:
        """This month's positions join the queue in order of arrival (awarded during the month);
        each gets the first adviser free, or gives up after `max_wait` days."""
        now = self.model.env.now
        for position in sorted(positions, key=attrgetter("created")):
            self.pending_hours += position.hours * position.weight
            arrival = now + (position.created - now)  # the day a SimPy timeout gives
            if not self.free_at:  # no adviser at all
                self._at(arrival, self._give_up, position, unfilled)
                continue
            start = max(arrival, self.free_at[0])
            if start > arrival and start >= arrival + self.max_wait:
                self._at(arrival + self.max_wait, self._give_up, position, unfilled)
                continue
            end = start + self.service_days
            heapq.heapreplace(self.free_at, end)
            self._at(end, self._match, position, start - position.created, hire, unfilled)

    def _at(self, day: float, outcome: Callable, *args) -> None:
        """Call `outcome(*args)` on `day` of the model's SimPy clock."""
        env = self.model.env
        env.timeout(day - env.now).callbacks.append(lambda _: outcome(*args))

    def _give_up(self, position: Position, unfilled: Callable) -> None:
        self.pending_hours -= position.hours * position.weight
        unfilled(position, BACKLOG)

    def _match(self, position: Position, waited: float, hire: Callable, unfilled: Callable):
        """The adviser has described the position: pick a candidate."""
        self.pending_hours -= position.hours * position.weight
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
