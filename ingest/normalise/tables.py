"""Snapshot CSV text -> tidy frames for each table (pure). Errors name the file and line."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd

from ingest.normalise.fiscal import calendar_quarter
from ingest.normalise.validate import (
    MAX_ABS_EPS,
    MAX_ABS_USD,
    amount_problem,
    first_repeat,
    optional_amount_problem,
    price_problem,
)
from warehouse.db import primary_keys
from warehouse.errors import BubblemeterError


class BadFile(BubblemeterError, ValueError):
    """A file that cannot be loaded; the message names the file (and line)."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "str"  # str | int | float | date | bool
    required: bool = True  # a blank cell is an error
    target: str | None = None


def _c(name, kind="str", required=True, target=None):
    return Column(name, kind, required, target)


SPECS: dict[str, list[Column]] = {
    "corporate_actions": [
        _c("ticker"),
        _c("date", "date"),
        _c("action"),
        _c("value", "float"),
        _c("source", required=False),
    ],
    "financial_facts": [
        _c("ticker"),
        _c("metric"),
        _c("fiscal_year", "int"),
        _c("fiscal_quarter", "int"),
        _c("period_start", "date", False),
        _c("period_end", "date"),
        _c("value_usd", "float"),
        _c("form", required=False),
        _c("filed_at", "date", False),
        _c("source", target="source_detail"),
    ],
    "segment_revenue": [
        _c("ticker"),
        _c("fiscal_year", "int"),
        _c("fiscal_quarter", "int"),
        _c("period_start", "date", False),
        _c("period_end", "date"),
        _c("segment"),
        _c("revenue_usd", "float"),
        _c("presentation"),
        _c("source", required=False),
    ],
    "customer_concentration": [
        _c("ticker"),
        _c("period_end", "date"),
        _c("customer_label"),
        _c("share_pct", "float", False),
        _c("basis"),
        _c("source", required=False),
        _c("quote", required=False),
    ],
    "adoption_indicators": [
        _c("indicator"),
        _c("geography"),
        _c("period_date", "date"),
        _c("value", "float"),
        _c("unit", required=False),
        _c("series_version"),
        _c("source", required=False),
    ],
    "earnings_events": [
        _c("ticker"),
        _c("fiscal_period_label"),
        _c("report_date", "date", False),
        _c("eps_estimate", "float", False),
        _c("eps_actual", "float", False),
        _c("surprise_pct", "float", False),
        _c("revenue_estimate_usd", "float", False),
        _c("revenue_actual_usd", "float", False),
        _c("eps_basis", required=False),
        _c("estimate_provider", required=False),
        _c("source"),
    ],
}
PRICE_COLUMNS = [
    _c("Date", "date", target="date"),
    _c("Open", "float", False, "open"),
    _c("High", "float", False, "high"),
    _c("Low", "float", False, "low"),
    _c("Close", "float", target="close"),
    _c("Adj Close", "float", False, "adj_close"),
    _c("Volume", "int", False, "volume"),
]
ACTIONS = ("split", "dividend")


def _convert(series: pd.Series, col: Column, name: str) -> pd.Series:
    blank = series.str.strip().isin(["", "null", "NaN", "nan"])
    if col.required and blank.any():
        line = int(blank.idxmax()) + 2
        raise BadFile(f"{name}:{line}: column '{col.name}' is blank")
    values = series.where(~blank)
    if col.kind == "str":
        return values.str.strip()
    if col.kind in ("float", "int"):
        out = pd.to_numeric(values, errors="coerce")
        bad = out.isna() & ~blank
        if bad.any():
            idx = bad.idxmax()
            raise BadFile(
                f"{name}:{int(idx) + 2}: column '{col.name}': "
                f"cannot read {series[idx]!r} as a number"
            )
        return out.round().astype("Int64") if col.kind == "int" else out.astype("float64")
    if col.kind == "date":
        out = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
        bad = out.isna() & ~blank
        if bad.any():
            idx = bad.idxmax()
            raise BadFile(
                f"{name}:{int(idx) + 2}: column '{col.name}': "
                f"cannot read {series[idx]!r} as a date (YYYY-MM-DD)"
            )
        return out.dt.date
    raise AssertionError(col.kind)


def parse_csv(text: str, name: str, columns: list[Column]) -> pd.DataFrame:
    """Read CSV text, check the header and every cell, and return typed columns."""
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise BadFile(f"{name}: not a readable CSV ({str(exc).strip()})") from None
    missing = [c.name for c in columns if c.name not in raw.columns]
    if missing:
        raise BadFile(
            f"{name}: missing column(s) {', '.join(missing)} (header has {', '.join(raw.columns)})"
        )
    return pd.DataFrame({(c.target or c.name): _convert(raw[c.name], c, name) for c in columns})


def _check_tickers(frame: pd.DataFrame, name: str, known: set[str]) -> None:
    unknown = ~frame["ticker"].isin(known)
    if unknown.any():
        idx = unknown.idxmax()
        raise BadFile(
            f"{name}:{int(idx) + 2}: unknown ticker {frame['ticker'][idx]!r} "
            f"(not in the universe file)"
        )


def _with_calendar(frame: pd.DataFrame) -> pd.DataFrame:
    cal = [
        calendar_quarter(None if pd.isna(s) else s, e)
        for s, e in zip(frame["period_start"], frame["period_end"])
    ]
    frame["calendar_year"] = [c[0] for c in cal]
    frame["calendar_quarter"] = [c[1] for c in cal]
    return frame


def prices_frame(text: str, name: str, ticker: str) -> pd.DataFrame:
    """yfinance CSV (Date,Open,High,Low,Close,Adj Close,Volume) -> prices_daily rows."""
    frame = parse_csv(text, name, PRICE_COLUMNS)
    if frame.empty:
        raise BadFile(f"{name}: no price rows")
    dup = frame["date"].duplicated()
    if dup.any():
        raise BadFile(f"{name}:{int(dup.idxmax()) + 2}: date {frame['date'][dup.idxmax()]} twice")
    problem = price_problem(frame)
    if problem:
        reason, at = problem
        raise BadFile(f"{name}:{at + 2}: {reason} (first here)")
    frame.insert(0, "ticker", ticker)
    frame["source"] = "snapshot"
    return frame


def table_frame(table: str, text: str, name: str, known_tickers: set[str]) -> pd.DataFrame:
    """Parse one snapshot CSV table into rows for the warehouse table of the same name."""
    frame = parse_csv(text, name, SPECS[table])
    if "ticker" in frame:
        frame["ticker"] = frame["ticker"].str.upper()
        _check_tickers(frame, name, known_tickers)
    if table == "corporate_actions":
        bad = ~frame["action"].isin(ACTIONS)
        if bad.any():
            raise BadFile(f"{name}:{int(bad.idxmax()) + 2}: action must be split or dividend")
    if table in ("financial_facts", "segment_revenue"):
        bad = ~frame["fiscal_quarter"].isin([1, 2, 3, 4])
        if bad.any():
            raise BadFile(f"{name}:{int(bad.idxmax()) + 2}: fiscal_quarter must be 1-4")
        frame = _with_calendar(frame)
    if table == "financial_facts":
        # Transcribed figures: the file's citation is the source.
        frame["source"] = frame["source_detail"]
    if table == "earnings_events":
        frame["is_confirmed"] = True
    _check_values(table, frame, name)
    return frame


# Numeric columns checked before they are stored: (column, what, limit, blanks allowed)
VALUE_CHECKS = {
    "financial_facts": [("value_usd", "value_usd values", MAX_ABS_USD, False)],
    "segment_revenue": [("revenue_usd", "revenue_usd values", MAX_ABS_USD, False)],
    "corporate_actions": [("value", "values", MAX_ABS_USD, False)],
    "customer_concentration": [("share_pct", "share_pct values", 100.0, True)],
    "adoption_indicators": [("value", "values", MAX_ABS_USD, False)],
    "earnings_events": [
        ("eps_estimate", "eps_estimate values", MAX_ABS_EPS, True),
        ("eps_actual", "eps_actual values", MAX_ABS_EPS, True),
        ("revenue_estimate_usd", "revenue_estimate_usd values", MAX_ABS_USD, True),
        ("revenue_actual_usd", "revenue_actual_usd values", MAX_ABS_USD, True),
    ],
}


def _check_values(table: str, frame: pd.DataFrame, name: str) -> None:
    """Refuse non-finite or out-of-range numbers and rows that repeat a key (file and line)."""
    for column, what, limit, blanks in VALUE_CHECKS.get(table, []):
        if column not in frame:
            continue
        check = optional_amount_problem if blanks else amount_problem
        problem = check(frame[column], what, limit)
        if problem:
            reason, at = problem
            raise BadFile(f"{name}:{at + 2}: {reason} (first here)")
    repeat = first_repeat(frame, primary_keys()[table])
    if repeat:
        at, earlier = repeat
        raise BadFile(
            f"{name}:{at + 2}: repeats the key of line {earlier + 2} "
            f"({', '.join(primary_keys()[table])}); one row per key"
        )
