"""Priors of the free behavioural parameters.

Every scalar parameter with a ``range`` in the packaged parameter files (core and actions, so a new
action's parameters are picked up by themselves) is free, with a uniform prior on its range and
the parameter's source. A priors file (``calibration/priors.toml``) can narrow or widen a range,
make it log-uniform, or say why; list-valued parameters are fixed inputs and cannot have priors.
``fit = false`` marks an input: an official statistic whose range says how uncertain it is, explored
by sensitivity analysis but never fitted to the figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np

from ..errors import InclusionSimError
from ..parameters import load_parameter_table, suggest
from ..tomlfile import read_toml

DISTRIBUTIONS = ("uniform", "loguniform")
KEYS = ("distribution", "range", "source", "fit")


class PriorError(InclusionSimError):
    """A priors file names an unknown parameter or describes a prior badly."""


@dataclass(frozen=True)
class Prior:
    name: str
    low: float
    high: float
    distribution: str = "uniform"
    source: str = ""
    fit: bool = True  # False: an input (official statistic), never fitted
    integer: bool = False  # a whole-number parameter: uniform over the integers of the range

    def _log(self) -> bool:
        return self.distribution == "loguniform"

    def ppf(self, u):
        """The value at quantile(s) `u` in [0, 1] (maps a unit cube onto the prior)."""
        u = np.asarray(u, dtype=float)
        if self._log():
            return np.exp(np.log(self.low) + u * (np.log(self.high) - np.log(self.low)))
        if self.integer:
            return np.minimum(np.floor(self.low + u * (self.high - self.low + 1)), self.high)
        return self.low + u * (self.high - self.low)

    def pdf(self, x):
        x = np.asarray(x, dtype=float)
        inside = (x >= self.low) & (x <= self.high)
        if self._log():
            density = 1 / (np.maximum(x, 1e-300) * (np.log(self.high) - np.log(self.low)))
        else:
            density = np.full(x.shape, 1 / (self.high - self.low))
        return np.where(inside, density, 0.0)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.ppf(rng.random(n))


def load_priors(path: str | PathLike | None = None) -> dict[str, Prior]:
    """Priors of every free parameter, with a priors file's entries applied (if given)."""
    table = load_parameter_table()
    priors = {
        name: Prior(
            name,
            float(p.range[0]),
            float(p.range[1]),
            "uniform",
            p.source,
            integer=isinstance(p.value, int),
        )
        for name, p in table.items()
        if p.range is not None and not isinstance(p.value, list)
    }
    if path is None:
        return priors
    path = Path(path)
    entries, _ = read_toml(path, lambda message: PriorError(f"{path}: {message}"))
    for name, entry in entries.items():
        if name not in table:
            raise PriorError(f"{path}: [{name}]: unknown parameter{suggest(name, table)}")
        if isinstance(table[name].value, list):
            raise PriorError(f"{path}: [{name}]: list-valued parameters are fixed inputs")
        if not isinstance(entry, dict):
            raise PriorError(f"{path}: {name}: expected a table [{name}]")
        bad = set(entry) - set(KEYS)
        if bad:
            raise PriorError(f"{path}: [{name}]: unknown key(s) {sorted(bad)}; expected {KEYS}")
        base = priors.get(name)
        if "range" not in entry and base is None:
            raise PriorError(f"{path}: [{name}]: no range here nor in the parameter files")
        low, high = entry.get("range", (base.low, base.high) if base else (None, None))
        distribution = entry.get("distribution", "uniform")
        if distribution not in DISTRIBUTIONS:
            raise PriorError(
                f"{path}: [{name}].distribution: got {distribution!r}, expected one of "
                f"{DISTRIBUTIONS}"
            )
        if not (isinstance(low, int | float) and isinstance(high, int | float) and low < high):
            raise PriorError(f"{path}: [{name}].range: expected [low, high] with low < high")
        if distribution == "loguniform" and low <= 0:
            raise PriorError(f"{path}: [{name}].range: a log-uniform prior needs low > 0")
        source = entry.get("source", base.source if base else table[name].source)
        fit = entry.get("fit", True)
        if not isinstance(fit, bool):
            raise PriorError(f"{path}: [{name}].fit: got {fit!r}, expected true or false")
        integer = isinstance(table[name].value, int)
        if integer and distribution != "uniform":
            raise PriorError(f"{path}: [{name}].distribution: a whole-number parameter is uniform")
        priors[name] = Prior(name, float(low), float(high), distribution, source, fit, integer)
    return priors


ALL = "all"


def select(priors: dict[str, Prior], names: list[str] | str, where: str = "") -> list[Prior]:
    """The priors of the parameters to fit, in order: `names`, or "all" (every free parameter
    but the inputs); an unknown or fixed name, or an input, is an error."""
    where = f"{where}: " if where else ""
    if names == ALL:
        return [p for p in priors.values() if p.fit]
    if isinstance(names, str):
        raise PriorError(f"{where}got {names!r}, expected a list of parameter names or {ALL!r}")
    missing = [n for n in names if n not in priors]
    if missing:
        hint = suggest(missing[0], priors)
        raise PriorError(
            f"{where}no prior for {missing}{hint}: free parameters are "
            "scalar parameters with a range in the parameter files or the priors file"
        )
    inputs = [n for n in names if not priors[n].fit]
    if inputs:
        raise PriorError(f"{where}{inputs} are inputs (fit = false in the priors file), not fitted")
    return [priors[n] for n in names]


def at_quantiles(priors: list[Prior], unit) -> dict[str, float | int]:
    """Parameter values at a point of the unit cube of prior quantiles."""
    return {p.name: _value(p, p.ppf(u)) for p, u in zip(priors, unit, strict=True)}


def _value(prior: Prior, x) -> float | int:
    return int(x) if prior.integer else float(x)


def with_prior_draws(draws: list[dict], priors: Iterable[Prior], seed: int = 0) -> list[dict]:
    """Each draw completed with independent draws from the priors of the parameters it lacks:
    the targets do not inform those (screened out, or inputs), so their posterior is their
    prior, and a predictive interval must carry their uncertainty too."""
    missing = [p for p in priors if not any(p.name in d for d in draws)]
    unit = np.random.default_rng([seed, 4]).random((len(draws), len(missing)))
    return [draw | at_quantiles(missing, u) for draw, u in zip(draws, unit, strict=True)]
