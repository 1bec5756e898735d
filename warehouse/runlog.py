"""The run log: one row per refresh in ingest_runs, one per source item in ingest_run_items."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import duckdb

from warehouse.crashpoints import crash_point


def utcnow() -> datetime:
    """Naive UTC timestamp, as stored."""
    return datetime.now(UTC).replace(tzinfo=None)


def start_run(
    con: duckdb.DuckDBPyConnection, trigger: str, mode: str, snapshot_dir: str | None = None
) -> str:
    """Record a new run as running and return its id."""
    run_id = utcnow().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    con.execute(
        "insert into ingest_runs values (?, ?, null, ?, ?, ?, 'running')",
        [run_id, utcnow(), trigger, mode, snapshot_dir],
    )
    return run_id


def record_item(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    source: str,
    item: str,
    status: str,
    rows_written: int = 0,
    error: str | None = None,
) -> None:
    """Record the outcome of one source item."""
    assert status in ("ok", "failed", "skipped"), status
    con.execute(
        "insert or replace into ingest_run_items values (?, ?, ?, ?, ?, ?)",
        [run_id, source, item, status, rows_written, error],
    )
    crash_point("loading")


def run_status(items_ok: int, items_failed: int) -> str:
    """A run's status: failed when nothing loaded, ok when nothing failed, else partial.

    Skipped items count for neither: a run whose items were all skipped loaded nothing.
    """
    if items_ok == 0:
        return "failed"
    return "ok" if items_failed == 0 else "partial"


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str) -> str:
    """Close a run with its status (run_status)."""
    ok, failed = con.execute(
        "select count(*) filter (where status = 'ok'), count(*) filter (where status = 'failed') "
        "from ingest_run_items where run_id = ?",
        [run_id],
    ).fetchall()[0]
    status = run_status(ok, failed)
    con.execute(
        "update ingest_runs set finished_at = ?, status = ? where run_id = ?",
        [utcnow(), status, run_id],
    )
    return status
