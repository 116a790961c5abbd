"""The housing allowance (APL/AL) of tenants, in the national formula's simplified form.

Code de la construction et de l'habitation D. 823-16 and D. 823-17, values of the arrêté of
27 September 2019 (zone II, the Lyon agglomeration):

    A  = L + C - Pp - reduction, paid if at least the minimum
    L  = the rent, up to the zone's ceiling for the household's composition
    C  = a flat charges allowance, rising with the dependents
    Pp = P0 + (TF + TL) * max(R - R0, 0)     the household's own participation, EUR a month
    P0 = max(rate * (L + C), minimum)        its floor
    TF = a rate falling with the household's size; TL = a rate rising with L / LR, LR being the
         reference rent (the zone II ceilings)
    R  = annual resources: the current income (resources are contemporaneous since 2021), of
         which only the taxable share counts (`taxable_income_share`: minimum income, family and
         housing benefits are not resources); R0 = an abatement rising with the household's size

Simplifications: one scale (no indexation by year), a flat taxable share of income instead of
each benefit's own rule, no allowance for owners (the home-ownership allowance was closed to new
loans in 2018), no students' or shared-tenancy rules. Households that do not claim (non-take-up)
get nothing.
"""

from __future__ import annotations

import numpy as np


def composition(adults, size) -> np.ndarray:
    """Index in the scales: 0 single, 1 couple, 1 + k with k >= 1 dependents."""
    dependents = size - adults
    return np.where(dependents > 0, 1 + dependents, np.where(adults >= 2, 1, 0))


def housing_allowance(rent, adults, size, income, claims, params) -> np.ndarray:
    """Monthly allowance (EUR, >= 0) for each household; 0 without rent or claim."""
    single, couple, one_dependent, per_dependent = params["allowance_rent_ceiling"]
    dependents = np.maximum(size - adults, 0)
    ceiling = np.where(
        dependents > 0,
        one_dependent + per_dependent * (dependents - 1),
        np.where(adults >= 2, couple, single),
    )
    rent_counted = np.minimum(rent, ceiling)
    base, per_person = params["allowance_charges"]
    charges = base + per_person * dependents

    low, high = params["allowance_rent_ratio_bands"]
    rate_low, rate_high = params["allowance_rent_ratio_rates"]
    ratio = rent_counted / ceiling
    rent_rate = rate_low * np.clip(ratio - low, 0, high - low) + rate_high * np.maximum(
        ratio - high, 0
    )
    index = composition(adults, size)
    family_rates = np.asarray(params["allowance_family_rate"])
    last = len(family_rates) - 1
    family_rate = family_rates[np.minimum(index, last)] + params[
        "allowance_family_rate_extra"
    ] * np.maximum(index - last, 0)
    abatements = np.asarray(params["allowance_abatement"])
    abatement = abatements[np.minimum(index, len(abatements) - 1)]

    share, minimum = params["allowance_minimum_participation"]
    floor = np.maximum(share * (rent_counted + charges), minimum)
    resources = 12 * params["taxable_income_share"] * income
    participation = floor + (family_rate + rent_rate) * np.maximum(resources - abatement, 0)
    amount = rent_counted + charges - participation - params["allowance_reduction"]
    paid = claims & (rent > 0) & (amount >= params["allowance_minimum_paid"])
    return np.where(paid, amount, 0.0)
