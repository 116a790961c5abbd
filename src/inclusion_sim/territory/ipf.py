"""Iterative proportional fitting and integerisation, the two steps of population synthesis."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Margin:
    """Target totals along one axis of the table.

    `weight` (broadcastable to the table) turns the fitted quantity into a weighted sum, so that
    a table of households can be fitted to a margin counted in persons (weight = household size).
    """

    axis: int
    target: np.ndarray
    weight: np.ndarray | float = 1.0


def ipf(seed: np.ndarray, margins: list[Margin], tol: float = 1e-10, max_iter: int = 1000):
    """Scale `seed` until every margin matches its target; the seed's odds ratios are kept."""
    table = np.asarray(seed, dtype=float).copy()
    for m in margins:
        if np.any(np.asarray(m.target) < 0):
            raise ValueError(f"negative target on axis {m.axis}: {m.target}")
    for _ in range(max_iter):
        worst = 0.0
        for m in margins:
            other = tuple(a for a in range(table.ndim) if a != m.axis)
            current = (table * m.weight).sum(axis=other)
            target = np.asarray(m.target, dtype=float)
            factor = np.divide(target, current, out=np.zeros_like(target), where=current > 0)
            shape = [1] * table.ndim
            shape[m.axis] = -1
            table *= factor.reshape(shape)
            worst = max(worst, float(np.max(np.abs(current - target) / np.maximum(target, 1))))
        if worst < tol:
            return table
    raise RuntimeError(f"IPF did not converge in {max_iter} iterations (worst gap {worst:.2e})")


def integerise(expected: np.ndarray, rng: np.random.Generator, total: int | None = None):
    """Whole counts per cell: truncate, then replicate the remainders by sampling.

    Each cell gets floor(expected) plus one more with a probability proportional to its
    fractional part, without replacement, so that the grand total is `total` (by default the
    rounded expected total). This is the 'TRS' method of Lovelace & Ballas (2013).
    """
    expected = np.asarray(expected, dtype=float)
    flat = expected.ravel()
    counts = np.floor(flat).astype(np.int64)
    total = int(round(flat.sum())) if total is None else int(total)
    missing = total - counts.sum()
    if missing < 0:
        raise ValueError(f"total {total} is below the truncated counts {counts.sum()}")
    if missing > 0:
        fractions = flat - counts
        if np.count_nonzero(fractions) < missing:
            fractions = np.where(flat > 0, fractions + 1e-12, 0.0)
        picks = rng.choice(flat.size, size=missing, replace=False, p=fractions / fractions.sum())
        counts[picks] += 1
    return counts.reshape(expected.shape)
