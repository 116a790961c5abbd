"""Tracked pupils: their family risk factors, their monthly risk and absenteeism, their path.

Each pupil's state is a row of NumPy arrays owned by `Pupils` (so the monthly update is
vectorised); `Pupil` is the Mesa agent, a view over the person row and this state. Risk is the
log-odds of leaving school without a diploma by the outcome age: family (poverty, single
parent, parents without diploma) and school (REP+) odds ratios, a persistent individual term, a
monthly random walk, a shift at the transition to secondary school, and the support's effect.
"""

from __future__ import annotations

import math

import mesa
import numpy as np
from scipy.special import pdtr

from ...agents import Column

# Path of a pupil, in order; each is a boolean array of `Pupils` and a cohort-table column.
PATH = ("detected", "referred", "reviewed", "supported", "done", "dropout")


def family_risk(model, persons: np.ndarray) -> dict[str, np.ndarray]:
    """Poverty, single parent and parents without diploma of the given persons' households."""
    people, households = model.population.persons, model.population.households
    n_households = model.population.n_dwellings
    hh = people["household"]
    adult = people["present"] & (people["age"] >= 18)
    adults = np.bincount(hh, weights=adult, minlength=n_households)
    graduates = np.bincount(hh, weights=adult & ~people["no_diploma"], minlength=n_households)
    children = np.bincount(hh, weights=people["present"] & ~adult, minlength=n_households)
    income_cu = 12 * households["income"] / households["cu"]
    poor = (income_cu < model.params["poverty_line"]) | households["initially_poor"]
    own = hh[persons]
    return {
        "poor": poor[own],
        "single_parent": (adults[own] == 1) & (children[own] > 0),
        "parents_no_diploma": (adults[own] > 0) & (graduates[own] == 0),
    }


FAMILY_FACTORS = ("poor", "single_parent", "parents_no_diploma")


def family_log_odds(model, persons: np.ndarray) -> np.ndarray:
    """The family terms of the risk: the sum of the log odds ratios of the persons' factors."""
    risk = family_risk(model, persons)
    return sum(
        math.log(model.params[f"dropout.odds_{factor}"]) * risk[factor] for factor in FAMILY_FACTORS
    )


def leaving_probability(model, persons, school_log_odds, z, months_tracked: int) -> np.ndarray:
    """Probability that a young person outside the tracked pupils leaves school at the outcome
    age: the entry risk of an unsupported pupil of the same family and school after entering
    secondary school, with the spread his monthly random walk would have added over the months a
    pupil is tracked (`z`: the person's standard normal draw)."""
    p = model.params
    logit = (
        p["dropout.base_logit"]
        + family_log_odds(model, persons)
        + school_log_odds
        + p["dropout.transition_shift"]
    )
    walk = p["dropout.monthly_sd"] ** 2 * max(months_tracked, 0)
    return 1 / (1 + np.exp(-(logit + math.sqrt(p["dropout.individual_sd"] ** 2 + walk) * z)))


class Pupil(mesa.Agent):
    """A tracked pupil: a view on the pupil's row of `Pupils` (every column of
    `Pupils.COLUMNS` is an attribute) and on the person."""

    def __init__(self, model, pupils: Pupils, index: int):
        super().__init__(model)
        self.table, self.index = pupils, index

    @property
    def person(self):
        return self.model.person_agents[self.table.person[self.index]]

    @property
    def dropout_probability(self) -> float:
        return float(self.table.probability()[self.index])


class Pupils:
    """The arrays of every pupil the action has tracked (rows are never removed)."""

    COLUMNS = {
        "person": int,
        "zone": int,
        "school": int,
        "cohort": int,
        "teacher": int,
        "logit": float,
        "support_effect": float,  # log-odds removed by support so far
        "absences": float,  # unjustified half-days this month
        "year_absences": float,
        "year_months": int,
        "agree_u": float,  # the family's agreement draw, fixed at entry (common random numbers)
        "referral_day": float,
        "waiting_days": float,  # from referral to the committee's review
        **{name: bool for name in PATH},
        "left": bool,  # left the territory before the outcome (moved away or died)
        "refused": bool,
        "in_support": bool,
    }

    def __init__(self, model):
        self.model = model
        self.agents: list[Pupil] = []
        for name, kind in self.COLUMNS.items():
            setattr(self, name, np.zeros(0, dtype=kind))

    def __len__(self) -> int:
        return len(self.person)

    def add(self, persons, zones, schools, cohorts, logits, rng: np.random.Generator) -> None:
        n = len(persons)
        new = {name: np.zeros(n, dtype=kind) for name, kind in self.COLUMNS.items()}
        new.update(person=persons, zone=zones, school=schools, cohort=cohorts, logit=logits)
        new["teacher"][:] = -1
        new["agree_u"] = rng.random(n)
        new["absences"][:] = np.nan  # none observed before the first school month
        new["referral_day"][:] = np.nan
        new["waiting_days"][:] = np.nan
        for name in self.COLUMNS:
            setattr(self, name, np.concatenate([getattr(self, name), new[name]]))
        start = len(self.agents)
        self.agents += [Pupil(self.model, self, start + i) for i in range(n)]

    def probability(self) -> np.ndarray:
        """Current probability of the dropout outcome (support included)."""
        return 1 / (1 + np.exp(-(self.logit - self.support_effect)))

    def draw_absences(self, active: np.ndarray, at_even_odds: float, u: np.ndarray) -> None:
        """This month's unjustified half-days of the active pupils (Poisson in their risk).

        Drawn by inversion of a uniform per pupil, so that lower risk never means more
        absences for the same draw (common random numbers across scenarios).
        """
        mean = 2 * at_even_odds * self.probability()
        self.absences[:] = 0.0
        self.absences[active] = poisson_quantile(u[active], mean[active])
        self.year_absences[active] += self.absences[active]
        self.year_months[active] += 1


def poisson_quantile(u: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """The smallest k with P(X <= k) >= u for X ~ Poisson(mean), element-wise: the rule (and
    the cumulative function, `pdtr`) of scipy.stats.poisson.ppf, without its per-call
    machinery (scipy gives -1 at u = 0, this 0). One pass per value of k, over the draws not
    yet placed."""
    k = np.zeros(len(u))
    left = np.flatnonzero(pdtr(0, mean) < u)
    value = 0
    while len(left):
        value += 1
        k[left] = value
        left = left[pdtr(value, mean[left]) < u[left]]
    return k


for _column in Pupils.COLUMNS:  # the pupil's row of every column (`person` is the Person view)
    if not hasattr(Pupil, _column):
        setattr(Pupil, _column, Column(_column))
