"""Experiment throughput with 1 and 2 worker processes, and their ratio.

    .venv/bin/python benchmarks/benchmark_experiment.py [--replications 10] [--months 120]
                                                        [--scale 0.5]

The same experiment (the shipped pilot and pilot_energy_prices_up scenarios at --scale for
--months, x replications) runs once on a process pool of 1 worker and once on a pool of 2, each
into a fresh results folder.
Pools are started and their workers have imported the package before the clock starts, so the
figure is the steady throughput an experiment of many runs gets. The two results must be
identical; the ratio is printed and written to benchmarks/results/experiment.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, wait
from dataclasses import replace
from multiprocessing import get_context
from pathlib import Path

import pandas as pd

from inclusion_sim import load_scenario, run_experiment

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
SCENARIOS = ["pilot.toml", "pilot_energy_prices_up.toml"]


def _warm(_: int) -> int:
    """Import the package in a worker before the clock starts."""
    import inclusion_sim.experiment  # noqa: F401

    return os.getpid()


def throughput(workers: int, args: argparse.Namespace, folder: Path) -> dict:
    scenarios = [
        replace(load_scenario(ROOT / "scenarios" / f), months=args.months, scale=args.scale)
        for f in SCENARIOS
    ]
    replications = args.replications
    with ProcessPoolExecutor(workers, mp_context=get_context("forkserver")) as pool:
        wait([pool.submit(_warm, i) for i in range(4 * workers)])
        start = time.perf_counter()
        results = run_experiment(
            scenarios, folder, replications, executor=pool, in_flight=2 * workers, progress=True
        )
        seconds = time.perf_counter() - start
    runs = len(scenarios) * replications
    return {
        "workers": workers,
        "runs": runs,
        "seconds": seconds,
        "runs_per_second": runs / seconds,
        "results": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--scale", type=float, default=0.5, help="share of households simulated")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases = [throughput(w, args, Path(tmp) / f"w{w}") for w in (1, 2)]
    pd.testing.assert_frame_equal(cases[0].pop("results"), cases[1].pop("results"))
    ratio = cases[1]["runs_per_second"] / cases[0]["runs_per_second"]
    print(f"\n{'workers':>8} {'runs':>5} {'seconds':>8} {'runs/s':>7}")
    for case in cases:
        print(
            f"{case['workers']:>8} {case['runs']:>5} {case['seconds']:>8.1f} "
            f"{case['runs_per_second']:>7.2f}"
        )
    print(f"\n2 workers / 1 worker throughput: {ratio:.2f}x (target >= 1.7x); results identical")
    load = os.getloadavg()[0]
    RESULTS.mkdir(exist_ok=True)
    record = {
        "cases": cases,
        "ratio": ratio,
        "cpus": os.cpu_count(),
        "load_average_1min": load,
        "python": platform.python_version(),
        "replications": args.replications,
        "scale": args.scale,
        "months": args.months,
    }
    (RESULTS / "experiment.json").write_text(json.dumps(record, indent=1))
    if load > os.cpu_count():
        print(f"note: the machine was busy (1-minute load {load:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
