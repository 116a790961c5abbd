"""Mesa's view of the indicators: one scalar model reporter per indicator and zone.

Columns are `<indicator>` for the territory (the Territory total, or the only zone) and
`<indicator>__<zone id>` for each zone, so that mesa.batch_run returns numeric columns and Mesa's
plot components (`make_plot_component("energy_poor_households")`) draw them. The tidy table of
`InclusionModel.results()` (month, zone, indicator, value) is derived from the same columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np
import pandas as pd

from .keywords import SEPARATOR

if TYPE_CHECKING:
    from .model import InclusionModel


def zone_column(indicator: str, zone: str) -> str:
    return f"{indicator}{SEPARATOR}{zone}"


def layout(indicators: list[str], zones: list[str]) -> dict[str, list[tuple[str, int]]]:
    """Indicator -> (column, position in the indicator's values) of each of its columns. Values
    are per zone, then the Territory total when there are several zones."""
    territory = len(zones) if len(zones) > 1 else 0
    return {
        name: [*((zone_column(name, z), i) for i, z in enumerate(zones)), (name, territory)]
        for name in indicators
    }


def _reporter(indicator: str, position: int):
    def report(model: InclusionModel) -> float:
        return float(model._current[indicator][position])

    return report


class IndicatorCollector(mesa.DataCollector):
    """Mesa's DataCollector with the scalar reporters of every indicator and zone.

    `collect` fills every reporter's column in one pass over the month's indicator arrays,
    rather than calling one Python function per column (about 150 with an action enabled),
    which would double the monthly step of a small territory. What it records is what the
    reporters return (tested).
    """

    def __init__(self, indicators: list[str], zones: list[str]):
        self.layout = layout(indicators, zones)
        super().__init__(
            model_reporters={
                column: _reporter(name, i)
                for name, columns in self.layout.items()
                for column, i in columns
            }
        )

    def collect(self, model: InclusionModel) -> None:
        self._collection_steps.append(model.time)
        values = model._current
        for name, columns in self.layout.items():
            month = values[name].tolist()
            for column, i in columns:
                self.model_vars[column].append(month[i])


def tidy(collector: IndicatorCollector, zone_names: list[str]) -> pd.DataFrame:
    """The collector's columns in long form: one row per (month, zone, indicator), zones in the
    model's order (categorical) with the Territory last when there are several zones."""
    frames = []
    for name, columns in collector.layout.items():
        if len(zone_names) == 1:
            columns = columns[:1]
        values = np.column_stack([collector.model_vars[column] for column, _ in columns])
        months = np.arange(len(values))
        frames.append(
            pd.DataFrame(
                {
                    "month": np.repeat(months, values.shape[1]),
                    "zone": np.tile(zone_names, len(months)),
                    "indicator": name,
                    "value": values.ravel().astype(float),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["zone"] = pd.Categorical(out["zone"], categories=zone_names)
    return out.sort_values(["month", "zone", "indicator"], kind="stable").reset_index(drop=True)
