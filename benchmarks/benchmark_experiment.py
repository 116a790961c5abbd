"""Experiment throughput with 1 and 2 worker processes, and their ratio; and a small
experiment from the command line, where the pool rule runs it in one process.

    .venv/bin/python benchmarks/benchmark_experiment.py [--replications 10] [--months 120]
                                                        [--scale 0.5]

The same experiment (the shipped pilot and pilot_energy_prices_up scenarios at --scale for
--months, x replications) runs once on a process pool of 1 worker and once on a pool of 2, each
into a fresh results folder.
Pools are started and their workers have imported the package before the clock starts, so the
figure is the steady throughput an experiment of many runs gets. The two results must be
identical; the ratio is printed and written to benchmarks/results/experiment.json.

Then `inclusion-sim experiment` runs a small experiment (2 Saint-Fons scenarios at scale 0.2, 24
months, 2 replications) from a fresh process with --workers 1 and --workers 2, as a user would:
`experiment.workers_worth_starting` runs it in one process either way (a pool would cost more to
start than it saves), so both take the same time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, wait
from dataclasses import replace
from multiprocessing import get_context
from pathlib import Path

import pandas as pd
from small_scenario import SMALL

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


def small_experiment(workers: int, folder: Path) -> float:
    """Wall seconds of `inclusion-sim experiment` on a small experiment, from a fresh process."""
    for name in ("a", "b"):
        (folder / f"{name}.toml").write_text(SMALL.format(name=name))
    command = [sys.executable, "-m", "inclusion_sim.cli", "experiment", "a.toml", "b.toml"]
    command += ["--replications", "2", "--workers", str(workers), "--out", f"w{workers}"]
    started = time.perf_counter()
    subprocess.run(command, cwd=folder, check=True, capture_output=True)
    return time.perf_counter() - started


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
    small = {1: [], 2: []}
    for workers in (1, 2, 1, 2):  # alternated; each in a fresh folder (nothing to resume)
        with tempfile.TemporaryDirectory() as tmp:
            small[workers].append(small_experiment(workers, Path(tmp)))
    small = {workers: min(seconds) for workers, seconds in small.items()}
    print(
        "small experiment (4 short runs), inclusion-sim experiment from a fresh process: "
        f"--workers 1 {small[1]:.2f} s, --workers 2 {small[2]:.2f} s (both in one process)"
    )
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
        "small_experiment_seconds": {"workers_1": small[1], "workers_2": small[2]},
    }
    (RESULTS / "experiment.json").write_text(json.dumps(record, indent=1))
    if load > os.cpu_count():
        print(f"note: the machine was busy (1-minute load {load:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
