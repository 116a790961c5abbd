"""Scenario files and the command line: validation errors are one line, exit 2, nothing written."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from inclusion_sim import ScenarioError, load_scenario

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
    assert len(csv) == len(parquet) == 15 * 8  # months 0..14, 8 indicators, one zone
    png = (tmp_path / "out" / "indicators.png").read_bytes()
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
