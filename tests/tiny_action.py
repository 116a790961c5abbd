"""A tiny action written the way a new action is: it declares its levers and indicators and
registers itself, editing no module of the package. Loaded with `--plugin tests/tiny_action.py`.

Each month it pays `grant` EUR of energy arrears for up to `places` indebted households (agents),
from a yearly budget line: the lever `places` moves the outcome `tiny_helped`.
"""

from dataclasses import dataclass

import numpy as np

from inclusion_sim import register
from inclusion_sim.actions import REGISTRY, Action
from inclusion_sim.checks import AMOUNT, COUNT
from inclusion_sim.declarations import Indicator, Levers, lever


@dataclass(frozen=True)
class TinyLevers(Levers):
    places: int = lever(
        3,
        unit="households a month",
        check=COUNT,
        range=(0, 50),
        source="test",
        description="households helped each month",
    )
    grant: float = lever(
        50.0, unit="EUR", check=AMOUNT, range=(0.0, 500.0), source="test", description="grant"
    )


class Tiny(Action):
    name = "tiny"
    lever_groups = (TinyLevers,)
    outputs = (
        Indicator(
            "tiny_helped",
            "households",
            "cumulative",
            "households helped so far",
            outcome="increase",
        ),
    )

    def __init__(self, model, **levers):
        super().__init__(model, **levers)
        self.settings = self.levers(TinyLevers)
        model.ledger.open_line(
            "Metropolis", "tiny", 12 * self.settings.places * self.settings.grant
        )
        self.helped = np.zeros(model.n_zones)

    def step(self):
        hh = self.model.population.households
        indebted = np.flatnonzero(hh["arrears_energy"] > 0)
        for i in indebted[: self.settings.places]:
            paid = self.model.ledger.pay(
                "Metropolis", "tiny", self.settings.grant, self.model.steps
            )
            hh["arrears_energy"][i] = max(hh["arrears_energy"][i] - paid, 0.0)
            self.helped[hh["zone"][i]] += paid > 0

    def indicators(self):
        return {
            "tiny_helped": self.model.zone_values(self.helped * self.model.population.zone_weight)
        }


if Tiny.name not in REGISTRY:  # a module loaded twice registers once
    register(Tiny)
