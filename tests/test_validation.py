"""Held-out validation: the shipped validation table and the figure labels (input / fitted /
held out), and the `validate` command on a tiny file.

A held-out figure is never a calibration target; the shipped table (calibration/validation.csv,
made by `inclusion-sim validate calibration/validation.toml`) reports every one with its source,
and the figures inside their 90% predictive interval. The README's figure table is the labels
file, row for row.
"""

import argparse
import re
from pathlib import Path

import pandas as pd
import pytest
from readme_tables import TABLES

from inclusion_sim import load_figures
from inclusion_sim.calibration.arguments import add_commands
from inclusion_sim.calibration.config import ConfigError
from inclusion_sim.calibration.targets import load_targets
from inclusion_sim.calibration.validation import (
    TABLE_COLUMNS,
    load_heldout,
    load_validation,
    validate,
)

ROOT = Path(__file__).parents[1]
CALIBRATION = ROOT / "calibration"
LABELS = ("input", "fitted", "held_out", "not_reproduced")


@pytest.fixture(scope="module")
def shipped():
    return pd.read_csv(CALIBRATION / "validation.csv")


@pytest.fixture(scope="module")
def labels():
    return pd.read_csv(CALIBRATION / "figure_labels.csv", keep_default_na=False)


def target_ids():
    return {t.figure_id for t in load_targets(CALIBRATION / "targets.csv")}


def test_shipped_validation_table_has_its_schema_and_sources(shipped):
    assert list(shipped.columns) == TABLE_COLUMNS
    assert len(shipped) >= 6
    assert shipped["source"].str.strip().str.len().gt(10).all()
    assert (shipped["predictive_p5"] <= shipped["predictive_p95"]).all()
    inside = (shipped["predictive_p5"] <= shipped["figure"]) & (
        shipped["figure"] <= shipped["predictive_p95"]
    )
    assert (inside == shipped["inside"]).all()


def test_no_held_out_figure_is_a_calibration_target(shipped):
    assert not set(shipped["figure_id"]) & target_ids()
    validation = load_validation(CALIBRATION / "validation.toml")  # checks it too
    assert list(shipped["figure_id"]) == [h.target.figure_id for h in validation.heldout]
    for h in validation.heldout:  # the shipped table is of today's definitions
        row = shipped.set_index("figure_id").loc[h.target.figure_id]
        assert row["figure"] == pytest.approx(h.target.value)
        assert (row["indicator"], row["zone"]) == (h.target.indicator, h.target.zone)


def test_at_least_four_held_out_figures_are_inside_their_interval(shipped):
    assert shipped["inside"].sum() >= 4


def test_every_figure_is_labelled_input_fitted_or_held_out(labels):
    numeric = set(load_figures().dropna(subset=["value"])["id"])
    assert labels["figure_id"].is_unique
    assert numeric <= set(labels["figure_id"])
    assert set(labels["label"]) <= set(LABELS)
    targets = target_ids()
    heldout = {h.target.figure_id for h in load_validation(CALIBRATION / "validation.toml").heldout}
    for row in labels.itertuples():
        if row.label == "fitted":
            assert row.row in targets, row.figure_id
        if row.label == "held_out":
            assert row.row in heldout, row.figure_id
        if row.row in targets:
            assert row.label in ("fitted", "input"), row.figure_id
    # every target and every held-out figure has its label
    assert targets <= set(labels["row"]) and heldout <= set(labels["row"])


def test_readme_figure_table_is_the_labels_file(labels):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([\w.]+)` \| ([a-z ]+) \|", readme, flags=re.MULTILINE)
    assert {figure_id: label for figure_id, label in rows} == dict(
        zip(labels["figure_id"], labels["label"].str.replace("_", " "), strict=True)
    )


@pytest.mark.parametrize("name", sorted(TABLES))
def test_readme_calibration_tables_are_the_shipped_files(name):
    """Every number of the README's calibration tables comes from the shipped files."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert TABLES[name]() in readme, f"README: rerun `python tests/readme_tables.py` ({name})"


def test_readme_never_calls_a_fitted_figure_validated():
    readme = (ROOT / "README.md").read_text(encoding="utf-8").lower()
    assert "validated" not in readme.replace("never validated", "")
    assert "checked by its tests" not in readme


# --- the machinery, on a tiny file --------------------------------------------------------------
def test_validate_reports_each_held_out_figure_with_its_interval(tmp_path):
    (tmp_path / "heldout.csv").write_text(
        "figure_id,run,indicator,zone,statistic,value,source,note\n"
        "venissieux.social_housing_share_qpv,small,qpv_social_housing_share,venissieux,initial,,"
        "document 1.1.2,\n"
        "outside.far_away,small,poverty_rate,venissieux,mean_last_2,99,a made-up figure,\n",
        encoding="utf-8",
    )
    (tmp_path / "validation.toml").write_text(
        f'heldout = "heldout.csv"\ntargets = "{CALIBRATION / "targets.csv"}"\n'
        f'priors = "{CALIBRATION / "priors.toml"}"\n'
        "draws = 4\n"
        '[runs.small]\nzones = ["venissieux"]\nscale = 0.05\nmonths = 2\n',
        encoding="utf-8",
    )
    validation = load_validation(tmp_path / "validation.toml")
    draws = [{"qpv_social_weight": w} for w in (2.0, 3.0, 6.0, 8.0)]
    table = validate(validation, draws, progress=False).set_index("figure_id")
    assert list(table.columns) == TABLE_COLUMNS[1:]
    qpv = table.loc["venissieux.social_housing_share_qpv"]
    assert qpv["figure"] == 77 and qpv["predictive_p5"] < qpv["predictive_p95"]
    assert not table.loc["outside.far_away", "inside"]  # a miss is reported, not hidden


def test_a_target_cannot_be_held_out(tmp_path):
    (tmp_path / "heldout.csv").write_text(
        "figure_id,run,indicator,zone,statistic,value,source,note\n"
        "metro.poverty_rate,small,poverty_rate,metro,mean_last_2,,document,\n",
        encoding="utf-8",
    )
    (tmp_path / "validation.toml").write_text(
        f'heldout = "heldout.csv"\ntargets = "{CALIBRATION / "targets.csv"}"\n'
        f'priors = "{CALIBRATION / "priors.toml"}"\n'
        ""
        '[runs.small]\nzones = ["venissieux"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"held-out figures \['metro.poverty_rate'\] are calib"):
        load_validation(tmp_path / "validation.toml")


def test_held_out_rows_need_a_known_run_and_a_source(tmp_path):
    path = tmp_path / "heldout.csv"
    path.write_text(
        "figure_id,run,indicator,zone,statistic,value,source,note\n"
        "x.y,other,poverty_rate,venissieux,initial,3,,\n",
        encoding="utf-8",
    )
    with pytest.raises(Exception, match="run 'other'"):
        load_heldout(path, {"small": None})


def test_validate_command_writes_the_table(tmp_path, monkeypatch):
    import inclusion_sim.calibration.validation as module

    (tmp_path / "heldout.csv").write_text(
        "figure_id,run,indicator,zone,statistic,value,source,note\n"
        "venissieux.social_housing_share_qpv,small,qpv_social_housing_share,venissieux,initial,,"
        "document 1.1.2,\n",
        encoding="utf-8",
    )
    (tmp_path / "validation.toml").write_text(
        f'heldout = "heldout.csv"\ntargets = "{CALIBRATION / "targets.csv"}"\n'
        f'priors = "{CALIBRATION / "priors.toml"}"\n'
        "draws = 2\n"
        '[runs.small]\nzones = ["venissieux"]\nscale = 0.05\nmonths = 1\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(module, "posterior_draws", lambda n, seed: [{}] * n)
    parser = argparse.ArgumentParser()
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["validate", str(tmp_path / "validation.toml")])
    assert args.handler(args) == 0
    assert len(pd.read_csv(tmp_path / "validation.csv")) == 1
    assert (tmp_path / "validation.md").is_file()
