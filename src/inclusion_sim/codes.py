"""Codes of the population arrays: tenure, activity, dwelling energy class, school level."""

from __future__ import annotations

import numpy as np

# Household tenure.
SOCIAL, PRIVATE_TENANT, OWNER = 0, 1, 2
TENURES = ("social_tenant", "private_tenant", "owner")
# Person activity; ABSENT marks an empty person slot (nobody lives there, territory/layout.py).
EMPLOYED, UNEMPLOYED, INACTIVE, RETIRED, CHILD, ABSENT = 0, 1, 2, 3, 4, 5
# Dwelling energy class (`dpe` is the index in DPE_CLASSES); heating: 0 electricity, 1 gas,
# 2 collective network (the order of the heating parameters).
DPE_CLASSES = "ABCDEFG"


def school_level(birth_year, school_year):
    """Grade in the school year starting in September of `school_year` of a child born in
    `birth_year`: children enter CP in the September of the calendar year they turn 6, so the
    grade follows the year of birth (no repetition, no early entry). 1-5 primary (CP-CM2), 6-9
    lower secondary (6e-3e), 10-12 upper secondary; -1 otherwise."""
    level = np.asarray(school_year - birth_year - 5)
    return np.where((level >= 1) & (level <= 12), level, -1)
