"""The shipped energy scenarios side by side: the table of docs/odd_energy_poverty.md section 9.

Runs each `scenarios/energy_*.toml` once with its own seed, scale and horizon (120 months from
January 2017), and prints, for the Territory, the yearly means over 2018-2026 of the action's
flows (each year summarised by the indicator's kind) and the end-of-horizon value of its
cumulative outcomes. Writes `scenarios.csv` to results/experiments/energy_scenarios/.

    .venv/bin/python experiments/energy_scenarios.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from inclusion_sim import InclusionModel
from inclusion_sim.indicators import year_values

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = [
    "energy_baseline",
    "energy_fsl_off",
    "energy_fsl_plus50",
    "energy_fsl_rules",
    "energy_soliha_generalised",
    "energy_renovation_first",
    "energy_works_no_relocation",
]
PER_YEAR = [  # column, indicator: yearly mean over 2018-2026
    ("FSL grants / yr", "fsl_grants"),
    ("SOLIHA visits / yr", "soliha_visits"),
    ("works started / yr", "soliha_works_started"),
    ("relocations / yr", "soliha_relocations"),
    ("need saved at follow-up / yr (kWh)", "soliha_kwh_saved"),
    ("consumption saved / yr (kWh)", "soliha_consumption_saved"),
    ("supply interventions / yr", "supply_interventions"),
]
AT_END = [  # column, indicator: the last year's value
    ("households lifted (end)", "energy_households_lifted"),
    ("cost per lifted (end, EUR)", "energy_cost_per_household_lifted"),
]


def one_scenario(name: str) -> dict[str, float]:
    model = InclusionModel(ROOT / "scenarios" / f"{name}.toml")
    for _ in range(model.settings.months):
        model.step()
    results, declared = model.results(), model.declared_indicators()
    years = [
        year_values(results, declared, (first, first + 11)).assign(year=2017 + first // 12)
        for first in range(13, model.settings.months + 1, 12)
    ]
    table = pd.concat(years)
    table = table[table["zone"] == "Territory"].pivot(index="year", columns="indicator")["value"]
    row = {column: table[indicator].mean() for column, indicator in PER_YEAR}
    aid = (
        table["fsl_aid_paid"].sum() / table["fsl_grants"].sum() if row["FSL grants / yr"] else None
    )
    row["mean aid (EUR)"] = aid
    row.update({column: table[indicator].iloc[-1] for column, indicator in AT_END})
    return row


def main() -> None:
    out = ROOT / "results" / "experiments" / "energy_scenarios"
    table = pd.DataFrame({name: one_scenario(name) for name in SCENARIOS}).T
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "scenarios.csv", index_label="scenario")
    with pd.option_context("display.width", 200, "display.float_format", "{:,.0f}".format):
        print("Territory, yearly means 2018-2026 and end-of-horizon values (one run each)\n")
        print(table.to_string())
    print(f"\nWritten to {out / 'scenarios.csv'}")


if __name__ == "__main__":
    main()
