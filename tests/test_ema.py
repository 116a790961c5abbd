"""The EMA Workbench adapter: uncertainties, levers and outcomes from the declarations; a tiny
perform_experiments in which a lever moves its outcome; the PRIM script at a tiny size."""

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import ema_workbench as ew
import numpy as np
import pandas as pd
import pytest

import inclusion_sim as ism
from inclusion_sim import InclusionSimError, load_scenario
from inclusion_sim.ema import ema_model

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def small():
    """The 2017 energy baseline on the pilot communes, small and short."""
    scenario = load_scenario(ROOT / "scenarios/energy_baseline.toml")
    return replace(scenario, zones=("saint_fons", "venissieux"), scale=0.05, months=4)


def test_uncertainties_levers_and_outcomes_come_from_the_declarations(small):
    model = ema_model(small)
    catalogue = ism.levers().set_index("identifier")
    used = {"core", "energy_poverty"}
    priors = catalogue[
        (catalogue["kind"] == "parameter")
        & catalogue["low"].notna()
        & catalogue["action"].isin(used)
        & ~catalogue["default"].map(lambda v: isinstance(v, list))
    ]
    uncertainties = {p.name: p for p in model.uncertainties}
    assert set(uncertainties) == set(priors.index)
    take_up = uncertainties["energy_poverty__take_up"]
    assert (take_up.lower_bound, take_up.upper_bound) == tuple(
        priors.loc["energy_poverty__take_up", ["low", "high"]]
    )

    levers = {p.name: p for p in model.levers}
    budget = levers["energy_poverty__fsl_budget"]
    row = catalogue.loc["energy_poverty__fsl_budget"]
    assert (budget.lower_bound, budget.upper_bound) == (row["low"], row["high"])
    rule = levers["energy_poverty__fsl_when_exhausted"]
    assert [c.value for c in rule.categories] == ["queue", "refuse"]
    assert isinstance(levers["energy_poverty__relocation"], ew.BooleanParameter)
    assert "energy_poverty__soliha_zones" not in levers  # a list keeps the scenario's value
    assert not any(name.startswith("dropout__") for name in [*uncertainties, *levers])

    kinds = {o.name: o.kind for o in model.outcomes}
    assert kinds["energy_poor_households"] == ew.ScalarOutcome.MINIMIZE  # outcome="decrease"
    assert kinds["fsl_grants"] == ew.ScalarOutcome.INFO
    declared = ism.InclusionModel(small, scale=0.02, months=1).declared_indicators()
    assert set(kinds) == set(declared)


def test_a_tiny_exploration_is_paired_and_a_lever_moves_its_outcome(small):
    # A quarter of the pilot's households: enough FSL grantees in 4 months whatever the take-up
    # drawn (at 0.05 a low draw could leave a funded run without any grant).
    small = replace(small, scale=0.25)
    model = ema_model(
        small,
        uncertainties=["energy_poverty__take_up"],
        levers=["energy_poverty__fsl_budget"],
        outcomes=["fsl_grants", "fsl_aid_paid", "population"],
        factors={"dpe_intensity": (1.0, 1.5)},
    )
    policies = [
        ew.Sample("none", energy_poverty__fsl_budget=0.0),
        ew.Sample("2017", energy_poverty__fsl_budget=800000.0),
    ]
    experiments, outcomes = ew.perform_experiments(
        model,
        scenarios=2,
        policies=policies,
        uncertainty_sampling_kwargs={"rng": np.random.default_rng(1)},  # reproducible samples
    )
    table = experiments.assign(**outcomes)
    assert len(table) == 4 and {"dpe_intensity__factor", "energy_poverty__take_up"} <= set(table)
    none, funded = (table[table["policy"] == p].reset_index() for p in ("none", "2017"))
    assert (none["fsl_grants"] == 0).all() and (funded["fsl_grants"] > 0).all()
    # Same random numbers everywhere: the population, which no input here changes, is equal.
    assert table["population"].nunique() == 1
    # A year's outcome is the indicator's summary by kind: flows are summed over the months.
    run = ism.InclusionModel(
        small,
        energy_poverty__take_up=float(funded["energy_poverty__take_up"][0]),
        dpe_intensity=[
            p * funded["dpe_intensity__factor"][0] for p in ism.Parameters()["dpe_intensity"]
        ],
    )
    while run.running:
        run.step()
    monthly = run.datacollector.get_model_vars_dataframe()["fsl_grants"]
    assert funded["fsl_grants"][0] == pytest.approx(monthly[1:].sum())


def test_unknown_names_are_refused_with_a_suggestion(small):
    with pytest.raises(InclusionSimError, match="did you mean 'energy_poverty__fsl_budget'"):
        ema_model(small, levers=["energy_poverty__fsl_budjet"])
    with pytest.raises(InclusionSimError, match="'energy_prize' is not a list-valued parameter"):
        ema_model(small, factors={"energy_prize": (1.0, 1.2)})


def test_the_prim_script_runs_at_a_tiny_size(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "experiments/energy_fsl_prim.py"),
            *("--scenarios", "4", "--policies", "2", "--scale", "0.02", "--months", "2"),
            *("--out", str(tmp_path)),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(tmp_path / "experiments.csv")
    assert len(table) == 8
    assert {"price_path_factor", "energy_poverty__fsl_budget", "households_in_arrears"} <= set(
        table
    )
    assert table["households_in_arrears"].notna().all()
    assert "8 runs" in done.stdout
