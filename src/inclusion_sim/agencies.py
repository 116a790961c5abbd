"""Agencies shared by several actions.

The Metropolis social centre of each zone (3.1, 3.3, 3.4.2) has a limited number of social
workers, modelled as a SimPy resource on the model's clock (days): every action that needs a
social worker (an FSL application sheet, a committee file, a referral) queues for the same
workers, so actions compete for them and waiting times are outputs.
"""

from __future__ import annotations

import mesa
import simpy


class SocialCentre(mesa.Agent):
    """One zone's social centre: its social workers are a shared SimPy resource."""

    def __init__(self, model, zone: int, n_households: int):
        super().__init__(model)
        params = model.params
        self.zone = zone
        # Staff scale with the simulated households. A sample too small for one worker still
        # gets one, working proportionally slower, so cases per day match the real centre.
        staff = params["social_workers_per_10000_households"] * n_households / 10_000
        self.capacity = max(1, round(staff))
        self.workers = simpy.Resource(model.env, capacity=self.capacity)
        self.days_per_case = (
            params["social_worker_days_per_case"] * self.capacity / max(staff, 1e-9)
        )

    def case_work(self, days: float | None = None):
        """SimPy process: wait for a social worker, then hold them for one case.

        Returns (from the process) the days waited before a worker was free.
        """
        arrived = self.model.env.now
        with self.workers.request() as request:
            yield request
            waited = self.model.env.now - arrived
            yield self.model.env.timeout(self.days_per_case if days is None else days)
        return waited
