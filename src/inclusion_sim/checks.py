"""Value checks of declared inputs (levers and parameters), in the manner of scikit-learn's
parameter constraints: each check normalises a valid value or raises `CheckError` saying what was
expected. Numbers are finite (NaN and infinities are refused), booleans are not numbers, and zones
are checked by one function for every lever that names zones.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import InclusionSimError
from .territory.zones import zone_id


class CheckError(InclusionSimError):
    """A value fails its check; `key` is the part of the value at fault ('' for the whole)."""

    def __init__(self, message: str, key: str = ""):
        self.key = key
        super().__init__(message)


def _got(value: Any) -> str:
    return f"got {value!r}"


class Check:
    """Base of the checks: `check(value)` returns the normalised value or raises CheckError."""

    expected: str = "a value"

    def __call__(self, value: Any) -> Any:
        raise NotImplementedError

    def fail(self, value: Any, key: str = "") -> CheckError:
        return CheckError(f"{_got(value)}, expected {self.expected}", key)


@dataclass(frozen=True)
class Number(Check):
    """A finite number in [low, high] (either bound may be None); `integer` for whole numbers."""

    low: float | None = 0.0
    high: float | None = None
    integer: bool = False

    @property
    def expected(self) -> str:
        kind = "a whole number" if self.integer else "a number"
        if (self.low, self.high) == (0, 1) and not self.integer:
            return "a share from 0 to 1"
        if self.low is not None and self.high is not None:
            return f"{kind} from {_fmt(self.low)} to {_fmt(self.high)}"
        if self.low is not None:
            return f"{kind} >= {_fmt(self.low)}"
        if self.high is not None:
            return f"{kind} <= {_fmt(self.high)}"
        return kind

    def __call__(self, value: Any) -> float | int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(value)
        if not math.isfinite(value):
            raise CheckError(f"{_got(value)}, expected a finite number ({self.expected})")
        if self.integer and value != int(value):
            raise self.fail(value)
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            raise self.fail(value)
        return int(value) if self.integer else float(value)


def _fmt(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e6 else f"{x:,.0f}"


AMOUNT = Number(0.0)  # budgets, costs, capacities, counts of staff
RATE = Number(0.0, 1.0)  # shares and probabilities
COUNT = Number(0, integer=True)


@dataclass(frozen=True)
class Flag(Check):
    expected: str = "true or false"

    def __call__(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise self.fail(value)
        return value


@dataclass(frozen=True)
class OneOf(Check):
    """One of a fixed set of strings."""

    options: tuple[str, ...]

    @property
    def expected(self) -> str:
        return "one of " + ", ".join(repr(o) for o in self.options)

    def __call__(self, value: Any) -> str:
        if not isinstance(value, str) or value not in self.options:
            raise self.fail(value)
        return value


@dataclass(frozen=True)
class Zone(Check):
    """A zone id ('saint_fons') or display name ('Saint-Fons'), normalised to the id. The one
    check of zones that every lever naming zones uses."""

    expected: str = "a zone: saint_fons, venissieux, bron or rest (or its name)"

    def __call__(self, value: Any) -> str:
        if not isinstance(value, str):
            raise self.fail(value)
        try:
            return zone_id(value)
        except InclusionSimError:
            raise self.fail(value) from None


@dataclass(frozen=True)
class ListOf(Check):
    """A list of distinct items, each passing `item`; normalised to a tuple."""

    item: Check

    @property
    def expected(self) -> str:
        return f"a list of distinct items, each {self.item.expected}"

    def __call__(self, value: Any) -> tuple:
        if not isinstance(value, list | tuple):
            raise self.fail(value)
        items = []
        for entry in value:
            try:
                items.append(self.item(entry))
            except CheckError as exc:
                raise CheckError(f"{exc} (in the list {list(value)!r})") from None
        if len(set(items)) != len(items):
            raise CheckError(f"{_got(list(value))}, expected each item once")
        return tuple(items)


@dataclass(frozen=True)
class TableOf(Check):
    """A table (TOML inline table or dict) of key -> value, checked by `key` and `value`."""

    key: Check
    value: Check

    @property
    def expected(self) -> str:
        return f"a table of {self.key.expected} = {self.value.expected}"

    def __call__(self, value: Any) -> dict:
        if not isinstance(value, Mapping):
            raise self.fail(value)
        out = {}
        for k, v in value.items():
            try:
                key = self.key(k)
            except CheckError as exc:
                raise CheckError(str(exc), str(k)) from None
            if key in out:
                raise CheckError(f"{_got(k)}, expected each key once", str(k))
            try:
                out[key] = self.value(v)
            except CheckError as exc:
                raise CheckError(str(exc), str(k)) from None
        return out
