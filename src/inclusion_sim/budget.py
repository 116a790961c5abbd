"""The household's monthly income and budget rule: living costs first, then rent, then energy,
then arrears.

A household keeps `living_floor` per consumption unit for food and other needs, pays rent before
energy (losing the dwelling is worse than a supply cut), books what it cannot pay as arrears, and
repays arrears (rent first) with a share of any surplus.
"""

from __future__ import annotations

import numpy as np

from .codes import EMPLOYED, UNEMPLOYED


def settle_month(income, floor, rent, bill, arrears_rent, arrears_energy, repayment_share):
    """Vectorised rule: returns (new rent arrears, new energy arrears) as arrays."""
    available = np.maximum(income - floor, 0.0)
    paid_rent = np.minimum(rent, available)
    left = available - paid_rent
    paid_energy = np.minimum(bill, left)
    budget = (left - paid_energy) * repayment_share
    arrears_rent = arrears_rent + rent - paid_rent
    arrears_energy = arrears_energy + bill - paid_energy
    repay_rent = np.minimum(arrears_rent, budget)
    repay_energy = np.minimum(arrears_energy, budget - repay_rent)
    return arrears_rent - repay_rent, arrears_energy - repay_energy


def settle_month_one(income, floor, rent, bill, arrears_rent, arrears_energy, repayment_share):
    """The same rule for one household in plain Python (the per-object reference)."""
    available = max(income - floor, 0.0)
    paid_rent = min(rent, available)
    left = available - paid_rent
    paid_energy = min(bill, left)
    budget = (left - paid_energy) * repayment_share
    arrears_rent += rent - paid_rent
    arrears_energy += bill - paid_energy
    repay_rent = min(arrears_rent, budget)
    repay_energy = min(arrears_energy, budget - repay_rent)
    return arrears_rent - repay_rent, arrears_energy - repay_energy


def household_income(households, persons, params, members=None) -> np.ndarray:
    """Monthly income: non-labour income plus members' earnings or benefits.

    `members` (indices of the persons who can earn, e.g. the active) skips the others for speed.
    """
    idx = slice(None) if members is None else members
    earned = labour_income(
        persons["activity"][idx], persons["unemployment_months"][idx], persons["wage"][idx], params
    )
    return households["other_income"] + np.bincount(
        persons["household"][idx], weights=earned, minlength=len(households["zone"])
    )


def labour_income(activity, unemployment_months, wage, params) -> np.ndarray:
    """Each person's monthly earnings or unemployment benefit.

    Unemployment insurance pays a share of the lost wage for `benefit_duration` months; after
    that the person receives the minimum income (RSA, counted per person: a simplification of
    its household means test).
    """
    benefit = params["benefit_replacement_rate"] * wage
    expired = unemployment_months >= params["benefit_duration"]
    benefit = np.where(expired, params["minimum_income"], benefit)
    return np.where(activity == EMPLOYED, wage, np.where(activity == UNEMPLOYED, benefit, 0.0))
