"""The distance between simulated statistics and their targets.

Each target's error is divided by its tolerance in the figure's own unit (``tolerance x |figure|``)
so that a rate in percent and a count of 50,000 persons weigh alike: a scaled error of 1 is one
tolerance away. The distance is the weighted root mean square of the scaled errors; a failed
statistic (NaN) makes it infinite.
"""

from __future__ import annotations

import numpy as np

from .targets import Target


def scaled_errors(simulated: np.ndarray, targets: list[Target]) -> np.ndarray:
    """(simulated - figure) / (tolerance x |figure|), per target (last axis)."""
    value = np.array([t.value for t in targets])
    scale = np.array([t.tolerance * abs(t.value) for t in targets])
    return (np.asarray(simulated, dtype=float) - value) / scale


def distance(simulated: np.ndarray, targets: list[Target]) -> np.ndarray | float:
    """Weighted RMS of the scaled errors, over the last axis (one value per row)."""
    weight = np.array([t.weight for t in targets])
    errors = scaled_errors(simulated, targets)
    d = np.sqrt((weight * errors**2).sum(axis=-1) / weight.sum())
    return np.where(np.isnan(d), np.inf, d)
