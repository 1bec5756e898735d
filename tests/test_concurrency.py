"""One writer, many readers: a served dashboard and SQL readers keep answering, from complete
warehouses only, while live refreshes run; a refresh killed at any point leaves the previous
warehouse intact, no lock behind, and the next refresh succeeds.

The writers are `bubblemeter refresh` processes (the real yfinance library and SEC client)
talking to the loopback fake Yahoo and SEC servers of this process. The fakes' clock moves
between refreshes, so each refresh loads new days and leaves a different complete warehouse:
every answer must be exactly one of the complete warehouses that existed while it was asked.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
import requests

from ingest.live import refresh_live
from ingest.refresh import import_snapshot
from tests.conftest import REPO, free_port
from tests.consistency import (
    FINGERPRINT_SQL,
    check_complete,
    cli_env,
    data_of,
    fingerprint,
    fingerprint_from_rows,
    run_problems,
    state_of,
    stop,
    wait_until,
    working_copies,
)
from tests.fakes import FakeSec, FakeYahoo
from tests.fakes.fixtures import CLEAN_TICKERS, SEC_USER_AGENT, shared_census
from tests.live_helpers import FIRST_AS_OF, copy_warehouse, settings_for
from tests.serving import answers
from warehouse import runlog
from warehouse.crashpoints import CRASH_ENV, POINTS
from warehouse.db import write_session
from warehouse.lock import current_writer
from warehouse.query import run_query
from warehouse.reader import READER, query_df
from warehouse.settings import Settings

# The writer: `bubblemeter refresh --tickers ... --db DB`, live, against the fakes. Every item of
# these tickers loads from the fakes (exit 0); the other companies keep their snapshot rows.
WRITER = ("refresh", "--tickers", ",".join(CLEAN_TICKERS))
# The fakes' clock: the baseline's live load, then one day per refresh (new bars each time).
REFRESH_DAYS = (date(2026, 6, 8), date(2026, 6, 15), date(2026, 6, 22))
KILL_DAYS = (
    date(2026, 6, 4),
    date(2026, 6, 10),
    date(2026, 6, 16),
    date(2026, 6, 22),
    date(2026, 6, 29),
)
# Generous: a loaded machine must not turn slow loopback answers into retries.
HTTP_TIMEOUT_S = "30"
MIN_REQUESTS = 300

# The answers compared byte for byte with a complete warehouse's: the top-level layout (with
# the stale/snapshot banner), the thesis page and the data-status page (runs, their times and
# item counts: it differs between any two complete warehouses here). The markets page is left
# out: its figures' last float bits vary between identical requests (DuckDB adds in parallel,
# in no fixed order; with threads=1 the answer repeats).
PAGES = {"thesis": "/", "status": "/status"}
KINDS = ("layout", *PAGES)


def page_callback(path: str) -> dict:
    """The request Dash's page container sends to render the page at `path`."""
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }


def ask(session: requests.Session, url: str, kind: str) -> requests.Response:
    """One dashboard request of a kind in KINDS."""
    if kind == "layout":
        return session.get(url + "/_dash-layout", timeout=60)
    return session.post(
        url + "/_dash-update-component", json=page_callback(PAGES[kind]), timeout=60
    )


def digest(response: requests.Response) -> str:
    return hashlib.sha256(response.content).hexdigest()


@pytest.fixture(scope="module")
def fakes(yfinance_cache):
    """The fake Yahoo and SEC for the whole module; tests set yahoo.as_of before refreshing."""
    with FakeYahoo(as_of=FIRST_AS_OF) as yahoo, FakeSec() as sec:
        yield yahoo, sec


@pytest.fixture(scope="module")
def template(tmp_path_factory, fakes, snapshot_dir) -> Path:
    """A complete warehouse: the real snapshot, then a live load of CLEAN_TICKERS at FIRST_AS_OF."""
    yahoo, sec = fakes
    path = tmp_path_factory.mktemp("baseline") / "warehouse.duckdb"
    assert import_snapshot(Settings(db=str(path)), snapshot_dir).exit_code == 0
    yahoo.as_of = FIRST_AS_OF
    summary = refresh_live(
        settings_for(path, yahoo, sec, http_timeout_s=float(HTTP_TIMEOUT_S)), tickers=CLEAN_TICKERS
    )
    assert summary.exit_code == 0, summary.lines()
    return path


@pytest.fixture
def warehouse(tmp_path, template) -> str:
    return str(copy_warehouse(template, tmp_path / "warehouse.duckdb"))


@pytest.fixture
def writer_env(tmp_path, fakes) -> dict[str, str]:
    """The writers' environment: the fakes' URLs, short timeouts, yfinance caches in tmp_path."""
    yahoo, sec = fakes
    env = cli_env()
    env.update(
        BUBBLEMETER_YAHOO_URL=yahoo.url,
        BUBBLEMETER_SEC_URL=sec.url,
        BUBBLEMETER_CENSUS_URL=shared_census().url,
        BUBBLEMETER_SEC_USER_AGENT=SEC_USER_AGENT,
        BUBBLEMETER_HTTP_TIMEOUT=HTTP_TIMEOUT_S,
        BUBBLEMETER_HTTP_BACKOFF="0.05",
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    return env


def writer_command(db: str) -> list[str]:
    return [*WRITER, "--db", db]


def run_writer(db: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bubblemeter", *writer_command(db)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=timeout,
    )


def test_the_check_rejects_incomplete_warehouses(tmp_path, warehouse, fakes, snapshot_dir):
    yahoo, sec = fakes
    baseline = fingerprint(warehouse)
    assert check_complete(baseline, baseline) == [] and state_of(baseline, [baseline]) == 0
    assert {"items_max:snapshot", "items_max:live"} <= set(baseline)
    # Half the datasets of a snapshot import.
    partial = Settings(db=str(tmp_path / "partial.duckdb"))
    import_snapshot(partial, snapshot_dir, datasets=["prices"])
    assert any("financial_facts" in p for p in check_complete(fingerprint(partial.db), baseline))
    # A live run that logged fewer items than a complete live run.
    short = copy_warehouse(Path(warehouse), tmp_path / "short.duckdb")
    yahoo.as_of = FIRST_AS_OF
    refresh_live(settings_for(short, yahoo, sec), tickers=CLEAN_TICKERS[:1])
    assert any("items per live run" in p for p in run_problems(fingerprint(short), baseline))
    # Rows changed without a run: the run log and row counts look complete; the data is no
    # complete warehouse's.
    changed = Settings(db=str(copy_warehouse(Path(warehouse), tmp_path / "changed.duckdb")))
    with write_session(changed) as con:
        updated = con.execute(
            "update prices_daily set close = close + 1 where ticker = 'NVDA' "
            "and date = (select max(date) from prices_daily "
            "where ticker = 'NVDA')"
        ).fetchall()
    assert updated == [(1,)]
    assert check_complete(fingerprint(changed.db), baseline) == []
    assert state_of(fingerprint(changed.db), [baseline]) is None
    # A run opened, never closed.
    with write_session(Settings(db=warehouse)) as con:
        runlog.start_run(con, "test", "live")
    assert any("still 'running'" in p for p in check_complete(fingerprint(warehouse), baseline))


def test_one_answer_reads_one_warehouse(tmp_path, template):
    """Within READER.request() (one dashboard request) every query reads the
    warehouse of the first one, even after a refresh swapped a new one in; others see the new."""
    settings = Settings(db=str(copy_warehouse(template, tmp_path / "warehouse.duckdb")))
    newer = Settings(db=str(copy_warehouse(template, tmp_path / "newer.duckdb")))
    with write_session(newer) as con:
        runlog.finish_run(con, runlog.start_run(con, "test", "live"))
    runs = "select count(*) as n from ingest_runs"
    first = int(query_df(settings, runs).n[0])
    with READER.request(settings):
        assert int(query_df(settings, runs).n[0]) == first
        os.replace(newer.db, settings.db)  # what a refresh's swap does
        assert int(query_df(settings, runs).n[0]) == first
        assert fingerprint(settings.db)["runs"] == first + 1
    assert int(query_df(settings, runs).n[0]) == first + 1


class Server:
    """`bubblemeter serve` on a free loopback port."""

    def __init__(self, db: str, log_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bubblemeter", "serve", "--db", db, "--port", str(self.port)],
            cwd=REPO,
            env=cli_env(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    def ready(self) -> bool:
        return answers(self.url + "/")

    def close(self) -> None:
        stop(self.proc)
        self.log.close()


def test_dashboard_and_sql_answer_while_refreshes_run(tmp_path, warehouse, fakes, writer_env):
    yahoo, _ = fakes
    server = Server(warehouse, tmp_path / "serve.log")
    # Complete warehouse k (k = 0 before any refresh, k after refresh k): its fingerprint and
    # the digest of each dashboard answer, taken while no refresh runs.
    states: list[dict[str, int]] = []
    refs: dict[str, list[str]] = {kind: [] for kind in KINDS}
    # What each reader got: (what, generation at the start, at the end, answer)
    answers: list[tuple[str, int, int, object]] = []
    errors: list[str] = []
    counts = {"http": 0, "http_during_refresh": 0, "sql": 0}
    codes: list[int] = []
    took: list[float] = []  # seconds each refresh ran
    guard = threading.Lock()
    writing, done = threading.Event(), threading.Event()
    generation = [0]  # refreshes finished so far

    def take_references(session: requests.Session) -> None:
        states.append(fingerprint(warehouse))
        for kind in KINDS:
            r = ask(session, server.url, kind)
            assert r.status_code == 200, f"{kind}: HTTP {r.status_code}: {r.text[:200]}"
            refs[kind].append(digest(r))

    def enough() -> bool:
        return done.is_set() and counts["http"] >= MIN_REQUESTS

    def http_client(kind: str) -> None:
        with requests.Session() as session:
            while not enough() and len(errors) < 20:
                start = generation[0]
                try:
                    r = ask(session, server.url, kind)
                    answer = digest(r) if r.status_code == 200 else None
                    problem = None if answer else f"{kind}: HTTP {r.status_code}: {r.text[:200]}"
                except requests.RequestException as exc:
                    answer, problem = None, f"{kind}: {type(exc).__name__}: {exc}"
                with guard:
                    counts["http"] += 1
                    counts["http_during_refresh"] += writing.is_set()
                    if problem:
                        errors.append(problem)
                    else:
                        answers.append((kind, start, generation[0], answer))

    def sql_reader() -> None:
        # The code path of `bubblemeter sql`, a fresh read-only connection per query.
        settings = Settings(db=warehouse)
        while not enough() and len(errors) < 20:
            start = generation[0]
            try:
                rows = run_query(settings, FINGERPRINT_SQL).itertuples(index=False)
                fp, problem = fingerprint_from_rows(rows), None
            except Exception as exc:
                fp, problem = None, f"sql: {type(exc).__name__}: {exc}"
            with guard:
                counts["sql"] += 1
                if problem:
                    errors.append(problem)
                else:
                    answers.append(("sql", start, generation[0], fp))
            time.sleep(0.02)  # leave the two cores to the server and the writer

    def writer() -> None:
        try:
            with requests.Session() as session:
                for day in REFRESH_DAYS:
                    yahoo.as_of = day
                    writing.set()
                    began = time.monotonic()
                    result = run_writer(warehouse, writer_env)
                    took.append(time.monotonic() - began)
                    writing.clear()
                    generation[0] += 1
                    codes.append(result.returncode)
                    if result.returncode != 0:
                        errors.append(f"refresh exit {result.returncode}: {result.stderr}")
                    take_references(session)
        except Exception as exc:
            errors.append(f"writer: {type(exc).__name__}: {exc}")
        finally:
            writing.clear()
            done.set()

    try:
        assert wait_until(server.ready, 120, 0.2), (tmp_path / "serve.log").read_text()
        with requests.Session() as session:
            take_references(session)
        threads = [threading.Thread(target=http_client, args=(kind,)) for kind in KINDS]
        threads += [threading.Thread(target=sql_reader), threading.Thread(target=writer)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
        elapsed = time.monotonic() - started
        assert not any(t.is_alive() for t in threads)
        # The check can fail: the data-status page of a warehouse with a run still open is none
        # of the complete warehouses' answers, and its fingerprint fails the run-log check.
        with write_session(Settings(db=warehouse)) as con:
            runlog.start_run(con, "test", "live")
        with requests.Session() as session:
            open_run = digest(ask(session, server.url, "status"))
    finally:
        server.close()
    log = (tmp_path / "serve.log").read_text()
    print(
        f"\n{counts['http']} HTTP requests ({counts['http_during_refresh']} during refreshes) "
        f"and {counts['sql']} SQL queries in {elapsed:.1f} s while {len(codes)} live "
        f"refreshes ran ({', '.join(f'{s:.1f}' for s in took)} s); {len(errors)} errors"
    )
    assert errors == []
    assert codes == [0] * len(REFRESH_DAYS)
    # How many land during a refresh depends on how fast this machine is today; a few dozen
    # are enough to show the swaps are invisible (the baseline run had 156 of 302).
    assert counts["http"] >= MIN_REQUESTS and counts["http_during_refresh"] >= MIN_REQUESTS // 10
    assert counts["sql"] >= 10
    assert "Traceback" not in log and "could not set lock" not in log.lower()

    # Every complete warehouse is complete, each refresh added one run and changed the data,
    # and the data-status page tells any two of them apart.
    assert len(states) == len(REFRESH_DAYS) + 1
    for k, state in enumerate(states):
        assert run_problems(state, states[0]) == [], k
        assert state["runs"] == states[0]["runs"] + k
    assert len({tuple(sorted(data_of(s).items())) for s in states}) == len(states)
    assert len(set(refs["status"])) == len(states)
    assert open_run not in refs["status"]
    assert run_problems(fingerprint(warehouse), states[0])

    # Every answer is exactly a complete warehouse that existed while it was asked: the one in
    # place when it started, or one a refresh swapped in before it ended.
    wrong, seen = [], {"sql": set(), "status": set()}
    for what, start, end, answer in answers:
        allowed = range(start, min(end + 1, len(states) - 1) + 1)
        got = (
            state_of(answer, states)
            if what == "sql"
            else next((k for k in allowed if refs[what][k] == answer), None)
        )
        if got not in allowed:
            why = (
                run_problems(answer, states[0]) or "data of no complete warehouse"
                if what == "sql"
                else "no complete warehouse's answer"
            )
            wrong.append(f"{what} asked during refreshes {start}..{end + 1}: {why}")
        elif what in seen:
            seen[what].add(got)
    assert wrong == [], wrong[:5]
    print(
        f"answers came from {len(seen['sql'])} (SQL) and {len(seen['status'])} (data-status "
        f"page) of the {len(states)} complete warehouses"
    )
    assert len(seen["sql"]) >= 2 and len(seen["status"]) >= 2


def test_refresh_killed_at_any_point_leaves_the_previous_warehouse(
    tmp_path, warehouse, fakes, writer_env
):
    """kill -9 at every crash point (warehouse.crashpoints): the writer dies exactly there."""
    yahoo, _ = fakes
    started = time.monotonic()
    assert len(KILL_DAYS) == len(POINTS)
    for name, day in zip(POINTS, KILL_DAYS):
        yahoo.as_of = day  # this refresh loads new days: its warehouse differs
        before = fingerprint(warehouse)
        victim = run_writer(warehouse, {**writer_env, CRASH_ENV: name})
        assert victim.returncode == -signal.SIGKILL, f"{name}: {victim.returncode} {victim.stderr}"
        after = fingerprint(warehouse)  # opens, read-only, with a complete run log
        assert run_problems(after, before) == [], name
        assert current_writer(Settings(db=warehouse)) is None, name
        if name == "just swapped in":  # the new warehouse is complete: it stays
            assert after["runs"] == before["runs"] + 1 and data_of(after) != data_of(before)
        else:  # killed before its swap: exactly the previous one
            assert after == before, name
            # a dead writer's working copy is left until the next refresh removes it
            assert bool(working_copies(warehouse)) == (name != "lock taken"), name
        result = run_writer(warehouse, writer_env, timeout=120)  # no --wait: a held lock exits 2
        assert result.returncode == 0, f"{name}: {result.stderr}"
        assert working_copies(warehouse) == [], name
        final = fingerprint(warehouse)
        assert run_problems(final, before) == [] and final["runs"] == after["runs"] + 1, name
        if after == before:  # the refresh after the kill loaded the new days
            assert data_of(final) != data_of(before), name
        else:  # the killed one had: what it swapped in was complete
            assert data_of(final) == data_of(after), name
    print(
        f"\n{len(POINTS)} kills ({', '.join(POINTS)}) and {len(POINTS)} live refreshes in "
        f"{time.monotonic() - started:.1f} s"
    )
