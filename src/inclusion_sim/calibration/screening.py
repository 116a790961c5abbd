"""Screening: which free parameters the targets can inform, before any is fitted.

A posterior over every ranged parameter at once is out of reach (over a hundred dimensions, most
of which move no target, would leave importance weights degenerate), so a joint calibration first
screens every free parameter on the targets with Morris elementary effects, at the calibration's
own setup. A parameter is *informative* for a target when its mu* (the mean absolute change of the
target over the parameter's prior range) is at least `min_effect` of the target's tolerance and
`noise_factor` times what the simulation noise alone would give. Informative parameters are
fitted; the others keep their defaults and are reported as priors the targets do not inform.

The noise is estimated from `noise_seeds` runs at the prior centre on independent seeds: an
elementary effect of pure noise has mean absolute value 2 / sqrt(pi) / delta times the noise's
standard deviation (delta = 2/3 on Morris's four levels), about 1.7 sd.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import Executor

import numpy as np
import pandas as pd

from .priors import Prior, at_quantiles
from .sensitivity import LEVELS, model_function, model_problem, morris
from .simulator import Setup, evaluate
from .store import Store
from .targets import Target

NOISE_EFFECT = 2 / math.sqrt(math.pi) / (LEVELS / (2 * (LEVELS - 1)))  # mu* of noise per sd


def screen(
    setup: Setup,
    targets: list[Target],
    priors: list[Prior],
    seeds: Sequence[int],
    trajectories: int,
    min_effect: float,
    noise_seeds: int,
    noise_factor: float,
    seed: int = 0,
    executor: Executor | None = None,
    store: Store | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """One row per (parameter, target): mu* in the target's unit and in tolerances, the noise
    level in tolerances, and whether the parameter is informative for the target."""
    store = store if store is not None else Store()
    outputs = [t.figure_id for t in targets]
    function = model_function(setup, targets, priors, seeds, executor, store, progress)
    table = morris(model_problem(priors), function, trajectories, outputs, seed=seed)
    noise = noise_sd(setup, targets, priors, len(seeds), noise_seeds, seed, executor, store)
    scale = {t.figure_id: t.tolerance * abs(t.value) for t in targets}
    table = table.rename(columns={"output": "target"})
    table["tolerance_units"] = [scale[t] for t in table["target"]]
    table["effect"] = table["mu_star"] / table["tolerance_units"]
    noise_effect = {
        t.figure_id: NOISE_EFFECT * s / scale[t.figure_id]
        for t, s in zip(targets, noise, strict=True)
    }
    table["noise_effect"] = [noise_effect[t] for t in table["target"]]
    table["informative"] = (table["effect"] >= min_effect) & (
        table["effect"] >= noise_factor * table["noise_effect"]
    )
    columns = ["parameter", "target", "mu_star", "effect", "noise_effect", "informative"]
    return table[columns]


def noise_sd(
    setup: Setup,
    targets: list[Target],
    priors: list[Prior],
    replications: int,
    noise_seeds: int,
    seed: int,
    executor: Executor | None,
    store: Store,
) -> np.ndarray:
    """Standard deviation, per target, of a mean over `replications` runs at the prior centre."""
    centre = at_quantiles(priors, np.full(len(priors), 0.5))
    seeds = [seed + 10_000 + i for i in range(noise_seeds * replications)]
    stats = evaluate(setup, targets, [centre] * len(seeds), seeds, executor, store, "noise")
    means = stats.reshape(noise_seeds, replications, len(targets)).mean(axis=1)
    return np.nanstd(means, axis=0, ddof=1)


def informative(table: pd.DataFrame) -> list[str]:
    """Parameters informative for at least one target, in the table's order."""
    chosen = table.groupby("parameter", sort=False)["informative"].any()
    return list(chosen.index[chosen])
