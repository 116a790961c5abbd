"""The `inclusion-sim calibrate`, `sensitivity`, `sensitivity-actions` and `validate` commands.

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
from ..parameters import Parameters
from .abc import abc_smc, history_frame
from .config import Config, ConfigError, load_config
from .identification import fitted_names, identification
from .optimise import optimise
from .outcomes import (
    load_studies,
    measure_next,
    morris_study,
    sobol_study,
    study_priors,
    top_parameters,
)
from .posterior import (
    best_particle,
    markdown,
    packaged_path,
    predictive_table,
    write_calibrated,
)
from .priors import Prior, select, with_prior_draws
from .screening import informative, screen
from .sensitivity import model_function, model_problem, morris, sobol
from .simulator import Runs, producible
from .store import Store
from .validation import load_validation, validate


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
    with _executor(args) as executor:
        priors, screened = _screened(config, targets, executor, store, out)
        names = [p.name for p in priors]
        if args.method == "abc":
            abc = config.section("abc")
            history = abc_smc(
                config.setup,
                targets,
                priors,
                abc["particles"],
                abc["generations"],
                abc["quantile"],
                abc["min_epsilon"],
                abc["min_acceptance"],
                config.seed,
                executor,
                store,
                kernel=abc["kernel"],
            )
            final = history[-1]
            history_frame(history, priors).to_csv(out / "abc_generations.csv", index=False)
            table = identification(
                _free(config),
                priors,
                final,
                screened,
                _raw_defaults(_free(config)),
                config.section("identification")["max_ratio"],
            )
            table.to_csv(out / "identification.csv", index=False)
            fitted = fitted_names(table)
            closest = np.argsort(final.distances)[: abc["point_candidates"]]
            values, point_distance = best_particle(
                config.setup,
                targets,
                [
                    {n: v for n, v in zip(names, final.values[i], strict=True) if n in fitted}
                    for i in closest
                ],
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
                "effective_size": final.effective_size,
                "point": "the last generation's particle with the smallest mean distance over "
                "predictive.replications seeds, among its abc.point_candidates closest ones, "
                "with only its fitted parameters (identification.csv) written",
                "point_distance": point_distance,
                "fitted": fitted,
                "priors_not_informed": [n for n in names if n not in fitted],
            }
        else:
            opt = config.section("optimise")
            result = optimise(
                config.setup,
                targets,
                priors,
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
        draws = with_prior_draws(draws, _free(config).values(), config.seed)
        if screened is not None:
            summary["screened_out"] = [
                p.name for p in _free(config).values() if p.fit and p.name not in names
            ]
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


def _free(config: Config) -> dict[str, Prior]:
    """Every free parameter the calibration considers: the fitted list, or with "all" every
    ranged parameter (inputs included, reported as such)."""
    return config.all_priors if config.fits_all else {p.name: p for p in config.priors}


def _raw_defaults(priors: dict[str, Prior]) -> dict[str, float]:
    raw = Parameters(calibrated=False)
    return {name: raw[name] for name in priors}


def _screened(config: Config, targets, executor, store, out: Path):
    """The priors to fit: those screening finds informative (screening.csv), or all of them."""
    settings = config.section("screening")
    if settings["trajectories"] == 0:
        return config.priors, None
    table = screen(
        config.setup,
        targets,
        config.priors,
        _seeds(config),
        settings["trajectories"],
        settings["min_effect"],
        settings["noise_seeds"],
        settings["noise_factor"],
        config.seed,
        executor,
        store,
    )
    table.to_csv(out / "screening.csv", index=False)
    chosen = set(informative(table))
    if not chosen:
        raise ConfigError(f"{config.path}: screening found no parameter that moves a target")
    return [p for p in config.priors if p.name in chosen], table


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


def sensitivity_actions(args: argparse.Namespace) -> int:
    """Morris on every ranged parameter, or Sobol on each action's top ones (from the Morris
    table); each action's rows replace its earlier ones in the shipped tables."""
    studies = load_studies(args.config)
    out = prepare_folder(args.out or studies.path.parent)
    names = args.action or list(studies.studies)
    unknown = sorted(set(names) - set(studies.studies))
    if unknown:
        raise ConfigError(f"--action: {unknown} not in {studies.path}")
    store = Store(studies.store)
    seeds = [studies.seed + i for i in range(studies.replications)]
    morris_path = out / "sensitivity_actions_morris.csv"
    tables = []
    with _executor(args) as executor:
        for name in names:
            study = studies.studies[name]
            priors = study_priors(studies, study)
            if args.method == "morris":
                tables.append(
                    morris_study(
                        study, priors, studies.trajectories, seeds, studies.seed, executor, store
                    )
                )
                continue
            if not morris_path.is_file():
                raise ConfigError(f"{morris_path}: run --method morris first (Sobol's parameters)")
            screened = pd.read_csv(morris_path)
            top = top_parameters(screened[screened["action"] == name], study, studies.sobol_top)
            chosen = [p for p in priors if p.name in top]
            small = studies.sobol_setups[name]
            tables.append(
                sobol_study(small, chosen, studies.sobol_n, seeds, studies.seed, executor, store)
            )
    path = out / f"sensitivity_actions_{args.method}.csv"
    table = _merged(path, pd.concat(tables, ignore_index=True), names)
    table.to_csv(path, index=False)
    with pd.option_context("display.width", 160, "display.max_rows", 500):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print(f"wrote {path}")
    sobol_path = out / "sensitivity_actions_sobol.csv"
    ranking = measure_next(
        pd.read_csv(morris_path),
        pd.read_csv(sobol_path) if sobol_path.is_file() else None,
        studies.priors,
    )
    ranking.to_csv(out / "what_to_measure.csv", index=False)
    print(f"wrote {out}/what_to_measure.csv")
    return 0


def _merged(path: Path, new: pd.DataFrame, actions: list[str]) -> pd.DataFrame:
    """The new rows with the rows of the other actions already in the file."""
    if not path.is_file():
        return new
    old = pd.read_csv(path)
    return pd.concat([old[~old["action"].isin(actions)], new], ignore_index=True)


def validate_command(args: argparse.Namespace) -> int:
    validation = load_validation(args.config)
    out = prepare_folder(args.out or validation.path.parent)
    with _executor(args) as executor:
        table = validate(validation, executor=executor)
    table.to_csv(out / "validation.csv", index=False)
    (out / "validation.md").write_text(markdown(table), encoding="utf-8")
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        shown = table.drop(columns=["source", "note"])
        print(shown.to_string(index=False, float_format=lambda v: f"{v:,.4g}"))
    inside = int(table["inside"].sum())
    print(f"\n{inside} of {len(table)} held-out figures inside their 90% predictive interval")
    print(f"wrote {out}/validation.csv and .md")
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
        **_run_provenance(config),
        **{key: value for key, value in summary.items()},
    }


def _scale_label(scale: float | dict) -> str:
    """'0.05', or 'saint_fons 1, rest 0.05' for a per-zone scale."""
    if isinstance(scale, dict):
        return ", ".join(f"{zone} {value:g}" for zone, value in scale.items())
    return f"{scale:g}"


def _run_provenance(config: Config) -> dict:
    """The simulation's description (each run's, for several runs)."""
    setup = config.setup
    runs = setup.runs if isinstance(setup, Runs) else (("simulation", setup),)
    described = [
        f"{name}: {' '.join(run.zones)} at scale {_scale_label(run.scale)} with "
        f"{' '.join(run.actions) or 'no action'}"
        for name, run in runs
    ]
    first = runs[0][1]
    return {"runs": described, "months": first.months, "start_year": first.start_year}


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
