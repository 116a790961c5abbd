"""The action's records as arrays, so the trailing-year indicators are array sums over a window
of rows instead of Python loops over every contract (issue 17).

`ContractTable` holds one row per hire, in hiring order (so the rows of a window of months are a
contiguous slice); `MonthTotals` one total per model step (unfilled hours, payments).
"""

from __future__ import annotations

import numpy as np

from .workers import Contract

COLUMNS = {
    "start": np.int64,
    "person": np.int64,  # the slot
    "key": np.int64,  # the person (slot and occupant)
    "zone": np.int64,
    "qpv": bool,
    "woman": bool,
    "buyer": np.int64,
    "sector": np.int64,
    "tool": np.int64,
    "months": float,
    "hours": float,  # agent-hours
    "skilled": bool,
    "waited": float,  # days
}


class ContractTable:
    """Every contract's columns; arrays grow by doubling."""

    def __init__(self):
        self.rows = 0
        self._columns = {name: np.zeros(64, dtype=kind) for name, kind in COLUMNS.items()}

    def add(self, contract: Contract) -> None:
        if self.rows == len(self._columns["start"]):
            for name, column in self._columns.items():
                self._columns[name] = np.concatenate([column, np.zeros_like(column)])
        position, row = contract.position, self.rows
        values = {
            "start": contract.start,
            "person": contract.person,
            "key": contract.key,
            "zone": contract.zone,
            "qpv": contract.qpv,
            "woman": contract.woman,
            "buyer": position.buyer,
            "sector": position.sector,
            "tool": position.tool,
            "months": position.months,
            "hours": position.hours,
            "skilled": position.skilled,
            "waited": contract.waited,
        }
        for name, value in values.items():
            self._columns[name][row] = value
        self.rows += 1

    def since(self, step: int) -> dict[str, np.ndarray]:
        """The columns of the contracts started after `step` (views)."""
        first = int(np.searchsorted(self._columns["start"][: self.rows], step, side="right"))
        return {name: column[first : self.rows] for name, column in self._columns.items()}

    def column(self, name: str) -> np.ndarray:
        return self._columns[name][: self.rows]


class MonthTotals:
    """A running total per model step."""

    def __init__(self):
        self._totals: list[float] = []

    def add(self, step: int, value: float) -> None:
        while len(self._totals) <= step:
            self._totals.append(0.0)
        self._totals[step] += value

    def since(self, step: int) -> float:
        """Total of the steps after `step`."""
        return sum(self._totals[max(step + 1, 0) :])

    def total(self) -> float:
        return sum(self._totals)
