"""The interaction experiment (experiments/actions_interactions.py): its scenarios, its paired
arithmetic on a tiny run, and the table it ships in the README."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from inclusion_sim.actions import REGISTRY
from inclusion_sim.experiment import run_experiment

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location(
        "actions_interactions", ROOT / "experiments" / "actions_interactions.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    script = _script()
    runs, missing = script.scenarios(replications=2, scale=0.02, months=14)
    out = tmp_path_factory.mktemp("interactions")
    run_experiment(runs, out, 2)
    actions = list(runs[-1].actions)
    return script, runs, missing, actions, out


def test_it_runs_no_action_each_action_alone_all_but_one_and_all(tiny):
    _, runs, missing, actions, _ = tiny
    six = {"energy_poverty", "social_clauses", "dropout", "social_work", "community"}
    assert missing == [] and set(actions) == six | {"solidarity_space"}
    assert set(actions) <= set(REGISTRY)
    names = [r.name for r in runs]
    assert names[0] == "no_action" and names[-1] == "all_actions"
    assert {f"only_{a}" for a in actions} | {f"all_but_{a}" for a in actions} <= set(names)
    for run in runs:
        if run.name.startswith("only_"):
            assert set(run.actions) == {run.name.removeprefix("only_")}
        if run.name.startswith("all_but_"):
            assert set(run.actions) == set(actions) - {run.name.removeprefix("all_but_")}
    seeds = {(r.seed, r.scale, r.months) for r in runs}
    assert len(seeds) == 1  # same territory and horizon; replications share their seeds


def test_interaction_is_the_joint_effect_minus_the_sum_of_single_effects(tiny):
    script, runs, _, actions, out = tiny
    names = [r.name for r in runs]
    table, per_action = script.interactions(script.window_values(out, (3, 14), names), actions)
    assert {"fsl_applications", "households_in_arrears", "social_centre_cases"} <= set(
        table["indicator"]
    )
    np.testing.assert_allclose(table["interaction"], table["joint"] - table["sum_of_singles"])
    assert np.all(table["joint_low"] <= table["joint"]) and np.all(
        table["joint"] <= table["joint_high"]
    )
    fsl = per_action[per_action["indicator"] == "fsl_applications"].set_index("action")
    assert fsl.loc["energy_poverty", "alone"] > 0
    others = fsl.drop(index="energy_poverty")
    assert np.all(others["alone"] == 0)  # no FSL without action 4
    np.testing.assert_allclose(
        per_action["difference"], per_action["among_all"] - per_action["alone"]
    )
    page = script.markdown({"test": (table, per_action)}, "note")
    assert "interaction (joint - sum)" in page


def test_the_interaction_table_ships_in_the_readme_and_experiments():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "experiments/actions_interactions.py" in readme
    assert "| outcome | no action | joint effect | sum of single effects | interaction" in readme
    assert (ROOT / "experiments" / "actions_interactions.md").exists()
    assert (ROOT / "experiments" / "actions_interactions_2018.png").exists()
