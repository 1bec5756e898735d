"""Read-only data for the charts: one function per chart, one named view each."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from warehouse.db import WarehouseMissing, WarehouseUnreachable, query_df
from warehouse.settings import Settings


@dataclass
class ChartData:
    frame: pd.DataFrame
    empty_reason: str | None = None   # what is missing and how to get it


def _read(settings: Settings, sql: str, missing: str, params=None) -> ChartData:
    try:
        frame = query_df(settings, sql, params)
    except (WarehouseMissing, WarehouseUnreachable) as exc:
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
