"""Scenario files (TOML): what to simulate, validated before anything runs.

Every problem is reported as one line naming the file, the key path, the value and what was
expected; unknown keys get a 'did you mean'. The schema is the table below.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .actions import REGISTRY, LeverError
from .parameters import ParameterError, Parameters, suggest
from .territory.marginals import FIELDS as MARGINAL_FIELDS
from .territory.zones import ALL_ZONES, zone_id


class ScenarioError(ValueError):
    """A scenario file cannot be read or does not fit the schema."""

    def __init__(self, path: Path | str, key: str, message: str):
        self.path, self.key = str(path), key
        super().__init__(f"{path}: {key + ': ' if key else ''}{message}")


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str = ""
    seed: int = 0
    zones: tuple[str, ...] = ALL_ZONES
    scale: float = 0.1
    start_year: int = 2017
    start_month: int = 1
    months: int = 120
    parameters: dict[str, Any] = field(default_factory=dict)
    marginals: dict[str, dict[str, float]] = field(default_factory=dict)
    actions: dict[str, dict[str, Any]] = field(default_factory=dict)
    source: str = ""  # the file's text, kept for provenance

    def model_kwargs(self) -> dict[str, Any]:
        """Arguments of InclusionModel for this scenario."""
        return dict(
            zones=self.zones,
            scale=self.scale,
            seed=self.seed,
            start_year=self.start_year,
            start_month=self.start_month,
            parameters=self.parameters,
            marginals=self.marginals,
            actions=self.actions,
        )


def _int(lo: int, hi: int | None = None) -> tuple[Callable[[Any], bool], str]:
    expect = f"an integer >= {lo}" if hi is None else f"an integer from {lo} to {hi}"
    return (
        lambda v: (
            isinstance(v, int) and not isinstance(v, bool) and v >= lo and (hi is None or v <= hi)
        )
    ), expect


def _str():
    return (lambda v: isinstance(v, str)), "a string"


_SCALE = (
    lambda v: isinstance(v, int | float) and not isinstance(v, bool) and 0 < v <= 1,
    "a number in (0, 1]",
)
_ZONES = (
    lambda v: isinstance(v, list) and len(v) > 0 and all(isinstance(z, str) for z in v),
    f"a non-empty list of zones among {list(ALL_ZONES)}",
)

# section -> key -> (check, expected); top-level keys under "".
SCHEMA: dict[str, dict[str, tuple[Callable[[Any], bool], str]]] = {
    "": {"name": _str(), "description": _str(), "seed": _int(0)},
    "territory": {"zones": _ZONES, "scale": _SCALE},
    "horizon": {
        "start_year": _int(1990, 2100),
        "start_month": _int(1, 12),
        "months": _int(1, 1200),
    },
}
TABLES = ("parameters", "marginals", "actions")


def load_scenario(path: str | Path, seed: int | None = None) -> Scenario:
    """Read and validate a scenario file; `seed` overrides the file's seed."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise ScenarioError(path, "", "file not found") from None
    except OSError as exc:
        raise ScenarioError(path, "", f"cannot read the file ({exc.strerror})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(path, "", f"malformed TOML: {exc}") from None
    return parse_scenario(data, path, text, seed)


def parse_scenario(
    data: Mapping[str, Any],
    path: str | Path = "<scenario>",
    text: str = "",
    seed: int | None = None,
) -> Scenario:
    values: dict[str, Any] = {}
    known_top = set(SCHEMA[""]) | set(SCHEMA) - {""} | set(TABLES)
    for key, value in data.items():
        if key not in known_top:
            raise ScenarioError(
                path,
                key,
                f"unknown key{suggest(key, known_top)}; expected one of {sorted(known_top)}",
            )
        if key in SCHEMA[""]:
            values[key] = _checked(path, key, value, *SCHEMA[""][key])
        elif key in SCHEMA:
            _require_table(path, key, value)
            for sub, subvalue in value.items():
                if sub not in SCHEMA[key]:
                    raise ScenarioError(
                        path,
                        f"{key}.{sub}",
                        f"unknown key{suggest(sub, SCHEMA[key])}; "
                        f"expected one of {sorted(SCHEMA[key])}",
                    )
                values[sub] = _checked(path, f"{key}.{sub}", subvalue, *SCHEMA[key][sub])
        else:
            _require_table(path, key, value)
    if "zones" in values:
        values["zones"] = _zones(path, values["zones"])
    if seed is not None:
        values["seed"] = seed
    return Scenario(
        name=values.pop("name", Path(path).stem),
        parameters=_parameters(path, data.get("parameters", {})),
        marginals=_marginals(path, data.get("marginals", {})),
        actions=_actions(path, data.get("actions", {})),
        source=text,
        **values,
    )


def _checked(path, key, value, check, expected):
    if not check(value):
        raise ScenarioError(path, key, f"got {value!r}, expected {expected}")
    return value


def _require_table(path, key, value):
    if not isinstance(value, dict):
        raise ScenarioError(path, key, f"got {value!r}, expected a table ([{key}])")


def _zones(path, zones: list[str]) -> tuple[str, ...]:
    try:
        ids = tuple(zone_id(z) for z in zones)
    except ValueError as exc:
        raise ScenarioError(path, "territory.zones", str(exc)) from None
    if len(set(ids)) != len(ids):
        raise ScenarioError(path, "territory.zones", f"zone listed twice in {zones!r}")
    return ids


def _parameters(path, table: dict[str, Any]) -> dict[str, Any]:
    for name, value in table.items():
        try:
            Parameters({name: value})
        except ParameterError as exc:
            raise ScenarioError(path, f"parameters.{name}", str(exc)) from None
    return dict(table)


def _marginals(path, table: dict[str, Any]) -> dict[str, dict[str, float]]:
    out = {}
    for zone, fields in table.items():
        key = f"marginals.{zone}"
        try:
            zid = zone_id(zone)
        except ValueError as exc:
            raise ScenarioError(path, key, str(exc)) from None
        _require_table(path, key, fields)
        for name, value in fields.items():
            if name not in MARGINAL_FIELDS:
                raise ScenarioError(
                    path,
                    f"{key}.{name}",
                    f"unknown marginal"
                    f"{suggest(name, MARGINAL_FIELDS)}; expected one of "
                    f"{list(MARGINAL_FIELDS)}",
                )
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise ScenarioError(path, f"{key}.{name}", f"got {value!r}, expected a number >= 0")
        out[zid] = dict(fields)
    return out


def _actions(path, table: dict[str, Any]) -> dict[str, dict[str, Any]]:
    enabled = {}
    for name, levers in table.items():
        key = f"actions.{name}"
        if name not in REGISTRY:
            raise ScenarioError(
                path,
                key,
                f"unknown action{suggest(name, REGISTRY)}; "
                f"expected one of {sorted(REGISTRY) or 'none yet'}",
            )
        _require_table(path, key, levers)
        levers = dict(levers)
        on = levers.pop("enabled", True)
        if not isinstance(on, bool):
            raise ScenarioError(path, f"{key}.enabled", f"got {on!r}, expected true or false")
        try:
            REGISTRY[name].validate_levers(levers)
        except LeverError as exc:
            message = str(exc).removeprefix(f"lever '{exc.lever}': ")
            raise ScenarioError(path, f"{key}.{exc.lever}", message) from None
        if on:
            enabled[name] = levers
    return enabled
