"""Monthly territorial indicators per zone, and their tidy long form.

Each indicator is a ratio or a count of weighted agents per zone. Zones are contiguous slices of
the population arrays, so a per-zone total is a sum over a slice; when several zones are
simulated a 'Territory' total is appended.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .codes import EMPLOYED, UNEMPLOYED

if TYPE_CHECKING:
    from .model import InclusionModel

TOTAL = "Territory"
ARREARS_EPSILON = 1.0  # EUR: rounding left by repayments is not a debt

# name -> (unit, definition)
INDICATORS: dict[str, tuple[str, str]] = {
    "population": ("persons", "persons living in the zone"),
    "households": ("households", "households living in the zone"),
    "poverty_rate": ("%", "persons whose income per consumption unit is below the poverty line"),
    "unemployment_rate": ("%", "unemployed persons in the labour force"),
    "households_in_arrears": ("%", "households owing rent or energy bills"),
    "energy_poverty_document": (
        "%",
        "households below the poverty line spending over 35% of income on rent and energy "
        "(document, 3.4.2)",
    ),
    "energy_poverty_onpe": (
        "%",
        "households in income deciles D1-D3 spending over 8% of income on energy (ONPE)",
    ),
    "energy_effort": ("%", "mean share of income spent on energy"),
}

# indicator -> (figure id, factor): the Metropolis-wide figures of core indicators (1.1.1)
FIGURES: dict[str, tuple[str, float]] = {
    "poverty_rate": ("metro.poverty_rate", 1.0),
    "unemployment_rate": ("metro.unemployment_rate", 1.0),
}


def per_zone(values: np.ndarray, slices: list[slice]) -> np.ndarray:
    """Sum (or count, for a boolean mask) of `values` in each zone's slice."""
    if values.dtype == bool:
        return np.array([np.count_nonzero(values[s]) for s in slices], dtype=float)
    return np.array([values[s].sum() for s in slices], dtype=float)


def with_total(values: np.ndarray) -> np.ndarray:
    """Append the territory total when there are several zones."""
    return np.append(values, values.sum()) if len(values) > 1 else values


def percent(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """100 * ratio per zone and for the total (NaN where the denominator is zero)."""
    num, den = with_total(numerator), with_total(denominator)
    return 100 * np.divide(num, den, out=np.full(len(den), np.nan), where=den > 0)


def energy_poor_document(model: InclusionModel, idx=slice(None), rent=None, energy=None):
    """The document's energy-poverty test (3.4.2) for households `idx`: below the poverty line
    and spending over 35% of income on rent and energy (optionally at other housing costs)."""
    hh = model.population.households
    rent = hh["rent"][idx] if rent is None else rent
    energy = hh["annual_kwh"][idx] * hh["energy_price"][idx] if energy is None else energy
    annual_income = 12 * hh["income"][idx]
    poor = annual_income / hh["cu"][idx] < model.params["poverty_line"]
    return poor & (12 * rent + energy > model.energy_poverty_threshold * annual_income)


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
    }


def tidy(records: pd.DataFrame, zones: list[str]) -> pd.DataFrame:
    """DataCollector's model table (one column of per-zone arrays per indicator) in long form."""
    months = records.index.to_numpy()
    frames = []
    for name in records.columns:
        values = np.vstack(records[name].to_numpy())
        frames.append(
            pd.DataFrame(
                {
                    "month": np.repeat(months, values.shape[1]),
                    "zone": np.tile(zones, len(months)),
                    "indicator": name,
                    "value": values.ravel(),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["zone"] = pd.Categorical(out["zone"], categories=zones)
    return out.sort_values(["month", "zone", "indicator"], kind="stable").reset_index(drop=True)
