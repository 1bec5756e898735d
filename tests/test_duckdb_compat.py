"""The warehouse file opens in every DuckDB client from 1.2 on, the DuckDB CLI included.

The oldest clients docs/sql.md promises are installed from PyPI into a throwaway directory
(duckdb 1.2.0 for Python, duckdb-cli 1.4.4, the oldest CLI package there is); a fresh warehouse,
and one migrated from DuckDB's newest storage format, must open read-only in both.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingest.refresh import import_snapshot
from warehouse.db import STORAGE_VERSIONS_READABLE, storage_version
from warehouse.settings import Settings

OLDEST_PYTHON_CLIENT = "duckdb==1.2.0"
OLDEST_CLI = "duckdb-cli==1.4.4"

# Counts every table and view in the old client; prints {name: rows} as JSON.
COUNT_ALL = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
# a count over 2 s (thesis_scorecard in 1.2, on a busy machine) prints a progress bar to stdout
con.execute("set enable_progress_bar = false")
names = [r[0] for r in con.execute(
    "select table_name from information_schema.tables where table_schema = 'main'").fetchall()]
print(json.dumps({"version": duckdb.__version__,
                  "rows": {n: con.execute(f'select count(*) from "{n}"').fetchone()[0]
                           for n in names}}))
"""


def _pip_target(spec: str, target: Path) -> Path:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--disable-pip-version-check",
            "--target",
            str(target),
            spec,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        pytest.fail(f"could not install {spec} from PyPI: {result.stderr[-1500:]}")
    return target


@pytest.fixture(scope="module")
def old_python(tmp_path_factory) -> Path:
    """A directory holding duckdb 1.2.0 for PYTHONPATH."""
    return _pip_target(OLDEST_PYTHON_CLIENT, tmp_path_factory.mktemp("duckdb-1.2.0"))


@pytest.fixture(scope="module")
def old_cli(tmp_path_factory) -> Path:
    """The DuckDB CLI binary of the oldest duckdb-cli package."""
    binary = _pip_target(OLDEST_CLI, tmp_path_factory.mktemp("duckdb-cli")) / "bin" / "duckdb"
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)  # --target drops the executable bit
    return binary


def _counts_now(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main'"
            ).fetchall()
        ]
        return {n: con.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}


def _counts_in_old_client(path: Path, old_python: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(old_python)}
    result = subprocess.run(
        [sys.executable, "-c", COUNT_ALL, str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def _assert_opens_everywhere(path: Path, old_python: Path, old_cli: Path) -> None:
    assert storage_version(path) in STORAGE_VERSIONS_READABLE
    expected = _counts_now(path)
    assert len(expected) > 20 and expected["prices_daily"] > 100_000
    old = _counts_in_old_client(path, old_python)
    assert old["version"] == "1.2.0"
    assert old["rows"] == expected  # every table and view, with the same rows
    cli = subprocess.run(
        [
            str(old_cli),
            "-readonly",
            str(path),
            "-csv",
            "-noheader",
            "-c",
            "select count(*) from prices_daily; select count(*) from thesis_scorecard",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert cli.returncode == 0, cli.stderr
    assert cli.stdout.split() == [str(expected["prices_daily"]), str(expected["thesis_scorecard"])]


def test_a_fresh_warehouse_opens_in_duckdb_1_2_and_the_cli(imported, tmp_path, old_python, old_cli):
    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(imported.db, path)
    _assert_opens_everywhere(path, old_python, old_cli)


def test_a_warehouse_in_the_newest_format_is_rewritten_on_the_next_refresh(
    imported, tmp_path, snapshot_dir, old_python, old_cli
):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:  # DuckDB's default: its own newest format
        name = con.execute("select current_database()").fetchone()[0]
        con.execute(f"attach '{imported.db}' as src (read_only)")
        con.execute(f"copy from database src to {name}")
    assert storage_version(path) not in STORAGE_VERSIONS_READABLE
    before = _counts_now(path)

    summary = import_snapshot(
        Settings.from_env(env={}, db=str(path)), snapshot_dir, datasets=["earnings_events"]
    )

    assert summary.exit_code == 0, summary.lines()
    after = _counts_now(path)
    assert after == {
        **before,
        "ingest_runs": before["ingest_runs"] + 1,
        "ingest_run_items": before["ingest_run_items"] + 1,
        "ingest_run_summary": before["ingest_run_summary"] + 1,
    }
    _assert_opens_everywhere(path, old_python, old_cli)
