"""What each command of `inclusion-sim` does (run, experiment, compare, report, levers,
dashboard); `cli.py` parses the command line and imports this module only to run one, so that
`inclusion-sim --help` loads none of the libraries below."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from . import report
from .comparison import compare_folder, headline_names
from .drawing import Drawing
from .errors import InclusionSimError
from .experiment import executor, plan_experiment, run_experiment, workers_worth_starting
from .files import prepare_folder, write_atomically, writer_lock
from .plots import plot_indicators
from .preflight import check_run
from .scenario import ScenarioError, folder_name, load_scenario, with_overrides
from .simulation import run_model, summary
from .tables import describe, write_units


def _at_least_one(args: argparse.Namespace, *names: str) -> None:
    for name in names:
        value = getattr(args, name, None)
        if value is not None and value < 1:
            option = "--" + name.replace("_", "-")
            raise InclusionSimError(f"{option}: got {value}, expected an integer >= 1")
    if getattr(args, "seed", None) is not None and args.seed < 0:
        raise InclusionSimError(f"--seed: got {args.seed}, expected an integer >= 0")


def experiment(args: argparse.Namespace) -> int:
    out = _run_experiment(args, "experiment")
    print(f"Runs are in {out}/runs; compare them with: inclusion-sim compare {out}")
    return 0


def _run_experiment(args: argparse.Namespace, command: str) -> Path:
    """Validate every input and the folder, then run or resume the experiment; its folder.
    Returns holding nothing: the caller locks the folder again for what it writes next."""
    _at_least_one(args, "replications", "workers", "months")
    for plugin in args.plugin:
        _load_plugin(plugin)
    scenarios = [
        with_overrides(load_scenario(path), args.scale, args.months) for path in args.inputs
    ]
    out = args.out or Path("results") / _default_folder(command, scenarios)
    experiment = plan_experiment(
        scenarios,
        out,
        args.replications,
        args.seed,
        args.plugin,
        memory_limit=args.memory_limit,
        parallel=1 if args.dask else args.workers,
    )
    prepare_folder(out)
    workers = args.workers if args.dask else workers_worth_starting(experiment, args.workers)
    with executor(workers, args.dask) as (pool, workers):
        run_experiment(experiment, executor=pool, in_flight=2 * workers, progress=True)
    return out


def _default_folder(command: str, scenarios) -> str:
    """results/<command>-<names>, shortened when the names would make a very long folder name."""
    names = [folder_name(s.name) for s in scenarios]
    joined = "-".join([command, *names])
    return joined if len(joined) <= 120 else f"{command}-{names[0]}-and-{len(names) - 1}-more"


def _load_plugin(plugin: str) -> None:
    from .experiment import load_plugin

    try:
        load_plugin(plugin)
    except (ImportError, OSError, SyntaxError) as exc:
        raise ScenarioError(plugin, "--plugin", f"cannot import it ({exc})") from None


def compare(args: argparse.Namespace, drawing: Drawing) -> int:
    if len(args.inputs) == 1 and args.inputs[0].is_dir():
        out = args.inputs[0]
        for option in ("out", "replications", "seed", "scale", "months"):
            if getattr(args, option) is not None:
                raise InclusionSimError(
                    f"--{option}: not used when comparing the finished runs of {out}; expected "
                    "scenario files to run with it"
                )
        for plugin in args.plugin:
            _load_plugin(plugin)
    else:
        out = _run_experiment(args, "compare")
    with writer_lock(out):
        comparison = compare_folder(out)
        report.save(comparison, out, drawing)
    shown = None if args.all else headline_names(comparison.levels["indicator"].unique())
    which = "every indicator" if args.all else "headline indicators (--all for every one)"
    heading = f"last 12 months, {which}; difference paired with the first scenario"
    print(report.console(comparison, heading, shown))
    print(f"\nWrote tables (CSV) and figures (PNG) to {out}; report: inclusion-sim report {out}")
    return 0


def levers(args: argparse.Namespace) -> int:
    from .catalogue import levers, levers_markdown

    if args.markdown:
        print(levers_markdown(), end="")
        return 0
    table = levers()
    if args.action:
        if args.action not in set(table["action"]):
            known = ", ".join(sorted(set(table["action"])))
            raise InclusionSimError(f"--action: got {args.action!r}, expected one of {known}")
        table = table[table["action"] == args.action]
    columns = ["name", "action", "kind", "default", "unit", "low", "high"]
    with pd.option_context("display.width", 160, "display.max_rows", 1000):
        print(table[columns].to_string(index=False))
    return 0


def dashboard(args: argparse.Namespace) -> int:
    if args.scenario is not None:
        load_scenario(args.scenario)  # a bad file stops here, before the server starts
    if not 0 <= args.port <= 65535:
        raise InclusionSimError(f"--port: got {args.port}, expected 0 to 65535 (0: any free port)")
    try:
        from .dashboard import serve
    except ImportError as exc:
        raise InclusionSimError(
            f"the dashboard needs its optional dependencies ({exc.name} is missing): "
            "pip install 'inclusion-sim[dashboard]'"
        ) from None
    serve(args.scenario, args.host, args.port)  # prints the page's address; Ctrl-C stops it


def report_command(args: argparse.Namespace) -> int:
    path = report.write_report(args.folder, args.out)
    print(f"Wrote {path}")
    return 0


def run(args: argparse.Namespace, drawing: Drawing) -> int:
    _at_least_one(args, "months")
    scenario = with_overrides(load_scenario(args.scenario), args.scale, args.months, args.seed)
    check_run([scenario], args.memory_limit)
    out = prepare_folder(args.out or Path("results") / folder_name(scenario.name))
    with writer_lock(out):
        model = run_model(scenario, progress=True)
        results = model.results()
        start = f"{scenario.start_year}-{scenario.start_month:02d}"
        for stale in out.glob("indicators_*.png"):  # a previous run's figures
            stale.unlink()
        names = []
        for key, indicators in report.figure_groups(results["indicator"].unique()):
            title = f"{scenario.name}: {key.replace('_', ' ')}"
            names.append(f"indicators_{key}.png")
            drawing.write(plot_indicators, out / names[-1], results, indicators, start, title)
        table = summary(model, results)
        write_atomically(out / "indicators.csv", lambda p: results.to_csv(p, index=False))
        described = describe(results, model.declared_indicators(), {"scenario": scenario.name})
        write_atomically(out / "indicators.parquet", lambda p: described.to_parquet(p, index=False))
        write_units(out / "units.csv", model.declared_indicators().values())
        write_atomically(out / "summary.csv", lambda p: table.to_csv(p, index=False))
        drawing.wait()
    shown = (
        table if args.all else table[table["indicator"].isin(headline_names(table["indicator"]))]
    )
    which = "every indicator" if args.all else "headline indicators (--all for every one)"
    with pd.option_context(
        "display.width", 140, "display.max_rows", 2000, "display.float_format", "{:,.2f}".format
    ):
        print(
            f"\n{scenario.name}: {scenario.months} months from {start}, "
            f"scale {scenario.scale_label()}, seed {scenario.seed}; first and last 12 months, "
            f"{which}"
        )
        print(f"({report.SUMMARY})\n")
        print(shown.to_string(index=False, na_rep=""))
    written = ["indicators.csv", "indicators.parquet", "units.csv", "summary.csv", *names]
    print(f"\nWrote {out}/: {', '.join(written)}")
    return 0
