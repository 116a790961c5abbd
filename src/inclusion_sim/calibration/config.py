"""The calibration file (``calibration/calibration.toml``): what to fit, on what run, and how.

Paths inside it are relative to the file. Every key is checked, and an error names the file, the
key and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

from ..errors import InclusionSimError
from ..parameters import suggest
from ..territory.zones import zone_id
from ..tomlfile import read_toml
from .abc import KERNELS
from .priors import ALL, Prior, load_priors, select
from .simulator import Runs, Setup
from .targets import Target, load_targets

# section -> key -> (default, expected type(s), description); None default = required
SCHEMA: dict[str, dict[str, tuple[Any, type | tuple, str]]] = {
    "": {
        "targets": (None, str, "a path to a targets CSV"),
        "priors": (None, str, "a path to a priors TOML"),
        "parameters": (None, (list, str), 'a list of free parameter names, or "all"'),
        "seed": (0, int, "an integer >= 0"),
        "store": ("store.sqlite", str, "a path to the SQLite store of evaluations"),
    },
    "simulation": {
        "zones": (["saint_fons", "venissieux", "bron", "rest"], list, "a list of zones"),
        "scale": (
            0.02,
            (int, float, dict),
            "a number in (0, 1], or a table of zones to numbers in (0, 1]",
        ),
        "months": (24, int, "an integer >= 1"),
        "start_year": (2017, int, "an integer"),
        "start_month": (1, int, "an integer from 1 to 12"),
        "replications": (2, int, "an integer >= 1 (common seeds per candidate)"),
        "actions": ({}, dict, "a table of enabled actions and levers"),
        "runs": ({}, dict, "tables of named runs (zones, scale, actions), in order of preference"),
    },
    "abc": {
        "particles": (100, int, "an integer >= 2"),
        "generations": (5, int, "an integer >= 1"),
        "quantile": (0.5, float, "a number in (0, 1)"),
        "min_epsilon": (0.0, (int, float), "a number >= 0"),
        "min_acceptance": (0.02, float, "a number in (0, 1]"),
        "point_candidates": (10, int, "an integer >= 1 (closest particles tried as the point)"),
        "kernel": ("full", str, '"full" or "diagonal" (the perturbation\'s covariance)'),
    },
    "screening": {
        "trajectories": (0, int, "an integer >= 0 (Morris trajectories; 0: fit every parameter)"),
        "min_effect": (0.1, (int, float), "a number >= 0 (tolerances over the prior range)"),
        "noise_seeds": (8, int, "an integer >= 2 (runs that estimate the noise)"),
        "noise_factor": (2.0, (int, float), "a number >= 0 (times the noise's mu*)"),
    },
    "identification": {
        "max_ratio": (0.75, (int, float), "a number in (0, 1] (posterior / prior 90% width)"),
    },
    "optimise": {
        "maxiter": (20, int, "an integer >= 1"),
        "popsize": (8, int, "an integer >= 1"),
    },
    "predictive": {
        "draws": (100, int, "an integer >= 1"),
        "replications": (5, int, "an integer >= 1"),
    },
    "sensitivity": {
        "parameters": ([], list, "a list of free parameter names (default: the fitted ones)"),
        "outputs": ([], list, "a list of target figure ids (default: all targets)"),
        "sobol_n": (64, int, "an integer >= 1, a power of 2"),
        "morris_trajectories": (10, int, "an integer >= 2"),
    },
}


class ConfigError(InclusionSimError):
    """A calibration file cannot be read or does not fit the schema."""


@dataclass(frozen=True)
class Config:
    path: Path
    setup: Setup | Runs
    targets: list[Target]
    priors: list[Prior]
    all_priors: dict[str, Prior]
    seed: int
    store: Path
    replications: int
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    fits_all: bool = False  # parameters = "all": every free parameter but the inputs

    def section(self, name: str) -> dict[str, Any]:
        return self.settings[name]


def load_config(path: str | PathLike) -> Config:
    path = Path(path)
    data, _ = read_toml(path, lambda message: ConfigError(f"{path}: {message}"))
    settings = {section: _section(path, section, data) for section in SCHEMA}
    top, sim = settings[""], settings["simulation"]
    for key, ok in (
        ("simulation.months", sim["months"] >= 1),
        ("simulation.replications", sim["replications"] >= 1),
        ("screening.trajectories", settings["screening"]["trajectories"] >= 0),
        ("screening.noise_seeds", settings["screening"]["noise_seeds"] >= 2),
        ("identification.max_ratio", 0 < settings["identification"]["max_ratio"] <= 1),
        ("abc.kernel", settings["abc"]["kernel"] in KERNELS),
        ("seed", top["seed"] >= 0),
    ):
        if not ok:
            raise ConfigError(f"{path}: {key}: out of range")
    base = path.parent
    all_priors = load_priors(base / top["priors"])
    setup = _setup(path, "simulation", sim, sim)
    if sim["runs"]:
        setup = Runs(
            tuple(
                (name, _setup(path, f"simulation.runs.{name}", run, sim))
                for name, run in sim["runs"].items()
            )
        )
    return Config(
        path=path,
        setup=setup,
        targets=load_targets(base / top["targets"]),
        priors=select(all_priors, top["parameters"], f"{path}: parameters"),
        all_priors=all_priors,
        seed=top["seed"],
        store=base / top["store"],
        replications=sim["replications"],
        settings=settings,
        fits_all=top["parameters"] == ALL,
    )


RUN_KEYS = ("zones", "scale", "actions")


def _setup(path: Path, where: str, table: dict, sim: dict) -> Setup:
    """A run: its zones, scale and actions (a named run's default to the simulation's)."""
    if table is not sim and (not isinstance(table, dict) or set(table) - set(RUN_KEYS)):
        raise ConfigError(f"{path}: {where}: expected a table with keys {list(RUN_KEYS)}")
    run = {key: table.get(key, sim[key]) for key in RUN_KEYS}
    scale = run["scale"]
    scales = scale.values() if isinstance(scale, dict) else [scale]
    if any(isinstance(s, bool) or not isinstance(s, int | float) for s in scales):
        raise ConfigError(
            f"{path}: {where}.scale: expected a number in (0, 1] or a table of zones to such"
        )
    if not all(0 < s <= 1 for s in scales):
        raise ConfigError(f"{path}: {where}.scale: out of range")
    try:
        zones = tuple(zone_id(z) for z in run["zones"])
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: {where}.zones: {exc}") from None
    return Setup(
        zones=zones,
        scale=dict(scale) if isinstance(scale, dict) else float(scale),
        months=sim["months"],
        start_year=sim["start_year"],
        start_month=sim["start_month"],
        actions=run["actions"],
    )


def _section(path: Path, section: str, data: dict) -> dict[str, Any]:
    table = data if section == "" else data.get(section, {})
    schema = SCHEMA[section]
    known = set(schema) | (set(SCHEMA) - {""} if section == "" else set())
    for key in table:
        if key not in known:
            name = f"{section}.{key}" if section else key
            raise ConfigError(f"{path}: {name}: unknown key{suggest(key, known)}")
    out = {}
    for key, (default, kind, expected) in schema.items():
        name = f"{section}.{key}" if section else key
        if key not in table:
            if default is None:
                raise ConfigError(f"{path}: {name}: missing, expected {expected}")
            out[key] = default
            continue
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, kind):
            raise ConfigError(f"{path}: {name}: got {value!r}, expected {expected}")
        out[key] = value
    return out
