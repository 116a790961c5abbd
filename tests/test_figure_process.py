"""The figure process (drawing.py, issue 17): a fresh command line draws its figures in a child,
the same figures as drawn in the process; a child's error is raised in the parent; library
calls draw in their own process."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from inclusion_sim.drawing import Drawing
from inclusion_sim.plots import plot_indicators

SCENARIO = """name = "tiny"
seed = 4
[territory]
zones = ["Saint-Fons"]
scale = 0.05
[horizon]
months = 6
"""
COMMAND = """
import sys
from inclusion_sim import cli, drawing
pools = []
init = drawing.Drawing.__init__
def spy(self, pool=None):
    pools.append(pool is not None)
    init(self, pool)
drawing.Drawing.__init__ = spy
if sys.argv[1] == "inline":
    drawing.Drawing.forked = classmethod(lambda cls: cls())
status = cli.main(["run", sys.argv[2], "--out", sys.argv[3]])
print("POOLS", pools)
sys.exit(status)
"""


def run_cli(mode: str, scenario: Path, out: Path) -> str:
    child = subprocess.run(
        [sys.executable, "-c", COMMAND, mode, str(scenario), str(out)],
        capture_output=True,
        text=True,
    )
    assert child.returncode == 0, child.stderr
    return child.stdout.rsplit("POOLS ", 1)[1].strip()


def test_a_fresh_command_line_draws_in_a_child_the_figures_it_would_draw_itself(tmp_path):
    scenario = tmp_path / "tiny.toml"
    scenario.write_text(SCENARIO)
    assert run_cli("forked", scenario, tmp_path / "forked") == "[True]"
    assert run_cli("inline", scenario, tmp_path / "inline") == "[False]"
    drawn = sorted(p.name for p in (tmp_path / "forked").glob("*.png"))
    assert drawn == ["indicators_core.png"]
    for name in drawn:
        assert (tmp_path / "forked" / name).read_bytes() == (
            tmp_path / "inline" / name
        ).read_bytes()
    assert not list((tmp_path / "forked").glob("*.tmp*"))


def test_an_error_in_the_child_is_raised_by_wait(tmp_path):
    code = f"""
import pandas as pd
from inclusion_sim.drawing import Drawing
from inclusion_sim.plots import plot_indicators
with Drawing.forked() as figures:
    assert figures._pool is not None
    frame = pd.DataFrame({{"month": [0], "zone": ["a"], "indicator": ["x"], "value": [1.0]}})
    figures.write(plot_indicators, {str(tmp_path / "x.png")!r}, frame, [])
    try:
        figures.wait()
    except ValueError as exc:
        print("RAISED", exc)
"""
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert child.returncode == 0, child.stderr
    assert "RAISED a figure holds 1 to 12 panels, got 0" in child.stdout
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_library_calls_draw_in_their_own_process(tmp_path):
    import inclusion_sim.model  # noqa: F401  (a process that has imported the model)

    with Drawing.forked() as figures:
        assert figures._pool is None
        with pytest.raises(ValueError, match="got 0"):
            frame = pd.DataFrame({"month": [0], "zone": ["a"], "indicator": ["x"], "value": [1.0]})
            figures.write(plot_indicators, tmp_path / "x.png", frame, [])
