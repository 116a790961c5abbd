"""Calibration and sensitivity analysis: targets, priors, distance, optimiser, ABC-SMC, SALib.

See docs/calibration.md. The command line is `inclusion-sim calibrate` / `sensitivity`.
"""

from .abc import abc_smc
from .distance import distance
from .optimise import optimise
from .posterior import posterior_draws, predictive_table, write_calibrated
from .priors import Prior, load_priors
from .simulator import Setup, evaluate, producible, simulate
from .store import Store
from .targets import Target, load_targets

__all__ = [
    "Prior",
    "Setup",
    "Store",
    "Target",
    "abc_smc",
    "distance",
    "evaluate",
    "load_priors",
    "load_targets",
    "optimise",
    "posterior_draws",
    "predictive_table",
    "producible",
    "simulate",
    "write_calibrated",
]
