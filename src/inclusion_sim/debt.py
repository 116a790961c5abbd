"""Over-indebtedness procedures: how arrears end that no budget can repay (docs/odd.md 7.28).

A household owing more than `overindebtedness_threshold_months` months of its income in rent
(or loan) and energy arrears files with the Banque de France's over-indebtedness commission at
`overindebtedness_filing_rate` a year. The commission keeps what the household can repay within
the longest plan the law allows (`overindebtedness_plan_months`, 7 years since 2018, Code de la
consommation L733-3), at the share of its surplus the budget rule repays with
(`arrears_repayment_share`), and writes off the rest: everything when the household has no
surplus (the "rétablissement personnel", about four files in ten), part of it otherwise (a plan
with a partial write-off). The kept debt is then repaid by the budget rule as any arrears are.

One uniform per dwelling a month from the `debt` stream, drawn whatever the state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .demography_tables import monthly

if TYPE_CHECKING:
    from .model import InclusionModel

FLOWS = ("overindebtedness_files", "debt_written_off")


class OverIndebtedness:
    """The over-indebtedness commission of the territory (one for the Rhône department)."""

    def __init__(self, model: InclusionModel):
        self.model = model
        self.rng = model.stream("debt")
        self.flows = {name: np.zeros(model.n_zones) for name in FLOWS}

    def month(self, surplus: np.ndarray) -> None:
        """Files of the month and what the commission writes off; `surplus` is each household's
        income left after its floor (without temporary relief in kind), housing and energy this
        month (EUR, >= 0)."""
        hh, p = self.model.population.households, self.model.params
        u = self.rng.random(len(hh["zone"]))
        debt = hh["arrears_rent"] + hh["arrears_energy"]
        threshold = p["overindebtedness_threshold_months"] * np.maximum(hh["income"], 0.0)
        files = hh["occupied"] & (debt > threshold) & (debt > 0)
        files &= u < monthly(p["overindebtedness_filing_rate"])
        rows = np.flatnonzero(files)
        capacity = p["overindebtedness_plan_months"] * p["arrears_repayment_share"] * surplus[rows]
        kept = np.minimum(debt[rows], capacity)
        share = np.divide(kept, debt[rows], out=np.zeros(len(rows)), where=debt[rows] > 0)
        zone = hh["zone"][rows]
        n = self.model.n_zones
        self.flows["overindebtedness_files"] = np.bincount(zone, minlength=n).astype(float)
        self.flows["debt_written_off"] = np.bincount(zone, weights=debt[rows] - kept, minlength=n)
        hh["arrears_rent"][rows] *= share
        hh["arrears_energy"][rows] *= share
