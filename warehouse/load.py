"""Idempotent loads: write only rows that are new or changed, keyed by each table's primary key."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from warehouse.db import table_info


def upsert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Insert or replace the rows of `frame` that differ from what `table` holds; return count."""
    if frame.empty:
        return 0
    types, keys = table_info(con, table)
    unknown = [c for c in frame.columns if c not in types]
    if unknown:
        raise ValueError(f"{table} has no column(s) {', '.join(unknown)}")
    cols = [c for c in types if c in frame.columns]
    quoted = ", ".join(f'"{c}"' for c in cols)
    casted = ", ".join(f'cast("{c}" as {types[c]}) as "{c}"' for c in cols)
    view = f"_incoming_{table}"
    con.register(view, frame)
    try:
        if not keys or not set(keys) <= set(cols):
            changed = f"select {casted} from {view} except select {quoted} from {table}"
            return _count(con.execute(f"insert or replace into {table} ({quoted}) {changed}"))
        if _all_new(con, table, view, frame, keys, types):
            return _count(
                con.execute(f"insert into {table} ({quoted}) select {casted} from {view}")
            )
        # Some keys may exist already. Rows repeated exactly in the frame count once. Joins on
        # the key (not an EXCEPT against the whole table) push the frame's key range down to
        # the table scan, so a load reads only the row groups it touches.
        incoming = f"(select distinct {casted} from {view})"
        on = " and ".join(f'i."{k}" = t."{k}"' for k in keys)
        differs = (
            " or ".join(f'i."{c}" is distinct from t."{c}"' for c in cols if c not in keys)
            or "false"
        )
        picked = ", ".join(f'i."{c}"' for c in cols)
        replaced = _count(
            con.execute(
                f"insert or replace into {table} ({quoted}) select {picked} "
                f"from {incoming} i join {table} t on {on} where {differs}"
            )
        )
        added = _count(
            con.execute(
                f"insert into {table} ({quoted}) select {picked} from {incoming} i "
                f"anti join {table} t on {on}"
            )
        )
        return replaced + added
    finally:
        con.unregister(view)


def _all_new(
    con: duckdb.DuckDBPyConnection,
    table: str,
    view: str,
    frame: pd.DataFrame,
    keys: list[str],
    types: dict[str, str],
) -> bool:
    """True when the frame's keys are unique and none can exist in the table yet.

    The table holds no row inside the frame's key bounding box (a scan that zone maps prune
    to almost nothing), and no key repeats in the frame. Then a plain insert is exact, and
    skips the joins and conflict handling that a full upsert pays for every row.
    """
    cast = {k: f'cast("{k}" as {types[k]})' for k in keys}
    unique = _keys_strictly_increasing(frame, keys, types)
    # Unsorted frames: distinct key hashes prove uniqueness; a collision only sends the frame
    # down the general path.
    hashes = "null" if unique else f"count(distinct hash({', '.join(cast.values())}))"
    bounds = ", ".join(f"min({cast[k]}), max({cast[k]})" for k in keys)
    n, n_hashes, *box = con.execute(f"select count(*), {hashes}, {bounds} from {view}").fetchall()[
        0
    ]
    if not (unique or n == n_hashes) or any(v is None for v in box):
        return False
    inside = " and ".join(f'"{k}" between ? and ?' for k in keys)
    return con.execute(f"select count(*) from {table} where {inside}", box).fetchall()[0][0] == 0


def _keys_strictly_increasing(frame: pd.DataFrame, keys: list[str], types: dict[str, str]) -> bool:
    """True when the key columns increase strictly row by row, so no key repeats.

    A vectorised pass instead of hashing every key (prices arrive sorted by ticker and date).
    Only for dtypes whose cast to the column type keeps distinct values distinct; anything
    else returns False and the caller counts distinct keys instead.
    """
    arrays = [_exact_key_array(frame[k], types[k]) for k in keys]
    if any(a is None for a in arrays):
        return False
    tied = np.ones(len(frame) - 1, dtype=bool)  # consecutive rows equal on keys so far
    for values in arrays:
        before, after = values[:-1], values[1:]
        if (tied & (after < before)).any():
            return False
        tied &= after == before
    return not tied.any()


def _inferred(series: pd.Series) -> str:
    """pandas' inferred kind of an object column's values ("string", "date", ...)."""
    return pd.api.types.infer_dtype(series, skipna=False)


def _exact_key_array(series: pd.Series, column_type: str) -> np.ndarray | None:
    """The column as a numpy array whose distinct values stay distinct when cast, else None."""
    if series.hasnans:
        return None
    dtype = series.dtype
    if column_type == "VARCHAR" and (
        isinstance(dtype, pd.StringDtype)
        or (pd.api.types.is_object_dtype(dtype) and _inferred(series) == "string")
    ):
        return series.to_numpy(dtype=object)
    if column_type == "DATE":
        if pd.api.types.is_datetime64_dtype(dtype):
            values = series.to_numpy()
            days = values.astype("datetime64[D]")
            return days if (values == days).all() else None  # a time of day would merge
        if pd.api.types.is_object_dtype(dtype) and _inferred(series) == "date":
            return series.to_numpy()
    integer_column = column_type in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT")
    if integer_column and isinstance(dtype, np.dtype) and np.issubdtype(dtype, np.integer):
        return series.to_numpy()
    return None


def _count(result: duckdb.DuckDBPyConnection) -> int:
    rows = result.fetchall()
    return int(rows[0][0]) if rows else 0
