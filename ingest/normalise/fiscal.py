"""Fiscal and calendar periods: pure date arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

# A 52/53-week fiscal period ends on a weekday within a week of a month's end.
_NEAR_MONTH_END_DAYS = 7
QUARTER_DAYS = (80, 100)


def nominal_month_end(end: date) -> tuple[int, int]:
    """(year, month) of the month end a period end date stands for (Feb 1 -> January)."""
    if end.day <= _NEAR_MONTH_END_DAYS:
        first = end.replace(day=1) - timedelta(days=1)
        return first.year, first.month
    return end.year, end.month


def fiscal_period(end: date, fiscal_year_end_month: int) -> tuple[int, int]:
    """(fiscal_year, fiscal_quarter) of a quarter ending on `end`; the year is named by its end.

    NVIDIA (year ends late January): quarter ending 2026-01-25 -> (2026, 4).
    Microsoft (June 30): quarter ending 2026-03-31 -> (2026, 3).
    """
    year, month = nominal_month_end(end)
    months_into_year = (month - fiscal_year_end_month - 1) % 12
    quarter = months_into_year // 3 + 1
    fiscal_year = year + (1 if month > fiscal_year_end_month else 0)
    return fiscal_year, quarter


def calendar_quarter(start: date | None, end: date) -> tuple[int, int]:
    """(year, quarter) of the calendar quarter holding most days of [start, end].

    With no start, a 13-week quarter ending on `end` is assumed.
    """
    if start is None:
        start = end - timedelta(days=90)
    counts: dict[tuple[int, int], int] = {}
    day = start
    while day <= end:
        key = (day.year, (day.month - 1) // 3 + 1)
        counts[key] = counts.get(key, 0) + 1
        day += timedelta(days=1)
    # Ties go to the later quarter, where the period ends.
    return max(counts, key=lambda k: (counts[k], k))


def is_quarter_length(start: date, end: date) -> bool:
    """True when [start, end] lasts about one quarter (not a half, nine months, or a year)."""
    days = (end - start).days + 1
    return QUARTER_DAYS[0] <= days <= QUARTER_DAYS[1]
