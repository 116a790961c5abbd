"""Action plug-ins: each of the six actions is a subclass of `Action` in its own module.

An action owns its levers (validated scenario keys with sourced defaults), its agents, its
monthly mechanism and its indicators; the model composes the actions a scenario enables.
Adding an action is one module and one `@register` line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ..parameters import suggest

if TYPE_CHECKING:
    from ..model import InclusionModel

REGISTRY: dict[str, type[Action]] = {}


def register(cls: type[Action]) -> type[Action]:
    """Class decorator: make an action available to scenarios under `cls.name`."""
    if cls.name in REGISTRY:
        raise ValueError(f"action '{cls.name}' is registered twice")
    REGISTRY[cls.name] = cls
    return cls


class Action:
    """Base class of an action.

    `levers` maps each scenario key to its default value; `sources` says where each default
    comes from. The model calls `step()` once a month after households have settled their
    budgets, then advances the SimPy clock (`model.env`) to the month's end, so SimPy processes
    started by the action run inside the month.
    """

    name: ClassVar[str]
    levers: ClassVar[dict[str, Any]] = {}
    sources: ClassVar[dict[str, str]] = {}

    def __init__(self, model: InclusionModel, **levers: Any):
        unknown = set(levers) - set(self.levers)
        if unknown:
            key = sorted(unknown)[0]
            raise ValueError(
                f"unknown lever '{key}' for action '{self.name}'{suggest(key, self.levers)}"
            )
        self.model = model
        self.settings = self.levers | levers
        self.rng: np.random.Generator = model.stream(f"action:{self.name}")

    def step(self) -> None:
        """The action's monthly mechanism."""

    def indicators(self) -> dict[str, np.ndarray]:
        """Indicator name -> value per zone (length model.n_zones), collected each month."""
        return {}


def create(model: InclusionModel, name: str, levers: dict[str, Any]) -> Action:
    try:
        cls = REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown action '{name}'{suggest(name, REGISTRY)}") from None
    return cls(model, **levers)
