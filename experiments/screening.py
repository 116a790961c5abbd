"""Morris screening of an action's ranged priors on the outcomes it moves (its own and, through
model.pathways, the other actions'), at a small scale. A script names the action, the actions it
acts through and the outcomes:

    if __name__ == "__main__":
        screen("What moves action 1's effects?", "social_work", ["energy_poverty", "social_work"],
               {"FSL applications": ("fsl_applications", "sum")})

    .venv/bin/python experiments/SCRIPT.py [--trajectories N] [--scale S] [--workers N]

Every sample runs with the same seeds (common random numbers), so an elementary effect measures
the parameter, not the noise; mu* is in the outcome's unit per full prior range. Writes
morris.csv and morris.md (the table the ODD page shows) in results/experiments/<script>/.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from inclusion_sim import InclusionModel
from inclusion_sim.calibration.sensitivity import morris
from inclusion_sim.files import write_text_atomically
from inclusion_sim.parameters import load_parameter_table

ROOT = Path(__file__).resolve().parents[1]
ZONES = ["saint_fons", "venissieux", "bron", "rest"]


def priors(prefix: str) -> dict[str, tuple[float, float]]:
    """The action's parameters that carry a range (its priors), name -> (low, high)."""
    return {
        name: p.range
        for name, p in load_parameter_table().items()
        if name.startswith(prefix + ".") and p.range is not None
    }


def outcome(results: pd.DataFrame, indicator: str, how: str) -> float:
    """A Territory series summarised: 'sum' of a flow over the run, 'last12' mean, 'end' value."""
    series = results[(results["indicator"] == indicator) & (results["zone"] == "Territory")]
    values = series[series["month"] > 0]["value"].to_numpy()
    if how == "sum":
        return float(np.nansum(values))
    if how == "last12":
        return float(np.nanmean(values[-12:]))
    return float(values[-1])


def run_sample(row, names, integers, actions, outputs, scale, months, seeds) -> np.ndarray:
    """The outputs of one parameter sample, averaged over the (shared) seeds."""
    parameters = {
        name: int(round(x)) if name in integers else float(x)
        for name, x in zip(names, row, strict=True)
    }
    values = []
    for seed in seeds:
        model = InclusionModel(
            zones=ZONES, scale=scale, seed=seed, parameters=parameters, actions=actions
        )
        for _ in range(months):
            model.step()
        results = model.results()
        values.append([outcome(results, *spec) for spec in outputs.values()])
    return np.mean(values, axis=0)


def screen(
    question: str,
    prefix: str,
    actions: dict[str, dict],
    outputs: dict[str, tuple[str, str]],
    months: int = 36,
) -> pd.DataFrame:
    script = Path(sys.argv[0]).stem
    parser = argparse.ArgumentParser(description=question)
    parser.add_argument("--trajectories", type=int, default=6)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "experiments" / script)
    args = parser.parse_args()

    ranges = priors(prefix)
    table = load_parameter_table()
    integers = {name for name in ranges if isinstance(table[name].value, int)}
    problem = {"num_vars": len(ranges), "names": list(ranges), "bounds": list(ranges.values())}
    job = partial(
        run_sample,
        names=problem["names"],
        integers=integers,
        actions=actions,
        outputs=outputs,
        scale=args.scale,
        months=months,
        seeds=list(range(args.seeds)),
    )
    started = time.time()
    print(question)

    samples: list[np.ndarray] = []

    def function(x: np.ndarray) -> np.ndarray:
        print(f"{len(x)} samples x {args.seeds} seeds, {args.workers} workers ...", flush=True)
        with ProcessPoolExecutor(args.workers) as pool:
            samples.append(np.array(list(pool.map(job, x))))
        return samples[-1]

    indices = morris(problem, function, args.trajectories, list(outputs), levels=4, seed=0)
    means = dict(zip(outputs, samples[0].mean(axis=0), strict=True))
    indices["output_mean"] = indices["output"].map(means)
    args.out.mkdir(parents=True, exist_ok=True)
    indices.to_csv(args.out / "morris.csv", index=False)
    page = markdown(indices, prefix, args, months, time.time() - started)
    write_text_atomically(args.out / "morris.md", page)
    print(page)
    return indices


def markdown(indices: pd.DataFrame, prefix: str, args, months: int, seconds: float) -> str:
    """One row per outcome: its mean over the samples, its three most influential priors
    (mu*, sigma), and the priors with no visible effect on it."""
    lines = [
        f"Morris screening, {args.trajectories} trajectories x 4 levels, whole Metropolis at "
        f"scale {args.scale}, {months} months, seeds 0-{args.seeds - 1} shared by every sample "
        f"({seconds / 60:.0f} min). mu*: mean absolute elementary effect, in the outcome's unit, "
        f"of moving a prior across its whole range; sigma: their spread (non-linearity, "
        f"interactions). Parameter names without the `{prefix}.` prefix.",
        "",
        "| outcome | mean over samples | most influential priors: mu* (sigma) | no visible "
        "effect (mu* < 1% of the largest) |",
        "|---|---|---|---|",
    ]
    for name, rows in indices.groupby("output", sort=False):
        rows = rows.sort_values("mu_star", ascending=False)
        short = rows["parameter"].str.removeprefix(prefix + ".")
        top = rows["mu_star"].iloc[0]
        cells = "; ".join(
            f"`{p}` {m:,.3g} ({s:,.2g})"
            for p, m, s in zip(short[:3], rows["mu_star"][:3], rows["sigma"][:3], strict=True)
            if m > 0
        )
        quiet = ", ".join(f"`{p}`" for p in short[rows["mu_star"].to_numpy() < 0.01 * top])
        mean = rows["output_mean"].iloc[0]
        lines.append(f"| {name} | {mean:,.4g} | {cells or 'none'} | {quiet or 'none'} |")
    return "\n".join(lines) + "\n"
