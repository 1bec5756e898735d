"""Checks that values are values before they are stored (pure): no garbage stored as data.

A payload or file that fails a check is one failed item with the reason; what the warehouse
holds stays as it was, and a bad payload never makes a refresh re-fetch (and overwrite) a
ticker's history.

Prices: close and adj_close present, finite and positive; open, high and low finite and not
negative when present (Yahoo's early history has opens of 0 and gaps, which are kept);
volume not negative. Money: finite and within MAX_ABS_USD, far above any company's quarter.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MAX_ABS_USD = 1e13  # ten trillion dollars
MAX_ABS_EPS = 1e6  # dollars per share


def _count(mask: pd.Series) -> tuple[int, int | None]:
    """(how many are true, the position of the first)."""
    values = np.asarray(mask, dtype=bool)
    n = int(values.sum())
    return n, (int(values.argmax()) if n else None)


def price_problem(frame: pd.DataFrame) -> tuple[str, int] | None:
    """(reason, position of the first bad row) for prices_daily rows, or None if all are sound."""
    checks = []
    for column in ("close", "adj_close"):
        values = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        checks.append(
            (~np.isfinite(values) | (values <= 0), f"{column} values ≤ 0, missing or non-finite")
        )
    for column in ("open", "high", "low"):
        if column in frame:
            values = pd.to_numeric(frame[column], errors="coerce").astype("float64")
            checks.append(
                (np.isinf(values) | (values < 0), f"{column} values negative or infinite")
            )
    if "volume" in frame:
        volume = pd.to_numeric(frame["volume"], errors="coerce").astype("float64")
        checks.append((volume < 0, "volumes negative"))
    for mask, what in checks:
        n, first = _count(mask)
        if n:
            return f"{n:,} {what}", first
    return None


def amount_problem(
    values: pd.Series, what: str, limit: float = MAX_ABS_USD
) -> tuple[str, int] | None:
    """(reason, position of the first) for amounts that are missing, non-finite or out of range."""
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    n, first = _count(~np.isfinite(numbers) | (numbers.abs() > limit))
    if n:
        return f"{n:,} {what} non-finite or beyond ±{limit:g}", first
    return None


def optional_amount_problem(values: pd.Series, what: str, limit: float) -> tuple[str, int] | None:
    """amount_problem for a column whose blanks are allowed (only inf and out-of-range fail)."""
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    n, first = _count(np.isinf(numbers) | (numbers.abs() > limit))
    if n:
        return f"{n:,} {what} infinite or beyond ±{limit:g}", first
    return None


def first_repeat(frame: pd.DataFrame, keys: list[str]) -> tuple[int, int] | None:
    """(position of the first row whose key repeats an earlier row, that earlier position)."""
    keys = [k for k in keys if k in frame]
    if not keys or frame.empty:
        return None
    repeated = frame.duplicated(keys, keep="first").to_numpy()
    if not repeated.any():
        return None
    at = int(repeated.argmax())
    key = tuple(frame.iloc[at][keys])
    earlier = next(i for i in range(at) if tuple(frame.iloc[i][keys]) == key)
    return at, earlier
