"""The action base class and the registry of actions a scenario may enable."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import numpy as np

from ..declarations import Indicator, Lever, LeverError, Levers
from ..errors import InclusionSimError
from ..parameters import suggest

if TYPE_CHECKING:
    from ..model import InclusionModel

REGISTRY: dict[str, type[Action]] = {}
G = TypeVar("G", bound=Levers)


def register(cls: type[Action]) -> type[Action]:
    """Class decorator: make an action available to scenarios under `cls.name`."""
    if cls.name in REGISTRY:
        raise ValueError(f"action '{cls.name}' is registered twice")
    names = [lever.name for lever in cls.declared_levers()]
    if len(set(names)) != len(names):
        raise ValueError(f"action '{cls.name}' declares a lever twice: {names}")
    REGISTRY[cls.name] = cls
    return cls


class Action:
    """Base class of an action.

    An action declares its levers as frozen dataclasses (`lever_groups`, one per component, see
    `declarations.Levers`) and its indicators (`outputs`). The model calls `step()` once a month
    after households have settled their budgets, then advances the SimPy clock (`model.env`) to
    the month's end, so SimPy processes started by the action run inside the month.
    """

    name: ClassVar[str]
    lever_groups: ClassVar[tuple[type[Levers], ...]] = ()
    outputs: ClassVar[tuple[Indicator, ...]] = ()
    # the ledger lines (funder, line) the action pays from: what its outcomes cost
    budget_lines: ClassVar[tuple[tuple[str, str], ...]] = ()

    def __init__(self, model: InclusionModel, **levers: Any):
        self.model = model
        self.values = self.validate_levers(levers)
        self.rng: np.random.Generator = model.stream(f"action:{self.name}")

    def levers(self, group: type[G]) -> G:
        """The frozen dataclass of one component's levers (scenario values over defaults)."""
        return group.of(self.values)

    @classmethod
    def declared_levers(cls) -> list[Lever]:
        return [lever for group in cls.lever_groups for lever in group.declared()]

    @classmethod
    def validate_levers(cls, levers: Mapping[str, Any]) -> dict[str, Any]:
        """The scenario's levers checked against their declarations and normalised (zones to
        ids, lists to tuples); relations between levers are checked by building each group."""
        declared = {lever.name: lever for lever in cls.declared_levers()}
        values = {}
        for key, value in levers.items():
            if key not in declared:
                raise LeverError(
                    key, f"unknown lever for action '{cls.name}'{suggest(key, declared)}"
                )
            values[key] = declared[key].validate(value)
        for group in cls.lever_groups:
            group.of(values)
        return values

    @classmethod
    def indicator(cls, name: str) -> Indicator:
        return next(i for i in cls.outputs if i.name == name)

    def step(self) -> None:
        """The action's monthly mechanism."""

    def forget(self, households: np.ndarray, persons: np.ndarray) -> None:
        """The household rows and person slots whose occupant changed this month (a household
        moved out or in, a person died, left, was born or joined): whatever the action keeps
        about them belongs to someone who is gone, and must be dropped before the row or slot
        serves a newcomer. Called each month before any action steps; an action that keeps
        per-row or per-slot state overrides it. A SimPy process started for one occupant checks
        the row's (slot's) `generation` before it acts."""

    def indicators(self) -> dict[str, np.ndarray]:
        """Indicator name -> values per zone plus the total (use `model.zone_values`), for every
        indicator in `outputs`."""
        return {}


def create(model: InclusionModel, name: str, levers: dict[str, Any]) -> Action:
    try:
        cls = REGISTRY[name]
    except KeyError:
        raise InclusionSimError(f"unknown action '{name}'{suggest(name, REGISTRY)}") from None
    return cls(model, **levers)
