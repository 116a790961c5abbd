"""The compare and report commands: printed table, CSV and figures, one self-contained HTML."""

import re
import subprocess
import sys
from pathlib import Path

import helpers_actions
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]

SCENARIO = """
name = "{name}"
seed = 8
replications = 3
[territory]
zones = ["saint_fons", "venissieux"]
scale = 0.05
[horizon]
months = 8
[actions.test_helper]
budget = {budget}
"""


def cli(*args):
    command = [sys.executable, "-m", "inclusion_sim.cli", *map(str, args)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


def test_compare_then_report_writes_one_self_contained_html(tmp_path):
    files = []
    for name, budget in (("few_visits", 500.0), ("more_visits", 2000.0)):
        files.append(tmp_path / f"{name}.toml")
        files[-1].write_text(SCENARIO.format(name=name, budget=budget))
    out = tmp_path / "cmp"
    plugin = ["--plugin", helpers_actions.PATH]
    result = cli("compare", *files, "--workers", "1", "--out", out, *plugin)
    assert result.returncode == 0, result.stderr
    assert "Territory" in result.stdout and "test_helped" in result.stdout
    assert "cost_per_outcome" in result.stdout and "110.00" in result.stdout
    for name in ("levels", "differences", "costs", "spending", "series"):
        assert len(pd.read_csv(out / f"{name}.csv")) > 0, name
    for name in ("series_core", "costs"):
        assert (out / f"{name}.png").read_bytes().startswith(b"\x89PNG")

    again = cli("compare", out, *plugin)  # over the folder: nothing is re-run
    assert again.returncode == 0, again.stderr
    assert len(list(out.glob("runs/*"))) == 6

    result = cli("report", out)
    assert result.returncode == 0, result.stderr
    page = (out / "report.html").read_text()
    assert page.count('src="data:image/png;base64,') == 2
    assert not re.search(r'(src|href)="(?!data:)', page)  # nothing outside the file
    assert "few_visits" in page and "more_visits" in page and "test_in_need" in page
    assert "budget = 2000.0" in page  # the scenario files, for provenance


def test_report_without_comparison_is_a_one_line_error(tmp_path):
    result = cli("report", tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "run `inclusion-sim compare`" in result.stderr
    assert not (tmp_path / "report.html").exists()
