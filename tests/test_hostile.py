"""Hostile inputs, as a new user would try them: bad files, command-line arguments and folders.

Every case must exit with status 2 and print one line naming the file or argument and what was
expected: no traceback, nothing written, no stray file (the folder's whole tree is compared
before and after). Cases run in-process through `inclusion_sim.cli.main`, which is fast; a few
run as real processes to prove the exit status and the absence of a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from inclusion_sim.cli import main
from inclusion_sim.preflight import MEMORY_VARIABLE

SMALL = """name = "{name}"
seed = 3
[territory]
zones = ["Saint-Fons"]
scale = 0.05
[horizon]
months = 2
"""
GOOD = SMALL.format(name="small")


@dataclass
class Case:
    argv: list[str]
    expect: tuple[str, ...]  # fragments of the one line: the file or argument, what was expected
    files: dict[str, str | bytes] = field(default_factory=dict)
    setup: Callable[[Path], None] | None = None


def _scenario(text: str | bytes, *expect: str) -> Case:
    """`run bad.toml` on a bad scenario file: the error names it."""
    return Case(["run", "bad.toml", "--out", "out"], ("bad.toml", *expect), {"bad.toml": text})


def _args(*argv: str, expect: tuple[str, ...], setup=None, files=None) -> Case:
    """A command line; good.toml (a valid small scenario) and `files` are written first."""
    return Case(list(argv), expect, {"good.toml": GOOD, **(files or {})}, setup)


# --- files: encoding, size, depth, kind -------------------------------------------------------

FILES = {
    "latin1": _scenario('name = "caf\xe9"\n'.encode("latin-1"), "0xe9", "not UTF-8", "line 1"),
    "windows_1252_quote": _scenario(b'description = "\x93quoted\x94"\n', "0x93", "not UTF-8"),
    "latin1_on_line_3": _scenario(b"seed = 1\n\n# \xe0 propos\n", "line 3, column 3"),
    "utf8_bom": _scenario(b"\xef\xbb\xbf" + GOOD.encode(), "byte-order mark", "without one"),
    "utf16_le": _scenario(GOOD.encode("utf-16"), "UTF-16", "expected UTF-8"),
    "utf16_be": _scenario(b"\xfe\xff" + GOOD.encode("utf-16-be"), "UTF-16", "expected UTF-8"),
    "utf16_without_bom": _scenario(GOOD.encode("utf-16-le"), "NUL bytes", "expected UTF-8"),
    "utf32": _scenario(GOOD.encode("utf-32"), "UTF-32", "expected UTF-8"),
    "nul_byte": _scenario(b'name = "a"\x00\n', "NUL bytes"),
    "png_bytes": _scenario(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "expected UTF-8"),
    "arrays_10000_deep": _scenario("x = " + "[" * 10_000 + "]" * 10_000 + "\n", "nest too deep"),
    "arrays_100_deep": _scenario("x = " + "[" * 100 + "]" * 100 + "\n", "at most 16 levels"),
    "dotted_keys_50_deep": _scenario(".".join(["a"] * 50) + " = 1\n", "nest too deep"),
    "inline_tables_30_deep": _scenario("x = " + "{a = " * 30 + "1" + "}" * 30, "nest too deep"),
    "two_megabytes": _scenario("# " + "x" * 2_000_000 + "\n", "larger than 1,000,000 bytes"),
    "malformed": _scenario("name = \n", "malformed TOML"),
    "unterminated_string": _scenario('name = "small\n', "malformed TOML"),
    "duplicate_key": _scenario("seed = 1\nseed = 2\n", "malformed TOML", "line 2"),
    "missing_file": Case(["run", "nowhere.toml"], ("nowhere.toml", "file not found")),
    "folder_as_scenario": Case(
        ["run", "somewhere"], ("somewhere", "is a folder; expected a TOML file"), {"somewhere/": ""}
    ),
    "dev_null_as_scenario": Case(["run", "/dev/null"], ("/dev/null", "not a regular file")),
    "fifo_as_scenario": Case(
        ["run", "pipe.toml"],
        ("pipe.toml", "not a regular file"),
        setup=lambda root: os.mkfifo(root / "pipe.toml"),
    ),
    "symlink_to_dev_zero": Case(
        ["run", "zero.toml"],
        ("zero.toml", "not a regular file"),
        setup=lambda root: (root / "zero.toml").symlink_to("/dev/zero"),
    ),
}

# --- names: folder-safe, never outside results/ ----------------------------------------------

NAME = "expected a name of at most 64 letters, digits, '-', '_' or spaces"
NAMES = {
    "name_parent_escape": _scenario('name = "../../x"\n', "name: got '../../x'", NAME),
    "name_absolute": _scenario('name = "/tmp/x"\n', "name: got '/tmp/x'", NAME),
    "name_with_slash": _scenario('name = "a/b"\n', NAME),
    "name_with_backslash": _scenario('name = "a\\\\b"\n', NAME),
    "name_dot_dot": _scenario('name = ".."\n', NAME),
    "name_hidden": _scenario('name = ".hidden"\n', NAME),
    "name_empty": _scenario('name = ""\n', "name: got ''", NAME),
    "name_space_first": _scenario('name = " x"\n', NAME),
    "name_newline": _scenario('name = "a\\nb"\n', "name: got 'a\\nb'", NAME),
    "name_nul": _scenario('name = "a\\u0000b"\n', NAME),
    "name_too_long": _scenario(f'name = "{"x" * 65}"\n', NAME),
    "name_not_a_string": _scenario("name = 5\n", "name: got 5", NAME),
    "file_name_not_a_name": Case(
        ["run", "my scenario (2).toml"],
        ("my scenario (2).toml", "name: missing, and the file's name 'my scenario (2)' is not"),
        {"my scenario (2).toml": "seed = 1\n"},
    ),
}

# --- marginals: finite, in range, consistent --------------------------------------------------


def _marginal(zone: str, key: str, value: str, *expect: str) -> Case:
    return _scenario(f"[marginals.{zone}]\n{key} = {value}\n", f"marginals.{zone}", *expect)


SHARE = "expected a share"
MARGINALS = {
    "poverty_rate_5": _marginal("bron", "poverty_rate", "5.0", "got 5.0", SHARE),
    "poverty_rate_nan": _marginal("bron", "poverty_rate", "nan", "got nan", SHARE),
    "poverty_rate_zero": _marginal("bron", "poverty_rate", "0", "got 0", "strictly between"),
    "poverty_rate_negative": _marginal("saint_fons", "poverty_rate", "-0.1", SHARE),
    "poverty_rate_percent_text": _marginal("bron", "poverty_rate", '"14%"', "got '14%'", SHARE),
    "population_zero": _marginal("bron", "population", "0", "inhabitants > 0"),
    "population_negative": _marginal("bron", "population", "-5", "inhabitants > 0"),
    "population_inf": _marginal("bron", "population", "inf", "got inf", "inhabitants > 0"),
    "population_bool": _marginal("bron", "population", "true", "got True"),
    "median_zero": _marginal("venissieux", "median_income_cu", "0", "euros a year"),
    "median_nan": _marginal("venissieux", "median_income_cu", "nan", "euros a year"),
    "unemployment_one": _marginal("bron", "unemployment_rate", "1.0", "below 1"),
    "social_share_1_5": _marginal("rest", "social_share", "1.5", SHARE),
    "no_diploma_minus_inf": _marginal("bron", "no_diploma_share", "-inf", SHARE),
    "median_below_poverty_line": _scenario(
        '[territory]\nzones = ["Bron"]\n[marginals.bron]\nmedian_income_cu = 5000\n',
        "marginals:",
        "expected a median above the line",
    ),
    "communes_exceed_metropolis": _scenario(
        '[territory]\nzones = ["Bron"]\n[marginals.bron]\npopulation = 1e12\n',
        "marginals:",
        "rest of the Metropolis",
        "expected the communes' marginals to fit",
    ),
    "unknown_zone": _marginal("lyon", "population", "1000", "unknown zone 'lyon'"),
    "unknown_field": _marginal("bron", "povrety_rate", "0.2", "did you mean 'poverty_rate'"),
    "zone_not_a_table": _scenario("[marginals]\nbron = 3\n", "marginals.bron: got 3"),
}

# --- territory, horizon, memory, extends ------------------------------------------------------


def _table(section: str, key: str, value: str, *expect: str) -> Case:
    return _scenario(f"[{section}]\n{key} = {value}\n", f"{section}.{key}", *expect)


SCALE = "expected a number in (0, 1]"
MONTHS = "expected an integer from 1 to 1200"
SETTINGS = {
    "scale_1e-9": _scenario(
        '[territory]\nzones = ["Saint-Fons"]\nscale = 1e-9\n',
        "territory.scale: 1e-09 gives Saint-Fons no household",
        "expected a scale >= 0.00013",
    ),
    "scale_zero": _table("territory", "scale", "0", "got 0", SCALE),
    "scale_nan": _table("territory", "scale", "nan", "got nan", SCALE),
    "scale_inf": _table("territory", "scale", "inf", "got inf", SCALE),
    "scale_negative": _table("territory", "scale", "-0.1", SCALE),
    "scale_bool": _table("territory", "scale", "true", "got True", SCALE),
    "scale_text": _table("territory", "scale", '"0.1"', "got '0.1'", SCALE),
    "months_zero": _table("horizon", "months", "0", "got 0", MONTHS),
    "months_ten_million": _table("horizon", "months", "10000000", MONTHS),
    "months_fraction": _table("horizon", "months", "1.5", MONTHS),
    "months_inf": _table("horizon", "months", "inf", MONTHS),
    "start_month_13": _table("horizon", "start_month", "13", "from 1 to 12"),
    "start_year_huge": _table("horizon", "start_year", "1000000000", "from 1990 to 2100"),
    "seed_negative": _scenario("seed = -1\n", "seed: got -1", "integer >= 0"),
    "seed_fraction": _scenario("seed = 1.5\n", "seed: got 1.5", "integer >= 0"),
    "replications_zero": _scenario("replications = 0\n", "integer >= 1"),
    "zones_empty": _table("territory", "zones", "[]", "non-empty list"),
    "zones_unknown": _table("territory", "zones", '["Lyon"]', "unknown zone 'Lyon'"),
    "zones_twice": _table("territory", "zones", '["bron", "Bron"]', "listed twice"),
    "zones_not_a_list": _table("territory", "zones", '"bron"', "non-empty list"),
    "territory_not_a_table": _scenario("territory = 3\n", "territory: got 3", "a table"),
    "unknown_key": _scenario("sed = 3\n", "sed: unknown key (did you mean 'seed'?)"),
    "memory_population_1e12": _scenario(
        "[marginals.rest]\npopulation = 1e12\n", "memory: the run needs about", "GiB"
    ),
    "extends_missing": _scenario('extends = "nowhere.toml"\n', "extends", "an existing file"),
    "extends_itself": _scenario('extends = "bad.toml"\n', "extends back to it"),
    "extends_folder": _scenario('extends = ".."\n', "extends", "an existing file"),
    "extends_latin1_parent": Case(
        ["run", "child.toml"],
        ("parent.toml", "not UTF-8"),
        {"child.toml": 'extends = "parent.toml"\n', "parent.toml": b"# caf\xe9\n"},
    ),
}

# --- levers and parameters: checked by their declarations (declarations.py, parameters.py) ---


def _lever(action: str, text: str, *expect: str) -> Case:
    return _scenario(f"[actions.{action}]\n{text}\n", f"actions.{action}", *expect)


def _parameter(text: str, *expect: str) -> Case:
    return _scenario(f"[parameters]\n{text}\n", "parameters.", *expect)


VALUES = {
    "job_finding_rate_minus_5": _parameter("job_finding_rate = -5.0", "job_finding_rate", "-5.0"),
    "job_finding_rate_nan": _parameter("job_finding_rate = nan", "job_finding_rate", "nan"),
    "warmup_months_inf": _parameter("warmup_months = inf", "warmup_months", "inf"),
    "warmup_months_ten_million": _parameter("warmup_months = 10000000", "warmup_months", "120"),
    "warmup_months_negative": _parameter("warmup_months = -1", "warmup_months"),
    "warmup_months_fraction": _parameter("warmup_months = 1.5", "warmup_months"),
    "living_floor_text": _parameter('living_floor = "low"', "living_floor", "'low'"),
    "shares_wrong_length": _parameter("household_size_shares = [1.0]", "household_size_shares"),
    "action_parameter_nan": _parameter("energy_poverty.take_up = nan", "energy_poverty.take_up"),
    "fsl_budget_nan": _lever("energy_poverty", "fsl_budget = nan", "fsl_budget", "nan"),
    "fsl_budget_negative": _lever("energy_poverty", "fsl_budget = -1", "fsl_budget"),
    "referral_rate_1_5": _lever("energy_poverty", "referral_rate = 1.5", "referral_rate"),
    "soliha_zones_unknown": _lever("energy_poverty", 'soliha_zones = ["lyon"]', "lyon"),
    "when_exhausted_unknown": _lever("energy_poverty", 'fsl_when_exhausted = "x"', "'queue'"),
    "priority_weight_inf": _lever("social_clauses", "priority_weight = inf", "priority_weight"),
    "clause_rate_nan": _lever("social_clauses", "clause_rate = {roads = nan}", "clause_rate"),
    "family_agreement_2": _lever("dropout", "family_agreement_rate = 2.0", "family_agreement"),
    "educators_unknown_zone": _lever("dropout", "educators = {lyon = 1}", "lyon"),
    "enabled_not_bool": _lever("dropout", 'enabled = "yes"', "enabled", "true or false"),
    "unknown_lever": _lever("dropout", "budjet = 5", "budjet", "did you mean 'budget'"),
}

# --- command-line arguments and folders -------------------------------------------------------

EXPERIMENT = json.dumps({"scenarios": ["small"]})
MANIFEST = "cmp/runs/small-r0000-s0000/manifest.json"

ARGS = {
    "run_seed_negative": _args(
        "run", "good.toml", "--seed", "-1", expect=("--seed: got -1", "integer >= 0")
    ),
    "run_seed_text": _args(
        "run", "good.toml", "--seed", "abc", expect=("argument --seed", "invalid int value")
    ),
    "run_scale_zero": _args("run", "good.toml", "--scale", "0", expect=("--scale: got 0.0", SCALE)),
    "run_scale_nan": _args("run", "good.toml", "--scale", "nan", expect=("--scale: got nan",)),
    "run_scale_two": _args("run", "good.toml", "--scale", "2", expect=("--scale: got 2.0", SCALE)),
    "run_scale_negative": _args("run", "good.toml", "--scale", "-0.5", expect=("--scale",)),
    "run_scale_tiny": _args(
        "run", "good.toml", "--scale", "1e-9", expect=("good.toml", "1e-09", "no household")
    ),
    "run_months_zero": _args(
        "run", "good.toml", "--months", "0", expect=("--months: got 0", "integer >= 1")
    ),
    "run_months_huge": _args("run", "good.toml", "--months", "99999", expect=("--months", MONTHS)),
    "run_months_fraction": _args(
        "run", "good.toml", "--months", "1.5", expect=("argument --months", "invalid int")
    ),
    "run_memory_limit_zero": _args(
        "run", "good.toml", "--memory-limit", "0", expect=("argument --memory-limit", "'0'")
    ),
    "run_memory_limit_nan": _args(
        "run", "good.toml", "--memory-limit", "nan", expect=("argument --memory-limit",)
    ),
    "run_memory_limit_text": _args(
        "run", "good.toml", "--memory-limit", "lots", expect=("argument --memory-limit",)
    ),
    "run_memory_refused": _args(
        "run",
        "good.toml",
        "--memory-limit",
        "0.01",
        expect=("good.toml", "memory", "over the limit of 0.0 GiB", "--memory-limit"),
    ),
    "run_unknown_option": _args(
        "run", "good.toml", "--sed", "3", expect=("unrecognized arguments: --sed",)
    ),
    "run_without_scenario": _args("run", expect=("required: scenario",)),
    "no_command": _args(expect=("required: command",)),
    "unknown_command": _args("simulate", "good.toml", expect=("invalid choice: 'simulate'",)),
    "run_out_dev_null": _args(
        "run", "good.toml", "--out", "/dev/null", expect=("--out /dev/null", "not a folder")
    ),
    "run_out_existing_file": _args(
        "run",
        "good.toml",
        "--out",
        "taken",
        expect=("--out taken", "exists and is not a folder"),
        files={"taken": "x"},
    ),
    "run_out_under_a_file": _args(
        "run",
        "good.toml",
        "--out",
        "taken/sub",
        expect=("--out taken/sub", "cannot write"),
        files={"taken": "x"},
    ),
    "run_out_in_proc": _args(
        "run", "good.toml", "--out", "/proc/inclusion", expect=("--out /proc/inclusion",)
    ),
    "compare_replications_zero": _args(
        "compare", "good.toml", "--replications", "0", expect=("--replications: got 0",)
    ),
    "compare_workers_zero": _args(
        "compare", "good.toml", "--workers", "0", expect=("--workers: got 0", "integer >= 1")
    ),
    "compare_workers_negative": _args(
        "compare", "good.toml", "--workers", "-2", expect=("--workers: got -2",)
    ),
    "compare_seed_negative": _args(
        "compare", "good.toml", "--seed", "-5", expect=("--seed: got -5",)
    ),
    "compare_months_zero": _args("compare", "good.toml", "--months", "0", expect=("--months",)),
    "compare_scale_five": _args(
        "compare", "good.toml", "--scale", "5", expect=("--scale: got 5.0", SCALE)
    ),
    "compare_memory_refused": _args(
        "compare",
        "good.toml",
        "other.toml",
        "--workers",
        "2",
        "--memory-limit",
        "0.01",
        "--out",
        "o",
        expect=("memory", "2 runs at a time"),
        files={"other.toml": SMALL.format(name="other")},
    ),
    "compare_plugin_missing_file": _args(
        "compare", "good.toml", "--plugin", "missing.py", expect=("missing.py: --plugin",)
    ),
    "compare_plugin_missing_module": _args(
        "compare", "good.toml", "--plugin", "no_such_mod_x", expect=("no_such_mod_x: --plugin",)
    ),
    "compare_plugin_syntax_error": _args(
        "compare",
        "good.toml",
        "--plugin",
        "broken_plugin.py",
        expect=("broken_plugin.py: --plugin", "cannot import it"),
        files={"broken_plugin.py": "def (:\n"},
    ),
    "compare_out_file": _args(
        "compare",
        "good.toml",
        "--out",
        "taken",
        expect=("taken", "exists and is not a folder"),
        files={"taken": "x"},
    ),
    "compare_out_dev_null": _args(
        "compare", "good.toml", "--out", "/dev/null", expect=("/dev/null", "not a folder")
    ),
    "compare_same_scenario_twice": _args(
        "compare", "good.toml", "good.toml", expect=("'small' is given twice",)
    ),
    "compare_names_same_folder": _args(
        "compare",
        "a.toml",
        "b.toml",
        expect=("'fsl x2' and 'fsl_x2'", "would share the run folders"),
        files={"a.toml": SMALL.format(name="fsl x2"), "b.toml": SMALL.format(name="fsl_x2")},
    ),
    "compare_names_differ_by_case": _args(
        "compare",
        "a.toml",
        "b.toml",
        expect=("'FSL' and 'fsl'", "differ by more than case"),
        files={"a.toml": SMALL.format(name="FSL"), "b.toml": SMALL.format(name="fsl")},
    ),
    "compare_empty_folder": _args(
        "compare",
        "empty",
        expect=("empty", "no runs/ folder"),
        setup=lambda r: (r / "empty").mkdir(),
    ),
    "compare_folder_of_other_files": _args(
        "compare",
        "docs",
        expect=("docs", "expected a folder written by"),
        files={"docs/notes": "x"},
    ),
    "compare_folder_with_replications": _args(
        "compare",
        "empty",
        "--replications",
        "3",
        expect=("--replications: not used", "empty"),
        setup=lambda r: (r / "empty").mkdir(),
    ),
    "compare_folder_with_out": _args(
        "compare",
        "empty",
        "--out",
        "x",
        expect=("--out: not used",),
        setup=lambda r: (r / "empty").mkdir(),
    ),
    "compare_scenario_and_folder": _args(
        "compare",
        "good.toml",
        "empty",
        expect=("empty", "is a folder; expected a TOML file"),
        setup=lambda r: (r / "empty").mkdir(),
    ),
    "compare_into_foreign_experiment": _args(
        "compare",
        "good.toml",
        "--out",
        "cmp",
        expect=("cmp", "holds the experiment of scenarios ['pilot', 'fsl']", "not ['small']"),
        files={"cmp/experiment.json": json.dumps({"scenarios": ["pilot", "fsl"]})},
    ),
    "compare_into_folder_of_other_files": _args(
        "compare",
        "good.toml",
        "--out",
        "docs",
        expect=("docs", "holds other files and no experiment"),
        files={"docs/notes": "x"},
    ),
    "compare_damaged_experiment_json": _args(
        "compare",
        "good.toml",
        "--out",
        "cmp",
        expect=("experiment.json", "unreadable"),
        files={"cmp/experiment.json": "{not json"},
    ),
    "compare_damaged_manifest": _args(
        "compare",
        "cmp",
        expect=("manifest.json", "unreadable"),
        files={"cmp/experiment.json": EXPERIMENT, MANIFEST: "{"},
    ),
    "compare_manifest_lacking_keys": _args(
        "compare",
        "cmp",
        expect=("manifest.json", "lacks ['replication', 'run_id', 'sample', 'scenario'"),
        files={"cmp/experiment.json": EXPERIMENT, MANIFEST: '{"spec_hash": "x"}'},
    ),
    "experiment_workers_zero": _args(
        "experiment", "good.toml", "--workers", "0", expect=("--workers: got 0",)
    ),
    "experiment_out_dev_null": _args(
        "experiment", "good.toml", "--out", "/dev/null", expect=("/dev/null", "not a folder")
    ),
    "report_empty_folder": _args(
        "report",
        "empty",
        expect=("empty", "no comparison here"),
        setup=lambda r: (r / "empty").mkdir(),
    ),
    "report_missing_folder": _args("report", "nowhere", expect=("nowhere", "no comparison here")),
    "report_empty_levels_csv": _args(
        "report", "cmp", expect=("levels.csv", "unreadable"), files={"cmp/levels.csv": ""}
    ),
    "report_out_existing_file": _args(
        "report",
        "cmp",
        "--out",
        "taken",
        expect=("--out taken", "a folder or an .html file"),
        files={"cmp/levels.csv": "scenario\nx\n", "taken": "x"},
    ),
    "calibrate_missing_config": _args(
        "calibrate", "nowhere.toml", expect=("nowhere.toml", "file not found")
    ),
    "calibrate_latin1_config": _args(
        "calibrate",
        "cal.toml",
        expect=("cal.toml", "not UTF-8"),
        files={"cal.toml": b"seed = 1 # \xe9\n"},
    ),
    "sensitivity_bom_config": _args(
        "sensitivity",
        "cal.toml",
        expect=("cal.toml", "byte-order mark"),
        files={"cal.toml": b"\xef\xbb\xbf"},
    ),
}

CASES = {**FILES, **NAMES, **MARGINALS, **SETTINGS, **VALUES, **ARGS}


def tree(root: Path) -> dict[str, int]:
    """Every file and folder under `root` (hidden ones too), with file sizes."""
    return {
        str(p.relative_to(root)): p.lstat().st_size if p.is_file() else -1 for p in root.rglob("*")
    }


def materialise(case: Case, root: Path) -> None:
    for name, content in case.files.items():
        path = root / name.rstrip("/")
        if name.endswith("/"):
            path.mkdir(parents=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, "utf-8")
    if case.setup:
        case.setup(root)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(MEMORY_VARIABLE, raising=False)
    return tmp_path


def test_there_are_at_least_80_hostile_cases():
    assert len(CASES) >= 80


@pytest.mark.parametrize("case", CASES)
def test_hostile_input_exits_2_with_one_line_and_writes_nothing(workdir, capsys, case):
    case = CASES[case]
    materialise(case, workdir)
    before = tree(workdir)
    status = main(case.argv)
    out, err = capsys.readouterr()
    assert status == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("inclusion-sim: error: ")
    for fragment in case.expect:
        assert fragment in lines[0]
    assert "Traceback" not in err and out == ""
    assert tree(workdir) == before  # nothing written, no stray (hidden) file


@pytest.mark.parametrize(
    "argv, files, fragment",
    [
        (["run", "bad.toml"], {"bad.toml": b"name = '\xe9'\n"}, "not UTF-8"),
        (["run", "bad.toml"], {"bad.toml": "x = " + "[" * 10_000 + "]" * 10_000}, "too deep"),
        (["compare", "good.toml", "--out", "taken"], {"good.toml": GOOD, "taken": "x"}, "taken"),
        (["compare", "empty"], {"empty/": ""}, "no runs/ folder"),
    ],
)
def test_real_process_exit_status_2_and_no_traceback(tmp_path, argv, files, fragment):
    materialise(Case(argv, (), files), tmp_path)
    before = tree(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "inclusion_sim.cli", *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert tree(tmp_path) == before


# --- the rules behind the refusals -------------------------------------------------------------


def test_a_valid_name_never_leaves_the_results_folder():
    import random

    from inclusion_sim.scenario import folder_name, valid_name

    rng = random.Random(5)
    alphabet = "ab Z9_-./\\:~$*?\n\0é한" + os.sep
    results = Path("/srv/results")
    valid = 0
    for _ in range(20_000):
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        if valid_name(name):
            valid += 1
            folder = results / folder_name(name)
            assert folder.parent == results and folder.name not in ("", ".", "..")
            assert os.path.normpath(folder) == str(folder)
        else:
            assert any(c in name for c in "./\\:~$*?\n\0") or not name or not name[0].isalnum()
    assert valid > 500


def test_smallest_scale_named_for_an_empty_zone_gives_it_households():
    from inclusion_sim import InclusionModel
    from inclusion_sim.preflight import check_run
    from inclusion_sim.scenario import ScenarioError, parse_scenario

    scenario = parse_scenario({"territory": {"zones": ["saint_fons"], "scale": 1e-6}}, "s.toml")
    with pytest.raises(ScenarioError) as refused:
        check_run([scenario])
    smallest = float(str(refused.value).rsplit(">= ", 1)[1])
    check_run([parse_scenario({"territory": {"zones": ["saint_fons"], "scale": smallest}})])
    model = InclusionModel(zones=["saint_fons"], scale=smallest, seed=1)
    assert model.population.households["occupied"].sum() >= 1


def test_memory_estimate_bounds_a_measured_run_and_the_limit_is_overridable(monkeypatch):
    from inclusion_sim.preflight import BASE_BYTES, BYTES_PER_AGENT, GIB, check_run, zone_agents
    from inclusion_sim.scenario import ScenarioError, parse_scenario

    data = {"territory": {"zones": ["saint_fons", "venissieux"], "scale": 0.5}}
    scenario = parse_scenario(data, "s.toml")
    agents = sum(h + p for h, p in zone_agents(scenario).values())
    estimate = (BASE_BYTES + BYTES_PER_AGENT * agents) / GIB
    # VmHWM, the peak of this process's own memory (ru_maxrss would carry the forking
    # pytest process's size across exec).
    measure = (
        "import re, inclusion_sim as ism\n"
        "m = ism.InclusionModel(zones=['saint_fons', 'venissieux'], scale=0.5, seed=1)\n"
        "[m.step() for _ in range(24)]\n"
        "status = open('/proc/self/status').read()\n"
        "print(int(re.search(r'VmHWM:\\s+(\\d+) kB', status)[1]) / 2**20)\n"
    )
    peak = float(
        subprocess.run(
            [sys.executable, "-c", measure], capture_output=True, text=True, check=True
        ).stdout
    )
    assert peak <= estimate, (peak, estimate)
    check_run([scenario], estimate * 1.01)
    with pytest.raises(ScenarioError, match=r"memory: the run needs about"):
        check_run([scenario], estimate * 0.99)
    with pytest.raises(ScenarioError, match=r"2 runs at a time"):
        check_run([scenario], estimate * 1.5, parallel=2)
    monkeypatch.setenv(MEMORY_VARIABLE, str(estimate * 0.99))
    with pytest.raises(ScenarioError):
        check_run([scenario])
    monkeypatch.setenv(MEMORY_VARIABLE, "lots")
    with pytest.raises(Exception, match=MEMORY_VARIABLE):
        check_run([scenario])


def test_no_temporary_file_survives_an_error(tmp_path):
    from inclusion_sim.files import OutputError, write_atomically, write_folder_atomically

    target = tmp_path / "table.csv"
    target.write_text("old")

    def half_then_fail(path):
        path.write_text("half")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        write_atomically(target, half_then_fail)
    with pytest.raises(RuntimeError):
        write_folder_atomically(tmp_path / "run", lambda p: half_then_fail(p / "x"))

    def disk_full(path):
        path.write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match="table.csv: cannot write it"):
        write_atomically(target, disk_full)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]


# --- folders that belong to someone else -------------------------------------------------------


def small(name: str):
    from inclusion_sim.scenario import parse_scenario

    return parse_scenario(
        {
            "name": name,
            "territory": {"zones": ["saint_fons"], "scale": 0.05},
            "horizon": {"months": 2},
        },
        f"{name}.toml",
    )


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """A finished comparison of two tiny scenarios, with its tables, figures and report."""
    from inclusion_sim import report
    from inclusion_sim.comparison import compare_folder
    from inclusion_sim.experiment import run_experiment

    folder = tmp_path_factory.mktemp("compared")
    run_experiment([small("ref"), small("alt")], folder, replications=2)
    report.save(compare_folder(folder), folder)
    return folder


def test_foreign_results_folder_is_refused_and_left_intact(compared):
    from inclusion_sim.experiment import run_experiment
    from inclusion_sim.store import StoreError

    before = tree(compared)
    with pytest.raises(StoreError, match=r"holds the experiment of scenarios \['ref', 'alt'\]"):
        run_experiment([small("ref"), small("other")], compared, replications=2)
    assert tree(compared) == before
    run_experiment([small("alt"), small("ref")], compared, replications=2)  # same set: resumes
    assert tree(compared) == before


def test_second_writer_gets_one_line_error_and_a_dead_writer_frees_the_folder(
    compared, workdir, capsys
):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from inclusion_sim.files import writer_lock\n"
            f"with writer_lock({str(compared)!r}):\n"
            "    print('locked', flush=True)\n"
            "    time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        before = tree(compared)
        for argv in (["compare", str(compared)], ["report", str(compared)]):
            assert main(argv) == 2
            err = capsys.readouterr().err.strip()
            assert err.count("\n") == 0
            assert f"{compared}: another inclusion-sim (process {holder.pid}) is writing" in err
        assert tree(compared) == before
    finally:
        holder.kill()  # SIGKILL: no clean-up; the operating system releases the lock
        holder.wait()
    assert main(["report", str(compared)]) == 0
    assert not (compared / ".inclusion-sim.lock").exists()


def test_report_out_accepts_an_existing_folder_and_leaves_no_hidden_file(compared, workdir):
    (workdir / "existing").mkdir()
    assert main(["report", str(compared), "--out", "existing"]) == 0
    assert main(["report", str(compared), "--out", "new/sub"]) == 0
    assert main(["report", str(compared), "--out", "named.html"]) == 0
    written = sorted(str(p.relative_to(workdir)) for p in workdir.rglob("*") if p.is_file())
    assert written == ["existing/report.html", "named.html", "new/sub/report.html"]
    assert not [p for p in compared.rglob(".*")]
