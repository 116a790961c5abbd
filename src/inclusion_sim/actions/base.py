"""The action base class and the registry of actions a scenario may enable."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ..errors import InclusionSimError
from ..parameters import suggest

if TYPE_CHECKING:
    from ..model import InclusionModel

REGISTRY: dict[str, type[Action]] = {}


class LeverError(InclusionSimError):
    """A scenario sets an action's lever that does not exist or has a wrong value."""

    def __init__(self, lever: str, message: str):
        self.lever = lever
        super().__init__(f"lever '{lever}': {message}")


def _kind(default: Any) -> str:
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, str):
        return "a string"
    if isinstance(default, list):
        return "a list"
    return type(default).__name__


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
    # indicator name -> (unit, definition), for tables and plots
    units: ClassVar[dict[str, tuple[str, str]]] = {}
    # outcome indicators (counts) whose cost comparisons report: name -> "decrease" or "increase"
    outcomes: ClassVar[dict[str, str]] = {}
    # indicator -> (figure id, factor): the document's Metropolis-wide figure, times `factor` to
    # the indicator's unit (1/12 for a yearly count reported monthly); shown in summary tables
    figures: ClassVar[dict[str, tuple[str, float]]] = {}

    def __init__(self, model: InclusionModel, **levers: Any):
        self.validate_levers(levers)
        self.model = model
        self.settings = self.levers | levers
        self.rng: np.random.Generator = model.stream(f"action:{self.name}")

    @classmethod
    def validate_levers(cls, levers: dict[str, Any]) -> None:
        """Reject unknown levers and values unlike their default.

        A lever's value must have its default's kind (number, true/false, text, list); numbers
        are budgets, capacities, rates or shares, so they must be >= 0. Subclasses add their own
        checks (e.g. a share <= 1) by extending this method. Errors name the lever and what was
        expected.
        """
        for key, value in levers.items():
            if key not in cls.levers:
                raise LeverError(
                    key, f"unknown lever for action '{cls.name}'{suggest(key, cls.levers)}"
                )
            default = cls.levers[key]
            if isinstance(default, bool) or isinstance(value, bool):
                if not (isinstance(default, bool) and isinstance(value, bool)):
                    raise LeverError(key, f"got {value!r}, expected {_kind(default)}")
            elif isinstance(default, int | float):
                if not isinstance(value, int | float):
                    raise LeverError(key, f"got {value!r}, expected a number >= 0")
                if value < 0:
                    raise LeverError(key, f"got {value!r}, expected a number >= 0")
            elif not isinstance(value, type(default)):
                raise LeverError(key, f"got {value!r}, expected {_kind(default)}")

    def step(self) -> None:
        """The action's monthly mechanism."""

    def indicators(self) -> dict[str, np.ndarray]:
        """Indicator name -> values per zone plus the total (use `model.zone_values`)."""
        return {}


def create(model: InclusionModel, name: str, levers: dict[str, Any]) -> Action:
    try:
        cls = REGISTRY[name]
    except KeyError:
        raise InclusionSimError(f"unknown action '{name}'{suggest(name, REGISTRY)}") from None
    return cls(model, **levers)
