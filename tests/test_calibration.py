"""Calibration inputs and outputs: priors, targets, distance, store, calibrated file."""

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from inclusion_sim import Parameters
from inclusion_sim import parameters as parameters_module
from inclusion_sim.calibration.config import load_config
from inclusion_sim.calibration.distance import distance, scaled_errors
from inclusion_sim.calibration.posterior import (
    packaged_path,
    posterior_draws,
    write_calibrated,
)
from inclusion_sim.calibration.priors import PriorError, load_priors, with_prior_draws
from inclusion_sim.calibration.simulator import Runs, Setup, producible, simulate
from inclusion_sim.calibration.store import Store, evaluation_key
from inclusion_sim.calibration.targets import Target, TargetError, load_targets, usable
from inclusion_sim.parameters import ParameterError, load_parameter_table

ROOT = Path(__file__).parent.parent
TARGETS = ROOT / "calibration" / "targets.csv"
PRIORS = ROOT / "calibration" / "priors.toml"
CONFIG = ROOT / "calibration" / "calibration.toml"


# --- priors ------------------------------------------------------------------------------
def test_every_ranged_scalar_parameter_has_a_prior_with_its_source():
    table = load_parameter_table()
    priors = load_priors()
    ranged = {n for n, p in table.items() if p.range and not isinstance(p.value, list)}
    assert set(priors) == ranged
    assert "qpv_population_share" not in priors  # list-valued: a fixed input
    assert priors["job_finding_rate"].source == table["job_finding_rate"].source
    assert (priors["job_finding_rate"].low, priors["job_finding_rate"].high) == (0.04, 0.12)


def test_priors_file_overrides_and_loguniform(tmp_path):
    priors = load_priors(PRIORS)
    odds = priors["odds_inactive_poor"]
    assert odds.distribution == "loguniform"
    assert odds.ppf(0.5) == pytest.approx(np.sqrt(odds.low * odds.high))
    wider = tmp_path / "priors.toml"
    wider.write_text("[odds_poor_per_person]\nrange = [0.5, 1.35]\n", encoding="utf-8")
    assert priors["odds_poor_per_person"].low == 0.7  # parameters.toml's range
    assert load_priors(wider)["odds_poor_per_person"].low == 0.5
    x = np.linspace(odds.low, odds.high, 10001)
    assert np.trapezoid(odds.pdf(x), x) == pytest.approx(1, abs=1e-3)
    assert odds.pdf(odds.high * 1.01) == 0


@pytest.mark.parametrize(
    "text, message",
    [
        ("[job_finding_rat]\nrange = [0.1, 0.2]\n", "did you mean 'job_finding_rate'"),
        ("[dpe_intensity]\nrange = [1, 2]\n", "list-valued parameters are fixed inputs"),
        ("[job_finding_rate]\nrange = [0.2, 0.1]\n", "low < high"),
        ("[job_finding_rate]\ndistribution = 'normal'\n", "expected one of"),
        ("[benefit_duration]\nsource = 'x'\n", "no range here nor in the parameter files"),
    ],
)
def test_bad_priors_file_names_file_and_key(tmp_path, text, message):
    path = tmp_path / "priors.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PriorError, match=message) as info:
        load_priors(path)
    assert str(path) in str(info.value)


def test_draws_are_completed_from_the_priors_of_the_parameters_they_lack():
    priors = load_priors(PRIORS)
    draws = [{"surface_base": 30.0}, {"surface_base": 31.0}]
    chosen = [priors["surface_base"], priors["job_finding_rate"], priors["dropout.support_months"]]
    full = with_prior_draws(draws, chosen, seed=1)
    assert [d["surface_base"] for d in full] == [30.0, 31.0]  # the posterior's are kept
    low, high = chosen[1].low, chosen[1].high
    assert all(low <= d["job_finding_rate"] <= high for d in full)
    assert full[0]["job_finding_rate"] != full[1]["job_finding_rate"]  # independent draws
    assert all(isinstance(d["dropout.support_months"], int) for d in full)  # whole numbers


# --- targets -----------------------------------------------------------------------------
def test_shipped_targets_take_values_from_the_figures():
    targets = {t.figure_id: t for t in load_targets(TARGETS)}
    assert targets["action4.energy_insecurity_rate"].value == 9.6
    assert targets["metro.rsa_beneficiaries"].value == 50100
    assert targets["action4.fsl_average_aid"].indicators == ("fsl_aid_paid", "fsl_grants")


def test_statistics_over_months():
    series = {
        "a": np.array([[100.0], [1], [2], [3], [4]]),
        "b": np.array([[1.0], [1], [1], [1], [2]]),
    }
    t = Target("x", "a", "rest", "mean_last_2", 1, 0.1, 1)
    assert t.compute(series, 0) == 3.5
    assert Target("x", "a", "rest", "sum_last_12", 1, 0.1, 1).compute(series, 0) == 10
    assert Target("x", "a", "rest", "initial", 1, 0.1, 1).compute(series, 0) == 100
    assert Target("x", "a/b", "rest", "sum_last_4", 1, 0.1, 1).compute(series, 0) == 2


def test_targets_the_model_cannot_produce_are_skipped_with_a_warning():
    targets = load_targets(TARGETS)
    indicators = {"poverty_rate", "unemployment_rate", "energy_poverty_onpe"}
    with pytest.warns(UserWarning) as record:
        kept = usable(targets, indicators, ("venissieux",), 24)
    messages = [str(w.message) for w in record]
    assert any("action4.fsl_households skipped: indicator(s)" in m for m in messages)
    assert any("metro.poverty_rate skipped: zone 'metro' not simulated" in m for m in messages)
    assert {t.figure_id for t in kept} == {
        "venissieux.poverty_rate",
        "venissieux.unemployment_rate",
    }


@pytest.mark.parametrize(
    "row, message",
    [
        ("x.y,poverty_rate,rest,mean_last_12,0.1,1,,", "not a figure with a value"),
        ("metro.poverty_rate,poverty_rate,rest,median,0.1,1,,", "statistic 'median'"),
        ("metro.poverty_rate,poverty_rate,lyon,initial,0.1,1,,", "zone 'lyon'"),
        (
            "metro.poverty_rate,poverty_rate,rest,initial,wide,1,,",
            "tolerance 'wide' is not a number",
        ),
    ],
)
def test_bad_targets_file(tmp_path, row, message):
    path = tmp_path / "t.csv"
    path.write_text("figure_id,indicator,zone,statistic,tolerance,weight,value,note\n" + row + "\n")
    with pytest.raises(TargetError, match=message):
        load_targets(path)


# --- distance ----------------------------------------------------------------------------
def test_several_runs_read_each_target_from_the_first_run_producing_it():
    one = Setup(zones=("venissieux",), scale=0.05, months=2)
    two = Setup(zones=("saint_fons", "venissieux"), scale=0.05, months=2)
    runs = Runs((("one", one), ("two", two)))
    rows = [
        ("venissieux.poverty_rate", "venissieux"),
        ("saint_fons.poverty_rate", "saint_fons"),
        ("x.total", "total"),
        ("metro.poverty_rate", "metro"),
    ]
    targets = [Target(i, "poverty_rate", z, "mean_last_2", 20.0, 0.1, 1) for i, z in rows]
    assert runs.assign(targets) == [0, 1, 0, None]
    with pytest.warns(UserWarning, match="metro.poverty_rate skipped: no run produces it"):
        assert producible(runs, targets) == targets[:3]
    both = simulate(runs, targets, {}, 4)
    np.testing.assert_array_equal(both[[0, 2]], simulate(one, [targets[0], targets[2]], {}, 4))
    assert both[1] == simulate(two, [targets[1]], {}, 4)[0]
    assert np.isnan(both[3])


def test_distance_is_scale_aware_and_weighted():
    targets = [
        Target("rate", "a", "rest", "initial", 10.0, 0.1, 1),
        Target("count", "b", "rest", "initial", 50000.0, 0.1, 3),
    ]
    # one tolerance off on each, whatever the unit
    assert scaled_errors([11.0, 45000.0], targets) == pytest.approx([1, -1])
    assert distance(np.array([11.0, 45000.0]), targets) == pytest.approx(1)
    # the heavier target dominates: sqrt((1 * 0 + 3 * 4) / 4)
    assert distance(np.array([10.0, 60000.0]), targets) == pytest.approx(np.sqrt(3))
    assert distance(np.array([[10.0, np.nan]]), targets)[0] == np.inf


# --- store -------------------------------------------------------------------------------
def test_store_persists_evaluations(tmp_path):
    key = evaluation_key("ctx", {"a": 1.0}, 3)
    assert key != evaluation_key("ctx", {"a": 1.0}, 4)
    store = Store(tmp_path / "s.sqlite")
    store.put(key, {"a": 1.0}, 3, np.array([1.5, np.nan]))
    store.close()
    again = Store(tmp_path / "s.sqlite")
    assert len(again) == 1
    np.testing.assert_array_equal(again.get(key), [1.5, np.nan])
    assert again.get("other") is None


# --- calibrated file and Parameters ------------------------------------------------------
def test_parameters_apply_calibrated_values_unless_told_not_to(monkeypatch):
    raw = Parameters(calibrated=False)
    fake = {"job_finding_rate": 0.05}
    monkeypatch.setattr(parameters_module, "load_calibrated", lambda: (fake, {"method": "test"}))
    assert Parameters()["job_finding_rate"] == 0.05
    assert Parameters().provenance == {"method": "test"}
    assert Parameters({"job_finding_rate": 0.1})["job_finding_rate"] == 0.1  # override wins
    assert Parameters(calibrated=False)["job_finding_rate"] == raw["job_finding_rate"]
    monkeypatch.setattr(parameters_module, "load_calibrated", lambda: ({"nope": 1.0}, {}))
    with pytest.raises(ParameterError, match="calibrated.toml: unknown parameter 'nope'"):
        Parameters()


def test_write_calibrated_round_trip_and_posterior_draws(tmp_path):
    path = tmp_path / "calibrated.toml"
    particles = np.array([[1.0, 10.0], [2.0, 20.0]])
    write_calibrated(
        path,
        {"a": 1.5, "b": 15.0},
        {"method": "test", "targets": ["x", "y"], "seed": 3},
        (["a", "b"], np.array([0.0, 1.0]), particles),
    )
    data = tomllib.loads(path.read_text("utf-8"))
    assert data["values"] == {"a": 1.5, "b": 15.0}
    dotted = tmp_path / "dotted.toml"  # an action's parameter is one key, not a table
    write_calibrated(dotted, {"dropout.base_logit": -3.0}, {"method": "test"})
    assert tomllib.loads(dotted.read_text("utf-8"))["values"] == {"dropout.base_logit": -3.0}
    assert data["provenance"]["targets"] == ["x", "y"]
    draws = posterior_draws(5, seed=1, path=path)
    assert draws == [{"a": 2.0, "b": 20.0}] * 5  # all weight on the second particle


@pytest.mark.fit_check
def test_fit_check_shipped_calibration_against_its_targets():
    """The packaged calibrated values, rerun at the calibration's setup (mean of 3 runs), are
    within tolerance of the targets the shipped predictive table says they are within."""
    path = packaged_path()
    if not path.is_file():
        pytest.skip("no calibrated file shipped yet")
    data = tomllib.loads(path.read_text("utf-8"))
    provenance = data["provenance"]
    for key in ("date", "method", "targets", "seed", "package_version", "git_revision"):
        assert key in provenance
    table = load_parameter_table()
    for name, value in data["values"].items():
        low, high = load_priors(PRIORS)[name].low, load_priors(PRIORS)[name].high
        assert name in table and low <= value <= high
    targets = [t for t in load_targets(TARGETS) if t.figure_id in provenance["targets"]]
    assert len(targets) == len(provenance["targets"])
    setup = load_config(CONFIG).setup  # the shipped file's own runs
    runs = np.array([simulate(setup, targets, data["values"], seed) for seed in (101, 102, 103)])
    errors = scaled_errors(runs.mean(axis=0), targets)
    predictive = pd.read_csv(ROOT / "calibration" / "posterior_predictive.csv")
    claimed = dict(zip(predictive["figure_id"], predictive["within_tolerance"], strict=True))
    for target, error in zip(targets, errors, strict=True):
        if claimed[target.figure_id]:  # the table says within: so it is (within noise)
            assert abs(error) <= 1.25, target.figure_id
