"""What a complete warehouse looks like, for tests that write and read it at the same time.

A refresh opens a run ('running'), loads each item, then closes it. A reader that ever saw a
half-written warehouse would see a run still 'running', a run with fewer items than the others,
or fewer rows than the baseline. Only a warehouse swapped in whole passes `check_complete`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO
from warehouse.db import read_connection
from warehouse.settings import Settings

DATA_TABLES = ("companies", "prices_daily", "corporate_actions", "financial_facts",
               "segment_revenue", "customer_concentration", "adoption_indicators",
               "earnings_events")

FINGERPRINT_SQL = " union all ".join(
    [f"select '{t}' as name, count(*) as n from {t}" for t in DATA_TABLES]
    + ["select 'runs', count(*) from ingest_runs",
       "select 'runs_unfinished', count(*) from ingest_runs "
       "where status = 'running' or finished_at is null",
       "select 'items_per_run_min', coalesce(min(n), 0) from "
       "(select count(*) as n from ingest_run_items group by run_id)",
       "select 'items_per_run_max', coalesce(max(n), 0) from "
       "(select count(*) as n from ingest_run_items group by run_id)"])


def fingerprint(db: str | Path) -> dict[str, int]:
    """Row counts of every data table plus the run-log facts, on a short read-only connection."""
    with read_connection(Settings(db=str(db))) as con:
        return {name: int(n) for name, n in con.execute(FINGERPRINT_SQL).fetchall()}


def fingerprint_from_rows(rows) -> dict[str, int]:
    """The same fingerprint from rows of FINGERPRINT_SQL run elsewhere (e.g. `bubblemeter sql`)."""
    return {name: int(n) for name, n in rows}


def check_complete(fp: dict[str, int], baseline: dict[str, int]) -> list[str]:
    """Why fp is not a complete warehouse of the same data as baseline ([] when it is)."""
    problems = [f"{t}: {fp.get(t)} rows, complete has {baseline[t]}"
                for t in DATA_TABLES if fp.get(t) != baseline[t]]
    if fp.get("runs_unfinished"):
        problems.append(f"{fp['runs_unfinished']} run(s) still 'running'")
    if fp.get("items_per_run_min") != baseline["items_per_run_max"] or \
            fp.get("items_per_run_max") != baseline["items_per_run_max"]:
        problems.append(f"items per run {fp.get('items_per_run_min')}..."
                        f"{fp.get('items_per_run_max')}, complete runs have "
                        f"{baseline['items_per_run_max']}")
    if fp.get("runs", 0) < baseline["runs"]:
        problems.append(f"{fp.get('runs')} runs, fewer than the {baseline['runs']} before")
    return problems


def cli_env() -> dict[str, str]:
    """This environment without BUBBLEMETER_* settings (tests pass --db explicitly)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("BUBBLEMETER_")}


def start_cli(*args: str, stderr=subprocess.DEVNULL) -> subprocess.Popen:
    """Start `bubblemeter ARGS` in a child process."""
    return subprocess.Popen([sys.executable, "-m", "bubblemeter", *args], cwd=REPO,
                            env=cli_env(), stdout=subprocess.DEVNULL, stderr=stderr,
                            stdin=subprocess.DEVNULL)


def lock_record(db: str | Path) -> str:
    try:
        return Path(f"{db}.lock").read_text()
    except FileNotFoundError:
        return ""


def working_copies(db: str | Path) -> list[Path]:
    db = Path(db)
    return sorted(db.parent.glob(f"{db.name}.tmp-*"))


def wait_until(predicate, timeout_s: float = 60, poll_s: float = 0.005) -> bool:
    """Poll until predicate() is true; False on timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(poll_s)
    return False


def stop(proc: subprocess.Popen) -> None:
    """Make sure a child process is gone (continue it first if a test stopped it)."""
    if proc.poll() is None:
        try:
            os.kill(proc.pid, signal.SIGCONT)
        except ProcessLookupError:
            pass
        proc.kill()
    proc.wait(timeout=30)
