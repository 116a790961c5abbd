"""Sensitivity of the actions: which uncertain parameters move each action's outcome and its cost
per outcome.

A study of an action (`Study`) runs the action with its levers on its own territory (a flow is
summed over the run, any other indicator read at the horizon) and, when
the outcome is not already net of what happens without the action, a reference run with the
action's "off" levers, on the same seed and parameters (common random numbers). Per run it
returns the outcome gained (signed so that a gain is positive), the cost (the ledger's spending,
or an indicator of the action's own costs when it pays in kind) and their ratio, the cost per
outcome. Morris screening covers every ranged parameter that can act on the run (the core's and
the action's own); Sobol indices (Saltelli sampling) the ones that move the cost per outcome
most. Inputs are prior quantiles, as in `sensitivity.py`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, field, replace
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..actions import REGISTRY
from ..model import InclusionModel
from ..territory.zones import zone_id
from ..tomlfile import read_toml
from .config import ConfigError
from .priors import Prior, at_quantiles, load_priors
from .sensitivity import model_problem, morris, sobol
from .simulator import run_batch
from .store import Store

LEDGER = "ledger"
OUTPUTS = ("gain", "cost", "cost_per_outcome")


@dataclass(frozen=True)
class Study:
    """One action's runs: territory, horizon, levers, the reference's levers, outcome, cost."""

    action: str
    outcome: str
    increase: bool  # the outcome's direction: a gain is an increase (else a decrease)
    zones: tuple[str, ...]
    scale: float
    months: int
    levers: dict = field(default_factory=dict)
    reference: dict | None = None  # None: the outcome is already net of the action's absence
    cost: str = LEDGER
    start_year: int = 2017

    def context(self) -> str:
        return json.dumps(["outcomes", asdict(self)], sort_keys=True, default=str)

    def owns(self, parameter: str) -> bool:
        """Whether a parameter can act on the study's runs (the core's or this action's)."""
        prefix = parameter.split(".")[0] if "." in parameter else None
        return prefix is None or prefix == self.action


def _run(study: Study, levers: dict, parameters: dict, seed: int) -> tuple[float, float]:
    """The outcome's value at the horizon (Territory) and the cost of one run."""
    model = InclusionModel(
        zones=study.zones,
        scale=study.scale,
        seed=seed,
        start_year=study.start_year,
        parameters=parameters,
        actions={study.action: levers},
    )
    for _ in range(study.months):
        model.step()
    outcome = _over_run(model, study.outcome)
    if study.cost == LEDGER:
        return outcome, float(model.ledger.entries()["amount"].sum())
    return outcome, _over_run(model, study.cost)


def _over_run(model: InclusionModel, name: str) -> float:
    """An indicator's value for the whole run (Territory, or the only zone): the sum over the
    months of a flow, else its value at the horizon."""
    if model.declared_indicators()[name].kind == "flow":
        return float(model.datacollector.get_model_vars_dataframe()[name].iloc[1:].sum())
    return float(model.current_indicators()[name][-1])


def outcome_job(args) -> np.ndarray:
    """(study, parameters, seed) -> gain, cost, cost per outcome (see `Study`)."""
    study, parameters, seed = args
    outcome, cost = _run(study, study.levers, parameters, seed)
    if study.reference is not None:
        base, base_cost = _run(study, study.reference, parameters, seed)
        outcome, cost = outcome - base, cost - base_cost
    gain = outcome if study.increase else -outcome
    return np.array([gain, cost, cost / gain if gain > 0 else np.nan])


def evaluate_study(
    study: Study,
    candidates: Sequence[dict[str, float]],
    seeds: Sequence[int],
    executor: Executor | None = None,
    store: Store | None = None,
    progress: bool = True,
) -> np.ndarray:
    """(len(candidates), 3): gain, cost and cost per outcome of each (candidate, seed)."""
    return run_batch(
        outcome_job,
        (study,),
        study.context(),
        len(OUTPUTS),
        candidates,
        seeds,
        executor,
        store,
        f"{study.action}",
        progress,
    )


def study_function(study, priors, seeds, executor=None, store=None, progress=True):
    """Samples of prior quantiles -> the study's outputs (`output_names`), from gain and cost
    averaged over the same seeds."""
    seeds = list(seeds)

    def function(x: np.ndarray) -> np.ndarray:
        candidates = [at_quantiles(priors, row) for row in x]
        runs = [c for c in candidates for _ in seeds]
        stats = evaluate_study(study, runs, seeds * len(x), executor, store, progress)
        stats = stats.reshape(len(x), len(seeds), len(OUTPUTS))
        gain, cost = stats[..., 0].mean(axis=1), stats[..., 1].mean(axis=1)
        per_outcome = np.divide(cost, gain, out=np.full(len(x), np.nan), where=gain > 0)
        per_million = np.divide(1e6 * gain, cost, out=np.full(len(x), np.nan), where=cost > 0)
        return np.column_stack([gain, per_outcome, per_million])

    return function


def output_names(study: Study) -> list[str]:
    """The outcome gained, its cost per unit, and units gained per million euros (the same
    ratio upside down, defined when some samples gain nothing)."""
    return [study.outcome, f"cost_per_{study.outcome}", f"{study.outcome}_per_million_eur"]


def morris_study(study, priors, trajectories, seeds, seed=0, executor=None, store=None):
    """Morris indices of every prior on the study's outputs, with mu* also relative to the
    output at the prior centre (comparable across outputs). An output that is undefined for
    some sample (a cost per outcome where nothing was gained) is left out."""
    function = study_function(study, priors, seeds, executor, store)
    table = morris(model_problem(priors), function, trajectories, output_names(study), seed=seed)
    centre = function(np.full((1, len(priors)), 0.5))[0]
    at_centre = dict(zip(output_names(study), centre, strict=True))
    table.insert(0, "action", study.action)
    table["at_prior_centre"] = table["output"].map(at_centre)
    table["relative_mu_star"] = table["mu_star"] / table["at_prior_centre"].abs()
    return table.dropna(subset=["mu_star"]).reset_index(drop=True)


def sobol_study(study, priors, n, seeds, seed=0, executor=None, store=None):
    function = study_function(study, priors, seeds, executor, store)
    table = sobol(model_problem(priors), function, n, output_names(study), seed=seed)
    table.insert(0, "action", study.action)
    return table.dropna(subset=["ST"]).reset_index(drop=True)


# --- the studies file ---------------------------------------------------------------------
STUDY_KEYS = {
    "zones",
    "scale",
    "months",
    "levers",
    "reference",
    "cost",
    "outcome",
    "direction",
    "sobol",
}


@dataclass(frozen=True)
class Studies:
    path: Path
    studies: dict[str, Study]
    sobol_setups: dict[str, Study]  # the same studies at Sobol's (smaller) size
    priors: dict[str, Prior]
    seed: int
    store: Path
    replications: int
    trajectories: int
    sobol_n: int
    sobol_top: int


def load_studies(path: str | PathLike) -> Studies:
    """Read an action-sensitivity file (calibration/actions_sensitivity.toml)."""
    path = Path(path)
    data, _ = read_toml(path, lambda message: ConfigError(f"{path}: {message}"))
    known = {"priors", "seed", "store", "replications", "morris", "sobol", "actions"}
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {sorted(unknown)}; expected {sorted(known)}")
    studies, small = {}, {}
    for name, spec in data.get("actions", {}).items():
        studies[name] = _study(path, name, spec)
        small[name] = replace(studies[name], **spec.get("sobol", {}))
    morris_settings, sobol_settings = data.get("morris", {}), data.get("sobol", {})
    n = sobol_settings.get("n", 512)
    if n < 2 or n & (n - 1):
        raise ConfigError(f"{path}: sobol.n: got {n}, expected a power of 2")
    return Studies(
        path=path,
        studies=studies,
        sobol_setups=small,
        priors=load_priors(path.parent / data.get("priors", "priors.toml")),
        seed=data.get("seed", 0),
        store=path.parent / data.get("store", "store_actions.sqlite"),
        replications=data.get("replications", 1),
        trajectories=morris_settings.get("trajectories", 6),
        sobol_n=n,
        sobol_top=sobol_settings.get("top", 4),
    )


def _study(path: Path, name: str, spec: dict[str, Any]) -> Study:
    where = f"{path}: actions.{name}"
    if name not in REGISTRY:
        raise ConfigError(f"{where}: unknown action; expected one of {sorted(REGISTRY)}")
    if not isinstance(spec, dict) or set(spec) - STUDY_KEYS:
        raise ConfigError(f"{where}: expected a table with keys {sorted(STUDY_KEYS)}")
    declared = {i.name: i for i in REGISTRY[name].outputs}
    headline = [i.name for i in REGISTRY[name].outputs if i.outcome and i.headline]
    outcome = spec.get("outcome", headline[0] if headline else None)
    if outcome not in declared:
        raise ConfigError(f"{where}.outcome: {outcome!r} is not an indicator of the action")
    way = declared[outcome].outcome or spec.get("direction")
    if way not in ("increase", "decrease"):
        raise ConfigError(
            f"{where}.direction: {outcome} declares no direction; expected 'increase' or 'decrease'"
        )
    cost = spec.get("cost", LEDGER)
    if cost != LEDGER and cost not in declared:
        raise ConfigError(f"{where}.cost: expected 'ledger' or an indicator of the action")
    try:
        zones = tuple(zone_id(z) for z in spec.get("zones", ()))
    except ValueError as exc:
        raise ConfigError(f"{where}.zones: {exc}") from None
    return Study(
        action=name,
        outcome=outcome,
        increase=way == "increase",
        zones=zones,
        scale=spec.get("scale", 0.05),
        months=spec.get("months", 36),
        levers=spec.get("levers", {}),
        reference=spec.get("reference"),
        cost=cost,
    )


def study_priors(studies: Studies, study: Study) -> list[Prior]:
    """Every ranged parameter that can act on the study's runs, inputs included."""
    return [p for name, p in studies.priors.items() if study.owns(name)]


def cost_output(table: pd.DataFrame, study: Study) -> str:
    """The cost-per-outcome output of a table: the cost per outcome if every sample gained
    something, else units gained per million euros."""
    names = output_names(study)
    return names[1] if (table["output"] == names[1]).any() else names[2]


def top_parameters(table: pd.DataFrame, study: Study, k: int) -> list[str]:
    """The k parameters whose Morris mu* on the cost per outcome is largest."""
    cost = table[table["output"] == cost_output(table, study)]
    return list(cost.sort_values("mu_star", ascending=False)["parameter"].head(k))


# --- what to measure next ------------------------------------------------------------------
UNSOURCED = ("assumption", "prior", "not in the document", "behavioural", "no quantitative")


def unsourced(prior: Prior) -> bool:
    """A parameter no publication pins down: not an input, and its source says it is a prior
    or an assumption (rather than citing literature.md or an official statistic)."""
    text = prior.source.lower()
    cited = text.startswith(("literature.md", "input"))
    return prior.fit and not cited and any(mark in text for mark in UNSOURCED)


def measure_next(
    morris_table: pd.DataFrame,
    sobol_table: pd.DataFrame | None,
    priors: dict[str, Prior],
    k: int = 3,
) -> pd.DataFrame:
    """Per action, the unsourced parameters that move the cost per outcome most: what the
    Metropolis would gain most from measuring. Ranked by Morris mu* (which covers every
    parameter), with the total and first-order Sobol indices of those Sobol also covered."""
    rows = []
    for action, group in morris_table.groupby("action", sort=False):
        output = _cost_output_of(group)
        cost = group[(group["output"] == output) & group["parameter"].map(_unsourced_name(priors))]
        for rank, row in enumerate(
            cost.sort_values("mu_star", ascending=False).head(k).itertuples(), start=1
        ):
            st, s1 = _sobol_indices(sobol_table, action, row.parameter, output)
            prior = priors[row.parameter]
            rows.append(
                {
                    "action": action,
                    "rank": rank,
                    "parameter": row.parameter,
                    "output": output,
                    "mu_star": row.mu_star,
                    "relative_mu_star": row.relative_mu_star,
                    "ST": st,
                    "S1": s1,
                    "prior": f"{prior.low:g}-{prior.high:g}",
                    "source": prior.source,
                }
            )
    return pd.DataFrame(rows)


def _cost_output_of(group: pd.DataFrame) -> str:
    """An action's cost-per-outcome output in a table: the cost per outcome if it is there (every
    sample gained something), else units gained per million euros."""
    names = set(group["output"])
    per_outcome = [n for n in names if n.startswith("cost_per_")]
    return (
        per_outcome[0] if per_outcome else next(n for n in names if n.endswith("_per_million_eur"))
    )


def _unsourced_name(priors: dict[str, Prior]):
    return lambda name: unsourced(priors[name])


def _sobol_indices(table, action: str, parameter: str, output: str) -> tuple[float, float]:
    """ST and S1 of a parameter on the action's cost output (either form) if Sobol covered it."""
    if table is None:
        return np.nan, np.nan
    rows = table[(table["action"] == action) & (table["parameter"] == parameter)]
    rows = rows[
        rows["output"].str.startswith("cost_per_") | rows["output"].str.endswith("_per_million_eur")
    ]
    if rows.empty:
        return np.nan, np.nan
    same = rows[rows["output"] == output]
    row = (same if len(same) else rows).iloc[0]
    return float(row["ST"]), float(row["S1"])
