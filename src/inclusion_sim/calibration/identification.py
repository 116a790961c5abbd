"""Identification: how much the targets tell about each free parameter.

For every free parameter, the posterior's 90% interval width over the prior's, both measured in
prior quantiles (so a log-uniform prior is judged on its log scale): about 1 means the targets
did not narrow the prior, small values that they pinned the parameter down. Weights alone
narrow it too: with few particles carrying most of the weight (a small effective sample size),
the weighted interval of a parameter no target depends on spans only those particles. So a
parameter is *fitted* when its ratio is below `max_ratio` and below `null_width_ratio`, the ratio
that the same weights give to uniform values no more than one time in twenty (about 0.9 for
equal weights over 60 particles; lower as the weight concentrates); otherwise, or when
screening found no target it moves, or when it is an input (an official statistic), it is
reported as a prior and its fitted value is not written: it keeps its default.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .abc import Generation, weighted_quantile
from .priors import Prior

FITTED = "fitted"
NOT_INFORMED = "prior: the targets do not narrow it"
SCREENED_OUT = "prior: moves no target (screening)"
INPUT = "input: an official statistic, not fitted"
PRIOR_WIDTH = 0.9  # the 5-95% interval of a prior, in prior quantiles


def identification(
    free: dict[str, Prior],
    fitted: list[Prior],
    final: Generation,
    screening: pd.DataFrame | None,
    defaults: dict[str, float],
    max_ratio: float,
) -> pd.DataFrame:
    """One row per free parameter (inputs included): prior, default, the targets screening found
    it moves, posterior 5/50/95% and the width ratio (fitted ones), and its status."""
    position = {p.name: i for i, p in enumerate(fitted)}
    threshold = min(max_ratio, null_width_ratio(final.weights))
    moved = _moved_targets(screening)
    rows = []
    for name, prior in free.items():
        row = {
            "parameter": name,
            "distribution": prior.distribution,
            "prior_low": prior.low,
            "prior_high": prior.high,
            "default": defaults[name],
            "targets_moved": " ".join(moved.get(name, [])),
            "posterior_p5": np.nan,
            "posterior_median": np.nan,
            "posterior_p95": np.nan,
            "width_ratio": np.nan,
        }
        if name in position:
            i = position[name]
            unit, weights = final.unit[:, i], final.weights
            low, mid, high = (weighted_quantile(unit, weights, q) for q in (0.05, 0.5, 0.95))
            row.update(
                posterior_p5=float(prior.ppf(low)),
                posterior_median=float(prior.ppf(mid)),
                posterior_p95=float(prior.ppf(high)),
                width_ratio=(high - low) / PRIOR_WIDTH,
            )
            row["status"] = FITTED if row["width_ratio"] < threshold else NOT_INFORMED
        else:
            row["status"] = INPUT if not prior.fit else SCREENED_OUT
        rows.append(row)
    return pd.DataFrame(rows)


def null_width_ratio(weights: np.ndarray, draws: int = 2000) -> float:
    """The width ratio that `weights` give to values carrying no information (uniform draws)
    in only one draw in twenty: narrower than this, the weights alone do not explain it."""
    rng = np.random.default_rng(0)  # fixed: the same weights always give the same threshold
    widths = []
    for _ in range(draws):
        unit = rng.random(len(weights))
        low, high = (weighted_quantile(unit, weights, q) for q in (0.05, 0.95))
        widths.append((high - low) / PRIOR_WIDTH)
    return float(np.percentile(widths, 5))


def _moved_targets(screening: pd.DataFrame | None) -> dict[str, list[str]]:
    if screening is None:
        return {}
    chosen = screening[screening["informative"]]
    return chosen.groupby("parameter", sort=False)["target"].apply(list).to_dict()


def fitted_names(table: pd.DataFrame) -> list[str]:
    return list(table.loc[table["status"] == FITTED, "parameter"])
