"""Who moves in: households and partners drawn like the zone's population.

A household moving into a vacant dwelling is a copy of one of the zone's households at the
start of the run (its members' ages, sexes, diplomas, activities, unemployment spells, wages,
pensions and labour-market group; its non-labour income, loan, take-up of the allowance and the
cheque), so newcomers carry the zone's joint distribution of incomes, diplomas and activity by
age. The copy is drawn among the zone's households of the dwelling's tenure and size (the
surface was drawn for that size, and incoming households resemble the previous occupants:
SOeS, Le point sur n°27, 2009), with chances by the age of their reference person that keep the
zone's ages of reference persons as they were at the start (`weights`, set by the demography).
A partner who joins a lone adult is a copy of one of the zone's adults of the other sex and the
same age band; a young adult who enters the labour force from the parental home earns the wage
of one of the zone's active adults aged 18-29 with the same diploma.

The pool is frozen at set-up: newcomers arrive at the ages and incomes of 2017's households
(prices and wages are constant in the model, 9.4). They arrive owing nothing, with normal energy
supply and without this year's energy cheque.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .codes import EMPLOYED, OWNER, UNEMPLOYED

if TYPE_CHECKING:
    from .model import InclusionModel

HOUSEHOLD = ("size", "adults", "initially_poor", "other_income", "mortgage", "claims_allowance",
             "uses_cheque", "tenure", "family_benefits")  # fmt: skip
PERSON = ("head", "age", "birth_month", "sex", "no_diploma", "activity", "unemployment_months",
          "wage", "pension", "trait")  # fmt: skip
PARTNER_BANDS = np.array([18, 25, 40, 55, 65])  # union age bands of lone adults (18-64)


class Newcomers:
    """The pool of households and adults newcomers are copied from (the zone's initial ones)."""

    def __init__(self, model: InclusionModel, weights: np.ndarray):
        """`weights`: the relative chance of each occupied dwelling's household at set-up (in row
        order) to be the one a newcomer is copied from."""
        hh, persons = model.population.households, model.population.persons
        rows = np.flatnonzero(hh["occupied"])
        self.households = {key: hh[key][rows].copy() for key in HOUSEHOLD}
        self.zone = hh["zone"][rows].astype(np.int64)
        sizes = hh["size"][rows].astype(np.int64)
        slots = block_slots(model.first_slot[rows], sizes)
        self.persons = {key: persons[key][slots].copy() for key in PERSON}
        self.job_loss_rate = model.labour.job_loss_rate[slots].copy()
        self.start = np.r_[0, np.cumsum(sizes)][:-1]
        self._households = _Strata(
            [self._key(self.zone, hh["tenure"][rows], sizes), self._key(self.zone, -1, sizes)],
            weights,
        )
        adult = self.persons["head"]
        person_zone = np.repeat(self.zone, sizes)
        self.adults = np.flatnonzero(adult)
        self._partners = _Strata(
            [
                self._partner_key(
                    person_zone[adult], self.persons["sex"][adult], self.persons["age"][adult]
                )
            ],  # fmt: skip
            np.ones(int(adult.sum())),
        )
        activity, age = self.persons["activity"], self.persons["age"]
        self.workers = np.flatnonzero((activity == EMPLOYED) | (activity == UNEMPLOYED))
        young = (age[self.workers] >= 18) & (age[self.workers] <= 29)
        worker_key = person_zone[self.workers] * 2 + self.persons["no_diploma"][self.workers]
        self._workers = _Strata(
            [np.where(young, worker_key, -1), worker_key], np.ones(len(self.workers))
        )

    @staticmethod
    def _key(zone, tenure, size) -> np.ndarray:
        return (np.asarray(zone, dtype=np.int64) * 4 + np.asarray(tenure) + 1) * 16 + size

    @staticmethod
    def _partner_key(zone, sex, age) -> np.ndarray:
        band = np.searchsorted(PARTNER_BANDS, age, side="right")
        return (np.asarray(zone, dtype=np.int64) * 2 + sex) * 8 + band

    def households_for(self, hh, rows: np.ndarray, u: np.ndarray) -> np.ndarray:
        """A template household for each vacant dwelling `rows` (uniforms `u`): the zone's
        households of the dwelling's tenure and size, else of its size whatever the tenure."""
        zone, size = hh["zone"][rows], hh["dwelling_size"][rows].astype(np.int64)
        return self._households.draw(
            [self._key(zone, hh["tenure"][rows], size), self._key(zone, -1, size)], u
        )

    def partners_for(self, zone, sex, age, u: np.ndarray) -> np.ndarray:
        """A template adult (an index into the pool's persons) of the other sex and the same
        age band for each lone adult; -1 where the zone has none."""
        chosen = self._partners.draw([self._partner_key(zone, 1 - sex, age)], u)
        return np.where(chosen >= 0, self.adults[np.maximum(chosen, 0)], -1)

    def wages_for(self, zone, no_diploma, u: np.ndarray) -> np.ndarray:
        """The wage of one of the zone's active adults aged 18-29 with the same diploma (any
        age if none) for each young adult entering the labour force."""
        key = np.asarray(zone, dtype=np.int64) * 2 + no_diploma
        chosen = self._workers.draw([key, key], u)
        return np.where(chosen >= 0, self.persons["wage"][self.workers[np.maximum(chosen, 0)]], 0)

    def move_in(self, model: InclusionModel, rows: np.ndarray, templates: np.ndarray) -> None:
        """Copy the templates' households into the vacant dwellings `rows`."""
        hh = model.population.households
        for key in HOUSEHOLD:
            if key != "tenure":
                hh[key][rows] = self.households[key][templates]
        hh["mortgage"][rows] *= hh["tenure"][rows] == OWNER  # a loan only where one owns
        hh["annual_kwh"][rows] = hh["dwelling_kwh"][rows]  # habits leave with the occupant
        hh["occupied"][rows] = True
        sizes = self.households["size"][templates].astype(np.int64)
        slots = block_slots(model.first_slot[rows], sizes)
        source = block_slots(self.start[templates], sizes)
        self.copy_persons(model, slots, source)

    def copy_persons(self, model: InclusionModel, slots: np.ndarray, source: np.ndarray) -> None:
        """Copy the pool's persons `source` into the empty person slots `slots`."""
        persons = model.population.persons
        for key in PERSON:
            persons[key][slots] = self.persons[key][source]
        persons["present"][slots] = True
        model.labour.job_loss_rate[slots] = self.job_loss_rate[source]


class _Strata:
    """Weighted draws within strata: items sorted by stratum key, cumulative weights, so a draw
    is one binary search; keys are tried in order (a fallback when a stratum is empty)."""

    def __init__(self, keys: list[np.ndarray], weights: np.ndarray):
        self.levels = []
        for key in keys:
            order = np.argsort(key, kind="stable")
            cumulative = np.r_[0.0, np.cumsum(weights[order])]
            self.levels.append((key[order], order, cumulative))

    def draw(self, keys: list[np.ndarray], u: np.ndarray) -> np.ndarray:
        """One item per key (-1 if every level's stratum is empty), by inversion of `u`."""
        chosen = np.full(len(u), -1, dtype=np.int64)
        for (sorted_keys, order, cumulative), key in zip(self.levels, keys, strict=True):
            todo = chosen < 0
            lo = np.searchsorted(sorted_keys, key[todo], side="left")
            hi = np.searchsorted(sorted_keys, key[todo], side="right")
            found = hi > lo
            target = cumulative[lo] + u[todo] * (cumulative[hi] - cumulative[lo])
            k = np.clip(np.searchsorted(cumulative, target, side="right") - 1, lo, hi - 1)
            chosen[np.flatnonzero(todo)[found]] = order[k[found]]
        return chosen


def block_slots(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The slot indices of blocks [start, start + length), concatenated in order."""
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(np.asarray(starts, dtype=np.int64) - np.r_[0, np.cumsum(lengths)][:-1],
                        lengths)  # fmt: skip
    return np.arange(total, dtype=np.int64) + offsets
