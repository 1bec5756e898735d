"""Text for people at a terminal: numbers with thousands separators, plain tables, ages.

Pure and light (no pandas, no duckdb), so `bubblemeter status` starts fast.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Iterable, Sequence

# Integer columns that name a calendar position or an id read badly as "2,024".
_PLAIN_INT = re.compile(r"(^|_)(year|quarter|month|day|id|rank|cik)s?$")
# Digits a number keeps in a table: enough to tell values apart, never scientific notation.
_SIGNIFICANT = 6
_MAX_DECIMALS = 6


def _is_null(value) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT
    except (TypeError, ValueError):  # pandas.NA refuses bool()
        return True


def _decimals(value: float) -> int:
    """Decimals needed to show `value` to _SIGNIFICANT digits (trailing zeros dropped)."""
    if value == 0 or not math.isfinite(value):
        return 0
    whole = int(math.floor(math.log10(abs(value)))) + 1  # digits before the point; < 1 for 0.0x
    text = f"{abs(value):.{min(max(_SIGNIFICANT - whole, 0), _MAX_DECIMALS)}f}"
    fraction = text.partition(".")[2].rstrip("0")
    return len(fraction)


def is_number(value) -> bool:
    """True for ints and floats (numpy's included), not for bools."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def cell(value, column: str = "", decimals: int | None = None) -> str:
    """One value as a person reads it: '80,726,000,000', '0.25', '' for null."""
    if _is_null(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value)) if _PLAIN_INT.search(column.lower()) else f"{int(value):,}"
    if isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value):
            return str(value)
        digits = _decimals(value) if decimals is None else decimals
        return f"{value:,.{digits}f}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def table(columns: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A plain-text table: a header, then one line per row; numbers right-aligned, floats of
    a column with the same decimals."""
    rows = [tuple(r) for r in rows]
    decimals = []
    for i, _ in enumerate(columns):
        floats = [
            float(r[i])
            for r in rows
            if is_number(r[i])
            and not isinstance(r[i], numbers.Integral)
            and not _is_null(r[i])
            and math.isfinite(float(r[i]))
        ]
        decimals.append(max((_decimals(v) for v in floats), default=0))
    texts = [[cell(v, c, decimals[i]) for i, (v, c) in enumerate(zip(r, columns))] for r in rows]
    numeric = [
        any(is_number(r[i]) for r in rows) and all(is_number(r[i]) or _is_null(r[i]) for r in rows)
        for i in range(len(columns))
    ]
    widths = [max([len(c)] + [len(t[i]) for t in texts]) for i, c in enumerate(columns)]

    def line(values):
        parts = [
            v.rjust(w) if right else v.ljust(w) for v, w, right in zip(values, widths, numeric)
        ]
        return "  ".join(parts).rstrip()

    return "\n".join([line(columns)] + [line(t) for t in texts])


def age(then: dt.datetime | dt.date | None, now: dt.datetime) -> str:
    """How long ago: 'just now', '5 minutes ago', '3 days ago' ('' when unknown)."""
    if _is_null(then):
        return ""
    if not isinstance(then, dt.datetime):
        then = dt.datetime(then.year, then.month, then.day)
    seconds = (now - then).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            words = f"{n} {unit}{'s' if n != 1 else ''}"
            return f"in {words}" if future else f"{words} ago"
    return "just now"


# Prices older than this many trading days (weekdays) before today count as stale.
STALE_PRICE_TRADING_DAYS = 3
# A last successful load older than this many days counts as stale.
STALE_LOAD_DAYS = 3


def weekdays_between(start: dt.date, end: dt.date) -> int:
    """Weekdays after start up to and including end (0 when end <= start)."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for i in range(1, rest + 1):
        if (start + dt.timedelta(days=weeks * 7 + i)).weekday() < 5:
            count += 1
    return count


def stale_warnings(newest_price_date, last_success_at, now: dt.datetime) -> list[str]:
    """Why the data counts as stale (empty when it does not): old prices, an old last load."""
    warnings = []
    if not _is_null(newest_price_date):
        newest = newest_price_date
        newest = newest.date() if isinstance(newest, dt.datetime) else newest
        lag = weekdays_between(newest, now.date())
        if lag > STALE_PRICE_TRADING_DAYS:
            warnings.append(
                f"stale prices: the newest price is from {newest.isoformat()}, "
                f"{lag} trading days before today"
            )
    if _is_null(last_success_at):
        warnings.append("no successful load recorded: run `bubblemeter refresh`")
    elif (now - last_success_at).total_seconds() > STALE_LOAD_DAYS * 86400:
        warnings.append(
            f"stale data: the last successful load was {age(last_success_at, now)} "
            f"({cell(last_success_at)} UTC)"
        )
    return warnings
