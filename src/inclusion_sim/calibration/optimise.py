"""Point calibration: differential evolution on the distance, with common random numbers.

Every candidate is simulated with the same seeds, so two candidates differ only by their
parameters, not by their random draws, and the objective is a deterministic function that an
optimiser can compare. The search runs in the unit cube of prior quantiles (so log-uniform priors
are searched on a log scale); each generation's population is simulated as one batch on the
executor. Without gradient polishing: the simulated objective is piecewise constant.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
from scipy.optimize import differential_evolution
from tqdm import tqdm

from .distance import distance
from .priors import Prior, at_quantiles
from .simulator import Setup, evaluate
from .store import Store
from .targets import Target


@dataclass(frozen=True)
class OptimiseResult:
    values: dict[str, float]
    distance: float
    evaluations: int


def optimise(
    setup: Setup,
    targets: list[Target],
    priors: list[Prior],
    seeds: Sequence[int] = (0,),
    executor: Executor | None = None,
    store: Store | None = None,
    maxiter: int = 20,
    popsize: int = 8,
    seed: int = 0,
    progress: bool = True,
) -> OptimiseResult:
    """Minimise the distance averaged over `seeds` (the same seeds for every candidate)."""
    store = store if store is not None else Store()
    seeds = list(seeds)
    count = 0
    bar = tqdm(total=maxiter, desc="differential evolution", unit="gen", disable=not progress)

    def objective(population: np.ndarray) -> np.ndarray:
        nonlocal count
        candidates = [at_quantiles(priors, x) for x in population.T]
        runs = [c for c in candidates for _ in seeds]
        stats = evaluate(
            setup, targets, runs, seeds * len(candidates), executor, store, progress=progress
        )
        count += len(runs)
        means = stats.reshape(len(candidates), len(seeds), len(targets)).mean(axis=1)
        return distance(means, targets)

    def step(intermediate_result) -> None:
        bar.update()
        bar.set_postfix(distance=f"{intermediate_result.fun:.3f}")

    result = differential_evolution(
        objective,
        bounds=[(0.0, 1.0)] * len(priors),
        maxiter=maxiter,
        popsize=popsize,
        polish=False,
        vectorized=True,
        updating="deferred",
        rng=np.random.default_rng(seed),
        callback=step,
    )
    bar.close()
    return OptimiseResult(at_quantiles(priors, result.x), float(result.fun), count)
