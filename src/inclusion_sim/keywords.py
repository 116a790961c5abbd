"""Every scenario value as one flat, identifier-safe keyword of `InclusionModel`, so that the
clients that set a model's inputs by name (mesa.batch_run, Mesa's SolaraViz, EMA Workbench) reach
levers and parameters without nested tables.

Names follow scikit-learn's `set_params` convention: a lever is `<action>__<lever>`
(`energy_poverty__fsl_budget`), a core parameter keeps its name (`job_finding_rate`), an action's
parameter has its dot replaced (`energy_poverty.take_up` -> `energy_poverty__take_up`); the
territory and horizon keys keep theirs (`zones`, `scale`, `start_year`, `start_month`, `months`)
and the tables `parameters`, `marginals` and `actions` are merged key by key, as `extends` merges
a file. Keyword values are placed where a scenario file would hold them and the whole is checked
by `scenario.parse_scenario`, so a keyword is validated exactly like the file's key, with the same
one-line error naming the keyword.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
from mesa.experimental.scenarios import Scenario as MesaScenario

from .actions import REGISTRY
from .parameters import load_parameter_table, suggest
from .scenario import Scenario, ScenarioError, load_scenario, parse_scenario

SEPARATOR = "__"
TABLES = ("parameters", "marginals", "actions")
_MESA_KEYS = ("model", "rng", "_scenario_id")  # attributes of Mesa's Scenario that are not inputs
_SETTINGS = {
    "name": ("name",),
    "description": ("description",),
    "replications": ("replications",),
    "zones": ("territory", "zones"),
    "scale": ("territory", "scale"),
    "start_year": ("horizon", "start_year"),
    "start_month": ("horizon", "start_month"),
    "months": ("horizon", "months"),
}


def identifier(parameter: str) -> str:
    """A packaged parameter's keyword: `energy_poverty.take_up` -> `energy_poverty__take_up`."""
    return parameter.replace(".", SEPARATOR)


def lever_keyword(action: str, lever: str) -> str:
    return f"{action}{SEPARATOR}{lever}"


def keyword_paths() -> dict[str, tuple[str, ...]]:
    """Flat keyword -> where a scenario file holds its value (key path). Built on each call:
    actions registered later (plug-ins) get their keywords too."""
    paths = dict(_SETTINGS)
    for action, cls in REGISTRY.items():
        for lever in cls.declared_levers():
            paths[lever_keyword(action, lever.name)] = ("actions", action, lever.name)
    for name in load_parameter_table():
        keyword = identifier(name)
        if keyword in paths:  # a bug of the declarations, not of the user
            raise ValueError(f"parameter '{name}' has the keyword of {paths[keyword]}")
        paths[keyword] = ("parameters", name)
    return paths


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """A scenario as the data a file would hold (the inverse of `parse_scenario`)."""
    data: dict[str, Any] = {
        "name": scenario.name,
        "description": scenario.description,
        "replications": scenario.replications,
        "territory": {"zones": list(scenario.zones), "scale": scenario.scale},
        "horizon": {
            "start_year": scenario.start_year,
            "start_month": scenario.start_month,
            "months": scenario.months,
        },
        "parameters": dict(scenario.parameters),
        "marginals": {zone: dict(fields) for zone, fields in scenario.marginals.items()},
        "actions": {action: dict(levers) for action, levers in scenario.actions.items()},
    }
    if scenario.samples is not None:
        samples = scenario.samples
        data["samples"] = {"method": samples.method, "n": samples.n}
        if samples.ranges:
            data["samples"]["ranges"] = {k: list(v) for k, v in samples.ranges.items()}
    return data


def apply_keywords(
    scenario: Scenario, keywords: Mapping[str, Any], label: str = "InclusionModel"
) -> Scenario:
    """The scenario with flat keywords (and the `parameters`, `marginals`, `actions` tables)
    placed over its values, validated as one scenario; errors name the keyword after `label`."""
    data = scenario_data(scenario)
    paths, given = keyword_paths(), {}
    for keyword, value in keywords.items():
        if keyword in TABLES:
            data[keyword] = _merge(data[keyword], value, label, keyword)
            continue
        if keyword not in paths:
            raise ScenarioError(
                label,
                keyword,
                f"unknown keyword{suggest(keyword, paths)}; expected a lever "
                "(<action>__<lever>), a parameter (dots written __), or one of "
                f"{sorted(_SETTINGS) + list(TABLES)}",
            )
        path = paths[keyword]
        if keyword == "zones":  # one zone may be a string; a tuple is a list
            value = [value] if isinstance(value, str) else _as_list(value)
        _place(data, path, value)
        given[".".join(path)] = keyword
    try:
        parsed = parse_scenario(data, label, scenario.source, scenario.seed)
    except ScenarioError as exc:
        message = str(exc).removeprefix(f"{exc.path}: ").removeprefix(f"{exc.key}: ")
        raise ScenarioError(label, _keyword_of(exc.key, given), message) from None
    return replace(parsed, path=scenario.path)  # the file it was read from, if any


def flat_keywords(scenario: Scenario) -> dict[str, Any]:
    """The keywords that rebuild a scenario's model: settings, every lever of each enabled
    action (its scenario value or its default), parameters by identifier, marginals as a table."""
    out: dict[str, Any] = {
        "zones": list(scenario.zones),
        "scale": scenario.scale,
        "start_year": scenario.start_year,
        "start_month": scenario.start_month,
        "months": scenario.months,
    }
    for action, values in scenario.actions.items():
        for lever in REGISTRY[action].declared_levers():
            out[lever_keyword(action, lever.name)] = values.get(lever.name, lever.value)
    out |= {identifier(name): value for name, value in scenario.parameters.items()}
    if scenario.marginals:
        out["marginals"] = {zone: dict(fields) for zone, fields in scenario.marginals.items()}
    return out


def _keyword_of(key: str, given: dict[str, str]) -> str:
    """The keyword an error's key path came from ('dropout__educators.bron'), else the path."""
    for path, keyword in given.items():
        if key == path or key.startswith(path + "."):
            return keyword + key[len(path) :]
    return key


def _as_list(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _place(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    *tables, key = path
    for table in tables:
        data = data.setdefault(table, {})
    data[key] = value


def _merge(base: dict[str, Any], top: Any, label: str, keyword: str) -> dict[str, Any]:
    """A table keyword merged over the scenario's table, key by key (as `extends` merges)."""
    if not isinstance(top, Mapping):
        raise ScenarioError(label, keyword, f"got {top!r}, expected a table (dict)")
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def model_settings(
    scenario: Scenario | str | os.PathLike | MesaScenario | None,
    rng: Any,
    keywords: Mapping[str, Any],
    label: str = "InclusionModel",
) -> Scenario:
    """The scenario a model runs: `scenario` (a file, a Scenario, Mesa's Scenario whose
    attributes are keywords, or None for the defaults) with `keywords` over it, and its seed
    taken from `rng` (or `seed`, its former name) when given."""
    keywords = dict(keywords)
    if isinstance(scenario, MesaScenario):  # SolaraViz passes one when it resets the model
        given = {k: v for k, v in scenario.to_dict().items() if k not in _MESA_KEYS}
        keywords = given | keywords
        rng = scenario.rng if rng is None else rng
        scenario = None
    if scenario is None:
        scenario = Scenario(name=label)
    elif not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if "seed" in keywords:
        if rng is not None:
            raise ScenarioError(label, "seed", "given with rng; pass one of them (rng)")
        rng = keywords.pop("seed")
    settings = apply_keywords(scenario, keywords, label)
    seed = _seed(rng, label)
    return settings if seed is None else replace(settings, seed=seed)


def _seed(rng: Any, label: str) -> int | None:
    """An integer seed from Mesa's `rng` argument (None: keep the scenario's)."""
    if rng is None:
        return None
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(2**63))
    if isinstance(rng, np.random.SeedSequence):
        return int(rng.generate_state(1, np.uint64)[0])
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool) and rng >= 0:
        return int(rng)
    raise ScenarioError(
        label, "rng", f"got {rng!r}, expected an integer >= 0, a numpy Generator or SeedSequence"
    )
