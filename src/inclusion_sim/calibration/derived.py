"""Indicators that targets and held-out figures need and the model does not report, computed
from the model's state.

Each returns per-zone values with the Territory total appended (the layout of every model
indicator). Definitions are stated here because the document does not give them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..codes import INACTIVE, SOCIAL, UNEMPLOYED
from ..indicators import per_zone, percent, rsa_recipients

if TYPE_CHECKING:
    from ..model import InclusionModel


def _poor_households(model: InclusionModel) -> np.ndarray:
    hh = model.population.households
    return hh["occupied"] & (12 * hh["income"] / hh["cu"] < model.params["poverty_line"])


def rsa_beneficiaries(model: InclusionModel) -> np.ndarray:
    """Persons receiving the RSA (`indicators.rsa_recipients`), per zone: the document's
    'beneficiaries' counts persons."""
    counts = per_zone(rsa_recipients(model), model.person_slices)
    return model.zone_values(counts * model.population.zone_weight)


def low_income_households(model: InclusionModel) -> np.ndarray:
    """Households whose income per consumption unit is below the poverty line (the document's
    'low-income households', 'nearly one in five', 3.5.1, read with the 60%-of-median line)."""
    counts = per_zone(_poor_households(model), model.household_slices)
    return model.zone_values(counts * model.population.zone_weight)


def _weighted_percent(model: InclusionModel, numerator, denominator, slices) -> np.ndarray:
    """% per zone and for the Territory, each zone's counts weighed by its own scale."""
    w = model.population.zone_weight
    return percent(per_zone(numerator, slices) * w, per_zone(denominator, slices) * w)


def youth_inactive_or_unemployed(model: InclusionModel) -> np.ndarray:
    """% of persons aged 15-24 who are unemployed or inactive (18-24), or not in school (15-17,
    when the dropout action runs). The model has no students among adults: its inactive
    18-24-year-olds include them (the document's 'inactive' presumably does not). Empty slots
    (age -1) are nobody's age."""
    persons = model.population.persons
    age, activity = persons["age"], persons["activity"]
    adults = (age >= 18) & (age <= 24)
    idle = adults & ((activity == UNEMPLOYED) | (activity == INACTIVE))
    for action in model.actions:
        if action.name == "dropout":  # its census state of 15-17-year-olds
            idle |= (age >= 15) & (age <= 17) & action.out_of_school
    youth = (age >= 15) & (age <= 24)
    return _weighted_percent(model, idle, youth, model.person_slices)


def qpv_social_housing_share(model: InclusionModel) -> np.ndarray:
    """% of households living in a priority neighbourhood (QPV) that rent social housing."""
    hh = model.population.households
    qpv = hh["occupied"] & hh["qpv"]
    social = qpv & (hh["tenure"] == SOCIAL)
    return _weighted_percent(model, social, qpv, model.household_slices)


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The value below which half the total weight lies (NaN when there is none)."""
    if len(values) == 0:
        return np.nan
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def qpv_median_income_ratio(model: InclusionModel) -> np.ndarray:
    """The zone's median income per consumption unit over that of its QPV residents (medians
    over present persons, as INSEE's; the Territory's weighs each zone by its scale)."""
    population = model.population
    hh, persons = population.households, population.persons
    income_cu = (12 * hh["income"] / hh["cu"])[persons["household"]]
    present = persons["present"]
    qpv = present & hh["qpv"][persons["household"]]
    slices = model.person_slices
    everyone = [np.median(income_cu[s][present[s]]) if present[s].any() else np.nan for s in slices]
    in_qpv = [np.median(income_cu[s][qpv[s]]) if qpv[s].any() else np.nan for s in slices]
    ratio = np.array(everyone) / np.array(in_qpv)
    if len(slices) == 1:
        return ratio
    weight = population.person_weight()
    total = _weighted_median(income_cu[present], weight[present]) / _weighted_median(
        income_cu[qpv], weight[qpv]
    )
    return np.append(ratio, total)


def qpv_no_diploma_share_18_24(model: InclusionModel) -> np.ndarray:
    """% of QPV residents aged 18-24 without a diploma (children carry no diploma status)."""
    hh, persons = model.population.households, model.population.persons
    young = (persons["age"] >= 18) & (persons["age"] <= 24) & hh["qpv"][persons["household"]]
    none = young & persons["no_diploma"]
    return _weighted_percent(model, none, young, model.person_slices)


def lmh_tenants_in_qpv_share(model: InclusionModel) -> np.ndarray:
    """% of Lyon Métropole Habitat's tenant households (action 2's landlord) living in a QPV;
    NaN without the community action. The landlord's dwellings count while occupied."""
    community = next((a for a in model.actions if a.name == "community"), None)
    if community is None:
        return np.full(len(model.zone_names), np.nan)
    hh = model.population.households
    tenants = community.landlord.tenants & hh["occupied"]
    in_qpv = tenants & hh["qpv"]
    return _weighted_percent(model, in_qpv, tenants, model.household_slices)


DERIVED = {
    "rsa_beneficiaries": rsa_beneficiaries,
    "low_income_households": low_income_households,
    "youth_inactive_or_unemployed": youth_inactive_or_unemployed,
    "qpv_social_housing_share": qpv_social_housing_share,
    "qpv_median_income_ratio": qpv_median_income_ratio,
    "qpv_no_diploma_share_18_24": qpv_no_diploma_share_18_24,
    "lmh_tenants_in_qpv_share": lmh_tenants_in_qpv_share,
}
