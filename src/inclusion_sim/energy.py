"""Seasonal energy bills: a year's need spread over months by heating degree-days."""

from __future__ import annotations

import numpy as np


def monthly_shares(heating_degree_days, heating_share: float) -> np.ndarray:
    """Share of the annual need falling in each calendar month (sums to 1)."""
    dd = np.asarray(heating_degree_days, dtype=float)
    return heating_share * dd / dd.sum() + (1 - heating_share) / 12


def monthly_bill(annual_kwh, price, month_share: float):
    """EUR billed this month for a dwelling's energy."""
    return annual_kwh * price * month_share
