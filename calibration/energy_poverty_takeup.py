"""Grid fit of the FSL take-up and share of arrears to the document's 3.4.1 figures.

Runs the metro-wide energy-poverty baseline for each (take-up, share) pair and seed, and prints,
over years 2-5 (a steady window: in year 1 nobody has a recent application, so every household in
arrears may apply, and no queue is carried in), the FSL grants a year and the mean aid next to the
targets `action4.fsl_households` and `action4.fsl_average_aid`, the applications a year, the share
of the annual budget paid, and the applications waiting for an envelope at the end of years 2 and
5 (a queue that grows year after year means the applications exceed what the budget can pay, so
the grants are set by the budget, not by take-up). Arrears start in their seasonal state (the
core's warm-up) and the core's data/calibrated.toml is applied. Rerun it when the core's bills or
arrears change and copy the best pair into
src/inclusion_sim/data/parameters_energy_poverty.toml.

    .venv/bin/python calibration/energy_poverty_takeup.py --take-up 0.008 0.009 --share 0.26 0.27
"""

from __future__ import annotations

import argparse
import itertools
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from inclusion_sim import InclusionModel, figure

BUDGET = 800_000.0  # the baseline FSL budget (lever fsl_budget, 3.4.1)


def fsl_years(take_up: float, share: float, seed: int, years: int, scale: float) -> np.ndarray:
    """Per simulated year, metro-wide: grants, aid paid, applications, waiting at year end."""
    model = InclusionModel(
        scale=scale,
        seed=seed,
        actions={"energy_poverty": {}},
        parameters={
            "energy_poverty.take_up": take_up,
            "energy_poverty.fsl_share_of_arrears": share,
        },
    )
    out = np.zeros((years, 4))
    for month in range(12 * years):
        model.step()
        values = model.current_indicators()
        year = out[month // 12]
        year[:3] += [values[k][-1] for k in ("fsl_grants", "fsl_aid_paid", "fsl_applications")]
        year[3] = values["fsl_waiting_for_budget"][-1]
    return out


def fit(args_tuple) -> str:
    take_up, share, seeds, years, scale = args_tuple
    runs = np.stack([fsl_years(take_up, share, s, years, scale)[1:] for s in range(seeds)])
    grants, paid, applications = runs[..., :3].sum(axis=(0, 1)) / (seeds * (years - 1))
    waiting = runs[..., 3].mean(axis=0)
    return (
        f"take_up {take_up:.4f} share {share:.3f}: {grants:,.0f} grants a year, "
        f"{paid / grants:,.1f} EUR, {applications:,.0f} applications, "
        f"{100 * paid / BUDGET:.0f}% of the budget, waiting at year end "
        f"{waiting[0]:,.0f} (year 2) -> {waiting[-1]:,.0f} (year {years})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--take-up", type=float, nargs="+", default=[0.008, 0.009, 0.01])
    parser.add_argument("--share", type=float, nargs="+", default=[0.26, 0.27, 0.28])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    target = figure("action4.fsl_households"), figure("action4.fsl_average_aid")
    print(f"targets: {target[0]:,.0f} grants a year, {target[1]:,.0f} EUR")
    grid = [
        (take_up, share, args.seeds, args.years, args.scale)
        for take_up, share in itertools.product(args.take_up, args.share)
    ]
    with ProcessPoolExecutor(args.workers) as pool:
        for line in pool.map(fit, grid):
            print(line, flush=True)


if __name__ == "__main__":
    main()
