"""What a comparison leaves for people: CSV tables, figures, and one self-contained HTML report
(figures embedded) that a planner can send as a single file."""

from __future__ import annotations

import base64
import html
from datetime import date
from pathlib import Path

import pandas as pd

from .actions import REGISTRY
from .comparison import Comparison, headline, outcome_zone
from .files import (
    OutputError,
    prepare_folder,
    write_atomically,
    write_text_atomically,
    writer_lock,
)
from .indicators import CORE_INDICATORS
from .indicators import units as indicator_units
from .plots import plot_costs, plot_differences, plot_series
from .store import Store, StoreError

FIGURES = {
    "series.png": "Indicators over time",
    "differences.png": "Differences from the reference scenario",
    "costs.png": "Cost per outcome",
}


def units() -> dict[str, tuple[str, str]]:
    """Indicator -> (unit, definition): the core's and every registered action's."""
    return indicator_units(
        [*CORE_INDICATORS, *(i for cls in REGISTRY.values() for i in cls.outputs)]
    )


def save(comparison: Comparison, folder: str | Path) -> list[Path]:
    """Write the comparison's CSV tables and figures into the experiment folder."""
    folder = Path(folder)
    zone = outcome_zone(comparison.series)
    start = _experiment(folder).get("start", "2017-01")
    paths = comparison.write(folder)
    paths.append(
        write_atomically(
            folder / "series.png",
            lambda p: plot_series(comparison.series, p, zone, start, units()),
        )
    )
    if not comparison.differences.empty:
        paths.append(
            write_atomically(
                folder / "differences.png",
                lambda p: plot_differences(comparison.differences, p, zone),
            )
        )
    if comparison.costs["cost_per_outcome"].notna().any():
        paths.append(
            write_atomically(folder / "costs.png", lambda p: plot_costs(comparison.costs, p))
        )
    else:
        (folder / "costs.png").unlink(missing_ok=True)
    return paths


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
    figures = "".join(
        f'<h3>{caption}</h3><img alt="{caption}" src="data:image/png;base64,'
        f'{base64.b64encode((folder / name).read_bytes()).decode()}">'
        for name, caption in FIGURES.items()
        if (folder / name).exists()
    )
    texts = "".join(
        f"<h3>{html.escape(name)}</h3><pre>{html.escape(text)}</pre>"
        for name, text in info.get("texts", {}).items()
    )
    runs = int(read["levels"]["runs"].max()) if len(read["levels"]) else 0
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 70em; margin: 2em auto; color: #222; }}
table {{ border-collapse: collapse; font-size: 0.9em; margin: 1em 0; }}
th, td {{ padding: 0.25em 0.7em; border-bottom: 1px solid #ddd; text-align: right; }}
th {{ background: #f3f3f3; }} td:first-child, td:nth-child(2) {{ text-align: left; }}
img {{ max-width: 100%; }} pre {{ background: #f7f7f7; padding: 0.8em; overflow-x: auto; }}
.note {{ color: #555; font-size: 0.9em; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>Scenarios: <strong>{html.escape(", ".join(scenarios))}</strong>; the first is the reference.
{runs} runs per scenario (replications x parameter samples). Figures for {html.escape(zone)};
every zone is in the CSV files beside this report. Produced {date.today():%d %B %Y} by
inclusion-sim {manifest.get("package_version") or ""}.</p>
<h2>Cost per outcome</h2>
<p class="note">Extra spending of all funders over the horizon, divided by the outcome gained at
the end of the horizon, against the reference; 90% interval by bootstrap over paired runs.</p>
{_table(comparison.costs)}
<h2>Indicators ({html.escape(zone)}, mean over the last 12 months)</h2>
<p class="note">"90% of runs": the range holding 90% of replications. "difference": paired with
the reference on common random numbers, with its 90% confidence interval.</p>
{_table(headline(comparison, zone))}
<h2>Spending per funder and budget line (whole horizon, euros)</h2>
{_table(comparison.spending)}
<h2>Figures</h2>
{figures}
<h2>Provenance</h2>
<p class="note">Git revision {manifest.get("git_revision") or "unknown"}; input data hash
{manifest.get("data_hash", "")}; experiment seed {info.get("seed", "")}.</p>
{texts}
</body></html>
"""
    prepare_folder(out.parent, "--out")
    return write_text_atomically(out, page)


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
