"""The calibrate and sensitivity subcommands, on a tiny calibration file."""

import argparse
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from inclusion_sim.calibration.arguments import add_commands

ROOT = Path(__file__).parent.parent / "calibration"


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="inclusion-sim")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return args.handler(args)


@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "calibration.toml"
    path.write_text(
        f"""
targets = "{ROOT / "targets.csv"}"
priors = "{ROOT / "priors.toml"}"
parameters = ["surface_base"]
seed = 3
store = "store.sqlite"
[simulation]
zones = ["venissieux"]
scale = 0.02
months = 12
replications = 1
[abc]
particles = 6
generations = 2
[optimise]
maxiter = 2
popsize = 2
[predictive]
draws = 4
replications = 2
[sensitivity]
outputs = ["venissieux.poverty_rate"]
morris_trajectories = 2
""",
        encoding="utf-8",
    )
    return path


def test_calibrate_writes_the_calibrated_file_and_the_predictive_table(config, tmp_path):
    out = tmp_path / "out"
    calibrated = tmp_path / "calibrated.toml"
    with pytest.warns(UserWarning, match="metro.poverty_rate skipped"):
        status = run(
            "calibrate",
            str(config),
            "--method",
            "abc",
            "--out",
            str(out),
            "--calibrated",
            str(calibrated),
        )
    assert status == 0
    data = tomllib.loads(calibrated.read_text("utf-8"))
    identified = pd.read_csv(out / "identification.csv").set_index("parameter")
    assert list(identified.index) == ["surface_base"]
    fitted = identified["status"] == "fitted"
    assert set(data["values"]) == set(identified.index[fitted])  # priors are not written
    assert data["provenance"]["fitted"] == list(identified.index[fitted])
    assert 20 <= identified.loc["surface_base", "posterior_median"] <= 35
    assert data["provenance"]["targets"] == [
        "venissieux.poverty_rate",
        "venissieux.unemployment_rate",
    ]
    assert len(data["posterior"]["weights"]) == 6
    table = pd.read_csv(out / "posterior_predictive.csv")
    assert list(table["figure_id"]) == data["provenance"]["targets"]
    assert (table["predictive_p5"] <= table["predictive_p95"]).all()
    assert "| figure_id |" in (out / "posterior_predictive.md").read_text(encoding="utf-8")
    assert (tmp_path / "store.sqlite").is_file()  # relative to the calibration file


def test_screening_fits_only_the_parameters_that_move_a_target(config, tmp_path):
    """Surfaces move no poverty or unemployment rate: screening leaves only the parameters that
    do (if any), and every screened-out one is reported as a prior, not fitted. The odds of
    unemployment without a diploma move Vénissieux's unemployment (on the open population
    odds_poor_per_person has almost no hold on the first year's poverty rate: measured, scale
    0.1, three seeds, 29.7-31.0% at 0.7 against 28.1-30.2% at 1.35)."""
    text = config.read_text("utf-8").replace(
        'parameters = ["surface_base"]',
        'parameters = ["surface_base", "prebound_gap", "odds_unemployed_no_diploma"]',
    )
    config.write_text(text + "[screening]\ntrajectories = 2\nnoise_seeds = 2\n", "utf-8")
    out, calibrated = tmp_path / "out", tmp_path / "calibrated.toml"
    with pytest.warns(UserWarning):
        status = run("calibrate", str(config), "--out", str(out), "--calibrated", str(calibrated))
    assert status == 0
    screening = pd.read_csv(out / "screening.csv")
    moving = "odds_unemployed_no_diploma"
    assert set(screening["parameter"]) == {"surface_base", "prebound_gap", moving}
    assert not screening[screening["parameter"] != moving]["informative"].any()
    assert screening[screening["parameter"] == moving]["informative"].any()
    table = pd.read_csv(out / "identification.csv").set_index("parameter")
    assert table.loc["surface_base", "status"] == "prior: moves no target (screening)"
    provenance = tomllib.loads(calibrated.read_text("utf-8"))["provenance"]
    assert "surface_base" in provenance["screened_out"]


@pytest.mark.parametrize("executor", [["--workers", "2"], ["--workers", "2", "--dask", "local"]])
def test_sensitivity_morris_on_two_workers(config, tmp_path, executor):
    """The experiments' executors: a process pool, or a Dask LocalCluster."""
    with pytest.warns(UserWarning):
        assert run("sensitivity", str(config), *executor, "--out", str(tmp_path)) == 0
    table = pd.read_csv(tmp_path / "sensitivity_morris.csv")
    assert list(table["parameter"]) == ["surface_base"]
    assert list(table["output"]) == ["venissieux.poverty_rate"]


def test_bad_calibration_file_is_one_line_and_status_2(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('targets = "t.csv"\npriors = "p.toml"\nparameters = []\nsead = 1\n')
    assert run("calibrate", str(path)) == 2
    assert f"{path}: sead: unknown key (did you mean 'seed'?)" in capsys.readouterr().err
    path.write_text(
        f'targets = "{ROOT / "targets.csv"}"\npriors = "{ROOT / "priors.toml"}"\n'
        'parameters = ["poverty_line"]\n'
    )
    assert run("calibrate", str(path)) == 2
    assert "no prior for ['poverty_line']" in capsys.readouterr().err
    path.write_text(
        f'targets = "{ROOT / "targets.csv"}"\npriors = "{ROOT / "priors.toml"}"\n'
        'parameters = ["surface_base"]\n[simulation.runs.small]\nzones = ["venissieux"]\n'
        "scale = 2.0\n"
    )
    assert run("calibrate", str(path)) == 2
    assert f"{path}: simulation.runs.small.scale: out of range" in capsys.readouterr().err
    path.write_text(
        f'targets = "{ROOT / "targets.csv"}"\npriors = "{ROOT / "priors.toml"}"\n'
        'parameters = ["activity_rate"]\n'
    )
    assert run("calibrate", str(path)) == 2
    assert "['activity_rate'] are inputs (fit = false" in capsys.readouterr().err
