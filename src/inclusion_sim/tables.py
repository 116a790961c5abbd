"""Self-describing result tables: the tidy indicators carry their run's keys as columns, the
indicator as a categorical, and every indicator's unit, kind and description in `attrs`, which
`DataFrame.to_parquet` writes into the Parquet file's metadata (key `PANDAS_ATTRS`, JSON) and
`pd.read_parquet` restores; `units.csv` beside says the same for any other reader.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from .declarations import Indicator
from .files import write_atomically
from .version import __version__

ATTRS = "inclusion_sim"
UNIT_COLUMNS = ["indicator", "unit", "kind", "description"]


def describe(
    frame: pd.DataFrame,
    declared: Mapping[str, Indicator] | None = None,
    keys: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """`frame` with `keys` (e.g. scenario, replication, sample, seed) as its first columns, its
    `indicator` column categorical, and the units of the indicators it holds in `attrs`."""
    out = frame.copy()
    for key, value in reversed(list((keys or {}).items())):
        out.insert(0, key, value)
    info: dict[str, Any] = {"version": __version__}
    if "indicator" in out:
        names = sorted(out["indicator"].unique())
        out["indicator"] = pd.Categorical(out["indicator"], categories=names)
        info["indicators"] = {
            row["indicator"]: {k: row[k] for k in UNIT_COLUMNS[1:]}
            for row in units_table((declared or {}).values(), names).to_dict("records")
        }
    out.attrs[ATTRS] = info
    return out


def units_table(declared: Iterable[Indicator], names: Iterable[str] | None = None) -> pd.DataFrame:
    """indicator, unit, kind, description of the declared indicators (of `names` only, when
    given, in that order)."""
    by_name = {i.name: i for i in declared}
    chosen = by_name if names is None else [n for n in names if n in by_name]
    rows = [[n, by_name[n].unit, by_name[n].kind, by_name[n].description] for n in chosen]
    return pd.DataFrame(rows, columns=UNIT_COLUMNS)


def write_units(
    path: str | os.PathLike, declared: Iterable[Indicator], names: Iterable[str] | None = None
) -> None:
    table = units_table(declared, names)
    write_atomically(path, lambda p: table.to_csv(p, index=False))
