"""User SQL under limits the operating system enforces: memory bombs and uninterruptible
queries stop near the time limit, and neither the CLI nor the dashboard server grows past them.

The queries are the ones that broke the in-process limits: `len(range(300000000))` (a 2.4 GB
list builder) and `repeat('x', 1500000000)` (a 1.5 GB string) allocate outside DuckDB's buffer
manager; `len(range(100000000))` fits in memory but is one vector long, so DuckDB's interrupt
is never checked while it runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from dashboard import ids
from tests.conftest import REPO, free_port
from tests.serving import serving, stop_process
from warehouse.query import QueryError, QueryTimeout
from warehouse.sqlworker import HARD_KILL_GRACE_S, WorkerPool, size_bytes

MEMORY_BOMBS = ["select len(range(300000000)) as n", "select length(repeat('x', 1500000000)) as n"]
UNINTERRUPTIBLE = "select len(range(100000000)) as n"
RSS_CEILING = 1.5 * 2**30
# A stop "within the limit + 1 s" is what the docs promise; the extra second here is for the
# answer to travel back on a loaded machine.
SLACK_S = 1.0


def _cli(args: list[str], db: str) -> tuple[subprocess.CompletedProcess, int, float]:
    """Run `bubblemeter ARGS --db db`; (result, peak RSS in bytes, seconds)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUBBLEMETER_")}
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bubblemeter", *args, "--db", db],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    took = time.monotonic() - started
    return (
        subprocess.CompletedProcess(proc.args, proc.returncode, out, err),
        usage.ru_maxrss * 1024,
        took,
    )


@pytest.mark.parametrize("sql", MEMORY_BOMBS)
def test_cli_memory_bomb_stops_at_the_memory_limit(sql, imported):
    result, peak, _ = _cli(["sql", sql], imported.db)
    assert result.returncode == 1, result.stdout[-500:]
    assert "memory limit" in result.stderr and "Traceback" not in result.stderr
    assert peak < RSS_CEILING, f"peak RSS {peak / 2**20:.0f} MB"


def test_cli_uninterruptible_query_stops_near_its_time_limit(imported):
    result, peak, took = _cli(["sql", UNINTERRUPTIBLE, "--timeout", "1"], imported.db)
    assert result.returncode == 1, result.stdout[-500:]
    assert "query stopped after 1 s" in result.stderr
    assert peak < RSS_CEILING


@pytest.fixture(scope="module")
def pool():
    workers = WorkerPool(size=2)
    workers.start()
    return workers


@pytest.mark.parametrize("sql", MEMORY_BOMBS)
def test_worker_memory_bomb_is_refused_and_the_caller_stays_small(sql, imported, pool):
    with pytest.raises(QueryError, match="memory limit"):
        pool.run(imported, sql)
    # the next query gets a healthy worker
    assert pool.run(imported, "select count(*) as n from companies").frame["n"][0] == 18


def test_worker_uninterruptible_query_is_killed_within_the_limit(imported, pool):
    limit = 1.0
    started = time.perf_counter()
    with pytest.raises(QueryTimeout, match="query stopped after 1 s"):
        pool.run(imported, UNINTERRUPTIBLE, timeout_s=limit)
    took = time.perf_counter() - started
    assert took < limit + HARD_KILL_GRACE_S + SLACK_S, f"{took:.2f} s"
    assert pool.run(imported, "select count(*) as n from companies").frame["n"][0] == 18


def test_at_most_size_queries_at_once(imported):
    import threading

    busy = WorkerPool(size=1, wait_s=0.5)
    busy.start()
    outcome: list = []

    def hold():
        try:
            busy.run(
                imported,
                "select count(*) from range(100000000) a, range(100000000) b",
                timeout_s=10.0,
            )
        except QueryError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while busy._slots._value != 0 and time.monotonic() < deadline:  # the slot is taken
            time.sleep(0.05)
        with pytest.raises(QueryError, match="busy"):
            busy.run(imported, "select 1")
    finally:
        thread.join(60)
    assert len(outcome) == 1 and isinstance(outcome[0], QueryTimeout)


def _vm_hwm(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def _console_request(dependencies: list[dict], sql: str) -> dict:
    """The request the browser sends when Run is clicked with `sql` in the editor."""
    dep = next(
        d
        for d in dependencies
        if {"id": ids.SQL_RUN, "property": "n_clicks"} in d["inputs"]
        and f"{ids.SQL_GRID}.rowData" in d["output"]
    )
    outputs = [
        dict(zip(("id", "property"), part.rsplit(".", 1), strict=True))
        for part in dep["output"].strip(".").split("...")
    ]
    values = {
        (ids.SQL_RUN, "n_clicks"): 1,
        (ids.SQL_EDITOR, "value"): sql,
        (ids.SQL_AUTORUN, "data"): None,
    }
    return {
        "output": dep["output"],
        "outputs": outputs,
        "inputs": [{**i, "value": values.get((i["id"], i["property"]))} for i in dep["inputs"]],
        "changedPropIds": [f"{ids.SQL_RUN}.n_clicks"],
        "state": [{**s, "value": values.get((s["id"], s["property"]))} for s in dep["state"]],
    }


def test_console_memory_bomb_leaves_the_server_small(imported):
    """Through the server's own callback: the query is refused and the server stays small."""
    with serving(imported.db, BUBBLEMETER_SQL_TIMEOUT="1") as (url, proc):
        page = requests.get(url + "/sql", timeout=60)
        assert page.headers["X-Frame-Options"] == "DENY"
        assert page.headers["Content-Security-Policy"] == "frame-ancestors 'none'"
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        dependencies = requests.get(url + "/_dash-dependencies", timeout=60).json()
        for sql in [*MEMORY_BOMBS, UNINTERRUPTIBLE]:
            started = time.monotonic()
            reply = requests.post(
                url + "/_dash-update-component",
                json=_console_request(dependencies, sql),
                timeout=120,
            )
            took = time.monotonic() - started
            assert reply.status_code == 200, reply.text[:300]
            error = reply.json()["response"][ids.SQL_ERROR]["children"]
            assert "memory limit" in error or "query stopped after 1 s" in error, reply.text[:500]
            assert took < 1.0 + HARD_KILL_GRACE_S + SLACK_S, f"{sql}: {took:.1f} s"
        ok = requests.post(
            url + "/_dash-update-component",
            json=_console_request(dependencies, "select count(*) as n from companies"),
            timeout=120,
        ).json()
        assert ok["response"][ids.SQL_GRID]["rowData"] == [{"n": 18}]
        assert _vm_hwm(proc.pid) < RSS_CEILING, f"{_vm_hwm(proc.pid) / 2**20:.0f} MB"


def test_sizes_read_as_duckdb_writes_them():
    assert size_bytes("1GB") == 10**9 and size_bytes("512MB") == 512 * 10**6
    assert size_bytes("2GiB") == 2 * 2**30
    with pytest.raises(ValueError):
        size_bytes("lots")


def test_serve_on_a_non_loopback_host_warns_there_is_no_authentication(imported):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUBBLEMETER_")}
    env["BUBBLEMETER_DB"] = imported.db
    proc = subprocess.Popen(
        [sys.executable, "-m", "bubblemeter", "serve", "--host", "0.0.0.0", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = ""
        deadline = time.monotonic() + 120
        while "warning" not in line and time.monotonic() < deadline and proc.poll() is None:
            line = proc.stderr.readline()
        assert "0.0.0.0 is not loopback" in line and "no authentication" in line, line
    finally:
        stop_process(proc)
