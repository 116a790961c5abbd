"""The declarative lever layer: every lever and parameter declared once, with a unit, a source and
a check that refuses NaN, infinities and out-of-range values with a one-line error (exit 2)."""

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import inclusion_sim as ism
from inclusion_sim import InclusionModel, cli
from inclusion_sim.actions import REGISTRY
from inclusion_sim.agents import Household, Person
from inclusion_sim.catalogue import levers_markdown
from inclusion_sim.checks import Number
from inclusion_sim.parameters import load_parameter_table

ROOT = Path(__file__).resolve().parents[1]
TINY = str(ROOT / "tests" / "tiny_action.py")
BUILT_IN = (
    "community",
    "dropout",
    "energy_poverty",
    "social_clauses",
    "social_work",
    "solidarity_space",
)
SCENARIO = '[territory]\nzones = ["saint_fons"]\nscale = 0.05\n[horizon]\nmonths = 2\n'


def _numeric_levers():
    for action in BUILT_IN:
        for lever in REGISTRY[action].declared_levers():
            if isinstance(lever.check, Number):
                yield action, lever


def _bad_lever_values():
    """(action, lever, TOML value) that its check must refuse: NaN, infinity, and one value
    beyond each finite bound."""
    for action, lever in _numeric_levers():
        cases = ["nan", "inf"]
        if lever.check.low is not None:
            cases.append(repr(lever.check.low - 1))
        if lever.check.high is not None:
            cases.append(repr(lever.check.high + 1))
        if lever.check.integer:
            cases.append(repr(lever.value + 0.5))
        for value in cases:
            yield pytest.param(action, lever.name, value, id=f"{action}.{lever.name}={value}")


def _bad_parameter_values():
    for name, p in load_parameter_table().items():
        low, high = p.bounds
        values = ["nan", "inf" if high == math.inf else "-inf"]
        if low > -math.inf:
            values.append(repr(low - 1))
        if high < math.inf:
            values.append(repr(high + 1))
        for value in values:
            toml = value
            if isinstance(p.value, list):
                toml = "[" + ", ".join([value] + [repr(v) for v in p.value[1:]]) + "]"
            yield pytest.param(name, toml, id=f"{name}={value}")


def _run_cli(tmp_path, text: str, capsys) -> tuple[int, str, Path]:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    out = tmp_path / "out"
    code = cli.main(["run", str(path), "--out", str(out)])
    return code, capsys.readouterr().err, out


def test_catalogue_has_every_lever_and_parameter_with_a_unit_and_a_source():
    table = ism.levers()
    for action in BUILT_IN:
        names = {lever.name for lever in REGISTRY[action].declared_levers()}
        assert names == set(table[(table.action == action) & (table.kind == "lever")].name)
    assert set(load_parameter_table()) == set(table[table.kind == "parameter"].name)
    assert (table.unit.str.strip() != "").all(), table[table.unit.str.strip() == ""].name.tolist()
    assert (table.source.str.strip() != "").all()
    # Built-in actions only: test modules may have registered their own (helpers_actions).
    numeric = table[(table.kind == "lever") & table.low.notna() & table.action.isin(BUILT_IN)]
    assert (numeric.low < numeric.high).all()
    assert len(numeric) == sum(1 for _ in _numeric_levers())


@pytest.mark.parametrize("action, lever, value", list(_bad_lever_values()))
def test_a_bad_lever_value_is_a_one_line_error_naming_file_key_and_expectation(
    tmp_path, capsys, action, lever, value
):
    code, err, out = _run_cli(
        tmp_path, f"{SCENARIO}[actions.{action}]\n{lever} = {value}\n", capsys
    )
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "bad.toml" in lines[0] and f"actions.{action}.{lever}: got" in lines[0]
    assert "expected" in lines[0]
    assert not out.exists()


@pytest.mark.parametrize("name, value", list(_bad_parameter_values()))
def test_a_bad_parameter_value_is_a_one_line_error(tmp_path, capsys, name, value):
    code, err, out = _run_cli(tmp_path, f'{SCENARIO}[parameters]\n"{name}" = {value}\n', capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert f"parameters.{name}" in lines[0] and "expected" in lines[0]
    assert not out.exists()


@pytest.mark.parametrize(
    "action, table",
    [
        ("energy_poverty", "referral_rate = nan"),
        ("social_clauses", "clause_rate = { roads = inf }"),
        ("dropout", "family_agreement_rate = -0.2"),
    ],
)
def test_the_real_command_exits_2_without_a_traceback(tmp_path, action, table):
    path = tmp_path / "bad.toml"
    path.write_text(f"{SCENARIO}[actions.{action}]\n{table}\n")
    done = subprocess.run(
        [sys.executable, "-m", "inclusion_sim.cli", "run", str(path), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert f"actions.{action}." in done.stderr
    assert not (tmp_path / "o").exists()


def test_zones_are_checked_the_same_way_by_every_lever(scenario_error, tmp_path):
    path = tmp_path / "zones.toml"
    path.write_text(
        "[actions.energy_poverty]\nsoliha_zones = ['Bron']\n"
        "[actions.dropout]\neducators = { Bron = 1 }\n"
        "[actions.social_clauses]\npriority_zones = ['Saint-Fons', 'venissieux']\n"
    )
    scenario = ism.load_scenario(path)
    assert scenario.actions["energy_poverty"]["soliha_zones"] == ("bron",)
    assert scenario.actions["dropout"]["educators"] == {"bron": 1}
    assert scenario.actions["social_clauses"]["priority_zones"] == ("saint_fons", "venissieux")
    expected = "got 'Lyon', expected a zone"
    assert expected in scenario_error("[actions.energy_poverty]\nsoliha_zones = ['Lyon']\n")
    assert expected in scenario_error("[actions.dropout]\neducators = { Lyon = 1 }\n")
    assert expected in scenario_error("[actions.social_clauses]\npriority_zones = ['Lyon']\n")


def test_partial_tables_update_their_default_key_by_key():
    model = InclusionModel(
        zones=["saint_fons", "bron"],
        scale=0.05,
        seed=1,
        actions={"dropout": {"educator_model": {"bron": "street"}}},
    )
    levers = model.actions[0].educator_levers
    assert levers.educator_model == {"bron": "street", "saint_fons": "street"}
    assert levers.educators == {"bron": 1, "saint_fons": 1}


def test_a_new_action_registers_itself_from_its_own_file_and_runs(tmp_path):
    """Adding an action edits no module: its file registers it; the catalogue, the scenario
    schema and the model pick it up."""
    scenario = tmp_path / "tiny.toml"
    scenario.write_text(
        '[territory]\nzones = ["saint_fons"]\nscale = 0.1\n[horizon]\nmonths = 3\n'
        "[actions.tiny]\nplaces = 5\n"
    )
    code = (
        "import sys, inclusion_sim as ism\n"
        "from inclusion_sim.experiment import load_plugin\n"
        f"load_plugin({TINY!r})\n"
        "table = ism.levers()\n"
        "assert set(table[table.action == 'tiny'].name) == {'places', 'grant'}\n"
        f"more = ism.run({str(scenario)!r})\n"
        "helped = more[more.indicator == 'tiny_helped'].value.iloc[-1]\n"
        "assert helped > 0, helped\n"
        "print(helped)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[actions.tiny]\nplaces = 2.5\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "inclusion_sim.cli",
            "experiment",
            str(bad),
            "--plugin",
            TINY,
            "--workers",
            "1",
            "--out",
            str(tmp_path / "x"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "actions.tiny.places: got 2.5, expected a whole number" in (
        done.stderr
    )


def test_docs_levers_md_is_generated_from_the_declarations():
    page = (ROOT / "docs" / "levers.md").read_text("utf-8")
    assert page == levers_markdown(), "regenerate: inclusion-sim levers --markdown > docs/levers.md"


def test_household_and_person_views_are_built_only_when_asked_for():
    model = InclusionModel(zones=["saint_fons"], scale=0.1, seed=1)
    assert model._views is None
    assert not any(isinstance(a, Household | Person) for a in model._all_agents)
    model.step()
    households = model.agents_by_type[Household]
    assert len(households) == model.population.households["occupied"].sum()
    assert len(model.agents_by_type[Person]) == model.population.persons["present"].sum()
    first = model.household_agents[0]
    assert first.income == model.population.households["income"][0]
    eager = InclusionModel(zones=["saint_fons"], scale=0.1, seed=1, agent_views=True)
    assert eager._views is not None
    np.testing.assert_array_equal(
        eager.population.households["income"],
        InclusionModel(zones=["saint_fons"], scale=0.1, seed=1).population.households["income"],
    )
