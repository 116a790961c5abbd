"""Action 3: prevention of early school dropout (document 3.3).

Pupils of the last primary and first secondary years in priority-education schools carry a
monthly-evolving risk of leaving school without a diploma; class teachers, more often when
trained, notice pupils at risk and declare Worrying Information; a monthly committee per site
reviews a limited number of cases; educators follow the pupils they can engage, which lowers
their risk and absenteeism. The outcome is drawn at the outcome age. Every other young person of
the simulated zones leaves school at that age with the risk an unsupported pupil would have, so
that the share of the zone's 15-17-year-olds not in school (INSEE's census definition) is an
output. See docs/odd_dropout.md.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtri

from ...agencies import scaled_capacity
from ...clock import SEPTEMBER, days_in_month, school_year
from ...declarations import Indicator
from ...indicators import per_zone, percent, ratio
from ..base import Action, register
from .cohorts import cohort_table
from .committee import (
    SOCIAL_CENTRE,
    Committee,
    CommitteeLevers,
    Educator,
    EducatorLevers,
    Educators,
)
from .pupils import PATH, Pupils, family_log_odds, leaving_probability
from .schools import School, SchoolLevers, Staff, load_schools, stage_of

HOLIDAYS = (7, 8)  # July and August: no school, no absences, no sitting
CENSUS_AGES = (15, 17)  # INSEE's census indicator: 15-17-year-olds not enrolled in school
FUNDER, LINE = "Metropolis", "dropout educators"


def _count(name: str, description: str, **kw) -> Indicator:
    return Indicator(name, "pupils", "cumulative", description, **kw)


@register
class Dropout(Action):
    name = "dropout"
    lever_groups = (SchoolLevers, CommitteeLevers, EducatorLevers)
    budget_lines = ((FUNDER, LINE),)
    outputs = (
        Indicator(
            "dropout_pupils", "pupils", "stock", "pupils in the tracked grades of priority schools"
        ),
        Indicator(
            "dropout_at_risk",
            "pupils",
            "stock",
            "tracked pupils with >= 4 unjustified half-days this month",
        ),
        _count("dropout_detected", "cumulative pupils noticed by a teacher (covered schools)"),
        _count("dropout_referred", "cumulative Worrying Information declarations", headline=True),
        _count("dropout_reviewed", "cumulative cases reviewed by the committee"),
        _count("dropout_supported", "cumulative pupils whose follow-up by an educator began"),
        Indicator("dropout_in_support", "pupils", "stock", "pupils followed by an educator now"),
        Indicator(
            "dropout_committee_queue", "cases", "stock", "declarations waiting for a sitting"
        ),
        Indicator(
            "dropout_waiting_days",
            "days",
            "cumulative",
            "mean days from declaration to review (reviewed cases so far)",
        ),
        Indicator(
            "dropout_educator_caseload", "pupils", "stock", "pupils followed per educator now"
        ),
        Indicator(
            "dropout_absenteeism",
            "half-days",
            "rate",
            "mean unjustified half-days per tracked pupil this month",
        ),
        _count(
            "dropouts",
            "cumulative tracked pupils with the dropout outcome",
            outcome="decrease",
            headline=True,
        ),
        Indicator(
            "dropout_rate",
            "%",
            "cumulative",
            "dropouts among tracked pupils whose outcome is known (so far)",
            headline=True,
        ),
        Indicator(
            "dropout_out_of_school_15_17",
            "%",
            "rate",
            "15-17-year-olds of the zone not in school (INSEE census definition): tracked pupils "
            "leave at the outcome age with their own risk and support, the others with the risk "
            "of an unsupported pupil",
            headline=True,
        ),
        _count("dropout_avoided", "expected dropouts avoided by support (cumulative)"),
        Indicator(
            "dropout_cost",
            "EUR",
            "cumulative",
            "cumulative cost of educators and training, in kind or funded",
        ),
        Indicator(
            "dropout_cost_per_avoided",
            "EUR",
            "cumulative",
            "cost per expected dropout avoided (so far)",
        ),
    )

    def __init__(self, model, **levers: Any):
        super().__init__(model, **levers)
        p = model.params
        s = self.levers(SchoolLevers)
        self.committee_levers = self.levers(CommitteeLevers)
        self.educator_levers = self.levers(EducatorLevers)
        # Child streams of the action's stream for entries, pupils' monthly draws and teachers:
        # covering other schools or training more does not reshuffle the pupils' draws, so
        # scenarios compare with common random numbers.
        self._entry_rng, self._pupil_rng, self._staff_rng, self._youth_rng = self.rng.spawn(4)
        self.training = s
        self.levels = range(s.first_level, s.last_level + 1)
        covered = set(s.schools)
        rows = [r for r in load_schools() if r.zone in model.zones]
        self.schools = [
            School(model, i, r, model.zones.index(r.zone), r.name in covered or r.zone in covered)
            for i, r in enumerate(rows)
        ]
        self.pupils = Pupils(model)
        self._tracked = np.zeros(model.population.n_slots, dtype=bool)
        self._cost = np.zeros(model.n_zones)  # EUR spent, in kind or from the ledger
        self._log_or_rep_plus = math.log(p["dropout.odds_rep_plus"])
        self._enrol(self._levels_next_september(initial=True), initial=True)
        # Every young person's leaving draws, fixed at the start, a newcomer's when they arrive
        # (common random numbers: which schools the action covers does not change anyone
        # else's draws).
        n = model.population.n_slots
        self._youth_u = self._youth_rng.random(n)
        self._youth_z = self._youth_rng.standard_normal(n)
        self.out_of_school = np.zeros(n, dtype=bool)
        self._untracked_leave(self._past_outcome_age(np.arange(n)))

        per_school = np.bincount(self.pupils.school, minlength=len(self.schools))
        weight = model.population.zone_weight[[school.zone for school in self.schools]]
        self.staff = Staff(model, self.schools, dict(enumerate(per_school * weight)))
        self._train()
        self._assign_teachers(self._levels_next_september(initial=True))
        self.at_risk = np.zeros(len(self.pupils), dtype=bool)

        self.funded = self._funded_educators()
        self.educators: dict[int, Educators] = {}
        self.committees: dict[int, Committee] = {}
        for zone in sorted({sc.zone for sc in self.schools if sc.covered}):
            self._open_site(zone)

    # --- set-up -------------------------------------------------------------------------------
    def _funded_educators(self) -> dict[str, int]:
        """Extra educators the dedicated budget can pay for a whole year, zone by zone."""
        levers = self.educator_levers
        cost, budget = self.model.params["dropout.educator_yearly_cost"], levers.budget
        affordable = int(budget // cost)
        funded = {}
        for zone, wanted in sorted(levers.funded_educators.items()):
            funded[zone] = min(wanted, affordable)
            affordable -= funded[zone]
        if budget > 0:
            self.model.ledger.open_line(FUNDER, LINE, budget)
        return funded

    def _open_site(self, zone: int) -> None:
        model, levers = self.model, self.educator_levers
        zid = model.zones[zone]
        kind = levers.educator_model.get(zid, SOCIAL_CENTRE)
        own, funded = levers.educators.get(zid, 0), self.funded.get(zid, 0)
        members = [Educator(model, zone, kind, i >= own) for i in range(own + funded)]
        places = _scaled(len(members) * model.params["dropout.educator_caseload"], model, zone)
        self.educators[zone] = Educators(model, self, members, kind, places)
        capacity = _scaled(self.committee_levers.committee_capacity, model, zone)
        self.committees[zone] = Committee(model, self, zone, capacity, self.educators[zone])

    # --- the school year ----------------------------------------------------------------------
    def _levels_next_september(self, initial: bool = False) -> np.ndarray:
        """Every person's school level this school year (in September: the starting one); the
        level follows the year of birth (`model.school_levels`)."""
        return self.model.school_levels()

    def _school_year(self, initial: bool) -> int:
        """The school year (its September's year) of the levels `_levels_next_september` gives."""
        return school_year(*self.model.calendar_month)

    def _enrol(self, levels: np.ndarray, initial: bool = False) -> None:
        """Fill each school's tracked grades with QPV pupils of its zone not yet tracked."""
        model, pupils = self.model, self.pupils
        qpv = model.population.households["qpv"][model.population.persons["household"]]
        year, first = self._school_year(initial), self.levels.start
        entering = self.levels if initial else sorted({first, 6})  # 6e: secondary entrants
        new_persons, new_schools = [np.empty(0, dtype=int)], [np.empty(0, dtype=int)]
        for school in self.schools:
            for level in entering:
                if level not in self.levels or stage_of(level) != school.stage:
                    continue
                rows = model.person_slices[school.zone]
                here = (
                    np.flatnonzero((levels[rows] == level) & qpv[rows] & ~self._tracked[rows])
                    + rows.start
                )
                here = self._entry_rng.permutation(here)
                size = school.row.pupils_per_grade
                if size is not None:
                    already = np.count_nonzero(
                        (pupils.school == school.index)
                        & ~pupils.left
                        & (levels[pupils.person] == level)
                    )
                    weight = model.population.zone_weight[school.zone]
                    here = here[: max(0, round(size / weight) - already)]
                self._tracked[here] = True
                new_persons.append(here)
                new_schools.append(np.full(len(here), school.index))
        persons = np.concatenate(new_persons).astype(int)
        schools = np.concatenate(new_schools).astype(int)
        cohorts = year - (levels[persons] - first)
        zones = np.array([self.schools[i].zone for i in schools], dtype=int)
        logits = self._entry_logit(persons, schools, levels)
        pupils.add(persons, zones, schools, cohorts, logits, self._entry_rng)

    def _entry_logit(self, persons, schools, levels) -> np.ndarray:
        p = self.model.params
        rep_plus = np.array([self.schools[i].rep_plus for i in schools], dtype=bool)
        individual = self._entry_rng.standard_normal(len(persons))
        logit = p["dropout.base_logit"] + p["dropout.individual_sd"] * individual
        logit += family_log_odds(self.model, persons)
        logit += self._log_or_rep_plus * rep_plus
        return logit + p["dropout.transition_shift"] * (levels[persons] >= 6)

    def _past_outcome_age(self, slots: np.ndarray) -> np.ndarray:
        """Mask of `slots` whose occupant, aged 17 at most, has already passed the September
        of the calendar year in which they reach the outcome age (their leaving is decided)."""
        model, outcome_age = self.model, self.model.params["dropout.outcome_age"]
        year, month = model.calendar_month
        reached = year - model.birth_years(slots)
        persons = model.population.persons
        passed = (reached > outcome_age) | ((reached == outcome_age) & (month >= SEPTEMBER))
        return persons["present"][slots] & passed & (persons["age"][slots] <= CENSUS_AGES[1])

    def _untracked_leave(self, reaching: np.ndarray) -> None:
        """Young people reaching the outcome age outside the tracked pupils leave school with
        the probability an unsupported pupil of their family and school would have."""
        persons = np.flatnonzero(reaching & ~self._tracked)
        probability = leaving_probability(
            self.model,
            persons,
            self._school_log_odds(persons),
            self._youth_z[persons],
            months_tracked=12 * (self.model.params["dropout.outcome_age"] - self._entry_age),
        )
        self.out_of_school[persons[self._youth_u[persons] < probability]] = True

    @property
    def _entry_age(self) -> int:
        """Age of a pupil entering the first tracked level (core: level = age - 5)."""
        return self.levels.start + 5

    def _school_log_odds(self, persons: np.ndarray) -> np.ndarray:
        """School term of the risk: a QPV resident of a zone with priority schools attends one
        (REP or REP+, as its secondary school); everyone else an ordinary school."""
        model, p = self.model, self.model.params
        zone = model.population.households["zone"][model.population.persons["household"][persons]]
        qpv = model.population.households["qpv"][model.population.persons["household"][persons]]
        rep_plus = {s.zone for s in self.schools if s.stage == "secondary" and s.rep_plus}
        priority = {s.zone for s in self.schools}
        in_priority = qpv & np.isin(zone, list(priority))
        return np.where(
            in_priority,
            self._log_or_rep_plus * np.isin(zone, list(rep_plus)),
            -math.log(p["dropout.odds_priority_school"]),
        )

    def _promote(self, levels: np.ndarray) -> None:
        """Pupils entering 6e change school: Bron's REP+ primary feeds its secondary school."""
        pupils, shift = self.pupils, self.model.params["dropout.transition_shift"]
        crossing = ~pupils.done & (levels[pupils.person] == 6)  # pupils who left are done
        pupils.logit[crossing] += shift
        for i in np.flatnonzero(crossing):
            school = self.schools[pupils.school[i]]
            if school.stage == "primary":
                nxt = [s for s in self.schools if s.zone == school.zone and s.stage == "secondary"]
                if nxt:
                    pupils.school[i] = nxt[0].index

    def _train(self) -> None:
        """A training round: half-day sessions until the coverage lever is reached."""
        newly = self.staff.train(self.training.training_coverage, self._staff_rng)
        zones = [self.schools[s].zone for s in self.staff.school[newly]]
        cost = self.model.params["dropout.training_cost_per_teacher"]
        self._cost += cost * np.bincount(zones, minlength=self.model.n_zones)

    def _assign_teachers(self, levels: np.ndarray) -> None:
        """Each September, pupils of the covered tracked grades get a class teacher."""
        pupils = self.pupils
        self.in_grades = ~pupils.done & np.isin(levels[pupils.person], self.levels)
        teacher = self.staff.class_teacher(pupils.school, self._staff_rng)
        pupils.teacher = np.where(self.in_grades, teacher, -1)

    def _new_school_year(self) -> None:
        """September: outcomes at the outcome age, promotion, entries, turnover, training."""
        p, pupils = self.model.params, self.pupils
        levels = self._levels_next_september()
        # The age reached in this calendar year (the grade's age).
        age = self.model.calendar_month[0] - self.model.birth_years(pupils.person)
        u = self._pupil_rng.random(len(pupils))
        reaching = ~pupils.done & (age >= p["dropout.outcome_age"])
        dropout = u < pupils.probability()
        if p["dropout.outcome_includes_absentees"]:
            mean = pupils.year_absences / np.maximum(pupils.year_months, 1)
            dropout |= mean >= p["dropout.absence_threshold"]
        pupils.done |= reaching
        pupils.dropout |= reaching & dropout
        self.out_of_school[pupils.person[reaching & (u < pupils.probability())]] = True
        present = self.model.population.persons["present"]
        reaching_age = self.model.calendar_month[0] - self.model.birth_years()
        self._untracked_leave(present & (reaching_age == p["dropout.outcome_age"]))
        pupils.year_absences[:] = 0.0
        pupils.year_months[:] = 0
        self._promote(levels)
        self._enrol(levels)
        self.staff.turnover(p["dropout.teacher_turnover"], self._staff_rng)
        if self.training.training_yearly:
            self._train()
        self._assign_teachers(levels)

    # --- the month ----------------------------------------------------------------------------
    def forget(self, households: np.ndarray, persons: np.ndarray) -> None:
        """Tracked pupils who left the territory (their family moved, or they died) leave the
        follow-up without an outcome; their slot may be tracked again for whoever arrives, who
        gets fresh leaving draws (and, past the outcome age, a census state drawn now)."""
        pupils = self.pupils
        gone = np.flatnonzero(np.isin(pupils.person, persons) & ~pupils.left)
        pupils.left[gone] = True
        pupils.done[gone] = True  # closes their committee case and educator follow-up
        pupils.in_support[gone] = False
        pupils.teacher[gone] = -1
        self.in_grades[gone] = False
        self.at_risk[gone] = False
        self._tracked[persons] = False
        # A newcomer's own leaving draws; one past the outcome age arrives with its decision.
        self._youth_u[persons] = self._youth_rng.random(len(persons))
        self._youth_z[persons] = self._youth_rng.standard_normal(len(persons))
        self.out_of_school[persons] = False
        reaching = np.zeros(len(self.out_of_school), dtype=bool)
        reaching[persons] = self._past_outcome_age(persons)
        self._untracked_leave(reaching)

    def step(self) -> None:
        model, p, pupils = self.model, self.model.params, self.pupils
        year, month = model.calendar_month
        if month == SEPTEMBER:
            self._new_school_year()
        budget = self.educator_levers.budget
        if month == 1 and budget > 0 and model.steps > 1:
            model.ledger.open_line(FUNDER, LINE, budget)
        self._pay_educators()

        n, live = len(pupils), ~pupils.done
        noise, u_abs, u_detect, u_declare, u_day = (self._pupil_rng.random(n) for _ in range(5))
        pupils.logit[live] += p["dropout.monthly_sd"] * _normal(noise[live])
        effect = math.log(p["dropout.support_odds_ratio"]) / p["dropout.support_months"]
        pupils.support_effect[live & pupils.in_support] += effect
        if month in HOLIDAYS:
            pupils.absences[:] = np.nan
            self.at_risk = np.zeros(n, dtype=bool)
            return
        pupils.draw_absences(live, p["dropout.absences_at_even_odds"], u_abs)
        self.at_risk = live & self.in_grades & (pupils.absences >= p["dropout.absence_threshold"])

        has_teacher = pupils.teacher >= 0
        trained = np.zeros(n, dtype=bool)
        trained[has_teacher] = self.staff.trained[pupils.teacher[has_teacher]]
        detect = np.where(trained, p["dropout.detect_trained"], p["dropout.detect_untrained"])
        declare = np.where(trained, p["dropout.declare_trained"], p["dropout.declare_untrained"])
        noticed = self.at_risk & has_teacher & ~pupils.detected & (u_detect < detect)
        pupils.detected |= noticed
        declared = noticed & (u_declare < declare)
        pupils.referred |= declared
        days = days_in_month(year, month)
        for i in np.flatnonzero(declared):
            model.env.process(self.committees[pupils.zone[i]].refer(i, u_day[i] * days))
        if (model.steps - 1) % self.committee_levers.committee_interval_months == 0:
            for committee in self.committees.values():
                model.env.process(committee.sitting(p["dropout.committee_day"] - 1))

    def _pay_educators(self) -> None:
        """Educators' monthly cost: funded ones from the ledger, the others in kind."""
        monthly = self.model.params["dropout.educator_yearly_cost"] / 12
        for zone, team in self.educators.items():
            for educator in team.members:
                if educator.funded:
                    paid = self.model.ledger.pay(FUNDER, LINE, monthly, self.model.steps)
                    self._cost[zone] += paid
                else:
                    self._cost[zone] += monthly

    # --- outputs ------------------------------------------------------------------------------
    def indicators(self) -> dict[str, np.ndarray]:
        model, pupils = self.model, self.pupils
        w, zones = model.population.zone_weight, model.n_zones

        def count(mask) -> np.ndarray:
            return model.zone_values(w * np.bincount(pupils.zone[mask], minlength=zones))

        def mean(values, mask) -> np.ndarray:
            num = model.zone_values(np.bincount(pupils.zone[mask], values[mask], minlength=zones))
            return ratio(num, model.zone_values(np.bincount(pupils.zone[mask], minlength=zones)))

        prob = pupils.probability()
        unsupported = 1 / (1 + np.exp(-pupils.logit))
        still = ~pupils.left  # pupils who left take their expected outcome with them
        avoided = model.zone_values(
            w * np.bincount(pupils.zone[still], (unsupported - prob)[still], zones)
        )
        cost = model.zone_values(self._cost)
        queue = np.zeros(zones)
        places = np.zeros(zones)
        for zone, committee in self.committees.items():
            queue[zone] = len(committee.queue.items)
            places[zone] = len(self.educators[zone].members)
        out = {
            "dropout_pupils": count(self.in_grades),
            "dropout_at_risk": count(self.at_risk),
            **{f"dropout_{k}": count(getattr(pupils, k)) for k in PATH[:4]},
            "dropout_in_support": count(pupils.in_support),
            "dropout_committee_queue": model.zone_values(w * queue),
            "dropout_waiting_days": mean(pupils.waiting_days, pupils.reviewed),
            "dropout_educator_caseload": ratio(count(pupils.in_support), model.zone_values(places)),
            "dropout_absenteeism": mean(pupils.absences, self.in_grades),
            "dropouts": count(pupils.dropout),
            "dropout_rate": 100 * ratio(count(pupils.dropout), count(pupils.done & ~pupils.left)),
            "dropout_out_of_school_15_17": self._out_of_school_rate(),
            "dropout_avoided": avoided,
            "dropout_cost": cost,
            "dropout_cost_per_avoided": ratio(cost, avoided),
        }
        return out

    def _out_of_school_rate(self) -> np.ndarray:
        """% of each zone's 15-17-year-olds not in school (the census indicator)."""
        model = self.model
        age = model.population.persons["age"]
        youth = (age >= CENSUS_AGES[0]) & (age <= CENSUS_AGES[1])
        slices, w = model.person_slices, model.population.zone_weight
        return percent(
            per_zone(youth & self.out_of_school, slices) * w, per_zone(youth, slices) * w
        )

    def cohort_table(self) -> pd.DataFrame:
        """The cohort follow-up table (see `cohorts.cohort_table`)."""
        names = [school.name for school in self.schools]
        weight = self.model.population.zone_weight[self.pupils.zone]
        return cohort_table(self.pupils, names, weight)


def _normal(u: np.ndarray) -> np.ndarray:
    """Standard normal draws by inversion (one uniform per pupil: common random numbers)."""
    return ndtri(np.clip(u, 1e-12, 1 - 1e-12))


def _scaled(real: float, model, zone: int) -> int:
    """A capacity in real cases as agents of `zone` (each weighs 1/its zone's scale); at least
    1 if any."""
    return scaled_capacity(real / model.population.zone_weight[zone]).servers
