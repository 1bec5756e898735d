"""The daily schedule: trigger times across DST (computed, no sleeping), cron and systemd
output, the failure hook, and the scheduler loop that keeps going after a failed refresh."""

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from ingest.schedule import (
    RefreshScheduler,
    crontab_text,
    next_runs,
    parse_days,
    parse_plan,
    plan_trigger,
    refresh_args,
    systemd_units,
)
from tests.conftest import REPO
from warehouse.scheduler_state import read_state, state_path
from warehouse.settings import ConfigError, Settings

NEW_YORK = ZoneInfo("America/New_York")
UTC = UTC


def run_cli(*args, env=None, timeout=120):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BUBBLEMETER_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bubblemeter", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=full_env,
        timeout=timeout,
    )


def utc_times(runs):
    return [r.astimezone(UTC).strftime("%a %Y-%m-%d %H:%M") for r in runs]


# --- trigger times across daylight-saving changes -----------------------------------------


def test_default_is_1830_new_york_weekdays_across_the_march_change():
    # US clocks go forward on Sunday 2026-03-08: 18:30 EST is 23:30 UTC, 18:30 EDT is 22:30.
    runs = next_runs(plan_trigger(parse_plan()), datetime(2026, 3, 5, 12, tzinfo=NEW_YORK), 5)
    assert [r.strftime("%a %Y-%m-%d %H:%M") for r in runs] == [
        "Thu 2026-03-05 18:30",
        "Fri 2026-03-06 18:30",
        "Mon 2026-03-09 18:30",
        "Tue 2026-03-10 18:30",
        "Wed 2026-03-11 18:30",
    ]
    assert [r.utcoffset() for r in runs] == [timedelta(hours=-5)] * 2 + [timedelta(hours=-4)] * 3
    assert utc_times(runs) == [
        "Thu 2026-03-05 23:30",
        "Fri 2026-03-06 23:30",
        "Mon 2026-03-09 22:30",
        "Tue 2026-03-10 22:30",
        "Wed 2026-03-11 22:30",
    ]


def test_default_schedule_across_the_november_change():
    # US clocks go back on Sunday 2026-11-01.
    runs = next_runs(plan_trigger(parse_plan()), datetime(2026, 10, 29, 19, tzinfo=NEW_YORK), 3)
    assert utc_times(runs) == [
        "Fri 2026-10-30 22:30",
        "Mon 2026-11-02 23:30",
        "Tue 2026-11-03 23:30",
    ]
    assert [r.hour for r in runs] == [18, 18, 18]


def test_another_zone_and_every_day():
    # Europe/London leaves BST on Sunday 2026-10-25; a daily 07:00 stays 07:00 local.
    plan = parse_plan("07:00", "Europe/London", "daily")
    runs = next_runs(plan_trigger(plan), datetime(2026, 10, 23, 12, tzinfo=UTC), 4)
    assert utc_times(runs) == [
        "Sat 2026-10-24 06:00",
        "Sun 2026-10-25 07:00",
        "Mon 2026-10-26 07:00",
        "Tue 2026-10-27 07:00",
    ]


def test_a_repeated_hour_runs_once_and_a_skipped_hour_runs_an_hour_late():
    # 01:30 happens twice on 2026-11-01 in New York; 02:30 does not happen on 2026-03-08.
    late_night = plan_trigger(parse_plan("01:30", "America/New_York", "daily"))
    runs = next_runs(late_night, datetime(2026, 10, 31, 12, tzinfo=UTC), 3)
    assert utc_times(runs) == [
        "Sun 2026-11-01 05:30",
        "Mon 2026-11-02 06:30",
        "Tue 2026-11-03 06:30",
    ]
    skipped = plan_trigger(parse_plan("02:30", "America/New_York", "daily"))
    runs = next_runs(skipped, datetime(2026, 3, 7, 12, tzinfo=UTC), 2)
    assert utc_times(runs) == ["Sun 2026-03-08 07:30", "Mon 2026-03-09 06:30"]


def test_days_and_bad_values():
    assert parse_days("mon-fri") == (0, 1, 2, 3, 4)
    assert parse_days("mon,wed,fri") == (0, 2, 4)
    assert parse_days("fri-mon") == (0, 4, 5, 6)
    assert parse_days("daily") == tuple(range(7))
    assert parse_plan(days="sat-sun").days_text() == "sat-sun"
    for kwargs in (
        {"at": "25:00"},
        {"at": "6pm"},
        {"tz": "Mars/Olympus"},
        {"days": "weekdays"},
        {"days": "mon-"},
    ):
        with pytest.raises(ConfigError):
            parse_plan(**kwargs)


def test_cli_next_and_usage_errors(tmp_path):
    helped = run_cli("schedule", "--help")
    assert helped.returncode == 0 and "--db" in helped.stdout and "--print-systemd" in helped.stdout
    shown = run_cli("schedule", "--next", "2", "--tz", "Asia/Tokyo", "--at", "07:15")
    assert shown.returncode == 0, shown.stderr
    assert "07:15 Asia/Tokyo, mon-fri" in shown.stdout
    assert shown.stdout.count("07:15 JST (22:15 UTC)") == 2
    bad = run_cli("schedule", "--tz", "Nowhere/Special", "--db", str(tmp_path / "w.duckdb"))
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: --tz") and len(bad.stderr.splitlines()) == 1
    missing = run_cli(
        "schedule", "--from", str(tmp_path / "nope"), "--db", str(tmp_path / "w.duckdb")
    )
    assert missing.returncode == 2 and "does not exist" in missing.stderr


# --- cron and systemd ------------------------------------------------------------------------


def test_print_cron_uses_the_installed_command_and_absolute_db(tmp_path):
    result = run_cli(
        "schedule",
        "--print-cron",
        "--db",
        "rel/warehouse.duckdb",
        env={"BUBBLEMETER_SEC_USER_AGENT": "Jane Doe jane@example.com"},
    )
    assert result.returncode == 0, result.stderr
    entry = [line for line in result.stdout.splitlines() if line.startswith("30 18 ")]
    assert len(entry) == 1
    fields = entry[0].split()
    assert fields[:5] == ["30", "18", "*", "*", "1-5"]
    assert "BUBBLEMETER_SEC_USER_AGENT='Jane Doe jane@example.com'" in entry[0]
    exe = next(f for f in fields[5:] if f.startswith("/"))
    assert Path(exe).name == "bubblemeter" and os.access(exe, os.X_OK)
    db = str(REPO / "rel" / "warehouse.duckdb")
    assert f"refresh --db {db} --wait" in entry[0]
    assert entry[0].endswith(f">> {db}.refresh.log 2>&1")


def test_crontab_time_zone_and_percent_escaping():
    plan = parse_plan("18:30", "America/New_York", "sat-sun")
    argv = ["/opt/bm/bubblemeter", "refresh", "--db", "/data/w 100%.duckdb"]
    here = crontab_text(plan, argv, "/data/log", env={}, local_zone="America/New_York")
    assert "CRON_TZ" not in here
    assert "30 18 * * 0,6 /opt/bm/bubblemeter refresh --db '/data/w 100\\%.duckdb'" in here
    elsewhere = crontab_text(plan, argv, "/data/log", env={}, local_zone="Etc/UTC")
    assert "\nCRON_TZ=America/New_York\n" in elsewhere


def test_print_systemd_timer_is_persistent_and_right_in_the_zone(tmp_path, snapshot_dir):
    db = tmp_path / "w.duckdb"
    result = run_cli(
        "schedule",
        "--print-systemd",
        "--db",
        str(db),
        "--from",
        str(snapshot_dir),
        "--on-failure",
        'mail -s "refresh failed" ops@example.com',
    )
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "OnCalendar=Mon..Fri *-*-* 18:30:00 America/New_York" in text
    assert "Persistent=true" in text and "Type=oneshot" in text
    exec_line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    exe = exec_line.split("=", 1)[1].split()[0]
    assert exe.startswith("/") and os.access(exe, os.X_OK)
    assert f"--db {db}" in exec_line and f"--from {snapshot_dir}" in exec_line
    # --on-failure goes through `schedule --once`, which owns the hook
    assert "schedule --once" in exec_line
    assert '--on-failure "mail -s \\"refresh failed\\" ops@example.com"' in exec_line
    analyze = shutil.which("systemd-analyze")
    if analyze:  # the machine's own systemd checks the units and the calendar expression
        service, timer = text.split("\n\n# ~/.config/systemd/user/bubblemeter-refresh.timer\n")
        (tmp_path / "bubblemeter-refresh.service").write_text(service)
        (tmp_path / "bubblemeter-refresh.timer").write_text(timer.split("\n# Then:")[0])
        verify = subprocess.run(
            [analyze, "verify", "bubblemeter-refresh.service", "bubblemeter-refresh.timer"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert verify.returncode == 0, verify.stderr


def test_systemd_quoting_of_specials():
    plan = parse_plan()
    text = systemd_units(
        plan,
        ["/x/bubblemeter", "refresh", "--db", "/d/50% $HOME.duckdb"],
        "/d/w.duckdb",
        env={"BUBBLEMETER_SEC_USER_AGENT": "Jane jane@x.org"},
    )
    assert 'ExecStart=/x/bubblemeter refresh --db "/d/50%% $$HOME.duckdb"' in text
    assert 'Environment="BUBBLEMETER_SEC_USER_AGENT=Jane jane@x.org"' in text


# --- running refreshes -------------------------------------------------------------------


@pytest.fixture
def broken_snapshot(tmp_path):
    """A synthetic snapshot with one malformed file: a refresh from it fails (exit 1)."""
    root = tmp_path / "broken_snapshot"
    root.mkdir()
    (root / "corporate_actions.csv").write_text("ticker,date,action\nNVDA,not-a-date,split\n")
    return root


def test_once_reports_a_failed_refresh_on_stdin_of_the_hook(tmp_path, broken_snapshot):
    got = tmp_path / "hook.txt"
    result = run_cli(
        "schedule",
        "--once",
        "--db",
        str(tmp_path / "w.duckdb"),
        "--from",
        str(broken_snapshot),
        "--on-failure",
        f"cat > {got}",
    )
    assert result.returncode == 1, result.stderr
    text = got.read_text()
    assert text.startswith("bubblemeter: scheduled refresh failed (exit 1)")
    assert "corporate_actions.csv" in text and "missing column" in text
    assert "refresh failed (exit 1)" in result.stderr  # the log line
    assert not state_path(Settings(db=str(tmp_path / "w.duckdb"))).exists()


def test_once_success_runs_no_hook(tmp_path, snapshot_dir):
    got = tmp_path / "hook.txt"
    result = run_cli(
        "schedule",
        "--once",
        "--db",
        str(tmp_path / "w.duckdb"),
        "--from",
        str(snapshot_dir),
        "--source",
        "corporate_actions",
        "--on-failure",
        f"cat > {got}",
    )
    assert result.returncode == 0, result.stderr
    assert "refresh ok (exit 0)" in result.stderr and not got.exists()


def test_scheduler_keeps_running_after_failed_refreshes(tmp_path, broken_snapshot):
    """The real APScheduler loop on a one-second trigger, with refreshes that fail."""
    settings = Settings(db=str(tmp_path / "w.duckdb"))
    hook_log = tmp_path / "failures.txt"
    scheduler = RefreshScheduler(
        settings,
        refresh_args(settings.db, from_dir=str(broken_snapshot)),
        trigger=IntervalTrigger(seconds=1, timezone=UTC),
        describe="every second (test)",
        on_failure=f"head -1 >> {hook_log}",
    )
    loop = threading.Thread(target=scheduler.run_forever, daemon=True)
    loop.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = read_state(settings) or {}
            if (
                state.get("run_count", 0) >= 2
                and hook_log.exists()
                and len(hook_log.read_text().splitlines()) >= 2
            ):
                break
            time.sleep(0.2)
        state = read_state(settings)
        assert state["run_count"] >= 2 and state["failure_count"] == state["run_count"]
        assert state["alive"] and state["pid"] == os.getpid()
        assert state["last_status"] == "failed" and state["last_exit_code"] == 1
        assert "): failed - 0 loaded" in state["last_summary"]  # nothing loaded
        assert datetime.fromisoformat(state["next_run_at"]) > datetime.fromisoformat(
            state["last_run_at"]
        )
        assert all(
            line.startswith("bubblemeter: scheduled refresh failed")
            for line in hook_log.read_text().splitlines()
        )
    finally:
        scheduler.stop()
        loop.join(timeout=30)
    assert not loop.is_alive()
    state = read_state(settings)
    assert state["stopped_at"] and state["next_run_at"] is None


def test_schedule_command_status_and_stop(tmp_path, snapshot_dir):
    db = str(tmp_path / "w.duckdb")
    assert run_cli("refresh", "--from", str(snapshot_dir), "--db", db).returncode == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUBBLEMETER_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bubblemeter", "schedule", "--db", db, "--from", str(snapshot_dir)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    settings = Settings(db=db)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (read_state(settings) or {}).get("alive"):
            time.sleep(0.1)
        state = read_state(settings)
        assert state and state["alive"] and state["pid"] == proc.pid
        nxt = datetime.fromisoformat(state["next_run_at"])
        assert nxt.astimezone(NEW_YORK).strftime("%H:%M") == "18:30"
        assert nxt.astimezone(NEW_YORK).weekday() < 5 and nxt > datetime.now(UTC)
        status = run_cli("status", "--db", db)
        assert status.returncode == 0
        assert f"scheduler: running (pid {proc.pid}" in status.stdout
        assert "18:30 America/New_York, mon-fri" in status.stdout
        assert f"next run: {state['next_run_at']}" in status.stdout
        second = run_cli("schedule", "--db", db, "--from", str(snapshot_dir))
        assert second.returncode == 2
        assert "a scheduler is already running" in second.stderr
        assert f"pid {proc.pid}" in second.stderr
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "next run: " in err and "scheduler stopped" in err
    state = json.loads(state_path(settings).read_text())
    assert state["stopped_at"]
    assert "scheduler: not running" in run_cli("status", "--db", db).stdout


def test_stopping_the_scheduler_mid_refresh_leaves_the_warehouse(
    tmp_path, snapshot_dir, monkeypatch
):
    from tests.consistency import fingerprint, process_state, working_copies
    from warehouse.crashpoints import PAUSE_ENV
    from warehouse.lock import current_writer

    db = str(tmp_path / "w.duckdb")
    assert run_cli("refresh", "--from", str(snapshot_dir), "--db", db).returncode == 0
    before = fingerprint(db)
    settings = Settings(db=db)
    hook_log = tmp_path / "failures.txt"
    # The scheduled refresh stops itself (SIGSTOP) once its working copy exists: mid-write,
    # however fast or slow the machine is.
    monkeypatch.setenv(PAUSE_ENV, "copy made")
    scheduler = RefreshScheduler(
        settings,
        refresh_args(db, from_dir=str(snapshot_dir)),
        trigger=IntervalTrigger(seconds=1, timezone=UTC),
        describe="every second (test)",
        on_failure=f"cat >> {hook_log}",
    )
    loop = threading.Thread(target=scheduler.run_forever, daemon=True)
    loop.start()
    child = None
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            writer = current_writer(settings)
            if writer and process_state(writer["pid"]) == "T":
                child = writer["pid"]
                break
            time.sleep(0.05)
        assert child, "the scheduled refresh never reached its working copy"
        assert working_copies(db)
        assert (read_state(settings) or {}).get("running_since")
    finally:
        scheduler.stop()  # SIGTERM to the paused refresh: delivered when it continues
        if child:
            os.kill(child, signal.SIGCONT)
        loop.join(timeout=60)
    assert not loop.is_alive()
    state = read_state(settings)
    assert state["run_count"] == 1 and state["last_status"] == "failed"
    assert state["last_summary"].startswith("stopped with the scheduler")
    assert state["stopped_at"] and state["running_since"] is None
    assert not hook_log.exists()
    assert fingerprint(db) == before
