"""Does the 2017 Space for Solidarity Making match the document, and does its grocery move its
members' budgets?

Runs Saint-Fons (scale 1.0, one agent per household) for two years, each seed once with action 6
at its 2017 levers and once without it: same seed, same population, same labour draws, so each
household's difference is the action's effect (paired). Prints and writes to
results/experiments/solidarity_2017/:

- figures.csv: the second year (2018) against 3.5.10, mean and range over seeds, each figure
  labelled input, fitted or held out;
- effects.csv: for the households that were members during the two years, the difference (with
  the action minus without) of their arrears, of their energy arrears (those energy-poor at
  admission) and of their energy poverty under the document's test, and the zone's core
  indicators over year 2, each with its mean over seeds and 90% confidence interval.

    .venv/bin/python experiments/solidarity_2017.py [--seeds 10]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
from scipy import stats

from inclusion_sim import InclusionModel, figure
from inclusion_sim.indicators import energy_poor_document, year_values

ROOT = Path(__file__).resolve().parents[1]
ACTION = "solidarity_space"
MONTHS = 24
FIGURES = [  # indicator, figure id, how the model gets it
    ("solidarity_grocery_members_year", "action6.grocery_participants", "fitted (grocery places)"),
    ("solidarity_participants_shared_gardens", "action6.shared_gardens_participants", "fitted"),
    ("solidarity_participants_tool_library", "action6.tool_library_participants", "fitted"),
    ("solidarity_participants_recycling_store", "action6.recycling_store_participants", "fitted"),
    ("solidarity_participants_culture", "action6.culture_participants", "fitted"),
    ("solidarity_participants_social_support", "action6.social_support_participants", "fitted"),
    ("solidarity_supported", "action6.social_support_places", "input (places)"),
    ("solidarity_people_welcomed", "action6.people_welcomed", "held out"),
    ("solidarity_share_aged_26_49", "action6.adults_26_49_share", "held out"),
    ("solidarity_share_couples_with_children", "action6.couples_with_children_share", "held out"),
    ("solidarity_share_grant_beneficiaries", "action6.grant_beneficiaries_share", "held out"),
]
CORE = ("households_in_arrears", "energy_poverty_document", "energy_poverty_onpe")


def pair(seed: int) -> tuple[pd.Series, dict[str, float]]:
    """One seed with and without the action: year 2's indicators, and the paired effects."""
    on = InclusionModel(zones=["saint_fons"], scale=1.0, seed=seed, actions={ACTION: {}})
    off = InclusionModel(zones=["saint_fons"], scale=1.0, seed=seed)
    for _ in range(MONTHS):
        on.step()
        off.step()
    declared = on.declared_indicators()
    year2 = year_values(on.results(), declared, (13, MONTHS)).set_index("indicator")["value"]
    base = year_values(off.results(), declared, (13, MONTHS)).set_index("indicator")["value"]
    rec = on.actions[0].records
    members, poor = rec.ever_member, rec.ever_member & rec.energy_poor_at_admission
    hh_on, hh_off = on.population.households, off.population.households
    arrears_on = hh_on["arrears_rent"] + hh_on["arrears_energy"]
    arrears_off = hh_off["arrears_rent"] + hh_off["arrears_energy"]
    effects = {
        "members' arrears (EUR)": arrears_on[members].mean() - arrears_off[members].mean(),
        "energy arrears of members energy-poor at admission (EUR)": (
            hh_on["arrears_energy"][poor].mean() - hh_off["arrears_energy"][poor].mean()
        ),
        "members energy-poor, document test (points)": 100
        * (energy_poor_document(on)[members].mean() - energy_poor_document(off)[members].mean()),
        "members in arrears (points)": 100
        * ((arrears_on[members] > 1).mean() - (arrears_off[members] > 1).mean()),
        **{f"Saint-Fons {name}, year 2 (points)": year2[name] - base[name] for name in CORE},
    }
    return year2, effects


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--out", type=Path, default=ROOT / "results/experiments/solidarity_2017")
    args = parser.parse_args()
    runs = [pair(seed) for seed in range(args.seeds)]
    years = pd.DataFrame([year2 for year2, _ in runs])
    rows = []
    for indicator, figure_id, label in FIGURES:
        values = years[indicator]
        rows.append(
            {
                "indicator": indicator,
                "document": figure(figure_id),
                "model mean": values.mean(),
                "min": values.min(),
                "max": values.max(),
                "label": label,
            }
        )
    figures = pd.DataFrame(rows)
    effects = pd.DataFrame([e for _, e in runs])
    t = stats.t.ppf(0.95, len(effects) - 1)
    table = pd.DataFrame(
        {
            "mean": effects.mean(),
            "90% CI low": effects.mean() - t * effects.sem(),
            "90% CI high": effects.mean() + t * effects.sem(),
        }
    )
    args.out.mkdir(parents=True, exist_ok=True)
    figures.to_csv(args.out / "figures.csv", index=False)
    table.to_csv(args.out / "effects.csv", index_label="effect")
    with pd.option_context("display.width", 140, "display.float_format", "{:,.2f}".format):
        print(f"Year 2 (2018) of the 2017 baseline, {args.seeds} seeds, against 3.5.10\n")
        print(figures.to_string(index=False))
        print(f"\nWith the action minus without, same seeds (paired), after {MONTHS} months\n")
        print(table.to_string())
    print(f"\nTables in {args.out}")


if __name__ == "__main__":
    main()
