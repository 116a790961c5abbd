"""Agencies shared by several actions, and the translation of a real capacity into SimPy servers.

The Metropolis social centre of each zone (3.1, 3.3, 3.4.2) has a limited number of social
workers, modelled as a SimPy resource on the model's clock (days): every action that needs a
social worker (an FSL application sheet, a committee file, a referral) queues for the same
workers, so actions compete for them and waiting times are outputs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mesa
import simpy


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


class SocialCentre(mesa.Agent):
    """One zone's social centre: its social workers are a shared SimPy resource."""

    def __init__(self, model, zone: int, n_households: int):
        super().__init__(model)
        params = model.params
        self.zone = zone
        # Staff scale with the simulated households (agent units).
        staff = params["social_workers_per_10000_households"] * n_households / 10_000
        capacity = scaled_capacity(staff)
        self.capacity = capacity.servers
        self.workers = capacity.resource(model.env)
        self.days_per_case = params["social_worker_days_per_case"] * capacity.slowdown

    def case_work(self, days: float | None = None):
        """SimPy process: wait for a social worker, then hold them for one case.

        Returns (from the process) the days waited before a worker was free; a centre without
        social workers never takes the case.
        """
        env, arrived = self.model.env, self.model.env.now
        if self.workers is None:
            yield env.event()  # never triggered: nobody is there to take the case
        with self.workers.request() as request:
            yield request
            waited = env.now - arrived
            yield env.timeout(self.days_per_case if days is None else days)
        return waited
