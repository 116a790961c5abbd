"""InclusionModel: the synthetic territory, its monthly household and labour dynamics, and the
actions a scenario enables.

One Mesa step is one month. Households settle their budgets with vectorised array updates,
then each enabled action runs its mechanism and the SimPy clock (days) is advanced to the end of
the month so that agencies' queued work happens inside it.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd
import simpy

from .actions import create as create_action
from .agencies import SocialCentre
from .agents import Household, Person
from .allowance import housing_allowance
from .budget import household_income, settle_month
from .cheque import cheque_amount
from .clock import calendar_month, days_in_month, school_year
from .codes import school_level
from .debt import OverIndebtedness
from .declarations import Indicator
from .demography import Demography, Turnover, expected_vacancies
from .energy import annual_energy_cost, heating_month_shares, heating_months, monthly_bill
from .housing import housing_cost
from .indicators import CORE_INDICATORS, TOTAL, territorial, units, with_total
from .keywords import model_settings
from .labour import LabourMarket
from .ledger import Ledger
from .newcomers import block_slots
from .parameters import Parameters
from .pathways import Pathways
from .prices import EnergyPrices
from .reporters import IndicatorCollector, tidy
from .scenario import Scenario
from .strain import heating_kept, intervene, restore, supply_factors
from .territory.figures import figure, load_figures
from .territory.layout import lay_out
from .territory.marginals import zone_marginals
from .territory.population import synthesize
from .territory.zones import ALL_ZONES, ZONES


class InclusionModel(mesa.Model):
    """A territory of one to four zones, simulated month by month.

    Args:
        scenario: a scenario file, a `Scenario`, or Mesa's `Scenario` whose attributes are
            keywords (SolaraViz passes one on reset); None: the defaults (the whole Metropolis in
            four zones, scale 0.1, 120 months from January 2017, no action).
        rng: the run's seed, an integer >= 0 (or a numpy Generator or SeedSequence to draw one
            from); None keeps the scenario's seed, so runs are reproducible by default. Every
            random stream is derived from it. `seed=` is its former name, still accepted.
        zones: zone ids or names, or one zone as a string.
        scale: share of real households simulated; each agent weighs 1/scale.
        start_year, start_month: the calendar month of step 1.
        months: the horizon: `running` turns False once it is simulated, so mesa.batch_run and
            SolaraViz's play button stop there (`step()` still simulates further months).
        parameters, marginals, actions: tables merged over the scenario's, key by key (an
            action's table enables it: `actions={"energy_poverty": {}}`).
        agent_views: build the Household and Person views at set-up rather than when first
            asked for (`agents`, `agents_by_type`, `household_agents`, `person_agents`).
        **params: flat levers `<action>__<lever>` (`energy_poverty__fsl_budget`; one enables
            its action) and parameters by identifier (`job_finding_rate`,
            `energy_poverty__take_up` for `energy_poverty.take_up`): the `identifier` column of
            `inclusion_sim.levers()`.

    Keywords override the scenario's values and are checked as a scenario file's keys are, with
    the same one-line `ScenarioError` naming the keyword. `settings` is the resolved scenario
    (`scenario` is Mesa's own attribute).
    """

    def __init__(
        self,
        scenario: Scenario | str | Path | None = None,
        rng: int | np.random.Generator | np.random.SeedSequence | None = None,
        *,
        zones: Iterable[str] | str | None = None,
        scale: float | None = None,
        start_year: int | None = None,
        start_month: int | None = None,
        months: int | None = None,
        parameters: Mapping[str, Any] | None = None,
        marginals: Mapping[str, Mapping[str, float]] | None = None,
        actions: Mapping[str, Mapping[str, Any]] | None = None,
        agent_views: bool = False,
        **params: Any,
    ):
        named = dict(
            zones=zones,
            scale=scale,
            start_year=start_year,
            start_month=start_month,
            months=months,
            parameters=parameters,
            marginals=marginals,
            actions=actions,
        )
        keywords = {k: v for k, v in named.items() if v is not None} | params
        self.settings = model_settings(scenario, rng, keywords)
        settings = self.settings
        super().__init__(rng=settings.seed)
        self.seed = settings.seed
        self.months = settings.months
        self.start_year, self.start_month = settings.start_year, settings.start_month
        self.zones = list(settings.zones)
        self.n_zones = len(self.zones)
        self.zone_names = [ZONES[z] for z in self.zones] + ([TOTAL] if self.n_zones > 1 else [])
        self.params = Parameters(settings.parameters)
        figures = load_figures()
        self.energy_poverty_threshold = figure("action4.energy_poverty_threshold", figures) / 100
        all_marginals = zone_marginals(self.params, figures, settings.marginals)
        self.marginals = [all_marginals[z] for z in self.zones]

        synthetic = synthesize(
            self.marginals, settings.zone_scales(), self.stream("population"), self.params
        )
        # Dwellings, some vacant, each with a block of person slots (territory/layout.py).
        self.population = lay_out(
            synthetic,
            expected_vacancies(synthetic, self.params),
            self.params["spare_person_slots"],
            self.stream("layout"),
        )
        households, persons = self.population.households, self.population.persons
        n = self.population.n_dwellings
        for column in ("income", "arrears_rent", "arrears_energy", "allowance", "cheque"):
            households[column] = np.zeros(n)
        # EUR a month of the living floor that actions provide in kind (e.g. the social grocery's
        # food saving): the budget rule keeps that much less for food; zeros in the core.
        households["budget_relief"] = np.zeros(n)
        households["cheque_credit"] = np.zeros(n)  # EUR of cheques not yet spent on bills
        households["heating_kept"] = np.ones(n)  # share of the heating need heated this month
        households["supply"] = np.zeros(n, dtype=np.int8)  # strain.NORMAL, POWER_REDUCED, CUT
        households["months_unpaid"] = np.zeros(n, dtype=np.int16)
        households["months_interrupted"] = np.zeros(n, dtype=np.int16)
        households["cold_home"] = np.zeros(n, dtype=bool)
        # This month's flows, per household (indicators sum them by zone).
        self.month = {
            "interventions": np.zeros(n, dtype=bool),
            "comfort_deficit": np.zeros(n),  # kWh of heating need not heated
            "cheque_spent": np.zeros(n),  # EUR of cheque credit that paid bills
            # the document's energy-poverty test, set when the month's indicators are collected
            "energy_poor_document": np.zeros(n, dtype=bool),
            "surplus": np.zeros(n),  # EUR of lasting income left after floor, housing and energy
        }
        self.household_slices, self.person_slices = self.population.zone_slices(self.n_zones)
        # The first person slot of each dwelling's block (blocks are contiguous, in row order).
        self.first_slot = np.searchsorted(persons["household"], np.arange(n))
        self._views: tuple[list, list] | None = None

        self.labour = LabourMarket(persons, households, self.params["job_finding_rate"])
        self._labour_rng = self.stream("labour")
        self.demography = Demography(self)  # after the labour market: newcomers' job-loss rates
        self.debt = OverIndebtedness(self)
        if agent_views:
            self._agent_views()
        self.prices = EnergyPrices(self.params)
        self._heating_shares = heating_month_shares(self.params["heating_degree_days"])
        self._heating_months = heating_months(self.params["heating_degree_days"])
        self.standing, self.price = self.prices.at(self.start_year, self.start_month)
        self.update_incomes()
        self._warm_up()

        self.env = simpy.Environment()
        self.ledger = Ledger()
        occupied = self.population.households["occupied"]
        self.social_centres = [
            SocialCentre(self, code, np.count_nonzero(occupied[s]))
            for code, s in enumerate(self.household_slices)
        ]
        self.pathways = Pathways(self.population.n_dwellings)  # raised by actions 1 and 2
        self.actions = [
            create_action(self, name, dict(levers)) for name, levers in settings.actions.items()
        ]
        self.datacollector = IndicatorCollector(self._indicator_names(), self.zones)
        self._collect()

    # --- randomness -------------------------------------------------------------------------
    def stream(self, name: str) -> np.random.Generator:
        """An independent generator for one concern, fixed by the seed and the name alone.

        Enabling an action therefore never changes the draws of the population or of another
        action, so a run with an action off equals the no-action run exactly.
        """
        key = zlib.crc32(name.encode())
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(key,)))

    # --- calendar ---------------------------------------------------------------------------
    @property
    def calendar_month(self) -> tuple[int, int]:
        """(year, month) of the step being simulated (the start month before any step)."""
        return calendar_month(self.start_year, self.start_month, self.steps)

    # --- monthly dynamics -------------------------------------------------------------------
    def step(self) -> None:
        year, month = self.calendar_month
        turnover = self.demography.month(year, month)
        for action in self.actions:
            action.forget(turnover.households, turnover.persons)
        self._refresh_views(turnover)
        self.labour.step(self.population.persons, self._labour_rng)
        self.update_incomes()
        self.settle_budgets(year, month)
        self.debt.month(self.month["surplus"])
        for action in self.actions:
            action.step()
        self.env.run(until=self.env.now + days_in_month(year, month))
        self.suppliers_act(year, month)
        self._collect()

    def settle_budgets(self, year: int, month: int) -> None:
        """The household economy of a calendar month.

        Prices of the month; the housing allowance at the current income; in the cheque's month,
        the year's energy cheque credited to the energy account; each household's heating
        (restricted under strain, stopped by a supply cut), its bill net of the cheque credit;
        then the budget rule (rent net of the allowance before energy). An action's
        `budget_relief` (EUR a month, in kind: e.g. food bought at the social grocery) lowers the
        living floor the household keeps before housing and energy. The suppliers act at the
        month's end (`suppliers_act`).
        """
        hh, p = self.population.households, self.params
        occupied = hh["occupied"]
        self.standing, self.price = self.prices.at(year, month)
        hh["allowance"] = housing_allowance(
            hh["rent"], hh["adults"], hh["size"], hh["income"], hh["claims_allowance"], p
        )
        if month == p["cheque_month"]:
            issued = year >= p["cheque_first_year"]
            hh["cheque"] = cheque_amount(hh["income"], hh["size"], hh["uses_cheque"] & issued, p)
            hh["cheque_credit"] += hh["cheque"]

        effort = self.net_energy_cost() / (12 * np.maximum(hh["income"], 1.0))
        in_arrears = hh["arrears_energy"] > p["energy_arrears_threshold"]
        heat_allowed, other_allowed = supply_factors(hh["supply"], hh["heating"], p)
        hh["heating_kept"] = heating_kept(effort, in_arrears, p) * heat_allowed
        heat_need = p["heating_share"] * hh["annual_kwh"] * self._heating_shares[month - 1]
        other_use = (1 - p["heating_share"]) * hh["annual_kwh"] / 12 * other_allowed
        bill = monthly_bill(
            hh["heating"], heat_need * hh["heating_kept"], other_use, self.standing, self.price
        )
        spent = np.minimum(hh["cheque_credit"], bill)
        hh["cheque_credit"] -= spent
        cold = hh["heating_kept"] < p["cold_home_threshold"]
        hh["cold_home"] = occupied & self._heating_months[month - 1] & cold

        # A vacant dwelling has no budget: nothing is billed or owed.
        lasting_floor = p["living_floor"] * hh["cu"]
        floor = np.maximum(lasting_floor - hh["budget_relief"], 0.0)
        housing = np.where(occupied, np.maximum(housing_cost(hh) - hh["allowance"], 0.0), 0.0)
        energy = np.where(occupied, bill - spent, 0.0)
        hh["arrears_rent"], hh["arrears_energy"] = settle_month(
            hh["income"],
            floor,
            housing,
            energy,
            hh["arrears_rent"],
            hh["arrears_energy"],
            p["arrears_repayment_share"],
        )
        # The commission judges what a household can repay on its lasting resources: temporary
        # relief in kind (a grocery place of a few months) is not a repayment capacity.
        self.month["surplus"] = np.maximum(hh["income"] - lasting_floor - housing - energy, 0.0)
        self.month["comfort_deficit"] = np.where(occupied, heat_need * (1 - hh["heating_kept"]), 0)
        self.month["cheque_spent"] = spent

    def suppliers_act(self, year: int, month: int) -> None:
        """End of the month: energy suppliers restore supply where the debt is paid (or the
        interruption has lasted its time) and intervene where bills have gone unpaid past the
        notice, outside the winter truce. It runs after the actions, so an aid paid during the
        month (an FSL grant) prevents the intervention its debt would have brought."""
        hh, p = self.population.households, self.params
        unpaid = hh["arrears_energy"] > p["energy_arrears_threshold"]
        hh["months_unpaid"] = np.where(unpaid, hh["months_unpaid"] + 1, 0)
        restore(hh, unpaid, p)
        self.month["interventions"] = intervene(
            hh["supply"], hh["months_unpaid"], hh["heating"], year, month, p
        )

    def annual_energy_cost(self, idx=slice(None), annual_kwh=None) -> np.ndarray:
        """EUR a year of households' energy at normal comfort, at this month's prices."""
        hh = self.population.households
        kwh = hh["annual_kwh"][idx] if annual_kwh is None else annual_kwh
        return annual_energy_cost(
            hh["heating"][idx], kwh, self.standing, self.price, self.params["heating_share"]
        )

    def net_energy_cost(self, idx=slice(None), annual_kwh=None) -> np.ndarray:
        """The annual energy cost net of the year's energy cheque (>= 0)."""
        cheque = self.population.households["cheque"][idx]
        return np.maximum(self.annual_energy_cost(idx, annual_kwh) - cheque, 0.0)

    def net_housing_cost(self, idx=slice(None), rent=None, gross=None) -> np.ndarray:
        """EUR a month of housing net of the allowance (>= 0), optionally at another rent
        (`rent`) and gross housing cost (`gross`), the allowance recomputed for them."""
        hh = self.population.households
        if rent is None:
            allowance = hh["allowance"][idx]
        else:
            allowance = housing_allowance(
                rent,
                hh["adults"][idx],
                hh["size"][idx],
                hh["income"][idx],
                hh["claims_allowance"][idx],
                self.params,
            )
        gross = housing_cost(hh, idx) if gross is None else gross
        return np.maximum(gross - allowance, 0.0)

    def _warm_up(self) -> None:
        """Live the `warmup_months` before the start: each month the labour market's flows (from
        the `warm-up` stream), incomes, budgets and the suppliers. Arrears then start in their
        seasonal state and carry the debts of past unemployment spells that households who
        have found a job are still repaying: a warm-up with incomes held fixed gave only the
        debts of households in deficit now, and the stock of households in arrears rose 16% over
        the run's first four years (whole Metropolis, constant prices). The flows keep each
        group's unemployment rate (7.9), so the start's statuses are another draw of the same
        distribution. No demography: ages and households stay as synthesized. The run's own
        streams are untouched."""
        months = self.params["warmup_months"]
        rng = self.stream("warm-up") if months else None
        for back in range(months, 0, -1):
            year, month = calendar_month(self.start_year, self.start_month - back, 1)
            self.labour.step(self.population.persons, rng)
            self.update_incomes()
            self.settle_budgets(year, month)
            self.suppliers_act(year, month)

    def birth_years(self, slots=slice(None)) -> np.ndarray:
        """Year of birth of the persons in `slots`: ages move on birthdays at the start of each
        step, so before the first step no birthday of the start year has passed."""
        year, month = self.calendar_month
        passed = month if self.steps >= 1 else month - 1  # last month whose birthdays passed
        persons = self.population.persons
        return year - persons["age"][slots] - (persons["birth_month"][slots] > passed)

    def school_levels(self) -> np.ndarray:
        """Every person slot's school grade in the current school year (-1 for persons not of
        school age and empty slots): the grade follows the year of birth."""
        levels = school_level(self.birth_years(), school_year(*self.calendar_month))
        return np.where(self.population.persons["present"], levels, -1)

    def update_incomes(self) -> None:
        """Household income = non-labour income + members' earnings or benefits."""
        households = self.population.households
        households["income"] = household_income(
            households, self.population.persons, self.params, self.labour.active
        )

    # --- agent views -------------------------------------------------------------------------
    def _agent_views(self) -> tuple[list[Household | None], list[Person | None]]:
        """The views of the households and persons living in the territory, by row and slot
        (None for a vacant dwelling or an empty slot); built on first use, then kept current as
        households and persons come and go (`_refresh_views`)."""
        if self._views is None:
            occupied = self.population.households["occupied"]
            present = self.population.persons["present"]
            self._views = (
                [Household(self, i) if occupied[i] else None for i in range(len(occupied))],
                [Person(self, i) if present[i] else None for i in range(len(present))],
            )
        return self._views

    def _refresh_views(self, turnover: Turnover) -> None:
        """A new occupant is a new agent: the views of rows and slots that changed occupant are
        removed from Mesa's registry and, where someone lives now, built anew."""
        if self._views is None:
            return
        households, persons = self._views
        for changed, views, alive, kind in (
            (turnover.households, households, self.population.households["occupied"], Household),
            (turnover.persons, persons, self.population.persons["present"], Person),
        ):
            for i in changed:
                if views[i] is not None:
                    views[i].remove()
                views[i] = kind(self, i) if alive[i] else None

    @property
    def household_agents(self) -> list[Household | None]:
        return self._agent_views()[0]

    @property
    def person_agents(self) -> list[Person | None]:
        return self._agent_views()[1]

    @property
    def agents(self):
        """Mesa's set of every agent, household and person views included."""
        self._agent_views()
        return super().agents

    @property
    def agents_by_type(self):
        self._agent_views()
        return super().agents_by_type

    def member_sums(self, values: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """For each dwelling of `rows`, the sum of `values` (one per person slot; a boolean mask
        counts) over its block of slots: e.g. the adults with a diploma of some households."""
        capacity = self.demography.capacity[rows]
        if len(rows) == 0:
            return np.zeros(0)
        slots = block_slots(self.first_slot[rows], capacity)
        offsets = np.r_[0, np.cumsum(capacity)][:-1]
        return np.add.reduceat(np.asarray(values[slots], dtype=float), offsets)

    def members_of(self, household: int) -> list[Person]:
        start = self.first_slot[household]
        stop = start + self.demography.capacity[household]
        return [p for p in self.person_agents[start:stop] if p is not None]

    # --- indicators -------------------------------------------------------------------------
    def zone_values(self, per_zone: np.ndarray) -> np.ndarray:
        """Per-zone values with the Territory total appended (the layout of every indicator)."""
        return with_total(np.asarray(per_zone, dtype=float))

    def _indicator_names(self) -> list[str]:
        names = list(territorial(self))
        for action in self.actions:
            for name in action.indicators():
                if name in names:
                    raise ValueError(
                        f"action '{action.name}' reports indicator '{name}', "
                        "which another indicator already uses"
                    )
                names.append(name)
        return names

    def declared_indicators(self) -> dict[str, Indicator]:
        """Indicator name -> declaration, the core's and the enabled actions'."""
        declared = [*CORE_INDICATORS, *(i for action in self.actions for i in action.outputs)]
        return {i.name: i for i in declared}

    def indicator_units(self) -> dict[str, tuple[str, str]]:
        """Indicator name -> (unit, description), core and enabled actions'."""
        return units(self.declared_indicators().values())

    def indicator_figures(self) -> dict[str, float]:
        """Document figures of the Territory's indicators (core and actions'), in the unit of the
        indicator's yearly summary (see `declarations.KINDS`).

        They describe the whole Metropolis, so they apply only when all four zones are simulated.
        """
        if set(self.zones) != set(ALL_ZONES):
            return {}
        figures = load_figures()
        return {
            i.name: figure(i.figure[0], figures) * i.figure[1]
            for i in self.declared_indicators().values()
            if i.figure is not None
        }

    def current_indicators(self) -> dict[str, np.ndarray]:
        values = territorial(self)
        for action in self.actions:
            values.update(action.indicators())
        return values

    def _collect(self) -> None:
        """Record the month's indicators; stop `running` at the horizon."""
        self._current = self.current_indicators()
        self.datacollector.collect(self)
        self.running = self.steps < self.months

    def results(self) -> pd.DataFrame:
        """Tidy indicators: one row per (month, zone, indicator); month 0 is the initial state."""
        return tidy(self.datacollector, self.zone_names)
