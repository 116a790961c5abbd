"""The source document's figures, read from the packaged ``data/figures.csv``.

Territorial figures are calibration targets and population marginals: they live in one data file
with their unit, year, section and caveats, and code reads them by id instead of repeating literals.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InclusionSimError

COLUMNS = ["id", "scope", "figure", "value", "unit", "year", "source_section", "note"]


def load_figures(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The figures table (packaged file by default), checked so that a bad edit fails loudly.

    ``value`` is float (NaN for figures without a number), ``year`` nullable Int64; the other
    columns are strings ('' when empty).
    """
    if path is None:
        source = resources.files("inclusion_sim.data") / "figures.csv"
    else:
        source = Path(path)
    with source.open(encoding="utf-8", newline="") as handle:
        table = pd.read_csv(handle, dtype=str, keep_default_na=False)

    if list(table.columns) != COLUMNS:
        missing = [c for c in COLUMNS if c not in table.columns]
        extra = [c for c in table.columns if c not in COLUMNS]
        raise InclusionSimError(
            f"{source}: header must be '{','.join(COLUMNS)}' "
            f"(missing: {missing or 'none'}, extra: {extra or 'none'})"
        )
    duplicated = sorted(set(table.loc[table["id"].duplicated(), "id"]))
    if duplicated:
        raise InclusionSimError(f"{source}: duplicated id(s): {', '.join(duplicated)}")

    table["value"] = pd.Series(_parse(table, "value", float, np.nan, source), dtype="float64")
    table["year"] = pd.Series(_parse(table, "year", int, pd.NA, source), dtype="Int64")
    return table


def _parse(table: pd.DataFrame, column: str, convert: Callable, missing, source) -> list:
    """Convert one column cell by cell, naming file, line and id of a cell that is not a number."""
    values = []
    # Line 1 is the header; notes never span lines, so row i is on line i + 2.
    for line, (figure_id, text) in enumerate(zip(table["id"], table[column], strict=True), start=2):
        try:
            values.append(convert(text) if text.strip() else missing)
        except ValueError:
            raise InclusionSimError(
                f"{source}, line {line}, id {figure_id!r}: {column} {text!r} is not a number"
            ) from None
    return values


def figure(id: str, figures: pd.DataFrame | None = None) -> float:
    """One figure's value by id; an unknown id (a typo) fails with the closest known ids."""
    table = load_figures() if figures is None else figures
    values = table.set_index("id")["value"]
    if id not in values.index:
        close = difflib.get_close_matches(id, list(values.index))
        raise KeyError(f"unknown figure id {id!r}; close matches: {', '.join(close) or 'none'}")
    return float(values[id])
