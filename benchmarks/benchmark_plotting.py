"""Share of a small run's wall time spent plotting (issue 16: at most 20%).

Each case runs `inclusion-sim run` or `inclusion-sim compare` in a fresh child process, as a user
would, and times the whole process from outside (interpreter start, imports, simulation, tables,
figures). Inside the child, every figure function of `inclusion_sim.plots` is wrapped with a
timer; matplotlib is imported lazily by the first figure, so its import counts as plotting. The
CPU time of the child (user + system) and of its figures is reported too: on a shared machine it
is steadier than wall time. Compares run with one worker, in the process.

    .venv/bin/python benchmarks/benchmark_plotting.py [--repeat 3]

Prints a table and writes benchmarks/results/plotting.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMALL = """name = "{name}"
seed = 3
[territory]
zones = ["Saint-Fons"]
scale = 0.2
[horizon]
months = 24
"""
CHILD = """
import resource, sys, time
from inclusion_sim import cli, plots
spent = [0.0, 0.0]
def timed(function):
    def wrapper(*args, **kwargs):
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started
            spent[1] += time.process_time() - cpu
    return wrapper
for name in ("plot_indicators", "plot_series", "plot_costs"):
    setattr(plots, name, timed(getattr(plots, name)))
    for module in (cli, cli.report):
        if hasattr(module, name):
            setattr(module, name, getattr(plots, name))
status = cli.main(sys.argv[1:])
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime
print(f"PLOTTING {spent[0]:.4f} {spent[1]:.4f} {cpu:.4f}", file=sys.stderr)
sys.exit(status)
"""


def cases(folder: Path) -> dict[str, list[str]]:
    (folder / "a.toml").write_text(SMALL.format(name="small_a"))
    (folder / "b.toml").write_text(
        SMALL.format(name="small_b") + "[parameters]\nliving_floor = 450\n"
    )
    shipped = ROOT / "scenarios"
    return {
        "run: Saint-Fons, scale 0.2, 24 months (the smallest useful run)": [
            "run",
            "a.toml",
            "--out",
            "run",
        ],
        "run: shipped pilot (Saint-Fons + Vénissieux, scale 1.0), --months 12": [
            "run",
            str(shipped / "pilot.toml"),
            "--months",
            "12",
            "--out",
            "pilot12",
        ],
        "run: shipped pilot, 120 months": ["run", str(shipped / "pilot.toml"), "--out", "pilot"],
        "run: shipped baseline (whole Metropolis, scale 0.1, 120 months)": [
            "run",
            str(shipped / "baseline.toml"),
            "--out",
            "baseline",
        ],
        "compare: 2 Saint-Fons scenarios (scale 0.2, 24 months) x 3 replications, 1 worker": [
            "compare",
            "a.toml",
            "b.toml",
            "--replications",
            "3",
            "--workers",
            "1",
            "--out",
            "cmp",
        ],
        "compare: energy baseline vs FSL +50%, --scale 0.02 --months 24, 3 replications": [
            "compare",
            str(shipped / "energy_baseline.toml"),
            str(shipped / "energy_fsl_plus50.toml"),
            "--scale",
            "0.02",
            "--months",
            "24",
            "--replications",
            "3",
            "--workers",
            "1",
            "--out",
            "energy",
        ],
    }


def measure(argv: list[str], cwd: Path) -> tuple[float, float, float, float]:
    """Wall seconds of the process and of its figures; CPU seconds of both."""
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", CHILD, *argv], cwd=cwd, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{child.stderr}")
    plotting, plotting_cpu, cpu = map(float, child.stderr.rsplit("PLOTTING ", 1)[1].split()[:3])
    return wall, plotting, cpu, plotting_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each case (median kept)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        names = list(cases(Path(tmp)))
    for case in names:
        samples = []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:  # a fresh folder: nothing to resume
                samples.append(measure(cases(Path(tmp))[case], Path(tmp)))
        wall, plotting, cpu, plotting_cpu = (
            statistics.median(x) for x in zip(*samples, strict=True)
        )
        rows.append(
            {
                "case": case,
                "wall_s": wall,
                "plotting_s": plotting,
                "share": plotting / wall,
                "cpu_s": cpu,
                "plotting_cpu_s": plotting_cpu,
                "cpu_share": plotting_cpu / cpu,
            }
        )
        print(
            f"{case}: wall {wall:.2f} s, plotting {plotting:.2f} s ({plotting / wall:.0%}); "
            f"CPU {cpu:.2f} s, plotting {plotting_cpu:.2f} s ({plotting_cpu / cpu:.0%})"
        )
    out = ROOT / "benchmarks" / "results" / "plotting.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(rows, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
