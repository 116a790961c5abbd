"""Share of a small run's wall time spent on figures (issue 16: at most 20%).

Each case runs `inclusion-sim run` or `inclusion-sim compare` in a fresh child process, as a user
would, and times the whole process from outside (interpreter start, imports, simulation, tables,
figures). Inside it, the time the command spends on figures is the time spent in
`Drawing.write` and `Drawing.wait` (drawing.py): drawing them, or handing them to the figure
process and waiting for it. That process (forked by the command line before it imports the
model) imports matplotlib and draws on another core; its CPU counts as plotting CPU. Each case is
measured twice in alternation: `forked` (as shipped) and `inline` (figures drawn in the command's
own process, as before issue 17), so the wall-time difference is the overlap's real gain. CPU is
steadier than wall time on a shared machine. Compares run with one worker, in the process.

    .venv/bin/python benchmarks/benchmark_plotting.py [--repeat 3]

Prints a table and writes benchmarks/results/plotting.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from small_scenario import SMALL

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import resource, sys, time
from inclusion_sim import cli, drawing
if sys.argv[1] == "inline":
    drawing.Drawing.forked = classmethod(lambda cls: cls())
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
drawing.Drawing.write = timed(drawing.Drawing.write)
drawing.Drawing.wait = timed(drawing.Drawing.wait)
status = cli.main(sys.argv[2:])
own = resource.getrusage(resource.RUSAGE_SELF)
child = resource.getrusage(resource.RUSAGE_CHILDREN)  # the figure process, reaped at exit
child_cpu = child.ru_utime + child.ru_stime
cpu = own.ru_utime + own.ru_stime + child_cpu
print(f"PLOTTING {spent[0]:.4f} {spent[1] + child_cpu:.4f} {cpu:.4f}", file=sys.stderr)
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


def measure(mode: str, argv: list[str], cwd: Path) -> tuple[float, float, float, float]:
    """Wall seconds of the process and of its figures; CPU seconds of both."""
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", CHILD, mode, *argv], cwd=cwd, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{child.stderr}")
    plotting, plotting_cpu, cpu = map(float, child.stderr.rsplit("PLOTTING ", 1)[1].split()[:3])
    return wall, plotting, cpu, plotting_cpu


MODES = ("forked", "inline")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each case (median kept)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        names = list(cases(Path(tmp)))
    load = os.getloadavg()
    for case in names:
        samples = {mode: [] for mode in MODES}
        for _ in range(args.repeat):
            for mode in MODES:  # alternated, so both see the same load
                with tempfile.TemporaryDirectory() as tmp:  # a fresh folder: nothing to resume
                    samples[mode].append(measure(mode, cases(Path(tmp))[case], Path(tmp)))
        for mode in MODES:
            wall, plotting, cpu, plotting_cpu = (
                statistics.median(x) for x in zip(*samples[mode], strict=True)
            )
            rows.append(
                {
                    "case": case,
                    "figures": mode,
                    "wall_s": wall,
                    "plotting_s": plotting,
                    "share": plotting / wall,
                    "cpu_s": cpu,
                    "plotting_cpu_s": plotting_cpu,
                    "cpu_share": plotting_cpu / cpu,
                }
            )
            print(
                f"{case} [{mode}]: wall {wall:.2f} s, figures {plotting:.2f} s "
                f"({plotting / wall:.0%}); CPU {cpu:.2f} s, figures {plotting_cpu:.2f} s "
                f"({plotting_cpu / cpu:.0%})",
                flush=True,
            )
    print(
        f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs"
    )
    out = ROOT / "benchmarks" / "results" / "plotting.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"load_average": load, "cases": rows}, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
