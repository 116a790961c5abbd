"""Scenario files and the command line: validation errors are one line, exit 2, nothing written."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from inclusion_sim import ScenarioError, load_scenario
from inclusion_sim.indicators import CORE_INDICATORS

ROOT = Path(__file__).resolve().parents[1]

SMALL = """
name = "small"
seed = 3
[territory]
zones = ["Saint-Fons"]
scale = 0.2
[horizon]
months = 14
"""


def cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "inclusion_sim.cli", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
    )


def test_shipped_baseline_is_valid():
    scenario = load_scenario(ROOT / "scenarios" / "baseline.toml")
    assert scenario.zones == ("saint_fons", "venissieux", "bron", "rest")
    assert scenario.months == 120 and scenario.actions == {}


def test_run_writes_tidy_results_table_and_plot(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(SMALL)
    result = cli("run", path, "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "unemployment_rate" in result.stdout and "Saint-Fons" in result.stdout
    csv = pd.read_csv(tmp_path / "out" / "indicators.csv")
    parquet = pd.read_parquet(tmp_path / "out" / "indicators.parquet")
    assert len(csv) == len(parquet) == 15 * len(CORE_INDICATORS)  # months 0..14, one zone
    png = (tmp_path / "out" / "indicators_core.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    assert not list((tmp_path / "out").glob(".*tmp*"))


BAD = {
    "missing": (None, "file not found"),
    "malformed": ("name = \n", "malformed TOML"),
    "unknown_top": ("sed = 3\n", "sed: unknown key (did you mean 'seed'?)"),
    "unknown_nested": (
        "[territory]\nscal = 0.1\n",
        "territory.scal: unknown key (did you mean 'scale'?)",
    ),
    "bad_scale": (
        "[territory]\nscale = 2\n",
        "territory.scale: got 2, expected a number in (0, 1]",
    ),
    "bad_type": ('[horizon]\nmonths = "ten"\n', "horizon.months: got 'ten', expected an integer"),
    "bad_zone": ('[territory]\nzones = ["Lyon"]\n', "territory.zones: unknown zone 'Lyon'"),
    "bad_parameter": (
        "[parameters]\njob_finding_rat = 0.1\n",
        "parameters.job_finding_rat: unknown parameter 'job_finding_rat' "
        "(did you mean 'job_finding_rate'?)",
    ),
    "bad_action": ("[actions.energy]\n", "actions.energy: unknown action"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_scenario_one_line_error_exit_2_nothing_written(tmp_path, case):
    text, message = BAD[case]
    path = tmp_path / f"{case}.toml"
    if text is not None:
        path.write_text(text)
    result = cli("run", path, "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and message in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "results").exists()


def test_library_raises_scenario_error_with_key(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("[horizon]\nstart_month = 13\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert err.value.key == "horizon.start_month"


def test_seed_option_overrides_the_file(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SMALL)
    assert load_scenario(path, seed=9).seed == 9


# --- extends, replications, samples -----------------------------------------------------------


def test_extends_deep_merges_the_chain_and_the_child_wins(tmp_path):
    (tmp_path / "base.toml").write_text(
        'name = "base"\nseed = 1\nreplications = 4\n'
        '[territory]\nzones = ["Saint-Fons", "Bron"]\nscale = 0.05\n'
        "[parameters]\njob_finding_rate = 0.05\nliving_floor = 400\n"
    )
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "mid.toml").write_text(
        'extends = "../base.toml"\n[parameters]\nliving_floor = 450\n'
    )
    (tmp_path / "sub" / "top.toml").write_text(
        'extends = "mid.toml"\n[territory]\nscale = 0.2\n[horizon]\nmonths = 7\n'
    )
    top = load_scenario(tmp_path / "sub" / "top.toml")
    assert top.name == "top"  # a variant is named after its own file
    assert top.zones == ("saint_fons", "bron") and top.scale == 0.2 and top.months == 7
    assert top.parameters == {"job_finding_rate": 0.05, "living_floor": 450}
    assert top.seed == 1 and top.replications == 4
    assert 'extends = "mid.toml"' in top.source and "job_finding_rate = 0.05" in top.source


def test_samples_table_is_read(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        '[samples]\nmethod = "sobol"\nn = 4\n[samples.ranges]\nliving_floor = [300, 500]\n'
    )
    samples = load_scenario(path).samples
    assert (samples.method, samples.n, samples.ranges) == ("sobol", 4, {"living_floor": (300, 500)})


HELPERS = str(ROOT / "tests" / "helpers_actions.py")

BAD_EXPERIMENT = {
    "missing_extends": ('extends = "nowhere.toml"\n', "extends: got 'nowhere.toml', expected an"),
    "extends_cycle": (
        'extends = "cycle_b.toml"\n',
        "extends: got 'extends_cycle.toml', which extends back to it",
    ),
    "bad_replications": ("replications = 0\n", "replications: got 0, expected an integer >= 1"),
    "wrong_type": ('seed = "x"\n', "seed: got 'x', expected an integer >= 0"),
    "unknown_key": ("replicatons = 3\n", "replicatons: unknown key (did you mean 'replications'?)"),
    "negative_budget": (
        "[actions.test_helper]\nbudget = -5\n",
        "actions.test_helper.budget: got -5, expected a number >= 0",
    ),
    "bad_sample_range": (
        '[samples]\nmethod = "lhs"\nn = 4\n[samples.ranges]\nliving_floor = [500, 300]\n',
        "samples.ranges.living_floor: got [500, 300], expected [low, high] with low < high",
    ),
    "bad_sample_method": (
        '[samples]\nmethod = "grid"\nn = 4\n[samples.ranges]\nliving_floor = [3, 5]\n',
        "samples.method: got 'grid', expected 'lhs', 'sobol' or 'posterior'",
    ),
}


def write_bad(tmp_path, case):
    text, message = BAD_EXPERIMENT[case]
    path = tmp_path / f"{case}.toml"
    path.write_text(text)
    (tmp_path / "cycle_b.toml").write_text(f'extends = "{path.name}"\n')
    return path, message


@pytest.mark.parametrize("case", BAD_EXPERIMENT)
def test_bad_scenario_error_names_file_key_value_and_expectation(tmp_path, case):
    import helpers_actions

    from inclusion_sim.actions import REGISTRY

    path, message = write_bad(tmp_path, case)
    helpers_actions.install()
    try:
        with pytest.raises(ScenarioError) as err:
            load_scenario(path)
    finally:
        REGISTRY.pop(helpers_actions.Helper.name, None)
    line = str(err.value)
    assert "\n" not in line and message in line
    assert str(path) in line or str(tmp_path / "cycle_b.toml") in line


@pytest.mark.parametrize("case", ["negative_budget", "extends_cycle"])
def test_bad_experiment_scenario_exit_2_nothing_written(tmp_path, case):
    path, message = write_bad(tmp_path, case)
    good = tmp_path / "good.toml"
    good.write_text(SMALL)
    out = tmp_path / "out"
    result = cli("experiment", good, path, "--out", out, "--plugin", HELPERS, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert message in lines[0]
    assert not out.exists() and not (tmp_path / "results").exists()
