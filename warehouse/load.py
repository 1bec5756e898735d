"""Idempotent loads: write only rows that are new or changed, keyed by each table's primary key."""

from __future__ import annotations

import duckdb
import pandas as pd

from warehouse.db import table_columns


def upsert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Insert or replace the rows of `frame` that differ from what `table` holds; return count."""
    if frame.empty:
        return 0
    types = table_columns(con, table)
    unknown = [c for c in frame.columns if c not in types]
    if unknown:
        raise ValueError(f"{table} has no column(s) {', '.join(unknown)}")
    cols = [c for c in types if c in frame.columns]
    quoted = ", ".join(f'"{c}"' for c in cols)
    casted = ", ".join(f'cast("{c}" as {types[c]}) as "{c}"' for c in cols)
    view = f"_incoming_{table}"
    con.register(view, frame)
    try:
        changed = (f"select {casted} from {view} "
                   f"except select {quoted} from {table}")
        n = con.execute(f"select count(*) from ({changed})").fetchall()[0][0]
        if n:
            con.execute(f"insert or replace into {table} ({quoted}) {changed}")
        return int(n)
    finally:
        con.unregister(view)
