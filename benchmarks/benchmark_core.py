"""Performance benchmarks of inclusion_sim: set-up and monthly steps of the core; the full
monthly step written the naive Mesa way versus vectorised; the whole Metropolis with every
registered action versus without, at several scales.

    .venv/bin/python benchmarks/benchmark_core.py [--months 120] [--naive-months 12]
        [--scales 0.1 0.3 1.0] [--repeat 2] [--quick]

Each case runs in a fresh child process pinned to one core, so its peak memory is its own and the
figures match the target (whole Metropolis, set-up + 120 months, under 90 s and 4 GiB on one
core). The child prints its measurements as JSON; the parent prints tables and writes the JSON
to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import math
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


def monthly_step(months: int) -> dict:
    """The core's full monthly step written the naive Mesa way: one `mesa.Agent` per person and
    per household with scalar attributes, whose `step` applies the core's rules in plain Python
    (labour market; incomes; housing allowance, energy cheque, restricted heating, the bill and
    the budget rule; the suppliers' interventions; September ageing; every territorial
    indicator by a loop over the agents). It runs three ways (`shuffle_do`, `do`, a plain Python
    loop) against the vectorised `InclusionModel.step`, on the pilot's population in one
    process, all from the same state with the same labour draws, so their results must agree.
    """
    import bisect

    import mesa
    import numpy as np

    from inclusion_sim.budget import settle_month_one
    from inclusion_sim.codes import CHILD, EMPLOYED, INACTIVE, UNEMPLOYED
    from inclusion_sim.indicators import ARREARS_EPSILON
    from inclusion_sim.model import InclusionModel
    from inclusion_sim.prices import DISTRICT_HEATING, ELECTRICITY, GAS
    from inclusion_sim.strain import CUT, NORMAL, POWER_REDUCED, TRUCE_MONTHS

    class NaivePerson(mesa.Agent):
        def __init__(self, model, household, activity, months, wage, age, loss, in_force):
            super().__init__(model)
            self.household, self.activity, self.months = household, activity, months
            self.wage, self.age, self.loss, self.in_force, self.draw = (
                wage,
                age,
                loss,
                in_force,
                0.0,
            )

        def step(self):  # the labour market
            if not self.in_force:
                return
            if self.activity == UNEMPLOYED:
                if self.draw < self.model.p["job_finding_rate"]:
                    self.activity, self.months = EMPLOYED, 0
                else:
                    self.months += 1
            elif self.activity == EMPLOYED:
                self.months = 0
                if self.draw < self.loss:
                    self.activity = UNEMPLOYED

        def earnings(self):
            p = self.model.p
            if self.activity == EMPLOYED:
                return self.wage
            if self.activity == UNEMPLOYED:
                if self.months >= p["benefit_duration"]:
                    return p["minimum_income"]
                return p["benefit_replacement_rate"] * self.wage
            return 0.0

        def age_one_year(self):
            self.age += 1
            if self.activity == CHILD and self.age >= 18:
                self.activity = INACTIVE

    class NaiveHousehold(mesa.Agent):
        def __init__(self, model, state: dict):
            super().__init__(model)
            self.__dict__.update(state)
            self.members = []
            self.comfort_deficit = self.cheque_spent = 0.0
            self.intervened = False

        def step(self):  # incomes, then the month's household economy (model.settle_budgets)
            m, p = self.model, self.model.p
            earned = 0.0
            for person in self.members:
                if person.in_force:
                    earned += person.earnings()
            self.income = self.other_income + earned
            self.allowance = self.housing_allowance()
            if m.month == p["cheque_month"]:
                self.cheque = self.cheque_amount() if m.year >= p["cheque_first_year"] else 0.0
                self.cheque_credit += self.cheque
            effort = self.net_energy_cost() / (12 * max(self.income, 1.0))
            in_arrears = self.arrears_energy > p["energy_arrears_threshold"]
            heat_allowed, other_allowed = self.supply_factors()
            self.heating_kept = self.kept(effort, in_arrears) * heat_allowed
            heat_need = p["heating_share"] * self.annual_kwh * m.heating_share
            other_use = (1 - p["heating_share"]) * self.annual_kwh / 12 * other_allowed
            bill = (
                m.standing_charge(self.heating)
                + m.price[self.heating] * (heat_need * self.heating_kept)
                + m.price[ELECTRICITY] * other_use
            )
            spent = min(self.cheque_credit, bill)
            self.cheque_credit -= spent
            self.cold_home = m.heating_month and self.heating_kept < p["cold_home_threshold"]
            self.arrears_rent, self.arrears_energy = settle_month_one(
                self.income,
                max(p["living_floor"] * self.cu, 0.0),
                max(self.housing_cost() - self.allowance, 0.0),
                bill - spent,
                self.arrears_rent,
                self.arrears_energy,
                p["arrears_repayment_share"],
            )
            self.comfort_deficit = heat_need * (1 - self.heating_kept)
            self.cheque_spent = spent

        def housing_cost(self):
            return self.rent + self.owner_costs + self.mortgage

        def housing_allowance(self):
            p = self.model.p
            single, couple, one_dependent, per_dependent = p["allowance_rent_ceiling"]
            dependents = max(self.size - self.adults, 0)
            if dependents > 0:
                ceiling = one_dependent + per_dependent * (dependents - 1)
            else:
                ceiling = couple if self.adults >= 2 else single
            rent_counted = min(self.rent, ceiling)
            base, per_person = p["allowance_charges"]
            charges = base + per_person * dependents
            low, high = p["allowance_rent_ratio_bands"]
            rate_low, rate_high = p["allowance_rent_ratio_rates"]
            ratio = rent_counted / ceiling
            rent_rate = rate_low * min(max(ratio - low, 0), high - low) + rate_high * max(
                ratio - high, 0
            )
            index = 1 + dependents if dependents > 0 else (1 if self.adults >= 2 else 0)
            rates, abatements = p["allowance_family_rate"], p["allowance_abatement"]
            last = len(rates) - 1
            family_rate = rates[min(index, last)] + p["allowance_family_rate_extra"] * max(
                index - last, 0
            )
            abatement = abatements[min(index, len(abatements) - 1)]
            share, minimum = p["allowance_minimum_participation"]
            floor = max(share * (rent_counted + charges), minimum)
            resources = 12 * p["taxable_income_share"] * self.income
            participation = floor + (family_rate + rent_rate) * max(resources - abatement, 0)
            amount = rent_counted + charges - participation - p["allowance_reduction"]
            paid = self.claims_allowance and self.rent > 0 and amount >= p["allowance_minimum_paid"]
            return amount if paid else 0.0

        def cheque_amount(self):
            p = self.model.p
            if not self.uses_cheque:
                return 0.0
            units = 1.0 + 0.5 * (self.size >= 2) + 0.3 * max(self.size - 2, 0)
            per_unit = 12 * p["taxable_income_share"] * self.income / units
            band = bisect.bisect_right(p["cheque_bands"], per_unit)
            if band == len(p["cheque_bands"]):
                return 0.0
            column = 0 if units <= 1 else (1 if units < 2 else 2)
            return self.model.cheque_table[column][band]

        def net_energy_cost(self):
            m, share = self.model, self.model.p["heating_share"]
            heat = share * self.annual_kwh
            other = self.annual_kwh - heat
            cost = (
                12 * m.standing_charge(self.heating)
                + m.price[self.heating] * heat
                + m.price[ELECTRICITY] * other
            )
            return max(cost - self.cheque, 0.0)

        def supply_factors(self):
            reduced, cut = self.supply == POWER_REDUCED, self.supply == CUT
            heat = 0.0 if self.supply != NORMAL and self.heating != DISTRICT_HEATING else 1.0
            if self.heating == GAS or not (reduced or cut):
                other = 1.0
            else:
                other = self.model.p["reduced_power_use_share"] if reduced else 0.0
            return heat, other

        def kept(self, effort, in_arrears):
            p = self.model.p
            threshold = p["restriction_effort_threshold"]
            by_effort = (max(effort, threshold) / threshold) ** -p["restriction_elasticity"]
            return min(by_effort, 1.0 - p["restriction_arrears_cut"] if in_arrears else 1.0)

        def supplier_acts(self):  # model.suppliers_act: restore, then intervene
            m, p = self.model, self.model.p
            unpaid = self.arrears_energy > p["energy_arrears_threshold"]
            self.months_unpaid = self.months_unpaid + 1 if unpaid else 0
            self.months_interrupted = self.months_interrupted + 1 if self.supply != NORMAL else 0
            if not unpaid or self.months_interrupted > p["interruption_months"]:
                self.supply, self.months_unpaid, self.months_interrupted = NORMAL, 0, 0
            self.intervened = (
                m.month not in TRUCE_MONTHS
                and self.supply == NORMAL
                and self.months_unpaid >= p["supply_notice_months"]
            )
            if self.intervened:
                limited = self.heating != GAS and m.year >= p["power_reduction_from_year"]
                self.supply = POWER_REDUCED if limited else CUT

    class NaiveModel(mesa.Model):
        HOUSEHOLD = (
            "zone", "tenure", "size", "adults", "cu", "other_income", "heating", "annual_kwh",
            "rent", "owner_costs", "mortgage", "claims_allowance", "uses_cheque", "income",
            "arrears_rent", "arrears_energy", "allowance", "cheque", "cheque_credit",
            "heating_kept", "supply", "months_unpaid", "months_interrupted", "cold_home",
        )  # fmt: skip

        def __init__(self, source: InclusionModel, how: str):
            super().__init__(rng=SEED)
            self.how, self.source = how, source
            self.p = {
                k: v.tolist() if hasattr(v, "tolist") else v for k, v in source.params.items()
            }
            self.threshold = source.energy_poverty_threshold
            self.heating_shares = source._heating_shares.tolist()
            self.cheque_table = [
                self.p["cheque_amounts_one_unit"],
                self.p["cheque_amounts_up_to_two_units"],
                self.p["cheque_amounts_two_units"],
            ]
            self.draws = source.stream("labour")  # the model's own labour stream
            hh, persons = source.population.households, source.population.persons
            columns = {name: hh[name].tolist() for name in self.HOUSEHOLD}
            self.households = [
                NaiveHousehold(self, dict(zip(columns, row, strict=True)))
                for row in zip(*columns.values(), strict=True)
            ]
            self.persons = [
                NaivePerson(self, self.households[h], *row)
                for h, *row in zip(
                    persons["household"].tolist(),
                    persons["activity"].tolist(),
                    persons["unemployment_months"].tolist(),
                    persons["wage"].tolist(),
                    persons["age"].tolist(),
                    source.labour.job_loss_rate.tolist(),
                    source.labour.in_force.tolist(),
                    strict=True,
                )
            ]
            for person in self.persons:
                person.household.members.append(person)
            self.person_set = self.agents_by_type[NaivePerson]
            self.household_set = self.agents_by_type[NaiveHousehold]

        def standing_charge(self, heating):
            own = self.standing[heating] if heating != ELECTRICITY else 0.0
            return self.standing[ELECTRICITY] + own

        def step(self):
            self.year, self.month = calendar_month(
                self.source.start_year, self.source.start_month, self.steps
            )
            standing, price = self.source.prices.at(self.year, self.month)
            self.standing, self.price = standing.tolist(), price.tolist()
            self.heating_share = self.heating_shares[self.month - 1]
            self.heating_month = self.heating_share >= 0.5 / 12
            draws = self.draws.random(len(self.persons)).tolist()
            for person, draw in zip(self.persons, draws, strict=True):
                person.draw = draw
            for agents, method in (
                (self.person_set, "step"),
                (self.household_set, "step"),
                (self.household_set, "supplier_acts"),
            ):
                if self.how == "shuffle_do":
                    agents.shuffle_do(method)
                elif self.how == "do":
                    agents.do(method)
                else:
                    for agent in agents:
                        getattr(agent, method)()
            if self.month == 9:
                for person in self.persons:
                    person.age_one_year()
            self.indicators = self.territorial()

        def territorial(self):
            """Every core indicator's per-zone sums (as indicators.territorial), by loops."""
            p, zones = self.p, self.source.n_zones
            sums = {}

            def add(name, zone, value):
                sums.setdefault(name, [0.0] * zones)[zone] += value

            for h in self.households:
                z, annual = h.zone, 12 * h.income
                energy = h.net_energy_cost()
                housing = 12 * max(h.housing_cost() - h.allowance, 0.0)
                poor = annual / h.cu < p["poverty_line"]
                document = poor and housing + energy > self.threshold * annual
                low = annual / h.cu < p["onpe_income_decile_3"]
                onpe = low and energy > p["onpe_effort_threshold"] * annual
                add("households", z, 1)
                add("persons", z, h.size)
                add("poor", z, h.size if poor else 0)
                add("arrears", z, h.arrears_rent + h.arrears_energy > ARREARS_EPSILON)
                add("document", z, document)
                add("onpe", z, onpe)
                add("effort", z, energy / annual if annual else float("inf"))
                add("interventions", z, h.intervened)
                add("interrupted", z, h.supply != NORMAL)
                add("restricting", z, h.heating_kept < 1.0)
                add("cold", z, h.cold_home)
                add("comfort_deficit", z, h.comfort_deficit)
                add("allowance_recipients", z, h.allowance > 0)
                add("allowance", z, h.allowance)
                add("cheque_recipients", z, h.cheque > 0)
                add("cheque_spent", z, h.cheque_spent)
                add(f"tenure_{h.tenure}", z, 1)
                add(f"document_{h.tenure}", z, document)
                add(f"onpe_{h.tenure}", z, onpe)
            for person in self.persons:
                z = person.household.zone
                add("unemployed", z, person.activity == UNEMPLOYED)
                add("active", z, person.activity in (EMPLOYED, UNEMPLOYED))
            return sums

    from inclusion_sim.clock import calendar_month

    model = InclusionModel(zones=PILOT, scale=1.0, seed=SEED)
    ways = {how: NaiveModel(model, how) for how in ("shuffle_do", "do", "loop")}
    agents = model.population.n_households + model.population.n_persons
    seconds = {}
    for how, naive in ways.items():
        start = time.perf_counter()
        for _ in range(months):
            naive.step()
        seconds[how] = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(months):
        model.step()
    seconds["vectorised"] = time.perf_counter() - start

    hh, persons = model.population.households, model.population.persons
    last = model.results().query("month == @months").set_index(["zone", "indicator"])["value"]
    zone = model.zone_names[0]
    agree = {}
    for how, naive in ways.items():
        s = naive.indicators
        agree[how] = bool(
            np.allclose([h.arrears_rent for h in naive.households], hh["arrears_rent"])
            and np.allclose([h.arrears_energy for h in naive.households], hh["arrears_energy"])
            and np.array_equal([h.supply for h in naive.households], hh["supply"])
            and np.array_equal([q.activity for q in naive.persons], persons["activity"])
            and np.isclose(100 * s["unemployed"][0] / s["active"][0],
                           last[(zone, "unemployment_rate")])
            and np.isclose(100 * s["document"][0] / s["households"][0],
                           last[(zone, "energy_poverty_document")])
            and np.isclose(100 * s["interrupted"][0] / s["households"][0],
                           last[(zone, "supply_interrupted")])
            and np.isclose(s["allowance"][0] * model.population.weight,
                           last[(zone, "allowance_paid")])
        )  # fmt: skip
    rate = {how: agents * months / s for how, s in seconds.items()}
    return {
        "agents": agents,
        "months": months,
        "seconds": seconds,
        "agent_months_per_s": rate,
        "speedup_vs": {how: seconds[how] / seconds["vectorised"] for how in ways},
        "agree": agree,
        "peak_rss_mib": peak_rss_mib(),
    }


def actions(months: int, scales=(0.1, 0.3, 1.0), repeat: int = 2) -> dict:
    """The whole Metropolis with every registered action at its default levers, and without any
    action, at each scale, in this one process (so the ratios compare like with like): set-up
    and `months` steps, wall and CPU seconds, the best of `repeat`."""
    from inclusion_sim.actions import REGISTRY
    from inclusion_sim.model import InclusionModel

    every = {name: {} for name in sorted(REGISTRY)}
    rows = []
    for scale in scales:
        for label, enabled in (("no action", {}), ("every action", every)):
            best = None
            for _ in range(repeat):
                wall, cpu = time.perf_counter(), time.process_time()
                model = InclusionModel(scale=scale, seed=SEED, actions=enabled)
                setup_wall, setup_cpu = time.perf_counter() - wall, time.process_time() - cpu
                wall, cpu = time.perf_counter(), time.process_time()
                for _ in range(months):
                    model.step()
                run = {
                    "setup_s": setup_wall,
                    "setup_cpu_s": setup_cpu,
                    "run_s": time.perf_counter() - wall,
                    "run_cpu_s": time.process_time() - cpu,
                }
                del model
                if best is None or run["run_cpu_s"] < best["run_cpu_s"]:
                    best = run
            rows.append({"scale": scale, "case": label, **best})
    return {
        "actions": sorted(REGISTRY),
        "rows": rows,
        "peak_rss_mib": peak_rss_mib(),
    }


CASES = {
    "pilot": lambda a: pilot(a.months),
    "metropolis": lambda a: metropolis(a.months),
    "monthly_step": lambda a: monthly_step(a.naive_months),
    "actions": lambda a: actions(a.months, a.scales, a.repeat),
}


# --- parent ---------------------------------------------------------------------------------
def run_case(name: str, args: argparse.Namespace) -> dict:
    """Run one case in a fresh interpreter and read its JSON back."""
    print(f"running {name} ...", file=sys.stderr, flush=True)
    options = ["--months", str(args.months), "--naive-months", str(args.naive_months)]
    options += ["--scales", *map(str, args.scales), "--repeat", str(args.repeat)]
    child = subprocess.run(
        [sys.executable, __file__, "--case", name, *options], stdout=subprocess.PIPE, text=True
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
        "load_average": os.getloadavg(),
    }


def print_tables(results: dict) -> None:
    m, cases, months = results["machine"], results["cases"], results["months"]
    print(f"\ninclusion_sim core benchmark: {months} months, seed {SEED}, one core each")
    load = " ".join(f"{x:.2f}" for x in m["load_average"])
    print(
        f"machine: nproc {m['nproc']}, {m['cpu']}, Python {m['python']}, mesa {m['mesa']}, "
        f"numpy {m['numpy']}; load average at start {load}\n"
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

    b = cases["monthly_step"]
    print(
        "\nthe full monthly step (labour market, incomes, the household economy, suppliers, "
        f"ageing, indicators), the pilot's {b['agents']:,} agents, {b['months']} months, "
        "one process:"
    )
    print(f"{'method':<36}{'run s':>9}{'agent-months/s':>16}{'vectorised is':>15}{'agrees':>8}")
    labels = {
        "shuffle_do": "naive Mesa agents, shuffle_do",
        "do": "naive Mesa agents, do",
        "loop": "naive agents, plain Python loop",
        "vectorised": "InclusionModel.step (vectorised)",
    }
    for how, label in labels.items():
        faster = f"{b['speedup_vs'][how]:.0f}x faster" if how in b["speedup_vs"] else ""
        agrees = {True: "yes", False: "NO"}.get(b["agree"].get(how), "")
        print(
            f"{label:<36}{b['seconds'][how]:>9.2f}{b['agent_months_per_s'][how]:>16,.0f}"
            f"{faster:>15}{agrees:>8}"
        )

    if "actions" in cases:
        a = cases["actions"]
        print(
            f"\nwhole Metropolis, every registered action ({', '.join(a['actions'])}) at its "
            f"default levers vs no action, {months} months, one process, best of repeats:"
        )
        print(
            f"{'scale':>6}{'case':>14}{'set-up s':>10}{'run s':>8}{'run CPU s':>11}"
            f"{'run / no action':>17}{'(set-up + run)':>16}"
        )
        base = {r["scale"]: r for r in a["rows"] if r["case"] == "no action"}
        for r in a["rows"]:
            b0 = base[r["scale"]]
            ratio = r["run_cpu_s"] / b0["run_cpu_s"]
            total = (r["setup_cpu_s"] + r["run_cpu_s"]) / (b0["setup_cpu_s"] + b0["run_cpu_s"])
            print(
                f"{r['scale']:>6}{r['case']:>14}{r['setup_s']:>10.2f}{r['run_s']:>8.2f}"
                f"{r['run_cpu_s']:>11.2f}{ratio:>16.2f}x{total:>15.2f}x"
            )
        every = {r["scale"]: r for r in a["rows"] if r["case"] == "every action"}
        low, high = min(every), max(every)
        if high > low:
            exponent = math.log(every[high]["run_cpu_s"] / every[low]["run_cpu_s"]) / math.log(
                high / low
            )
            print(
                f"cost with every action grows as scale^{exponent:.2f} from {low} to {high} "
                f"(1.0: linear); peak memory of the process {a['peak_rss_mib']:,.0f} MiB"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument(
        "--naive-months", type=int, default=12, help="months of the naive step comparison"
    )
    parser.add_argument("--scales", type=float, nargs="+", default=[0.1, 0.3, 1.0])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each actions case (best)")
    parser.add_argument(
        "--quick", action="store_true", help="smoke check: 12 months, no whole Metropolis"
    )
    parser.add_argument("--case", choices=CASES, help=argparse.SUPPRESS)  # child mode
    args = parser.parse_args()

    if args.case:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # the target is on one core
        print(json.dumps(CASES[args.case](args)))
        return

    if args.quick:
        args.months, args.naive_months, args.scales, args.repeat = 12, 2, [0.02, 0.05], 1
    names = ["pilot", "monthly_step", "actions"]
    if not args.quick:
        names.insert(1, "metropolis")
    results = {
        "machine": machine(),
        "months": args.months,
        "quick": args.quick,
        "cases": {name: run_case(name, args) for name in names},
    }
    print_tables(results)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / ("core-quick.json" if args.quick else "core.json")
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nresults written to {path}")
    if not all(results["cases"]["monthly_step"]["agree"].values()):
        sys.exit("the naive and vectorised monthly steps disagree")


if __name__ == "__main__":
    main()
