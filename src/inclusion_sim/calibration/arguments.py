"""The arguments of `inclusion-sim calibrate` and `inclusion-sim sensitivity`.

Declared apart from the commands (`cli.py`, which imports SciPy, SALib, pandas and the model) so
that building the command line, and `inclusion-sim --help`, loads none of them.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_commands(subparsers) -> None:
    """Add `calibrate` and `sensitivity` to an argparse subparsers object."""
    cal = subparsers.add_parser("calibrate", help="fit free parameters to the figures")
    cal.add_argument(
        "config", type=Path, help="calibration file, e.g. calibration/calibration.toml"
    )
    cal.add_argument(
        "--method",
        choices=["abc", "optimise"],
        default="abc",
        help="ABC-SMC posterior (default) or differential-evolution point estimate",
    )
    cal.add_argument(
        "--calibrated",
        type=Path,
        help="where to write the calibrated file (default: the package's data/)",
    )
    _common(cal)
    cal.set_defaults(handler=_handler("calibrate"))

    sens = subparsers.add_parser("sensitivity", help="Morris screening or Sobol indices")
    sens.add_argument(
        "config", type=Path, help="calibration file, e.g. calibration/calibration.toml"
    )
    sens.add_argument("--method", choices=["morris", "sobol"], default="morris")
    _common(sens)
    sens.set_defaults(handler=_handler("sensitivity"))


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=1, help="processes (default 1: serial)")
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="evaluate on the Dask scheduler at ADDRESS, or 'local' (a LocalCluster of --workers)",
    )
    parser.add_argument("--out", type=Path, help="output folder (default: the config's folder)")


def _handler(name: str):
    """The command `name` of cli.py, imported when it runs."""

    def handler(args: argparse.Namespace) -> int:
        from . import cli

        return cli.guarded(getattr(cli, name))(args)

    return handler
