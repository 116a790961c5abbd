"""Indicators that targets need and the core does not report, computed from the model's state.

Each returns per-zone weighted counts with the Territory total appended (the layout of every
model indicator). Definitions are stated here because the document does not give them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..indicators import per_zone, rsa_recipients

if TYPE_CHECKING:
    from ..model import InclusionModel


def _poor_households(model: InclusionModel) -> np.ndarray:
    hh = model.population.households
    return 12 * hh["income"] / hh["cu"] < model.params["poverty_line"]


def rsa_beneficiaries(model: InclusionModel) -> np.ndarray:
    """Persons receiving the RSA (`indicators.rsa_recipients`), per zone: the document's
    'beneficiaries' counts persons."""
    counts = per_zone(rsa_recipients(model), model.person_slices)
    return model.zone_values(counts * model.population.weight)


def low_income_households(model: InclusionModel) -> np.ndarray:
    """Households whose income per consumption unit is below the poverty line (the document's
    'low-income households', 'nearly one in five', 3.5.1, read with the 60%-of-median line)."""
    counts = per_zone(_poor_households(model), model.household_slices)
    return model.zone_values(counts * model.population.weight)


DERIVED = {
    "rsa_beneficiaries": rsa_beneficiaries,
    "low_income_households": low_income_households,
}
