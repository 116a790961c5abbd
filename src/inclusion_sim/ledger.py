"""The funders' ledger: every euro an action spends is booked to a funder's budget line.

A line never pays more than it holds: `pay` returns what could be paid, so an exhausted budget
shows up as refused or partial payments rather than as overspending.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd


class Ledger:
    def __init__(self):
        self.budget: dict[tuple[str, str], float] = {}
        self.spent: dict[tuple[str, str], float] = defaultdict(float)
        self._entries: list[tuple[int, str, str, float]] = []

    def open_line(self, funder: str, line: str, amount: float) -> None:
        """Set (or renew, e.g. each year) the amount a budget line may spend from now on."""
        if amount < 0:
            raise ValueError(f"budget of {funder}/{line} must be >= 0, got {amount}")
        self.budget[(funder, line)] = amount
        self.spent[(funder, line)] = 0.0

    def remaining(self, funder: str, line: str) -> float:
        return self.budget[(funder, line)] - self.spent[(funder, line)]

    def pay(self, funder: str, line: str, amount: float, month: int) -> float:
        """Pay up to `amount` from the line; returns the amount actually paid."""
        if amount < 0:
            raise ValueError(f"payment from {funder}/{line} must be >= 0, got {amount}")
        paid = min(amount, max(self.remaining(funder, line), 0.0))
        if paid > 0:
            self.spent[(funder, line)] += paid
            self._entries.append((month, funder, line, paid))
        return paid

    def entries(self) -> pd.DataFrame:
        """Every payment: month, funder, line, amount."""
        return pd.DataFrame(self._entries, columns=["month", "funder", "line", "amount"])
