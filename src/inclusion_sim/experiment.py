"""Experiments: scenarios x replications (x parameter samples), run on any Executor, resumable.

Seeds: replication k of every scenario gets the same model seed, drawn from
`SeedSequence(experiment seed).spawn(...)[k]`, so scenarios share their random numbers (common
random numbers) and their differences are paired. Adding replications later keeps the earlier
seeds. Parameter samples (Latin hypercube or Sobol, scipy.stats.qmc) depend only on the
scenario's [samples] table and the experiment seed, so scenarios that share the table (e.g. via
`extends`) share the sampled points too.

Each finished run is handed to the parent process and written at once to the store
(`store.Store`); only a bounded number of runs is in flight, so memory stays flat in the number
of runs.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import multiprocessing
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc
from tqdm import tqdm

from . import catalogue
from .errors import InclusionSimError
from .files import prepare_folder, writer_lock
from .parameters import Parameters
from .preflight import check_run, zone_agents
from .scenario import Samples, Scenario, folder_name, load_scenario
from .simulation import run_model
from .store import Store, StoreError
from .tables import describe, write_units

PACKAGE = Path(__file__).resolve().parent
_SAMPLES_KEY = 0x5A3  # spawn key of the parameter-sample stream, apart from replication seeds


class ExperimentError(InclusionSimError):
    """An experiment cannot start (e.g. its Dask scheduler cannot be reached)."""


@dataclass(frozen=True)
class RunSpec:
    """Everything one run needs; picklable, so it travels to any executor's workers."""

    scenario: Scenario
    replication: int
    sample: int
    seed: int
    sampled: dict[str, float] = field(default_factory=dict)
    plugins: tuple[str, ...] = ()  # modules or .py files registering extra actions

    @property
    def run_id(self) -> str:
        name = folder_name(self.scenario.name)
        return f"{name}-r{self.replication:04d}-s{self.sample:04d}"

    def spec_hash(self) -> str:
        """Hash of what determines the results (not the scenario's comments)."""
        settings = asdict(self.scenario) | {"source": None, "path": None, "replications": None}
        key = [settings, self.replication, self.sample, self.seed, self.sampled]
        return hashlib.sha256(json.dumps(key, sort_keys=True, default=list).encode()).hexdigest()


def replication_seeds(seed: int, replications: int) -> list[int]:
    """Model seed of each replication, shared by every scenario (common random numbers)."""
    children = np.random.SeedSequence(seed).spawn(replications)
    return [int(child.generate_state(1)[0]) for child in children]


def draw_samples(samples: Samples | None, seed: int) -> list[dict[str, float]]:
    """Parameter values of each sample point ([{}] when the scenario has no [samples])."""
    if samples is None:
        return [{}]
    if samples.method == "posterior":
        from .calibration.posterior import posterior_draws

        return posterior_draws(samples.n, seed)
    names = list(samples.ranges)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_SAMPLES_KEY,)))
    if samples.method == "lhs":
        sampler = qmc.LatinHypercube(d=len(names), rng=rng)
    else:
        sampler = qmc.Sobol(d=len(names), scramble=True, rng=rng)
    low, high = zip(*samples.ranges.values(), strict=True)
    points = qmc.scale(sampler.random(samples.n), low, high)
    return [dict(zip(names, map(float, row), strict=True)) for row in points]


def plan(
    scenarios: Sequence[Scenario],
    replications: int,
    seed: int,
    plugins: Sequence[str] = (),
) -> list[RunSpec]:
    """The runs of an experiment, replication-major so early results cover every scenario."""
    seeds = replication_seeds(seed, replications)
    draws = {s.name: draw_samples(s.samples, seed) for s in scenarios}
    return [
        RunSpec(s, k, j, seeds[k], values, tuple(plugins))
        for k in range(replications)
        for s in scenarios
        for j, values in enumerate(draws[s.name])
    ]


def execute(spec: RunSpec) -> dict[str, Any]:
    """Run one spec (in a worker): its indicators, spending and resolved parameters."""
    for plugin in spec.plugins:
        load_plugin(plugin)
    started = time.perf_counter()
    scenario = replace(
        spec.scenario,
        seed=spec.seed,
        parameters={**spec.scenario.parameters, **spec.sampled},
    )
    model = run_model(scenario)
    keys = {"scenario": spec.scenario.name, "replication": spec.replication}
    keys |= {"sample": spec.sample, "seed": spec.seed}
    return {
        "indicators": describe(model.results(), model.declared_indicators(), keys),
        "spending": describe(model.ledger.entries(), keys=keys),
        "parameters": dict(model.params),
        "seconds": time.perf_counter() - started,
    }


def load_plugin(plugin: str) -> None:
    """Import a module by name, or a .py file by path (for actions that live outside the
    package, e.g. in tests); importing it registers its actions."""
    if not plugin.endswith(".py"):
        importlib.import_module(plugin)
        return
    name = Path(plugin).stem
    if name in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(name, plugin)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


class SerialExecutor(Executor):
    """Runs each task in the calling process when it is submitted (no pool, no pickling)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


@contextmanager
def executor(workers: int = 1, dask: str | None = None) -> Iterator[tuple[Executor, int]]:
    """An executor and its number of workers.

    `dask`: a scheduler address, or "local" for a LocalCluster of `workers` processes; otherwise a
    process pool of `workers` processes, or the calling process alone when `workers` is 1.
    A remote cluster's workers need inclusion_sim installed and any plugin file at its path.
    """
    if dask:
        from distributed import Client, LocalCluster

        if dask == "local":
            with (
                LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                ) as cluster,
                Client(cluster) as client,
            ):
                yield client.get_executor(), workers
        else:
            try:
                client = Client(dask, timeout="20s")
            except (OSError, ValueError) as exc:
                raise ExperimentError(
                    f"--dask {dask}: cannot reach the scheduler ({exc})"
                ) from None
            with client:
                yield client.get_executor(), max(len(client.scheduler_info()["workers"]), 1)
    elif workers <= 1:
        yield SerialExecutor(), 1
    else:
        with ProcessPoolExecutor(workers, mp_context=_warm_context()) as pool:
            yield pool, workers


# When a process pool pays for itself (the rule of `workers_worth_starting`).
POOL_START_SECONDS = 2.0  # a pool of 2 workers importing the package: 2.1 s measured (issue 17)
WARM_POOL_START_SECONDS = 0.1  # later pools fork from the warm server: 0.05 s measured
# A run's duration, roughly, with every action (measured, issue 17): a fixed set-up, a fixed
# cost per month (the actions' Python), and its agents at a rate (the core alone: 35-60 million).
RUN_SECONDS, MONTH_SECONDS, AGENT_MONTHS_PER_SECOND = 0.05, 0.002, 20e6
_forkserver_started = False


def _warm_context() -> multiprocessing.context.BaseContext:
    """The forkserver context, its server importing the package once: workers fork from it
    warm (no copy of the parent's threads or open files, no import of their own), and every
    later pool of this process starts in a twentieth of a second."""
    global _forkserver_started
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    _forkserver_started = True
    return context


def estimated_seconds(scenario: Scenario) -> float:
    """A run's rough duration (the warm-up's months counted as simulated months)."""
    agents = sum(households + persons for households, persons in zone_agents(scenario).values())
    months = scenario.months + Parameters(scenario.parameters)["warmup_months"]
    return RUN_SECONDS + months * (MONTH_SECONDS + agents / AGENT_MONTHS_PER_SECOND)


def workers_worth_starting(experiment: Experiment, workers: int) -> int:
    """Worker processes worth starting for the experiment's runs still to do: `workers`, or 1
    (the calling process) when the pool would not save its start-up. The rule: with n runs of
    mean estimated duration t, a pool of w workers saves (n - ceil(n / w)) x t; start it only
    if that is at least its start-up, POOL_START_SECONDS (WARM_POOL_START_SECONDS once this
    process has started one)."""
    finished = Store(experiment.out).finished()
    todo = [spec for spec in experiment.specs if spec.run_id not in finished]
    workers = min(workers, len(todo))
    if workers <= 1:
        return 1
    mean = sum(estimated_seconds(spec.scenario) for spec in todo) / len(todo)
    saved = (len(todo) - -(-len(todo) // workers)) * mean
    start = WARM_POOL_START_SECONDS if _forkserver_started else POOL_START_SECONDS
    return workers if saved >= start else 1


@dataclass(frozen=True)
class Experiment:
    """A validated experiment, before anything is written: its scenarios, runs and folder."""

    scenarios: list[Scenario]
    out: Path
    replications: int
    seed: int
    specs: list[RunSpec]
    question: str = ""


def plan_experiment(
    scenarios: Iterable[Scenario | str | Path],
    out: str | Path,
    replications: int | None = None,
    seed: int | None = None,
    plugins: Sequence[str] = (),
    question: str = "",
    memory_limit: float | None = None,
    parallel: int = 1,
) -> Experiment:
    """Validate an experiment without writing anything: scenario names whose folder forms
    differ, runs that fit in memory with `parallel` at a time (`preflight.check_run`, limit in
    GiB), and a folder `out` that is new or holds this same experiment."""
    scenarios = [s if isinstance(s, Scenario) else load_scenario(s) for s in scenarios]
    if not scenarios:
        raise InclusionSimError("an experiment needs at least one scenario")
    names = [s.name for s in scenarios]
    seen: dict[str, str] = {}  # folder form, ignoring case -> name
    for name in names:
        key = folder_name(name).casefold()
        if name in seen.values():
            raise StoreError(f"scenario name {name!r} is given twice; expected distinct names")
        if key in seen:
            other = seen[key]
            raise StoreError(
                f"scenarios {other!r} and {name!r} would share the run folders "
                f"{folder_name(name)!r}; expected names that differ by more than case or "
                "'_' for ' '"
            )
        seen[key] = name
    replications = replications or scenarios[0].replications
    seed = scenarios[0].seed if seed is None else seed
    specs = plan(scenarios, replications, seed, plugins)
    check_run(scenarios, memory_limit, min(parallel, len(specs)))
    store = Store(out)
    store.check(names)
    _check_settings(store, specs)
    return Experiment(scenarios, Path(out), replications, seed, specs, question)


def _check_settings(store: Store, specs: list[RunSpec]) -> dict[str, str]:
    """The finished runs (id -> spec hash); refuses runs made with other settings."""
    finished = store.finished()
    for spec in specs:
        if finished.get(spec.run_id, spec.spec_hash()) != spec.spec_hash():
            raise StoreError(
                f"{store.root}: run {spec.run_id} was made with other settings; "
                "use another output folder or delete this one"
            )
    return finished


def run_experiment(
    scenarios: Iterable[Scenario | str | Path] | Experiment,
    out: str | Path | None = None,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    in_flight: int | None = None,
    plugins: Sequence[str] = (),
    progress: bool = False,
    question: str = "",
    memory_limit: float | None = None,
) -> pd.DataFrame:
    """Run (or resume) an experiment into the folder `out`; its tidy indicators of every run.

    `scenarios` are objects or TOML paths, or an `Experiment` already planned. `replications`
    and `seed` default to the first scenario's. Everything is validated (`plan_experiment`)
    before the folder is created; runs already in `out` are skipped; one process at a time
    writes into a folder. At most `in_flight` runs are submitted at a time (1 for serial
    execution, else 32). `question`, if given, titles the report.
    """
    executor = executor or SerialExecutor()
    serial = isinstance(executor, SerialExecutor)
    if isinstance(scenarios, Experiment):
        experiment = scenarios
    else:
        parallel = 1 if serial else (os.cpu_count() or 1)
        experiment = plan_experiment(
            scenarios, out, replications, seed, plugins, question, memory_limit, parallel
        )
    store = Store(prepare_folder(experiment.out))
    with writer_lock(store.root):
        store.prepare()
        finished = _check_settings(store, experiment.specs)  # again, now that we hold the lock
        scenarios, specs = experiment.scenarios, experiment.specs
        previous = (store.experiment() or {}).get("replications", 0)
        seed = experiment.seed
        store.write_experiment(
            {
                "scenarios": [s.name for s in scenarios],
                "descriptions": {s.name: s.description for s in scenarios},
                "replications": max(experiment.replications, previous),
                "seed": seed,
                "samples": {s.name: len(draw_samples(s.samples, seed)) for s in scenarios},
                "start": f"{scenarios[0].start_year}-{scenarios[0].start_month:02d}",
                "question": experiment.question,
                "texts": {s.name: s.source for s in scenarios},
            }
        )
        todo = [spec for spec in specs if spec.run_id not in finished]
        provenance = _provenance()
        in_flight = in_flight or (1 if serial else 32)
        with tqdm(
            total=len(specs), initial=len(specs) - len(todo), unit="run", disable=not progress
        ) as bar:
            for spec, result in _completed(executor, todo, in_flight):
                store.write(
                    spec.run_id,
                    result["indicators"],
                    result["spending"],
                    _manifest(spec, result, provenance),
                )
                bar.update()
        indicators = store.load("indicators")
        names = indicators["indicator"].unique()
        write_units(store.root / "units.csv", catalogue.indicators().values(), names)
        return indicators


def _completed(
    executor: Executor, specs: list[RunSpec], in_flight: int
) -> Iterator[tuple[RunSpec, dict[str, Any]]]:
    """Results as they finish, with at most `in_flight` runs submitted at once."""
    queue = iter(specs)
    pending = {executor.submit(execute, s): s for s in islice(queue, in_flight)}
    try:
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                spec = pending.pop(future)
                yield spec, future.result()
                for nxt in islice(queue, 1):
                    pending[executor.submit(execute, nxt)] = nxt
    finally:
        for future in pending:
            future.cancel()


def _manifest(spec: RunSpec, result: dict[str, Any], provenance: dict[str, Any]) -> dict:
    scenario = asdict(spec.scenario)
    return {
        "run_id": spec.run_id,
        "scenario": spec.scenario.name,
        "replication": spec.replication,
        "sample": spec.sample,
        "spec_hash": spec.spec_hash(),
        "seed": spec.seed,
        "sampled_parameters": spec.sampled,
        "scenario_text": scenario.pop("source"),
        "scenario_settings": scenario,
        "parameters": result["parameters"],
        "seconds": round(result["seconds"], 3),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **provenance,
    }


def _provenance() -> dict[str, Any]:
    """Package version, git revision (when the package runs from a checkout), input data hash."""
    try:
        package_version = version("inclusion-sim")
    except PackageNotFoundError:
        package_version = None
    try:
        revision = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=PACKAGE,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        revision = ""
    digest = hashlib.sha256()
    for path in sorted(p for p in PACKAGE.rglob("*") if p.suffix in (".csv", ".toml")):
        digest.update(str(path.relative_to(PACKAGE)).encode())
        digest.update(path.read_bytes())
    return {
        "package_version": package_version,
        "git_revision": revision or None,
        "data_hash": digest.hexdigest(),
    }
