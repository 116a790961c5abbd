"""The what-if dashboard: its inputs come from the lever declarations, and in a real browser
(headless Chromium driven by Playwright) moving a slider, resetting and running changes the
plotted numbers, and the comparison plots the paired difference.

The browser test needs Debian's chromium at /usr/bin/chromium (or INCLUSION_SIM_CHROMIUM); .ci/run
installs it. It fails when the browser is missing, unless INCLUSION_SIM_NO_BROWSER=1 says this
machine has none (never honoured under CI)."""

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from mesa.visualization import Slider
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from inclusion_sim import ACTIONS, InclusionModel, ScenarioError, load_scenario
from inclusion_sim.dashboard import (
    DashboardModel,
    describe_changes,
    model_params,
    reference_line,
)

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("INCLUSION_SIM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TINY = """
name = "tiny_energy"
seed = 3
[territory]
zones = ["saint_fons", "venissieux"]
scale = 0.25
[horizon]
months = 6
[actions.energy_poverty]
fsl_budget = 800000.0
"""


@pytest.fixture
def tiny(tmp_path) -> Path:
    path = tmp_path / "tiny_energy.toml"
    path.write_text(TINY)
    return path


def test_every_lever_of_an_enabled_action_gets_an_input_from_its_declaration(tiny):
    scenario = load_scenario(tiny)
    params = model_params(scenario)
    for lever in ACTIONS["energy_poverty"].declared_levers():
        spec = params[f"energy_poverty__{lever.name}"]
        if lever.range is not None:
            assert isinstance(spec, Slider)
            assert spec.min <= lever.range[0] and spec.max >= lever.range[1]
        elif lever.options:
            assert spec["type"] == "Select" and spec["values"] == list(lever.options)
        else:
            assert spec["type"] in ("Checkbox", "InputText")
    assert params["energy_poverty__fsl_budget"].value == 800000.0
    assert params["zones"] == ["saint_fons", "venissieux"] and params["months"] == 6
    assert not any(key.startswith("dropout__") for key in params)  # not enabled


def test_the_dashboard_model_decodes_text_inputs_and_checks_them(tiny):
    model = DashboardModel(tiny, rng="7", energy_poverty__soliha_zones='["saint_fons"]')
    assert model.seed == 7
    assert model.settings.actions["energy_poverty"]["soliha_zones"] == ("saint_fons",)
    with pytest.raises(ScenarioError, match="energy_poverty__soliha_zones: got '\\[saint'"):
        DashboardModel(tiny, energy_poverty__soliha_zones="[saint")
    with pytest.raises(ScenarioError, match="energy_poverty__soliha_zones.*lyon"):
        DashboardModel(tiny, energy_poverty__soliha_zones='["lyon"]')
    changed = describe_changes(load_scenario(tiny), model.settings)
    assert "energy_poverty__soliha_zones" in changed and "rng: 3 -> 7" in changed


def test_the_reference_line_is_the_documents_figure_in_monthly_terms():
    whole = InclusionModel(scale=0.02, rng=1, actions={"energy_poverty": {}}, months=1)
    grants = ACTIONS["energy_poverty"].indicator("fsl_grants")  # a flow: a yearly figure / 12
    assert reference_line(whole, grants) == pytest.approx(
        whole.indicator_figures()[grants.name] / 12
    )
    pilot = InclusionModel(zones="saint_fons", scale=0.05, rng=1, energy_poverty__fsl_budget=1.0)
    assert reference_line(pilot, grants) is None  # the figure describes the whole Metropolis


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.toml")), ids=lambda p: p.stem)
def test_a_sliders_starting_value_is_on_its_steps(path):
    """A slider moves its value onto its steps: the shipped value must be one of them, or the
    page would change the scenario before anyone touched it."""
    for keyword, spec in model_params(load_scenario(path)).items():
        if isinstance(spec, Slider):
            positions = (spec.value - spec.min) / spec.step
            assert positions == pytest.approx(round(positions), abs=1e-6), keyword
            assert spec.min <= spec.value <= spec.max


def _chromium() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if os.environ.get("INCLUSION_SIM_NO_BROWSER") == "1" and not os.environ.get("CI"):
        pytest.skip("INCLUSION_SIM_NO_BROWSER=1: this machine has no browser")
    pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)")


@pytest.fixture
def dashboard(tiny):
    """`inclusion-sim dashboard` on the tiny scenario, on a free port; its address."""
    server = subprocess.Popen(
        [sys.executable, "-m", "inclusion_sim.cli", "dashboard", str(tiny), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )
    try:
        url = None
        for line in server.stdout:  # Solara prints the address it listens on
            found = re.search(r"starting at (http://\S+)", line)
            if found:
                url = found.group(1)
                break
        assert url, "the dashboard server did not start"
        _wait_for(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 90) -> None:
    """Until the server answers (it announces its address before it listens)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "the dashboard server stopped"
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"the dashboard server did not answer at {url}")


def _values(page) -> dict[str, float]:
    """The numbers the plots draw, as the page states them under each plot."""
    tags = page.locator(".ism-value")
    return {
        tags.nth(i).get_attribute("data-key"): float(tags.nth(i).get_attribute("data-value"))
        for i in range(tags.count())
    }


def _click_until(page, button, text: str, attempts: int = 4) -> None:
    """Click until `text` shows: a click in the first moments after the page appears can be lost
    while the widgets are still being wired up."""
    for attempt in range(attempts):
        button.click()
        try:
            page.get_by_text(text).wait_for(timeout=15_000)
            return
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise


def _run_to_the_horizon(page) -> None:
    button = page.get_by_role("button", name=re.compile("Run to the horizon"))
    _click_until(page, button, "month 6 of 6")


def test_in_a_browser_a_slider_changes_the_plotted_numbers(dashboard, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(dashboard, timeout=60_000)
            page.locator(".ism-value").first.wait_for(timeout=60_000)
            assert _values(page)["fsl_grants"] == 0  # month 0: nothing granted yet

            _run_to_the_horizon(page)
            shipped = _values(page)
            assert shipped["fsl_grants"] > 0
            # Reset rebuilds the model from the inputs: untouched, they are the shipped scenario.
            _click_until(page, page.get_by_role("button", name="Reset"), "month 0 of 6")
            page.get_by_text("Inputs changed: none (the shipped scenario)").wait_for()
            _run_to_the_horizon(page)
            assert _values(page) == shipped

            slider = page.locator(".v-input", has_text="fsl_budget").locator("[role=slider]")
            slider.focus()
            slider.press("Home")  # the lower end of the lever's range: no FSL budget
            assert slider.get_attribute("aria-valuenow") == "0"
            reset = page.get_by_role("button", name="Reset")
            _click_until(page, reset, "energy_poverty__fsl_budget: 800000.0 -> 0")
            page.get_by_text("month 0 of 6").wait_for()
            _run_to_the_horizon(page)
            edited = _values(page)
            assert edited["fsl_grants"] == 0 < shipped["fsl_grants"]
            assert edited["poverty_rate"] == shipped["poverty_rate"]  # same random numbers
            page.screenshot(path=tmp_path / "dashboard.png", full_page=True)

            page.get_by_role("tab", name="Page 1").click()
            page.get_by_role("button", name="Compare with the shipped scenario").click()
            difference = page.locator('.ism-value[data-key="difference:fsl_grants"]')
            difference.wait_for(timeout=60_000)
            assert float(difference.get_attribute("data-value")) < 0
            same = page.locator('.ism-value[data-key="difference:poverty_rate"]')
            assert float(same.get_attribute("data-value")) == 0
        except Exception:
            page.screenshot(path=tmp_path / "failure.png", full_page=True)
            raise
        finally:
            browser.close()


def test_a_bad_scenario_or_port_stops_before_the_server_starts(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[territory]\nscale = 2.0\n")
    for args, expected in (
        ([str(bad)], "territory.scale: got 2.0"),
        ([str(tmp_path / "missing.toml")], "file not found"),
        (["--port", "70000"], "--port: got 70000"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "inclusion_sim.cli", "dashboard", *args],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2, done.stderr
        assert expected in done.stderr and len(done.stderr.strip().splitlines()) == 1
