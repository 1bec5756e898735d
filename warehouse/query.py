"""Read-only user queries on a fresh connection per query."""

from __future__ import annotations

import io

import duckdb
import pandas as pd

from warehouse.db import read_connection
from warehouse.settings import Settings


class QueryError(Exception):
    """A query that failed or was refused; the message is one line for a person."""


def run_query(settings: Settings, sql: str) -> pd.DataFrame:
    """Run one read-only statement with file and network access switched off."""
    config = {"enable_external_access": False, "memory_limit": settings.sql_memory_limit}
    try:
        with read_connection(settings, config=config) as con:
            con.execute("set lock_configuration = true")
            return con.execute(sql).df()
    except duckdb.Error as exc:
        raise QueryError(str(exc).strip().splitlines()[0]) from None


def format_frame(frame: pd.DataFrame, fmt: str) -> str:
    """Render a result as table, csv (with a header row) or json (records)."""
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt == "json":
        return frame.to_json(orient="records", date_format="iso") + "\n"
    buf = io.StringIO()
    buf.write(frame.to_string(index=False) if not frame.empty else "(no rows)")
    buf.write(f"\n({len(frame)} row{'s' if len(frame) != 1 else ''})\n")
    return buf.getvalue()
