"""Sensitivity analysis with SALib: Morris screening and Sobol indices.

Functions take a SALib problem and a vectorised function (samples (N, d) -> outputs (N, k)), so
the same wiring runs on a test function with known indices (Ishigami) and on the model. For the
model, inputs are prior quantiles in [0, 1] mapped through each prior, so indices are relative to
the priors; every sample runs with the same seeds (common random numbers), so the indices measure
the parameters, not the noise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from .priors import Prior, at_quantiles
from .simulator import Setup, evaluate
from .store import Store
from .targets import Target

Function = Callable[[np.ndarray], np.ndarray]
LEVELS = 4  # Morris grid levels


def sobol(
    problem: dict,
    function: Function,
    n: int,
    outputs: Sequence[str],
    seed: int = 0,
) -> pd.DataFrame:
    """First-order and total Sobol indices (Saltelli sampling, n a power of 2): one row per
    (output, parameter)."""
    x = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    y = np.asarray(function(x), dtype=float).reshape(len(x), -1)
    keys = ("S1", "S1_conf", "ST", "ST_conf")
    undefined = {key: np.full(problem["num_vars"], np.nan) for key in keys}
    analyses = [
        sobol_analyze.analyze(problem, y[:, k], calc_second_order=False, seed=seed)
        if np.isfinite(y[:, k]).all()
        else undefined  # an output undefined for some sample has no indices
        for k in range(len(outputs))
    ]
    return _table(problem, outputs, analyses, keys)


def morris(
    problem: dict,
    function: Function,
    trajectories: int,
    outputs: Sequence[str],
    levels: int = LEVELS,
    seed: int = 0,
) -> pd.DataFrame:
    """Morris elementary effects: mu*, mu, sigma per (output, parameter); mu* is in the output's
    unit per full prior range."""
    x = morris_sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    y = np.asarray(function(x), dtype=float).reshape(len(x), -1)
    keys = ("mu_star", "mu", "sigma", "mu_star_conf")
    undefined = {key: np.full(problem["num_vars"], np.nan) for key in keys}
    analyses = [
        morris_analyze.analyze(problem, x, y[:, k], num_levels=levels, seed=seed)
        if np.isfinite(y[:, k]).all()
        else undefined  # an output undefined for some sample has no indices
        for k in range(len(outputs))
    ]
    return _table(problem, outputs, analyses, keys)


def _table(problem: dict, outputs: Sequence[str], analyses: list, keys: Sequence[str]):
    """One row per (output, parameter) with the analysis' `keys` as columns."""
    return pd.DataFrame(
        dict(output=output, parameter=name, **{key: s[key][i] for key in keys})
        for output, s in zip(outputs, analyses, strict=True)
        for i, name in enumerate(problem["names"])
    )


def model_problem(priors: list[Prior]) -> dict:
    return {
        "num_vars": len(priors),
        "names": [p.name for p in priors],
        "bounds": [[0, 1]] * len(priors),
    }


def model_function(
    setup: Setup,
    targets: list[Target],
    priors: list[Prior],
    seeds: Sequence[int] = (0,),
    executor: Executor | None = None,
    store: Store | None = None,
    progress: bool = True,
) -> Function:
    """Samples of prior quantiles -> the targets' statistics, averaged over the same seeds."""
    seeds = list(seeds)

    def function(x: np.ndarray) -> np.ndarray:
        candidates = [at_quantiles(priors, row) for row in x]
        runs = [c for c in candidates for _ in seeds]
        stats = evaluate(
            setup, targets, runs, seeds * len(x), executor, store, "sensitivity", progress
        )
        return stats.reshape(len(x), len(seeds), len(targets)).mean(axis=1)

    return function
