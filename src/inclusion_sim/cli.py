"""The `inclusion-sim` command line."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

from .parameters import ParameterError
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
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except (ScenarioError, ParameterError) as exc:
        print(f"inclusion-sim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("inclusion-sim: interrupted; nothing was written", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    if args.seed is not None and args.seed < 0:
        raise ScenarioError(args.scenario, "--seed", f"got {args.seed}, expected an integer >= 0")
    scenario = load_scenario(args.scenario, seed=args.seed)
    out = args.out or Path("results") / scenario.name
    model = simulate(scenario, progress=True)
    results = model.results()
    table = summary(model, results)

    out.mkdir(parents=True, exist_ok=True)
    _write_atomically(out / "indicators.csv", lambda p: results.to_csv(p, index=False))
    _write_atomically(out / "indicators.parquet", lambda p: results.to_parquet(p, index=False))
    _write_atomically(out / "summary.csv", lambda p: table.to_csv(p, index=False))
    start = f"{scenario.start_year}-{scenario.start_month:02d}"
    units = model.indicator_units()
    _write_atomically(
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


def _write_atomically(path: Path, write) -> None:
    """Write to a temporary name, then rename: an interruption never leaves half a file."""
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    write(tmp)
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
