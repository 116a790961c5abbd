"""The `inclusion-sim` command line."""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pandas as pd

from . import report
from .calibration.cli import add_commands as add_calibration_commands
from .comparison import compare_folder, headline, outcome_zone
from .errors import InclusionSimError
from .experiment import executor, run_experiment
from .files import write_atomically
from .plots import plot_indicators
from .scenario import ScenarioError, load_scenario
from .simulation import simulate, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="inclusion-sim",
        description="Agent-based simulation of the Metropolis of Lyon's inclusion actions.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="simulate one scenario file")
    run.add_argument(
        "scenario", type=Path, help="scenario file (TOML), e.g. scenarios/baseline.toml"
    )
    run.add_argument("--out", type=Path, help="output folder (default: results/<scenario name>)")
    run.add_argument("--seed", type=int, help="seed overriding the scenario's")

    experiment = commands.add_parser(
        "experiment", help="run scenarios x replications into a resumable results folder"
    )
    compare = commands.add_parser(
        "compare", help="run (or resume) an experiment and compare its scenarios to the first"
    )
    for sub in (experiment, compare):
        sub.add_argument(
            "inputs",
            nargs="+",
            type=Path,
            help="scenario files (TOML); the first is the reference"
            + ("; or one experiment folder" if sub is compare else ""),
        )
        sub.add_argument(
            "--out", type=Path, help="results folder (default: results/<command>-<names>)"
        )
        sub.add_argument("--replications", type=int, help="overrides the first scenario's")
        sub.add_argument("--seed", type=int, help="experiment seed (default: the first scenario's)")
        sub.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="worker processes (default: one per core; 1 runs in this process)",
        )
        sub.add_argument(
            "--dask",
            metavar="ADDRESS",
            help="run on the Dask scheduler at ADDRESS, or 'local' for a LocalCluster of --workers",
        )
        sub.add_argument(
            "--plugin",
            action="append",
            default=[],
            help="module or .py file registering extra actions (repeatable)",
        )
    rep = commands.add_parser("report", help="write one self-contained HTML report of a comparison")
    rep.add_argument("folder", type=Path, help="a folder written by `inclusion-sim compare`")
    rep.add_argument("--out", type=Path, help="HTML file (default: FOLDER/report.html)")
    catalogue = commands.add_parser(
        "levers", help="list every lever and parameter (default, unit, range, source)"
    )
    catalogue.add_argument("--action", help="only this action's (or 'core')")
    catalogue.add_argument("--markdown", action="store_true", help="docs/levers.md as Markdown")
    add_calibration_commands(commands)  # calibrate, sensitivity: they handle their own errors

    args = parser.parse_args(argv)
    if hasattr(args, "handler"):
        return args.handler(args)
    command = {
        "run": _run,
        "experiment": _experiment,
        "compare": _compare,
        "report": _report,
        "levers": _levers,
    }
    try:
        return command[args.command](args)
    except InclusionSimError as exc:
        print(f"inclusion-sim: error: {exc}", file=sys.stderr)
        return 2
    except BrokenProcessPool:
        print(
            "inclusion-sim: error: a worker process died (out of memory?); finished runs are "
            "kept; run the same command again to resume",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        if args.command in ("experiment", "compare"):
            message = "finished runs are kept; run the same command again to resume"
        else:
            message = "nothing was written"
        print(f"inclusion-sim: interrupted; {message}", file=sys.stderr)
        return 130


def _experiment(args: argparse.Namespace) -> int:
    out = _run_experiment(args, "experiment")
    print(f"Runs are in {out}/runs; compare them with: inclusion-sim compare {out}")
    return 0


def _run_experiment(args: argparse.Namespace, command: str) -> Path:
    """Validate every input, then run or resume the experiment; its folder."""
    for name in ("replications", "workers"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise ScenarioError(
                args.inputs[0], f"--{name}", f"got {value}, expected an integer >= 1"
            )
    if args.seed is not None and args.seed < 0:
        raise ScenarioError(args.inputs[0], "--seed", f"got {args.seed}, expected an integer >= 0")
    for plugin in args.plugin:
        _load_plugin(plugin)
    scenarios = [load_scenario(path) for path in args.inputs]
    out = args.out or Path("results") / "-".join([command, *(s.name for s in scenarios)])
    with executor(args.workers, args.dask) as (pool, workers):
        run_experiment(
            scenarios,
            out,
            replications=args.replications,
            seed=args.seed,
            executor=pool,
            in_flight=2 * workers,
            plugins=args.plugin,
            progress=True,
        )
    return out


def _load_plugin(plugin: str) -> None:
    from .experiment import load_plugin

    try:
        load_plugin(plugin)
    except (ImportError, OSError) as exc:
        raise ScenarioError(plugin, "--plugin", f"cannot import it ({exc})") from None


def _compare(args: argparse.Namespace) -> int:
    if len(args.inputs) == 1 and args.inputs[0].is_dir():
        out = args.inputs[0]
        for plugin in args.plugin:
            _load_plugin(plugin)
    else:
        out = _run_experiment(args, "compare")
    comparison = compare_folder(out)
    report.save(comparison, out)
    zone = outcome_zone(comparison.levels)
    with pd.option_context(
        "display.width", 140, "display.max_rows", 400, "display.float_format", "{:,.2f}".format
    ):
        print(
            f"\n{zone}, mean over the last 12 months; difference paired with the first scenario\n"
        )
        print(headline(comparison, zone).to_string(index=False, na_rep=""))
        if not comparison.costs.empty:
            print("\nCost per outcome (euros of extra spending per unit gained, 90% CI)\n")
            print(comparison.costs.to_string(index=False))
    print(f"\nWrote tables (CSV) and figures (PNG) to {out}; report: inclusion-sim report {out}")
    return 0


def _levers(args: argparse.Namespace) -> int:
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


def _report(args: argparse.Namespace) -> int:
    path = report.write_report(args.folder, args.out)
    print(f"Wrote {path}")
    return 0


def _run(args: argparse.Namespace) -> int:
    if args.seed is not None and args.seed < 0:
        raise ScenarioError(args.scenario, "--seed", f"got {args.seed}, expected an integer >= 0")
    scenario = load_scenario(args.scenario, seed=args.seed)
    out = args.out or Path("results") / scenario.name
    model = simulate(scenario, progress=True)
    results = model.results()
    table = summary(model, results)

    out.mkdir(parents=True, exist_ok=True)
    write_atomically(out / "indicators.csv", lambda p: results.to_csv(p, index=False))
    write_atomically(out / "indicators.parquet", lambda p: results.to_parquet(p, index=False))
    write_atomically(out / "summary.csv", lambda p: table.to_csv(p, index=False))
    start = f"{scenario.start_year}-{scenario.start_month:02d}"
    units = model.indicator_units()
    write_atomically(
        out / "indicators.png",
        lambda p: plot_indicators(results, p, start, title=scenario.name, units=units),
    )

    with pd.option_context(
        "display.width", 120, "display.max_rows", 200, "display.float_format", "{:,.2f}".format
    ):
        print(
            f"\n{scenario.name}: {scenario.months} months from {start}, scale {scenario.scale}, "
            f"seed {scenario.seed}\n"
        )
        print(table.to_string(index=False))
    print(f"\nWrote {out}/indicators.csv, indicators.parquet, summary.csv and indicators.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
