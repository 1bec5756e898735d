"""Fiscal -> calendar mapping, on the calendars named in ../shared/data/README.md."""

from datetime import date

import pytest

from ingest.normalise.fiscal import calendar_quarter, fiscal_period, is_quarter_length


@pytest.mark.parametrize(
    "end, expected",
    [
        (date(2024, 1, 28), (2024, 4)),  # NVIDIA FY2024 ended 2024-01-28
        (date(2026, 1, 25), (2026, 4)),  # NVIDIA FY2026 ended 2026-01-25
        (date(2026, 4, 26), (2027, 1)),
        (date(2025, 7, 27), (2026, 2)),
    ],
)
def test_nvidia_fiscal_period(end, expected):
    assert fiscal_period(end, 1) == expected


@pytest.mark.parametrize(
    "end, expected",
    [
        (date(2025, 6, 30), (2025, 4)),
        (date(2025, 9, 30), (2026, 1)),
        (date(2026, 3, 31), (2026, 3)),
    ],
)
def test_microsoft_fiscal_period(end, expected):
    assert fiscal_period(end, 6) == expected


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (date(2023, 10, 30), date(2024, 1, 28), (2023, 4)),  # NVIDIA Q4 FY2024
        (date(2025, 10, 27), date(2026, 1, 25), (2025, 4)),  # NVIDIA Q4 FY2026
        (date(2026, 1, 26), date(2026, 4, 26), (2026, 1)),  # NVIDIA Q1 FY2027
        (date(2026, 1, 1), date(2026, 3, 31), (2026, 1)),  # Microsoft fiscal Q3 2026
        (date(2025, 7, 1), date(2025, 9, 30), (2025, 3)),  # Microsoft fiscal Q1 2026
    ],
)
def test_calendar_quarter_holds_most_days(start, end, expected):
    assert calendar_quarter(start, end) == expected


def test_calendar_quarter_without_start_assumes_thirteen_weeks():
    assert calendar_quarter(None, date(2024, 11, 29)) == (2024, 4)  # Adobe fiscal Q4 2024


def test_broadcom_year_ending_early_november():
    # A 52/53-week year ending a few days after October: still fiscal Q4 of that year.
    assert fiscal_period(date(2025, 11, 2), 10) == (2025, 4)
    assert fiscal_period(date(2025, 2, 2), 10) == (2025, 1)


def test_quarter_length_guard():
    assert is_quarter_length(date(2025, 4, 28), date(2025, 7, 27))
    assert not is_quarter_length(date(2025, 1, 27), date(2025, 7, 27))  # half year
    assert not is_quarter_length(date(2025, 1, 27), date(2026, 1, 25))  # full year
