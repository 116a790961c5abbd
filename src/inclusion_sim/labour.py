"""Monthly job finding and job loss that keep each zone's unemployment at its figure.

Job finding has one monthly rate (a calibrated range). Job loss is set per group (zone x diploma
x household initially poor) at the rate that makes the group's initial unemployment its steady
state, u = s / (s + f); so zones hold their figures while individuals move in and out of work.
Actions that place people in jobs (e.g. clause contracts) `hold` them out of these flows and
`enter` inactive people into the labour force.
"""

from __future__ import annotations

import numpy as np

from .territory.population import EMPLOYED, UNEMPLOYED


class LabourMarket:
    def __init__(self, persons, households, job_finding_rate: float):
        activity = persons["activity"]
        hh = persons["household"]
        zone = households["zone"][hh].astype(np.int64)
        self._group = (zone * 2 + persons["no_diploma"]) * 2 + households["initially_poor"][hh]
        self.active = np.flatnonzero((activity == EMPLOYED) | (activity == UNEMPLOYED))
        group = self._group[self.active]
        n_groups = int(self._group.max()) + 1 if len(self._group) else 0
        unemployed = activity[self.active] == UNEMPLOYED
        size = np.bincount(group, minlength=n_groups)
        rate = np.divide(
            np.bincount(group, weights=unemployed, minlength=n_groups),
            size,
            out=np.zeros(n_groups),
            where=size > 0,
        )
        self.job_finding_rate = job_finding_rate
        self._loss_by_group = job_finding_rate * rate / np.maximum(1 - rate, 1e-9)
        self.job_loss_rate = self._loss_by_group[group]
        self.held = np.zeros(len(activity), dtype=bool)

    def hold(self, persons: np.ndarray, held: bool = True) -> None:
        """Take persons out of (or give them back to) the random monthly flows."""
        self.held[persons] = held

    def enter(self, persons: np.ndarray) -> None:
        """Add persons to the labour force (their activity is set by the caller)."""
        new = np.setdiff1d(persons, self.active)
        if len(new):
            self.active = np.concatenate([self.active, new])
            self.job_loss_rate = np.concatenate(
                [self.job_loss_rate, self._loss_by_group[self._group[new]]]
            )

    def step(self, persons, rng: np.random.Generator) -> None:
        """One month of flows for every active person not held (one uniform draw each)."""
        idx = self.active
        activity = persons["activity"][idx]
        months = persons["unemployment_months"][idx]
        draw = rng.random(len(idx))
        free = ~self.held[idx]
        unemployed = activity == UNEMPLOYED
        finds = free & unemployed & (draw < self.job_finding_rate)
        loses = free & (activity == EMPLOYED) & (draw < self.job_loss_rate)
        months = np.where(unemployed & ~finds, months + 1, 0).astype(months.dtype)
        persons["activity"][idx] = np.where(finds, EMPLOYED, np.where(loses, UNEMPLOYED, activity))
        persons["unemployment_months"][idx] = months
