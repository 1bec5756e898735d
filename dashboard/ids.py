"""Component ids, one place, so pages and tests agree (a chart's own ids come from its spec)."""

from dashboard import charts

STALE_BANNER = "stale-banner"
NAV_TOGGLER = "nav-toggler"
NAV_COLLAPSE = "nav-collapse"

# SQL console (pages/sql_console.py)
SQL_EDITOR = "sql-editor"
SQL_RUN = "sql-run"
SQL_STATUS = "sql-status"
SQL_ERROR = "sql-error"
SQL_TRUNCATED = "sql-truncated"
SQL_GRID = "sql-grid"
SQL_DOWNLOAD = "sql-download"
SQL_EXAMPLE = "sql-example"  # pattern-matching type: {"type": SQL_EXAMPLE, "name": stem}
SQL_EXAMPLES = "sql-examples"
SQL_SCHEMA = "sql-schema"
SQL_SOURCE = "sql-source"
SQL_AUTORUN = "sql-autorun"
SQL_URL_SYNC = "sql-url-sync"
# Thesis (home)
HOME_SCORECARD = "home-scorecard"
HOME_SUMMARY = "home-summary"

# GPU vendors
GPU_URL = "gpu-url"
GPU_TICKERS = "gpu-tickers"
GPU_PRESENTATION = "gpu-presentation"
GPU_NEXT_EARNINGS = "gpu-next-earnings"
GPU_DRAWN_FROM = "gpu-drawn-from"

# Big-tech capex
CAPEX_URL = "capex-url"
CAPEX_TICKERS = "capex-tickers"
CAPEX_DEFINITION = "capex-definition"
CAPEX_DRAWN_FROM = "capex-drawn-from"

# Enterprise adoption
ENT_URL = "ent-url"
ENT_VINTAGE = "ent-vintage"
ENT_TICKERS = "ent-tickers"
ENT_BTOS_INDICATOR = "ent-btos-indicator"
ENT_XX = "ent-xx"
ENT_DRAWN_FROM = "ent-drawn-from"
ENT_CONCENTRATION_TABLE = "ent-concentration-table"
ENT_CONCENTRATION_CAPTION = "ent-concentration-caption"

# AI revenue gap
GAP_URL = "gap-url"
GAP_QUARTER = "gap-quarter"
GAP_COST_MULTIPLIER = "gap-cost-multiplier"
GAP_MARGIN_MULTIPLIER = "gap-margin-multiplier"
GAP_EARNED = "gap-earned"
GAP_RESULT = "gap-result"
GAP_REQUIRED = "gap-required"

# Markets
MKT_URL = "mkt-url"
MKT_RANGE = "mkt-range"
MKT_SERIES = "mkt-series"
MKT_VS = "mkt-vs"
MKT_LOG = "mkt-log"

# Data status
STATUS_URL = "status-url"
STATUS_FAILED_ONLY = "status-failed-only"
STATUS_SUMMARY = "status-summary"
STATUS_SOURCES_TABLE = "status-sources-table"
STATUS_FRESHNESS_TABLE = "status-freshness-table"
STATUS_RUNS_TABLE = "status-runs-table"
STATUS_SCHEDULER = "status-scheduler"


# Chart element ids under the names pages and tests used before the chart spec; each is
# derived from its chart's key (dashboard/charts.py), so new charts need no line here.
HOME_DC_MIX_GRAPH = charts.HOME_DC_MIX.graph_id
HOME_DC_MIX_CAPTION = charts.HOME_DC_MIX.caption_id
HOME_DC_VS_CAPEX_GRAPH = charts.HOME_DC_VS_CAPEX.graph_id
HOME_DC_VS_CAPEX_CAPTION = charts.HOME_DC_VS_CAPEX.caption_id
HOME_HISTORY_GRAPH = charts.HOME_HISTORY.graph_id
HOME_HISTORY_CAPTION = charts.HOME_HISTORY.caption_id
GPU_REVENUE_GRAPH = charts.GPU_REVENUE.graph_id
GPU_REVENUE_CAPTION = charts.GPU_REVENUE.caption_id
GPU_MARGIN_GRAPH = charts.GPU_MARGIN.graph_id
GPU_MARGIN_CAPTION = charts.GPU_MARGIN.caption_id
GPU_PLATFORM_GRAPH = charts.GPU_PLATFORM.graph_id
GPU_PLATFORM_CAPTION = charts.GPU_PLATFORM.caption_id
GPU_DC_SPLIT_GRAPH = charts.GPU_DC_SPLIT.graph_id
GPU_DC_SPLIT_CAPTION = charts.GPU_DC_SPLIT.caption_id
GPU_EARNINGS_GRAPH = charts.GPU_EARNINGS.graph_id
GPU_EARNINGS_CAPTION = charts.GPU_EARNINGS.caption_id
CAPEX_GRAPH = charts.CAPEX_BY_COMPANY.graph_id
CAPEX_CAPTION = charts.CAPEX_BY_COMPANY.caption_id
CAPEX_INTENSITY_GRAPH = charts.CAPEX_INTENSITY.graph_id
CAPEX_INTENSITY_CAPTION = charts.CAPEX_INTENSITY.caption_id
CAPEX_DC_SHARE_GRAPH = charts.CAPEX_DC_SHARE.graph_id
CAPEX_DC_SHARE_CAPTION = charts.CAPEX_DC_SHARE.caption_id
CAPEX_CLOUD_GRAPH = charts.CAPEX_CLOUD.graph_id
CAPEX_CLOUD_CAPTION = charts.CAPEX_CLOUD.caption_id
ENT_MIX_GRAPH = charts.ENT_MIX.graph_id
ENT_MIX_CAPTION = charts.ENT_MIX.caption_id
ENT_GROWTH_GRAPH = charts.ENT_GROWTH.graph_id
ENT_GROWTH_CAPTION = charts.ENT_GROWTH.caption_id
ENT_BTOS_NATIONAL_GRAPH = charts.ENT_BTOS_NATIONAL.graph_id
ENT_BTOS_NATIONAL_CAPTION = charts.ENT_BTOS_NATIONAL.caption_id
ENT_BTOS_SECTOR_GRAPH = charts.ENT_BTOS_SECTOR.graph_id
ENT_BTOS_SECTOR_CAPTION = charts.ENT_BTOS_SECTOR.caption_id
ENT_BTOS_SIZE_GRAPH = charts.ENT_BTOS_SIZE.graph_id
ENT_BTOS_SIZE_CAPTION = charts.ENT_BTOS_SIZE.caption_id
ENT_BTOS_GRAPH = charts.ENT_BTOS.graph_id
ENT_BTOS_CAPTION = charts.ENT_BTOS.caption_id
GAP_GRAPH = charts.REVENUE_GAP.graph_id
GAP_CAPTION = charts.REVENUE_GAP.caption_id
MKT_PERF_GRAPH = charts.MKT_PERFORMANCE.graph_id
MKT_PERF_CAPTION = charts.MKT_PERFORMANCE.caption_id
MKT_DRAWDOWN_GRAPH = charts.MKT_DRAWDOWN.graph_id
MKT_DRAWDOWN_CAPTION = charts.MKT_DRAWDOWN.caption_id
