"""What a complete warehouse looks like, for tests that write and read it at the same time.

A refresh opens a run ('running'), loads each item, then closes it, all on a working copy that
is swapped in whole. A reader that ever saw a half-written warehouse would see a run still
'running', a run with fewer items than the complete runs of its mode (live, snapshot), rows of
a half-loaded table, or data that no complete refresh left behind. `check_complete` checks the
run log (and the row counts against a warehouse of the same data); when each refresh changes
the data, `state_of` finds the complete warehouse a fingerprint is exactly (row counts and a
hash of every row of every data table).
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

DATA_TABLES = (
    "companies",
    "prices_daily",
    "corporate_actions",
    "financial_facts",
    "segment_revenue",
    "customer_concentration",
    "adoption_indicators",
    "earnings_events",
)

# Per data table: its row count and an order-free hash of its rows. Each row is hashed as text:
# DuckDB's hash of several values xors theirs, so the same change to an even number of rows
# would cancel out. 63 bits keep the column a BIGINT (a pandas int64 through `bubblemeter sql`).
# Per run mode: the fewest and most items a run of that mode logged (no items yet counts 0).
FINGERPRINT_SQL = " union all ".join(
    [f"select '{t}' as name, count(*) as n from {t}" for t in DATA_TABLES]
    + [
        f"select '{t}#hash', coalesce(bit_xor(hash(x::varchar) >> 1), 0)::bigint from {t} x"
        for t in DATA_TABLES
    ]
    + [
        "select 'runs', count(*) from ingest_runs",
        "select 'runs_unfinished', count(*) from ingest_runs "
        "where status = 'running' or finished_at is null",
        "select 'items_min:' || coalesce(mode, '?'), min(n) from "
        "(select r.mode, count(i.item) as n from ingest_runs r "
        "left join ingest_run_items i using (run_id) group by r.run_id, r.mode) group by mode",
        "select 'items_max:' || coalesce(mode, '?'), max(n) from "
        "(select r.mode, count(i.item) as n from ingest_runs r "
        "left join ingest_run_items i using (run_id) group by r.run_id, r.mode) group by mode",
    ]
)


def fingerprint(db: str | Path) -> dict[str, int]:
    """Row counts and row hashes of the data tables plus the run-log facts, read-only."""
    with read_connection(Settings(db=str(db))) as con:
        return {name: int(n) for name, n in con.execute(FINGERPRINT_SQL).fetchall()}


def fingerprint_from_rows(rows) -> dict[str, int]:
    """The same fingerprint from rows of FINGERPRINT_SQL run elsewhere (e.g. `bubblemeter sql`)."""
    return {name: int(n) for name, n in rows}


def data_of(fp: dict[str, int]) -> dict[str, int]:
    """The data part of a fingerprint: row counts and row hashes of the data tables."""
    return {k: v for k, v in fp.items() if k.split("#")[0] in DATA_TABLES}


def run_problems(fp: dict[str, int], complete: dict[str, int]) -> list[str]:
    """Why fp's run log is not that of a complete warehouse ([] when it is).

    `complete` is the fingerprint of a complete warehouse written by the same kinds of run:
    every run of a mode must have logged as many items as a complete run of that mode did.
    """
    problems = []
    if fp.get("runs_unfinished"):
        problems.append(f"{fp['runs_unfinished']} run(s) still 'running'")
    modes = sorted({k.split(":", 1)[1] for k in (*fp, *complete) if k.startswith("items_")})
    for mode in modes:
        low, high = fp.get(f"items_min:{mode}"), fp.get(f"items_max:{mode}")
        want = complete.get(f"items_max:{mode}")
        if want is None:
            problems.append(f"{mode} runs ({low}...{high} items): no complete run has that mode")
        elif low is not None and (low != want or high != want):
            problems.append(f"items per {mode} run {low}...{high}, complete runs have {want}")
    if fp.get("runs", 0) < complete["runs"]:
        problems.append(f"{fp.get('runs')} runs, fewer than the {complete['runs']} before")
    return problems


def check_complete(fp: dict[str, int], baseline: dict[str, int]) -> list[str]:
    """Why fp is not a complete warehouse of the same data as baseline ([] when it is)."""
    problems = [
        f"{t}: {fp.get(t)} rows, complete has {baseline[t]}"
        for t in DATA_TABLES
        if fp.get(t) != baseline[t]
    ]
    return problems + run_problems(fp, baseline)


def state_of(fp: dict[str, int], states: list[dict[str, int]]) -> int | None:
    """Index of the complete warehouse in `states` that fp is exactly, or None."""
    return next((i for i, state in enumerate(states) if state == fp), None)


def cli_env() -> dict[str, str]:
    """This environment without BUBBLEMETER_* settings (tests pass --db explicitly)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("BUBBLEMETER_")}


def start_cli(*args: str, stderr=subprocess.DEVNULL, env: dict | None = None) -> subprocess.Popen:
    """Start `bubblemeter ARGS` in a child process (environment: `env`, else cli_env())."""
    return subprocess.Popen(
        [sys.executable, "-m", "bubblemeter", *args],
        cwd=REPO,
        env=cli_env() if env is None else env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        stdin=subprocess.DEVNULL,
    )


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


def process_state(pid: int) -> str | None:
    """The one-letter state of a process (R, S, T for stopped, ...), None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def paused_env(point: str, env: dict | None = None) -> dict:
    """cli_env() (or env) for a writer that stops itself (SIGSTOP) at a crash point."""
    from warehouse.crashpoints import PAUSE_ENV

    return {**(cli_env() if env is None else env), PAUSE_ENV: point}
