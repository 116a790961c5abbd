"""Inputs and outputs declared once: levers and indicators.

A lever is a field of a frozen dataclass (`Levers`), declared with `lever(...)`: its default, unit,
check, exploration range and source sit in one place, as scikit-learn declares its
`_parameter_constraints` and EMA Workbench its `RealParameter`s. Validation, the catalogue
(`inclusion_sim.levers()`), the generated docs/levers.md, and tools built on them (sliders,
adapters) are derived from the declarations. Each component of an action receives the small
frozen dataclass of its own levers.

An indicator is declared once with its unit, its kind (how a year of it is summarised), a
description, and optionally the document figure it compares with and the direction in which it is
an outcome for cost comparisons.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from .checks import Check, CheckError, Number, OneOf
from .errors import InclusionSimError


class LeverError(InclusionSimError):
    """A lever that does not exist, or a value its declaration refuses."""

    def __init__(self, lever: str, message: str):
        self.lever = lever
        super().__init__(f"lever '{lever}': {message}")


@dataclass(frozen=True)
class Lever:
    """The declaration of one lever (`name` and `group` are filled in from the dataclass)."""

    default: Any = None
    unit: str = ""
    check: Check | None = None
    source: str = ""
    description: str = ""
    range: tuple[float, float] | None = None  # the range worth exploring (sliders, samples)
    default_factory: Callable[[], Any] | None = None
    partial: bool = False  # a table whose scenario entries update the default's, key by key
    name: str = ""
    group: str = ""

    @property
    def value(self) -> Any:
        """The default value (read from its source, e.g. a document figure, when first asked)."""
        return self.default_factory() if self.default_factory else self.default

    @property
    def options(self) -> tuple[str, ...]:
        return self.check.options if isinstance(self.check, OneOf) else ()

    def validate(self, value: Any) -> Any:
        try:
            return self.check(value)
        except CheckError as exc:
            key = f"{self.name}.{exc.key}" if exc.key else self.name
            raise LeverError(key, str(exc)) from None


def lever(
    default: Any = None,
    *,
    unit: str,
    check: Check,
    source: str,
    description: str,
    range: tuple[float, float] | None = None,
    default_factory: Callable[[], Any] | None = None,
    partial: bool = False,
) -> Any:
    """A dataclass field declaring a lever. Lists and tables take a `default_factory`; a default
    read from a data file (e.g. a document figure) too, so nothing is read at import. A `partial`
    table lever's scenario entries update its default table key by key."""
    if range is None and isinstance(check, Number):
        raise TypeError(f"a numeric lever needs an exploration range ({description})")
    declaration = Lever(default, unit, check, source, description, range, default_factory, partial)
    if default_factory is not None:
        return dataclasses.field(default_factory=default_factory, metadata={"lever": declaration})
    return dataclasses.field(default=default, metadata={"lever": declaration})


class Levers:
    """Base of a component's frozen dataclass of levers.

    Subclasses are `@dataclass(frozen=True)` with `lever(...)` fields; a `__post_init__` may
    check relations between fields by raising `LeverError`.
    """

    @classmethod
    def declared(cls) -> list[Lever]:
        return [
            dataclasses.replace(f.metadata["lever"], name=f.name, group=cls.__name__)
            for f in dataclasses.fields(cls)
        ]

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Self:
        """The group's levers taken from an action's validated values (defaults for the rest)."""
        chosen = {}
        for lever in cls.declared():
            if lever.name in values:
                value = values[lever.name]
                chosen[lever.name] = lever.value | value if lever.partial else value
        return cls(**chosen)


KINDS = ("stock", "rate", "flow", "year_to_date", "cumulative", "trailing_year")
"""How an indicator's months add up to a year:

- stock: a level at the end of the month (households, persons, queue lengths); a year is the
  mean of its months;
- rate: a share or a mean at the end of the month (%, EUR per grant); a year is the mean;
- flow: what happened during the month (grants, visits, EUR paid); a year is the sum;
- year_to_date: a running total since January; a year is its December value;
- cumulative: a running total since the start of the run; a year is its last value;
- trailing_year: a value over the last 12 months; a year is its value in the year's last month.
"""


@dataclass(frozen=True)
class Indicator:
    """One output series, per zone and month."""

    name: str
    unit: str
    kind: str
    description: str
    figure: tuple[str, float] | None = None  # (figure id, factor to the indicator's unit)
    outcome: str | None = None  # "increase" or "decrease": an outcome of cost comparisons
    headline: bool = False  # shown in console summaries and at the top of reports

    KINDS: ClassVar[tuple[str, ...]] = KINDS

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"indicator {self.name}: kind {self.kind!r} not in {KINDS}")
        if self.outcome not in (None, "increase", "decrease"):
            raise ValueError(f"indicator {self.name}: outcome must be 'increase' or 'decrease'")
