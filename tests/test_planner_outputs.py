"""Outputs a planner reads: summaries by each indicator's kind, headline tables and console,
figures readable on a screen, a report under 1 MB that opens with the scenarios, and a warning
when there are too few runs for the intervals shown."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from inclusion_sim import catalogue, report
from inclusion_sim.cli import main
from inclusion_sim.comparison import MIN_RUNS, compare_folder, replication_warning
from inclusion_sim.declarations import Indicator
from inclusion_sim.experiment import run_experiment
from inclusion_sim.indicators import year_values
from inclusion_sim.plots import MAX_PANELS
from inclusion_sim.scenario import parse_scenario

# --- summaries by kind ------------------------------------------------------------------------

KINDS = {
    name: Indicator(name, "u", name, "test")
    for name in ("stock", "rate", "flow", "year_to_date", "cumulative", "trailing_year")
}


def monthly(start_month: int) -> pd.DataFrame:
    """24 months of one zone: each kind's series built from the same monthly amount `m`."""
    months = np.arange(0, 25)
    amount = np.where(months > 0, months.astype(float), 0.0)  # month k adds k
    calendar = (start_month - 1 + months - 1) % 12 + 1  # calendar month of step k (k >= 1)
    ytd, running = [], 0.0
    for k, m in zip(months, calendar, strict=True):
        running = 0.0 if k == 0 or m == 1 else running
        running += amount[k]
        ytd.append(running)
    series = {
        "stock": 100 + months,
        "rate": months / 10,
        "flow": amount,
        "year_to_date": np.array(ytd),
        "cumulative": np.cumsum(amount),
        "trailing_year": [amount[max(k - 11, 1) : k + 1].sum() for k in months],
    }
    return pd.concat(
        [
            pd.DataFrame({"month": months, "zone": "Z", "indicator": name, "value": values})
            for name, values in series.items()
        ],
        ignore_index=True,
    )


@pytest.mark.parametrize("start_month", [1, 7])
def test_a_year_is_summarised_by_the_indicators_kind(start_month):
    results = monthly(start_month)
    year = year_values(results, KINDS, (13, 24), start_month).set_index("indicator")["value"]
    last_year = np.arange(13, 25, dtype=float)
    assert year["stock"] == pytest.approx(np.mean(100 + last_year))  # mean of a level
    assert year["rate"] == pytest.approx(np.mean(last_year / 10))
    assert year["flow"] == pytest.approx(last_year.sum())  # annual sum, not a monthly mean
    assert year["cumulative"] == pytest.approx(np.arange(1, 25).sum())  # the end value
    assert year["trailing_year"] == pytest.approx(last_year.sum())
    # A year-to-date total: what accrued over the year; its December value for a calendar year.
    assert year["year_to_date"] == pytest.approx(last_year.sum())
    if start_month == 1:
        december = results[(results["indicator"] == "year_to_date") & (results["month"] == 24)]
        assert year["year_to_date"] == pytest.approx(december["value"].item())


# --- a comparison of every action -------------------------------------------------------------


def _scenario(name: str, fsl_budget: float, description: str):
    data = {
        "name": name,
        "description": description,
        "seed": 4,
        "territory": {"scale": 0.02},
        "horizon": {"months": 12},  # one calendar year: 2017
        "actions": {
            "energy_poverty": {"fsl_budget": fsl_budget},
            "social_clauses": {},
            "dropout": {},
        },
    }
    return parse_scenario(data, f"{name}.toml")


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """Two scenarios with every action enabled, 3 replications, compared and reported."""
    folder = tmp_path_factory.mktemp("everything")
    scenarios = [
        _scenario("all_actions", 800_000.0, "every action at its 2017 default"),
        _scenario("all_fsl_plus50", 1_200_000.0, "the same with the FSL budget +50%"),
    ]
    run_experiment(scenarios, folder, replications=3)
    report.save(compare_folder(folder), folder)
    report.write_report(folder)
    return folder


def test_year_to_date_levels_are_year_end_values_not_yearly_means(compared):
    """The issue's case: fsl_budget_used read 48% (the year's mean) when the year ended at 92%."""
    december = []
    for run in sorted((compared / "runs").glob("all_actions-*")):
        frame = pd.read_parquet(run / "indicators.parquet")
        used = frame[(frame["indicator"] == "fsl_budget_used") & (frame["zone"] == "Territory")]
        december.append(used[used["month"] == 12]["value"].item())
        assert december[-1] > used["value"].mean() + 10
    levels = pd.read_csv(compared / "levels.csv").set_index(["scenario", "zone", "indicator"])
    level = levels.loc[("all_actions", "Territory", "fsl_budget_used")]
    assert level["mean"] == pytest.approx(np.mean(december))


def test_figures_hold_at_most_12_panels_and_fit_a_screen(compared):
    groups = report.figure_groups(catalogue.indicators())
    assert groups and all(0 < len(indicators) <= MAX_PANELS for _, indicators in groups)
    figures = sorted(compared.glob("*.png"))
    assert {p.name for p in figures} >= {
        "series_core.png",
        "series_energy_poverty.png",
        "series_social_clauses.png",
        "series_dropout.png",
    }
    for path in figures:
        with Image.open(path) as image:
            width, height = image.size
        assert width <= 1400 and height <= 1100, (path.name, image.size)


def test_report_opens_with_scenarios_and_headlines_and_stays_under_1_mb(compared):
    page = (compared / "report.html").read_text()
    assert len(page.encode()) < 1_000_000
    order = [
        "<h2>Scenarios</h2>",
        "every action at its 2017 default",
        "the same with the FSL budget +50%",
        "Warning: only 3 runs per scenario",
        "<h2>Headline indicators",
        "<h2>Cost per outcome</h2>",
        "<h2>Figures</h2>",
        "<h2>Every indicator",
        "<h2>Provenance</h2>",
    ]
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)
    headlines = page[positions[4] : positions[5]]
    for group in ("Territory", "Energy poverty", "Social clauses", "Dropout"):
        assert f"<h3>{group}</h3>" in headlines
    declared = catalogue.indicators()
    for name in ("poverty_rate", "fsl_budget_used", "clause_hours", "dropouts"):
        indicator = declared[name]
        assert indicator.headline
        row = re.search(rf"<td>{name}</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", headlines)
        assert row and row.groups() == (indicator.unit, indicator.description)
    assert "energy_effort" not in headlines  # not a headline indicator: in the full table only
    assert "energy_effort" in page[positions[7] :]


def test_console_shows_headline_indicators_and_all_with_all(compared, capsys):
    assert main(["compare", str(compared)]) == 0
    out = capsys.readouterr().out
    assert "fsl_budget_used" in out and "energy_effort" not in out
    assert "Warning: only 3 runs per scenario" in out
    assert main(["compare", str(compared), "--all"]) == 0
    assert "energy_effort" in capsys.readouterr().out


def test_run_console_headline_and_all(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.toml").write_text(
        'name = "s"\n[territory]\nzones = ["Saint-Fons"]\nscale = 0.2\n[horizon]\nmonths = 3\n'
    )
    assert main(["run", "s.toml"]) == 0
    out = capsys.readouterr().out
    assert "poverty_rate" in out and "energy_effort" not in out
    assert main(["run", "s.toml", "--all", "--months", "2", "--scale", "0.1", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert "energy_effort" in out and "2 months from 2017-01, scale 0.1, seed 5" in out
    assert sorted(p.name for p in (tmp_path / "results" / "s").iterdir()) == [
        "indicators.csv",
        "indicators.parquet",
        "indicators_core.png",
        "summary.csv",
        "units.csv",
    ]


def test_replication_warning_rule():
    levels = pd.DataFrame({"runs": [3, 3]})
    assert "only 3 runs" in replication_warning(levels)
    assert "no range of runs" in replication_warning(levels.assign(runs=1))
    assert replication_warning(levels.assign(runs=MIN_RUNS)) == ""
