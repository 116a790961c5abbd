"""The model's calendar: one step is one month from a start month; the school year starts in
September."""

from __future__ import annotations

import calendar

JANUARY, SEPTEMBER, DECEMBER = 1, 9, 12


def calendar_month(start_year: int, start_month: int, steps: int) -> tuple[int, int]:
    """(year, month) of step `steps` (the start month for steps 0 and 1)."""
    index = start_month - 1 + max(steps - 1, 0)
    return start_year + index // 12, index % 12 + 1


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def school_year(year: int, month: int) -> int:
    """The school year (its September's calendar year) that (year, month) belongs to."""
    return year if month >= SEPTEMBER else year - 1
