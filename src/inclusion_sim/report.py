"""What a comparison leaves for people: CSV tables, figures, and one self-contained HTML report
(figures embedded, under 1 MB) that a planner can send as a single file.

The report opens with the question, the scenarios and their descriptions, a warning when there are
too few runs for the intervals shown, and each action's headline indicators (declared with
`headline=True`) with their units and descriptions; figures show the headline indicators only, at
most `plots.MAX_PANELS` a figure; every indicator is in the tables at the end and in the CSVs.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pandas as pd

from . import catalogue
from .comparison import Comparison, headline, outcome_zone, replication_warning
from .declarations import Indicator
from .drawing import Drawing
from .files import OutputError, prepare_folder, write_text_atomically, writer_lock
from .plots import MAX_PANELS, plot_costs, plot_series
from .store import Store, StoreError

FIGURE_FILES = ("series_*.png", "costs.png")
SUMMARY = (
    "A year of an indicator is summarised by its kind: the "
    "annual sum of a monthly flow, the year-end value of a year-to-date total, the end value of a "
    "cumulative or trailing-year count, the mean of a stock or a rate."
)


def console(comparison: Comparison, heading: str, shown: Iterable[str] | None = None) -> str:
    """What a comparison prints: the territory's table of `shown` indicators (None: every one)
    under `heading`, the costs per outcome, and the warning when replications are too few."""
    zone = outcome_zone(comparison.levels)
    lines = [f"\n{zone}, {heading}", f"({SUMMARY})\n"]
    with pd.option_context(
        "display.width", 160, "display.max_rows", 1000, "display.float_format", "{:,.2f}".format
    ):
        lines.append(headline(comparison, zone, shown).to_string(index=False, na_rep=""))
        if not comparison.costs.empty:
            lines.append(
                "\nCost per outcome (euros of the action's extra spending per unit gained)\n"
            )
            lines.append(comparison.costs.to_string(index=False))
    warning = replication_warning(comparison.levels)
    if warning:
        lines.append(f"\nWarning: {warning}.")
    return "\n".join(lines)


def figure_groups(present: Iterable[str]) -> list[tuple[str, list[Indicator]]]:
    """(key, indicators) of each figure: the headline indicators among `present`, core first
    then each action's, at most MAX_PANELS a figure."""
    present = set(present)
    groups = []
    for group, declared in catalogue.indicator_groups().items():
        chosen = [i for i in declared if i.headline and i.name in present]
        for k in range(0, len(chosen), MAX_PANELS):
            key = group if k == 0 else f"{group}_{k // MAX_PANELS + 1}"
            groups.append((key, chosen[k : k + MAX_PANELS]))
    return groups


def save(comparison: Comparison, folder: str | Path, drawing: Drawing | None = None) -> list[Path]:
    """Write the comparison's CSV tables and figures into the experiment folder (figures drawn
    by `drawing`: in this process by default, see drawing.py)."""
    folder = Path(folder)
    drawing = drawing or Drawing()
    zone = outcome_zone(comparison.series)
    start = _experiment(folder).get("start", "2017-01")
    for pattern in FIGURE_FILES:  # a previous comparison's figures
        for stale in folder.glob(pattern):
            stale.unlink()
    drawn = []
    present = comparison.levels["indicator"].unique()
    for key, indicators in figure_groups(present):
        drawn.append(folder / f"series_{key}.png")
        drawing.write(plot_series, drawn[-1], comparison.series, zone, indicators, start)
    if comparison.costs["cost_per_outcome"].notna().any():
        units = {name: i.unit for name, i in catalogue.indicators().items()}
        drawn.append(folder / "costs.png")
        drawing.write(plot_costs, drawn[-1], comparison.costs, units)
    paths = comparison.write(folder)  # while the figures are drawn
    drawing.wait()
    return paths + drawn


def _experiment(folder: Path) -> dict:
    return Store(folder).experiment() or {}


def _read_table(folder: Path, name: str) -> pd.DataFrame:
    path = folder / f"{name}.csv"
    try:
        return pd.read_csv(path)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StoreError(
            f"{path}: unreadable ({message}); run `inclusion-sim compare {folder}` again"
        ) from None


def _table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "<p><em>None.</em></p>"
    return frame.to_html(index=False, float_format=lambda v: f"{v:,.2f}", na_rep="", border=0)


def write_report(folder: str | Path, out: str | Path | None = None) -> Path:
    """One HTML file summarising a compared experiment folder; its path."""
    folder = Path(folder)
    if not (folder / "levels.csv").is_file():
        raise StoreError(f"{folder}: no comparison here; run `inclusion-sim compare` first")
    with writer_lock(folder):
        return _write_report(folder, out)


def _write_report(folder: Path, out: str | Path | None) -> Path:
    out = _report_path(folder, out)
    info = _experiment(folder)
    read = {name: _read_table(folder, name) for name in ("levels", "differences")}
    comparison = Comparison(
        **read,
        costs=_read_table(folder, "costs"),
        spending=_read_table(folder, "spending"),
        series=pd.DataFrame(),
    )
    zone = outcome_zone(read["levels"])
    manifest = next(Store(folder).manifests(), {})
    scenarios = info.get("scenarios", list(dict.fromkeys(read["levels"]["scenario"])))
    title = info.get("question") or f"Comparison of {', '.join(scenarios)}"
    runs = int(read["levels"]["runs"].min()) if len(read["levels"]) else 0
    warning = replication_warning(read["levels"])
    groups = figure_groups(read["levels"]["indicator"].unique())
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 72em; margin: 2em auto; color: #222; }}
table {{ border-collapse: collapse; font-size: 0.9em; margin: 1em 0; }}
th, td {{ padding: 0.25em 0.7em; border-bottom: 1px solid #ddd; text-align: right; }}
th {{ background: #f3f3f3; }} td:nth-child(-n+3) {{ text-align: left; }}
dt {{ font-weight: bold; margin-top: 0.5em; }}
img {{ max-width: 100%; }} pre {{ background: #f7f7f7; padding: 0.8em; overflow-x: auto; }}
.note {{ color: #555; font-size: 0.9em; }}
.warning {{ background: #fff4e0; border-left: 4px solid #e69500; padding: 0.6em 1em; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<h2>Scenarios</h2>
{_scenarios(scenarios, info.get("descriptions", {}))}
<p class="note">{runs} runs per scenario (replications x parameter samples); replication k of
every scenario shares its random numbers, so differences are paired. Figures and headline tables
are for {html.escape(zone)}; every zone is in the CSV files beside this report. Produced
{date.today():%d %B %Y} by inclusion-sim {manifest.get("package_version") or ""}.</p>
{f'<p class="warning">Warning: {html.escape(warning)}.</p>' if warning else ""}
<h2>Headline indicators ({html.escape(zone)}, last 12 months)</h2>
<p class="note">{SUMMARY} "90% of runs": the range holding 90% of runs. "difference": paired
with the reference, with its 90% confidence interval.</p>
{_headline_tables(comparison, zone, groups)}
<h2>Cost per outcome</h2>
<p class="note">Extra spending on the action's own budget lines over the horizon, divided by the
gain of one of its declared outcomes at the end of the horizon, against the reference; only for
scenarios that change that action; 90% interval by bootstrap over paired runs.</p>
{_table(comparison.costs)}
<h2>Figures</h2>
{_figures(folder, groups)}
<h2>Spending per funder and budget line (whole horizon, euros)</h2>
{_table(comparison.spending)}
<h2>Every indicator ({html.escape(zone)}, last 12 months)</h2>
<details><summary>{read["levels"]["indicator"].nunique()} indicators</summary>
{_table(headline(comparison, zone))}</details>
<h2>Provenance</h2>
<p class="note">Git revision {manifest.get("git_revision") or "unknown"}; input data hash
{manifest.get("data_hash", "")}; experiment seed {info.get("seed", "")}.</p>
{_texts(info.get("texts", {}))}
</body></html>
"""
    prepare_folder(out.parent, "--out")
    return write_text_atomically(out, page)


def _scenarios(names: list[str], descriptions: dict[str, str]) -> str:
    items = "".join(
        f"<dt>{html.escape(name)}{' (reference)' if k == 0 else ''}</dt>"
        f"<dd>{html.escape(descriptions.get(name) or 'no description')}</dd>"
        for k, name in enumerate(names)
    )
    return f"<dl>{items}</dl>"


def _headline_tables(comparison: Comparison, zone: str, groups) -> str:
    """One table per group (core, each action): indicator, unit, description, then per scenario
    its level and difference."""
    parts = []
    for key, indicators in groups:
        table = headline(comparison, zone, [i.name for i in indicators])
        described = {i.name: i.description for i in indicators}
        first = ~table["indicator"].duplicated()
        table.insert(2, "what it measures", table["indicator"].map(described).where(first, ""))
        table[["indicator", "unit"]] = table[["indicator", "unit"]].where(first, "")
        parts.append(f"<h3>{html.escape(_group_title(key))}</h3>{_table(table)}")
    return "".join(parts) or "<p><em>No headline indicator.</em></p>"


def _group_title(key: str) -> str:
    return "Territory" if key == "core" else key.replace("_", " ").capitalize()


def _figures(folder: Path, groups) -> str:
    names = [f"series_{key}.png" for key, _ in groups] + ["costs.png"]
    return "".join(
        f'<img alt="{name}" src="data:image/png;base64,{_embedded(folder / name)}">'
        for name in names
        if (folder / name).exists()
    )


def _embedded(path: Path) -> str:
    """The figure as base64 PNG with a 128-colour palette: a third of the size, and no visible
    change for line and bar charts, which keeps the report under 1 MB."""
    from PIL import Image

    with Image.open(path) as image:
        palette = image.convert("RGB").quantize(colors=128, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="png", optimize=True)
    return base64.b64encode(buffer.getvalue()).decode()


def _texts(texts: dict[str, str]) -> str:
    return "".join(
        f"<h3>{html.escape(name)}</h3><pre>{html.escape(text)}</pre>"
        for name, text in texts.items()
    )


def _report_path(folder: Path, out: str | Path | None) -> Path:
    """FOLDER/report.html by default; `out` is an .html file, or a folder to hold report.html.
    Checks only: the folder is created when the report is written."""
    if out is None:
        return folder / "report.html"
    out = Path(out)
    if out.suffix.lower() in (".html", ".htm") and not out.is_dir():
        return out
    if out.exists() and not out.is_dir():
        raise OutputError(
            f"--out {out}: exists and is not a folder; expected a folder or an .html file"
        )
    return out / "report.html"
