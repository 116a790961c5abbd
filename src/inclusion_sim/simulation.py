"""Running a scenario: the model over its horizon, then its tidy results and summary table."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from .indicators import TOTAL, year_values
from .model import InclusionModel
from .preflight import check_run
from .scenario import Scenario, load_scenario

# Indicators whose zone value is a population marginal, and the marginal's field.
_FITTED = {"poverty_rate": "poverty_rate", "unemployment_rate": "unemployment_rate"}


def run(
    scenario: Scenario | str | Path,
    seed: int | None = None,
    progress: bool = False,
    memory_limit: float | None = None,
) -> pd.DataFrame:
    """Simulate a scenario (object or TOML path); tidy results (month, zone, indicator, value)."""
    return simulate(scenario, seed, progress, memory_limit).results()


def simulate(
    scenario: Scenario | str | Path,
    seed: int | None = None,
    progress: bool = False,
    memory_limit: float | None = None,
) -> InclusionModel:
    """Build and run the model of a scenario; returns the model after its last month.

    The run is checked first (`preflight.check_run`: every zone gets agents, the run fits in
    `memory_limit` GiB)."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, seed)
    elif seed is not None:
        scenario = replace(scenario, seed=seed)
    check_run([scenario], memory_limit)
    return run_model(scenario, progress)


def run_model(scenario: Scenario, progress: bool = False) -> InclusionModel:
    """Build and run the model of a scenario already checked (experiments check in the parent)."""
    model = InclusionModel(scenario)
    for _ in tqdm(range(scenario.months), desc=scenario.name, unit="month", disable=not progress):
        model.step()
    return model


def summary(model: InclusionModel, results: pd.DataFrame) -> pd.DataFrame:
    """Per zone and indicator: the first and last simulated years, each summarised by the
    indicator's kind (a flow's annual sum, a stock's or rate's mean...), and the figure if any."""
    months = results["month"].max()
    declared = model.declared_indicators()
    first, last = (
        year_values(results, declared, window, model.start_month).set_index(["zone", "indicator"])
        for window in ((1, min(12, months)), (max(months - 11, 1), months))
    )
    table = first["value"].rename("first_year").to_frame().join(last["value"].rename("last_year"))
    table = table.sort_index().reset_index()
    table.insert(2, "unit", table["indicator"].map(lambda n: declared[n].unit))
    pairs = zip(table["zone"], table["indicator"], strict=True)
    action_figures = model.indicator_figures()
    table["figure"] = [
        action_figures.get(indicator, np.nan) if zone == TOTAL else _figure(model, zone, indicator)
        for zone, indicator in pairs
    ]
    return table


def _figure(model: InclusionModel, zone: str, indicator: str) -> float:
    """The zone's documented value of an indicator (placeholders and assumptions excluded)."""
    if indicator not in _FITTED or zone not in model.zone_names[: model.n_zones]:
        return np.nan
    marginals = model.marginals[model.zone_names.index(zone)]
    field = _FITTED[indicator]
    source = marginals.sources.get(field, "")
    if source.startswith(("PLACEHOLDER", "ASSUMPTION")):
        return np.nan
    return 100 * getattr(marginals, field)
