"""Do the six actions add up? The joint effect of all actions against the sum of their single
effects, on the outcomes they share.

Scenarios: no action; each action of scenarios/all_actions.toml alone; all of them together; and
all but one, for each action (same territory, horizon and levers). Replication k of every scenario
uses the same random numbers (common random numbers), so per replication

    single effect of a    = only_a - no_action
    joint effect          = all_actions - no_action
    interaction           = joint effect - sum of the single effects
    effect of a among all = all_actions - all_but_a

and the tables give their means with paired 90% confidence intervals (Student t over the
replications): the first per shared outcome, the second per action (what it adds on top of the
others against what it does alone; the difference is its interactions with the rest). A run's
value of an indicator over a window is summarised by kind (the mean of a stock or rate, the sum
of a flow, the end value of a cumulative count), for two windows: 2018, when actions 1 and 2 are in
full swing, and the last year. An indicator an action produces only when it runs (FSL
applications, clause workers, tracked pupils' dropouts) is 0 in the runs without it: nothing of
the kind happens then. Outcomes are counts or shares of households, so effects add up when the
actions do not interact.

Actions that are not registered (not on this branch yet) are left out, with a note: the table
then covers the actions that are.

    .venv/bin/python experiments/actions_interactions.py [--replications N] [--workers N]
        [--scale S] [--months M] [--publish]

--publish copies the table and the figures next to this script (experiments/actions_interactions.md,
experiments/actions_interactions_*.png), the copies the README shows.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import sys
import time
import tomllib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

from inclusion_sim import catalogue  # noqa: E402
from inclusion_sim.actions import REGISTRY  # noqa: E402
from inclusion_sim.comparison import LEVEL  # noqa: E402
from inclusion_sim.experiment import executor, run_experiment  # noqa: E402
from inclusion_sim.files import write_text_atomically  # noqa: E402
from inclusion_sim.indicators import year_values  # noqa: E402
from inclusion_sim.scenario import parse_scenario  # noqa: E402
from inclusion_sim.store import KEYS, Store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ALL = ROOT / "scenarios" / "all_actions.toml"
NONE = "no_action"

# The shared outcomes: indicator -> label. Those no registered action or core produces are skipped.
OUTCOMES = {
    "energy_poverty_document": "energy-poor households, document's test (%)",
    "energy_poverty_onpe": "energy-poor households, ONPE test (%)",
    "households_in_arrears": "households in arrears (%)",
    "supply_interventions": "supply interventions (households)",
    "unemployment_rate": "unemployment rate (%)",
    "clause_persons_employed_total": "people employed through clauses (since 2017)",
    "dropouts": "dropouts among tracked pupils (since 2017)",
    "fsl_applications": "FSL applications",
    "soliha_referrals": "SOLIHA referrals",
    "solidarity_referrals": "referrals to the Space for Solidarity Making",
    "social_centre_cases": "cases taken up by social workers",
}
WINDOWS = {"2018": (13, 24), "last year": (-11, 0)}  # months (first, last); <= 0: from the end


def scenarios(replications: int, scale: float | None, months: int | None):
    """No action, each registered action of all_actions.toml alone, and all of them."""
    text = ALL.read_text("utf-8")
    data = tomllib.loads(text)
    missing = [name for name in data.get("actions", {}) if name not in REGISTRY]
    data["actions"] = {k: v for k, v in data.get("actions", {}).items() if k not in missing}
    everything = parse_scenario(data, ALL, text)
    changes = {"replications": replications, "name": "all_actions"}
    changes |= {"scale": scale} if scale else {}
    changes |= {"months": months} if months else {}
    everything = dataclasses.replace(everything, **changes)
    runs = [dataclasses.replace(everything, name=NONE, actions={})]
    runs += [
        dataclasses.replace(everything, name=f"only_{name}", actions={name: levers})
        for name, levers in everything.actions.items()
    ]
    runs += [
        dataclasses.replace(
            everything,
            name=f"all_but_{name}",
            actions={k: v for k, v in everything.actions.items() if k != name},
        )
        for name in everything.actions
    ]
    return runs + [everything], missing


def paired(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and paired 90% confidence interval of per-replication values."""
    n, mean = len(values), float(np.mean(values))
    if n < 2:
        return mean, np.nan, np.nan
    half = stats.t.ppf(1 - (1 - LEVEL) / 2, n - 1) * np.std(values, ddof=1) / np.sqrt(n)
    return mean, mean - half, mean + half


def window_values(folder: Path, window: tuple[int, int], scenario_names: list[str]) -> pd.DataFrame:
    """Territory value of every indicator in every run over `window`: (replication, sample) x
    (indicator, scenario)."""
    store = Store(folder)
    indicators = store.load("indicators")
    start = json.loads((folder / "experiment.json").read_text()).get("start", "2017-01")
    last = int(indicators["month"].max())
    first, end = (m + last if m <= 0 else m for m in window)
    values = year_values(
        indicators[indicators["zone"] == "Territory"],
        catalogue.indicators(),
        (first, end),
        int(start.split("-")[1]),
        keys=(*KEYS, "zone"),
    )
    table = values.pivot_table(
        index=["replication", "sample"], columns=["indicator", "scenario"], values="value"
    )
    # Only replications every scenario finished (a folder may hold more, e.g. an interrupted run).
    complete = table["households"].notna().all(axis=1) & (
        table["households"].shape[1] == len(scenario_names)
    )
    return table[complete]


def interactions(table: pd.DataFrame, actions: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per outcome: joint effect, sum of single effects and interaction; per outcome and action:
    the single effect and the effect among all (paired means and CIs)."""
    rows, per_action = [], []
    names = [
        NONE,
        "all_actions",
        *(f"only_{a}" for a in actions),
        *(f"all_but_{a}" for a in actions),
    ]
    for indicator, label in OUTCOMES.items():
        if indicator not in table.columns.get_level_values(0):
            continue
        runs = table[indicator].reindex(columns=names)
        runs = runs.fillna(0.0)  # the indicator's action did not run: nothing of the kind
        none, everything = runs[NONE].to_numpy(), runs["all_actions"].to_numpy()
        joint = everything - none
        single = {a: runs[f"only_{a}"].to_numpy() - none for a in actions}
        total = np.sum(list(single.values()), axis=0)
        row = {"indicator": indicator, "outcome": label, "no_action": none.mean()}
        for name, series in (
            ("joint", joint),
            ("sum_of_singles", total),
            ("interaction", joint - total),
        ):
            row[name], row[f"{name}_low"], row[f"{name}_high"] = paired(series)
        row["pairs"] = len(none)
        rows.append(row)
        for action in actions:
            among = everything - runs[f"all_but_{action}"].to_numpy()
            entry = {"indicator": indicator, "outcome": label, "action": action}
            for name, series in (
                ("alone", single[action]),
                ("among_all", among),
                ("difference", among - single[action]),
            ):
                entry[name], entry[f"{name}_low"], entry[f"{name}_high"] = paired(series)
            per_action.append(entry)
    return pd.DataFrame(rows), pd.DataFrame(per_action)


def _cell(row, name) -> str:
    mean, low, high = row[name], row[f"{name}_low"], row[f"{name}_high"]
    return f"{mean:,.3g} [{low:,.3g}, {high:,.3g}]"


def markdown(tables: dict[str, tuple[pd.DataFrame, pd.DataFrame]], note: str) -> str:
    lines = [note, ""]
    for window, (table, per_action) in tables.items():
        lines += [
            f"**{window}**: joint effect of all actions against the sum of their single effects",
            "",
            "| outcome | no action | joint effect | sum of single effects | interaction "
            "(joint - sum) |",
            "|---|---|---|---|---|",
        ]
        for _, row in table.iterrows():
            lines.append(
                f"| {row['outcome']} | {row['no_action']:,.4g} | {_cell(row, 'joint')} | "
                f"{_cell(row, 'sum_of_singles')} | {_cell(row, 'interaction')} |"
            )
        moved = per_action[(per_action["difference_low"] > 0) | (per_action["difference_high"] < 0)]
        lines += [
            "",
            f"**{window}**, per action, where the interval of the difference excludes 0: what the "
            "action adds among all the others against what it does alone",
            "",
            "| outcome | action | alone | among all | difference |",
            "|---|---|---|---|---|",
        ]
        for _, row in moved.iterrows():
            lines.append(
                f"| {row['outcome']} | {row['action']} | {_cell(row, 'alone')} | "
                f"{_cell(row, 'among_all')} | {_cell(row, 'difference')} |"
            )
        lines.append("")
    return "\n".join(lines)


def plot(table: pd.DataFrame, singles: pd.DataFrame, path: Path, window: str) -> Path:
    """One panel per outcome: each single effect, their sum and the joint effect, with CIs."""
    n = len(table)
    cols = 3
    fig, axes = plt.subplots(
        -(-n // cols), cols, figsize=(5 * cols, 3.2 * -(-n // cols)), squeeze=False
    )
    for ax, (_, row) in zip(axes.flat, table.iterrows(), strict=False):
        own = singles[singles["indicator"] == row["indicator"]]
        labels = [*own["action"], "sum of singles", "joint", "interaction"]
        means = [*own["alone"], row["sum_of_singles"], row["joint"], row["interaction"]]
        lows = [
            *own["alone_low"],
            row["sum_of_singles_low"],
            row["joint_low"],
            row["interaction_low"],
        ]
        highs = [
            *own["alone_high"],
            row["sum_of_singles_high"],
            row["joint_high"],
            row["interaction_high"],
        ]
        y = np.arange(len(labels))
        err = np.abs(np.array([np.subtract(means, lows), np.subtract(highs, means)]))
        colours = ["#9bb"] * len(own) + ["#357", "#c53", "#e9a23b"]
        ax.barh(y, means, xerr=np.nan_to_num(err), color=colours, capsize=2)
        ax.set_yticks(y, labels, fontsize=7)
        ax.axvline(0, color="k", lw=0.6)
        ax.set_title(row["outcome"], fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle(f"Effects against no action, {window} (paired 90% CI)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--scale", type=float, default=None, help="default: the file's")
    parser.add_argument("--months", type=int, default=None, help="default: the file's")
    parser.add_argument("--publish", action="store_true", help="copy table and figures here")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "results" / "experiments" / Path(sys.argv[0]).stem
    )
    args = parser.parse_args()
    runs, missing = scenarios(args.replications, args.scale, args.months)
    actions = list(runs[-1].actions)
    started = time.time()
    with executor(args.workers) as (pool, workers):
        run_experiment(
            runs, args.out, args.replications, executor=pool, in_flight=2 * workers, progress=True
        )
    tables = {
        window: interactions(window_values(args.out, months, [r.name for r in runs]), actions)
        for window, months in WINDOWS.items()
    }
    everything = runs[-1]
    note = (
        f"Actions: {', '.join(actions)}"
        + (f" (not registered on this branch, left out: {', '.join(missing)})" if missing else "")
        + f". Whole Metropolis at scale {everything.scale}, {everything.months} months from "
        f"{everything.start_year}-{everything.start_month:02d}, {args.replications} paired "
        f"replications ({(time.time() - started) / 60:.0f} min of runs in this invocation, "
        f"{args.workers} workers). "
        "Territory values over the window; effects against no action, mean [paired 90% CI]."
    )
    for window, (table, per_action) in tables.items():
        slug = window.replace(" ", "_")
        table.to_csv(args.out / f"interactions_{slug}.csv", index=False)
        per_action.to_csv(args.out / f"per_action_{slug}.csv", index=False)
        plot(table, per_action, args.out / f"interactions_{slug}.png", window)
    page = markdown(tables, note)
    write_text_atomically(args.out / "interactions.md", page)
    if args.publish:
        here = Path(__file__).resolve().parent
        write_text_atomically(here / "actions_interactions.md", page)
        for window in tables:
            slug = window.replace(" ", "_")
            shutil.copyfile(
                args.out / f"interactions_{slug}.png", here / f"actions_interactions_{slug}.png"
            )
    print(page)
    print(f"Tables and figure in {args.out}")


if __name__ == "__main__":  # process-pool workers import this file: run only once
    main()
