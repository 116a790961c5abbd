"""A test action for experiments and comparisons, importable by worker processes.

Loaded by path (`--plugin tests/helpers_actions.py`, `plugins=[HELPERS]`), so a process pool or
Dask worker registers it too. Each month it pays for a random number of household visits from a
ledger line, and the State adds 10% in fees: each household helped costs exactly 1.1 * cost.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inclusion_sim.actions import REGISTRY, Action
from inclusion_sim.checks import AMOUNT
from inclusion_sim.declarations import Indicator, Levers, lever

PATH = str(Path(__file__).resolve())


@dataclass(frozen=True)
class HelperLevers(Levers):
    budget: float = lever(
        1200.0, unit="EUR", check=AMOUNT, range=(0.0, 1e4), source="test", description="budget"
    )
    cost: float = lever(
        100.0, unit="EUR", check=AMOUNT, range=(0.0, 1e3), source="test", description="cost"
    )


class Helper(Action):
    name = "test_helper"
    lever_groups = (HelperLevers,)
    budget_lines = (("metropolis", "test_visits"), ("state", "test_admin"))
    outputs = (
        Indicator(
            "test_helped",
            "households",
            "cumulative",
            "households helped so far",
            outcome="increase",
        ),
        Indicator(
            "test_in_need", "households", "stock", "households still in need", outcome="decrease"
        ),
    )
    NEED = 500.0

    def __init__(self, model, **levers):
        super().__init__(model, **levers)
        self.settings = self.levers(HelperLevers)
        model.ledger.open_line("metropolis", "test_visits", self.settings.budget)
        model.ledger.open_line("state", "test_admin", 10 * self.settings.budget)
        self.helped = 0.0

    def step(self):
        cost = self.settings.cost
        wanted = self.rng.poisson(3) * cost
        paid = self.model.ledger.pay("metropolis", "test_visits", wanted, self.model.steps)
        if paid > 0:
            self.model.ledger.pay("state", "test_admin", 0.1 * paid, self.model.steps)
        self.helped += paid / cost

    def indicators(self):
        helped = np.zeros(self.model.n_zones)
        helped[0] = self.helped
        helped = self.model.zone_values(helped)
        need = self.model.zone_values(np.eye(self.model.n_zones)[0] * self.NEED)
        return {"test_helped": helped, "test_in_need": need - helped}


def install():
    """Register the action (idempotent: a module loaded twice registers once)."""
    REGISTRY.setdefault(Helper.name, Helper)


install()
