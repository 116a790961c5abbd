"""Self-describing outputs: Parquet files with a categorical indicator, units and descriptions in
their metadata and a units.csv; experiment runs carrying their keys, read with one glob by duckdb
and in one table by `open_experiment`; the package's version."""

import json
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

import inclusion_sim as ism
from inclusion_sim import experiment as ex
from inclusion_sim.catalogue import indicators as declared_indicators
from inclusion_sim.scenario import parse_scenario

ROOT = Path(__file__).resolve().parents[1]


def tiny(name, fsl_budget=None):
    data = {
        "name": name,
        "seed": 11,
        # Saint-Fons at full scale: FSL grants are rare (about 20 a year in the commune), so a
        # smaller sample may see none in three months
        "territory": {"zones": ["saint_fons"], "scale": 1.0},
        "horizon": {"months": 3},
    }
    if fsl_budget is not None:
        data["actions"] = {"energy_poverty": {"fsl_budget": fsl_budget}}
    return parse_scenario(data, f"{name}.toml")


@pytest.fixture(scope="module")
def experiment(tmp_path_factory):
    folder = tmp_path_factory.mktemp("experiment")
    scenarios = [tiny("no_fsl", 0.0), tiny("fsl", 800000.0)]
    ex.run_experiment(scenarios, folder, replications=2)
    return folder


def test_the_version_is_the_installed_packages():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert ism.__version__ == version("inclusion-sim") == project["version"]


def test_a_runs_parquet_describes_itself(tmp_path):
    (tmp_path / "s.toml").write_text(
        'name = "small"\nseed = 3\n[territory]\nzones = ["saint_fons"]\nscale = 0.05\n'
        "[horizon]\nmonths = 2\n[actions.energy_poverty]\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "inclusion_sim.cli", "run", "s.toml", "--out", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    path = tmp_path / "out" / "indicators.parquet"
    schema = pq.read_schema(path)
    assert str(schema.field("indicator").type).startswith("dictionary")  # categorical
    metadata = json.loads(schema.metadata[b"PANDAS_ATTRS"])["inclusion_sim"]
    declared = declared_indicators()
    grants = metadata["indicators"]["fsl_grants"]
    assert grants == {
        "unit": declared["fsl_grants"].unit,
        "kind": "flow",
        "description": declared["fsl_grants"].description,
    }
    assert metadata["version"] == ism.__version__
    frame = pd.read_parquet(path)
    assert isinstance(frame["indicator"].dtype, pd.CategoricalDtype)
    assert set(frame["scenario"]) == {"small"}
    assert set(metadata["indicators"]) == set(frame["indicator"])
    units = pd.read_csv(tmp_path / "out" / "units.csv")
    assert list(units.columns) == ["indicator", "unit", "kind", "description"]
    assert set(units["indicator"]) == set(frame["indicator"])
    row = units.set_index("indicator").loc["poverty_rate"]
    assert (row["unit"], row["kind"]) == ("%", "rate")


def test_experiment_runs_carry_their_keys(experiment):
    for manifest_path in (experiment / "runs").glob("*/manifest.json"):
        manifest = json.loads(manifest_path.read_text())
        run = pd.read_parquet(manifest_path.parent / "indicators.parquet")
        for key in ("scenario", "replication", "sample", "seed"):
            assert (run[key] == manifest[key]).all(), key
        assert run.attrs["inclusion_sim"]["indicators"]["fsl_grants"]["unit"] == "households"
        spending = pd.read_parquet(manifest_path.parent / "spending.parquet")
        assert (spending["scenario"] == manifest["scenario"]).all()
    units = pd.read_csv(experiment / "units.csv")
    assert {"fsl_grants", "poverty_rate"} <= set(units["indicator"])


def test_duckdb_reads_a_results_folder_with_one_glob(experiment):
    runs = duckdb.sql(
        "SELECT scenario, replication, count(DISTINCT seed) AS seeds, count(*) AS n "
        f"FROM read_parquet('{experiment}/runs/*/indicators.parquet') "
        "GROUP BY ALL ORDER BY ALL"
    ).df()
    assert list(runs["scenario"]) == ["fsl", "fsl", "no_fsl", "no_fsl"]
    assert list(runs["replication"]) == [0, 1, 0, 1]
    assert (runs["seeds"] == 1).all() and runs["n"].nunique() == 1


def test_open_experiment_is_one_table_of_every_finished_run(experiment):
    table = ism.open_experiment(experiment)
    assert list(table.columns[:4]) == ["scenario", "replication", "sample", "seed"]
    assert len(table) == sum(
        len(pd.read_parquet(p)) for p in (experiment / "runs").glob("*/indicators.parquet")
    )
    # Replication k of both scenarios shares its seed (common random numbers).
    seeds = table.groupby(["scenario", "replication"])["seed"].first().unstack("scenario")
    assert (seeds["fsl"] == seeds["no_fsl"]).all()
    grants = table[(table["indicator"] == "fsl_grants") & (table["month"] > 0)]
    by_scenario = grants.groupby("scenario")["value"].sum()
    assert by_scenario["no_fsl"] == 0 < by_scenario["fsl"]
