"""Component ids, one place, so pages and tests agree."""

HOME_DC_MIX_GRAPH = "home-dc-mix-graph"
HOME_DC_MIX_CAPTION = "home-dc-mix-caption"
STALE_BANNER = "stale-banner"

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
HOME_DC_VS_CAPEX_GRAPH = "home-dc-vs-capex-graph"
HOME_DC_VS_CAPEX_CAPTION = "home-dc-vs-capex-caption"

# GPU vendors
GPU_URL = "gpu-url"
GPU_TICKERS = "gpu-tickers"
GPU_PRESENTATION = "gpu-presentation"
GPU_REVENUE_GRAPH = "gpu-revenue-graph"
GPU_REVENUE_CAPTION = "gpu-revenue-caption"
GPU_MARGIN_GRAPH = "gpu-margin-graph"
GPU_MARGIN_CAPTION = "gpu-margin-caption"
GPU_PLATFORM_GRAPH = "gpu-platform-graph"
GPU_PLATFORM_CAPTION = "gpu-platform-caption"
GPU_EARNINGS_GRAPH = "gpu-earnings-graph"
GPU_EARNINGS_CAPTION = "gpu-earnings-caption"
GPU_NEXT_EARNINGS = "gpu-next-earnings"

# Big-tech capex
CAPEX_URL = "capex-url"
CAPEX_TICKERS = "capex-tickers"
CAPEX_GRAPH = "capex-graph"
CAPEX_CAPTION = "capex-caption"
CAPEX_INTENSITY_GRAPH = "capex-intensity-graph"
CAPEX_INTENSITY_CAPTION = "capex-intensity-caption"
CAPEX_DC_SHARE_GRAPH = "capex-dc-share-graph"
CAPEX_DC_SHARE_CAPTION = "capex-dc-share-caption"

# Enterprise adoption
ENT_URL = "ent-url"
ENT_VINTAGE = "ent-vintage"
ENT_TICKERS = "ent-tickers"
ENT_BTOS_INDICATOR = "ent-btos-indicator"
ENT_XX = "ent-xx"
ENT_MIX_GRAPH = "ent-mix-graph"
ENT_MIX_CAPTION = "ent-mix-caption"
ENT_GROWTH_GRAPH = "ent-growth-graph"
ENT_GROWTH_CAPTION = "ent-growth-caption"
ENT_BTOS_GRAPH = "ent-btos-graph"
ENT_BTOS_CAPTION = "ent-btos-caption"
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
GAP_GRAPH = "gap-graph"
GAP_CAPTION = "gap-caption"

# Markets
MKT_URL = "mkt-url"
MKT_RANGE = "mkt-range"
MKT_SERIES = "mkt-series"
MKT_VS = "mkt-vs"
MKT_LOG = "mkt-log"
MKT_PERF_GRAPH = "mkt-perf-graph"
MKT_PERF_CAPTION = "mkt-perf-caption"
MKT_DRAWDOWN_GRAPH = "mkt-drawdown-graph"
MKT_DRAWDOWN_CAPTION = "mkt-drawdown-caption"

# Data status
STATUS_URL = "status-url"
STATUS_FAILED_ONLY = "status-failed-only"
STATUS_SUMMARY = "status-summary"
STATUS_SOURCES_TABLE = "status-sources-table"
STATUS_FRESHNESS_TABLE = "status-freshness-table"
STATUS_RUNS_TABLE = "status-runs-table"
STATUS_SCHEDULER = "status-scheduler"


def csv_button(chart: str) -> dict:
    """Pattern id of a chart's 'download CSV' button."""
    return {"type": "csv-button", "chart": chart}


def csv_store(chart: str) -> dict:
    """Pattern id of the store holding exactly the rows a chart draws, as CSV."""
    return {"type": "csv-store", "chart": chart}


def csv_download(chart: str) -> dict:
    """Pattern id of a chart's dcc.Download."""
    return {"type": "csv-download", "chart": chart}
