"""Plots of tidy results: one panel per indicator, one line per zone, over calendar time."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no display is needed or assumed
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from .indicators import INDICATORS  # noqa: E402


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
    units = INDICATORS if units is None else units
    names = list(dict.fromkeys(results["indicator"]))
    cols = 3
    rows = -(-len(names) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 3.2 * rows), squeeze=False, sharex=True)
    dates = pd.period_range(start=start, periods=results["month"].max() + 1, freq="M")
    dates = (dates - 1).to_timestamp()  # month 0 is the state before the first month
    for ax, name in zip(axes.ravel(), names, strict=False):
        data = results[results["indicator"] == name]
        for zone, series in data.groupby("zone", observed=True):
            ax.plot(
                dates[series["month"].to_numpy()], series["value"].to_numpy(), label=zone, lw=1.2
            )
        unit = units.get(name, ("", ""))[0]
        ax.set_title(name.replace("_", " "), fontsize=10)
        ax.set_ylabel(unit)
        ax.grid(alpha=0.3)
    for ax in axes.ravel()[len(names) :]:
        ax.remove()
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False)
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.04, 1, 0.97))
    fig.autofmt_xdate()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
