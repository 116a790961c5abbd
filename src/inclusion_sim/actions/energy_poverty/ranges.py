"""Draws of parameters that vary between households within their documented range."""

from __future__ import annotations

import numpy as np


def draw(params, name: str, rng: np.random.Generator) -> float:
    """Uniform around the parameter's value, as wide as its range allows on both sides.

    At the packaged value (the middle of the range) this is the whole range; an override moves
    the mean and narrows the spread, and a value outside the range is used as is.
    """
    value = params[name]
    low, high = params.definitions[name].range
    half = max(min(value - low, high - value), 0.0)
    return float(rng.uniform(value - half, value + half))
