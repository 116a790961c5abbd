"""The calibrated parameter file, draws from its posterior, and the posterior predictive table.

``data/calibrated.toml`` holds ``[provenance]`` (date, method, targets, seed, package version,
git revision, simulation setup), ``[values]`` (applied by ``Parameters()`` over the defaults) and,
after ABC, ``[posterior]`` (the weighted particles), from which scenario ensembles draw parameter
sets so that calibration uncertainty carries into every comparison.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Sequence
from concurrent.futures import Executor
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InclusionSimError
from ..files import write_text_atomically
from ..parameters import CALIBRATED_FILE
from .distance import distance
from .simulator import Setup, evaluate
from .store import Store
from .targets import Target


def packaged_path() -> Path:
    """Where ``Parameters()`` looks for the calibrated file (the package's data folder)."""
    return Path(str(resources.files("inclusion_sim.data") / CALIBRATED_FILE))


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return repr(float(value)) if math.isfinite(value) else ("inf" if value > 0 else "nan")
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple | np.ndarray):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} to TOML")


def _key(name: str) -> str:
    """A TOML key: quoted, so that an action's dotted name stays one key, not a table."""
    return json.dumps(name, ensure_ascii=False)


def write_calibrated(
    path: str | PathLike,
    values: dict[str, float],
    provenance: dict[str, Any],
    posterior: tuple[list[str], np.ndarray, np.ndarray] | None = None,
) -> None:
    """Write the calibrated file atomically; `posterior` is (names, weights, particles)."""
    lines = [
        "# Calibrated parameter values, written by `inclusion-sim calibrate`: do not edit by hand.",
        "# Parameters() applies [values] over the packaged defaults; Parameters(calibrated=False)",
        "# does not. docs/calibration.md says how this file was made and how to remake it.",
        "",
        "[provenance]",
        *(f"{key} = {_toml(value)}" for key, value in provenance.items()),
        "",
        "[values]",
        *(f"{_key(name)} = {_toml(value)}" for name, value in values.items()),
    ]
    if posterior is not None:
        names, weights, particles = posterior
        lines += [
            "",
            "[posterior]  # the last ABC-SMC generation: weighted particles",
            f"parameters = {_toml(list(names))}",
            f"weights = {_toml(np.asarray(weights))}",
            "particles = [",
            *(f"  {_toml(np.asarray(row))}," for row in particles),
            "]",
        ]
    path = Path(path)
    text = "\n".join(lines) + "\n"
    tomllib.loads(text)  # never leave a file Parameters() cannot read
    write_text_atomically(path, text)


def posterior_draws(n: int, seed: int = 0, path: str | PathLike | None = None) -> list[dict]:
    """`n` parameter sets drawn by weight from the calibrated posterior (for ensembles)."""
    path = Path(path) if path is not None else packaged_path()
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no calibrated file; run `inclusion-sim calibrate`")
    data = tomllib.loads(path.read_text("utf-8"))
    if "posterior" not in data:
        raise InclusionSimError(f"{path}: no [posterior] table (the calibration was not ABC)")
    post = data["posterior"]
    weights = np.asarray(post["weights"], dtype=float)
    particles = np.asarray(post["particles"], dtype=float)
    rows = np.random.default_rng(seed).choice(len(weights), size=n, p=weights / weights.sum())
    return [dict(zip(post["parameters"], map(float, particles[i]), strict=True)) for i in rows]


def best_particle(
    setup: Setup,
    targets: list[Target],
    candidates: Sequence[dict[str, float]],
    seed: int = 0,
    replications: int = 5,
    executor: Executor | None = None,
    store: Store | None = None,
    progress: bool = True,
) -> tuple[dict[str, float], float]:
    """The candidate with the smallest distance averaged over `replications` common seeds.

    The calibrated point: the model is nonlinear, so the posterior mean of the parameters can
    miss targets that most posterior particles reproduce; re-running the closest particles on
    several seeds avoids picking one whose single run was lucky.
    """
    seeds = list(np.random.default_rng([seed, 2]).integers(0, 2**31 - 1, replications))
    runs = [c for c in candidates for _ in seeds]
    stats = evaluate(
        setup, targets, runs, seeds * len(candidates), executor, store, "point", progress
    )
    means = stats.reshape(len(candidates), replications, len(targets)).mean(axis=1)
    distances = distance(means, targets)
    best = int(np.argmin(distances))
    return dict(candidates[best]), float(distances[best])


def predictive_table(
    setup: Setup,
    targets: list[Target],
    calibrated: dict[str, float],
    draws: Sequence[dict[str, float]],
    seed: int = 0,
    replications: int = 5,
    executor: Executor | None = None,
    store: Store | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Per target: the figure; the calibrated values' mean over `replications` seeds and whether
    it is within tolerance; the posterior predictive mean and 90% interval (one run per draw,
    own seed) and whether the figure is inside it."""
    rng = np.random.default_rng([seed, 1])
    point_seeds = rng.integers(0, 2**31 - 1, replications)
    point = evaluate(
        setup,
        targets,
        [calibrated] * replications,
        point_seeds,
        executor,
        store,
        "calibrated values",
        progress,
    ).mean(axis=0)
    predictive = evaluate(
        setup,
        targets,
        list(draws),
        rng.integers(0, 2**31 - 1, len(draws)),
        executor,
        store,
        "posterior predictive",
        progress,
    )
    figure = np.array([t.value for t in targets])
    tolerance = np.array([t.tolerance for t in targets])
    low, high = np.nanpercentile(predictive, [5, 95], axis=0)
    return pd.DataFrame(
        {
            "figure_id": [t.figure_id for t in targets],
            "indicator": [t.indicator for t in targets],
            "zone": [t.zone for t in targets],
            "statistic": [t.statistic for t in targets],
            "figure": figure,
            "tolerance": tolerance,
            "calibrated": point,
            "within_tolerance": np.abs(point - figure) <= tolerance * np.abs(figure),
            "predictive_mean": np.nanmean(predictive, axis=0),
            "predictive_p5": low,
            "predictive_p95": high,
            "inside_90": (low <= figure) & (figure <= high),
        }
    )


def markdown(table: pd.DataFrame) -> str:
    """The predictive table as a Markdown table (numbers to 3 significant digits)."""

    def cell(v: Any) -> str:
        if isinstance(v, bool | np.bool_):
            return "yes" if v else "no"
        if isinstance(v, float | np.floating):
            return f"{v:,.3g}" if abs(v) < 1000 else f"{v:,.0f}"
        return str(v)

    header = "| " + " | ".join(table.columns) + " |"
    rule = "|" + "---|" * len(table.columns)
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([header, rule, *rows]) + "\n"
