"""yfinance frames -> warehouse rows (pure): prices, corporate actions, statements, earnings."""

from __future__ import annotations

import calendar
from datetime import date

import pandas as pd

from ingest.normalise.fiscal import calendar_quarter, fiscal_period
from ingest.normalise.sec import COLUMNS as FACT_COLUMNS
from ingest.normalise.sec import PayloadError
from ingest.normalise.validate import (
    MAX_ABS_EPS,
    MAX_ABS_USD,
    amount_problem,
    optional_amount_problem,
    price_problem,
)

PRICE_FIELDS = ("Open", "High", "Low", "Close", "Adj Close", "Volume")
# metric -> (statement, Yahoo key); Yahoo's capex is negative (cash paid), stored positive.
STATEMENT_KEYS = {
    "revenue": ("income", "TotalRevenue"),
    "gross_profit": ("income", "GrossProfit"),
    "operating_income": ("income", "OperatingIncome"),
    "net_income": ("income", "NetIncome"),
    "capex": ("cash_flow", "CapitalExpenditure"),
}
NEGATED = {"capex"}
STATEMENT_NAMES = {"income": "income statement", "cash_flow": "cash flow statement"}
# Yahoo gives statements in the reporting currency and yfinance drops the currency code:
# companies that do not report in USD are not loaded from Yahoo statements.
NON_USD_REPORTERS = {"TSM": "TWD"}
EARNINGS_FIELDS = ("EPS Estimate", "Reported EPS")
SURPRISE_FIELDS = ("Surprise(%)", "Surprise (%)")


def _local_dates(index: pd.Index) -> list[date]:
    return [ts.date() for ts in pd.DatetimeIndex(index)]


def prices_frames(history: pd.DataFrame | None, ticker: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """yfinance history (auto_adjust=False, actions=True) -> prices_daily, corporate_actions."""
    if history is None or history.empty:
        raise PayloadError("no price rows returned")
    missing = [c for c in PRICE_FIELDS if c not in history.columns]
    if missing:
        raise PayloadError(f"missing field {missing[0]!r}")
    dates = _local_dates(history.index)
    prices = pd.DataFrame(
        {
            "ticker": ticker,
            "date": dates,
            "open": history["Open"].to_numpy(dtype="float64"),
            "high": history["High"].to_numpy(dtype="float64"),
            "low": history["Low"].to_numpy(dtype="float64"),
            "close": history["Close"].to_numpy(dtype="float64"),
            "adj_close": history["Adj Close"].to_numpy(dtype="float64"),
            "volume": pd.array(history["Volume"].round(), dtype="Int64"),
            "source": "yahoo",
        }
    )
    prices = prices[prices["close"].notna()].drop_duplicates("date", keep="last")
    if prices.empty:
        raise PayloadError("no price rows returned")
    problem = price_problem(prices)
    if problem:
        raise PayloadError(problem[0])
    actions = []
    for column, action in (("Dividends", "dividend"), ("Stock Splits", "split")):
        if column not in history.columns:
            continue
        values = history[column].to_numpy(dtype="float64")
        for day, value in zip(dates, values):
            if value and value == value:  # non-zero, not NaN
                actions.append(
                    {
                        "ticker": ticker,
                        "date": day,
                        "action": action,
                        "value": float(value),
                        "source": "yahoo",
                    }
                )
    actions_frame = pd.DataFrame(actions, columns=["ticker", "date", "action", "value", "source"])
    return prices.reset_index(drop=True), actions_frame


def statements_frame(
    statements: dict[str, pd.DataFrame | None], ticker: str, fiscal_year_end_month: int
) -> pd.DataFrame:
    """Quarterly statements from yfinance -> financial_facts rows with source='yahoo'."""
    rows = []
    for metric, (statement, key) in STATEMENT_KEYS.items():
        frame = statements.get(statement)
        if frame is None or frame.empty or key not in frame.index:
            continue
        for column, value in frame.loc[key].items():
            if pd.isna(value):
                continue
            end = pd.Timestamp(column).date()
            fy, fq = fiscal_period(end, fiscal_year_end_month)
            cy, cq = calendar_quarter(None, end)
            rows.append(
                {
                    "ticker": ticker,
                    "metric": metric,
                    "fiscal_year": fy,
                    "fiscal_quarter": fq,
                    "period_start": None,
                    "period_end": end,
                    "calendar_year": cy,
                    "calendar_quarter": cq,
                    "value_usd": -float(value) if metric in NEGATED else float(value),
                    "form": None,
                    "filed_at": None,
                    "source": "yahoo",
                    "source_detail": f"Yahoo Finance quarterly {STATEMENT_NAMES[statement]} "
                    f"({key}) via yfinance",
                }
            )
    if not rows:
        raise PayloadError(
            "no quarterly statement rows returned (revenue, gross profit, "
            "operating income, net income, capex)"
        )
    frame = pd.DataFrame(rows, columns=FACT_COLUMNS)
    problem = amount_problem(frame["value_usd"], "statement values")
    if problem:
        raise PayloadError(problem[0])
    return frame.drop_duplicates(
        ["ticker", "metric", "fiscal_year", "fiscal_quarter"], keep="first"
    )


def reported_quarter(report_date: date, fiscal_year_end_month: int) -> tuple[int, int]:
    """(fiscal_year, fiscal_quarter) of the last quarter that ended before an earnings report."""
    year, month = report_date.year, report_date.month
    for _ in range(3):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        if (month - fiscal_year_end_month) % 3 == 0:
            end = date(year, month, calendar.monthrange(year, month)[1])
            return fiscal_period(end, fiscal_year_end_month)
    raise AssertionError("a quarter ends in one of any three consecutive months")


def earnings_frame(
    dates: pd.DataFrame | None, ticker: str, fiscal_year_end_month: int, today: date
) -> pd.DataFrame:
    """yfinance earnings dates -> earnings_events rows with source='yahoo'.

    The label is the fiscal quarter that ended before the report date ("FY2026Q3"); a row is
    confirmed once its EPS is reported and its date has passed.
    """
    if dates is None or dates.empty:
        raise PayloadError("no earnings dates returned")
    for field in EARNINGS_FIELDS:
        if field not in dates.columns:
            raise PayloadError(f"missing field {field!r}")
    surprise = next((c for c in SURPRISE_FIELDS if c in dates.columns), None)
    rows = []
    for when, (_, record) in zip(_local_dates(dates.index), dates.iterrows()):
        estimate = _number(record["EPS Estimate"])
        actual = _number(record["Reported EPS"])
        fy, fq = reported_quarter(when, fiscal_year_end_month)
        rows.append(
            {
                "ticker": ticker,
                "fiscal_period_label": f"FY{fy}Q{fq}",
                "report_date": when,
                "eps_estimate": estimate,
                "eps_actual": actual,
                "surprise_pct": _number(record[surprise]) if surprise else None,
                "revenue_estimate_usd": None,
                "revenue_actual_usd": None,
                "eps_basis": "as shown by Yahoo Finance",
                "estimate_provider": "Yahoo Finance",
                "is_confirmed": actual is not None and when <= today,
                "source": "yahoo",
            }
        )
    frame = pd.DataFrame(rows)
    for column in ("eps_estimate", "eps_actual"):
        problem = optional_amount_problem(frame[column], column, MAX_ABS_EPS)
        if problem:
            raise PayloadError(problem[0])
    problem = optional_amount_problem(frame["surprise_pct"], "surprise_pct", MAX_ABS_USD)
    if problem:
        raise PayloadError(problem[0])
    # One row per quarter: a reported row beats an upcoming one, then the latest date wins.
    frame = frame.sort_values(["is_confirmed", "report_date"], ascending=False)
    return frame.drop_duplicates(["ticker", "fiscal_period_label"], keep="first")


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number
