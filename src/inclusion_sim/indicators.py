"""Monthly territorial indicators per zone, and their tidy long form.

Each indicator is a ratio or a count of weighted agents per zone. Zones are contiguous slices of
the population arrays, so a per-zone total is a sum over a slice; when several zones are
simulated a 'Territory' total is appended.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .agencies import SOCIAL_CENTRE_INDICATORS, social_centre_indicators
from .codes import EMPLOYED, INACTIVE, UNEMPLOYED
from .declarations import Indicator

if TYPE_CHECKING:
    from .model import InclusionModel

TOTAL = "Territory"
ARREARS_EPSILON = 1.0  # EUR: rounding left by repayments is not a debt

CORE_INDICATORS: tuple[Indicator, ...] = (
    Indicator("population", "persons", "stock", "persons living in the zone"),
    Indicator("households", "households", "stock", "households living in the zone"),
    Indicator(
        "poverty_rate",
        "%",
        "rate",
        "persons whose income per consumption unit is below the poverty line",
        figure=("metro.poverty_rate", 1.0),
        headline=True,
    ),
    Indicator(
        "unemployment_rate",
        "%",
        "rate",
        "unemployed persons in the labour force",
        figure=("metro.unemployment_rate", 1.0),
        headline=True,
    ),
    Indicator(
        "households_in_arrears",
        "%",
        "rate",
        "households owing rent or energy bills",
        headline=True,
    ),
    Indicator(
        "energy_poverty_document",
        "%",
        "rate",
        "households below the poverty line spending over 35% of income on rent and energy "
        "(document, 3.4.2)",
        headline=True,
    ),
    Indicator(
        "energy_poverty_onpe",
        "%",
        "rate",
        "households in income deciles D1-D3 spending over 8% of income on energy (ONPE)",
        headline=True,
    ),
    Indicator("energy_effort", "%", "rate", "mean share of income spent on energy"),
    *SOCIAL_CENTRE_INDICATORS,
)


def units(indicators) -> dict[str, tuple[str, str]]:
    """Indicator name -> (unit, description), for tables and plots."""
    return {i.name: (i.unit, i.description) for i in indicators}


def per_zone(values: np.ndarray, slices: list[slice]) -> np.ndarray:
    """Sum (or count, for a boolean mask) of `values` in each zone's slice."""
    if values.dtype == bool:
        return np.array([np.count_nonzero(values[s]) for s in slices], dtype=float)
    return np.array([values[s].sum() for s in slices], dtype=float)


def with_total(values: np.ndarray) -> np.ndarray:
    """Append the territory total when there are several zones."""
    return np.append(values, values.sum()) if len(values) > 1 else values


def ratio(numerator, denominator) -> np.ndarray:
    """numerator / denominator elementwise; NaN where the denominator is not positive."""
    num, den = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    return np.divide(num, den, out=np.full(np.shape(den), np.nan), where=den > 0)


def percent(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """100 * ratio per zone and for the total (NaN where the denominator is zero)."""
    return 100 * ratio(with_total(numerator), with_total(denominator))


def energy_poor_document(model: InclusionModel, idx=slice(None), rent=None, energy=None):
    """The document's energy-poverty test (3.4.2) for households `idx`: below the poverty line
    and spending over 35% of income on rent and energy (optionally at other housing costs)."""
    hh = model.population.households
    rent = hh["rent"][idx] if rent is None else rent
    energy = hh["annual_kwh"][idx] * hh["energy_price"][idx] if energy is None else energy
    annual_income = 12 * hh["income"][idx]
    poor = annual_income / hh["cu"][idx] < model.params["poverty_line"]
    return poor & (12 * rent + energy > model.energy_poverty_threshold * annual_income)


def rsa_recipients(model: InclusionModel) -> np.ndarray:
    """Per person: in a household below the poverty line and either unemployed for at least
    `benefit_duration` months (their insurance benefit has run out) or inactive aged 25-64.

    An approximation of RSA eligibility (which is means-tested on household resources and open
    from age 25); the document's 'government grant' beneficiaries (3.5.9, 3.5.10).
    """
    hh, persons = model.population.households, model.population.persons
    poor = 12 * hh["income"] / hh["cu"] < model.params["poverty_line"]
    age, activity = persons["age"], persons["activity"]
    expired = (activity == UNEMPLOYED) & (
        persons["unemployment_months"] >= model.params["benefit_duration"]
    )
    inactive = (activity == INACTIVE) & (age >= 25) & (age <= 64)
    return poor[persons["household"]] & (expired | inactive)


def territorial(model: InclusionModel) -> dict[str, np.ndarray]:
    """The core indicators for the model's current state."""
    hh = model.population.households
    zones, person_zones, w = model.household_slices, model.person_slices, model.population.weight

    annual_income = 12 * hh["income"]
    annual_energy = hh["annual_kwh"] * hh["energy_price"]
    income_cu = annual_income / hh["cu"]
    effort_energy = annual_energy / annual_income
    poor = income_cu < model.params["poverty_line"]
    energy_poor = per_zone(energy_poor_document(model), zones)
    onpe = (income_cu < model.params["onpe_income_decile_3"]) & (
        effort_energy > model.params["onpe_effort_threshold"]
    )
    households = per_zone(np.ones(len(poor), dtype=bool), zones)
    persons = per_zone(hh["size"], zones)

    activity = model.population.persons["activity"]
    unemployed = per_zone(activity == UNEMPLOYED, person_zones)
    active = unemployed + per_zone(activity == EMPLOYED, person_zones)
    return {
        "population": with_total(persons * w),
        "households": with_total(households * w),
        "poverty_rate": percent(per_zone(np.where(poor, hh["size"], 0), zones), persons),
        "unemployment_rate": percent(unemployed, active),
        "households_in_arrears": percent(
            per_zone(hh["arrears_rent"] + hh["arrears_energy"] > ARREARS_EPSILON, zones), households
        ),
        "energy_poverty_document": percent(energy_poor, households),
        "energy_poverty_onpe": percent(per_zone(onpe, zones), households),
        "energy_effort": percent(per_zone(effort_energy, zones), households),
        **social_centre_indicators(model),
    }


def year_values(
    results: pd.DataFrame,
    declared: Mapping[str, Indicator],
    months: tuple[int, int],
    start_month: int = 1,
    keys: tuple[str, ...] = ("zone",),
) -> pd.DataFrame:
    """One value per (keys, indicator) for the simulated months `months` (first, last inclusive),
    summarised by each indicator's kind (`declarations.KINDS`): the mean of stocks and rates, the
    sum of flows, the sum of a year-to-date total's monthly increments (its year-end value when
    the months are a calendar year), the last value of cumulative and trailing-year indicators.
    Indicators not declared are averaged."""
    first, last = months
    window = results[results["month"].between(first, last)]
    kind = window["indicator"].map(lambda n: declared[n].kind if n in declared else "rate")
    value = window["value"]
    ytd = kind == "year_to_date"
    if ytd.any():
        # Increments of a year-to-date total: its value in January (calendar), else the change.
        previous = results.assign(month=results["month"] + 1).rename(columns={"value": "before"})
        merged = window[ytd].merge(previous, on=[*keys, "indicator", "month"], how="left")
        january = (merged["month"] - 1 + start_month - 1) % 12 == 0
        value = value.copy()
        value[ytd] = np.where(january, merged["value"], merged["value"] - merged["before"])
    frame = window.assign(value=value, kind=kind)
    group = [*keys, "indicator"]
    summed = frame["kind"].isin(["flow", "year_to_date"])
    ends = frame["kind"].isin(["cumulative", "trailing_year"])
    parts = [
        frame[summed].groupby(group, observed=True)["value"].sum(min_count=1),
        frame[ends].sort_values("month").groupby(group, observed=True)["value"].last(),
        frame[~summed & ~ends].groupby(group, observed=True)["value"].mean(),
    ]
    return pd.concat(parts).rename("value").reset_index()
