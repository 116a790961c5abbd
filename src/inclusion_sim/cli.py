"""The `inclusion-sim` command line: its arguments, and the dispatch to `commands.py`.

This module imports nothing heavy (no NumPy work, pandas, Mesa, SciPy or matplotlib), so
`inclusion-sim --help` and a mistyped option answer at once; the command's module is imported
when the command runs.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from .calibration.arguments import add_commands as add_calibration_commands
from .drawing import Drawing
from .errors import InclusionSimError
from .preflight import MEMORY_VARIABLE

DRAWING = ("run", "compare")  # the commands that draw figures


def _drawing(command: str) -> Drawing:
    """Where the command's figures are drawn: a child forked once pandas is loaded (it inherits
    it) and before the model is imported, for the commands that draw (see drawing.py)."""
    if command not in DRAWING:
        return Drawing()
    import pandas  # noqa: F401

    return Drawing.forked()


class _UsageError(Exception):
    """A command line argparse cannot parse: reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        raise _UsageError(f"{message} (see {self.prog} --help)")


def _positive_number(text: str) -> float:
    value = float(text)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(text)
    return value


_positive_number.__name__ = "positive number"  # argparse names the type in its message


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(
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
            help="worker processes (default: one per core; 1 runs in this process, as does an "
            "experiment too small to pay for starting a pool)",
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
    for sub in (run, compare):
        sub.add_argument(
            "--all", action="store_true", help="print every indicator, not only the headline ones"
        )
    for sub in (run, experiment, compare):
        sub.add_argument("--scale", type=float, help="territory scale overriding the scenarios'")
        sub.add_argument("--months", type=int, help="horizon in months overriding the scenarios'")
        sub.add_argument(
            "--memory-limit",
            type=_positive_number,
            metavar="GIB",
            help="refuse runs estimated to need more memory (default: half the machine's, or "
            f"${MEMORY_VARIABLE})",
        )
    rep = commands.add_parser("report", help="write one self-contained HTML report of a comparison")
    rep.add_argument("folder", type=Path, help="a folder written by `inclusion-sim compare`")
    rep.add_argument("--out", type=Path, help="HTML file or folder (default: FOLDER/report.html)")
    catalogue = commands.add_parser(
        "levers", help="list every lever and parameter (default, unit, range, source)"
    )
    catalogue.add_argument("--action", help="only this action's (or 'core')")
    catalogue.add_argument("--markdown", action="store_true", help="docs/levers.md as Markdown")
    dashboard = commands.add_parser(
        "dashboard", help="serve the what-if dashboard of a scenario (open it in a browser)"
    )
    dashboard.add_argument(
        "scenario", nargs="?", type=Path, help="scenario file (default: the package defaults)"
    )
    dashboard.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: this machine only)"
    )
    dashboard.add_argument("--port", type=int, default=8765, help="port (default: 8765)")
    add_calibration_commands(commands)  # calibrate, sensitivity, validate: own error handling

    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        print(f"inclusion-sim: error: {exc}", file=sys.stderr)
        return 2
    if hasattr(args, "handler"):
        return args.handler(args)
    try:
        with _drawing(args.command) as drawing:
            from . import commands

            if args.command in DRAWING:
                return getattr(commands, args.command)(args, drawing)
            command = {
                "experiment": commands.experiment,
                "report": commands.report_command,
                "levers": commands.levers,
                "dashboard": commands.dashboard,
            }
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


if __name__ == "__main__":
    sys.exit(main())
