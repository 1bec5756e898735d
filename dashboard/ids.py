"""Component ids, one place, so pages and tests agree."""

HOME_DC_MIX_GRAPH = "home-dc-mix-graph"
HOME_DC_MIX_CAPTION = "home-dc-mix-caption"
HOME_CAPEX_GRAPH = "home-capex-graph"
HOME_CAPEX_CAPTION = "home-capex-caption"
STALE_BANNER = "stale-banner"

# SQL console (pages/sql_console.py)
SQL_EDITOR = "sql-editor"
SQL_RUN = "sql-run"
SQL_STATUS = "sql-status"
SQL_ERROR = "sql-error"
SQL_TRUNCATED = "sql-truncated"
SQL_GRID = "sql-grid"
SQL_DOWNLOAD = "sql-download"
SQL_EXAMPLE = "sql-example"        # pattern-matching type: {"type": SQL_EXAMPLE, "name": stem}
SQL_EXAMPLES = "sql-examples"
SQL_SCHEMA = "sql-schema"
SQL_SOURCE = "sql-source"
SQL_AUTORUN = "sql-autorun"
SQL_URL_SYNC = "sql-url-sync"
