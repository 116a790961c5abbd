"""INSEE commune files in their native layout, turned into zone marginal overrides.

Researchers download INSEE census ("base-cc-...") and Filosofi extracts as they are published:
``;``-separated, one row per commune keyed by ``CODGEO``, column names carrying a two-digit
vintage (``P19_POP``, ``MED19``), suppressed cells written ``s``, ``nd``, ``so`` or ``ns``, and
decimal commas in some vintages. :func:`census_marginals` reads any of these files and returns
``{zone_id: {field: value}}``, the ``marginals`` argument of ``InclusionModel`` and of scenarios,
for the pilot communes; the rest of the Metropolis stays derived from the document's figures.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InclusionSimError

# INSEE commune code -> zone id
COMMUNES: dict[str, str] = {"69259": "venissieux", "69199": "saint_fons", "69029": "bron"}
SUPPRESSED = frozenset({"s", "nd", "so", "ns", ""})

# file kind -> (column whose name reveals the vintage, {marginal field: (numerator, denominator)})
# Column names use "{yy}" for the vintage; a tuple lists accepted spellings, first found wins.
# A denominator of None means the column is the value itself (Filosofi rates are in percent).
LAYOUTS: dict[str, tuple[str, dict[str, tuple]]] = {
    "population": ("P{yy}_POP", {"population": ("P{yy}_POP", None)}),
    "activity": (
        "P{yy}_ACT1564",
        {"unemployment_rate": (("P{yy}_CHOMEUR1564", "P{yy}_CHOM1564"), "P{yy}_ACT1564")},
    ),
    "housing": ("P{yy}_RP", {"social_share": ("P{yy}_RP_LOCHLMV", "P{yy}_RP")}),
    "education": (
        "P{yy}_NSCOL15P",
        {"no_diploma_share": ("P{yy}_NSCOL15P_DIPLMIN", "P{yy}_NSCOL15P")},
    ),
    "filosofi": (
        "MED{yy}",
        {"median_income_cu": ("MED{yy}", None), "poverty_rate": ("TP60{yy}", 100.0)},
    ),
}


class CensusError(InclusionSimError):
    """An INSEE file cannot be read, lacks a column, or lacks a commune."""


def read_insee(path: str | PathLike) -> pd.DataFrame:
    """One INSEE commune file as numbers indexed by CODGEO (suppressed cells are NaN).

    Codes stay text (Corsican codes such as 2A004 are not numbers); decimal commas are read as
    points; any other text in a numeric column is an error naming the file, column and commune.
    """
    path = Path(path)
    try:
        raw = _read_text_table(path)
    except FileNotFoundError:
        raise CensusError(f"{path}: file not found") from None
    if "CODGEO" not in raw.columns:
        raise CensusError(
            f"{path}: no CODGEO column; expected a ';'-separated INSEE commune file, "
            f"found columns {list(raw.columns)[:8]}"
        )
    raw["CODGEO"] = raw["CODGEO"].str.strip()
    table = raw.set_index("CODGEO")
    numeric = {}
    for column in table.columns:
        if column.startswith("LIB"):  # LIBGEO, LIBELLE: names, not numbers
            continue
        numeric[column] = [
            _number(path, column, code, text) for code, text in table[column].items()
        ]
    return pd.DataFrame(numeric, index=table.index)


def _read_text_table(path: Path) -> pd.DataFrame:
    """Older vintages are Latin-1, newer ones UTF-8."""
    for encoding in ("utf-8", "latin-1"):
        try:
            return pd.read_csv(
                path, sep=";", dtype=str, keep_default_na=False, encoding=encoding, quotechar='"'
            )
        except UnicodeDecodeError:
            continue
    raise CensusError(f"{path}: neither UTF-8 nor Latin-1 text")


def _number(path: Path, column: str, code: str, text: str) -> float:
    text = text.strip()
    if text.lower() in SUPPRESSED:
        return np.nan
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise CensusError(
            f"{path}: column {column}, commune {code}: {text!r} is neither a number nor a "
            f"suppressed-cell mark ({', '.join(sorted(SUPPRESSED - {''}))})"
        ) from None


def vintage(table: pd.DataFrame, path: str | PathLike, pattern: str) -> str:
    """The two-digit year of the file, read from the column that `pattern` names.

    When several vintages are present (INSEE 'evol' files carry P13_ and P19_), the latest wins.
    """
    regex = re.compile("^" + re.escape(pattern).replace(r"\{yy\}", r"(\d\d)") + "$")
    years = sorted(m.group(1) for c in table.columns if (m := regex.match(c)))
    if not years:
        raise CensusError(
            f"{path}: missing column {pattern.replace('{yy}', 'YY')} "
            f"(YY = two-digit year, e.g. {pattern.replace('{yy}', '19')})"
        )
    return years[-1]


def _column(table: pd.DataFrame, path, spellings, yy: str) -> str:
    names = [
        s.replace("{yy}", yy) for s in ((spellings,) if isinstance(spellings, str) else spellings)
    ]
    for name in names:
        if name in table.columns:
            return name
    raise CensusError(f"{path}: missing column {' or '.join(names)}")


def census_marginals(
    files: Mapping[str, str | PathLike],
    communes: Mapping[str, str] = COMMUNES,
) -> dict[str, dict[str, float]]:
    """Marginal overrides for the communes, from INSEE files keyed by kind.

    `files` maps a kind among :data:`LAYOUTS` (population, activity, housing, education,
    filosofi) to a file path; `communes` maps INSEE codes to zone ids. A field whose cells are
    suppressed is left out with a warning, so the zone keeps its packaged value for it.
    """
    unknown_kinds = set(files) - set(LAYOUTS)
    if unknown_kinds:
        raise CensusError(f"unknown file kind(s) {sorted(unknown_kinds)}: expected {list(LAYOUTS)}")
    unknown_codes = set(communes) - set(COMMUNES)
    if unknown_codes:
        raise CensusError(
            f"unknown commune code(s) {sorted(unknown_codes)}: the model's communes are "
            + ", ".join(f"{code} ({zone})" for code, zone in COMMUNES.items())
        )
    out: dict[str, dict[str, float]] = {zone: {} for zone in communes.values()}
    for kind, path in files.items():
        table = read_insee(path)
        year_column, fields = LAYOUTS[kind]
        yy = vintage(table, path, year_column)
        missing = [code for code in communes if code not in table.index]
        if missing:
            raise CensusError(f"{path}: commune code(s) {missing} not found in column CODGEO")
        for field, (numerator, denominator) in fields.items():
            num = _column(table, path, numerator, yy)
            den = _column(table, path, denominator, yy) if isinstance(denominator, str) else None
            for code, zone in communes.items():
                value = table.at[code, num] / (table.at[code, den] if den else (denominator or 1.0))
                if np.isfinite(value):
                    out[zone][field] = float(value)
                else:
                    warnings.warn(
                        f"{path}: {num}{'/' + den if den else ''} is suppressed for commune "
                        f"{code}; {zone} keeps its packaged {field}",
                        stacklevel=2,
                    )
    return {zone: fields for zone, fields in out.items() if fields}
