"""Sensitivity of the actions' outcomes and costs per outcome (calibration/outcomes.py): the
studies file, one study's runs and their reference, Morris on a tiny study, the shipped tables
and the "what to measure next" ranking."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from inclusion_sim.actions import REGISTRY
from inclusion_sim.calibration.config import ConfigError
from inclusion_sim.calibration.outcomes import (
    Study,
    load_studies,
    measure_next,
    morris_study,
    outcome_job,
    output_names,
    study_priors,
    unsourced,
)
from inclusion_sim.calibration.priors import load_priors

ROOT = Path(__file__).parents[1] / "calibration"
CLAUSES = Study(
    action="social_clauses",
    outcome="clause_additional_employment_years",
    increase=True,
    zones=("saint_fons", "venissieux"),
    scale=0.1,
    months=12,
)


def test_every_registered_action_has_a_study_of_its_outcome():
    studies = load_studies(ROOT / "actions_sensitivity.toml")
    assert set(studies.studies) == set(REGISTRY)
    for name, study in studies.studies.items():
        declared = {i.name for i in REGISTRY[name].outputs}
        assert study.outcome in declared and (study.cost == "ledger" or study.cost in declared)
        owned = {p.name for p in study_priors(studies, study)}
        assert {n for n in studies.priors if "." not in n} <= owned  # the core's, inputs too
        assert not any(n.split(".")[0] not in (name,) for n in owned if "." in n)


def test_a_study_reports_gain_cost_and_their_ratio():
    gain, cost, per_outcome = outcome_job((CLAUSES, {}, 3))
    assert gain > 0 and cost > 0
    assert per_outcome == pytest.approx(cost / gain)
    more = outcome_job((replace(CLAUSES, levers={"facilitator_advisers": 20.0}), {}, 3))
    assert more[1] > cost  # the facilitator's cost is the ledger's spending


def test_a_reference_run_gives_the_gain_against_the_action_off():
    """Dropouts avoided against the same pupils with no school covered, same seed."""
    study = Study(
        action="dropout",
        outcome="dropouts",
        increase=False,
        zones=("saint_fons",),
        scale=1.0,
        months=48,
        reference={"schools": []},
        cost="dropout_cost",
    )
    gain, cost, _ = outcome_job((study, {}, 3))
    assert gain >= 0 and cost > 0  # support never adds a dropout (common random numbers)
    alone = outcome_job((replace(study, reference=None), {}, 3))
    assert alone[0] < 0  # without the reference, the "gain" is minus the dropouts themselves


def test_morris_on_a_tiny_study_ranks_the_parameter_that_moves_the_outcome():
    priors = [load_priors()[n] for n in ("social_clauses.displacement", "surface_base")]
    table = morris_study(CLAUSES, priors, 2, [3], seed=1)
    assert set(table["output"]) <= set(output_names(CLAUSES))
    mu = table.set_index(["output", "parameter"])["relative_mu_star"]
    outcome = CLAUSES.outcome
    assert mu[outcome, "social_clauses.displacement"] > 0.2  # the net share: up to half gone
    assert mu[outcome, "surface_base"] < 0.5 * mu[outcome, "social_clauses.displacement"]


def test_what_to_measure_next_ranks_unsourced_parameters_by_morris_with_sobol_indices():
    priors = load_priors(ROOT / "priors.toml")
    assert unsourced(priors["social_clauses.displacement"])
    assert not unsourced(priors["activity_rate"])  # an input
    assert not unsourced(priors["energy_poverty.works_cost"])  # literature.md
    names = ["social_clauses.displacement", "activity_rate", "job_finding_rate"]
    morris = pd.DataFrame(
        {
            "action": "social_clauses",
            "output": ["x", "x", "x", "cost_per_x", "cost_per_x", "cost_per_x"],
            "parameter": names * 2,
            "mu_star": [9.0, 9.0, 9.0, 0.2, 0.9, 0.5],
            "relative_mu_star": [1.0, 1.0, 1.0, 0.02, 0.09, 0.05],
        }
    )
    sobol = pd.DataFrame(
        {
            "action": "social_clauses",
            "output": "cost_per_x",
            "parameter": ["activity_rate", "job_finding_rate"],
            "ST": [0.9, 0.4],
            "S1": [0.8, 0.3],
        }
    )
    ranking = measure_next(morris, sobol, priors)
    # the input is left out; the others ranked by mu* on the cost per outcome, not on x
    assert list(ranking["parameter"]) == ["job_finding_rate", "social_clauses.displacement"]
    assert list(ranking["ST"].fillna(-1)) == [0.4, -1]  # displacement: no Sobol run
    assert set(ranking["output"]) == {"cost_per_x"}
    # without a cost per outcome (some sample gained nothing) it ranks on units per million EUR
    inverse = morris.assign(output=morris["output"].str.replace("cost_per_x", "x_per_million_eur"))
    assert set(measure_next(inverse, None, priors)["output"]) == {"x_per_million_eur"}


def test_bad_studies_file_names_the_key(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(f'priors = "{ROOT / "priors.toml"}"\n[actions.dropout]\noutcome = "x"\n')
    with pytest.raises(ConfigError, match=r"actions\.dropout\.outcome: 'x' is not an indicator"):
        load_studies(path)
    path.write_text('[actions.dropout]\noutcome = "dropout_avoided"\n')
    with pytest.raises(ConfigError, match="direction"):
        load_studies(path)


# The shipped run covers these actions (the others did not fit the run's compute budget: README).
SHIPPED = {"energy_poverty", "social_clauses", "dropout"}


@pytest.mark.parametrize("method", ["morris", "sobol"])
def test_shipped_tables_cover_the_studied_actions(method):
    path = ROOT / f"sensitivity_actions_{method}.csv"
    table = pd.read_csv(path)
    assert SHIPPED <= set(table["action"]) <= set(REGISTRY)
    index = "mu_star" if method == "morris" else "ST"
    assert np.isfinite(table[index]).all()
    ranking = pd.read_csv(ROOT / "what_to_measure.csv")
    assert set(ranking["action"]) == set(
        pd.read_csv(ROOT / "sensitivity_actions_morris.csv")["action"]
    )
    assert (ranking["mu_star"] >= 0).all() and (ranking["ST"].dropna() >= 0).all()
