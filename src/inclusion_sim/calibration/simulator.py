"""Simulating candidate parameter values into target statistics, serially or on an executor.

Candidates run on the raw packaged defaults, not on an earlier calibration, so that calibrating
twice from the same inputs gives the same result. Any ``concurrent.futures.Executor`` works (the
setup and the job function are picklable); finished evaluations go to the store at once.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import asdict, dataclass, field
from functools import cache

import numpy as np
from tqdm import tqdm

from ..model import InclusionModel
from ..parameters import Parameters, load_calibrated
from ..territory.zones import ALL_ZONES
from .derived import DERIVED
from .store import Store, evaluation_key
from .targets import Target, usable, why_not, zone_column


@dataclass(frozen=True)
class Setup:
    """What one evaluation simulates (everything but the free parameters and the seed)."""

    zones: tuple[str, ...] = ALL_ZONES
    scale: float | dict = 0.02  # one share for every zone, or zone -> share
    months: int = 24
    start_year: int = 2017
    start_month: int = 1
    actions: dict = field(default_factory=dict)
    marginals: dict = field(default_factory=dict)

    def context(self, targets: list[Target]) -> str:
        """The text that, with parameters and seed, determines an evaluation (store key)."""
        spec = [(t.indicator, t.zone, t.statistic) for t in targets]
        return json.dumps([asdict(self), spec], sort_keys=True, default=str)


@dataclass(frozen=True)
class Runs:
    """Several runs per evaluation, e.g. the pilot communes at a larger scale beside the whole
    Metropolis at a small one, so that a small programme has enough agents and the Metropolis's
    figures their Territory total; each run gets the candidate's parameters and seed. Each target
    is read from the first run that can produce it (its indicator, zone and months)."""

    runs: tuple[tuple[str, Setup], ...]  # (name, setup), in order of preference

    def context(self, targets: list[Target]) -> str:
        spec = [(t.indicator, t.zone, t.statistic) for t in targets]
        runs = [(name, asdict(setup)) for name, setup in self.runs]
        return json.dumps([runs, spec], sort_keys=True, default=str)

    def assign(self, targets: list[Target]) -> list[int | None]:
        """The run each target is read from (None: no run produces it)."""
        produced = [_produced(setup) for _, setup in self.runs]
        return [
            next(
                (
                    k
                    for k, (_, setup) in enumerate(self.runs)
                    if why_not(t, produced[k], setup.zones, setup.months) is None
                ),
                None,
            )
            for t in targets
        ]


def _produced(setup: Setup) -> frozenset[str]:
    """The indicators a setup's runs report (derived ones included)."""
    return _produced_by(json.dumps(asdict(setup), sort_keys=True, default=str))


@cache
def _produced_by(setup_json: str) -> frozenset[str]:
    model = _model(Setup(**json.loads(setup_json)), {}, 0)
    return frozenset(model.current_indicators()) | frozenset(DERIVED)


@cache
def _raw_defaults_of_calibrated() -> dict:
    """Raw defaults of the parameters that the packaged calibrated file changes."""
    raw = Parameters(calibrated=False)
    return {name: raw[name] for name in load_calibrated()[0]}


def _model(setup: Setup, parameters: dict, seed: int) -> InclusionModel:
    return InclusionModel(
        zones=setup.zones,
        scale=setup.scale,
        seed=seed,
        start_year=setup.start_year,
        start_month=setup.start_month,
        parameters=_raw_defaults_of_calibrated() | parameters,
        marginals=setup.marginals,
        actions=setup.actions,
    )


def _indicators(model: InclusionModel, derived: list[str]) -> dict[str, np.ndarray]:
    values = model.current_indicators()
    values.update({name: DERIVED[name](model) for name in derived})
    return values


def _derived(targets: list[Target]) -> list[str]:
    """The derived indicators the targets read (the others are not computed)."""
    return sorted({name for t in targets for name in t.indicators if name in DERIVED})


def simulate(setup: Setup | Runs, targets: list[Target], parameters: dict, seed: int) -> np.ndarray:
    """The targets' statistics for one run, or each from its run (NaN where a target cannot be
    produced)."""
    if isinstance(setup, Runs):
        out = np.full(len(targets), np.nan)
        assignment = setup.assign(targets)
        for k, (_, run) in enumerate(setup.runs):
            mine = [i for i, a in enumerate(assignment) if a == k]
            if mine:
                out[mine] = simulate(run, [targets[i] for i in mine], parameters, seed)
        return out
    model = _model(setup, parameters, seed)
    derived = _derived(targets)
    rows = [_indicators(model, derived)]
    for _ in range(setup.months):
        model.step()
        rows.append(_indicators(model, derived))
    series = {name: np.vstack([r[name] for r in rows]) for name in rows[0]}
    out = []
    for t in targets:
        column = zone_column(t, setup.zones)
        known = column is not None and all(n in series for n in t.indicators)
        out.append(t.compute(series, column) if known else np.nan)
    return np.array(out)


def producible(setup: Setup | Runs, targets: list[Target]) -> list[Target]:
    """The targets this setup (or one of the runs) can produce; others skipped with a warning."""
    if isinstance(setup, Runs):
        assignment = setup.assign(targets)
        missing = [t for t, a in zip(targets, assignment, strict=True) if a is None]
        for t in missing:
            warnings.warn(f"target {t.figure_id} skipped: no run produces it", stacklevel=2)
        return [t for t in targets if t not in missing]
    return usable(targets, _produced(setup), setup.zones, setup.months)


def _job(args) -> np.ndarray:
    return simulate(*args)


def evaluate(
    setup: Setup | Runs,
    targets: list[Target],
    candidates: Sequence[dict[str, float]],
    seeds: Sequence[int],
    executor: Executor | None = None,
    store: Store | None = None,
    desc: str = "simulations",
    progress: bool = True,
) -> np.ndarray:
    """Statistics of each (candidate, seed) pair: an array (len(candidates), len(targets))."""
    return run_batch(
        _job,
        (setup, targets),
        setup.context(targets),
        len(targets),
        candidates,
        seeds,
        executor,
        store,
        desc,
        progress,
    )


def run_batch(
    job: Callable[[tuple], np.ndarray],
    fixed: tuple,
    context: str,
    width: int,
    candidates: Sequence[dict[str, float]],
    seeds: Sequence[int],
    executor: Executor | None = None,
    store: Store | None = None,
    desc: str = "simulations",
    progress: bool = True,
) -> np.ndarray:
    """`job((*fixed, parameters, seed))` -> `width` statistics for each (candidate, seed) pair,
    found in the store or computed (serially or on the executor) and stored at once. `job` and
    `fixed` must be picklable; `context` is what, with the parameters and seed, determines a
    result (the store key)."""
    if len(candidates) != len(seeds):
        raise ValueError(f"{len(candidates)} candidates but {len(seeds)} seeds")
    store = store if store is not None else Store()
    keys = [evaluation_key(context, c, int(s)) for c, s in zip(candidates, seeds, strict=True)]
    out = np.full((len(candidates), width), np.nan)
    todo = []
    for i, key in enumerate(keys):
        cached = store.get(key)
        if cached is None:
            todo.append(i)
        else:
            out[i] = cached
    bar = tqdm(
        total=len(todo), desc=desc, unit="run", disable=not progress or not todo, leave=False
    )
    jobs = {i: (*fixed, dict(candidates[i]), int(seeds[i])) for i in todo}

    def done(i: int, stats: np.ndarray) -> None:
        out[i] = stats
        store.put(keys[i], jobs[i][-2], jobs[i][-1], stats)
        bar.update()

    if executor is None:
        for i in todo:
            done(i, job(jobs[i]))
    else:
        futures = {executor.submit(job, jobs[i]): i for i in todo}
        for future in as_completed(futures):
            done(futures[future], future.result())
    bar.close()
    return out
