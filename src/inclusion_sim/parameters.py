"""Model parameters: packaged defaults with their sources, and validated overrides.

Every default lives in ``data/parameters.toml`` (the core) or ``data/parameters_<action>.toml``
with a unit and a source; behavioural ones also carry a ``range`` (their prior), and any may carry
``bounds`` (the values that make sense at all; default: >= 0) and a ``description``. Code reads
values through :class:`Parameters`, never literals.
Values fitted by ``inclusion-sim calibrate`` are in ``data/calibrated.toml`` (with their
provenance) and replace the defaults unless ``Parameters(calibrated=False)``.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .checks import CheckError, Number
from .errors import InclusionSimError


class ParameterError(InclusionSimError):
    """An override names an unknown parameter, has the wrong shape or a value out of bounds."""


@dataclass(frozen=True)
class Parameter:
    name: str
    value: float | list[float]
    unit: str
    source: str
    range: tuple[float, float] | None = None  # the prior: the values worth exploring
    bounds: tuple[float, float] = (0.0, math.inf)  # the values a run accepts
    description: str = ""

    @property
    def check(self) -> Number:
        """The check of one value (each element of a list-valued parameter)."""
        low, high = self.bounds
        return Number(
            None if low == -math.inf else low,
            None if high == math.inf else high,
            integer=isinstance(self.value, int),
        )


def load_parameter_table() -> dict[str, Parameter]:
    """The packaged parameter definitions, keyed by name.

    The core's are in ``parameters.toml``; each action keeps its behavioural parameters in
    ``parameters_<action>.toml`` with names prefixed by the action (``energy_poverty.take_up``).
    The files are read once per process (each scenario value is checked against them).
    """
    return dict(_parameter_table())


@cache
def _parameter_table() -> dict[str, Parameter]:
    table: dict[str, Parameter] = {}
    files = sorted(resources.files("inclusion_sim.data").iterdir(), key=lambda f: f.name)
    for file in files:
        if not (file.name.startswith("parameters") and file.name.endswith(".toml")):
            continue
        for name, entry in tomllib.loads(file.read_text("utf-8")).items():
            if name in table:
                raise ValueError(f"{file.name}: parameter '{name}' is defined twice")
            missing = {"value", "unit", "source"} - set(entry)
            if missing:
                raise ValueError(f"{file.name}: parameter '{name}' lacks {sorted(missing)}")
            table[name] = Parameter(
                name=name,
                value=entry["value"],
                unit=entry["unit"],
                source=entry["source"],
                range=tuple(entry["range"]) if "range" in entry else None,
                bounds=tuple(entry.get("bounds", (0.0, math.inf))),
                description=entry.get("description", ""),
            )
    return table


CALIBRATED_FILE = "calibrated.toml"


def load_calibrated() -> tuple[dict[str, Any], dict[str, Any]]:
    """(values, provenance) of the packaged calibrated file; empty when there is none."""
    file = resources.files("inclusion_sim.data") / CALIBRATED_FILE
    if not file.is_file():
        return {}, {}
    try:
        data = tomllib.loads(file.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{CALIBRATED_FILE}: malformed TOML: {exc}") from None
    if not isinstance(data.get("values"), dict):
        raise ValueError(f"{CALIBRATED_FILE}: expected a [values] table of parameter = value")
    return data["values"], data.get("provenance", {})


def suggest(name: str, known) -> str:
    """A ' (did you mean X?)' hint for a misspelt key, or ''."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


class Parameters(Mapping[str, Any]):
    """Parameter values: the packaged defaults, then calibrated values, then overrides.

    Overrides are checked against the definitions: an unknown name, a list where a number is
    expected (or the reverse), or a list of another length is a :class:`ParameterError`.
    ``calibrated=False`` gives the raw defaults (plus overrides); ``provenance`` says how the
    calibrated values were obtained (empty when none were applied).
    """

    def __init__(self, overrides: Mapping[str, Any] | None = None, calibrated: bool = True):
        self.definitions = load_parameter_table()
        self._values = {name: p.value for name, p in self.definitions.items()}
        self.provenance: dict[str, Any] = {}
        if calibrated:
            values, self.provenance = load_calibrated()
            for name, value in values.items():
                try:
                    self._values[name] = self._checked(name, value)
                except ParameterError as exc:
                    raise ParameterError(f"{CALIBRATED_FILE}: {exc}") from None
        for name, value in (overrides or {}).items():
            self._values[name] = self._checked(name, value)

    def _checked(self, name: str, value: Any) -> Any:
        if name not in self.definitions:
            raise ParameterError(f"unknown parameter '{name}'{suggest(name, self.definitions)}")
        definition = self.definitions[name]
        check = definition.check
        if isinstance(definition.value, list):
            n = len(definition.value)
            if not isinstance(value, list) or len(value) != n:
                raise ParameterError(
                    f"parameter '{name}' expects a list of {n} numbers, got {value!r}"
                )
            try:
                return [float(check(v)) for v in value]
            except CheckError as exc:
                raise ParameterError(f"parameter '{name}': {exc} (in the list)") from None
        try:
            return check(value)
        except CheckError as exc:
            raise ParameterError(f"parameter '{name}': {exc}") from None

    def __getitem__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise KeyError(f"unknown parameter '{name}'{suggest(name, self._values)}") from None

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)
