"""Grid fit of the FSL take-up and share of arrears to the document's 3.4.1 figures.

Runs the metro-wide energy-poverty baseline for each (take-up, share) pair and seed, and prints
the FSL grants a year and the mean aid over years 2-5 (year 1 is the build-up of arrears from
none), next to the targets `action4.fsl_households` and `action4.fsl_average_aid`. Rerun it when
the core's bills or arrears change (e.g. a new data/calibrated.toml) and copy the best pair into
src/inclusion_sim/data/parameters_energy_poverty.toml.

    .venv/bin/python calibration/energy_poverty_takeup.py --take-up 0.008 0.01 --share 0.28 0.3
"""

from __future__ import annotations

import argparse
import itertools

import numpy as np

from inclusion_sim import InclusionModel, figure


def fsl_years(take_up: float, share: float, seed: int, years: int, scale: float):
    """(grants, aid paid) per simulated year, metro-wide."""
    model = InclusionModel(
        scale=scale,
        seed=seed,
        actions={"energy_poverty": {}},
        parameters={
            "energy_poverty.take_up": take_up,
            "energy_poverty.fsl_share_of_arrears": share,
        },
    )
    out = np.zeros((years, 2))
    for month in range(12 * years):
        model.step()
        values = model.current_indicators()
        out[month // 12] += values["fsl_grants"][-1], values["fsl_aid_paid"][-1]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--take-up", type=float, nargs="+", default=[0.008, 0.01, 0.012])
    parser.add_argument("--share", type=float, nargs="+", default=[0.28, 0.3])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--scale", type=float, default=0.1)
    args = parser.parse_args()
    target = figure("action4.fsl_households"), figure("action4.fsl_average_aid")
    print(f"targets: {target[0]:,.0f} grants a year, {target[1]:,.0f} EUR")
    for take_up, share in itertools.product(args.take_up, args.share):
        runs = [fsl_years(take_up, share, s, args.years, args.scale)[1:] for s in range(args.seeds)]
        grants, paid = np.concatenate(runs).sum(axis=0)
        n_years = args.seeds * (args.years - 1)
        fit = f"{grants / n_years:,.0f} grants a year, {paid / grants:,.1f} EUR"
        print(f"take_up {take_up:.4f} share {share:.3f}: {fit}")


if __name__ == "__main__":
    main()
