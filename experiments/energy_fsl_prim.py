"""When does the FSL stop keeping households' energy supply on? Exploratory runs of the 2017
energy-poverty baseline with EMA Workbench, then PRIM scenario discovery of the inputs under which
the supply interventions (cuts and power reductions for unpaid bills) of the last year are in the
runs' upper half: the FSL exists "to avoid an interruption of energy supply" (3.4.1). The cases
are the runs above the median rather than above the calibrated baseline, so that the split does
not depend on where the baseline's inputs sit in the explored ranges (when they sat at the low
end, nearly every run exceeded the baseline and PRIM had nothing to tell apart).

Uncertainties: energy prices through `price_path_factor` (0.8 to 1.5 times the packaged price
path from 2017: an exploration range, not a calibrated prior; the pilot_energy_prices_up scenario
is +25%), and the behavioural parameters' priors: take-up of the FSL, job finding, repayment of
arrears, the living floor. Levers: the FSL budget, aid cap and rule when the budget runs out.
Every experiment uses the scenario's seed (the same random numbers), so outcomes differ by the
inputs alone. The share of households in arrears, the energy-poor households and the FSL grants
are recorded alongside.

    .venv/bin/python experiments/energy_fsl_prim.py [--scenarios 100] [--policies 4] [--workers 2]
        [--scale S] [--months N] [--out DIR]

Writes experiments.csv (inputs and outcomes of every run) and prim_box.csv (the box's limits on
the inputs it restricts, with its coverage and density) to results/experiments/energy_fsl_prim/.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from ema_workbench import MultiprocessingEvaluator, SequentialEvaluator
from ema_workbench.analysis import prim

from inclusion_sim import InclusionSimError, load_scenario
from inclusion_sim.ema import ema_model, run
from inclusion_sim.files import write_atomically

ROOT = Path(__file__).resolve().parents[1]
OUTCOME = "supply_interventions"
UNCERTAINTIES = [
    "energy_poverty__take_up",
    "job_finding_rate",
    "arrears_repayment_share",
    "living_floor",
    "price_path_factor",
]
LEVERS = ["energy_poverty__fsl_budget", "energy_poverty__fsl_aid_cap"]
LEVERS += ["energy_poverty__fsl_when_exhausted"]
FACTORS: dict[str, tuple[float, float]] = {}  # energy prices: the scalar price_path_factor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=100, help="samples of the uncertainties")
    parser.add_argument("--policies", type=int, default=4, help="samples of the levers")
    parser.add_argument("--workers", type=int, default=1, help="processes (default 1)")
    parser.add_argument("--scale", type=float, help="overrides the scenario's scale")
    parser.add_argument("--months", type=int, help="overrides the scenario's horizon")
    parser.add_argument("--out", type=Path, default=ROOT / "results/experiments/energy_fsl_prim")
    args = parser.parse_args(argv)
    try:
        answer(args)
    except InclusionSimError as exc:
        print(f"energy_fsl_prim: error: {exc}", file=sys.stderr)
        return 2
    return 0


def answer(args: argparse.Namespace) -> None:
    scenario = load_scenario(ROOT / "scenarios/energy_baseline.toml")
    scenario = replace(
        scenario, scale=args.scale or scenario.scale, months=args.months or scenario.months
    )
    model = ema_model(
        scenario,
        uncertainties=UNCERTAINTIES,
        levers=LEVERS,
        outcomes=[OUTCOME, "households_in_arrears", "energy_poor_households", "fsl_grants"],
        factors=FACTORS,
    )
    sampling = {"rng": np.random.default_rng(scenario.seed)}  # the inputs' samples, reproducible
    evaluator = (
        MultiprocessingEvaluator(model, n_processes=args.workers)
        if args.workers > 1
        else SequentialEvaluator(model)
    )
    with evaluator:
        experiments, outcomes = evaluator.perform_experiments(
            scenarios=args.scenarios,
            policies=args.policies,
            uncertainty_sampling_kwargs=sampling,
            lever_sampling_kwargs=sampling,
        )
    inputs = experiments.drop(columns=["scenario", "policy", "model"])
    table = inputs.assign(**{name: values for name, values in outcomes.items()})
    args.out.mkdir(parents=True, exist_ok=True)
    write_atomically(args.out / "experiments.csv", lambda p: table.to_csv(p, index=False))

    baseline = run(scenario, tuple(FACTORS), scenario.seed)[OUTCOME]
    median = float(np.median(outcomes[OUTCOME]))
    worse = outcomes[OUTCOME] > median
    print(
        f"\n{scenario.name}, {len(table)} runs: {OUTCOME} over the last year above the "
        f"calibrated baseline's {baseline:,.0f} in {(outcomes[OUTCOME] > baseline).sum()} runs, "
        f"above the runs' median {median:,.0f} in {worse.sum()}"
    )
    if 0 < worse.sum() < len(worse):
        box = discover(inputs, worse)
        write_atomically(args.out / "prim_box.csv", lambda p: box.to_csv(p))
        print("\nPRIM box of the runs above the median (limits of the inputs it restricts):\n")
        print(box.to_string())
    else:
        print("PRIM needs runs on both sides of the median: try more scenarios")
    print(f"\nWrote {args.out}")


def discover(inputs: pd.DataFrame, cases: np.ndarray) -> pd.DataFrame:
    """PRIM's box of the cases of interest at the first point of its peeling trajectory (the
    largest box) whose density reaches 0.8, or its densest: the limits of the inputs it
    restricts, with its coverage and density."""
    box = prim.Prim(inputs, cases, peel_alpha=0.1).find_box()
    trajectory = box.peeling_trajectory
    dense = trajectory.index[trajectory["density"] >= 0.8]
    box.select(int(dense[0]) if len(dense) else int(trajectory["density"].idxmax()))
    limits, start = box.box_lim, box.box_lims[0]
    restricted = [c for c in limits.columns if not limits[c].equals(start[c])]
    out = limits[restricted].T.rename(columns={0: "low", 1: "high"})
    return out.assign(coverage=box.coverage, density=box.density)


if __name__ == "__main__":  # worker processes import this file: run only once
    sys.exit(main())
