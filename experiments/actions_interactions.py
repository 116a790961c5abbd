"""Do the six actions add up? The joint effect of all actions against the sum of their single
effects, on the outcomes they share.

Scenarios: no action; each action of scenarios/all_actions.toml alone; all of them together
(same territory, horizon and levers). Replication k of every scenario uses the same random numbers
(common random numbers), so per replication

    single effect of a  = only_a - no_action
    joint effect        = all_actions - no_action
    interaction         = joint effect - sum of the single effects

and the table gives their means with paired 90% confidence intervals (Student t over the
replications). A run's value of an indicator is its last 12 months summarised by kind (the mean of
a stock or rate, the sum of a flow, the end value of a cumulative count), as in comparisons. An
indicator an action produces only when it runs (FSL applications, clause workers, tracked pupils'
dropouts) is 0 in the runs without it: nothing of the kind happens then.

Actions that are not registered (not on this branch yet) are left out, with a note: the table
then covers the actions that are.

    .venv/bin/python experiments/actions_interactions.py [--replications N] [--workers N]
        [--scale S] [--months M]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
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

from inclusion_sim.actions import REGISTRY  # noqa: E402
from inclusion_sim.comparison import LEVEL, run_values  # noqa: E402
from inclusion_sim.experiment import executor, run_experiment  # noqa: E402
from inclusion_sim.files import write_text_atomically  # noqa: E402
from inclusion_sim.scenario import parse_scenario  # noqa: E402
from inclusion_sim.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ALL = ROOT / "scenarios" / "all_actions.toml"
NONE = "no_action"

# The shared outcomes: indicator -> label. Those no registered action or core produces are skipped.
OUTCOMES = {
    "energy_poverty_document": "energy-poor households, document's test (%)",
    "energy_poverty_onpe": "energy-poor households, ONPE test (%)",
    "households_in_arrears": "households in arrears (%)",
    "supply_interventions": "supply interventions (households, year)",
    "unemployment_rate": "unemployment rate (%)",
    "clause_persons_employed_total": "people employed through clauses (since 2017)",
    "dropouts": "dropouts among tracked pupils (since 2017)",
    "fsl_applications": "FSL applications (year)",
    "soliha_referrals": "SOLIHA referrals (year)",
    "social_centre_wait_days": "days waited for a social worker (mean)",
}


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
    return runs + [everything], missing


def paired(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and paired 90% confidence interval of per-replication values."""
    n, mean = len(values), float(np.mean(values))
    if n < 2:
        return mean, np.nan, np.nan
    half = stats.t.ppf(1 - (1 - LEVEL) / 2, n - 1) * np.std(values, ddof=1) / np.sqrt(n)
    return mean, mean - half, mean + half


def interactions(folder: Path, actions: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per outcome: joint effect, sum of single effects and interaction (paired CIs); and each
    action's single effect."""
    store = Store(folder)
    indicators = store.load("indicators")
    start = json.loads((folder / "experiment.json").read_text()).get("start", "2017-01")
    values = run_values(indicators, int(start.split("-")[1]))
    values = values[values["zone"] == "Territory"]
    table = values.pivot_table(
        index=["replication", "sample"], columns=["indicator", "scenario"], values="value"
    )
    rows, singles = [], []
    for indicator, label in OUTCOMES.items():
        if indicator not in table.columns.get_level_values(0):
            continue
        runs = table[indicator].reindex(
            columns=[NONE, "all_actions"] + [f"only_{a}" for a in actions]
        )
        runs = runs.fillna(0.0)  # the indicator's action did not run: nothing of the kind
        none = runs[NONE].to_numpy()
        joint = runs["all_actions"].to_numpy() - none
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
        for action, series in single.items():
            mean, low, high = paired(series)
            singles.append(
                {"indicator": indicator, "action": action, "effect": mean, "low": low, "high": high}
            )
    return pd.DataFrame(rows), pd.DataFrame(singles)


def markdown(table: pd.DataFrame, note: str) -> str:
    def cell(row, name):
        mean, low, high = row[name], row[f"{name}_low"], row[f"{name}_high"]
        return f"{mean:,.3g} [{low:,.3g}, {high:,.3g}]"

    lines = [
        note,
        "",
        "| outcome | no action | joint effect | sum of single effects | interaction "
        "(joint - sum) |",
        "|---|---|---|---|---|",
    ]
    for _, row in table.iterrows():
        lines.append(
            f"| {row['outcome']} | {row['no_action']:,.4g} | {cell(row, 'joint')} | "
            f"{cell(row, 'sum_of_singles')} | {cell(row, 'interaction')} |"
        )
    return "\n".join(lines) + "\n"


def plot(table: pd.DataFrame, singles: pd.DataFrame, path: Path) -> Path:
    """One panel per outcome: each single effect, their sum and the joint effect, with CIs."""
    n = len(table)
    cols = 3
    fig, axes = plt.subplots(
        -(-n // cols), cols, figsize=(5 * cols, 3.2 * -(-n // cols)), squeeze=False
    )
    for ax, (_, row) in zip(axes.flat, table.iterrows(), strict=False):
        own = singles[singles["indicator"] == row["indicator"]]
        labels = [*own["action"], "sum of singles", "joint", "interaction"]
        means = [*own["effect"], row["sum_of_singles"], row["joint"], row["interaction"]]
        lows = [*own["low"], row["sum_of_singles_low"], row["joint_low"], row["interaction_low"]]
        highs = [
            *own["high"],
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
    fig.suptitle("Effects against no action, last 12 months (paired 90% CI)", fontsize=10)
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
    table, singles = interactions(args.out, actions)
    everything = runs[-1]
    note = (
        f"Actions: {', '.join(actions)}"
        + (f" (not registered on this branch, left out: {', '.join(missing)})" if missing else "")
        + f". Whole Metropolis at scale {everything.scale}, {everything.months} months from "
        f"{everything.start_year}-{everything.start_month:02d}, {args.replications} paired "
        f"replications ({(time.time() - started) / 60:.0f} min with {args.workers} workers). "
        "Values: Territory, last 12 months; effects against no action, mean [paired 90% CI]."
    )
    table.to_csv(args.out / "interactions.csv", index=False)
    singles.to_csv(args.out / "single_effects.csv", index=False)
    page = markdown(table, note)
    write_text_atomically(args.out / "interactions.md", page)
    plot(table, singles, args.out / "interactions.png")
    print(page)
    print(f"Tables and figure in {args.out}")


if __name__ == "__main__":  # process-pool workers import this file: run only once
    main()
