"""EMA Workbench adapter: a scenario as an `ema_workbench.Model` whose uncertainties, levers and
outcomes come from the declarations, so exploratory modelling (perform_experiments) and scenario
discovery (PRIM) need no glue.

- Uncertainties: the scenario's scalar parameters that carry a prior `range` (the core's and the
  enabled actions'), named by their keyword (`energy_poverty__take_up`). A list-valued parameter
  has no single value to sample; `factors` explores one by a factor on all its elements
  (`{"dpe_intensity": (1.0, 1.5)}` adds the uncertainty `dpe_intensity__factor`).
- Levers: the enabled actions' levers, by keyword (`energy_poverty__fsl_budget`): a number over
  its declared range, a rule over its options (CategoricalParameter), on/off as a
  BooleanParameter. List and table levers keep the scenario's values.
- Outcomes: one `ScalarOutcome` per indicator, the territory's value over the last simulated year
  summarised by the indicator's kind (a flow's sum, a stock's mean...), MINIMIZE or MAXIMIZE when
  the indicator declares the direction of its outcome (`outcome="decrease"`/`"increase"`).

    import ema_workbench
    from inclusion_sim.ema import ema_model
    model = ema_model("scenarios/energy_baseline.toml", levers=["energy_poverty__fsl_budget"])
    experiments, outcomes = ema_workbench.perform_experiments(model, scenarios=50, policies=4)

Needs the optional `ema` extra (ema_workbench).
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable, Mapping
from functools import partial

import numpy as np

with warnings.catch_warnings():  # ema_workbench warns on import about an evaluator not used here
    warnings.filterwarnings("ignore", message="ipyparallel not installed")
    import ema_workbench  # noqa: F401
from ema_workbench import (
    BooleanParameter,
    CategoricalParameter,
    Constant,
    IntegerParameter,
    Model,
    RealParameter,
    ScalarOutcome,
)

from .actions import REGISTRY
from .checks import Flag, ListOf, OneOf, TableOf
from .declarations import Indicator, Lever
from .errors import InclusionSimError
from .indicators import CORE_INDICATORS, year_values
from .keywords import identifier, lever_keyword
from .model import InclusionModel
from .parameters import Parameters, load_parameter_table, suggest
from .scenario import Scenario, load_scenario

FACTOR = "__factor"
KIND = {
    "decrease": ScalarOutcome.MINIMIZE,
    "increase": ScalarOutcome.MAXIMIZE,
    None: ScalarOutcome.INFO,
}


def ema_model(
    scenario: Scenario | str | os.PathLike,
    *,
    uncertainties: Iterable[str] | None = None,
    levers: Iterable[str] | None = None,
    outcomes: Iterable[str] | None = None,
    factors: Mapping[str, tuple[float, float]] | None = None,
    seed: int | None = None,
) -> Model:
    """The EMA Workbench model of a scenario (a file or a Scenario). `uncertainties`, `levers`
    and `outcomes` choose by keyword or indicator name among the declared ones (default: all);
    `seed` (default: the scenario's) is a constant, so every experiment uses the same random
    numbers and differences between them are the inputs' doing."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    factors = dict(factors or {})
    model = Model(_name(scenario.name), function=partial(run, scenario, tuple(factors)))
    model.uncertainties = [
        *_chosen("uncertainty", parameter_uncertainties(scenario), uncertainties),
        *_factor_uncertainties(scenario, factors),
    ]
    model.levers = _chosen("lever", lever_parameters(scenario), levers)
    model.outcomes = _chosen("outcome", indicator_outcomes(scenario), outcomes)
    model.constants = [Constant("rng", scenario.seed if seed is None else seed)]
    return model


def parameter_uncertainties(scenario: Scenario) -> dict[str, RealParameter | IntegerParameter]:
    """Keyword -> uncertainty of each scalar parameter with a prior used by the scenario."""
    values = Parameters(scenario.parameters)
    used = {"core", *scenario.actions}
    out = {}
    for name, parameter in load_parameter_table().items():
        action = name.split(".")[0] if "." in name else "core"
        if parameter.range is None or action not in used or isinstance(parameter.value, list):
            continue
        keyword, (low, high) = identifier(name), parameter.range
        if isinstance(parameter.value, int):
            out[keyword] = IntegerParameter(keyword, int(low), int(high), default=values[name])
        else:
            out[keyword] = RealParameter(keyword, low, high, default=values[name])
    return out


def lever_parameters(scenario: Scenario) -> dict[str, RealParameter | IntegerParameter]:
    """Keyword -> EMA lever of each lever of the enabled actions that has a range or options."""
    out = {}
    for action, values in scenario.actions.items():
        for lever in REGISTRY[action].declared_levers():
            keyword = lever_keyword(action, lever.name)
            parameter = _lever_parameter(keyword, lever, values.get(lever.name, lever.value))
            if parameter is not None:
                out[keyword] = parameter
    return out


def _lever_parameter(keyword: str, lever: Lever, value):
    if isinstance(lever.check, ListOf | TableOf):
        return None
    if isinstance(lever.check, Flag):
        return BooleanParameter(keyword, default=value)
    if isinstance(lever.check, OneOf):
        return CategoricalParameter(keyword, list(lever.options), default=value)
    low, high = lever.range
    if lever.check.integer:
        return IntegerParameter(keyword, int(low), int(high), default=value)
    return RealParameter(keyword, float(low), float(high), default=value)


def indicator_outcomes(scenario: Scenario) -> dict[str, ScalarOutcome]:
    """Indicator name -> outcome, for every indicator of the scenario's model."""
    return {
        i.name: ScalarOutcome(i.name, kind=KIND[i.outcome]) for i in _indicators(scenario).values()
    }


def run(scenario: Scenario, factors: tuple[str, ...], rng: int, **inputs) -> dict[str, float]:
    """One experiment: the scenario with `inputs` (keywords, numpy values made plain) run to its
    horizon; the territory's yearly summary of every indicator over the last simulated year."""
    keywords = {key: _plain(value) for key, value in inputs.items()}
    base = Parameters(scenario.parameters)
    for name in factors:
        factor = keywords.pop(identifier(name) + FACTOR)
        keywords[identifier(name)] = [float(v) * factor for v in base[name]]
    model = InclusionModel(scenario, rng=int(rng), **keywords)
    while model.running:
        model.step()
    return last_year(model)


def last_year(model: InclusionModel) -> dict[str, float]:
    """Each indicator's value for the territory over the last simulated year (or all the
    months when there are fewer than 12), summarised by its kind."""
    results = model.results()
    territory = results[results["zone"] == model.zone_names[-1]]
    window = (max(1, model.steps - 11), model.steps)
    table = year_values(territory, model.declared_indicators(), window, model.start_month)
    return dict(zip(table["indicator"], table["value"].astype(float), strict=True))


def _indicators(scenario: Scenario) -> dict[str, Indicator]:
    declared = [*CORE_INDICATORS, *(i for a in scenario.actions for i in REGISTRY[a].outputs)]
    return {i.name: i for i in declared}


def _factor_uncertainties(scenario: Scenario, factors: Mapping[str, tuple[float, float]]):
    values = Parameters(scenario.parameters)
    out = []
    for name, (low, high) in factors.items():
        if name not in values or not isinstance(values[name], list):
            raise InclusionSimError(
                f"factors: '{name}' is not a list-valued parameter{suggest(name, values)}"
            )
        out.append(RealParameter(identifier(name) + FACTOR, low, high, default=1.0))
    return out


def _chosen(what: str, declared: dict, names: Iterable[str] | None) -> list:
    if names is None:
        return list(declared.values())
    chosen = []
    for name in names:
        if name not in declared:
            raise InclusionSimError(
                f"{what} '{name}': not among the scenario's{suggest(name, declared)}; expected "
                f"one of {sorted(declared)}"
            )
        chosen.append(declared[name])
    return chosen


def _name(name: str) -> str:
    """EMA Workbench wants a model name that is a Python identifier."""
    safe = re.sub(r"\W", "_", name)
    return safe if safe.isidentifier() else f"scenario_{safe}"


def _plain(value):
    """numpy scalars as Python ones (scenario values are checked as TOML's types)."""
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value
