"""The no-action baseline over ten years: does the open population hold its rates?

Runs the whole Metropolis with no action for 120 months from January 2017 (scale 0.05 by default,
seeds 1 to 10), with energy prices held at 2017's and the energy cheque sent from 2017 (as
tests/test_demography.py does) and with the packaged price path, and prints each indicator's
first-year and tenth-year mean on the Territory and the change, per seed and on average. The
README's and docs/odd.md 7.29's tables come from it. Writes `drift.csv` to
results/experiments/population_drift/.

    .venv/bin/python experiments/population_drift.py [--scale 0.05] [--seeds 10] [--workers 2]
        [--living-floors 318 430]
"""

from __future__ import annotations

import argparse
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from inclusion_sim import InclusionModel

ROOT = Path(__file__).resolve().parents[1]
ZONES = ["saint_fons", "venissieux", "bron", "rest"]
MONTHS = 120
SHOWN = [
    "poverty_rate",
    "unemployment_rate",
    "households_in_arrears",
    "households",
    "population",
    "births",
    "deaths",
]
# Constant prices and the energy cheque from the start hold the environment still, so that what
# moves is the population: the cheque replaced the social tariffs (not modelled) in 2018, and
# without them 2017's arrears stand above every later year's.
PRICES = {
    "constant 2017 prices, cheque from 2017": {
        "price_series_last_year": 2017,
        "cheque_first_year": 2017,
    },
    "packaged price path": {},
}


def one_run(job: tuple[str, dict, int, float]) -> pd.DataFrame:
    """Year 1's and year 10's Territory means of the shown indicators, one seed and case."""
    prices, parameters, seed, scale = job
    model = InclusionModel(zones=ZONES, scale=scale, rng=seed, parameters=parameters)
    for _ in range(MONTHS):
        model.step()
    r = model.results()
    r = r[(r["zone"] == "Territory") & (r["month"] > 0) & r["indicator"].isin(SHOWN)]
    years = r.assign(year=(r["month"] - 1) // 12).groupby(["indicator", "year"])["value"].mean()
    table = years.unstack("year")[[0, MONTHS // 12 - 1]]
    table.columns = ["year 1", "year 10"]
    return table.assign(change=100 * (table["year 10"] / table["year 1"] - 1), seed=seed,
                        prices=prices).reset_index()  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--seeds", type=int, default=10, help="seeds 1, 2, ...")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--living-floors", type=float, nargs="*", default=[],
        help="also run the still environment at these living floors (EUR per consumption unit)",
    )  # fmt: skip
    args = parser.parse_args()
    still = next(iter(PRICES))
    cases = dict(PRICES) | {
        f"{still}, living floor {floor:g}": PRICES[still] | {"living_floor": floor}
        for floor in args.living_floors
    }
    jobs = [(name, parameters, seed, args.scale) for name, parameters in cases.items()
            for seed in range(1, args.seeds + 1)]  # fmt: skip
    with ProcessPoolExecutor(args.workers) as pool:
        runs = pd.concat(pool.map(one_run, jobs), ignore_index=True)
    out = ROOT / "results" / "experiments" / "population_drift"
    out.mkdir(parents=True, exist_ok=True)
    runs.to_csv(out / "drift.csv", index=False)
    mean = runs.groupby(["prices", "indicator"])[["year 1", "year 10", "change"]].mean()
    by_seed = runs.pivot_table(index=["prices", "indicator"], columns="seed", values="change")
    by_seed.columns = [f"change, seed {seed} (%)" for seed in by_seed.columns]
    table = mean.rename(columns={"change": "mean change (%)"}).join(by_seed)
    with pd.option_context("display.width", 200, "display.float_format", "{:,.2f}".format):
        print(f"Whole Metropolis, no action, scale {args.scale}, year 10's mean against year 1's\n")
        print(table.to_string())
    print(f"\nWritten to {out / 'drift.csv'}")


if __name__ == "__main__":
    main()
