"""Read-only data for the charts: one function per chart, one named view each."""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb
import pandas as pd

from warehouse.db import WarehouseMissing, WarehouseUnreachable
from warehouse.query import (
    ExampleQuery,
    QueryError,
    QueryRefused,
    example_queries,
    schema_frame,
)
from warehouse.reader import READER
from warehouse.settings import Settings
from warehouse.sqlworker import SQL_WORKERS


@dataclass
class ChartData:
    frame: pd.DataFrame
    empty_reason: str | None = None  # what is missing and how to get it


def _query(settings: Settings, sql: str, params) -> pd.DataFrame:
    """Run one query on this request's attachment (warehouse.reader.READER), or the file now."""
    return READER.query(settings, sql, params)


def _read(settings: Settings, sql: str, missing: str, params=None) -> ChartData:
    try:
        frame = READER.cached(
            settings, ("query", sql, repr(params)), lambda: _query(settings, sql, params)
        )
    except (WarehouseMissing, WarehouseUnreachable) as exc:
        return ChartData(pd.DataFrame(), str(exc))
    except duckdb.CatalogException as exc:
        return ChartData(
            pd.DataFrame(),
            f"the warehouse has no such view yet ({exc}); run `bubblemeter refresh` to rebuild it",
        )
    if frame.empty:
        return ChartData(frame, missing)
    return ChartData(frame)


def _read_rows(
    settings: Settings, sql: str, missing: str, column: str, keep: list[str] | None
) -> ChartData:
    """`sql` (a whole view, no parameter) read and kept once per warehouse file, then only the
    rows whose `column` is in `keep` (all of them for None), in the view's order. A filter's
    choices are rows of one kept result, so the pages kept ready after a refresh
    (dashboard/warm.py, which reads each view for the default choices) answer any other choice
    from memory too."""
    chart = _read(settings, sql, missing)
    if keep is None or column not in chart.frame.columns:
        return chart
    frame = chart.frame[chart.frame[column].isin(keep)].reset_index(drop=True)
    return ChartData(frame, missing if frame.empty else None)


def data_freshness(settings: Settings) -> ChartData:
    """Per source and table: rows, newest data date, last successful load (view data_freshness)."""
    return _read(
        settings, "select * from data_freshness", "nothing loaded yet: run `bubblemeter refresh`"
    )


# --- SQL console: the sandbox lives in warehouse/query.py; this turns results into grid data.


@dataclass
class ConsoleResult:
    column_defs: list[dict]
    rows: list[dict]
    elapsed_ms: float = 0.0
    truncated: bool = False
    row_cap: int | None = None
    error: str | None = None  # one line: DuckDB's message or the sandbox's refusal
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
            col["valueFormatter"] = {
                "function": "params.value == null ? '' : d3.format(',')(params.value)"
            }
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
        result = SQL_WORKERS.run(settings, sql, row_cap=settings.sql_row_cap)
    except QueryRefused as exc:
        return ConsoleResult([], [], error=str(exc), refused=True)
    except (QueryError, WarehouseMissing) as exc:
        return ConsoleResult([], [], error=str(exc))
    return ConsoleResult(
        _grid_columns(result.frame),
        _grid_rows(result.frame),
        elapsed_ms=result.elapsed_s * 1000,
        truncated=result.truncated,
        row_cap=result.row_cap,
    )


def sql_schema(settings: Settings) -> ChartData:
    """Tables and views with columns, types and descriptions, for the schema browser."""
    try:
        frame = READER.cached(settings, ("schema",), lambda: schema_frame(settings))
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
    return (
        f"Source: the bubblemeter warehouse {settings.db}, last loaded {when} UTC{how}; "
        f"each row's own source is in its source columns."
    )


SEC_HINT = "run `bubblemeter refresh --source sec` (offline: `bubblemeter refresh --from DIR`)"
SNAPSHOT_HINT = "run `bubblemeter refresh --from DIR --source {dataset}`"
CENSUS_HINT = "run `bubblemeter refresh --source census`, or " + SNAPSHOT_HINT.format(
    dataset="census"
)
PRICES_HINT = (
    "run `bubblemeter refresh --source yahoo` "
    "(offline: `bubblemeter refresh --from DIR --source prices`)"
)


def thesis_scorecard(settings: Settings) -> ChartData:
    """One row per thesis indicator: latest, prior quarter, year ago (view thesis_scorecard)."""
    return _read(
        settings,
        "select * from thesis_scorecard order by display_order",
        "no indicators yet: nothing the scorecard needs is loaded; run "
        "`bubblemeter refresh` (offline: `bubblemeter refresh --from DIR`)",
    )


def thesis_history(settings: Settings) -> ChartData:
    """Each indicator's reading and the verdict at each quarter-end (view thesis_history)."""
    return _read(
        settings,
        "select * from thesis_history order by as_of, indicator",
        "no history yet: nothing the scorecard needs is loaded; run "
        "`bubblemeter refresh` (offline: `bubblemeter refresh --from DIR`)",
    )


def hyperscaler_capex_panel(settings: Settings) -> ChartData:
    """NVIDIA data-center revenue beside the panel's capex (view hyperscaler_capex_panel)."""
    return _read(
        settings,
        "select * from hyperscaler_capex_panel order by calendar_year, calendar_quarter",
        "no quarter with capex from every tracked hyperscaler yet: " + SEC_HINT,
    )


def gpu_vendor_quarterly(settings: Settings, tickers: list[str]) -> ChartData:
    """Revenue and gross margin per GPU vendor and quarter (view gpu_vendor_quarterly)."""
    return _read_rows(
        settings,
        "select * from gpu_vendor_quarterly order by ticker, fiscal_year, fiscal_quarter",
        "no revenue for "
        + ", ".join(tickers)
        + " yet: "
        + SEC_HINT
        + " or `--source financial_facts`",
        "ticker",
        list(tickers),
    )


def nvda_revenue_by_platform(settings: Settings, presentation_group: str) -> ChartData:
    """NVIDIA revenue by segment in one presentation (view nvda_revenue_by_platform)."""
    return _read_rows(
        settings,
        "select * from nvda_revenue_by_platform order by fiscal_year, fiscal_quarter, segment",
        "no NVIDIA segment revenue in this presentation yet: "
        + SNAPSHOT_HINT.format(dataset="segment_revenue"),
        "presentation_group",
        [presentation_group],
    )


def earnings_surprises(settings: Settings, tickers: list[str]) -> ChartData:
    """EPS estimate vs actual per reported quarter (view earnings_surprises)."""
    return _read_rows(
        settings,
        "select * from earnings_surprises order by ticker, report_date, fiscal_period_label",
        "no earnings events for " + ", ".join(tickers) + " yet: run `bubblemeter "
        "refresh --source yahoo` (offline: `--from DIR --source earnings_events`)",
        "ticker",
        list(tickers),
    )


def hyperscaler_capex_quarterly(settings: Settings, tickers: list[str] | None = None) -> ChartData:
    """Capex per hyperscaler (all, or the chosen ones) and the all-reporting total by calendar
    quarter (view hyperscaler_capex_quarterly)."""
    return _read_rows(
        settings,
        "select * from hyperscaler_capex_quarterly "
        "order by calendar_year, calendar_quarter, ticker",
        "no hyperscaler capex yet: " + SEC_HINT,
        "ticker",
        None if tickers is None else [*tickers, "ALL"],
    )


def hyperscaler_capex_intensity(settings: Settings, tickers: list[str]) -> ChartData:
    """Capex / revenue per hyperscaler and fiscal quarter (view hyperscaler_capex_intensity)."""
    return _read_rows(
        settings,
        "select * from hyperscaler_capex_intensity order by ticker, fiscal_year, fiscal_quarter",
        "no quarter with both capex and revenue for " + ", ".join(tickers) + " yet: " + SEC_HINT,
        "ticker",
        list(tickers),
    )


def nvda_data_center_mix(settings: Settings, vintage: str = "both") -> ChartData:
    """NVIDIA data-center split: both vintages (as first published, recast), or one of them
    (view nvda_data_center_mix)."""
    keep = {"original": ["fy27_original"], "recast": ["fy27_recast"]}.get(vintage)
    return _read_rows(
        settings,
        "select * from nvda_data_center_mix order by fiscal_year, fiscal_quarter, presentation",
        "no NVIDIA hyperscale vs enterprise split yet: "
        + SNAPSHOT_HINT.format(dataset="segment_revenue"),
        "presentation",
        keep,
    )


def enterprise_adopters_growth(settings: Settings, tickers: list[str]) -> ChartData:
    """Revenue growth per enterprise adopter and the like-for-like basket
    (view enterprise_adopters_growth)."""
    return _read_rows(
        settings,
        "select * from enterprise_adopters_growth where revenue_yoy_pct is not null "
        "order by calendar_year, calendar_quarter, ticker",
        "no enterprise adopter revenue with a year-earlier quarter yet: "
        + SEC_HINT
        + " or `--source financial_facts`",
        "ticker",
        [*tickers, "BASKET"],
    )


def btos_ai_use_by_period(settings: Settings, indicator: str) -> ChartData:
    """Median and range across states per BTOS survey period (view btos_ai_use_by_period)."""
    return _read_rows(
        settings,
        "select * from btos_ai_use_by_period order by series_version, period_date",
        "no Census BTOS data yet: " + SNAPSHOT_HINT.format(dataset="adoption_indicators"),
        "indicator",
        [indicator],
    )


def btos_ai_use_national(settings: Settings, indicator: str) -> ChartData:
    """The national BTOS rate per question wording and period (view btos_ai_use_national)."""
    return _read_rows(
        settings,
        "select * from btos_ai_use_national order by series_version, period_date",
        "no national Census BTOS series yet: " + CENSUS_HINT,
        "indicator",
        [indicator],
    )


def btos_ai_use_by_sector(settings: Settings, indicator: str) -> ChartData:
    """BTOS rates by NAICS sector, question wording and period (view btos_ai_use_by_sector)."""
    return _read_rows(
        settings,
        "select * from btos_ai_use_by_sector order by series_version, naics, period_date",
        "no Census BTOS sector series yet: " + CENSUS_HINT,
        "indicator",
        [indicator],
    )


def btos_ai_use_by_size(settings: Settings, indicator: str) -> ChartData:
    """BTOS rates by employment size class, wording and period (view btos_ai_use_by_size)."""
    return _read_rows(
        settings,
        "select * from btos_ai_use_by_size order by series_version, size_class, period_date",
        "no Census BTOS size-class series yet: " + CENSUS_HINT,
        "indicator",
        [indicator],
    )


def customer_concentration(settings: Settings) -> ChartData:
    """NVIDIA's customer concentration disclosures, filing rows first where a filing covers the
    period (view nvda_customer_concentration)."""
    return _read(
        settings,
        "select period_end, customer_label, share_pct, basis, origin, accession, filed_at, "
        "quote, source from nvda_customer_concentration "
        "order by period_end desc, origin, share_pct desc nulls last",
        "no customer concentration disclosures yet: "
        + SNAPSHOT_HINT.format(dataset="customer_concentration"),
    )


def nvda_data_center_split(settings: Settings) -> ChartData:
    """NVIDIA data-center revenue, compute vs networking, from filings (nvda_data_center_split)."""
    return _read(
        settings,
        "select * from nvda_data_center_split order by fiscal_year, fiscal_quarter",
        "no NVIDIA compute/networking split yet: it is read from 10-Q and 10-K filings; "
        + SEC_HINT,
    )


def cloud_revenue_vs_capex(settings: Settings, tickers: list[str]) -> ChartData:
    """Cloud revenue per dollar of capex, four quarters to each (view cloud_revenue_vs_capex)."""
    return _read_rows(
        settings,
        "select * from cloud_revenue_vs_capex order by ticker, calendar_year, calendar_quarter",
        "no hyperscaler with both cloud revenue (read from its 10-Q/10-K filings) and four "
        "quarters of capex yet: " + SEC_HINT,
        "ticker",
        list(tickers),
    )


def nvda_data_center_quarterly(settings: Settings) -> ChartData:
    """NVIDIA data-center revenue per fiscal quarter (view stg_nvda_data_center)."""
    return _read(
        settings,
        "select *, 'FY' || fiscal_year || ' Q' || fiscal_quarter as fiscal_label "
        "from stg_nvda_data_center order by fiscal_year, fiscal_quarter",
        "no NVIDIA data-center revenue yet: " + SNAPSHOT_HINT.format(dataset="segment_revenue"),
    )


def relative_performance(
    settings: Settings, start_date, series: list[str], benchmark: str | None
) -> ChartData:
    """Index (100 at start) and drawdown per series, or the index relative to a benchmark
    (table markets_performance_ranges, written by the refresh for the page's ranges; for
    another start, macros relative_performance_since / relative_performance_vs)."""
    missing = f"no prices for the chosen series since {start_date}: " + PRICES_HINT
    if benchmark:
        # the arithmetic of relative_performance_vs, on the precomputed rows
        sql = (
            "with perf as (select * from markets_performance_ranges where start_date = ?::date), "
            "bench as (select date, index_value as benchmark_index_value from perf "
            "where series_kind = 'ticker' and series = ?) "
            "select perf.series_kind, perf.series, perf.role, perf.date, perf.index_value, "
            "?::varchar as benchmark, bench.benchmark_index_value, "
            "perf.index_value / bench.benchmark_index_value * 100 as relative_index "
            "from perf join bench using (date) where list_contains(?, perf.series) "
            "order by perf.series_kind, perf.series, perf.date"
        )
        params = [start_date, benchmark, benchmark, series]
        fallback = (
            "select * from relative_performance_vs(?::date, ?) "
            "where list_contains(?, series) order by series_kind, series, date"
        )
        fallback_params = [start_date, benchmark, series]
    else:
        sql = (
            "select * exclude (start_date) from markets_performance_ranges "
            "where start_date = ?::date and list_contains(?, series) "
            "order by series_kind, series, date"
        )
        params = [start_date, series]
        fallback = (
            "select * from relative_performance_since(?::date) "
            "where list_contains(?, series) order by series_kind, series, date"
        )
        fallback_params = [start_date, series]
    chart = _read(settings, sql, missing, params)
    if chart.frame.empty:  # a start the refresh did not precompute, or an older warehouse
        return _read(settings, fallback, missing, fallback_params)
    return chart


def market_series(settings: Settings) -> ChartData:
    """Tickers with prices and their roles, for the series picker (table companies)."""
    return _read(
        settings,
        "select ticker, name, role from companies "
        "where ticker in (select distinct ticker from prices_daily) order by role, ticker",
        "no prices yet: " + PRICES_HINT,
    )


def warehouse_status(settings: Settings) -> ChartData:
    """One row: newest price, last successful load, last run (view warehouse_status)."""
    return _read(
        settings, "select * from warehouse_status", "nothing loaded yet: run `bubblemeter refresh`"
    )


def source_last_refresh(settings: Settings) -> ChartData:
    """Per source: last run, its status and last success (view source_last_refresh)."""
    return _read(
        settings,
        "select * from source_last_refresh",
        "no refresh has run yet: run `bubblemeter refresh`",
    )


def ingest_run_summary(settings: Settings, failed_only: bool, limit: int = 50) -> ChartData:
    """Recent refresh runs with their failures and reasons (view ingest_run_summary)."""
    where = "where items_failed > 0 or status = 'failed'" if failed_only else ""
    return _read(
        settings,
        f"select * from ingest_run_summary {where} order by started_at desc limit ?",
        "no failed runs recorded"
        if failed_only
        else "no refresh has run yet: run `bubblemeter refresh`",
        [limit],
    )
