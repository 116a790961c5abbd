"""Experiments: common random numbers, identical results on every executor, resumable store."""

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import helpers_actions
import numpy as np
import pandas as pd
import pytest
from scipy.stats import qmc

from inclusion_sim import Parameters
from inclusion_sim import experiment as ex
from inclusion_sim.actions import REGISTRY
from inclusion_sim.scenario import Samples, parse_scenario
from inclusion_sim.store import Store, StoreError

ROOT = Path(__file__).resolve().parents[1]


def tiny(name="a", months=6, **extra):
    data = {
        "name": name,
        "seed": 11,
        "territory": {"zones": ["saint_fons"], "scale": 0.05},
        "horizon": {"months": months},
    } | extra
    return parse_scenario(data, f"{name}.toml")


@pytest.fixture
def helper():
    helpers_actions.install()
    yield helpers_actions.Helper
    REGISTRY.pop(helpers_actions.Helper.name, None)


def test_replication_k_has_one_seed_for_every_scenario():
    specs = ex.plan([tiny("a"), tiny("b")], replications=3, seed=5)
    seeds = {(s.scenario.name, s.replication): s.seed for s in specs}
    assert [seeds[("a", k)] for k in range(3)] == [seeds[("b", k)] for k in range(3)]
    assert len({seeds[("a", k)] for k in range(3)}) == 3
    assert ex.replication_seeds(5, 2) == ex.replication_seeds(5, 3)[:2]  # adding keeps seeds


def test_identical_scenarios_give_identical_runs(tmp_path):
    results = ex.run_experiment([tiny("a"), tiny("b")], tmp_path, replications=2)
    a = results[results["scenario"] == "a"].drop(columns="scenario").reset_index(drop=True)
    b = results[results["scenario"] == "b"].drop(columns="scenario").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    reps = results[results["scenario"] == "a"].groupby("replication")["value"].sum()
    assert reps[0] != reps[1]  # replications differ from each other


def test_serial_process_pool_and_dask_give_identical_results(tmp_path, helper):
    scenarios = [tiny("a"), tiny("b", actions={"test_helper": {"budget": 900.0}})]

    def run(folder, **kw):
        with ex.executor(**kw) as (pool, workers):
            ex.run_experiment(
                scenarios,
                tmp_path / folder,
                replications=2,
                executor=pool,
                in_flight=2 * workers,
                plugins=[helpers_actions.PATH],
            )
        store = Store(tmp_path / folder)
        return store.load("indicators"), store.load("spending")

    serial = run("serial", workers=1)
    assert (serial[0]["indicator"] == "test_helped").any() and len(serial[1]) > 0
    for other in (run("pool", workers=2), run("dask", workers=2, dask="local")):
        pd.testing.assert_frame_equal(serial[0], other[0])
        pd.testing.assert_frame_equal(serial[1], other[1])


def test_manifest_records_provenance(tmp_path):
    ex.run_experiment([tiny("a")], tmp_path)
    (manifest,) = Store(tmp_path).manifests()
    assert manifest["scenario"] == "a" and manifest["replication"] == 0
    assert manifest["seed"] == ex.replication_seeds(11, 1)[0]
    assert manifest["parameters"] == dict(Parameters())
    assert manifest["scenario_settings"]["months"] == 6
    assert len(manifest["data_hash"]) == 64 and manifest["package_version"]
    assert "git_revision" in manifest


def test_rerun_skips_finished_runs_and_refuses_other_settings(tmp_path):
    first = ex.run_experiment([tiny("a")], tmp_path, replications=2)
    stamp = {p: p.stat().st_mtime_ns for p in tmp_path.glob("runs/*/manifest.json")}
    again = ex.run_experiment([tiny("a")], tmp_path, replications=3)  # one more replication
    pd.testing.assert_frame_equal(first, again[again["replication"] < 2].reset_index(drop=True))
    assert {p: p.stat().st_mtime_ns for p in stamp} == stamp
    assert len(list(tmp_path.glob("runs/*"))) == 3
    with pytest.raises(StoreError, match="other settings"):
        ex.run_experiment([tiny("a", months=7)], tmp_path, replications=1)


def test_in_flight_runs_are_bounded():
    """Memory stays flat: only `in_flight` runs are submitted ahead of the results consumed."""
    submitted = []

    class Counting(ex.SerialExecutor):
        def submit(self, fn, /, *args, **kwargs):
            submitted.append(args[0])
            return super().submit(lambda spec: spec.run_id, *args)

    specs = ex.plan([tiny("a")], replications=10, seed=1)
    results = ex._completed(Counting(), specs, in_flight=3)
    next(results)
    assert len(submitted) == 3
    assert len(list(results)) == 9 and len(submitted) == 10


def test_parameter_samples_latin_hypercube_and_sobol(tmp_path):
    lhs = Samples("lhs", 8, {"job_finding_rate": (0.04, 0.08), "living_floor": (300.0, 500.0)})
    points = ex.draw_samples(lhs, seed=3)
    assert points == ex.draw_samples(lhs, seed=3) != ex.draw_samples(lhs, seed=4)
    rates = np.array([p["job_finding_rate"] for p in points])
    assert np.all((rates >= 0.04) & (rates <= 0.08))
    assert sorted(np.floor((rates - 0.04) / 0.005).astype(int)) == list(range(8))  # one per stratum
    sobol = ex.draw_samples(replace(lhs, method="sobol"), seed=3)
    low, high = zip(*lhs.ranges.values(), strict=True)
    unit = qmc.scale(np.array([list(p.values()) for p in sobol]), low, high, reverse=True)
    assert qmc.discrepancy(unit) < 0.1

    scenario = tiny("a", samples={"method": "lhs", "n": 3, "ranges": {"living_floor": [300, 500]}})
    ex.run_experiment([scenario], tmp_path, replications=2)
    manifests = list(Store(tmp_path).manifests())
    assert len(manifests) == 6
    for m in manifests:
        assert m["parameters"]["living_floor"] == m["sampled_parameters"]["living_floor"]
    floors = {(m["replication"], m["sample"]): m["parameters"]["living_floor"] for m in manifests}
    assert floors[(0, 1)] == floors[(1, 1)] and floors[(0, 1)] != floors[(0, 2)]


SIGKILL_SCENARIO = """
name = "{name}"
seed = 4
[territory]
zones = ["saint_fons"]
scale = 0.1
[horizon]
months = 18
{extra}
"""


def test_sweep_killed_with_sigkill_resumes_to_identical_results(tmp_path):
    files = []
    for name, extra in (("a", ""), ("b", "[parameters]\nliving_floor = 450")):
        path = tmp_path / f"{name}.toml"
        path.write_text(SIGKILL_SCENARIO.format(name=name, extra=extra))
        files.append(path)

    def command(out):
        args = ["experiment", *files, "--replications", "5", "--workers", "1", "--out", out]
        return [sys.executable, "-m", "inclusion_sim.cli", *map(str, args)]

    killed = tmp_path / "killed"
    runner = subprocess.Popen(
        command(killed), cwd=ROOT, start_new_session=True, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while len(list(killed.glob("runs/*-r*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(runner.pid, signal.SIGKILL)
    runner.wait()
    done = len(list(killed.glob("runs/*-r*")))
    assert 2 <= done < 10, "the runner was not killed part-way"

    for out in (killed, tmp_path / "whole"):
        finished = subprocess.run(command(out), cwd=ROOT, capture_output=True, text=True)
        assert finished.returncode == 0, finished.stderr
    for which in ("indicators", "spending"):
        resumed, whole = Store(killed).load(which), Store(tmp_path / "whole").load(which)
        pd.testing.assert_frame_equal(resumed, whole)
    resumed = Store(killed).load("indicators")
    assert not resumed.duplicated(["scenario", "replication", "month", "zone", "indicator"]).any()
    assert len(list(killed.glob("runs/*"))) == 10 and not list(killed.glob("runs/.tmp-*"))
    assert json.loads((killed / "experiment.json").read_text())["scenarios"] == ["a", "b"]


def test_posterior_samples_carry_calibration_uncertainty():
    """[samples] method = "posterior": parameter sets drawn from the calibrated posterior."""
    import tomllib
    from importlib import resources

    from inclusion_sim import ScenarioError

    scenario = parse_scenario({"samples": {"method": "posterior", "n": 4}}, "s.toml")
    draws = ex.draw_samples(scenario.samples, seed=5)
    posterior = tomllib.loads(
        resources.files("inclusion_sim.data").joinpath("calibrated.toml").read_text("utf-8")
    )["posterior"]
    particles = {tuple(p) for p in posterior["particles"]}
    assert len(draws) == 4
    assert all(tuple(d[name] for name in posterior["parameters"]) in particles for d in draws)
    assert draws == ex.draw_samples(scenario.samples, seed=5)  # same seed, same draws
    with pytest.raises(ScenarioError, match="samples.ranges: not used"):
        parse_scenario(
            {"samples": {"method": "posterior", "n": 2, "ranges": {"living_floor": [300, 400]}}},
            "s.toml",
        )


def test_a_pool_is_started_only_when_it_saves_its_start_up(tmp_path, monkeypatch):
    """The rule of workers_worth_starting: (n - ceil(n / w)) x mean run time >= start-up."""
    monkeypatch.setattr(ex, "_forkserver_started", False)
    small = ex.plan_experiment([tiny("a"), tiny("b")], tmp_path / "small", replications=2)
    assert ex.estimated_seconds(tiny("a")) < 0.2  # 1,000 agents, 6 months + warm-up
    assert ex.workers_worth_starting(small, 2) == 1
    metropolis = parse_scenario(
        {"name": "m", "territory": {"scale": 1.0}, "horizon": {"months": 120}}, "m.toml"
    )
    assert ex.estimated_seconds(metropolis) > 10  # two million agents for ten years
    large = ex.plan_experiment([metropolis], tmp_path / "large", replications=2)
    assert ex.workers_worth_starting(large, 2) == 2
    assert ex.workers_worth_starting(large, 1) == 1
    # Only the runs still to do count: one run left needs no pool.
    ex.run_experiment(small, progress=False)
    assert ex.workers_worth_starting(small, 8) == 1
    # Once this process has a warm forkserver, a pool costs almost nothing to start.
    monkeypatch.setattr(ex, "_forkserver_started", True)
    fresh = ex.plan_experiment(
        [tiny("a", months=120), tiny("b", months=120)], tmp_path / "again", replications=2
    )
    seconds = ex.estimated_seconds(fresh.scenarios[0])
    assert (4 - 2) * seconds >= ex.WARM_POOL_START_SECONDS
    assert ex.workers_worth_starting(fresh, 2) == 2
