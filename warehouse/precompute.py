"""Tables the dashboard reads instead of a slow view, written by every write session.

`markets_performance_ranges` holds relative_performance_since(start) for each range the markets
page offers (3M .. 5Y, YTD), ending on the newest price date: on a large universe the role groups
average every member's index, which takes a scan of prices_daily per request; read from this
table a range, a series or a benchmark change is a filtered read. The values are the macro's own
output, so the page shows the same figures either way; a start the table does not hold (another
newest date, an old warehouse) is computed from the macro as before.
"""

from __future__ import annotations

import duckdb

TABLE = "markets_performance_ranges"
COLUMNS = {
    "start_date": "First day of the range (start_date of relative_performance_since)",
    "series_kind": "ticker or group",
    "series": "Ticker symbol or role group",
    "role": "Role of the ticker, or of the group",
    "date": "Trading day",
    "adj_close": "Adjusted close (close where none), USD; null for a group",
    "index_value": "100 on base_date",
    "base_date": "First trading day on or after start_date (for a group, of its earliest member)",
    "members": "Tickers averaged (1 for a ticker)",
    "drawdown_pct": "Below the running peak of index_value, percent",
}
RANGE_MONTHS = {"3m": 3, "6m": 6, "ytd": None, "1y": 12, "3y": 36, "5y": 60}


def range_start(newest, key: str):
    """First day (a pandas Timestamp) of a range that ends on the newest price date."""
    import pandas as pd  # here, not at import: the command line starts without pandas

    newest = pd.Timestamp(newest)
    months = RANGE_MONTHS[key]
    if months is None:
        return pd.Timestamp(newest.year, 1, 1)
    return newest - pd.DateOffset(months=months)


def range_starts(newest) -> list[str]:
    """Each range's first day, as ISO dates, oldest first, without repeats."""
    starts = {range_start(newest, key).strftime("%Y-%m-%d") for key in RANGE_MONTHS}
    return sorted(starts)


def build_markets_ranges(con: duckdb.DuckDBPyConnection) -> int:
    """Rewrite markets_performance_ranges for the newest price date; return its rows."""
    newest = con.execute("select max(date) from prices_daily").fetchone()[0]
    if newest is None:
        con.execute(f"drop table if exists {TABLE}")
        return 0
    # one start after another (ordered by start, series, date) keeps each start's rows
    # together on disk, so a read for one start and a few series skips the rest
    parts = " union all ".join(
        f"(select DATE '{start}' as start_date, * from relative_performance_since(DATE '{start}'))"
        for start in range_starts(newest)
    )
    con.execute(
        f"create or replace table {TABLE} as select * from ({parts}) "
        "order by start_date, series_kind, series, date"
    )
    con.execute(
        f"comment on table {TABLE} is 'relative_performance_since(start_date) for each range "
        "of the markets page, ending on the newest price date (written by every refresh)'"
    )
    for column, text in COLUMNS.items():
        con.execute(f"comment on column {TABLE}.{column} is '{text}'")
    return con.execute(f"select count(*) from {TABLE}").fetchone()[0]
