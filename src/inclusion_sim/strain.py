"""Households under strain: restricted heating, cold homes, and the suppliers' interventions.

Restriction. A household whose energy effort (its annual energy cost at normal comfort, net of
the energy cheque, over its income) exceeds `restriction_effort_threshold` heats less, its
heating intensity falling with the effort's excess as bill^(-elasticity) (the heating-intensity
response of the Res-IRF model); a household owing energy bills also cuts `restriction_arrears_cut`
of its heating. The heating not consumed is the comfort deficit (kWh); in a heating month, a
household heating less than `cold_home_threshold` of its need reports a cold home.

Supply interventions. Energy bills unpaid above `energy_arrears_threshold` for
`supply_notice_months` months (reminder, then formal notice: décret 2008-780) lead the supplier
to intervene, never during the winter truce (1 November - 31 March, code de l'énergie L115-3):
gas is cut; electricity is cut, or from `power_reduction_from_year` on limited in power
(1-3 kVA), which stops electric heating and part of other uses. Supply is restored once the
debt is paid (or cleared by an aid: the FSL calls `reconnect`), or after `interruption_months`
months, the debt still owed: the supplier ends the contract and the household subscribes
elsewhere or agrees a repayment plan; reminders then start again.
"""

from __future__ import annotations

import numpy as np

from .prices import DISTRICT_HEATING, GAS

NORMAL, POWER_REDUCED, CUT = 0, 1, 2  # supply state
TRUCE_MONTHS = (11, 12, 1, 2, 3)


def heating_kept(effort, in_arrears, params) -> np.ndarray:
    """Share of its heating need a household chooses to heat (1 = normal comfort)."""
    threshold = params["restriction_effort_threshold"]
    excess = np.maximum(effort, threshold) / threshold
    by_effort = excess ** -params["restriction_elasticity"]
    by_arrears = np.where(in_arrears, 1.0 - params["restriction_arrears_cut"], 1.0)
    return np.minimum(by_effort, by_arrears)


def supply_factors(supply, heating, params) -> tuple[np.ndarray, np.ndarray]:
    """Shares of the heating and of the other uses a household's supply still allows.

    An electric-heated home cut or limited in power cannot heat; a gas cut stops gas heating
    only; a district-heated home keeps its collective heating whatever its electricity supply.
    """
    reduced, cut = supply == POWER_REDUCED, supply == CUT
    heat = np.where((supply != NORMAL) & (heating != DISTRICT_HEATING), 0.0, 1.0)
    gas = heating == GAS
    other = np.where(
        gas | ~(reduced | cut), 1.0, np.where(reduced, params["reduced_power_use_share"], 0.0)
    )
    return heat, other


def intervene(supply, months_unpaid, heating, year: int, month: int, params) -> np.ndarray:
    """Households whose supplier intervenes this month (a mask); updates `supply` in place."""
    if month in TRUCE_MONTHS:
        return np.zeros(len(supply), dtype=bool)
    due = (supply == NORMAL) & (months_unpaid >= params["supply_notice_months"])
    limited = (heating != GAS) & (year >= params["power_reduction_from_year"])
    supply[due] = np.where(limited[due], POWER_REDUCED, CUT)
    return due


def restore(households, unpaid, params) -> None:
    """Restore supply where the debt is paid, or where the interruption has lasted its time."""
    interrupted = households["supply"] != NORMAL
    households["months_interrupted"] = np.where(
        interrupted, households["months_interrupted"] + 1, 0
    )
    reconnect(
        households, ~unpaid | (households["months_interrupted"] > params["interruption_months"])
    )


def reconnect(households, idx) -> None:
    """Restore normal supply to households `idx` and restart their reminders."""
    households["supply"][idx] = NORMAL
    households["months_unpaid"][idx] = 0
    households["months_interrupted"][idx] = 0
