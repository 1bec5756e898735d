"""One writer at a time: the second refresh is refused naming the holder (exit 2) or waits with
--wait; a lock left by a killed refresh never blocks the next one."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ingest.refresh import import_snapshot
from tests.conftest import REPO
from tests.consistency import (
    check_complete,
    cli_env,
    fingerprint,
    lock_record,
    paused_env,
    process_state,
    start_cli,
    stop,
    wait_until,
    working_copies,
)
from warehouse.db import write_session
from warehouse.lock import WarehouseBusy, current_writer, read_holder, writer_lock
from warehouse.settings import Settings


def run_cli(*args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "bubblemeter", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=cli_env(),
        timeout=timeout,
    )


def in_thread(fn):
    """Run fn in another thread and return what it returned or raised."""
    box = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed back to the test
            box["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=60)
    return box


def test_lock_is_reentrant_in_its_thread_and_refuses_others(tmp_path):
    settings = Settings(db=str(tmp_path / "w.duckdb"))
    with writer_lock(settings, command="test holder") as record:
        assert record["pid"] == os.getpid() and record["host"] == socket.gethostname()
        on_disk = json.loads(Path(f"{settings.db}.lock").read_text())
        assert on_disk["command"] == "test holder"
        with writer_lock(settings):  # the same thread may take it again
            pass
        assert current_writer(settings)["pid"] == os.getpid()
        other = in_thread(lambda: writer_lock(settings).__enter__())
        assert isinstance(other.get("error"), WarehouseBusy)
        message = str(other["error"])
        assert f"another refresh is writing {settings.db}" in message
        assert f"pid {os.getpid()}" in message and "(test holder)" in message
        assert "--wait" in message
    # released: the record is emptied and another thread takes it at once
    assert lock_record(settings.db) == "" and current_writer(settings) is None
    assert "error" not in in_thread(lambda: writer_lock(settings).__enter__().get("pid"))


def test_every_write_takes_the_lock(tmp_path, snapshot_dir):
    settings = Settings(db=str(tmp_path / "w.duckdb"))
    import_snapshot(settings, snapshot_dir, datasets=["corporate_actions"])
    before = Path(settings.db).read_bytes()
    with writer_lock(settings, command="another writer"):
        for write in (
            lambda: import_snapshot(settings, snapshot_dir),
            lambda: write_session(settings).__enter__(),
        ):
            box = in_thread(write)
            assert isinstance(box.get("error"), WarehouseBusy), box
    assert Path(settings.db).read_bytes() == before and working_copies(settings.db) == []


def test_a_dead_holders_record_does_not_block(tmp_path):
    settings = Settings(db=str(tmp_path / "w.duckdb"))
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    ).stdout.strip()
    Path(f"{settings.db}.lock").write_text(
        json.dumps(
            {
                "pid": int(dead),
                "host": socket.gethostname(),
                "started_at": "2026-01-02T03:04:05Z",
                "command": "bubblemeter refresh",
            }
        )
    )
    assert read_holder(Path(f"{settings.db}.lock"))["alive"] is False
    assert current_writer(settings) is None
    with writer_lock(settings) as record:
        assert record["pid"] == os.getpid()


@pytest.fixture
def stopped_refresh(tmp_path, snapshot_dir):
    """A real refresh paused (SIGSTOP) while it holds the lock; yields (db, process)."""
    db = str(tmp_path / "w.duckdb")
    # it stops itself once it holds the lock: never too early, never after it finished
    proc = start_cli(
        "refresh", "--from", str(snapshot_dir), "--db", db, env=paused_env("lock taken")
    )
    try:
        assert wait_until(lambda: process_state(proc.pid) == "T", 120), (
            "the refresh never took the lock"
        )
        assert f'"pid": {proc.pid}' in lock_record(db)
        yield db, proc
    finally:
        stop(proc)


def test_second_refresh_is_refused_then_waits(stopped_refresh, snapshot_dir, tmp_path):
    db, holder = stopped_refresh
    refused = run_cli("refresh", "--from", str(snapshot_dir), "--db", db)
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: another refresh is writing")
    assert f"pid {holder.pid} on {socket.gethostname()}" in lines[0]
    assert f"refresh --from {snapshot_dir} --db {db}" in lines[0]
    assert "use --wait" in lines[0]

    gave_up = run_cli(
        "refresh", "--from", str(snapshot_dir), "--db", db, "--wait", "--wait-timeout", "0.5"
    )
    assert gave_up.returncode == 2
    assert "still, after waiting 0.5 s" in gave_up.stderr and f"pid {holder.pid}" in gave_up.stderr

    waiter_err = tmp_path / "waiter.err"
    with open(waiter_err, "w") as err:
        waiter = start_cli("refresh", "--from", str(snapshot_dir), "--db", db, "--wait", stderr=err)
    try:
        assert wait_until(lambda: "waiting for the warehouse" in waiter_err.read_text(), 60)
        assert f"held by pid {holder.pid}" in waiter_err.read_text()
        assert waiter.poll() is None
        os.kill(holder.pid, signal.SIGCONT)
        assert holder.wait(timeout=120) == 0
        assert waiter.wait(timeout=120) == 0, waiter_err.read_text()
    finally:
        stop(waiter)
    fp = fingerprint(db)
    assert fp["runs"] == 2 and fp["runs_unfinished"] == 0
    assert check_complete(fp, fp) == []
    assert lock_record(db) == ""


def test_a_killed_refresh_leaves_no_lock_behind(tmp_path, snapshot_dir):
    db = str(tmp_path / "w.duckdb")
    assert run_cli("refresh", "--from", str(snapshot_dir), "--db", db).returncode == 0
    before = fingerprint(db)
    proc = start_cli(
        "refresh", "--from", str(snapshot_dir), "--db", db, env=paused_env("copy made")
    )
    try:
        assert wait_until(lambda: process_state(proc.pid) == "T", 120), (
            "the refresh never started writing"
        )
        assert working_copies(db)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        stop(proc)
    record = read_holder(Path(f"{db}.lock"))
    assert record["pid"] == proc.pid and record["alive"] is False  # left behind, stale
    assert working_copies(db)  # the dead writer's copy
    assert fingerprint(db) == before
    after = run_cli("refresh", "--from", str(snapshot_dir), "--db", db, timeout=60)
    assert after.returncode == 0, after.stderr
    assert working_copies(db) == [] and lock_record(db) == ""
    fp = fingerprint(db)
    assert check_complete(fp, before) == [] and fp["runs"] == before["runs"] + 1
