"""Action plug-ins: each action is a package under actions/ whose `Action` subclass registers
itself with `@register`.

An action owns its levers (declared once, with default, unit, range and source), its agents,
its monthly mechanism and its indicators; the model composes the actions a scenario enables.
Every package here is imported (so registered) when `inclusion_sim.actions` is: adding an action
is one new package and one parameter file, editing no other module.
"""

from __future__ import annotations

import importlib
import pkgutil

from ..declarations import LeverError
from .base import REGISTRY, Action, create, register

for _package in pkgutil.iter_modules(__path__):
    if _package.ispkg:
        importlib.import_module(f"{__name__}.{_package.name}")

__all__ = ["REGISTRY", "Action", "LeverError", "create", "register"]
