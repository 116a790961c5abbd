"""Energy bills: standing charges plus kWh priced by fuel, heating following the degree-days.

A dwelling's annual need (`annual_kwh`, at normal comfort) is split into heating, a share
`heating_share` of it billed on the heating fuel and spread over the months by heating
degree-days, and other uses (hot water, cooking, appliances) billed on electricity in equal
twelfths. Every household pays the electricity standing charge, and gas-heated ones the gas
standing charge too; district heating is billed at an all-in price per kWh. What a household
actually consumes may fall short of its need (restriction, a supply cut: `strain.py`).
"""

from __future__ import annotations

import numpy as np

from .prices import ELECTRICITY


def heating_month_shares(heating_degree_days) -> np.ndarray:
    """Share of the annual heating need falling in each calendar month (sums to 1)."""
    dd = np.asarray(heating_degree_days, dtype=float)
    return dd / dd.sum()


def heating_months(heating_degree_days) -> np.ndarray:
    """Calendar months in which cold homes are reported: half the mean month's need or more."""
    return heating_month_shares(heating_degree_days) >= 0.5 / 12


def standing_charges(heating, standing) -> np.ndarray:
    """EUR a month of standing charges: electricity, plus the heating fuel's if it is not."""
    return standing[ELECTRICITY] + np.where(heating != ELECTRICITY, standing[heating], 0.0)


def annual_energy_cost(heating, annual_kwh, standing, price, heating_share: float) -> np.ndarray:
    """EUR a year of a dwelling's energy at normal comfort, at the given month's prices."""
    heat = heating_share * annual_kwh
    other = annual_kwh - heat
    return (
        12 * standing_charges(heating, standing)
        + price[heating] * heat
        + price[ELECTRICITY] * other
    )


def monthly_bill(heating, heat_kwh, other_kwh, standing, price) -> np.ndarray:
    """EUR billed for a month's consumption (kWh of heating and of other uses)."""
    return (
        standing_charges(heating, standing)
        + price[heating] * heat_kwh
        + price[ELECTRICITY] * other_kwh
    )
