"""Scenario files (TOML): what to simulate, validated before anything runs.

Every problem is reported as one line naming the file, the key path, the value and what was
expected; unknown keys get a 'did you mean'. The schema is the table below. A scenario's name
becomes a folder name (`folder_name`), so it is limited to letters, digits, '-', '_' and spaces,
starting with a letter or digit: it can never leave the results folder. A file may
`extends = "other.toml"` (relative to itself): the other file is read first (and validated on its
own, so its errors name it), then this file's tables are merged into it key by key, this file
winning; chains are allowed, cycles are errors.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .actions import REGISTRY
from .declarations import LeverError
from .errors import InclusionSimError
from .parameters import ParameterError, Parameters, suggest
from .territory.marginals import FIELDS as MARGINAL_FIELDS
from .territory.zones import ALL_ZONES, zone_id
from .tomlfile import read_toml


class ScenarioError(InclusionSimError):
    """A scenario file cannot be read or does not fit the schema."""

    def __init__(self, path: Path | str, key: str, message: str):
        self.path, self.key = str(path), key
        super().__init__(f"{path}: {key + ': ' if key else ''}{message}")


@dataclass(frozen=True)
class Samples:
    """Parameter samples of an experiment: `n` points of a Latin hypercube or Sobol sequence
    over `ranges` (parameter -> (low, high)), drawn by `experiment.draw_samples`."""

    method: str
    n: int
    ranges: dict[str, tuple[float, float]]


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str = ""
    seed: int = 0
    zones: tuple[str, ...] = ALL_ZONES
    scale: float | dict[str, float] = 0.1  # one share for every zone, or zone id -> share
    start_year: int = 2017
    start_month: int = 1
    months: int = 120
    parameters: dict[str, Any] = field(default_factory=dict)
    marginals: dict[str, dict[str, float]] = field(default_factory=dict)
    actions: dict[str, dict[str, Any]] = field(default_factory=dict)
    replications: int = 1
    samples: Samples | None = None
    source: str = ""  # the file's text (and its extends chain's), kept for provenance
    path: str = ""  # the file it was read from, for error messages

    def zone_scales(self) -> tuple[float, ...]:
        """The share of real households simulated in each zone of `zones`, in order."""
        if isinstance(self.scale, Mapping):
            return tuple(float(self.scale[zone]) for zone in self.zones)
        return (float(self.scale),) * len(self.zones)

    def scale_label(self) -> str:
        """The scale as a user reads it: '0.1', or 'saint_fons 1, venissieux 1, rest 0.05'."""
        if isinstance(self.scale, Mapping):
            return ", ".join(f"{zone} {self.scale[zone]:g}" for zone in self.zones)
        return f"{self.scale:g}"


def _int(lo: int, hi: int | None = None) -> tuple[Callable[[Any], bool], str]:
    expect = f"an integer >= {lo}" if hi is None else f"an integer from {lo} to {hi}"
    return (
        lambda v: (
            isinstance(v, int) and not isinstance(v, bool) and v >= lo and (hi is None or v <= hi)
        )
    ), expect


def _str():
    return (lambda v: isinstance(v, str)), "a string"


NAME_LENGTH = 64
_NAME = re.compile(r"[^\W_][\w -]*")  # \w: letters, digits and '_' (Unicode letters included)
_NAME_EXPECTED = (
    f"a name of at most {NAME_LENGTH} letters, digits, '-', '_' or spaces, "
    "starting with a letter or digit"
)


def valid_name(name: Any) -> bool:
    return isinstance(name, str) and len(name) <= NAME_LENGTH and bool(_NAME.fullmatch(name))


def folder_name(name: str) -> str:
    """The folder form of a valid scenario name: spaces become '_'. Two names with the same
    folder form (ignoring case, for case-insensitive file systems) cannot share an experiment."""
    return name.replace(" ", "_")


def _share(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and 0 < v <= 1


_SCALE = (
    lambda v: _share(v) or (isinstance(v, dict) and len(v) > 0 and all(map(_share, v.values()))),
    "a number in (0, 1], or a table of zones to numbers in (0, 1] "
    "(e.g. { saint_fons = 1.0, venissieux = 1.0, bron = 0.5, rest = 0.05 })",
)
_ZONES = (
    lambda v: isinstance(v, list) and len(v) > 0 and all(isinstance(z, str) for z in v),
    f"a non-empty list of zones among {list(ALL_ZONES)}",
)

# section -> key -> (check, expected); top-level keys under "".
SCHEMA: dict[str, dict[str, tuple[Callable[[Any], bool], str]]] = {
    "": {
        "name": (valid_name, _NAME_EXPECTED),
        "description": _str(),
        "seed": _int(0),
        "replications": _int(1),
        "extends": _str(),
    },
    "territory": {"zones": _ZONES, "scale": _SCALE},
    "horizon": {
        "start_year": _int(1990, 2100),
        "start_month": _int(1, 12),
        "months": _int(1, 1200),
    },
    "samples": {
        "method": ((lambda v: v in ("lhs", "sobol", "posterior")), "'lhs', 'sobol' or 'posterior'"),
        "n": _int(1, 100_000),
        "ranges": ((lambda v: isinstance(v, dict) and len(v) > 0), "a non-empty table"),
    },
}
TABLES = ("parameters", "marginals", "actions")
NO_FILE = "<scenario>"  # the path of scenario data that was not read from a file


def load_scenario(path: str | Path, seed: int | None = None) -> Scenario:
    """Read and validate a scenario file (and its extends chain); `seed` overrides the file's."""
    data, text = _resolve(Path(path), ())
    return parse_scenario(data, path, text, seed)


def _read(path: Path) -> tuple[dict[str, Any], str]:
    return read_toml(path, lambda message: ScenarioError(path, "", message))


def _resolve(path: Path, chain: tuple[Path, ...]) -> tuple[dict[str, Any], str]:
    """The file's data merged over its extends chain, and the chain's texts (child first)."""
    data, text = _read(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data, text
    _checked(path, "extends", parent, *SCHEMA[""]["extends"])
    target = (path.parent / parent).resolve()
    seen = (*chain, path.resolve())
    if target in seen:
        cycle = " -> ".join(p.name for p in (*seen, target))
        raise ScenarioError(path, "extends", f"got {parent!r}, which extends back to it ({cycle})")
    if not target.is_file():
        raise ScenarioError(path, "extends", f"got {parent!r}, expected an existing file: {target}")
    base, base_text = _resolve(target, seen)
    parse_scenario(base, target, base_text)  # the parent's own errors name the parent
    base.pop("name", None)  # a variant is named after its own file unless it says otherwise
    return _merge(base, data), f"{text}\n# --- extends {parent} ---\n{base_text}"


def _merge(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    """Deep merge of tables: `top` wins, tables are merged key by key."""
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def parse_scenario(
    data: Mapping[str, Any],
    path: str | Path = NO_FILE,
    text: str = "",
    seed: int | None = None,
) -> Scenario:
    """Validate a scenario's data (an already merged extends chain) into a Scenario."""
    values: dict[str, Any] = {}
    known_top = set(SCHEMA[""]) | set(SCHEMA) - {""} | set(TABLES)
    for key, value in data.items():
        if key not in known_top:
            raise ScenarioError(
                path,
                key,
                f"unknown key{suggest(key, known_top)}; expected one of {sorted(known_top)}",
            )
        if key == "extends":
            raise ScenarioError(path, key, "only allowed in a file (it names a file beside it)")
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
                values[f"{key}.{sub}"] = _checked(path, f"{key}.{sub}", subvalue, *SCHEMA[key][sub])
        else:
            _require_table(path, key, value)
    samples = _samples(path, {k[8:]: v for k, v in values.items() if k.startswith("samples.")})
    values = {k.split(".")[-1]: v for k, v in values.items() if not k.startswith("samples.")}
    if "zones" in values:
        values["zones"] = _zones(path, values["zones"])
    if isinstance(values.get("scale"), dict):
        values["scale"] = _zone_scales(path, values["scale"], values.get("zones", ALL_ZONES))
    if seed is not None:
        values["seed"] = seed
    if "name" not in values:  # named after its file (data without a file: "scenario")
        stem = Path(path).stem if path != NO_FILE else "scenario"
        if not valid_name(stem):
            raise ScenarioError(
                path, "name", f"missing, and the file's name {stem!r} is not {_NAME_EXPECTED}"
            )
        values["name"] = stem
    return Scenario(
        name=values.pop("name"),
        parameters=_parameters(path, data.get("parameters", {})),
        marginals=_marginals(path, data.get("marginals", {})),
        actions=_actions(path, data.get("actions", {})),
        samples=samples,
        source=text,
        path=str(path),
        **values,
    )


def with_overrides(
    scenario: Scenario,
    scale: float | None = None,
    months: int | None = None,
    seed: int | None = None,
) -> Scenario:
    """The scenario with command-line overrides (`--scale`, `--months`, `--seed`), each checked
    as the file's key would be; errors name the option."""
    changes = {}
    for option, value, (section, key) in (
        ("--scale", scale, ("territory", "scale")),
        ("--months", months, ("horizon", "months")),
        ("--seed", seed, ("", "seed")),
    ):
        if value is not None:
            where = scenario.path or scenario.name
            changes[key] = _checked(where, option, value, *SCHEMA[section][key])
    return replace(scenario, **changes) if changes else scenario


def _samples(path, table: dict[str, Any]) -> Samples | None:
    if not table:
        return None
    if table.get("method") == "posterior":
        # Draws of the calibrated posterior (data/calibrated.toml): calibration uncertainty
        # carried into the ensemble; the ranges come from the calibration.
        if "n" not in table:
            raise ScenarioError(path, "samples.n", "missing: [samples] needs n")
        if "ranges" in table:
            raise ScenarioError(path, "samples.ranges", "not used with method = 'posterior'")
        return Samples("posterior", table["n"], {})
    for key in ("method", "n", "ranges"):
        if key not in table:
            raise ScenarioError(
                path, f"samples.{key}", "missing: [samples] needs method, n, ranges"
            )
    ranges = {}
    for name, bounds in table["ranges"].items():
        key = f"samples.ranges.{name}"
        if not (
            isinstance(bounds, list)
            and len(bounds) == 2
            and all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds)
            and bounds[0] < bounds[1]
        ):
            raise ScenarioError(path, key, f"got {bounds!r}, expected [low, high] with low < high")
        for bound in bounds:
            try:
                Parameters({name: bound})
            except ParameterError as exc:
                raise ScenarioError(path, key, str(exc)) from None
        ranges[name] = (float(bounds[0]), float(bounds[1]))
    n = table["n"]
    if table["method"] == "sobol" and n & (n - 1):
        raise ScenarioError(path, "samples.n", f"got {n}, expected a power of 2 for 'sobol'")
    return Samples(table["method"], table["n"], ranges)


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


def _zone_scales(path, table: dict[str, Any], zones: tuple[str, ...]) -> dict[str, float]:
    """A scale table with zone ids as keys, naming every simulated zone (other zones may be
    listed: a variant of a whole-Metropolis scenario may simulate fewer zones)."""
    scales = {}
    for key, value in table.items():
        try:
            scales[zone_id(key)] = float(value)
        except InclusionSimError as exc:
            raise ScenarioError(path, f"territory.scale.{key}", str(exc)) from None
    missing = [zone for zone in zones if zone not in scales]
    if missing:
        raise ScenarioError(
            path,
            "territory.scale",
            f"no scale for {missing}: expected a scale for every simulated zone",
        )
    return scales


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
            check, expected = _MARGINAL_CHECKS[name]
            if not (_is_finite(value) and check(value)):
                raise ScenarioError(path, f"{key}.{name}", f"got {value!r}, expected {expected}")
        out[zid] = dict(fields)
    return out


def _is_finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


_SHARE = (lambda v: 0 <= v <= 1), "a share from 0 to 1 (0.25 for 25%)"
# marginal -> (check of a finite number, expected); the rates are fractions, not percentages
_MARGINAL_CHECKS: dict[str, tuple[Callable[[float], bool], str]] = {
    "population": ((lambda v: v > 0), "a number of inhabitants > 0"),
    "social_share": _SHARE,
    "poverty_rate": ((lambda v: 0 < v < 1), "a share strictly between 0 and 1 (0.25 for 25%)"),
    "median_income_cu": ((lambda v: v > 0), "euros a year per consumption unit, > 0"),
    "unemployment_rate": ((lambda v: 0 <= v < 1), "a share from 0 to below 1 (0.1 for 10%)"),
    "no_diploma_share": _SHARE,
}


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
            values = REGISTRY[name].validate_levers(levers)
        except LeverError as exc:
            message = str(exc).removeprefix(f"lever '{exc.lever}': ")
            raise ScenarioError(path, f"{key}.{exc.lever}", message) from None
        if on:
            enabled[name] = values
    return enabled
