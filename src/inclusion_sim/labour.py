"""Monthly job finding and job loss that keep each zone's unemployment at its figure.

Job finding has one monthly rate (a calibrated range). Job loss is set per group (zone x diploma
x household initially poor) at the rate that makes the group's initial unemployment its steady
state, u = s / (s + f); so zones hold their figures while individuals move in and out of work.
"""

from __future__ import annotations

import numpy as np

from .territory.population import EMPLOYED, UNEMPLOYED


class LabourMarket:
    def __init__(self, persons, households, job_finding_rate: float):
        activity = persons["activity"]
        self.active = np.flatnonzero((activity == EMPLOYED) | (activity == UNEMPLOYED))
        hh = persons["household"][self.active]
        zone = households["zone"][hh].astype(np.int64)
        group = (zone * 2 + persons["no_diploma"][self.active]) * 2 + households["initially_poor"][
            hh
        ]
        n_groups = int(group.max()) + 1 if len(group) else 0
        unemployed = activity[self.active] == UNEMPLOYED
        size = np.bincount(group, minlength=n_groups)
        rate = np.divide(
            np.bincount(group, weights=unemployed, minlength=n_groups),
            size,
            out=np.zeros(n_groups),
            where=size > 0,
        )
        self.job_finding_rate = job_finding_rate
        self.job_loss_rate = (job_finding_rate * rate / np.maximum(1 - rate, 1e-9))[group]

    def step(self, persons, rng: np.random.Generator) -> None:
        """One month of flows for every active person (one uniform draw each)."""
        idx = self.active
        activity = persons["activity"][idx]
        months = persons["unemployment_months"][idx]
        draw = rng.random(len(idx))
        unemployed = activity == UNEMPLOYED
        finds = unemployed & (draw < self.job_finding_rate)
        loses = ~unemployed & (draw < self.job_loss_rate)
        months = np.where(unemployed & ~finds, months + 1, 0).astype(months.dtype)
        persons["activity"][idx] = np.where(finds, EMPLOYED, np.where(loses, UNEMPLOYED, activity))
        persons["unemployment_months"][idx] = months
