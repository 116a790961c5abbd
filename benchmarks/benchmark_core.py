"""Core performance benchmarks of inclusion_sim: set-up and monthly steps, and the monthly budget
rule written the naive Mesa way versus vectorised.

    .venv/bin/python benchmarks/benchmark_core.py [--months 120] [--quick]

Each case runs in a fresh child process pinned to one core, so its peak memory is its own and the
figures match the target (whole Metropolis, set-up + 120 months, under 90 s and 4 GiB on one
core). The child prints its measurements as JSON; the parent prints a table and writes the JSON
to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

PILOT = ["saint_fons", "venissieux"]
SEED = 1
TARGET_SECONDS, TARGET_MIB = 90.0, 4096.0
RESULTS = Path(__file__).resolve().parent / "results"


def peak_rss_mib() -> float:
    """Peak resident memory of this process (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- cases (run in the child) -----------------------------------------------------------------
def full_model(months: int, zones: list[str] | None) -> dict:
    """Construction (population synthesis; household and person views are built only when asked
    for) and `months` steps: what a user pays. Then, apart, the cost of the Mesa views of every
    household and person for a user who asks for `model.agents`."""
    from inclusion_sim.model import InclusionModel

    start = time.perf_counter()
    model = InclusionModel(scale=1.0, seed=SEED, **({"zones": zones} if zones else {}))
    setup = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(months):
        model.step()
    run = time.perf_counter() - start
    peak_before_views = peak_rss_mib()
    agents = model.population.n_households + model.population.n_persons
    start = time.perf_counter()
    assert len(model.agents) >= agents
    views = time.perf_counter() - start
    return {
        "households": model.population.n_households,
        "persons": model.population.n_persons,
        "agents": agents,
        "setup_s": setup,
        "run_s": run,
        "setup_over_run": setup / run,
        "agent_months_per_s": agents * months / run,
        "peak_rss_mib": peak_before_views,
        "views_s": views,
        "peak_rss_mib_with_views": peak_rss_mib(),
    }


def pilot(months: int) -> dict:
    """The two pilot zones: the everyday size of a scenario run."""
    return full_model(months, PILOT)


def metropolis(months: int) -> dict:
    """All four zones at full scale (~1.4 million persons): the headline target."""
    return full_model(months, None)


def budget_rule(months: int) -> dict:
    """Naive per-object Mesa loop vs vectorised arrays vs the full model step, on the same pilot
    households in one process, so the speed-ups are ratios of figures measured side by side."""
    import mesa
    import numpy as np

    from inclusion_sim.budget import settle_month, settle_month_one
    from inclusion_sim.energy import heating_month_shares
    from inclusion_sim.model import InclusionModel

    class NaiveHousehold(mesa.Agent):
        """One household as a Python object with scalar attributes: the textbook Mesa way."""

        def __init__(self, model, income, floor, rent, annual_energy):
            super().__init__(model)
            self.income, self.floor, self.rent = income, floor, rent
            self.annual_energy = annual_energy  # EUR a year at normal comfort
            self.arrears_rent = self.arrears_energy = 0.0

        def step(self):
            bill = self.annual_energy * self.model.month_share
            self.arrears_rent, self.arrears_energy = settle_month_one(
                self.income,
                self.floor,
                self.rent,
                bill,
                self.arrears_rent,
                self.arrears_energy,
                self.model.repayment_share,
            )

    class NaiveModel(mesa.Model):
        def __init__(self, income, floor, rent, annual_energy, shares, repayment_share):
            super().__init__(rng=SEED)
            self.shares, self.repayment_share = shares, repayment_share
            self.households = [
                NaiveHousehold(self, *row)
                for row in zip(income, floor, rent, annual_energy, strict=True)
            ]

        def step(self):
            self.month_share = self.shares[(self.steps - 1) % 12]
            self.agents.shuffle_do("step")

    model = InclusionModel(zones=PILOT, scale=1.0, seed=SEED)
    hh, params = model.population.households, model.params
    n = model.population.n_households
    income, rent = hh["income"].copy(), hh["rent"].copy()
    floor = params["living_floor"] * hh["cu"]
    annual_energy = model.annual_energy_cost()
    # The budget rule alone, with a seasonal bill: the heating part follows the degree-days.
    heating = params["heating_share"]
    shares = heating * heating_month_shares(params["heating_degree_days"]) + (1 - heating) / 12
    repayment_share = params["arrears_repayment_share"]

    # The full model first: timed before the naive objects exist, as in a real run.
    start = time.perf_counter()
    for _ in range(months):
        model.step()
    model_s = time.perf_counter() - start

    naive = NaiveModel(
        income.tolist(),
        floor.tolist(),
        rent.tolist(),
        annual_energy.tolist(),
        shares.tolist(),
        float(repayment_share),
    )
    start = time.perf_counter()
    for _ in range(months):
        naive.step()
    naive_s = time.perf_counter() - start

    arrears_rent, arrears_energy = np.zeros(n), np.zeros(n)
    start = time.perf_counter()
    for month in range(months):
        bill = annual_energy * shares[month % 12]
        arrears_rent, arrears_energy = settle_month(
            income, floor, rent, bill, arrears_rent, arrears_energy, repayment_share
        )
    vectorised_s = time.perf_counter() - start

    naive_rent = np.array([a.arrears_rent for a in naive.households])
    naive_energy = np.array([a.arrears_energy for a in naive.households])
    rate = n * months
    return {
        "households": n,
        "naive_s": naive_s,
        "vectorised_s": vectorised_s,
        "model_step_s": model_s,
        "naive_hh_months_per_s": rate / naive_s,
        "vectorised_hh_months_per_s": rate / vectorised_s,
        "model_step_hh_months_per_s": rate / model_s,
        "speedup_vectorised": naive_s / vectorised_s,
        "speedup_model_step": naive_s / model_s,
        "arrears_agree": bool(
            np.allclose(naive_rent, arrears_rent) and np.allclose(naive_energy, arrears_energy)
        ),
        "arrears_max_abs_diff": float(
            max(
                np.abs(naive_rent - arrears_rent).max(), np.abs(naive_energy - arrears_energy).max()
            )
        ),
        "peak_rss_mib": peak_rss_mib(),
    }


CASES = {"pilot": pilot, "metropolis": metropolis, "budget_rule": budget_rule}


# --- parent ---------------------------------------------------------------------------------
def run_case(name: str, months: int) -> dict:
    """Run one case in a fresh interpreter and read its JSON back."""
    print(f"running {name} ...", file=sys.stderr, flush=True)
    child = subprocess.run(
        [sys.executable, __file__, "--case", name, "--months", str(months)],
        stdout=subprocess.PIPE,
        text=True,
    )
    if child.returncode != 0:
        sys.exit(f"case {name} failed (exit {child.returncode})")
    return json.loads(child.stdout)


def machine() -> dict:
    import mesa
    import numpy

    return {
        "nproc": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "numpy": numpy.__version__,
    }


def print_tables(results: dict) -> None:
    m, cases, months = results["machine"], results["cases"], results["months"]
    print(f"\ninclusion_sim core benchmark: {months} months, scale 1.0, seed {SEED}, one core each")
    print(
        f"machine: nproc {m['nproc']}, {m['cpu']}, Python {m['python']}, mesa {m['mesa']}, "
        f"numpy {m['numpy']}\n"
    )
    print(
        f"{'case':<18}{'agents':>11}{'set-up s':>10}{'run s':>9}{'set-up/run':>12}"
        f"{'agent-months/s':>16}{'peak RSS MiB':>14}{'views s':>9}{'MiB w/ views':>14}"
    )
    for name, label in (("pilot", "pilot (2 zones)"), ("metropolis", "whole Metropolis")):
        if name in cases:
            c = cases[name]
            print(
                f"{label:<18}{c['agents']:>11,}{c['setup_s']:>10.2f}{c['run_s']:>9.2f}"
                f"{c['setup_over_run']:>12.2f}{c['agent_months_per_s']:>16,.0f}"
                f"{c['peak_rss_mib']:>14,.0f}{c['views_s']:>9.2f}"
                f"{c['peak_rss_mib_with_views']:>14,.0f}"
            )
    if "metropolis" in cases:
        c = cases["metropolis"]
        total = c["setup_s"] + c["run_s"]
        met = total < TARGET_SECONDS and c["peak_rss_mib"] < TARGET_MIB
        print(
            f"target (Metropolis, set-up + {months} months < {TARGET_SECONDS:.0f} s and "
            f"< {TARGET_MIB:.0f} MiB): {'met' if met else 'NOT met'} "
            f"({total:.1f} s, {c['peak_rss_mib']:,.0f} MiB)"
        )

    b = cases["budget_rule"]
    print(
        f"\nmonthly budget rule, pilot's {b['households']:,} households, {months} months, "
        "one process:"
    )
    print(f"{'method':<34}{'run s':>9}{'household-months/s':>20}{'vs naive':>10}")
    rows = (
        ("naive Mesa agents (shuffle_do)", "naive", 1.0),
        ("vectorised settle_month", "vectorised", b["speedup_vectorised"]),
        ("full InclusionModel.step", "model_step", b["speedup_model_step"]),
    )
    for label, key, speedup in rows:
        print(
            f"{label:<34}{b[key + '_s']:>9.3f}{b[key + '_hh_months_per_s']:>20,.0f}{speedup:>9.1f}x"
        )
    print(
        f"naive and vectorised arrears agree: {'yes' if b['arrears_agree'] else 'NO'} "
        f"(max |diff| {b['arrears_max_abs_diff']:.3g} EUR)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument(
        "--quick", action="store_true", help="smoke check: 12 months, no whole Metropolis"
    )
    parser.add_argument("--case", choices=CASES, help=argparse.SUPPRESS)  # child mode
    args = parser.parse_args()

    if args.case:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # the target is on one core
        print(json.dumps(CASES[args.case](args.months)))
        return

    months = 12 if args.quick else args.months
    names = ["pilot", "budget_rule"] if args.quick else ["pilot", "metropolis", "budget_rule"]
    results = {
        "machine": machine(),
        "months": months,
        "quick": args.quick,
        "cases": {name: run_case(name, months) for name in names},
    }
    print_tables(results)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / ("core-quick.json" if args.quick else "core.json")
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nresults written to {path}")
    if not results["cases"]["budget_rule"]["arrears_agree"]:
        sys.exit("naive and vectorised arrears differ")


if __name__ == "__main__":
    main()
