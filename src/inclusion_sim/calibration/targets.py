"""Calibration targets: which figure each simulated statistic must match, and how closely.

A targets file (``calibration/targets.csv``) has one row per target::

    figure_id,indicator,zone,statistic,tolerance,weight,value,note

``figure_id`` names a figure of the packaged ``figures.csv`` (its value is the target) or, with
``value`` filled in, a researcher's own figure. ``indicator`` is a model indicator (core, derived
or an action's) or a ratio ``a/b`` of two of them; ``zone`` a zone id, ``metro`` (the Territory
total of a whole-Metropolis run) or ``total`` (that of whatever zones the run simulates);
``statistic`` is ``initial`` (month 0), ``mean_last_N`` or ``sum_last_N`` (e.g. ``sum_last_12``:
an annual total of a monthly count). ``tolerance`` is relative to the figure (0.1 = within 10%)
and scales the distance; ``weight`` weighs it.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InclusionSimError
from ..territory.figures import load_figures
from ..territory.zones import ALL_ZONES

COLUMNS = ["figure_id", "indicator", "zone", "statistic", "tolerance", "weight", "value", "note"]
METRO = "metro"
TOTAL = "total"  # the Territory total of whatever zones the run simulates
_STATISTIC = re.compile(r"^(initial|(mean|sum)_last_(\d+))$")


class TargetError(InclusionSimError):
    """A targets file cannot be read or a row is malformed."""


@dataclass(frozen=True)
class Target:
    figure_id: str
    indicator: str
    zone: str
    statistic: str
    value: float
    tolerance: float
    weight: float
    note: str = ""

    @property
    def indicators(self) -> tuple[str, ...]:
        """The model indicators the target reads (two for a ratio)."""
        return tuple(self.indicator.split("/"))

    @property
    def months_needed(self) -> int:
        match = _STATISTIC.match(self.statistic)
        return int(match.group(3)) if match.group(3) else 0

    @classmethod
    def from_row(cls, row, where: str, known: pd.Series | None) -> Target:
        """A target from a row of text cells; the value from `known` figures when empty."""
        if not _STATISTIC.match(row["statistic"]):
            raise TargetError(
                f"{where}: statistic {row['statistic']!r}: expected initial, mean_last_N or "
                "sum_last_N"
            )
        if row["zone"] not in (*ALL_ZONES, METRO, TOTAL):
            raise TargetError(
                f"{where}: zone {row['zone']!r}: expected one of {[*ALL_ZONES, METRO, TOTAL]}"
            )
        if row["value"].strip():
            value = _float(row["value"], where, "value")
        elif (
            known is not None
            and row["figure_id"] in known.index
            and np.isfinite(known[row["figure_id"]])
        ):
            value = float(known[row["figure_id"]])
        else:
            raise TargetError(
                f"{where}: figure_id is not a figure with a value in figures.csv; "
                "give the target's value in the value column"
            )
        tolerance = _float(row["tolerance"], where, "tolerance")
        weight = _float(row["weight"], where, "weight")
        if tolerance <= 0 or weight < 0 or value == 0:
            raise TargetError(f"{where}: expected tolerance > 0, weight >= 0 and a non-zero value")
        return cls(
            row["figure_id"],
            row["indicator"],
            row["zone"],
            row["statistic"],
            value,
            tolerance,
            weight,
            row["note"],
        )

    def compute(self, series: dict[str, np.ndarray], column: int) -> float:
        """The statistic of a run: `series` maps indicator -> (months + 1, zone columns)."""
        values = [_statistic(self.statistic, series[name][:, column]) for name in self.indicators]
        if len(values) == 1:
            return values[0]
        return values[0] / values[1] if values[1] else np.nan


def _statistic(statistic: str, values: np.ndarray) -> float:
    match = _STATISTIC.match(statistic)
    if match.group(1) == "initial":
        return float(values[0])
    window = values[1:][-int(match.group(3)) :]
    return float(window.mean() if match.group(2) == "mean" else window.sum())


def read_rows(path: Path, columns: list[str]) -> pd.DataFrame:
    """A CSV of text cells (comments allowed), with the expected columns."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")
    except FileNotFoundError:
        raise TargetError(f"{path}: file not found") from None
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise TargetError(f"{path}: missing column(s) {missing}; expected {columns}")
    return table


def load_targets(path: str | PathLike, figures: pd.DataFrame | None = None) -> list[Target]:
    """Read and check a targets file; errors name the file, the line and the column."""
    path = Path(path)
    table = read_rows(path, COLUMNS)
    figures = load_figures() if figures is None else figures
    known = figures.set_index("id")["value"]
    targets = [
        Target.from_row(row, f"{path}, row {i + 1} ({row['figure_id']})", known)
        for i, row in table.iterrows()
    ]
    ids = [t.figure_id for t in targets]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise TargetError(f"{path}: figure_id must be unique, repeated: {repeated}")
    return targets


def _float(text: str, where: str, column: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise TargetError(f"{where}: {column} {text!r} is not a number") from None


def zone_column(target: Target, zones: tuple[str, ...]) -> int | None:
    """The results column of the target's zone in a run of `zones`, or None if not simulated."""
    if target.zone == METRO:
        return len(zones) if set(zones) == set(ALL_ZONES) else None
    if target.zone == TOTAL:
        return len(zones) if len(zones) > 1 else 0
    return zones.index(target.zone) if target.zone in zones else None


def why_not(target: Target, indicators, zones: tuple[str, ...], months: int) -> str | None:
    """Why a run cannot produce a target, or None if it can."""
    lacking = [name for name in target.indicators if name not in indicators]
    if lacking:
        return f"indicator(s) {lacking} not produced (is the action enabled?)"
    if zone_column(target, zones) is None:
        return f"zone {target.zone!r} not simulated (zones: {list(zones)})"
    if target.months_needed > months:
        return f"needs {target.months_needed} months, the run has {months}"
    return None


def usable(
    targets: list[Target], indicators: set[str], zones: tuple[str, ...], months: int
) -> list[Target]:
    """The targets a run can produce; the others are skipped with a warning that says why."""
    kept = []
    for t in targets:
        reason = why_not(t, indicators, zones, months)
        if reason is None:
            kept.append(t)
        else:
            warnings.warn(f"target {t.figure_id} skipped: {reason}", stacklevel=2)
    return kept
