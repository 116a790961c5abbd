"""The national energy cheque (chèque énergie): a yearly amount by income per consumption unit.

Generalised on 1 January 2018 (it replaced the social electricity and gas tariffs), it is sent
each spring to households whose reference tax income per consumption unit is under the last
band's ceiling; the amount falls with income and rises with the household's size (the cheque's
own consumption units: 1 for the first person, 0.5 for the second, 0.3 for each further one).
A household credits it to its energy account, which pays its next bills. Non-use (cheques
never received or never spent) is a share of recipients, the same households every year.

Simplification: the taxable share of the current disposable income (`taxable_income_share`: the
reference tax income excludes the untaxed benefits) stands for the reference tax income of two
years before.
"""

from __future__ import annotations

import numpy as np


def cheque_units(size) -> np.ndarray:
    """The cheque's consumption units of a household of `size` persons."""
    return 1.0 + 0.5 * (size >= 2) + 0.3 * np.maximum(size - 2, 0)


def cheque_amount(income, size, uses, params) -> np.ndarray:
    """EUR a year for each household (0 if not eligible or not using it)."""
    units = cheque_units(size)
    income_per_unit = 12 * params["taxable_income_share"] * income / units
    bands = np.asarray(params["cheque_bands"])
    band = np.searchsorted(bands, income_per_unit, side="right")  # len(bands): not eligible
    by_units = np.stack(
        [
            params["cheque_amounts_one_unit"],
            params["cheque_amounts_up_to_two_units"],
            params["cheque_amounts_two_units"],
        ]
    )
    column = np.where(units <= 1, 0, np.where(units < 2, 1, 2))
    table = np.concatenate([by_units, np.zeros((3, 1))], axis=1)
    return np.where(uses, table[column, band], 0.0)
