"""Family benefits that follow a household's children (docs/odd.md 7.26).

Family allowances for two or more children under 20 (with an age supplement from 14), the
young-child allowance (PAJE base
allowance) while a child is under 3, and the child support a lone parent receives for each child
(the CAF's family support allowance, ASF, is paid when the other parent does not pay, and is of
the order of the support courts set). Amounts of April 2018; income conditions are not
modelled.

A household's benefits for its composition at the start are part of its drawn non-labour
income. When its children change (a birth, a child turning 3 or 20, a child leaving home, a
separation, a union), its non-labour income moves by the change of its benefits.
"""

from __future__ import annotations

import numpy as np

CHILD_UNTIL, YOUNG_UNTIL = 20, 3  # family allowances to 20, the young-child allowance to 3
SUPPLEMENT_FROM = 14  # the family allowances' age supplement


def benefits(children, young, older, lone, params) -> np.ndarray:
    """EUR a month for households with `children` dependents under 20, `young` of them under 3
    and `older` aged 14-19, and one adult (`lone`) or two. The age supplement of family
    allowances is paid for each child of 14 or more but the eldest of a two-child family."""
    two, further, supplement = params["family_allowance"]
    allowance = np.where(children >= 2, two + further * np.maximum(children - 2, 0), 0.0)
    supplemented = np.where(children == 2, np.maximum(older - 1, 0), older)
    allowance += np.where(children >= 2, supplement * supplemented, 0.0)
    young_child = np.where(young > 0, params["young_child_allowance"], 0.0)
    support = np.where(lone, params["child_support"] * children, 0.0)
    return allowance + young_child + support


def household_benefits(households, persons, slots, offsets, rows, params) -> np.ndarray:
    """The benefits of dwellings `rows`, whose person slots are `slots` (blocks starting at
    `offsets` in it)."""
    present = persons["present"][slots] & ~persons["head"][slots]
    age = persons["age"][slots]
    children = np.add.reduceat((present & (age < CHILD_UNTIL)).astype(np.int64), offsets)
    young = np.add.reduceat((present & (age < YOUNG_UNTIL)).astype(np.int64), offsets)
    older = np.add.reduceat(
        (present & (age >= SUPPLEMENT_FROM) & (age < CHILD_UNTIL)).astype(np.int64), offsets
    )
    lone = households["adults"][rows] == 1
    amounts = benefits(children, young, older, lone, params)
    return np.where(households["occupied"][rows], amounts, 0.0)
