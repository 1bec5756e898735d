"""One writer, many readers: a served dashboard and SQL readers keep answering, from complete
warehouses only, while refreshes run; a refresh killed at any point leaves the previous warehouse
intact, no lock behind, and the next refresh succeeds."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests

from ingest.refresh import import_snapshot
from tests.conftest import REPO, SNAPSHOT, free_port
from tests.consistency import (FINGERPRINT_SQL, check_complete, cli_env, fingerprint,
                               fingerprint_from_rows, lock_record, start_cli, stop, wait_until,
                               working_copies)
from warehouse import runlog
from warehouse.db import write_session
from warehouse.lock import current_writer
from warehouse.query import run_query
from warehouse.settings import Settings

# The writer: `bubblemeter WRITER --db DB`. Snapshot imports for now; switch to a live refresh
# against the loopback fake servers by changing this one value.
WRITER = ("refresh", "--from", str(SNAPSHOT))
REFRESHES = 3
MIN_REQUESTS = 300
HTTP_CLIENTS = 3

PAGE_CALLBACK = {
    "output": ".._pages_content.children..._pages_store.data..",
    "outputs": [{"id": "_pages_content", "property": "children"},
                {"id": "_pages_store", "property": "data"}],
    "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/"},
               {"id": "_pages_location", "property": "search", "value": ""}],
    "changedPropIds": ["_pages_location.pathname"],
    "state": [],
}


def writer_command(db: str) -> list[str]:
    return [*WRITER, "--db", db]


def run_writer(db: str, *extra: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bubblemeter", *writer_command(db), *extra],
                          capture_output=True, text=True, cwd=REPO, env=cli_env(),
                          timeout=timeout)


@pytest.fixture
def warehouse(tmp_path, snapshot_dir) -> str:
    """A complete warehouse imported from the real snapshot."""
    settings = Settings(db=str(tmp_path / "warehouse.duckdb"))
    assert import_snapshot(settings, snapshot_dir).exit_code == 0
    return settings.db


def test_the_check_rejects_incomplete_warehouses(tmp_path, warehouse, snapshot_dir):
    baseline = fingerprint(warehouse)
    assert check_complete(baseline, baseline) == []
    partial = Settings(db=str(tmp_path / "partial.duckdb"))
    import_snapshot(partial, snapshot_dir, datasets=["prices"])
    assert any("financial_facts" in p for p in check_complete(fingerprint(partial.db), baseline))
    with write_session(Settings(db=warehouse)) as con:     # a run opened, never closed
        runlog.start_run(con, "test", "snapshot")
    assert any("still 'running'" in p for p in check_complete(fingerprint(warehouse), baseline))


class Server:
    """`bubblemeter serve` on a free loopback port."""

    def __init__(self, db: str, log_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bubblemeter", "serve", "--db", db, "--port", str(self.port)],
            cwd=REPO, env=cli_env(), stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)

    def ready(self) -> bool:
        try:
            return requests.get(self.url + "/", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    def close(self) -> None:
        stop(self.proc)
        self.log.close()


def digest(response: requests.Response) -> str:
    return hashlib.sha256(response.content).hexdigest()


def test_dashboard_and_sql_answer_while_refreshes_run(tmp_path, warehouse):
    baseline = fingerprint(warehouse)
    server = Server(warehouse, tmp_path / "serve.log")
    try:
        assert wait_until(server.ready, 60, 0.2), (tmp_path / "serve.log").read_text()
        with requests.Session() as s:
            expected = {
                "layout": digest(s.get(server.url + "/_dash-layout", timeout=30)),
                "page": digest(s.post(server.url + "/_dash-update-component",
                                      json=PAGE_CALLBACK, timeout=30)),
            }
        errors: list[str] = []
        counts = {"http": 0, "http_during_refresh": 0, "sql": 0}
        guard = threading.Lock()
        writing = threading.Event()
        done = threading.Event()
        codes: list[int] = []

        def enough() -> bool:
            return done.is_set() and counts["http"] >= MIN_REQUESTS

        def http_client(kind: str) -> None:
            with requests.Session() as session:
                while not enough() and len(errors) < 20:
                    try:
                        if kind == "page":
                            r = session.post(server.url + "/_dash-update-component",
                                             json=PAGE_CALLBACK, timeout=60)
                        else:
                            r = session.get(server.url + "/_dash-layout", timeout=60)
                        problem = (f"HTTP {r.status_code}: {r.text[:200]}" if r.status_code != 200
                                   else None if digest(r) == expected[kind]
                                   else f"{kind} answer differs from the complete warehouse's")
                    except requests.RequestException as exc:
                        problem = f"{type(exc).__name__}: {exc}"
                    with guard:
                        counts["http"] += 1
                        counts["http_during_refresh"] += writing.is_set()
                        if problem:
                            errors.append(problem)

        def sql_reader() -> None:
            # The code path of `bubblemeter sql`, a fresh read-only connection per query.
            settings = Settings(db=warehouse)
            while not enough() and len(errors) < 20:
                try:
                    rows = run_query(settings, FINGERPRINT_SQL).itertuples(index=False)
                    problems = check_complete(fingerprint_from_rows(rows), baseline)
                except Exception as exc:
                    problems = [f"sql: {type(exc).__name__}: {exc}"]
                with guard:
                    counts["sql"] += 1
                    errors.extend(problems)
                time.sleep(0.02)   # leave the two cores to the server and the writer

        def writer() -> None:
            writing.set()
            try:
                for _ in range(REFRESHES):
                    result = run_writer(warehouse)
                    codes.append(result.returncode)
                    if result.returncode != 0:
                        errors.append(f"refresh exit {result.returncode}: {result.stderr}")
            finally:
                writing.clear()
                done.set()

        kinds = ["page"] + ["layout"] * (HTTP_CLIENTS - 1)
        threads = [threading.Thread(target=http_client, args=(k,)) for k in kinds]
        threads += [threading.Thread(target=sql_reader), threading.Thread(target=writer)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
        elapsed = time.monotonic() - started
        assert not any(t.is_alive() for t in threads)
    finally:
        server.close()
    log = (tmp_path / "serve.log").read_text()
    print(f"\n{counts['http']} HTTP requests ({counts['http_during_refresh']} during refreshes) "
          f"and {counts['sql']} SQL queries in {elapsed:.1f} s while {REFRESHES} refreshes ran")
    assert errors == []
    assert codes == [0] * REFRESHES
    assert counts["http"] >= MIN_REQUESTS and counts["http_during_refresh"] >= MIN_REQUESTS // 3
    assert counts["sql"] >= 10
    assert "Traceback" not in log and "could not set lock" not in log.lower()
    final = fingerprint(warehouse)
    assert check_complete(final, baseline) == []
    assert final["runs"] == baseline["runs"] + REFRESHES


def test_refresh_killed_at_any_point_leaves_the_previous_warehouse(tmp_path, warehouse):
    copy_seen: dict[str, float] = {}
    window = {"s": 0.0}    # how long a refresh writes its copy, measured at "just swapped in"

    def lock_taken(p):
        return f'"pid": {p.pid}' in lock_record(warehouse)

    def copy_made(p):
        return bool(working_copies(warehouse))

    def copy_swapped_in(p):
        if working_copies(warehouse):
            copy_seen.setdefault("at", time.monotonic())
            return False
        if "at" in copy_seen:
            window["s"] = time.monotonic() - copy_seen["at"]
            return True
        return False

    # (name, when to kill, then how long to wait as a fraction of the measured write window)
    points = [("lock taken", lock_taken, 0.0), ("copy made", copy_made, 0.0),
              ("just swapped in", copy_swapped_in, 0.0),
              ("loading", copy_made, 0.4), ("finishing", copy_made, 0.75)]
    mid_run, mid_write = [], []
    for name, reached, fraction in points:
        before = fingerprint(warehouse)
        victim = start_cli(*writer_command(warehouse))
        try:
            assert wait_until(lambda: reached(victim), 60), f"{name}: never reached"
            time.sleep(fraction * window["s"])
            if victim.poll() is None:
                mid_run.append(name)
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=30)
        finally:
            stop(victim)
        # A writer killed before its swap leaves its working copy behind (the next refresh
        # removes it): then the warehouse must be exactly the previous one.
        killed_mid_write = bool(working_copies(warehouse))
        if killed_mid_write:
            mid_write.append(name)
        after = fingerprint(warehouse)          # opens, read-only, with complete data
        assert check_complete(after, before) == [], name
        if killed_mid_write:
            assert after["runs"] == before["runs"], name
        else:   # killed before it copied anything, or after its swap
            assert after["runs"] in (before["runs"], before["runs"] + 1), name
        assert current_writer(Settings(db=warehouse)) is None, name
        result = run_writer(warehouse, timeout=60)   # no --wait: a held lock would exit 2
        assert result.returncode == 0, f"{name}: {result.stderr}"
        assert working_copies(warehouse) == [], name
        final = fingerprint(warehouse)
        assert check_complete(final, before) == [] and final["runs"] == after["runs"] + 1
    print(f"\nkilled while running: {mid_run}; before the swap: {mid_write} "
          f"(write window {window['s']:.2f} s)")
    assert {"lock taken", "copy made", "loading"} <= set(mid_run), mid_run
    assert {"copy made", "loading"} <= set(mid_write), mid_write
