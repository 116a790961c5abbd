"""Monthly territorial indicators per zone, and their tidy long form.

Each indicator is a ratio or a count of weighted agents computed per zone with `np.bincount`;
when several zones are simulated a 'Territory' total is appended.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .territory.population import EMPLOYED, UNEMPLOYED

if TYPE_CHECKING:
    from .model import InclusionModel

TOTAL = "Territory"

# name -> (unit, definition)
INDICATORS: dict[str, tuple[str, str]] = {
    "population": ("persons", "persons living in the zone"),
    "households": ("households", "households living in the zone"),
    "poverty_rate": ("%", "persons whose income per consumption unit is below the poverty line"),
    "unemployment_rate": ("%", "unemployed persons among the active aged 18-64"),
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


def territorial(model: InclusionModel) -> dict[str, np.ndarray]:
    """The core indicators for the model's current state."""
    hh = model.population.households
    zone, nz, w = hh["zone"], model.n_zones, model.population.weight

    def per_zone(values, where=None, index=zone):
        weights = values if where is None else np.where(where, values, 0)
        return np.bincount(index, weights=weights, minlength=nz) * w

    def pct(num, den):
        num, den = _with_total(num, nz), _with_total(den, nz)
        return 100 * np.divide(num, den, out=np.full(len(den), np.nan), where=den > 0)

    annual_income = 12 * hh["income"]
    annual_energy = hh["annual_kwh"] * hh["energy_price"]
    income_cu = annual_income / hh["cu"]
    effort_energy = annual_energy / annual_income
    effort_housing = (12 * hh["rent"] + annual_energy) / annual_income
    poor = income_cu < model.params["poverty_line"]
    ones = np.ones(len(zone))
    households = per_zone(ones)
    size = hh["size"].astype(float)

    activity = model.population.persons["activity"]
    person_zone = model.person_zone
    unemployed = per_zone(activity == UNEMPLOYED, index=person_zone)
    active = unemployed + per_zone(activity == EMPLOYED, index=person_zone)

    threshold = model.energy_poverty_threshold
    return {
        "population": _with_total(per_zone(size), nz),
        "households": _with_total(households, nz),
        "poverty_rate": pct(per_zone(size, poor), per_zone(size)),
        "unemployment_rate": pct(unemployed, active),
        "households_in_arrears": pct(
            per_zone(ones, hh["arrears_rent"] + hh["arrears_energy"] > 1.0), households
        ),
        "energy_poverty_document": pct(
            per_zone(ones, poor & (effort_housing > threshold)), households
        ),
        "energy_poverty_onpe": pct(
            per_zone(
                ones, (income_cu < model.params["onpe_income_decile_3"]) & (effort_energy > 0.08)
            ),
            households,
        ),
        "energy_effort": pct(per_zone(effort_energy), households),
    }


def _with_total(values: np.ndarray, n_zones: int) -> np.ndarray:
    return np.append(values, values.sum()) if n_zones > 1 else values


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
