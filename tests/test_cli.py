"""The CLI contract: exit codes, one-line errors, --help, --db, formats."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO


def run(*args, env=None, stdin=None):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BUBBLEMETER_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bubblemeter", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=full_env,
        input=stdin,
        timeout=120,
    )


@pytest.mark.parametrize("command", ["refresh", "sql", "serve", "status"])
def test_every_subcommand_has_help_and_db(command):
    result = run(command, "--help")
    assert result.returncode == 0
    assert "--db" in result.stdout


def test_refresh_from_snapshot_then_status_and_sql(tmp_path, snapshot_dir):
    db = str(tmp_path / "w.duckdb")
    result = run("refresh", "--from", str(snapshot_dir), "--db", db)
    assert result.returncode == 0, result.stderr
    assert "0 failed" in result.stdout
    status = run("status", "--db", db)
    assert status.returncode == 0 and "prices_daily" in status.stdout
    csv = run(
        "sql",
        "select ticker, role from companies where ticker = 'NVDA'",
        "--format",
        "csv",
        "--db",
        db,
    )
    assert csv.stdout.splitlines() == ["ticker,role", "NVDA,gpu_vendor"]
    js = run(
        "sql", "select count(*) as n from companies", "--format", "json", env={"BUBBLEMETER_DB": db}
    )
    assert json.loads(js.stdout) == [{"n": 18}]
    piped = run("sql", "-", "--db", db, stdin="select 41 + 1 as answer")
    assert "42" in piped.stdout


def test_bad_sql_is_exit_1_with_one_line(tmp_path, imported):
    result = run("sql", "selec nonsense", "--db", imported.db)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("error:") and "Traceback" not in result.stderr


def test_sql_cannot_write(imported):
    result = run("sql", "delete from companies", "--db", imported.db)
    assert result.returncode == 1 and "read-only" in result.stderr.lower()


def test_missing_warehouse_is_a_clear_error(tmp_path):
    result = run("status", "--db", str(tmp_path / "none.duckdb"))
    assert result.returncode == 1
    assert "no warehouse" in result.stderr and "bubblemeter refresh" in result.stderr


def test_usage_errors_exit_2(tmp_path):
    assert (
        run(
            "refresh", "--from", str(tmp_path / "nope"), "--db", str(tmp_path / "w.duckdb")
        ).returncode
        == 2
    )
    assert run("refresh", "--source", "bogus", "--db", str(tmp_path / "w.duckdb")).returncode == 2
    assert run("frobnicate").returncode == 2


def test_broken_universe_file_is_a_config_error(tmp_path, snapshot_dir):
    bad = tmp_path / "u.toml"
    bad.write_text('[[company]]\nticker = "X"\nname = "X"\nrole = "wizard"\n')
    result = run(
        "refresh",
        "--from",
        str(snapshot_dir),
        "--db",
        str(tmp_path / "w.duckdb"),
        env={"BUBBLEMETER_UNIVERSE": str(bad)},
    )
    assert result.returncode == 2
    assert "wizard" in result.stderr and "Traceback" not in result.stderr


def test_live_refresh_offline_fails_fast_or_falls_back(tmp_path, snapshot_dir):
    db = str(tmp_path / "w.duckdb")
    env = {
        "BUBBLEMETER_YAHOO_URL": "http://127.0.0.1:9",
        "BUBBLEMETER_SEC_URL": "http://127.0.0.1:9",
        "BUBBLEMETER_CENSUS_URL": "http://127.0.0.1:9",
        "BUBBLEMETER_SEC_USER_AGENT": "test test@example.com",
    }
    offline = run("refresh", "--db", db, env=env)
    assert offline.returncode == 1
    fallback = run("refresh", "--fallback", str(snapshot_dir), "--db", db, env=env)
    assert fallback.returncode == 0, fallback.stderr
    assert "importing snapshot" in fallback.stderr
    assert "imported from snapshot" in fallback.stdout
