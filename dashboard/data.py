"""Read-only data for the charts: one function per chart, one named view each."""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb
import pandas as pd

from warehouse.db import WarehouseMissing, query_df
from warehouse.query import (ExampleQuery, QueryError, QueryRefused, example_queries,
                             run_sandboxed, schema_frame)
from warehouse.settings import Settings


@dataclass
class ChartData:
    frame: pd.DataFrame
    empty_reason: str | None = None   # what is missing and how to get it


def _read(settings: Settings, sql: str, missing: str, params=None) -> ChartData:
    try:
        frame = query_df(settings, sql, params)
    except WarehouseMissing as exc:
        return ChartData(pd.DataFrame(), str(exc))
    except duckdb.CatalogException as exc:
        return ChartData(pd.DataFrame(), f"the warehouse has no such view yet ({exc}); "
                                         "run `bubblemeter refresh` to rebuild it")
    if frame.empty:
        return ChartData(frame, missing)
    return ChartData(frame)


def nvda_data_center_mix(settings: Settings) -> ChartData:
    """NVIDIA data-center revenue split, current basis per quarter (view nvda_data_center_mix)."""
    return _read(settings,
                 "select * from nvda_data_center_mix where is_current_basis "
                 "order by fiscal_year, fiscal_quarter",
                 "no NVIDIA segment revenue yet: run `bubblemeter refresh --from DIR "
                 "--source segment_revenue`")


def hyperscaler_capex_quarterly(settings: Settings) -> ChartData:
    """Capex per hyperscaler and in total by calendar quarter (view hyperscaler_capex_quarterly)."""
    return _read(settings,
                 "select * from hyperscaler_capex_quarterly "
                 "order by calendar_year, calendar_quarter, ticker",
                 "no hyperscaler capex yet: run `bubblemeter refresh --source sec`")


def data_freshness(settings: Settings) -> ChartData:
    """Per source and table: rows, newest data date, last successful load (view data_freshness)."""
    return _read(settings, "select * from data_freshness",
                 "nothing loaded yet: run `bubblemeter refresh`")


# --- SQL console: the sandbox lives in warehouse/query.py; this turns results into grid data.

@dataclass
class ConsoleResult:
    column_defs: list[dict]
    rows: list[dict]
    elapsed_ms: float = 0.0
    truncated: bool = False
    row_cap: int | None = None
    error: str | None = None          # one line: DuckDB's message or the sandbox's refusal
    refused: bool = False

    @property
    def row_count(self) -> int:
        return len(self.rows)


def _grid_columns(frame: pd.DataFrame) -> list[dict]:
    defs = []
    for name in frame.columns:
        col = {"field": str(name), "headerName": str(name)}
        if pd.api.types.is_float_dtype(frame[name]):
            col["type"] = "rightAligned"
            col["valueFormatter"] = {"function": "params.value == null ? '' : "
                                                 "d3.format(',')(params.value)"}
        elif pd.api.types.is_integer_dtype(frame[name]):
            col["type"] = "rightAligned"
        defs.append(col)
    return defs


def _grid_rows(frame: pd.DataFrame) -> list[dict]:
    """JSON-safe records: dates as YYYY-MM-DD, missing values as null."""
    out = frame.copy()
    out.columns = [str(c) for c in out.columns]
    for name in out.columns:
        col = out[name]
        if pd.api.types.is_datetime64_any_dtype(col):
            present = col.dropna()
            whole_days = present.empty or bool((present.dt.normalize() == present).all())
            out[name] = col.dt.strftime("%Y-%m-%d" if whole_days else "%Y-%m-%d %H:%M:%S")
    return json.loads(out.to_json(orient="records", default_handler=str))


def run_console_query(settings: Settings, sql: str) -> ConsoleResult:
    """Run the console's query in the sandbox, capped at settings.sql_row_cap rows."""
    if not sql or not sql.strip():
        return ConsoleResult([], [], error="Type a query first (or pick an example).")
    try:
        result = run_sandboxed(settings, sql, row_cap=settings.sql_row_cap)
    except QueryRefused as exc:
        return ConsoleResult([], [], error=str(exc), refused=True)
    except (QueryError, WarehouseMissing) as exc:
        return ConsoleResult([], [], error=str(exc))
    return ConsoleResult(_grid_columns(result.frame), _grid_rows(result.frame),
                         elapsed_ms=result.elapsed_s * 1000, truncated=result.truncated,
                         row_cap=result.row_cap)


def sql_schema(settings: Settings) -> ChartData:
    """Tables and views with columns, types and descriptions, for the schema browser."""
    try:
        frame = schema_frame(settings)
    except WarehouseMissing as exc:
        return ChartData(pd.DataFrame(), str(exc))
    if frame.empty:
        return ChartData(frame, "the warehouse has no tables yet: run `bubblemeter refresh`")
    return ChartData(frame)


def sql_examples() -> list[ExampleQuery]:
    """Example queries that answer thesis questions (warehouse/examples/*.sql)."""
    return example_queries()


def sql_source_note(settings: Settings) -> str:
    """Which warehouse the console reads and when it was last loaded (view data_freshness)."""
    fresh = data_freshness(settings)
    if fresh.empty_reason:
        return fresh.empty_reason
    loaded = fresh.frame["last_success_at"].dropna()
    modes = sorted(set(fresh.frame["last_success_mode"].dropna()))
    when = pd.Timestamp(loaded.max()).strftime("%Y-%m-%d %H:%M") if not loaded.empty else "never"
    how = f" ({' and '.join(modes)})" if modes else ""
    return (f"Source: the bubblemeter warehouse {settings.db}, last loaded {when} UTC{how}; "
            f"each row's own source is in its source columns.")
