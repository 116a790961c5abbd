"""Plots of tidy results: one panel per indicator, one line per zone, over calendar time."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no display is needed or assumed
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from .indicators import CORE_INDICATORS, units  # noqa: E402

CORE_UNITS = units(CORE_INDICATORS)


def plot_indicators(
    results: pd.DataFrame,
    path: Path,
    start: str = "2017-01",
    title: str = "",
    units: dict[str, tuple[str, str]] | None = None,
) -> Path:
    """Write a PNG grid of every indicator's monthly series by zone; returns the path.

    `units` maps indicator -> (unit, definition); the core's by default.
    """
    units = CORE_UNITS if units is None else units
    names = list(dict.fromkeys(results["indicator"]))
    fig, axes = _grid(len(names))
    dates = pd.period_range(start=start, periods=results["month"].max() + 1, freq="M")
    dates = (dates - 1).to_timestamp()  # month 0 is the state before the first month
    for ax, name in zip(axes, names, strict=True):
        data = results[results["indicator"] == name]
        for zone, series in data.groupby("zone", observed=True):
            values = series["value"].to_numpy()
            # Months without a value (e.g. no visit that month) break the line: mark the points.
            marker = "." if pd.isna(values).any() else None
            ax.plot(dates[series["month"].to_numpy()], values, label=zone, lw=1.2, marker=marker)
        ax.set_title(name.replace("_", " "), fontsize=10)
        ax.set_ylabel(units.get(name, ("", ""))[0])
        ax.grid(alpha=0.3)
        for label in ax.get_xticklabels():
            label.set(rotation=30, horizontalalignment="right")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False)
    return _save(fig, path, title)


def _grid(n: int, cols: int = 3, height: float = 3.2):
    cols = min(cols, n)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, height * rows), squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.remove()
    return fig, axes.ravel()[:n]


def _save(fig, path: Path, title: str) -> Path:
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.04, 1, 0.96))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_series(
    series: pd.DataFrame,
    path: Path,
    zone: str,
    start: str = "2017-01",
    units: dict[str, tuple[str, str]] | None = None,
) -> Path:
    """Time series of each indicator in `zone`: one line per scenario (mean over runs) with the
    band holding 90% of runs. `series` is `compare.series`'s table."""
    units = CORE_UNITS if units is None else units
    data = series[series["zone"] == zone]
    names = list(dict.fromkeys(data["indicator"]))
    fig, axes = _grid(len(names))
    dates = pd.period_range(start=start, periods=data["month"].max() + 1, freq="M")
    dates = (dates - 1).to_timestamp()
    for ax, name in zip(axes, names, strict=True):
        for scenario, s in data[data["indicator"] == name].groupby("scenario", sort=False):
            x = dates[s["month"].to_numpy()]
            (line,) = ax.plot(x, s["mean"].to_numpy(), lw=1.4, label=scenario)
            ax.fill_between(x, s["low"], s["high"], color=line.get_color(), alpha=0.2, lw=0)
        ax.set_title(name.replace("_", " "), fontsize=10)
        ax.set_ylabel(units.get(name, ("", ""))[0])
        ax.grid(alpha=0.3)
        ax.tick_params(axis="x", labelrotation=30)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False)
    return _save(fig, path, f"{zone}: mean over runs, band = 90% of runs")


def plot_differences(differences: pd.DataFrame, path: Path, zone: str) -> Path:
    """Bars of each scenario's paired difference from the reference, with 90% intervals."""
    data = differences[differences["zone"] == zone]
    names = list(dict.fromkeys(data["indicator"]))
    fig, axes = _grid(len(names), height=0.6 + 0.45 * data["scenario"].nunique() + 1.2)
    for ax, name in zip(axes, names, strict=True):
        d = data[data["indicator"] == name]
        y = range(len(d))
        err = [d["difference"] - d["low"], d["high"] - d["difference"]]
        ax.barh(y, d["difference"], xerr=err, color="tab:purple", alpha=0.6, capsize=4)
        ax.set_yticks(list(y), d["scenario"])
        ax.axvline(0, color="black", lw=0.8)
        ax.set_title(name.replace("_", " "), fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    reference = data["reference"].iloc[0] if len(data) else ""
    return _save(fig, path, f"{zone}: difference from {reference} (last year), 90% CI")


def plot_costs(costs: pd.DataFrame, path: Path) -> Path:
    """Bars of euros per unit of outcome gained, with 90% intervals, one panel per outcome."""
    names = list(dict.fromkeys(costs["outcome"]))
    fig, axes = _grid(len(names), cols=2, height=0.6 + 0.45 * costs["scenario"].nunique() + 1.2)
    for ax, name in zip(axes, names, strict=True):
        d = costs[costs["outcome"] == name]
        y = range(len(d))
        err = [d["cost_per_outcome"] - d["low"], d["high"] - d["cost_per_outcome"]]
        ax.barh(y, d["cost_per_outcome"].fillna(0), xerr=err, color="tab:blue", alpha=0.7)
        ax.set_yticks(list(y), d["scenario"])
        ax.set_xlabel("euros per unit gained")
        ax.set_title(name.replace("_", " "), fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    return _save(fig, path, "Cost per outcome gained, 90% CI")
