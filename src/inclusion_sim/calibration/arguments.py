"""The arguments of `inclusion-sim calibrate`, `sensitivity`, `sensitivity-actions` and `validate`.

Declared apart from the commands (`cli.py`, which imports SciPy, SALib, pandas and the model) so
that building the command line, and `inclusion-sim --help`, loads none of them.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_commands(subparsers) -> None:
    """Add the calibration's commands to an argparse subparsers object."""
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

    acts = subparsers.add_parser(
        "sensitivity-actions",
        help="Morris or Sobol sensitivity of each action's outcome and cost per outcome",
    )
    acts.add_argument(
        "config", type=Path, help="studies file, e.g. calibration/actions_sensitivity.toml"
    )
    acts.add_argument("--method", choices=["morris", "sobol"], default="morris")
    acts.add_argument("--action", action="append", help="only this action (repeatable)")
    _common(acts)
    acts.set_defaults(handler=_handler("sensitivity_actions"))

    val = subparsers.add_parser(
        "validate", help="check held-out figures against the calibrated posterior"
    )
    val.add_argument("config", type=Path, help="validation file, e.g. calibration/validation.toml")
    _common(val)
    val.set_defaults(handler=_handler("validate_command"))


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
