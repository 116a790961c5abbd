"""The monthly step with data collection: 120 months of the pilot (Saint-Fons and Vénissieux,
scale 0.1 as shipped, and scale 1.0), without and with the energy-poverty action.

    .venv/bin/python benchmarks/benchmark_step.py [--repeats 5]

Set-up is excluded: the clock covers the 120 `model.step()` calls, which include collecting every
indicator into the DataCollector. The best of `repeats` runs is printed per case (seconds).
"""

from __future__ import annotations

import argparse
import time

PILOT = ["saint_fons", "venissieux"]
CASES = {
    "pilot 0.1": {"scale": 0.1},
    "pilot 0.1 + energy": {"scale": 0.1, "actions": {"energy_poverty": {}}},
    "pilot 1.0": {"scale": 1.0},
    "pilot 1.0 + energy": {"scale": 1.0, "actions": {"energy_poverty": {}}},
}


def best_of(repeats: int, months: int, **kwargs) -> float:
    from inclusion_sim.model import InclusionModel

    times = []
    for _ in range(repeats):
        model = InclusionModel(zones=PILOT, seed=1, **kwargs)
        start = time.perf_counter()
        for _ in range(months):
            model.step()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--months", type=int, default=120)
    args = parser.parse_args()
    for name, kwargs in CASES.items():
        print(f"{name:22s} {best_of(args.repeats, args.months, **kwargs):8.3f} s")


if __name__ == "__main__":
    main()
