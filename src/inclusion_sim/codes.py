"""Codes of the population arrays: tenure, activity, dwelling energy class, school level."""

from __future__ import annotations

import numpy as np

# Household tenure.
SOCIAL, PRIVATE_TENANT, OWNER = 0, 1, 2
TENURES = ("social_tenant", "private_tenant", "owner")
# Person activity.
EMPLOYED, UNEMPLOYED, INACTIVE, RETIRED, CHILD = 0, 1, 2, 3, 4
# Dwelling energy class (`dpe` is the index in DPE_CLASSES); heating: 0 electricity, 1 gas,
# 2 collective network (the order of the heating parameters).
DPE_CLASSES = "ABCDEFG"


def school_level(age):
    """1-5 primary (CP-CM2), 6-9 lower secondary (6e-3e), 10-12 upper secondary; -1 otherwise."""
    return np.where((age >= 6) & (age <= 17), age - 5, -1)
