"""The `inclusion-sim calibrate` and `inclusion-sim sensitivity` commands.

Their arguments are declared in `arguments.py` (`add_commands`), which imports this module only
when one of them runs; each returns an exit status. Work runs on the experiments' executors:
serially by default, a process pool with ``--workers N``, or a Dask cluster with
``--dask ADDRESS|local``; every evaluation is stored at once in the calibration's SQLite store,
and a rerun resumes from it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InclusionSimError
from ..experiment import executor
from ..files import prepare_folder
from .abc import abc_smc, history_frame
from .config import Config, ConfigError, load_config
from .optimise import optimise
from .posterior import (
    best_particle,
    markdown,
    packaged_path,
    predictive_table,
    write_calibrated,
)
from .priors import select
from .sensitivity import model_function, model_problem, morris, sobol
from .simulator import producible
from .store import Store


def guarded(command):
    """The command with the calibration's one-line errors and interrupt message."""

    def handler(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except InclusionSimError as exc:
            print(f"inclusion-sim: error: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print(
                "inclusion-sim: interrupted; evaluations so far are stored, rerun to resume",
                file=sys.stderr,
            )
            return 130

    return handler


@contextmanager
def _executor(args: argparse.Namespace) -> Iterator[Executor]:
    """The experiments' executors: serial, a process pool (--workers) or Dask (--dask)."""
    if args.workers < 1:
        raise ConfigError(f"--workers: got {args.workers}, expected an integer >= 1")
    with executor(args.workers, args.dask) as (pool, _):
        yield pool


def calibrate(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    out = prepare_folder(args.out or config.path.parent)
    targets = producible(config.setup, config.targets)
    store = Store(config.store)
    names = [p.name for p in config.priors]
    with _executor(args) as executor:
        if args.method == "abc":
            abc = config.section("abc")
            history = abc_smc(
                config.setup,
                targets,
                config.priors,
                abc["particles"],
                abc["generations"],
                abc["quantile"],
                abc["min_epsilon"],
                abc["min_acceptance"],
                config.seed,
                executor,
                store,
            )
            final = history[-1]
            history_frame(history, config.priors).to_csv(out / "abc_generations.csv", index=False)
            closest = np.argsort(final.distances)[: config.section("abc")["point_candidates"]]
            values, point_distance = best_particle(
                config.setup,
                targets,
                [dict(zip(names, final.values[i], strict=True)) for i in closest],
                config.seed,
                config.section("predictive")["replications"],
                executor,
                store,
            )
            posterior = (names, final.weights, final.values)
            rows = np.random.default_rng(config.seed).choice(
                len(final.weights), config.section("predictive")["draws"], p=final.weights
            )
            draws = [dict(zip(names, final.values[i], strict=True)) for i in rows]
            summary = {
                "generations": len(history),
                "epsilon": final.epsilon,
                "particles": len(final.weights),
                "point": "the last generation's particle with the smallest mean distance over "
                "predictive.replications seeds, among its abc.point_candidates closest ones",
                "point_distance": point_distance,
            }
        else:
            opt = config.section("optimise")
            result = optimise(
                config.setup,
                targets,
                config.priors,
                _seeds(config),
                executor,
                store,
                opt["maxiter"],
                opt["popsize"],
                config.seed,
            )
            values, posterior = result.values, None
            draws = [values] * config.section("predictive")["draws"]
            summary = {"distance": result.distance, "evaluations": result.evaluations}
        table = predictive_table(
            config.setup,
            targets,
            values,
            draws,
            config.seed,
            config.section("predictive")["replications"],
            executor,
            store,
        )
    table.to_csv(out / "posterior_predictive.csv", index=False)
    (out / "posterior_predictive.md").write_text(markdown(table), encoding="utf-8")
    path = args.calibrated or packaged_path()
    write_calibrated(path, values, _provenance(config, args.method, targets, summary), posterior)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(table.to_string(index=False, float_format=lambda v: f"{v:,.4g}"))
    print("\ncalibrated values:", ", ".join(f"{k} = {v:.4g}" for k, v in values.items()))
    print(f"wrote {path}, {out}/posterior_predictive.csv and .md")
    return 0


def sensitivity(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    out = prepare_folder(args.out or config.path.parent)
    settings = config.section("sensitivity")
    priors = (
        select(config.all_priors, settings["parameters"], f"{config.path}: sensitivity.parameters")
        if settings["parameters"]
        else config.priors
    )
    targets = producible(config.setup, config.targets)
    if settings["outputs"]:
        unknown = set(settings["outputs"]) - {t.figure_id for t in targets}
        if unknown:
            raise ConfigError(
                f"{config.path}: sensitivity.outputs: no usable target {sorted(unknown)}"
            )
        targets = [t for t in targets if t.figure_id in settings["outputs"]]
    outputs = [t.figure_id for t in targets]
    with _executor(args) as executor:
        function = model_function(
            config.setup, targets, priors, _seeds(config), executor, Store(config.store)
        )
        problem = model_problem(priors)
        if args.method == "sobol":
            table = sobol(problem, function, settings["sobol_n"], outputs, config.seed)
        else:
            table = morris(
                problem, function, settings["morris_trajectories"], outputs, seed=config.seed
            )
    table.to_csv(out / f"sensitivity_{args.method}.csv", index=False)
    with pd.option_context("display.width", 160, "display.max_rows", 500):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print(f"\nwrote {out}/sensitivity_{args.method}.csv")
    return 0


def _seeds(config: Config) -> list[int]:
    """Common random numbers: the same seeds for every candidate."""
    return [config.seed + i for i in range(config.replications)]


def _provenance(config: Config, method: str, targets, summary: dict) -> dict:
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "method": "ABC-SMC (inclusion_sim.calibration.abc)"
        if method == "abc"
        else "differential evolution with common random numbers",
        "config": str(config.path),
        "targets": [t.figure_id for t in targets],
        "seed": config.seed,
        "package_version": metadata.version("inclusion-sim"),
        "git_revision": _git_revision(),
        "zones": list(config.setup.zones),
        "scale": config.setup.scale,
        "months": config.setup.months,
        **{key: value for key, value in summary.items()},
    }


def _git_revision() -> str:
    here = Path(__file__).parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=here, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (with uncommitted changes)" if dirty else "")
