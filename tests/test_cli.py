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


def one_line_usage_error(result):
    """Exit 2 and exactly one line on stderr, no traceback, no usage block."""
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:") and "Traceback" not in result.stderr
    return lines[0]


def test_bare_command_prints_help_and_exits_0():
    result = run()
    assert result.returncode == 0, result.stderr
    assert "usage: bubblemeter" in result.stdout
    for command in ("refresh", "sql", "serve", "schedule", "status"):
        assert command in result.stdout


def test_version_comes_from_the_package_metadata():
    from importlib.metadata import version

    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"bubblemeter {version('bubblemeter')}"


def test_help_names_the_sources_and_schedule_defaults():
    from ingest.datasets import LIVE_SOURCES
    from ingest.schedule import DEFAULT_AT, DEFAULT_TZ

    refresh = run("refresh", "--help")
    assert ",".join(LIVE_SOURCES) in refresh.stdout and "{" not in refresh.stdout
    schedule = run("schedule", "--help")
    assert DEFAULT_AT in schedule.stdout and DEFAULT_TZ in schedule.stdout


def test_table_output_formats_numbers_for_people_csv_and_json_stay_raw(imported):
    # synthetic literals: a large money amount, a fraction, a null, a year, a count
    query = (
        "select 80726000000.0 as synthetic_usd, 0.25 as synthetic_share, "
        "null::double as synthetic_missing, 2024 as calendar_year, 1234567 as synthetic_count"
    )
    table = run("sql", query, "--db", imported.db)
    assert table.returncode == 0, table.stderr
    header, row = table.stdout.splitlines()[:2]
    assert "80,726,000,000" in row and "1,234,567" in row and "0.25" in row
    assert "2024" in row and "2,024" not in row
    assert "e+" not in row and "NaN" not in row and "None" not in row
    # the null is an empty cell: the row holds five columns' text, one of them blank
    assert row.split() == ["80,726,000,000", "0.25", "2024", "1,234,567"]
    csv = run("sql", query, "--format", "csv", "--db", imported.db)
    assert csv.stdout.splitlines()[1] == "80726000000.0,0.25,,2024,1234567"
    js = run("sql", query, "--format", "json", "--db", imported.db)
    assert json.loads(js.stdout) == [
        {
            "synthetic_usd": 80726000000.0,
            "synthetic_share": 0.25,
            "synthetic_missing": None,
            "calendar_year": 2024,
            "synthetic_count": 1234567,
        }
    ]


def test_table_output_of_real_prices_has_no_scientific_notation(imported):
    result = run(
        "sql",
        "select ticker, date, close, volume from prices_daily order by volume desc limit 3",
        "--db",
        imported.db,
    )
    assert result.returncode == 0, result.stderr
    assert "e+" not in result.stdout and "," in result.stdout.splitlines()[1]


def test_port_out_of_range_is_one_line_exit_2(imported):
    line = one_line_usage_error(run("serve", "--port", "99999", "--db", imported.db))
    assert "99999" in line and "65535" in line
    one_line_usage_error(run("serve", "--port", "http", "--db", imported.db))


def test_unknown_ticker_with_from_is_one_line_exit_2(tmp_path, snapshot_dir):
    db = tmp_path / "w.duckdb"
    result = run("refresh", "--from", str(snapshot_dir), "--tickers", "NOSUCH", "--db", str(db))
    assert "NOSUCH" in one_line_usage_error(result)
    assert not db.exists()


def test_missing_directories_are_one_line_exit_2(tmp_path, imported):
    missing = tmp_path / "no-such-dir"
    db = str(tmp_path / "w.duckdb")
    assert str(missing) in one_line_usage_error(run("refresh", "--from", str(missing), "--db", db))
    assert str(missing) in one_line_usage_error(
        run("refresh", "--fallback", str(missing), "--db", db)
    )
    out = missing / "out.csv"
    line = one_line_usage_error(
        run("sql", "select 1", "--format", "csv", "--output", str(out), "--db", imported.db)
    )
    assert str(missing) in line and not missing.exists()


def test_unknown_command_and_option_are_one_line_exit_2():
    one_line_usage_error(run("frobnicate"))
    one_line_usage_error(run("status", "--no-such-option"))


def test_status_shows_ages_and_warns_when_stale(imported):
    result = run("status", "--db", imported.db)
    assert result.returncode == 0, result.stderr
    # the fixture loaded moments ago: its age reads "just now" or "N minutes ago"
    assert "just now" in result.stdout or " ago" in result.stdout
    # microsecond timestamps are gone: no '12:20:11.436946'
    assert not any(":" in word and "." in word for word in result.stdout.split())
    # the real snapshot's newest price lies far behind today: stale, and said so
    assert "warning: stale prices" in result.stderr
