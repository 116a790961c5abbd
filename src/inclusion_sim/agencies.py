"""Agencies shared by several actions, and the translation of a real capacity into SimPy servers.

The Metropolis social centre of each zone (3.1, 3.3, 3.4.2) has a limited number of social
workers, modelled as a SimPy resource on the model's clock (days): every action that needs a
social worker (an FSL application sheet, a committee file, a referral) queues for the same
workers, so actions compete for them and waiting times are outputs. Other duties (action 1's
workshops) withdraw workers' time from the same resource, ahead of the waiting cases.

The resource counts workers in agent units (so a small sample keeps the real throughput); the
centre's roster counts the real workers, each a Mesa agent with a practice state that action 1
changes (3.1). Both describe the same staff: one capacity, one roster.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mesa
import numpy as np
import simpy

from .clock import days_in_month
from .declarations import Indicator


@dataclass(frozen=True)
class ScaledCapacity:
    """`servers` whole SimPy servers standing for a fractional number of real ones; each service
    time is multiplied by `slowdown` so that throughput is the real capacity's."""

    servers: int
    slowdown: float

    def resource(self, env: simpy.Environment) -> simpy.Resource | None:
        """The SimPy resource, or None when there is no capacity at all."""
        return simpy.Resource(env, capacity=self.servers) if self.servers else None


def scaled_capacity(servers: float) -> ScaledCapacity:
    """A capacity of `servers` (in the model's agent units, so possibly fractional or below 1).

    A sample too small for one server still gets one, working proportionally slower; no capacity
    at all gives no server (work then waits forever, or is refused by the caller).
    """
    if servers <= 0:
        return ScaledCapacity(0, math.inf)
    whole = max(1, round(servers))
    return ScaledCapacity(whole, whole / servers)


class SocialWorker(mesa.Agent):
    """One real social worker of a centre, with the practice state action research changes."""

    def __init__(self, model, centre: SocialCentre):
        super().__init__(model)
        self.centre = centre
        self.practice = 0.0  # share of the renewed practices applied: 0 today's, 1 all (3.1)


class SocialCentre(mesa.Agent):
    """One zone's social centre: its social workers are a shared SimPy resource.

    Cases wait first come, first served; time withdrawn for other duties (`withdraw`) takes the
    next free worker ahead of the waiting cases, but never interrupts a case.
    """

    CASE, DUTY = 0, -1  # request priorities: a duty goes before the waiting cases

    def __init__(self, model, zone: int, n_households: int):
        super().__init__(model)
        params = model.params
        self.zone = zone
        # Staff scale with the simulated households (agent units).
        staff = params["social_workers_per_10000_households"] * n_households / 10_000
        capacity = scaled_capacity(staff)
        self.capacity = capacity.servers
        self.workers = (
            simpy.PriorityResource(model.env, capacity=capacity.servers)
            if capacity.servers
            else None
        )
        self.days_per_case = params["social_worker_days_per_case"] * capacity.slowdown
        self.real_staff = staff * model.population.zone_weight[zone]  # the real centre's workers
        self._roster: list[SocialWorker] | None = None
        self.waiting = 0  # cases waiting for a worker now (agent units)
        self._month, self._taken, self._waited = 0, 0, 0.0  # this month's cases taken, days

    # --- the roster ---------------------------------------------------------------------------
    @property
    def roster(self) -> list[SocialWorker]:
        """The centre's real social workers (built when first asked for, e.g. by action 1)."""
        if self._roster is None:
            size = max(1, round(self.real_staff)) if self.real_staff > 0 else 0
            self._roster = [SocialWorker(self.model, self) for _ in range(size)]
        return self._roster

    @property
    def practice_index(self) -> float:
        """Mean practice state of the roster (0 before anyone changed practice)."""
        if not self._roster:
            return 0.0
        return float(np.mean([worker.practice for worker in self._roster]))

    # --- casework -----------------------------------------------------------------------------
    def case_work(self, days: float | None = None):
        """SimPy process: wait for a social worker, then hold them for one case.

        Returns (from the process) the days waited before a worker was free; a centre without
        social workers never takes the case.
        """
        env, arrived = self.model.env, self.model.env.now
        if self.workers is None:
            yield env.event()  # never triggered: nobody is there to take the case
        self.waiting += 1
        with self.workers.request(priority=self.CASE) as request:
            yield request
            waited = env.now - arrived
            self.waiting -= 1
            self._count(waited)
            yield env.timeout(self.days_per_case if days is None else days)
        return waited

    def withdraw(self, worker_months: float) -> float:
        """Take `worker_months` of real workers' time from casework in the current month.

        The time is converted to the resource's server-days (the centre's real staff hold its
        servers' month) and held by as few processes as possible, each within the month, ahead
        of the waiting cases. Returns the server-days withdrawn (capped at the whole month)."""
        if self.workers is None or worker_months <= 0:
            return 0.0
        days = days_in_month(*self.model.calendar_month)
        server_days = min(worker_months / self.real_staff, 1.0) * self.capacity * days
        holds = min(math.ceil(server_days / days - 1e-9), self.capacity)
        for _ in range(holds):
            self.model.env.process(self._hold(server_days / holds))
        return server_days

    def _hold(self, days: float):
        with self.workers.request(priority=self.DUTY) as request:
            yield request
            yield self.model.env.timeout(days)

    def _count(self, waited: float) -> None:
        if self._month != self.model.steps:
            self._month, self._taken, self._waited = self.model.steps, 0, 0.0
        self._taken += 1
        self._waited += waited

    def this_month(self) -> tuple[int, float]:
        """Cases taken up during the current month and the days they waited in total."""
        if self._month != self.model.steps:
            return 0, 0.0
        return self._taken, self._waited


SOCIAL_CENTRE_INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "social_centre_cases",
        "cases",
        "flow",
        "cases a social worker took up this month (FSL sheets, SOLIHA social concerns, "
        "referrals of every action)",
    ),
    Indicator(
        "social_centre_queue",
        "cases",
        "stock",
        "cases waiting for a social worker at the end of the month",
    ),
    Indicator(
        "social_centre_wait_days",
        "days",
        "rate",
        "mean days waited by the cases taken up this month",
    ),
)


def social_centre_indicators(model) -> dict[str, np.ndarray]:
    """The social centres' load per zone: where the actions compete for the same workers."""
    w = model.population.zone_weight
    taken, waited = np.array([c.this_month() for c in model.social_centres], dtype=float).T
    queue = np.array([c.waiting for c in model.social_centres], dtype=float)
    cases, total_wait = model.zone_values(taken * w), model.zone_values(waited * w)
    return {
        "social_centre_cases": cases,
        "social_centre_queue": model.zone_values(queue * w),
        "social_centre_wait_days": np.divide(
            total_wait, cases, out=np.full(len(cases), np.nan), where=cases > 0
        ),
    }
