"""Monthly job finding and job loss that keep each zone's unemployment at its figure.

Job finding has one monthly rate (a calibrated range). Job loss is set per group (zone x diploma
x household initially poor) at the rate that makes the group's initial unemployment its steady
state, u = s / (s + f); so zones hold their figures while individuals move in and out of work.
Actions that place people in jobs (e.g. clause contracts) `hold` them out of these flows and
`enter` inactive people into the labour force.
"""

from __future__ import annotations

import numpy as np

from .codes import EMPLOYED, UNEMPLOYED


class LabourMarket:
    def __init__(self, persons, households, job_finding_rate: float):
        self._persons, self._households = persons, households
        activity = persons["activity"]
        group = self.group_of(np.arange(len(activity)))
        self.in_force = (activity == EMPLOYED) | (activity == UNEMPLOYED)
        n_groups = 4 * (int(households["zone"].max()) + 1) if len(activity) else 0
        size = np.bincount(group[self.in_force], minlength=n_groups)
        unemployed = np.bincount(group[activity == UNEMPLOYED], minlength=n_groups)
        self.group_unemployment = np.divide(
            unemployed, size, out=np.zeros(n_groups), where=size > 0
        )
        self.job_finding_rate = job_finding_rate
        rate = self.group_unemployment
        self.group_loss_rate = job_finding_rate * rate / np.maximum(1 - rate, 1e-9)
        # Every person carries their group's job-loss rate, so entrants need no recomputation.
        self.job_loss_rate = self.group_loss_rate[group]
        self.held = np.zeros(len(activity), dtype=bool)
        self.active = np.flatnonzero(self.in_force)
        self.activity = activity  # the persons' activity array (read by refresh)

    def group_of(self, persons: np.ndarray) -> np.ndarray:
        """The labour-market group of persons: zone x no diploma x household initially poor."""
        households = self._persons["household"][persons]
        zone = self._households["zone"][households].astype(np.int64)
        no_diploma = self._persons["no_diploma"][persons]
        return (zone * 2 + no_diploma) * 2 + self._households["initially_poor"][households]

    def hold(self, persons: np.ndarray, held: bool = True) -> None:
        """Take persons out of (or give them back to) the random monthly flows."""
        self.held[persons] = held

    def refresh(self, slots: np.ndarray) -> None:
        """After demographic events: `slots` (persons who arrived, left or retired) are in the
        labour force if present and employed or unemployed, and no action holds them any more.
        A newcomer's job-loss rate is set by whoever placed them (their template's)."""
        if len(slots) == 0:
            return
        self.held[slots] = False
        activity = self.activity[slots]
        self.in_force[slots] = (activity == EMPLOYED) | (activity == UNEMPLOYED)
        self.active = np.flatnonzero(self.in_force)

    def enter(self, persons: np.ndarray) -> None:
        """Add persons to the labour force (their activity is set by the caller)."""
        if not self.in_force[persons].all():
            self.in_force[persons] = True
            self.active = np.flatnonzero(self.in_force)

    def step(self, persons, rng: np.random.Generator) -> None:
        """One month of flows for every active person not held.

        One uniform draw per person of the population (not per active person), so a person's
        draws do not depend on who else is in the labour force: entrants brought in by an
        action leave everyone else's random numbers unchanged (common random numbers).
        """
        draw = rng.random(len(self.in_force), dtype=np.float32)
        idx = self.active
        draw = draw[idx]
        activity = persons["activity"][idx]
        months = persons["unemployment_months"][idx]
        free = ~self.held[idx]
        unemployed = activity == UNEMPLOYED
        finds = free & unemployed & (draw < self.job_finding_rate)
        loses = free & (activity == EMPLOYED) & (draw < self.job_loss_rate[idx])
        months = np.where(unemployed & ~finds, months + 1, 0).astype(months.dtype)
        persons["activity"][idx] = np.where(finds, EMPLOYED, np.where(loses, UNEMPLOYED, activity))
        persons["unemployment_months"][idx] = months
