"""The open population: ageing, retirement, deaths, births, moves, young adults leaving home,
separations and unions, month by month (docs/odd.md 7.23-7.27).

Each month, before the labour market moves:

1. everyone whose birthday falls in the month is a year older; a child who turns 18 becomes an
   inactive young adult, without a diploma with the zone's no-diploma share;
2. households move out of their dwelling at the rate of its tenure, scaled by the age of their
   reference person; a move is a departure: the model does not follow households that move;
3. persons die at the rate of their sex and age, a partner's pension passing in part to the
   survivor (`reversion_share`); adult children leave the parental home at the rate of their age
   (the household they form is not followed: households like it are among the newcomers of 6);
   persons past the legal retirement age of their month of birth retire, `retirement_rate` a
   month and all by 67 (the age of the automatic full rate), a worker's or job seeker's pension
   replacing `pension_replacement_rate` of the wage and the minimum old-age pension topping the
   household's resources up to its ceiling; a household left without an adult leaves its
   dwelling;
4. couples separate (`separation_rate`): one partner leaves (the man in a mixed couple), the
   children stay; lone adults aged 18-64 form a union at the rate that balances separations at
   the start (with and without dependents apart), a partner drawn like the zone's adults of
   their age band moving in;
5. women who head a household give birth at the fertility of their age and the calendar year;
6. vacant dwellings are let, one in `vacancy_months` a month, each zone up to its households at
   the start grown at `household_growth_rate` (the census's trend), to households drawn like
   the zone's (`newcomers.py`).

At set-up, persons already past their legal age have retired as the monthly rule would have
retired them (the `retired at the start` stream).

Random numbers: one uniform per person slot and one per dwelling each month, from the
`demography` stream, drawn whatever the state; each event a slot (a dwelling) may have owns an
interval of [0, 1), so the month's events are exclusive, and an action changes who is born, dies
or moves only through the state those events depend on. A choice made after an event (the sex
of a newborn, whom a dwelling is let to) reads where the uniform fell within the event's
interval.

What changed occupant is recorded (`Turnover`): every action forgets the rows and slots listed
(`Action.forget`), and each row and slot carries a `generation` counter that a process started
for one occupant compares before acting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .budget import labour_income
from .codes import CHILD, EMPLOYED, INACTIVE, RETIRED, UNEMPLOYED
from .demography_tables import MAX_AGE, load_tables, monthly
from .family import CHILD_UNTIL, YOUNG_UNTIL, household_benefits
from .newcomers import Newcomers, block_slots
from .territory.layout import vacate_households, vacate_slots

if TYPE_CHECKING:
    from .model import InclusionModel

ADULT, CU_OLDER = 18, 14  # OECD-modified scale: 0.5 a person from 14, 0.3 under
RETIREMENT_FROM, FULL_RATE_AGE = 60, 67  # no legal age below 60; all retired by the full rate
UNION_AGES = (18, 64)  # lone adults who may form a union
BOY_SHARE = 105 / 205  # INSEE: about 105 boys are born for 100 girls
GROWTH_MONTHS = 120  # the vacant dwellings are laid out for ten years of household growth
FLOWS = ("births", "deaths", "households_moved_in", "households_moved_out", "left_home",
         "separations", "unions", "retirements", "evictions", "repossessions",
         "births_without_room", "moves", "separation_moves", "households_dissolved")  # fmt: skip
# (moves, separation_moves, households_dissolved: the causes of households_moved_out)


def expected_vacancies(population, params) -> np.ndarray:
    """Vacant dwellings each zone needs (per zone of the synthetic population): the dwellings
    its households leave in `vacancy_months` at the start's moving rates, the dwellings its
    households grow into over `GROWTH_MONTHS` (`household_growth_rate`), plus 1% headroom so
    that a month of many departures still finds room. The same whatever the run's horizon, so a
    run's first months do not depend on it; past ten years a zone may run out of dwellings and
    stop growing."""
    tables = load_tables()
    hh, persons = population.households, population.persons
    head_age = persons["age"][np.r_[0, np.cumsum(hh["size"])][:-1]]
    factor = tables.head_age_mobility[np.clip(head_age, 0, MAX_AGE)]
    tenure = hh["tenure"]
    mean = np.bincount(tenure, weights=factor, minlength=3) / np.maximum(
        np.bincount(tenure, minlength=3), 1
    )
    annual = factor / np.maximum(mean[tenure], 1e-12) * tables.tenure_mobility[tenure]
    leaving = np.bincount(
        hh["zone"],
        weights=monthly(annual) * params["vacancy_months"],
        minlength=len(population.zone_weight),
    )
    households = np.bincount(hh["zone"], minlength=len(population.zone_weight))
    growth = (1 + params["household_growth_rate"]) ** (GROWTH_MONTHS / 12) - 1
    return np.ceil(leaving + (max(growth, 0.0) + 0.01) * households).astype(np.int64) + 1


@dataclass
class Turnover:
    """Household rows and person slots whose occupant changed this month (left, arrived, or
    both): actions forget what they kept about them."""

    households: np.ndarray
    persons: np.ndarray

    @classmethod
    def none(cls) -> Turnover:
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


class Demography:
    """The monthly demographic events of the territory's households and persons."""

    def __init__(self, model: InclusionModel):
        self.model = model
        self.tables = load_tables()
        self.rng = model.stream("demography")
        hh, persons, p = model.population.households, model.population.persons, model.params
        n_slots = len(persons["age"])
        self.capacity = np.diff(np.r_[model.first_slot, n_slots])  # slots of each dwelling
        self.reference = model.first_slot.copy()  # each dwelling's reference person
        self._find_reference(np.arange(len(hh["zone"])))
        _split_pensions(hh, persons)
        hh["family_benefits"] = np.zeros(len(hh["zone"]))
        self._update_households(np.flatnonzero(hh["occupied"]), adjust=False)
        self.no_diploma_share = np.array([m.no_diploma_share for m in model.marginals])
        self.stock = np.bincount(hh["zone"][hh["occupied"]], minlength=model.n_zones)
        self.growth_rate = p["household_growth_rate"]
        self.mobility_norm = self._mobility_norm()
        # Monthly probabilities looked up by age (and sex, tenure), computed once.
        self.monthly_death = monthly(self.tables.death)
        self.monthly_leaving = monthly(self.tables.leaving_home)
        self.monthly_moving = monthly(
            self.tables.head_age_mobility[None, :] / self.mobility_norm[:, None]
        )
        self.newcomers = Newcomers(model, self._newcomer_weights())
        self.fill_rate = 1 / max(p["vacancy_months"], 1.0)
        self.union_rate = self._union_rate()
        self.bounds = np.zeros((3, n_slots))  # cumulative monthly death, leaving, birth
        self._fertility(model.calendar_month[0])
        self._person_rates(np.arange(n_slots))
        self.turnover = Turnover.none()
        self.flows = {name: np.zeros(model.n_zones) for name in FLOWS}
        self._retire_past_legal_age_at_start()

    # --- set-up -----------------------------------------------------------------------------
    def _mobility_norm(self) -> np.ndarray:
        """Per tenure, the mean head-age factor of its households at the start over the
        tenure's published rate, so that each tenure moves at its published rate at the start."""
        hh = self.model.population.households
        occupied = hh["occupied"]
        tenure = hh["tenure"][occupied]
        total = np.bincount(tenure, weights=self.head_age_factor()[occupied], minlength=3)
        count = np.bincount(tenure, minlength=3)
        mean = np.divide(total, count, out=np.ones(3), where=count > 0)
        return mean / np.maximum(self.tables.tenure_mobility, 1e-12)

    def _newcomer_weights(self) -> np.ndarray:
        """The chance of each household at the start to be copied by a newcomer, by the zone and
        five-year age band of its reference person: the band's monthly inflow that keeps the
        zone's reference persons' ages as they are at the start, given the model's moves,
        deaths of lone adults and ageing (heads ageing out of the band, minus those ageing into
        it), per household of the band. A band that ageing alone fills gets no newcomer."""
        model = self.model
        hh, persons = model.population.households, model.population.persons
        rows = np.flatnonzero(hh["occupied"])
        head = self.reference_persons()[rows]
        age = np.clip(persons["age"][head], 0, MAX_AGE)
        sex = np.clip(persons["sex"][head], 0, 1)
        bands = MAX_AGE // 5 + 1
        cell = hh["zone"][rows].astype(np.int64) * bands + age // 5
        alone = hh["adults"][rows] == 1
        leaving = self.moving_rate()[rows] + alone * self.monthly_death[sex, age]
        n = np.bincount(cell, minlength=model.n_zones * bands).reshape(model.n_zones, bands)
        out = np.bincount(cell, weights=leaving, minlength=n.size).reshape(n.shape)
        ageing = n / 60.0  # a five-year band loses a sixtieth of its heads a month to the next
        inflow = out + ageing - np.pad(ageing, ((0, 0), (1, 0)))[:, :-1]
        per_household = np.divide(
            np.maximum(inflow, 0.0), n, out=np.zeros(n.shape), where=n > 0
        ).ravel()
        return per_household[cell]

    def _union_rate(self) -> np.ndarray:
        """Monthly union rate of lone adults, with and without dependents, that balances the
        separations of couples with and without dependents at the start (the shares of adults
        living in a couple, and of single-parent families, hardly move from one year to the
        next)."""
        hh = self.model.population.households
        of_age = self._union_age()
        dependents = (hh["size"] > hh["adults"]).astype(np.int64)
        couples = np.bincount(dependents[of_age & (hh["adults"] == 2)], minlength=2)
        singles = np.bincount(dependents[of_age & (hh["adults"] == 1)], minlength=2)
        separations = monthly(self.model.params["separation_rate"])
        rate = np.divide(separations * couples, singles, out=np.zeros(2), where=singles > 0)
        return np.minimum(rate, 1.0)

    def _union_age(self) -> np.ndarray:
        """Occupied dwellings whose reference person is of an age to form a union."""
        hh, persons = self.model.population.households, self.model.population.persons
        head_age = persons["age"][self.reference_persons()]
        return hh["occupied"] & (head_age >= UNION_AGES[0]) & (head_age <= UNION_AGES[1])

    def households_target(self) -> np.ndarray:
        """Households each zone lets its vacant dwellings up to this month: its households at
        the start, growing at `household_growth_rate` a year (the census's trend: households
        form faster than the population grows, as they get smaller)."""
        growth = (1 + self.growth_rate) ** (self.model.steps / 12)
        return np.round(self.stock * growth).astype(np.int64)

    # --- rates --------------------------------------------------------------------------------
    def reference_persons(self) -> np.ndarray:
        """Each dwelling's reference person (kept up to date month by month)."""
        return self.reference

    def _find_reference(self, rows: np.ndarray) -> None:
        """The reference person of dwellings `rows`: the first present head of the block (the
        first slot of a vacant dwelling). Heads take the first slots, but a death can empty
        them."""
        if len(rows) == 0:
            return
        model = self.model
        persons, first = model.population.persons, model.first_slot[rows]
        slots = block_slots(first, self.capacity[rows])
        offsets = np.r_[0, np.cumsum(self.capacity[rows])][:-1]
        head = persons["head"][slots] & persons["present"][slots]
        position = np.where(head, np.arange(len(slots)), len(slots))
        found = np.minimum.reduceat(position, offsets)
        self.reference[rows] = np.where(
            found < len(slots), slots[np.minimum(found, len(slots) - 1)], first
        )

    def head_age_factor(self) -> np.ndarray:
        """Relative moving rate of each dwelling's household by its reference person's age."""
        head_age = self.model.population.persons["age"][self.reference_persons()]
        return self.tables.head_age_mobility[np.clip(head_age, 0, MAX_AGE)]

    def moving_rate(self) -> np.ndarray:
        """Monthly probability that each dwelling's household moves out (0 if vacant)."""
        hh = self.model.population.households
        head_age = self.model.population.persons["age"][self.reference]
        rate = self.monthly_moving[hh["tenure"], np.clip(head_age, 0, MAX_AGE)]
        return np.where(hh["occupied"], rate, 0.0)

    def _fertility(self, year: int) -> None:
        self.fertility_year = year
        self.monthly_fertility = monthly(self.tables.fertility_in(year))

    def _person_rates(self, slots: np.ndarray) -> None:
        """Monthly probabilities of dying, leaving home and giving birth of `slots`, cumulated
        (the intervals of a slot's uniform); kept until the slot's age, occupant or the year
        changes."""
        persons = self.model.population.persons
        present = persons["present"][slots]
        age = np.clip(persons["age"][slots], 0, MAX_AGE)
        sex = np.clip(persons["sex"][slots], 0, 1)
        head = persons["head"][slots]
        death = np.where(present, self.monthly_death[sex, age], 0.0)
        leaving = np.where(present & ~head & (age >= ADULT), self.monthly_leaving[age], 0.0)
        birth = np.where(present & head & (sex == 1), self.monthly_fertility[age], 0.0)
        self.bounds[0, slots] = death
        self.bounds[1, slots] = death + leaving
        self.bounds[2, slots] = death + leaving + birth

    def _past_legal_age(self, year: int, month: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Present persons past their legal retirement age who have not retired (and are not
        held in a job by an action): their slots, ages in months, and months since they reached
        the legal age."""
        persons, held = self.model.population.persons, self.model.labour.held
        age = persons["age"]
        slots = np.flatnonzero((age >= RETIREMENT_FROM) & (persons["activity"] <= INACTIVE))
        slots = slots[~held[slots]]
        months = age[slots].astype(np.int64) * 12 + (month - persons["birth_month"][slots]) % 12
        past = months - self.tables.legal_age_months(year * 12 + month - 1 - months)
        due = past >= 0
        return slots[due], months[due], past[due]

    def _retirements(self, year: int, month: int) -> tuple[np.ndarray, np.ndarray]:
        """Persons past their legal retirement age who have not retired, with their monthly
        probability of retiring."""
        slots, months, _ = self._past_legal_age(year, month)
        full_rate = months >= FULL_RATE_AGE * 12
        return slots, np.where(full_rate, 1.0, self.model.params["retirement_rate"])

    def _retire_past_legal_age_at_start(self) -> None:
        """At the start, a person already past their legal retirement age (employed, unemployed
        or inactive) has retired as the monthly rule would have retired them: with probability
        1 - (1 - `retirement_rate`)^(months past the legal age + 1), surely from 67. The
        synthesis retires the over-65s only (the census counts retirees among the inactive), so
        without it the 62-64-year-olds retired during the first years, drawing the minimum
        pension, and households in arrears fell 7% over ten years. Its own stream: the run's
        draws are untouched."""
        year, month = self.model.calendar_month
        slots, months, past = self._past_legal_age(year, month)
        rate = self.model.params["retirement_rate"]
        retired = 1 - (1 - rate) ** (past + 1)
        retired[months >= FULL_RATE_AGE * 12] = 1.0
        u = self.model.stream("retired at the start").random(len(slots))
        slots = slots[u < retired]
        self.model.update_incomes()  # the minimum pension's means test reads them
        self._retire(slots)
        self.model.labour.refresh(slots)

    # --- the month ----------------------------------------------------------------------------
    def month(self, year: int, month: int) -> Turnover:
        """The month's events; returns (and keeps) what changed occupant."""
        model = self.model
        hh, persons = model.population.households, model.population.persons
        n_slots, n_rows = len(persons["age"]), len(hh["zone"])
        for values in self.flows.values():
            values[:] = 0.0
        if year != self.fertility_year:  # a new calendar year's fertility
            self._fertility(year)
            self._person_rates(np.flatnonzero(persons["present"] & persons["head"]))
        u_person = self.rng.random(n_slots, dtype=np.float32)
        u_dwelling = self.rng.random(n_rows)
        self._left = np.zeros(n_slots, dtype=bool)  # slots whose occupant left
        self._arrived = np.zeros(n_slots, dtype=bool)  # slots newly occupied
        self._touched = np.zeros(n_rows, dtype=bool)  # households whose members changed
        self._vacated = np.zeros(n_rows, dtype=bool)  # dwellings left empty
        vacant = ~hh["occupied"]

        aged = self._birthdays(month)
        moving = self.moving_rate()
        self._vacate(np.flatnonzero(u_dwelling < moving), "households_moved_out", "moves")

        # Person events: exclusive intervals of each slot's uniform.
        retiring, rate = self._retirements(year, month)
        above = u_person[retiring] - self.bounds[2, retiring]
        retiring = retiring[(above >= 0) & (above < rate)]
        events = np.flatnonzero(u_person < self.bounds[2])
        events = events[persons["present"][events]]
        u, (death, leaving, birth) = u_person[events], self.bounds[:, events]
        mothers = (u >= leaving) & (u < birth)
        self._die(events[u < death])
        self._leave_home(events[(u >= death) & (u < leaving)])
        self._retire(retiring)
        self._dissolve()
        self._find_reference(np.flatnonzero(self._touched | self._vacated))
        entering = self._enter_labour_force(aged, u_person)

        # Household events: exclusive intervals of each dwelling's uniform, after moving out.
        occupied = hh["occupied"]
        separation = np.where(
            occupied & (hh["adults"] == 2), monthly(model.params["separation_rate"]), 0.0
        )
        lone = self._union_age() & (hh["adults"] == 1)
        with_dependents = (hh["size"] > hh["adults"]).astype(np.int64)
        union = np.where(lone, self.union_rate[with_dependents], 0.0)
        separating = np.flatnonzero((u_dwelling >= moving) & (u_dwelling < moving + separation))
        within = (u_dwelling[separating] - moving[separating]) / separation[separating]
        self._separate(separating, within)
        low = moving + separation
        uniting = np.flatnonzero((u_dwelling >= low) & (u_dwelling < low + union))
        self._unite(uniting, (u_dwelling[uniting] - low[uniting]) / union[uniting])
        low = low + union
        evicted = np.flatnonzero((u_dwelling >= low) & (u_dwelling < low + self._eviction_rate()))
        evicted = evicted[hh["occupied"][evicted]]
        tenant = hh["rent"][evicted] > 0
        self._vacate(evicted[tenant], "evictions")
        self._vacate(evicted[~tenant], "repossessions")
        mothers = events[mothers]
        mothers = mothers[persons["present"][mothers]]
        within = (u_person[mothers] - self.bounds[1, mothers]) / (
            self.bounds[2, mothers] - self.bounds[1, mothers]
        )
        self._give_birth(mothers, within, month)
        let = self._let(vacant, u_dwelling)

        changed_rows = np.flatnonzero(self._vacated | let)
        changed_slots = np.flatnonzero(self._left | self._arrived)
        members_changed = np.flatnonzero(self._touched | let | self._vacated)
        self._update_households(np.flatnonzero((self._touched | self._vacated) & ~let))
        self._update_households(np.flatnonzero(let), adjust=False)  # as their template was
        self._find_reference(members_changed)
        self._person_rates(np.concatenate([changed_slots, aged]))
        model.labour.refresh(np.concatenate([changed_slots, retiring, entering]))
        hh["generation"][changed_rows] += 1
        persons["generation"][changed_slots] += 1
        self.turnover = Turnover(changed_rows, changed_slots)
        return self.turnover

    # --- events -------------------------------------------------------------------------------
    def _count(self, flow: str, rows: np.ndarray) -> None:
        """Add households (or persons, by their household) to a flow of their zone."""
        zone = self.model.population.households["zone"][rows]
        self.flows[flow] += np.bincount(zone, minlength=len(self.flows[flow]))

    def _birthdays(self, month: int) -> np.ndarray:
        """Persons born in this calendar month are a year older; children turning 18 come of
        age; children turning 14 count 0.5 consumption unit. Returns the slots that aged."""
        persons = self.model.population.persons
        aged = np.flatnonzero(persons["present"] & (persons["birth_month"] == month))
        persons["age"][aged] += 1
        age = persons["age"][aged]
        household = persons["household"][aged]
        # Consumption units change at 14, family benefits at 3 and 20.
        self._touched[household[np.isin(age, (YOUNG_UNTIL, CU_OLDER, CHILD_UNTIL))]] = True
        adult = aged[(age == ADULT) & (persons["activity"][aged] == CHILD)]
        persons["activity"][adult] = INACTIVE
        zone = self.model.population.households["zone"][persons["household"][adult]]
        persons["no_diploma"][adult] = persons["trait"][adult] < self.no_diploma_share[zone]
        return aged

    def _vacate(self, rows: np.ndarray, flow: str, cause: str | None = None) -> None:
        """Households leave their dwellings `rows`, with every member (counted in `flow`, and
        in `cause` if given)."""
        if len(rows) == 0:
            return
        model = self.model
        self._count(flow, rows)
        if cause is not None:
            self._count(cause, rows)
        slots = block_slots(model.first_slot[rows], self.capacity[rows])
        slots = slots[model.population.persons["present"][slots]]
        self._left[slots] = True
        vacate_slots(model.population.persons, slots)
        vacate_households(model.population.households, rows)
        self._vacated[rows] = True

    def _remove(self, slots: np.ndarray) -> None:
        """Persons leave their household (their pension leaves its non-labour income)."""
        hh, persons = self.model.population.households, self.model.population.persons
        household = persons["household"][slots]
        np.subtract.at(hh["other_income"], household, persons["pension"][slots])
        self._left[slots] = True
        self._touched[household] = True
        vacate_slots(persons, slots)

    def _die(self, slots: np.ndarray) -> None:
        """Deaths; a survivor in the couple gets `reversion_share` of the deceased's pension."""
        if len(slots) == 0:
            return
        persons = self.model.population.persons
        self._count("deaths", persons["household"][slots])
        widowed = slots[persons["head"][slots] & (persons["pension"][slots] > 0)]
        reversion = self.model.params["reversion_share"] * persons["pension"][widowed]
        household = persons["household"][widowed]
        self._remove(slots)
        for row, amount in zip(household, reversion, strict=True):
            survivor = self._present_heads(row)
            if len(survivor):
                persons["pension"][survivor[0]] += amount
                self.model.population.households["other_income"][row] += amount

    def _leave_home(self, slots: np.ndarray) -> None:
        if len(slots):
            self._count("left_home", self.model.population.persons["household"][slots])
            self._remove(slots)

    def _retire(self, slots: np.ndarray) -> None:
        """Retirement: a worker's or job seeker's pension replaces part of the last wage (wages
        rise with age, which synthetic wages do not: `late_career_wage_ratio`). The minimum
        old-age pension (ASPA) then tops the household's resources up to `aspa_single` (one
        adult) or `aspa_couple` (two), shared among the members retiring this month: its means
        test is the household's, so an inactive person retires with an income only when the
        household has less than that."""
        if len(slots) == 0:
            return
        hh, persons = self.model.population.households, self.model.population.persons
        p = self.model.params
        household = persons["household"][slots]
        self._count("retirements", household)
        activity, wage = persons["activity"][slots], persons["wage"][slots]
        active = (activity == EMPLOYED) | (activity == UNEMPLOYED)
        pension = np.where(
            active, p["pension_replacement_rate"] * p["late_career_wage_ratio"] * wage, 0.0
        )
        earned = labour_income(activity, persons["unemployment_months"][slots], wage, p)
        # Per household among the few retiring this month (not over every dwelling: monthly).
        _, member, retiring = np.unique(household, return_inverse=True, return_counts=True)
        change = np.bincount(member, weights=pension - earned)[member]
        retiring = retiring[member]
        ceiling = np.where(hh["adults"][household] <= 1, p["aspa_single"], p["aspa_couple"])
        pension += np.maximum(ceiling - hh["income"][household] - change, 0.0) / retiring
        persons["pension"][slots] += pension
        np.add.at(hh["other_income"], household, pension)
        persons["activity"][slots] = RETIRED
        persons["unemployment_months"][slots] = 0

    def labour_force_entry(self, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`_enter_labour_force`'s rule applied ahead, for counterfactuals: months from now
        until each inactive adult child at home in `slots` would enter the labour force at a
        birthday (-1: never, or not an inactive child at home), and whether they would enter
        unemployed. Birthdays of the current month have passed."""
        model = self.model
        persons, labour = model.population.persons, model.labour
        month = model.calendar_month[1]
        ahead = (persons["birth_month"][slots] - month - 1) % 12 + 1  # next birthday: 1-12
        ages = persons["age"][slots][:, None] + 1 + np.arange(MAX_AGE)[None, :]
        rate = self.tables.activity[np.clip(ages, 0, MAX_AGE)]
        trait = persons["trait"][slots]
        passes = rate > trait[:, None]
        years = passes.argmax(axis=1)  # birthdays after the next one
        child_at_home = persons["present"][slots] & ~persons["head"][slots]
        child_at_home &= persons["activity"][slots] == INACTIVE
        enters = passes.any(axis=1) & child_at_home
        months = np.where(enters, ahead + 12 * years, -1)
        entry_rate = np.maximum(rate[np.arange(len(slots)), years], 1e-12)
        unemployed = trait / entry_rate < labour.group_unemployment[labour.group_of(slots)]
        return months, enters & unemployed

    def _enter_labour_force(self, aged: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Adult children at home enter the labour force as they age, when their activity rate
        (INSEE, by age) passes their trait: active at the same age, month after month. An
        entrant is unemployed with the stationary share of their labour-market group (else
        employed) and earns the wage of one of the zone's young active adults with the same
        diploma. Returns the entrants' slots."""
        model = self.model
        persons, labour = model.population.persons, model.labour
        young = aged[persons["present"][aged] & ~persons["head"][aged]]
        young = young[persons["activity"][young] == INACTIVE]
        rate = self.tables.activity[np.clip(persons["age"][young], 0, MAX_AGE)]
        trait = persons["trait"][young]
        entrants, rate, trait = young[trait < rate], rate[trait < rate], trait[trait < rate]
        if len(entrants) == 0:
            return entrants
        group = labour.group_of(entrants)
        unemployed = trait / rate < labour.group_unemployment[group]
        persons["activity"][entrants] = np.where(unemployed, UNEMPLOYED, EMPLOYED)
        persons["unemployment_months"][entrants] = 0
        zone = model.population.households["zone"][persons["household"][entrants]]
        # The slot's uniform fell above its death and leaving intervals: uniform above them.
        low = self.bounds[1, entrants]
        within = (u[entrants] - low) / (1 - low)
        persons["wage"][entrants] = self.newcomers.wages_for(
            zone, persons["no_diploma"][entrants], within
        )
        labour.job_loss_rate[entrants] = labour.group_loss_rate[group]
        return entrants

    def _eviction_rate(self) -> np.ndarray:
        """Monthly probability that a household loses its dwelling over its debts (it leaves,
        with them): a tenant owing more than `eviction_arrears_months` months of rent is evicted
        at `eviction_rate` a year; an owner repaying a loan who owes more than
        `repossession_arrears_months` instalments has the home sold (repossession, or a sale
        under an over-indebtedness procedure) at `repossession_rate` a year."""
        hh, p = self.model.population.households, self.model.params
        occupied, owed = hh["occupied"], hh["arrears_rent"]
        tenant = occupied & (hh["rent"] > 0) & (owed > p["eviction_arrears_months"] * hh["rent"])
        owner = occupied & (hh["rent"] <= 0) & (hh["mortgage"] > 0)
        owner &= owed > p["repossession_arrears_months"] * hh["mortgage"]
        return np.where(
            tenant,
            monthly(p["eviction_rate"]),
            np.where(owner, monthly(p["repossession_rate"]), 0.0),
        )

    def _present_heads(self, row: int) -> np.ndarray:
        first = self.model.first_slot[row]
        persons = self.model.population.persons
        block = np.arange(first, first + self.capacity[row])
        return block[persons["present"][block] & persons["head"][block]]

    def _dissolve(self) -> None:
        """A household whose members changed and that has no adult left leaves its dwelling (its
        children go to relatives elsewhere); one with no head left but an adult child is headed
        by its oldest adult."""
        model = self.model
        hh, persons = model.population.households, model.population.persons
        rows = np.flatnonzero(self._touched & hh["occupied"])
        if len(rows) == 0:
            return
        slots = block_slots(model.first_slot[rows], self.capacity[rows])
        present = persons["present"][slots]
        offsets = np.r_[0, np.cumsum(self.capacity[rows])][:-1]
        adult = (present & (persons["age"][slots] >= ADULT)).astype(np.int64)
        adults = np.add.reduceat(adult, offsets)
        heads = np.add.reduceat((present & persons["head"][slots]).astype(np.int64), offsets)
        self._vacate(rows[adults == 0], "households_moved_out", "households_dissolved")
        for row in rows[(adults > 0) & (heads == 0)]:
            block = np.arange(model.first_slot[row], model.first_slot[row] + self.capacity[row])
            block = block[persons["present"][block]]
            persons["head"][block[np.argmax(persons["age"][block])]] = True

    def _separate(self, rows: np.ndarray, within: np.ndarray) -> None:
        """Couples separate: the man of a mixed couple leaves (the second head otherwise); the
        children stay. The partner who stays leaves the dwelling too in a share
        `separated_move_share` of separations (where `within`, the position of the dwelling's
        uniform in its separation interval, falls under it)."""
        couple = self.model.population.households["adults"][rows] == 2
        rows, within = rows[couple], within[couple]
        if len(rows) == 0:
            return
        self._count("separations", rows)
        moving = within < self.model.params["separated_move_share"]
        self._vacate(rows[moving], "households_moved_out", "separation_moves")
        rows = rows[~moving]
        persons = self.model.population.persons
        leaving = []
        for row in rows:
            heads = self._present_heads(row)
            if len(heads) == 2:
                men = heads[persons["sex"][heads] == 0]
                leaving.append(men[0] if len(men) == 1 else heads[1])
        self._remove(np.array(leaving, dtype=np.int64))
        self.model.population.households["adults"][rows] = 1

    def _free_slots(self, rows: np.ndarray) -> np.ndarray:
        """The first empty slot of each dwelling's block (-1 if the block is full)."""
        model, persons = self.model, self.model.population.persons
        slots = block_slots(model.first_slot[rows], self.capacity[rows])
        offsets = np.r_[0, np.cumsum(self.capacity[rows])][:-1]
        empty = ~persons["present"][slots]
        # The first empty position of each block: reduceat over positions where empty.
        position = np.where(empty, np.arange(len(slots)), len(slots))
        first = np.minimum.reduceat(position, offsets) if len(rows) else position[:0]
        ends = offsets + self.capacity[rows]
        return np.where(first < ends, slots[np.minimum(first, len(slots) - 1)], -1)

    def _unite(self, rows: np.ndarray, u: np.ndarray) -> None:
        """Lone adults form a union: a partner drawn like the zone's adults of the other sex
        and their age band moves in, if the dwelling has room."""
        if len(rows) == 0:
            return
        model = self.model
        hh, persons = model.population.households, model.population.persons
        head = self.reference_persons()[rows]
        partner = self.newcomers.partners_for(
            hh["zone"][rows], persons["sex"][head], persons["age"][head], u
        )
        slot = self._free_slots(rows)
        ok = (partner >= 0) & (slot >= 0)
        rows, slot, partner = rows[ok], slot[ok], partner[ok]
        self.newcomers.copy_persons(model, slot, partner)
        np.add.at(hh["other_income"], rows, persons["pension"][slot])
        self._arrived[slot] = True
        self._touched[rows] = True
        self._count("unions", rows)

    def _give_birth(self, mothers: np.ndarray, within: np.ndarray, month: int) -> None:
        """Births into the mother's household (lost, and counted, if its dwelling has no
        room); `within` is where the mother's uniform fell in her birth interval."""
        if len(mothers) == 0:
            return
        persons = self.model.population.persons
        rows = persons["household"][mothers]
        slot = self._free_slots(rows)
        self._count("births_without_room", rows[slot < 0])
        room = slot >= 0
        rows, slot, within = rows[room], slot[room], within[room]
        boy = within < BOY_SHARE
        persons["present"][slot] = True
        persons["head"][slot] = False
        persons["age"][slot] = 0
        persons["birth_month"][slot] = month
        persons["sex"][slot] = np.where(boy, 0, 1)
        persons["activity"][slot] = CHILD
        persons["trait"][slot] = np.where(
            boy, within / BOY_SHARE, (within - BOY_SHARE) / (1 - BOY_SHARE)
        )
        self.model.labour.job_loss_rate[slot] = 0.0
        self._arrived[slot] = True
        self._touched[rows] = True
        self._count("births", rows)

    def _let(self, vacant: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Dwellings vacant at the start of the month are let with probability `fill_rate`,
        the lowest uniforms first, each zone up to its `households_target`; returns the mask of
        dwellings let."""
        model = self.model
        hh = model.population.households
        candidates = np.flatnonzero(vacant & (u < self.fill_rate))
        candidates = candidates[np.argsort(u[candidates], kind="stable")]
        zone = hh["zone"][candidates]
        occupied = np.bincount(hh["zone"][hh["occupied"]], minlength=model.n_zones)
        room = self.households_target() - occupied
        rank = np.zeros(len(candidates), dtype=np.int64)
        for code in range(model.n_zones):
            mine = zone == code
            rank[mine] = np.arange(np.count_nonzero(mine))
        rows = np.sort(candidates[rank < room[zone]])
        let = np.zeros(len(hh["zone"]), dtype=bool)
        if len(rows):
            templates = self.newcomers.households_for(hh, rows, u[rows] / self.fill_rate)
            self.newcomers.move_in(model, rows, templates)
            slots = block_slots(model.first_slot[rows], hh["size"][rows])
            self._arrived[slots] = True
            let[rows] = True
            self._count("households_moved_in", rows)
        return let

    def _update_households(self, rows: np.ndarray, adjust: bool = True) -> None:
        """Size, adults (heads), consumption units and family benefits of the households whose
        members changed; their non-labour income follows the change of their benefits (not at
        the start: `adjust` False, the benefits are already in the drawn income)."""
        if len(rows) == 0:
            return
        model = self.model
        hh, persons = model.population.households, model.population.persons
        slots = block_slots(model.first_slot[rows], self.capacity[rows])
        offsets = np.r_[0, np.cumsum(self.capacity[rows])][:-1]
        present = persons["present"][slots]
        unit = np.where(persons["age"][slots] >= CU_OLDER, 0.5, 0.3) * present
        occupied = hh["occupied"][rows]
        hh["size"][rows] = np.add.reduceat(present.astype(np.int64), offsets)
        heads = (present & persons["head"][slots]).astype(np.int64)
        hh["adults"][rows] = np.add.reduceat(heads, offsets)
        # OECD-modified scale: 1 for the reference person (an adult), so 0.5 + the sum of units.
        cu = np.where(occupied, 0.5 + np.add.reduceat(unit, offsets), 1.0)
        family = household_benefits(hh, persons, slots, offsets, rows, model.params)
        if adjust:
            hh["other_income"][rows] += np.where(occupied, family - hh["family_benefits"][rows], 0)
        hh["cu"][rows] = cu
        hh["family_benefits"][rows] = family


def _split_pensions(hh, persons) -> None:
    """Each retired adult's pension at the start: an equal share of the household's non-labour
    income per adult. It stays in `other_income`; the person's share leaves with the person."""
    persons["pension"] = np.zeros(len(persons["age"]))
    retired = np.flatnonzero(persons["present"] & (persons["activity"] == RETIRED))
    household = persons["household"][retired]
    persons["pension"][retired] = hh["other_income"][household] / np.maximum(
        hh["adults"][household], 1
    )
