"""Calibration and sensitivity analysis: targets, priors, distance, optimiser, ABC-SMC, SALib.

See docs/calibration.md. The command line is `inclusion-sim calibrate` / `sensitivity`. The names
below are imported on first use (PEP 562), as in the package's `__init__`.
"""

from __future__ import annotations

import importlib
from typing import Any

# public name -> module
_PUBLIC = {
    "Prior": ".priors",
    "Setup": ".simulator",
    "Store": ".store",
    "Target": ".targets",
    "abc_smc": ".abc",
    "distance": ".distance",
    "evaluate": ".simulator",
    "load_priors": ".priors",
    "load_targets": ".targets",
    "optimise": ".optimise",
    "posterior_draws": ".posterior",
    "predictive_table": ".posterior",
    "producible": ".simulator",
    "simulate": ".simulator",
    "write_calibrated": ".posterior",
}
__all__ = list(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_PUBLIC[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])
