"""The what-if dashboard: Mesa's SolaraViz page of a scenario.

    inclusion-sim dashboard scenarios/energy_baseline.toml    # then open http://127.0.0.1:8765

The side bar holds Mesa's controls (reset, play, step) and an input for every lever of the
scenario's enabled actions, generated from the lever declarations: a slider over a number's
exploration range, a menu of a rule's options, a checkbox for on/off, and a JSON text field for a
list or a table. Reset rebuilds the model with the inputs. The first page plots each headline
indicator (core and enabled actions) for the territory with the document's figure as a reference
line, and the headline indicators per zone as bars; "Run to the horizon" runs the remaining
months. The second page runs the shipped scenario and the edited one (the model as last reset)
with the same random numbers and plots their difference. Each plot states the values it draws in
text under it (`.ism-value` elements), which is what the browser test reads.

Needs the optional `dashboard` extra (solara and Mesa's visualisation).
"""

from __future__ import annotations

import html
import json
import math
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import solara
import solara.lab
from matplotlib.figure import Figure
from mesa.visualization import Slider, SolaraViz
from mesa.visualization.utils import force_update, update_counter

from .actions import REGISTRY
from .checks import Flag, ListOf, OneOf, TableOf
from .declarations import Indicator, Lever
from .indicators import CORE_INDICATORS
from .keywords import flat_keywords, lever_keyword
from .model import InclusionModel
from .reporters import zone_column
from .scenario import Scenario, ScenarioError, load_scenario

SCENARIO_VARIABLE = "INCLUSION_SIM_SCENARIO"  # the scenario file `inclusion-sim dashboard` serves
LABEL = "dashboard"


class DashboardModel(InclusionModel):
    """The model as the page's inputs give it: the seed, and list or table levers, arrive as
    text (JSON) and are decoded before the model's usual checks."""

    def __init__(self, scenario=None, rng=None, **keywords: Any):
        text = _text_levers()
        decoded = {
            k: _json(k, v) if k in text and isinstance(v, str) else v for k, v in keywords.items()
        }
        super().__init__(scenario, _seed(rng), **decoded)


def _text_levers() -> set[str]:
    return {
        lever_keyword(action, lever.name)
        for action, cls in REGISTRY.items()
        for lever in cls.declared_levers()
        if isinstance(lever.check, ListOf | TableOf)
    }


def _json(keyword: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise ScenarioError(LABEL, keyword, f"got {text!r}, expected JSON text") from None


def _seed(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    if not text.strip().isdigit():
        raise ScenarioError(LABEL, "rng", f"got {text!r}, expected an integer >= 0")
    return int(text)


def lever_input(lever: Lever, value: Any) -> Slider | dict[str, Any]:
    """The SolaraViz input of one lever, from its declaration, set at `value` (labelled with the
    scenario file's key; units are in docs/levers.md)."""
    label = lever.name
    if isinstance(lever.check, OneOf):
        return {"type": "Select", "value": value, "values": list(lever.options), "label": label}
    if isinstance(lever.check, Flag):
        return {"type": "Checkbox", "value": value, "label": label}
    if isinstance(lever.check, ListOf | TableOf):
        return {"type": "InputText", "value": json.dumps(value), "label": f"{label} (JSON)"}
    low, high = lever.range
    low, high = min(low, value), max(high, value)
    if lever.check.integer:
        return Slider(label, int(value), int(low), int(high), 1)
    return Slider(label, float(value), float(low), float(high), _step(low, high, value))


def _step(low: float, high: float, value: float) -> float:
    """The largest round step (1, 2 or 5 x 10^k) giving at least a hundred positions from `low`
    to `high` with `value` on one of them: a slider moves its value onto its steps, which would
    otherwise change the scenario before anyone touched it."""
    for exponent in range(math.floor(math.log10(max(high - low, 1e-9))) - 2, -10, -1):
        for mantissa in (5, 2, 1):
            step = mantissa * 10.0**exponent
            positions = (value - low) / step
            if (high - low) / step >= 100 and abs(positions - round(positions)) < 1e-6:
                return step
    if value == low:
        return (high - low) / 100
    return (value - low) / max(1, round(100 * (value - low) / (high - low)))


def model_params(scenario: Scenario) -> dict[str, Any]:
    """SolaraViz's `model_params`: the scenario's values as fixed keywords, with an input for the
    seed and for every lever of the enabled actions."""
    params: dict[str, Any] = flat_keywords(scenario) | {"name": scenario.name}
    params["rng"] = {"type": "InputText", "value": str(scenario.seed), "label": "random seed"}
    for action in scenario.actions:
        for lever in REGISTRY[action].declared_levers():
            keyword = lever_keyword(action, lever.name)
            params[keyword] = lever_input(lever, params[keyword])
    return params


def headline_groups(model: InclusionModel) -> dict[str, list[Indicator]]:
    """Headline indicators of the core and of each enabled action."""
    groups = {"core": [i for i in CORE_INDICATORS if i.headline]}
    for action in model.actions:
        groups[action.name] = [i for i in action.outputs if i.headline]
    return groups


def reference_line(model: InclusionModel, indicator: Indicator) -> float | None:
    """The document's figure in the indicator's monthly terms (a flow's yearly figure / 12), or
    None when the figure does not apply (no figure, or not the whole Metropolis)."""
    figure = model.indicator_figures().get(indicator.name)
    if figure is None:
        return None
    return figure / 12 if indicator.kind == "flow" else figure


def _value_tag(key: str, label: str, value: float, text: str) -> Any:
    return solara.HTML(
        "div",
        unsafe_innerHTML=html.escape(text),
        classes=["ism-value"],
        attributes={"data-key": key, "data-label": label, "data-value": repr(float(value))},
        style="font-size: 0.85em",
    )


@solara.component
def IndicatorPlot(model: InclusionModel, indicator: Indicator):
    """One headline indicator of the territory over the months, with the document's figure."""
    update_counter.get()
    series = model.datacollector.model_vars[indicator.name]
    reference = reference_line(model, indicator)
    figure = Figure(figsize=(5, 2.4))
    ax = figure.subplots()
    ax.plot(range(len(series)), series, ".-", color="tab:blue", label=model.zone_names[-1])
    if reference is not None:
        ax.axhline(reference, color="grey", linestyle="--", label="document figure")
    ax.set_title(f"{indicator.name} ({indicator.unit})", fontsize=9)
    ax.set_xlabel("month", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=7, loc="best")
    with solara.Column(gap="0px"):
        solara.FigureMatplotlib(figure, format="png", bbox_inches="tight")
        document = "" if reference is None else f"; document figure {reference:,.4g}"
        _value_tag(
            indicator.name,
            indicator.name,
            series[-1],
            f"month {model.steps}: {series[-1]:,.6g} {indicator.unit}{document}",
        )


@solara.component
def ZoneBars(model: InclusionModel, indicators: list[Indicator]):
    """A headline indicator per zone in the current month."""
    update_counter.get()
    chosen = solara.use_reactive(indicators[0].name)
    unit = next(i.unit for i in indicators if i.name == chosen.value)
    values = [model.datacollector.model_vars[zone_column(chosen.value, z)][-1] for z in model.zones]
    names = model.zone_names[: model.n_zones]
    figure = Figure(figsize=(5, 2.4))
    ax = figure.subplots()
    ax.bar(names, values, color="tab:orange")
    ax.set_title(f"{chosen.value} ({unit}) by zone, month {model.steps}", fontsize=9)
    ax.tick_params(labelsize=7)
    with solara.Column(gap="0px"):
        solara.Select("indicator", value=chosen, values=[i.name for i in indicators])
        solara.FigureMatplotlib(figure, format="png", bbox_inches="tight")
        for zone, name, value in zip(model.zones, names, values, strict=True):
            _value_tag(zone_column(chosen.value, zone), name, value, f"{name}: {value:,.6g}")


@solara.component
def RunControl(model: InclusionModel, shipped: Scenario):
    """Runs the remaining months in the background, then redraws every plot; says which inputs
    of this run differ from the shipped scenario."""
    update_counter.get()

    def run_to_horizon() -> int:
        while model.running:
            model.step()
        force_update()
        return model.steps

    task = solara.lab.use_task(run_to_horizon, dependencies=None)
    with solara.Column():
        solara.Button(
            f"Run to the horizon (month {model.months})",
            on_click=task,
            disabled=task.pending or not model.running,
            color="primary",
        )
        solara.ProgressLinear(task.pending)
        solara.Text(f"{model.settings.name}: month {model.steps} of {model.months}")
        solara.Text(describe_changes(shipped, model.settings))
        solara.Text("Page 1 compares this run with the shipped scenario.")


def compare_runs(shipped: Scenario, edited: Scenario) -> dict[str, list[float]]:
    """Each territory indicator of the edited scenario minus the shipped one's, month by month,
    both run to the edited horizon with the edited run's seed (the same random numbers)."""
    models = []
    for scenario in (shipped, edited):
        model = InclusionModel(scenario, rng=edited.seed, months=edited.months)
        while model.running:
            model.step()
        models.append(model.datacollector)
    before, after = models
    return {
        name: [a - b for a, b in zip(after.model_vars[name], before.model_vars[name], strict=True)]
        for name in after.layout
        if name in before.layout
    }


def describe_changes(shipped: Scenario, edited: Scenario) -> str:
    """The inputs (keywords) whose values differ between the two scenarios, in words."""
    before, after = flat_keywords(shipped) | {"rng": shipped.seed}, flat_keywords(edited)
    after["rng"] = edited.seed
    changed = [
        f"{key}: {before.get(key)!r} -> {after.get(key)!r}"
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    ]
    return "Inputs changed: " + ("; ".join(changed) if changed else "none (the shipped scenario)")


@solara.component
def Compare(model: InclusionModel, shipped: Scenario, indicators: list[Indicator]):
    """The edited scenario (the model as last reset) against the shipped one, paired."""
    update_counter.get()
    edited = model.settings

    def run() -> dict[str, list[float]]:
        return compare_runs(shipped, edited)

    task = solara.lab.use_task(run, dependencies=None)
    with solara.Column():
        solara.Button("Compare with the shipped scenario", on_click=task, color="primary")
        solara.ProgressLinear(task.pending)
        solara.Text(describe_changes(shipped, edited))
        if task.finished and task.value:
            difference = task.value
            figure = Figure(figsize=(6, 1.6 * len(indicators)))
            axes = figure.subplots(len(indicators), 1, squeeze=False)[:, 0]
            for ax, indicator in zip(axes, indicators, strict=True):
                ax.plot(difference[indicator.name], color="tab:green")
                ax.axhline(0, color="grey", linewidth=0.8)
                ax.set_title(f"{indicator.name}: edited - shipped ({indicator.unit})", fontsize=9)
                ax.tick_params(labelsize=7)
            figure.tight_layout()
            solara.FigureMatplotlib(figure, format="png", bbox_inches="tight")
            for indicator in indicators:
                last = difference[indicator.name][-1]
                key = f"difference:{indicator.name}"
                _value_tag(key, indicator.name, last, f"{indicator.name}, last month: {last:+,.6g}")


@solara.component
def Dashboard(scenario: Scenario | str | os.PathLike | None = None):
    """The page of one scenario (a file, a Scenario, or None for the package defaults)."""

    def build():
        shipped = (
            scenario
            if isinstance(scenario, Scenario)
            else load_scenario(scenario)
            if scenario
            else Scenario(name="InclusionModel")
        )
        model = DashboardModel(shipped)
        groups = headline_groups(model)
        headline = [i for indicators in groups.values() for i in indicators]
        components = [(lambda m: RunControl(m, shipped), 0)]
        components += [(lambda m, i=i: IndicatorPlot(m, i), 0) for i in headline]
        components.append((lambda m: ZoneBars(m, headline), 0))
        components.append((lambda m: Compare(m, shipped, headline), 1))
        return shipped, model, components

    shipped, model, components = solara.use_memo(build, [])
    SolaraViz(
        model,
        components=components,
        model_params=model_params(shipped),
        name=f"inclusion_sim: {shipped.name}",
    )


@solara.component
def Page():
    """The app `solara run inclusion_sim.dashboard` serves: the scenario file named by the
    INCLUSION_SIM_SCENARIO environment variable (the package defaults when it is unset)."""
    path = os.environ.get(SCENARIO_VARIABLE)
    Dashboard(Path(path) if path else None)


def serve(scenario: Path | None, host: str, port: int) -> NoReturn:
    """Replace this process by Solara's server of the page (production mode, no telemetry, no
    version check, no browser opened)."""
    env = {k: v for k, v in os.environ.items() if k != SCENARIO_VARIABLE}
    if scenario is not None:
        env[SCENARIO_VARIABLE] = str(Path(scenario).resolve())
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    command = ["solara", "run", __name__, "--host", host, "--port", str(port), "--production"]
    command += ["--no-open", "--no-check-version", "--log-level", "warning"]
    os.execve(sys.executable, [sys.executable, "-m", *command], env)
