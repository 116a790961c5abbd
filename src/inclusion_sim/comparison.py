"""Comparing the scenarios of an experiment, paired over replications.

Statistics (each a function of tidy frames with run keys scenario, replication, sample):

- a run's value of an indicator is its last 12 months (all months if the horizon is shorter)
  summarised by the indicator's kind: the mean of a stock or rate (which smooths the seasonality
  of bills and arrears), the sum of a flow, the end value of a cumulative count;
- levels: per scenario, zone and indicator, the mean over runs and the range holding 90% of runs
  (5th-95th percentiles);
- differences against the first scenario: run by run on the same (replication, sample), hence on
  the same random numbers; the mean difference and its 90% confidence interval (Student t on the
  paired differences), and for reference the unpaired interval (Welch) that independent runs
  would give;
- cost per outcome: for each action's outcomes (its indicators declared with an `outcome`)
  present in the results, the extra spending on that action's own budget lines
  (`Action.budget_lines`, whole horizon) divided by the outcome gained, i.e. the change of the
  outcome's territory value at the end of the horizon, signed so that a gain is positive (a
  decrease for "decrease" outcomes); only for scenarios that change the action (its levers, its
  parameters, or whether it is enabled), so a change to one action never gets a cost per outcome
  of another. Outcomes should therefore be stocks or cumulative counts. The estimate is a ratio
  of mean paired changes; its 90% interval is a bootstrap over pairs; it is left empty when the
  mean gain is not positive;
- spending per funder and budget line: mean and 90% range over runs of the horizon's total.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from . import catalogue
from .actions import REGISTRY
from .experiment import run_experiment
from .files import write_atomically
from .indicators import TOTAL, ratio, year_values
from .scenario import Scenario, folder_name, load_scenario
from .store import KEYS, Store

PAIR = ["replication", "sample"]
LEVEL = 0.90


@dataclass
class Comparison:
    """The tables of a comparison (pandas DataFrames); `series` feeds the time-series plot."""

    levels: pd.DataFrame
    differences: pd.DataFrame
    costs: pd.DataFrame
    spending: pd.DataFrame
    series: pd.DataFrame

    def write(self, folder: str | Path) -> list[Path]:
        """Write every table as CSV into `folder`; the paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for f in fields(self):
            table = getattr(self, f.name)
            paths.append(
                write_atomically(folder / f"{f.name}.csv", partial(table.to_csv, index=False))
            )
        return paths


def compare(
    source: str | Path | Sequence[Scenario | str | Path],
    out: str | Path | None = None,
    replications: int | None = None,
    **experiment: Any,
) -> Comparison:
    """Compare scenarios (objects or TOML paths; the first is the reference) or the runs of an
    experiment folder. Scenarios are run first (or resumed) into `out`, default
    results/compare-<names>; `experiment` goes to `run_experiment` (seed, executor, ...)."""
    if isinstance(source, str | Path) and Path(source).is_dir():
        return compare_folder(source)
    scenarios = [s if isinstance(s, Scenario) else load_scenario(s) for s in source]
    out = out or Path("results") / "-".join(["compare", *(folder_name(s.name) for s in scenarios)])
    run_experiment(scenarios, out, replications, **experiment)
    return compare_folder(out)


@dataclass(frozen=True)
class CostedAction:
    """What cost-per-outcome rows divide: an action's spending on its own budget lines, by the
    gain of each of its outcomes."""

    name: str
    outcomes: dict[str, str]  # indicator -> "increase" or "decrease"
    lines: tuple[tuple[str, str], ...]  # (funder, line)


def costed_actions() -> list[CostedAction]:
    """Every registered action that declares outcomes."""
    actions = []
    for cls in REGISTRY.values():
        outcomes = {i.name: i.outcome for i in cls.outputs if i.outcome}
        if outcomes:
            actions.append(CostedAction(cls.name, outcomes, tuple(cls.budget_lines)))
    return actions


def compare_results(
    indicators: pd.DataFrame,
    spending: pd.DataFrame,
    order: Sequence[str] | None = None,
    changed: dict[str, set[str]] | None = None,
    start_month: int = 1,
) -> Comparison:
    """Compare the scenarios of an experiment's results; the first of `order` is the reference.

    `changed` maps each scenario to the actions it changes against the reference (cost rows are
    given for those only; by default, the actions whose own spending differs); `start_month` is
    the calendar month of the runs' first step (for year-to-date indicators).
    """
    order = list(order or dict.fromkeys(indicators["scenario"]))
    values = run_values(indicators, start_month)
    return Comparison(
        levels=levels(values, order),
        differences=differences(values, order),
        costs=cost_per_outcome(indicators, spending, order, costed_actions(), changed),
        spending=spending_per_funder(indicators, spending, order),
        series=series(indicators, order),
    )


def compare_folder(folder: str | Path) -> Comparison:
    """Compare the runs stored in an experiment folder."""
    store = Store(folder)
    indicators, spending = store.load("indicators"), store.load("spending")
    order = store.scenario_order()
    start = (store.experiment() or {}).get("start", "2017-01")
    return compare_results(
        indicators, spending, order, changed_actions(store, order), int(start.split("-")[1])
    )


def changed_actions(store: Store, order: Sequence[str]) -> dict[str, set[str]]:
    """Per scenario, the actions whose levers, parameters (`<action>.<name>`) or enabled state
    differ from the reference scenario's, read from the runs' manifests."""
    settings = {}
    for manifest in store.manifests():
        settings.setdefault(manifest["scenario"], manifest.get("scenario_settings", {}))

    def of(scenario: str, action: str) -> tuple:
        s = settings.get(scenario, {})
        own = {k: v for k, v in s.get("parameters", {}).items() if k.startswith(f"{action}.")}
        return s.get("actions", {}).get(action), sorted(own.items())

    names = {a for s in settings.values() for a in s.get("actions", {})}
    return {
        scenario: {a for a in names if of(scenario, a) != of(order[0], a)} for scenario in order[1:]
    }


def run_values(indicators: pd.DataFrame, start_month: int = 1) -> pd.DataFrame:
    """One value per run, zone and indicator: the horizon's last 12 months summarised by the
    indicator's kind (the mean of a stock or rate, the sum of a flow, the end value of a
    cumulative count; see `indicators.year_values`)."""
    last = indicators["month"].max()
    window = (max(last - 11, 1), last)
    values = year_values(
        indicators, catalogue.indicators(), window, start_month, keys=(*KEYS, "zone")
    )
    keys = [*KEYS, "zone", "indicator"]
    order = indicators[keys].drop_duplicates()
    return order.merge(values, on=keys, how="inner")


def _ordered(frame: pd.DataFrame, order: Sequence[str], by: list[str]) -> pd.DataFrame:
    rank = {name: i for i, name in enumerate(order)}
    return frame.sort_values(
        by, key=lambda c: c.map(rank) if c.name == "scenario" else c, kind="stable"
    ).reset_index(drop=True)


def _spread(values: pd.Series) -> pd.Series:
    q = (1 - LEVEL) / 2
    return pd.Series(
        {
            "mean": values.mean(),
            "low": values.quantile(q),
            "high": values.quantile(1 - q),
            "runs": len(values),
        }
    )


def levels(values: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Per scenario, zone, indicator: mean over runs and the 90% range of runs."""
    keys = ["scenario", "zone", "indicator"]
    table = values.groupby(keys, sort=False)["value"].apply(_spread).unstack().reset_index()
    table["runs"] = table["runs"].astype(int)
    return _ordered(table, order, keys)


def _interval(mean: float, se: float, dof: float) -> tuple[float, float]:
    if not np.isfinite(se) or dof < 1:
        return np.nan, np.nan
    half = stats.t.ppf(1 - (1 - LEVEL) / 2, dof) * se
    return mean - half, mean + half


def differences(values: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Per scenario after the first, zone, indicator: paired mean difference and intervals."""
    reference = values[values["scenario"] == order[0]]
    rows = []
    for name in order[1:]:
        pairs = values[values["scenario"] == name].merge(
            reference, on=[*PAIR, "zone", "indicator"], suffixes=("", "_ref")
        )
        for (zone, indicator), g in pairs.groupby(["zone", "indicator"], sort=False):
            a, b = g["value_ref"].to_numpy(), g["value"].to_numpy()
            d, n = b - a, len(g)
            paired = _interval(d.mean(), d.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan, n - 1)
            va, vb = (a.var(ddof=1) / n, b.var(ddof=1) / n) if n > 1 else (np.nan, np.nan)
            se = np.sqrt(va + vb)
            welch = (va + vb) ** 2 / (va**2 / (n - 1) + vb**2 / (n - 1)) if se > 0 else n - 1
            unpaired = _interval(d.mean(), se, welch)
            rows.append(
                {
                    "scenario": name,
                    "reference": order[0],
                    "zone": zone,
                    "indicator": indicator,
                    "difference": d.mean(),
                    "low": paired[0],
                    "high": paired[1],
                    "unpaired_low": unpaired[0],
                    "unpaired_high": unpaired[1],
                    "pairs": n,
                }
            )
    return pd.DataFrame(rows, columns=_DIFF_COLUMNS)


_DIFF_COLUMNS = [
    "scenario",
    "reference",
    "zone",
    "indicator",
    "difference",
    "low",
    "high",
    "unpaired_low",
    "unpaired_high",
    "pairs",
]


def _runs(indicators: pd.DataFrame) -> pd.DataFrame:
    return indicators[KEYS].drop_duplicates().reset_index(drop=True)


def run_spending(
    indicators: pd.DataFrame,
    spending: pd.DataFrame,
    lines: Iterable[tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """Total spending of each run on `lines` (funder, line; default all), zero for none."""
    if lines is not None:
        keys = pd.MultiIndex.from_frame(spending[["funder", "line"]])
        spending = spending[keys.isin(list(lines))]
    totals = spending.groupby(KEYS, sort=False)["amount"].sum().rename("spent").reset_index()
    out = _runs(indicators).merge(totals, on=KEYS, how="left")
    return out.fillna({"spent": 0.0})


def outcome_zone(indicators: pd.DataFrame) -> str:
    """The territory total, or the only zone when one zone is simulated."""
    zones = indicators["zone"].unique()
    return TOTAL if TOTAL in zones else zones[0]


def cost_per_outcome(
    indicators: pd.DataFrame,
    spending: pd.DataFrame,
    order: Sequence[str],
    actions: Sequence[CostedAction],
    changed: dict[str, set[str]] | None = None,
    resamples: int = 2000,
) -> pd.DataFrame:
    """Euros of an action's extra spending per unit of its outcome gained, per scenario after
    the first that changes the action (`changed`; default: whose spending on it differs)."""
    zone, last = outcome_zone(indicators), indicators["month"].max()
    final = indicators[(indicators["zone"] == zone) & (indicators["month"] == last)]
    rng = np.random.default_rng(0)
    rows = []
    for action in actions:
        spent = run_spending(indicators, spending, action.lines)
        for indicator, way in action.outcomes.items():
            outcome = final[final["indicator"] == indicator][[*KEYS, "value"]]
            if outcome.empty:
                continue
            runs = spent.merge(outcome, on=KEYS)
            reference = runs[runs["scenario"] == order[0]]
            for name in order[1:]:
                pairs = runs[runs["scenario"] == name].merge(
                    reference, on=PAIR, suffixes=("", "_ref")
                )
                if pairs.empty:  # the outcome exists in one scenario only: nothing to pair
                    continue
                extra = (pairs["spent"] - pairs["spent_ref"]).to_numpy()
                touched = extra.any() if changed is None else action.name in changed[name]
                if not touched:
                    continue
                gain = (pairs["value"] - pairs["value_ref"]).to_numpy()
                gain = -gain if way == "decrease" else gain
                draws = rng.integers(0, len(pairs), size=(resamples, len(pairs)))
                boot = _ratio(extra[draws].mean(axis=1), gain[draws].mean(axis=1))
                q = (1 - LEVEL) / 2
                rows.append(
                    {
                        "scenario": name,
                        "reference": order[0],
                        "action": action.name,
                        "outcome": indicator,
                        "extra_spending": extra.mean(),
                        "outcome_gained": gain.mean(),
                        "cost_per_outcome": _ratio(extra.mean(), gain.mean()),
                        "low": np.nanquantile(boot, q) if np.isfinite(boot).any() else np.nan,
                        "high": np.nanquantile(boot, 1 - q) if np.isfinite(boot).any() else np.nan,
                        "pairs": len(pairs),
                    }
                )
    columns = ["scenario", "reference", "action", "outcome", "extra_spending", "outcome_gained"]
    return pd.DataFrame(rows, columns=[*columns, "cost_per_outcome", "low", "high", "pairs"])


def _ratio(extra, gain):
    """Extra spending per unit gained; NaN where nothing was gained."""
    return ratio(extra, gain)[()]


def spending_per_funder(
    indicators: pd.DataFrame, spending: pd.DataFrame, order: Sequence[str]
) -> pd.DataFrame:
    """Per scenario, funder and line: mean and 90% range over runs of the horizon's spending."""
    keys = ["scenario", "funder", "line"]
    columns = [*keys, "mean", "low", "high", "runs"]
    if spending.empty:
        return pd.DataFrame(columns=columns)
    totals = spending.groupby([*KEYS, "funder", "line"], sort=False)["amount"].sum().reset_index()
    lines = totals[keys].drop_duplicates()
    grid = _runs(indicators).merge(lines, on="scenario")  # runs of a scenario that spent nothing
    full = grid.merge(totals, on=[*KEYS, "funder", "line"], how="left").fillna({"amount": 0.0})
    table = full.groupby(keys, sort=False)["amount"].apply(_spread).unstack().reset_index()
    table["runs"] = table["runs"].astype(int)
    return _ordered(table, order, keys)[columns]


def series(indicators: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Per scenario, zone, indicator and month: mean and 90% range over runs."""
    keys = ["scenario", "zone", "indicator", "month"]
    grouped = indicators.groupby(keys, sort=False)["value"]
    q = (1 - LEVEL) / 2
    table = pd.concat(
        [
            grouped.mean().rename("mean"),
            grouped.quantile(q).rename("low"),
            grouped.quantile(1 - q).rename("high"),
        ],
        axis=1,
    ).reset_index()
    return _ordered(table, order, keys)


def headline(comparison: Comparison, zone: str, indicators: Iterable[str] | None = None):
    """The printed table: for `zone`, each indicator's level per scenario with its difference,
    in the order the indicators are declared (core first, then each action's)."""
    declared = catalogue.indicators()
    lv = comparison.levels[comparison.levels["zone"] == zone]
    diff = comparison.differences[comparison.differences["zone"] == zone]
    table = lv.merge(
        diff[["scenario", "indicator", "difference", "low", "high"]],
        on=["scenario", "indicator"],
        how="left",
        suffixes=("", "_diff"),
    )
    if indicators is not None:
        table = table[table["indicator"].isin(list(indicators))]
    rank = {name: i for i, name in enumerate(declared)}
    table = table.sort_values(
        "indicator", key=lambda names: names.map(lambda n: rank.get(n, len(rank))), kind="stable"
    )
    spread = zip(table["low"], table["high"], strict=True)
    interval = zip(table["low_diff"], table["high_diff"], strict=True)
    return pd.DataFrame(
        {
            "indicator": table["indicator"],
            "unit": table["indicator"].map(lambda n: declared[n].unit if n in declared else ""),
            "scenario": table["scenario"],
            "mean": table["mean"],
            "90% of runs": [_range(lo, hi) for lo, hi in spread],
            "difference": table["difference"],
            "90% CI": [_range(lo, hi) for lo, hi in interval],
        }
    ).reset_index(drop=True)


def headline_names(present: Iterable[str]) -> list[str]:
    """The headline indicators (declared with `headline=True`) among `present`."""
    declared = catalogue.indicators()
    return [name for name in present if name in declared and declared[name].headline]


MIN_RUNS = 10
"""Fewer runs per scenario than this get a warning: with n runs, the 5th and 95th percentiles
of the "90% of runs" range lie between the two most extreme runs until n = 21, and the paired
90% interval's Student factor is 2.92 at 3 runs against 1.83 at 10 (1.64 for many runs)."""


def replication_warning(levels: pd.DataFrame) -> str:
    """A warning when the runs per scenario are too few for the intervals shown, else ''."""
    runs = int(levels["runs"].min()) if len(levels) else 0
    if runs >= MIN_RUNS:
        return ""
    if runs <= 1:
        return "one run per scenario: no range of runs and no confidence interval can be given"
    return (
        f"only {runs} runs per scenario: the 90% ranges are little more than the extreme runs "
        f"and the confidence intervals are wide; use at least {MIN_RUNS} replications "
        "(--replications) before drawing conclusions"
    )


def _range(low: float, high: float) -> str:
    return "" if pd.isna(low) else f"[{low:,.2f}, {high:,.2f}]"
