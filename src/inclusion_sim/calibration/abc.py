"""A posterior by approximate Bayesian computation: sequential Monte Carlo (ABC-SMC).

The algorithm of Toni et al. (2009, J. R. Soc. Interface 6:187) with the adaptive kernel of
Beaumont et al. (2009, Biometrika 96:983):

- generation 0 draws ``particles`` parameter sets from the prior and keeps them all;
- generation t sets its tolerance ``epsilon`` to a weighted quantile of the previous
  generation's distances, then proposes a previous particle (drawn by weight) moved by a Gaussian
  kernel whose covariance is twice the previous particles' weighted covariance (``kernel =
  "full"``), or only its diagonal (``"diagonal"``, component-wise: the full covariance cannot be
  estimated from fewer particles than parameters, as in a joint fit of many), with a floor of
  ``MIN_KERNEL_SD`` on every standard deviation; a diagonal step leaving the cube is folded back
  at its faces (its density is then the sum over mirror images); a proposal is
  simulated (own seed: the model's noise is part of the likelihood) and accepted if its distance
  is at most epsilon, until ``particles`` are accepted;
- an accepted particle weighs prior density / sum_j W_j K(particle | particle_j).

It runs in the unit cube of prior quantiles, where every prior is uniform (density 1 inside,
0 outside: proposals of the full kernel outside are rejected without simulating). It stops after
``generations``, when epsilon reaches ``min_epsilon``, or when a generation's acceptance rate
would fall below ``min_acceptance`` (that generation is then dropped).

Resuming: proposals come from generators seeded by (seed, generation) in fixed-size batches, so a
rerun after an interruption proposes the same candidates and finds their results in the store.
pyabc was not used: it installs on Python 3.12 but brings about fifty packages (a Jupyter kernel,
a Redis client, scikit-learn, GitPython) into the environment, see docs/calibration.md.
"""

from __future__ import annotations

import warnings
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from tqdm import tqdm

from .distance import distance
from .priors import Prior, at_quantiles
from .simulator import Setup, evaluate
from .store import Store
from .targets import Target

KERNELS = ("full", "diagonal")
# Floor of the kernel's standard deviation, in prior quantiles: when the weights concentrate on a
# few particles (which a fit of many parameters can do), every parameter still moves a little.
MIN_KERNEL_SD = 0.01


@dataclass(frozen=True)
class Generation:
    t: int
    epsilon: float
    unit: np.ndarray  # (particles, parameters) in prior-quantile space
    values: np.ndarray  # the same particles as parameter values
    weights: np.ndarray
    distances: np.ndarray
    statistics: np.ndarray  # (particles, targets)
    simulations: int

    @property
    def acceptance_rate(self) -> float:
        return len(self.weights) / self.simulations

    @property
    def effective_size(self) -> float:
        """Kish's effective sample size of the weights: particles' worth of information."""
        return float(1 / np.sum(self.weights**2))


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order]) / weights.sum()
    return float(values[order][np.searchsorted(cumulative, q)])


def abc_smc(
    setup: Setup,
    targets: list[Target],
    priors: list[Prior],
    particles: int = 100,
    generations: int = 5,
    quantile: float = 0.5,
    min_epsilon: float = 0.0,
    min_acceptance: float = 0.02,
    seed: int = 0,
    executor: Executor | None = None,
    store: Store | None = None,
    progress: bool = True,
    kernel: str = "full",
) -> list[Generation]:
    """Run ABC-SMC; returns the generations, the last one being the posterior sample."""
    if particles < 2 or generations < 1 or not 0 < quantile < 1 or not 0 < min_acceptance <= 1:
        raise ValueError(
            "expected particles >= 2, generations >= 1, 0 < quantile < 1, 0 < min_acceptance <= 1"
        )
    if kernel not in KERNELS:
        raise ValueError(f"kernel {kernel!r}: expected one of {KERNELS}")
    if kernel == "full" and particles <= len(priors):
        raise ValueError(
            f"{particles} particles cannot estimate the full covariance of {len(priors)} "
            "parameters: use more particles or the diagonal kernel"
        )
    store = store if store is not None else Store()
    n, dim = particles, len(priors)

    def simulate(unit: np.ndarray, rng: np.random.Generator, t: int) -> np.ndarray:
        seeds = rng.integers(0, 2**31 - 1, len(unit))
        candidates = [at_quantiles(priors, u) for u in unit]
        return evaluate(
            setup, targets, candidates, seeds, executor, store, f"ABC generation {t}", progress
        )

    rng = np.random.default_rng([seed, 0])
    unit = rng.random((n, dim))
    statistics = simulate(unit, rng, 0)
    history = [_generation(0, np.inf, unit, priors, np.full(n, 1 / n), statistics, targets, n)]
    bar = tqdm(total=generations - 1, desc="ABC-SMC", unit="gen", disable=not progress)
    for t in range(1, generations):
        previous = history[-1]
        epsilon = weighted_quantile(previous.distances, previous.weights, quantile)
        if previous.epsilon <= min_epsilon:
            break
        epsilon = max(epsilon, min_epsilon)
        cov = 2 * np.atleast_2d(np.cov(previous.unit.T, aweights=previous.weights))
        if kernel == "diagonal":
            cov = np.diag(np.diag(cov))
        cov += MIN_KERNEL_SD**2 * np.eye(dim)
        rng = np.random.default_rng([seed, t])
        accepted_unit, accepted_stats, simulations = [], [], 0
        while len(accepted_unit) < n:
            if simulations >= n / min_acceptance:
                warnings.warn(
                    f"ABC-SMC stopped: generation {t} accepted {len(accepted_unit)} of "
                    f"{simulations} simulations at epsilon {epsilon:.3g}, below the minimum "
                    f"acceptance rate {min_acceptance}",
                    stacklevel=2,
                )
                bar.close()
                return history
            parents = rng.choice(n, size=n, p=previous.weights)
            proposals = previous.unit[parents] + rng.multivariate_normal(np.zeros(dim), cov, n)
            if kernel == "diagonal":
                proposals = reflect(proposals)
            proposals = proposals[np.all((proposals >= 0) & (proposals <= 1), axis=1)]
            if len(proposals) == 0:
                continue
            batch = simulate(proposals, rng, t)
            simulations += len(proposals)
            keep = distance(batch, targets) <= epsilon
            accepted_unit += list(proposals[keep])
            accepted_stats += list(batch[keep])
        unit, statistics = np.array(accepted_unit[:n]), np.array(accepted_stats[:n])
        if kernel == "diagonal":
            density = reflected_density(unit, previous.unit, np.sqrt(np.diag(cov)))
        else:
            perturbation = stats.multivariate_normal(np.zeros(dim), cov)
            density = perturbation.pdf(unit[:, None, :] - previous.unit[None, :, :])
        weights = 1 / (density.reshape(n, n) @ previous.weights)
        history.append(
            _generation(
                t, epsilon, unit, priors, weights / weights.sum(), statistics, targets, simulations
            )
        )
        bar.update()
        bar.set_postfix(epsilon=f"{epsilon:.3f}", acceptance=f"{n / simulations:.2f}")
    bar.close()
    return history


def reflect(x: np.ndarray) -> np.ndarray:
    """Fold points back into the unit cube at its faces (a proposal outside is mirrored, not
    rejected: in many dimensions almost every Gaussian step leaves the cube somewhere)."""
    x = np.abs(x) % 2
    return np.where(x > 1, 2 - x, x)


def reflected_density(points: np.ndarray, centres: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """(len(points), len(centres)) density of a diagonal Gaussian step from each centre, folded
    into the unit cube: per dimension the sum over the centre and its mirror images at 0 and 1
    (further images weigh nothing for steps under half the cube), multiplied over dimensions."""
    x, c = points[:, None, :], centres[None, :, :]
    images = (x - c, x + c, x - (2 - c))
    per_dim = sum(stats.norm.pdf(d / sd) for d in images) / sd
    return np.exp(np.log(per_dim).sum(axis=-1))


def _generation(t, epsilon, unit, priors, weights, statistics, targets, simulations) -> Generation:
    values = np.column_stack([p.ppf(unit[:, i]) for i, p in enumerate(priors)])
    return Generation(
        t, epsilon, unit, values, weights, distance(statistics, targets), statistics, simulations
    )


def history_frame(history: list[Generation], priors: list[Prior]) -> pd.DataFrame:
    """Every generation's particles: t, epsilon, weight, distance and the parameter values."""
    frames = []
    for g in history:
        frame = pd.DataFrame(g.values, columns=[p.name for p in priors])
        frame.insert(0, "distance", g.distances)
        frame.insert(0, "weight", g.weights)
        frame.insert(0, "effective_size", g.effective_size)
        frame.insert(0, "epsilon", g.epsilon)
        frame.insert(0, "generation", g.t)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
