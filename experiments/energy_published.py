"""The energy baseline's household economy next to published national figures (held out).

Runs `scenarios/energy_baseline.toml` (whole Metropolis, the file's scale) for three years from
January 2017, one run per seed (2017, 2018, 2019 by default), and summarises 2019 (before COVID
and the price crisis) by each indicator's kind: supply interventions a year and their rate per
1,000 households, energy-cheque and housing-allowance recipients with the mean allowance, cold
homes, and energy poverty by tenure under the document's and ONPE's tests. None of these figures
is a calibration target: the README's table sets them beside the published ones, differences
stated. Writes `published.csv` (mean and range over seeds) to
results/experiments/energy_published/.

    .venv/bin/python experiments/energy_published.py [--seeds 3]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from inclusion_sim import InclusionModel
from inclusion_sim.codes import TENURES
from inclusion_sim.energy import heating_months
from inclusion_sim.indicators import year_values

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "energy_baseline.toml"
YEAR = (25, 36)  # months of 2019 from January 2017
SHOWN = [
    "households",
    "supply_interventions",
    "supply_interventions_rate",
    "cheque_recipients",
    "allowance_recipients",
    "allowance_paid",
    "cold_homes",
    "energy_poverty_document",
    "energy_poverty_onpe",
    *(f"energy_poverty_{test}_{tenure}" for test in ("document", "onpe") for tenure in TENURES),
]


def one_seed(seed: int) -> pd.Series:
    """2019's Territory values of the shown indicators for one seed."""
    model = InclusionModel(SCENARIO, rng=seed, months=YEAR[1])
    for _ in range(YEAR[1]):
        model.step()
    table = year_values(model.results(), model.declared_indicators(), YEAR)
    values = table[table["zone"] == "Territory"].set_index("indicator")["value"]
    missing = sorted(set(SHOWN) - set(values.index))
    if missing:
        raise SystemExit(f"energy_published: indicators missing from the run: {missing}")
    values = values[SHOWN].copy()
    # Cold homes are reported in heating months only: their mean over 2019's heating months.
    results = model.results().query("zone == 'Territory' and indicator == 'cold_homes'")
    in_year = results[results["month"].between(*YEAR)]
    heating = heating_months(model.params["heating_degree_days"])
    values["cold_homes_heating_months"] = in_year[heating[(in_year["month"] - 1) % 12]][
        "value"
    ].mean()
    values["allowance_per_recipient_month"] = (
        values["allowance_paid"] / 12 / values["allowance_recipients"]
    )
    for name in ("cheque_recipients", "allowance_recipients"):
        values[f"{name}_share"] = 100 * values[name] / values["households"]
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds 2017, 2018, ...")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "results" / "experiments" / "energy_published"
    )
    args = parser.parse_args()
    runs = pd.DataFrame({seed: one_seed(seed) for seed in range(2017, 2017 + args.seeds)})
    table = pd.DataFrame(
        {"mean": runs.mean(axis=1), "min": runs.min(axis=1), "max": runs.max(axis=1)}
    )
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "published.csv", index_label="indicator")
    with pd.option_context("display.float_format", "{:,.2f}".format):
        print(f"Energy baseline, 2019, Territory ({args.seeds} seeds)\n")
        print(table.to_string())
    print(f"\nWritten to {args.out / 'published.csv'}")


if __name__ == "__main__":
    main()
