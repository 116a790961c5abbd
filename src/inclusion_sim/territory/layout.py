"""Dwellings and person slots: the fixed-capacity layout of an open population.

Households come and go, are born into and die out of, but every action keeps arrays indexed by
household row and person row, sized once. So the synthetic population is laid out as dwellings
(household rows), some of them vacant, each owning a fixed block of person slots: the members of
the household living there, then `spare` free slots for births and a partner. Dwellings stay
grouped by zone and slots by dwelling, so each zone is still one slice of rows and a
household's members are still contiguous, whoever lives there; a row or a slot that changes
occupant is reused (`occupied`, `present`).

A dwelling keeps its physical attributes whoever lives in it: zone, tenure, QPV flag, surface,
energy class, heating, rent, owners' costs, the household size its surface was drawn for
(`dwelling_size`) and its annual energy need at normal comfort (`dwelling_kwh`: works change it;
a household's own need, `annual_kwh`, is the dwelling's less what its habits save, and a
newcomer starts from the dwelling's). A vacant dwelling of a zone is a copy of one of the zone's
occupied dwellings, drawn at random. Nothing here changes the synthetic households and persons:
the occupied rows and present slots hold exactly what `synthesize` drew.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..codes import ABSENT
from .population import Population

DWELLING = (
    "zone",
    "tenure",
    "qpv",
    "surface",
    "dpe",
    "heating",
    "annual_kwh",
    "dwelling_kwh",
    "rent",
    "owner_costs",
    "dwelling_size",
)


def lay_out(
    population: Population, vacant: Sequence[int], spare: int, rng: np.random.Generator
) -> Population:
    """The population as dwellings (each zone's occupied ones, then `vacant[z]` vacant ones) and
    person slots (a dwelling's block holds `dwelling_size + spare` slots).

    Draws come from `rng` only (which occupied dwelling each vacant one copies, every present
    person's birth month and trait), so the synthetic draws are untouched.
    """
    hh, persons = population.households, population.persons
    zone = hh["zone"]
    parts, flags = [], []
    for code, n_vacant in enumerate(vacant):
        own = np.flatnonzero(zone == code)
        copies = rng.choice(own, size=n_vacant) if len(own) and n_vacant else own[:0]
        parts += [own, copies]
        flags += [np.ones(len(own), dtype=bool), np.zeros(len(copies), dtype=bool)]
    source, occupied = np.concatenate(parts), np.concatenate(flags)
    households = {key: values[source] for key, values in hh.items()}
    households["dwelling_size"] = hh["size"][source].astype(np.int8)
    households["dwelling_kwh"] = hh["annual_kwh"][source].copy()
    households["occupied"] = occupied
    households["generation"] = np.zeros(len(source), dtype=np.int32)
    vacate_households(households, ~occupied)

    first_person = np.r_[0, np.cumsum(hh["size"])][:-1].astype(np.int64)
    capacity = households["dwelling_size"].astype(np.int64) + spare
    block = np.r_[0, np.cumsum(capacity)].astype(np.int64)
    n_slots = int(block[-1])
    row_of_slot = np.repeat(np.arange(len(source), dtype=np.int32), capacity)
    position = np.arange(n_slots) - block[row_of_slot]
    size = households["size"].astype(np.int64)
    present = position < size[row_of_slot]
    origin = np.where(present, first_person[source][row_of_slot] + position, 0)

    slots = {
        key: np.where(present, values[origin], 0).astype(values.dtype)
        for key, values in persons.items()
        if key != "household"
    }
    slots["household"] = row_of_slot
    slots["present"] = present
    slots["generation"] = np.zeros(n_slots, dtype=np.int32)
    slots["birth_month"] = np.zeros(n_slots, dtype=np.int8)
    slots["birth_month"][present] = rng.integers(1, 13, size=int(present.sum()))
    slots["trait"] = np.zeros(n_slots)
    slots["trait"][present] = rng.random(int(present.sum()))
    vacate_slots(slots, ~present)
    return Population(households=households, persons=slots, zone_weight=population.zone_weight)


# Household columns describing the occupant, and their values in a vacant dwelling.
VACANT = {
    "size": 0,
    "adults": 0,
    "initially_poor": False,
    "cu": 1.0,  # not 0: ratios over every row stay finite; vacant rows are masked anyway
    "other_income": 0.0,
    "mortgage": 0.0,
    "claims_allowance": False,
    "uses_cheque": False,
}


def vacate_households(households: dict[str, np.ndarray], rows) -> None:
    """Empty dwellings `rows`: no occupant, nothing owed (the household left with its debts),
    the dwelling's own energy need (the household's habits left with it)."""
    households["occupied"][rows] = False
    for key, value in VACANT.items():
        households[key][rows] = value
    for key in (
        "income",
        "arrears_rent",
        "arrears_energy",
        "allowance",
        "cheque",
        "cheque_credit",
        "budget_relief",
        "supply",
        "months_unpaid",
        "months_interrupted",
        "cold_home",
    ):
        if key in households:
            households[key][rows] = 0
    if "heating_kept" in households:
        households["heating_kept"][rows] = 1.0
    households["annual_kwh"][rows] = households["dwelling_kwh"][rows]  # habits leave too


def vacate_slots(persons: dict[str, np.ndarray], slots) -> None:
    """Empty person slots: nobody there (ages and sexes -1, activity ABSENT)."""
    persons["present"][slots] = False
    persons["head"][slots] = False
    persons["age"][slots] = -1
    persons["sex"][slots] = -1
    persons["no_diploma"][slots] = False
    persons["activity"][slots] = ABSENT
    persons["unemployment_months"][slots] = 0
    persons["wage"][slots] = 0.0
    persons["birth_month"][slots] = 0
    persons["trait"][slots] = 0.0
    if "pension" in persons:
        persons["pension"][slots] = 0.0
