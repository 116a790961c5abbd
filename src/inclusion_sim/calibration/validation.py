"""Held-out validation: figures never used in fitting, checked against the calibrated model.

A validation file (``calibration/validation.toml``) names a held-out figures file, the targets
file (no held-out figure may be a target), and the runs that produce the figures. Each held-out
row (``calibration/heldout.csv``)::

    figure_id,run,indicator,zone,statistic,value,source,note

reads a model indicator (or a ratio ``a/b``) like a calibration target, in the named run; the
value comes from ``figures.csv`` when empty. Each run is simulated once per posterior draw of
the calibrated file (each draw with its own seed), so the predictive interval carries both the
calibration's uncertainty and the model's noise. A figure is *inside* when it lies within the
5-95% interval. Misses are reported, never tuned away.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from ..territory.figures import load_figures
from ..territory.zones import zone_id
from ..tomlfile import read_toml
from .config import ConfigError
from .posterior import posterior_draws
from .priors import Prior, load_priors, with_prior_draws
from .simulator import Setup, evaluate
from .store import Store
from .targets import Target, TargetError, load_targets, read_rows

HELDOUT_COLUMNS = ["figure_id", "run", "indicator", "zone", "statistic", "value", "source", "note"]
TABLE_COLUMNS = [
    "figure_id",
    "figure",
    "source",
    "run",
    "indicator",
    "zone",
    "statistic",
    "predictive_mean",
    "predictive_p5",
    "predictive_p95",
    "inside",
    "note",
]
RUN_KEYS = {"zones", "scale", "months", "start_year", "start_month", "actions"}


@dataclass(frozen=True)
class HeldOut:
    target: Target  # how the model produces the figure (tolerance and weight unused)
    run: str
    source: str


@dataclass(frozen=True)
class Validation:
    path: Path
    heldout: list[HeldOut]
    runs: dict[str, Setup]
    seed: int
    draws: int
    store: Path
    priors: dict[str, Prior]  # free parameters outside the posterior are drawn from these


def load_validation(path: str | PathLike) -> Validation:
    """Read a validation file; errors name the file and the key."""
    path = Path(path)
    data, _ = read_toml(path, lambda message: ConfigError(f"{path}: {message}"))
    known = {"heldout", "targets", "priors", "seed", "draws", "store", "runs"}
    for key in data:
        if key not in known:
            raise ConfigError(f"{path}: {key}: unknown key; expected {sorted(known)}")
    for key in ("heldout", "targets", "runs"):
        if key not in data:
            raise ConfigError(f"{path}: {key}: missing")
    runs = {name: _setup(path, name, spec) for name, spec in data["runs"].items()}
    heldout = load_heldout(path.parent / data["heldout"], runs)
    targets = {t.figure_id for t in load_targets(path.parent / data["targets"])}
    fitted = sorted({h.target.figure_id for h in heldout} & targets)
    if fitted:
        raise ConfigError(f"{path}: held-out figures {fitted} are calibration targets")
    draws, seed = data.get("draws", 40), data.get("seed", 0)
    if not (isinstance(draws, int) and draws >= 2 and isinstance(seed, int) and seed >= 0):
        raise ConfigError(f"{path}: expected draws an integer >= 2 and seed an integer >= 0")
    store = path.parent / data.get("store", "store_validation.sqlite")
    priors = load_priors(path.parent / data.get("priors", "priors.toml"))
    return Validation(path, heldout, runs, seed, draws, store, priors)


def _setup(path: Path, name: str, spec) -> Setup:
    if not isinstance(spec, dict) or set(spec) - RUN_KEYS:
        raise ConfigError(f"{path}: runs.{name}: expected a table with keys {sorted(RUN_KEYS)}")
    try:
        zones = tuple(zone_id(z) for z in spec.get("zones", ()))
    except ValueError as exc:
        raise ConfigError(f"{path}: runs.{name}.zones: {exc}") from None
    if not zones:
        raise ConfigError(f"{path}: runs.{name}.zones: expected a non-empty list of zones")
    return Setup(
        zones=zones,
        scale=spec.get("scale", 0.05),
        months=spec.get("months", 24),
        start_year=spec.get("start_year", 2017),
        start_month=spec.get("start_month", 1),
        actions=spec.get("actions", {}),
    )


def load_heldout(path: Path, runs: dict[str, Setup]) -> list[HeldOut]:
    """Read a held-out figures file; each row must name a run and a source."""
    table = read_rows(path, HELDOUT_COLUMNS)
    known = load_figures().set_index("id")["value"]
    rows = []
    for i, row in table.iterrows():
        where = f"{path}, row {i + 1} ({row['figure_id']})"
        if row["run"] not in runs:
            raise TargetError(f"{where}: run {row['run']!r}: expected one of {sorted(runs)}")
        if not row["source"].strip():
            raise TargetError(f"{where}: source: a held-out figure needs its source")
        value = row["value"].strip() or (
            str(known[row["figure_id"]]) if row["figure_id"] in known.index else ""
        )
        target = Target.from_row(
            {**row, "value": value, "tolerance": "1", "weight": "1"}, where, known=None
        )
        rows.append(HeldOut(target, row["run"], row["source"]))
    ids = [h.target.figure_id for h in rows]
    if len(set(ids)) != len(ids):
        raise TargetError(f"{path}: figure_id must be unique")
    return rows


def validate(
    validation: Validation,
    draws: list[dict[str, float]] | None = None,
    executor: Executor | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """The validation table: one row per held-out figure (TABLE_COLUMNS)."""
    if draws is None:
        posterior = posterior_draws(validation.draws, validation.seed)
        draws = with_prior_draws(posterior, validation.priors.values(), validation.seed)
    store = Store(validation.store)
    seeds = np.random.default_rng([validation.seed, 3]).integers(0, 2**31 - 1, len(draws))
    rows = []
    for name, setup in validation.runs.items():
        mine = [h for h in validation.heldout if h.run == name]
        if not mine:
            continue
        targets = [h.target for h in mine]
        stats = evaluate(setup, targets, draws, seeds, executor, store, f"run {name}", progress)
        low, high = np.nanpercentile(stats, [5, 95], axis=0)
        for k, h in enumerate(mine):
            t = h.target
            rows.append(
                {
                    "figure_id": t.figure_id,
                    "figure": t.value,
                    "source": h.source,
                    "run": name,
                    "indicator": t.indicator,
                    "zone": t.zone,
                    "statistic": t.statistic,
                    "predictive_mean": float(np.nanmean(stats[:, k])),
                    "predictive_p5": float(low[k]),
                    "predictive_p95": float(high[k]),
                    "inside": bool(low[k] <= t.value <= high[k]),
                    "note": t.note,
                }
            )
    order = {h.target.figure_id: i for i, h in enumerate(validation.heldout)}
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    return table.sort_values("figure_id", key=lambda c: c.map(order)).reset_index(drop=True)
