"""What every policy-question script shares: run the scenarios (resuming what is already in the
results folder), compare them with the first, print the table, write CSVs, figures and the HTML
report. A script is a question, its scenario files and what to show:

    if __name__ == "__main__":  # process-pool workers import the script: answer only once
        answer("What does X cost per Y?", ["energy_baseline.toml", "energy_x.toml"],
               indicators=["energy_poor_households"])

    .venv/bin/python experiments/SCRIPT.py [--replications N] [--workers N] [--dask ADDRESS]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from inclusion_sim import ScenarioError, load_scenario, report
from inclusion_sim.comparison import compare_folder, headline_names
from inclusion_sim.errors import InclusionSimError
from inclusion_sim.experiment import executor, run_experiment

ROOT = Path(__file__).resolve().parents[1]


def answer(
    question: str,
    scenarios: list[str],
    indicators: list[str] | None = None,
    replications: int = 10,
):
    """Answer `question` with `scenarios` (files in scenarios/; the first is the reference).

    Returns (the comparison, the results folder) for scripts that add their own tables."""
    script = Path(sys.argv[0]).stem
    parser = argparse.ArgumentParser(description=question)
    parser.add_argument("--replications", type=int, default=replications)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--dask", metavar="ADDRESS", help="Dask scheduler address or 'local'")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "experiments" / script)
    args = parser.parse_args()
    try:
        return _answer(question, scenarios, indicators, args), args.out
    except InclusionSimError as exc:
        print(f"{script}: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print(
            f"{script}: interrupted; finished runs are kept, run it again to resume",
            file=sys.stderr,
        )
        sys.exit(130)


def _answer(question, scenarios, indicators, args) -> None:
    files = [ROOT / "scenarios" / name for name in scenarios]
    for path in files:
        if not path.exists():
            raise ScenarioError(path, "", "scenario file missing: this question needs it")
    loaded = [load_scenario(path) for path in files]
    print(question)
    with executor(args.workers, args.dask) as (pool, workers):
        run_experiment(
            loaded,
            args.out,
            args.replications,
            executor=pool,
            in_flight=2 * workers,
            progress=True,
            question=question,
        )
    comparison = compare_folder(args.out)
    report.save(comparison, args.out)
    page = report.write_report(args.out)
    present = set(comparison.levels["indicator"])
    shown = [i for i in indicators or [] if i in present] or headline_names(present)
    heading = f"last 12 months; difference paired with {loaded[0].name}"
    print(report.console(comparison, heading, shown))
    print(f"\nTables and figures in {args.out}; report: {page}")
    return comparison
