"""Terminal text: numbers for people, plain tables, ages, staleness (synthetic values)."""

import datetime as dt

from warehouse.textformat import age, cell, stale_warnings, table, weekdays_between

NOW = dt.datetime(2026, 11, 30, 12, 0)  # a Monday


def test_numbers_for_people():
    assert cell(80726000000.0) == "80,726,000,000"
    assert cell(1234567) == "1,234,567"
    assert cell(2024, "calendar_year") == "2024"
    assert cell(0.1 + 0.2) == "0.3"
    assert cell(0.000012345) == "0.000012"
    assert cell(float("nan")) == "" and cell(None) == ""
    assert cell(True) == "true"
    assert cell(dt.date(2026, 1, 2)) == "2026-01-02"
    assert cell(dt.datetime(2026, 1, 2, 3, 4, 5, 678)) == "2026-01-02 03:04:05"


def test_table_aligns_numbers_right_with_one_precision_per_column():
    text = table(["name", "value"], [("a", 1.5), ("bb", 1234.25), ("c", None)])
    lines = text.splitlines()
    assert lines[0].split() == ["name", "value"]
    assert lines[1].endswith("    1.50") and lines[2].endswith("1,234.25")
    assert lines[3].rstrip() == "c"
    assert len({len(line) for line in lines[:3]}) == 1


def test_age():
    assert age(NOW - dt.timedelta(days=3, hours=2), NOW) == "3 days ago"
    assert age(NOW - dt.timedelta(minutes=1, seconds=5), NOW) == "1 minute ago"
    assert age(NOW - dt.timedelta(seconds=5), NOW) == "just now"
    assert age(NOW + dt.timedelta(hours=2), NOW) == "in 2 hours"
    assert age(None, NOW) == ""


def test_weekdays_between_counts_only_weekdays():
    friday = dt.date(2026, 11, 27)
    assert weekdays_between(friday, NOW.date()) == 1
    assert weekdays_between(friday, dt.date(2026, 12, 11)) == 10
    assert weekdays_between(NOW.date(), friday) == 0


def test_stale_warnings():
    fresh = stale_warnings(dt.date(2026, 11, 27), NOW - dt.timedelta(hours=20), NOW)
    assert fresh == []
    stale = stale_warnings(dt.date(2026, 11, 20), NOW - dt.timedelta(days=4), NOW)
    assert len(stale) == 2
    assert "2026-11-20" in stale[0] and "6 trading days" in stale[0]
    assert "4 days ago" in stale[1]
    assert stale_warnings(None, None, NOW) == [
        "no successful load recorded: run `bubblemeter refresh`"
    ]
