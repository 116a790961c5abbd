"""Figures a planner reads on a screen: at most `MAX_PANELS` panels a figure, each titled with its
indicator and unit, the legend above the panels, concise dates on the time axis.

Matplotlib is imported when the first figure is drawn (it costs a quarter of a second), and the
layout is fixed in inches rather than computed by `tight_layout`, which would draw each figure
twice: a small run spends most of its time simulating, not plotting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .declarations import Indicator

MAX_PANELS = 12
COLUMNS = 3
PANEL = (4.2, 2.5)  # inches: width, height of one panel
DPI = 80
# inches around and between panels: title and legend above, rotated dates below
TOP, BOTTOM, LEFT, RIGHT, ROW_GAP, COLUMN_GAP = 0.95, 0.5, 0.75, 0.2, 0.8, 0.65
LEGEND_COLUMNS, LEGEND_ROW = 5, 0.22


def plot_indicators(
    results: pd.DataFrame,
    path: Path,
    indicators: Sequence[Indicator],
    start: str = "2017-01",
    title: str = "",
) -> Path:
    """Monthly series of `indicators` (at most MAX_PANELS), one line per zone."""
    dates = _dates(start, results["month"].max())
    fig, axes = _grid(len(indicators), results["zone"].nunique())
    for ax, indicator in zip(axes, indicators, strict=True):
        data = results[results["indicator"] == indicator.name]
        for zone, series in data.groupby("zone", observed=True, sort=False):
            values = series["value"].to_numpy()
            # Months without a value (e.g. no visit that month) break the line: mark the points.
            marker = "." if pd.isna(values).any() else None
            ax.plot(dates[series["month"].to_numpy()], values, label=zone, lw=1.2, marker=marker)
        _label(ax, indicator)
    return _save(fig, axes, path, title)


def plot_series(
    series: pd.DataFrame,
    path: Path,
    zone: str,
    indicators: Sequence[Indicator],
    start: str = "2017-01",
    title: str = "",
) -> Path:
    """Time series of `indicators` in `zone`: one line per scenario (mean over runs) with the
    band holding 90% of runs. `series` is `comparison.series`'s table."""
    data = series[series["zone"] == zone]
    dates = _dates(start, data["month"].max())
    fig, axes = _grid(len(indicators), data["scenario"].nunique())
    for ax, indicator in zip(axes, indicators, strict=True):
        rows = data[data["indicator"] == indicator.name]
        for scenario, s in rows.groupby("scenario", sort=False):
            x = dates[s["month"].to_numpy()]
            (line,) = ax.plot(x, s["mean"].to_numpy(), lw=1.4, label=scenario)
            ax.fill_between(x, s["low"], s["high"], color=line.get_color(), alpha=0.2, lw=0)
        _label(ax, indicator)
    return _save(fig, axes, path, title or f"{zone}: mean over runs, band = 90% of runs")


def plot_costs(costs: pd.DataFrame, path: Path, units: Mapping[str, str] | None = None) -> Path:
    """One panel per outcome: euros of the action's extra spending per unit gained, per scenario,
    with the 90% interval."""
    units = units or {}
    names = list(dict.fromkeys(costs["outcome"]))[:MAX_PANELS]
    scenarios = list(dict.fromkeys(costs["scenario"]))
    fig, axes = _grid(len(names), len(scenarios))
    for ax, name in zip(axes, names, strict=True):
        rows = costs[costs["outcome"] == name].set_index("scenario")
        _bars(ax, rows, scenarios, "cost_per_outcome")
        ax.set_title(name.replace("_", " "), fontsize=10)
        ax.set_xlabel(f"EUR per unit gained ({units.get(name, 'units')})", fontsize=9)
    return _save(fig, axes, path, "Cost per outcome gained (action's own spending), 90% CI")


def _bars(ax, rows: pd.DataFrame, scenarios: list[str], column: str) -> None:
    """Horizontal bars with error bars, one per scenario, in the scenarios' colours (the
    reference takes the first colour in the time series, so others start at the second)."""
    for i, scenario in enumerate(scenarios):
        if scenario not in rows.index:
            continue
        row = rows.loc[scenario]
        value, low, high = row[column], row["low"], row["high"]
        err = None if pd.isna(low) else [[value - low], [high - value]]
        ax.barh(
            i,
            0 if pd.isna(value) else value,
            xerr=err,
            color=f"C{i + 1}",
            alpha=0.75,
            capsize=3,
            label=scenario,
        )
    ax.set_yticks([])
    ax.invert_yaxis()  # the first scenario on top, as in the legend
    ax.grid(axis="x", alpha=0.3)
    ax.xaxis.set_major_formatter(_compact_formatter())


def _dates(start: str, last_month: int) -> pd.DatetimeIndex:
    dates = pd.period_range(start=start, periods=int(last_month) + 1, freq="M")
    return (dates - 1).to_timestamp()  # month 0 is the state before the first month


def _label(ax, indicator: Indicator, axis: str = "y") -> None:
    """Title and unit; few ticks (each label costs drawing time), concise dates."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.ticker import MaxNLocator

    ax.set_title(indicator.name.replace("_", " "), fontsize=10)
    getattr(ax, f"set_{axis}label")(indicator.unit, fontsize=9)
    ax.grid(axis=axis, alpha=0.3)
    if axis == "y":
        ax.yaxis.set_major_locator(MaxNLocator(4))
        ax.yaxis.set_major_formatter(_compact_formatter())
        dates = AutoDateLocator(minticks=3, maxticks=7)
        ax.xaxis.set_major_locator(dates)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(dates))
        ax.tick_params(labelsize=8)


def _compact_formatter():
    from matplotlib.ticker import FuncFormatter

    def compact(x: float, _pos) -> str:
        for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
            if abs(x) >= size:
                return f"{x / size:,.3g}{suffix}"
        return f"{x:,.3g}"

    return FuncFormatter(compact)


def _grid(n: int, entries: int):
    """A figure of `n` panels (at most MAX_PANELS) laid out in inches, without pyplot, with room
    above for the title and a legend of `entries`."""
    if not 0 < n <= MAX_PANELS:
        raise ValueError(f"a figure holds 1 to {MAX_PANELS} panels, got {n}")
    from matplotlib.figure import Figure

    cols = min(COLUMNS, n)
    rows = -(-n // cols)
    width = LEFT + RIGHT + cols * PANEL[0] + (cols - 1) * COLUMN_GAP
    top = TOP + LEGEND_ROW * (max(-(-entries // LEGEND_COLUMNS), 1) - 1)
    height = top + BOTTOM + rows * PANEL[1] + (rows - 1) * ROW_GAP
    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(
        left=LEFT / width,
        right=1 - RIGHT / width,
        top=1 - top / height,
        bottom=BOTTOM / height,
        hspace=ROW_GAP / PANEL[1],
        wspace=COLUMN_GAP / PANEL[0],
    )
    axes = np.array([fig.add_subplot(rows, cols, k + 1) for k in range(n)])
    return fig, axes


def _save(fig, axes: np.ndarray, path: Path, title: str) -> Path:
    """Title and one legend (the first panel's entries) above the panels, then the PNG."""
    height = fig.get_figheight()
    fig.suptitle(title, y=1 - 0.12 / height, va="top", fontsize=11)
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        fig.legend(
            handles,
            labels,
            loc="upper center",
            bbox_to_anchor=(0.5, 1 - 0.42 / height),
            ncol=min(len(labels), LEGEND_COLUMNS),
            frameon=False,
            fontsize=9,
        )
    fig.savefig(path, dpi=DPI, format="png")
    return path
