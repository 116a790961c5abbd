"""Lazy imports (issue 17): the command line's help and `import inclusion_sim` load no heavy
library; the public API is whole."""

import json
import subprocess
import sys

import pytest

import inclusion_sim as ism

HEAVY = ("scipy", "matplotlib", "dask", "solara", "mesa", "pandas", "SALib", "pyarrow")
LOADED = """
import json, sys
{code}
print(json.dumps(sorted({{name.split(".")[0] for name in sys.modules}})))
"""


def loaded(code: str) -> set[str]:
    """Top-level packages a fresh interpreter has imported after running `code`."""
    child = subprocess.run(
        [sys.executable, "-c", LOADED.format(code=code)],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(child.stdout.splitlines()[-1]))


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["calibrate", "--help"]])
def test_the_command_line_help_loads_no_heavy_library(argv):
    code = f"""
from inclusion_sim import cli
try:
    cli.main({argv!r})
except SystemExit:
    pass
"""
    modules = loaded(code)
    assert "inclusion_sim" in modules
    assert not modules & set(HEAVY)
    assert "mesa.visualization" not in modules


def test_a_usage_error_answers_without_loading_the_model():
    code = """
from inclusion_sim import cli
assert cli.main(["run"]) == 2
"""
    assert not loaded(code) & set(HEAVY)


def test_importing_the_package_loads_nothing_heavy_until_a_name_is_used():
    assert not loaded("import inclusion_sim") & set(HEAVY)
    assert {"numpy", "mesa"} <= loaded("import inclusion_sim as ism; ism.InclusionModel")


def test_every_public_name_resolves():
    for name in ism.__all__:
        assert getattr(ism, name) is not None
        assert name in dir(ism)
    assert {"energy_poverty", "social_clauses", "dropout"} <= set(ism.ACTIONS)  # registered
    assert callable(ism.run) and isinstance(ism.__version__, str)
    from inclusion_sim.calibration import Prior, abc_smc

    assert callable(abc_smc) and Prior.__module__ == "inclusion_sim.calibration.priors"
    with pytest.raises(AttributeError):
        ism.no_such_name  # noqa: B018
