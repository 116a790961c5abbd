"""The catalogue of every declared input and output: levers and parameters (`levers()`), and
indicators (`indicators()`), core and every registered action's. docs/levers.md is generated
from it (`levers_markdown()`), and so are the tools that need ranges and units."""

from __future__ import annotations

import math

import pandas as pd

from .actions import REGISTRY
from .declarations import Indicator
from .indicators import CORE_INDICATORS
from .keywords import identifier, lever_keyword
from .parameters import load_parameter_table

LEVER_COLUMNS = [
    "name",
    "identifier",
    "action",
    "kind",
    "default",
    "unit",
    "low",
    "high",
    "options",
    "source",
    "description",
]


def indicators() -> dict[str, Indicator]:
    """Indicator name -> declaration: the core's and every registered action's."""
    declared = [*CORE_INDICATORS, *(i for cls in REGISTRY.values() for i in cls.outputs)]
    return {i.name: i for i in declared}


def indicator_groups() -> dict[str, tuple[Indicator, ...]]:
    """ "core" and each registered action -> its declared indicators, in declaration order."""
    return {"core": CORE_INDICATORS, **{name: cls.outputs for name, cls in REGISTRY.items()}}


def levers() -> pd.DataFrame:
    """Every lever (kind "lever", set in a scenario's [actions.<action>] table) and parameter
    (kind "parameter", set in [parameters]): name, identifier (its keyword of InclusionModel,
    mesa.batch_run and EMA Workbench), action ("core" for the core), kind, default,
    unit, low, high (the range worth exploring: a lever's declared range, a parameter's prior;
    empty when the value is not a number or has no range), options (allowed values), source,
    description."""
    rows = []
    for action, cls in sorted(REGISTRY.items()):
        for lever in cls.declared_levers():
            low, high = lever.range or (math.nan, math.nan)
            rows.append(
                {
                    "name": lever.name,
                    "identifier": lever_keyword(action, lever.name),
                    "action": action,
                    "kind": "lever",
                    "default": lever.value,
                    "unit": lever.unit,
                    "low": low,
                    "high": high,
                    "options": ", ".join(lever.options),
                    "source": lever.source,
                    "description": lever.description,
                }
            )
    for name, p in load_parameter_table().items():
        low, high = p.range or (math.nan, math.nan)
        rows.append(
            {
                "name": name,
                "identifier": identifier(name),
                "action": name.split(".")[0] if "." in name else "core",
                "kind": "parameter",
                "default": p.value,
                "unit": p.unit,
                "low": low,
                "high": high,
                "options": "",
                "source": p.source,
                "description": p.description,
            }
        )
    return pd.DataFrame(rows, columns=LEVER_COLUMNS)


def levers_markdown() -> str:
    """docs/levers.md: every lever and parameter of the packaged actions and the core, by action
    (generated; do not edit by hand). Actions registered from outside the package are left out."""
    packaged = {
        name for name, cls in REGISTRY.items() if cls.__module__.startswith("inclusion_sim.")
    }
    table = levers()
    table = table[table["action"].isin(packaged | {"core"}) | (table["kind"] == "parameter")]
    lines = [
        "# Levers and parameters",
        "",
        "Generated from the declarations by `inclusion-sim levers --markdown > docs/levers.md`"
        " (a test fails when this page is out of date). Levers are set in a scenario's"
        " `[actions.<action>]` table, parameters in its `[parameters]` table. `range` is the range"
        " worth exploring (a lever's declared range, a parameter's prior); values outside it are"
        " allowed when they pass the check. `keyword` is the name of the value as a keyword of"
        " `InclusionModel` (so of `mesa.batch_run`, SolaraViz and EMA Workbench).",
    ]
    for action, rows in table.groupby("action", sort=False):
        lines += ["", f"## {action}", ""]
        for kind, group in rows.groupby("kind", sort=False):
            lines += [
                f"### {kind}s",
                "",
                "| name | keyword | default | unit | range | description | source |",
                "|---|---|---|---|---|---|---|",
            ]
            for r in group.itertuples():
                span = (
                    f"{_cell(r.low)} - {_cell(r.high)}" if not pd.isna(r.low) else (r.options or "")
                )
                lines.append(
                    f"| `{r.name}` | `{r.identifier}` | {_cell(r.default)} | {r.unit} | {span} | "
                    f"{_escape(r.description)} | {_escape(r.source)} |"
                )
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:,.6g}"
    if isinstance(value, tuple | list):
        return ", ".join(_cell(v) for v in value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_cell(v)}" for k, v in value.items()) or "none"
    return _escape(str(value))


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
