"""How readily each household reaches another action's service: multipliers actions may raise.

Actions 1 and 2 (document 3.1, 3.2) change how professionals work: social workers who detect
and report energy poverty systematically, landlords' teams who hear of payment difficulties
early. Their effect must reach households through the other actions' own mechanisms, never by
editing outcomes. So each pathway below is a per-household multiplier of a probability that the
owning action draws against (it caps the product at 1). An action contributes its own factor
array under its name; the pathway is the product of the contributions, and exactly 1 when nobody
contributes, so a run without actions 1 and 2 draws against the very same probabilities.
"""

from __future__ import annotations

import numpy as np

PATHWAYS: dict[str, str] = {
    "fsl_take_up": "monthly probability that a household with unpaid energy bills applies to "
    "the FSL at its social centre (action 4)",
    "soliha_referral": "probability that a social worker refers a private-stock FSL applicant "
    "to SOLIHA (action 4)",
    "educator_agreement": "probability that a family agrees to a social-centre educator (action 3)",
    "solidarity_referral": "probability that a social worker refers a household to the Space "
    "for Solidarity Making (action 6)",
}


class Pathways:
    """The model's pathways (`model.pathways`): contributions by action, product on demand."""

    def __init__(self, n_households: int):
        self._ones = np.ones(n_households)
        self._ones.flags.writeable = False
        self._contributions: dict[str, dict[str, np.ndarray]] = {name: {} for name in PATHWAYS}
        self._product: dict[str, np.ndarray] = {}

    def contribute(self, pathway: str, contributor: str, factor: np.ndarray) -> None:
        """Set `contributor`'s per-household multiplier of `pathway` (replacing its last one)."""
        factor = np.asarray(factor, dtype=float)
        if (
            factor.shape != self._ones.shape
            or np.any(factor < 0)
            or not np.all(np.isfinite(factor))
        ):
            raise ValueError(f"pathway {pathway}: factors must be finite, >= 0, one per household")
        self._contributions[pathway][contributor] = factor
        self._product.pop(pathway, None)

    def contribution(self, pathway: str, contributor: str) -> np.ndarray | None:
        """`contributor`'s own factors of `pathway` (None if it contributed none)."""
        return self._contributions[pathway].get(contributor)

    def factor(self, pathway: str) -> np.ndarray:
        """Per-household multiplier of `pathway` (read-only; all ones without contributions)."""
        if pathway not in self._product:
            factors = list(self._contributions[pathway].values())
            product = factors[0].copy() if factors else self._ones
            for factor in factors[1:]:  # in order, as np.prod(axis=0), without stacking them
                product *= factor
            product.flags.writeable = False
            self._product[pathway] = product
        return self._product[pathway]

    def probability(self, pathway: str, base, households=slice(None)) -> np.ndarray | float:
        """`base` probability times the pathway's factor for `households`, capped at 1."""
        return np.minimum(base * self.factor(pathway)[households], 1.0)
