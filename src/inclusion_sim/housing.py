"""Housing costs: rents by tenure, zone and dwelling size; owners' loans, charges and tax.

Tenants pay a rent per m2 of their zone: social rents from the social-housing stock register
(RPLS), private rents from the Lyon rent observatory (OLL), whose rents per m2 fall with the
dwelling's surface (a studio lets dearer per m2 than a family flat). Owner-occupiers pay
condominium charges and property tax per m2, and first-time buyers (accédants) repay a loan:
whether an owner still repays one depends on the age of the household's reference person and on
income, and the instalment is a share of the income at synthesis, fixed afterwards.
"""

from __future__ import annotations

import numpy as np

from .codes import OWNER, PRIVATE_TENANT, SOCIAL

AGE_BANDS = np.array([40, 55, 65])  # reference person under 40, 40-54, 55-64, 65 and over


def social_rent(zone_ids, surface, params) -> np.ndarray:
    """EUR a month of a social dwelling (`zone_ids`: positions in ALL_ZONES)."""
    return np.asarray(params["rent_social_by_zone"])[zone_ids] * surface


def private_rent(zone_ids, surface, params) -> np.ndarray:
    """EUR a month of a private rental: the zone's median per m2, dearer for small dwellings."""
    per_m2 = np.asarray(params["rent_private_by_zone"])[zone_ids]
    size_effect = (surface / params["rent_reference_surface"]) ** -params[
        "rent_private_surface_elasticity"
    ]
    return per_m2 * size_effect * surface


def owner_costs(surface, params) -> np.ndarray:
    """EUR a month of condominium charges and property tax."""
    return (params["owner_charges"] + params["owner_property_tax"]) * surface / 12


def set_housing_costs(households, zone_ids, head_age, income, rng, params) -> None:
    """Rent, owners' costs and loan instalments of every household (EUR a month).

    `head_age` is the age of each household's reference person and `income` its monthly income
    at synthesis; one uniform per household decides whether an owner repays a loan.
    """
    tenure, surface = households["tenure"], households["surface"]
    households["rent"] = np.select(
        [tenure == SOCIAL, tenure == PRIVATE_TENANT],
        [social_rent(zone_ids, surface, params), private_rent(zone_ids, surface, params)],
        0.0,
    )
    owner = tenure == OWNER
    households["owner_costs"] = np.where(owner, owner_costs(surface, params), 0.0)
    share = np.asarray(params["mortgage_share_by_age"])[
        np.searchsorted(AGE_BANDS, head_age, side="right")
    ]
    odds = share / np.maximum(1 - share, 1e-9)
    odds = odds * np.where(households["initially_poor"], params["mortgage_odds_poor"], 1.0)
    repays = owner & (rng.random(len(tenure)) < odds / (1 + odds))
    households["mortgage"] = np.where(repays, params["mortgage_effort"] * income, 0.0)


def housing_cost(households, idx=slice(None)) -> np.ndarray:
    """Gross housing cost, EUR a month: rent, or owners' charges, tax and loan instalment."""
    return households["rent"][idx] + households["owner_costs"][idx] + households["mortgage"][idx]
