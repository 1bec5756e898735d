"""The Dagster definitions: assets materialised in-process against the loopback fakes."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest
from dagster import AssetCheckSeverity, DagsterInstance, materialize

from orchestration.definitions import (
    DAILY_CRON,
    DAILY_TZ,
    LIVE_ASSETS,
    WarehouseResource,
    census_btos,
    defs,
    earnings_dates,
    prices,
    sec_facts,
    sec_filings,
    snapshot_import,
    statements,
)
from tests.conftest import REPO, SNAPSHOT, free_port
from tests.fakes.fixtures import CLEAN_TICKERS, HTTP, SEC_USER_AGENT, shared_census
from tests.live_helpers import FIRST_AS_OF
from warehouse.db import primary_keys
from warehouse.reader import query_df
from warehouse.settings import Settings

ALL_ASSETS = [
    prices,
    statements,
    earnings_dates,
    sec_filings,
    sec_facts,
    census_btos,
    snapshot_import,
]
# the Census workbooks are not per company: a refresh of some tickers leaves them out
PER_COMPANY = tuple(a for a in LIVE_ASSETS if a != "census_btos")
SNAPSHOT_TABLES = ["segment_revenue", "customer_concentration", "adoption_indicators"]


@pytest.fixture
def env(monkeypatch, fake_yahoo, fake_sec):
    """The environment a Dagster deployment would set: BUBBLEMETER_* pointing at the fakes."""
    for name in [k for k in os.environ if k.startswith("BUBBLEMETER_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("BUBBLEMETER_YAHOO_URL", fake_yahoo.url)
    monkeypatch.setenv("BUBBLEMETER_SEC_URL", fake_sec.url)
    monkeypatch.setenv("BUBBLEMETER_SEC_ARCHIVES_URL", fake_sec.url)
    monkeypatch.setenv("BUBBLEMETER_CENSUS_URL", shared_census().url)
    monkeypatch.setenv("BUBBLEMETER_SEC_USER_AGENT", SEC_USER_AGENT)
    monkeypatch.setenv("BUBBLEMETER_HTTP_TIMEOUT", str(HTTP["http_timeout_s"]))
    monkeypatch.setenv("BUBBLEMETER_HTTP_BACKOFF", str(HTTP["http_backoff_s"]))
    fake_yahoo.as_of = FIRST_AS_OF


def _live_config(names=tuple(LIVE_ASSETS), tickers=CLEAN_TICKERS) -> dict:
    return {
        name: {"config": {"tickers": list(tickers)} if name in PER_COMPANY else {}}
        for name in names
    }


def _checks(result) -> dict[str, tuple[bool, AssetCheckSeverity]]:
    return {
        e.asset_key.to_user_string(): (e.passed, e.severity)
        for e in result.get_asset_check_evaluations()
    }


def test_every_asset_materialises_into_the_warehouse(env, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    run_config = {
        "ops": {
            **_live_config(),
            "snapshot_import": {
                "config": {"directory": str(SNAPSHOT), "datasets": SNAPSHOT_TABLES}
            },
        }
    }

    result = materialize(
        ALL_ASSETS, run_config=run_config, resources={"warehouse": WarehouseResource(db=str(db))}
    )

    assert result.success
    names = [a.key.to_user_string() for a in ALL_ASSETS]
    materialised = {
        e.asset_key.to_user_string(): e.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
    assert sorted(materialised) == sorted(names)
    for name, metadata in materialised.items():
        assert metadata["rows_written"].value > 0, name
        assert metadata["items_failed"].value == 0, name
    assert _checks(result) == {name: (True, AssetCheckSeverity.WARN) for name in names}

    # Rows landed, through the same functions `bubblemeter refresh` calls.
    settings = Settings.from_env(env={}, db=str(db))
    stored = query_df(
        settings,
        "select ticker, count(*) as n from prices_daily where source = 'yahoo' group by ticker",
    )
    for ticker in CLEAN_TICKERS:
        csv = pd.read_csv(SNAPSHOT / "prices" / f"{ticker}.csv")
        served = (pd.to_datetime(csv["Date"]).dt.date <= FIRST_AS_OF).sum()
        assert stored.set_index("ticker")["n"][ticker] == served
    facts = query_df(
        settings,
        "select source, count(distinct ticker) as tickers from financial_facts group by source",
    )
    assert facts.set_index("source")["tickers"].to_dict() == {"yahoo": 3, "sec": 3}
    earnings = query_df(
        settings, "select count(distinct ticker) as n from earnings_events where source = 'yahoo'"
    )["n"][0]
    assert earnings == len(CLEAN_TICKERS)
    for table in SNAPSHOT_TABLES:
        csv_rows = pd.read_csv(SNAPSHOT / f"{table}.csv")
        stored = query_df(settings, f"select * from {table}")
        if table == "adoption_indicators":  # also holds what census_btos loaded
            assert len(stored) > len(csv_rows), table
        elif "filed_at" in stored:  # a row read from a filing stands for the transcribed one
            keys = primary_keys()[table]
            filed = stored[stored["filed_at"].notna()][keys].astype(str)
            listed = csv_rows[keys].astype(str)
            stands_for = listed.merge(filed, on=keys).shape[0]
            assert (stored["filed_at"].isna().sum() + stands_for) == len(csv_rows), table
        else:
            assert len(stored) == len(csv_rows), table

    # One run per asset in the run log, each with its items.
    runs = query_df(
        settings,
        "select r.run_id, r.mode, r.status, count(i.item) as items, "
        "list(distinct split_part(i.item, '/', 1) order by 1) as datasets "
        "from ingest_runs r join ingest_run_items i using (run_id) "
        "where r.trigger = 'dagster' group by all",
    )
    assert len(runs) == len(ALL_ASSETS)
    assert (runs["status"] == "ok").all() and (runs["items"] > 0).all()
    live = sorted(tuple(d) for d in runs[runs["mode"] == "live"]["datasets"])
    assert live == [
        ("btos",),
        ("companyfacts",),
        ("earnings",),
        ("filings",),
        ("financials",),
        ("prices",),
    ]
    ids = {
        e.materialization.metadata["run_id"].value
        for e in result.get_asset_materialization_events()
    }
    assert ids == set(runs["run_id"])


def test_a_failed_item_fails_the_check_not_the_asset(env, tmp_path, fake_yahoo):
    fake_yahoo.fail("META", "500", kind="chart")
    db = tmp_path / "warehouse.duckdb"

    instance = DagsterInstance.ephemeral()

    result = materialize(
        [prices],
        run_config={"ops": {"prices": {"config": {"tickers": list(CLEAN_TICKERS)}}}},
        instance=instance,
        resources={"warehouse": WarehouseResource(db=str(db))},
    )

    assert result.success  # NVDA and MSFT loaded: the asset materialised ...
    assert _checks(result) == {"prices": (False, AssetCheckSeverity.WARN)}  # ... with a warning
    metadata = result.asset_materializations_for_node("prices")[0].metadata
    assert metadata["items_failed"].value == 1 and metadata["status"].value == "partial"
    items = query_df(
        Settings.from_env(env={}, db=str(db)),
        "select item, status, coalesce(error, '') as error from ingest_run_items order by item",
    )
    assert items.values.tolist() == [
        ["prices/META", "failed", "HTTP 500 after 4 tries"],
        ["prices/MSFT", "ok", ""],
        ["prices/NVDA", "ok", ""],
    ]
    logged = [entry.user_message for entry in instance.all_logs(result.run_id)]
    assert any("failed  yahoo:prices/META: HTTP 500 after 4 tries" in m for m in logged)


def test_an_asset_that_loads_nothing_fails_its_check_with_the_reason(
    env, tmp_path, monkeypatch, fake_sec
):
    monkeypatch.delenv("BUBBLEMETER_SEC_USER_AGENT")
    db = tmp_path / "warehouse.duckdb"

    result = materialize(
        [sec_facts],
        run_config={"ops": _live_config(["sec_facts"])},
        resources={"warehouse": WarehouseResource(db=str(db))},
    )

    evaluation = result.get_asset_check_evaluations()[0]
    assert (evaluation.passed, evaluation.severity) == (False, AssetCheckSeverity.ERROR)
    assert "nothing loaded" in evaluation.description
    assert "BUBBLEMETER_SEC_USER_AGENT is not set" in evaluation.description
    metadata = result.asset_materializations_for_node("sec_facts")[0].metadata
    assert metadata["items_ok"].value == 0 and metadata["status"].value == "failed"
    assert fake_sec.requests == []


def test_unreachable_sources_fail_the_asset_with_the_reason(env, tmp_path, monkeypatch):
    closed = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("BUBBLEMETER_YAHOO_URL", closed)
    monkeypatch.setenv("BUBBLEMETER_SEC_URL", closed)
    monkeypatch.setenv("BUBBLEMETER_CENSUS_URL", closed)
    db = tmp_path / "warehouse.duckdb"

    result = materialize(
        [prices, sec_facts],
        run_config={"ops": _live_config(["prices", "sec_facts"])},
        resources={"warehouse": WarehouseResource(db=str(db))},
        raise_on_error=False,
    )

    assert not result.success
    failures = [
        e.step_failure_data.user_failure_data.description
        for e in result.all_events
        if e.is_step_failure
    ]
    assert len(failures) == 2
    assert all("live sources unreachable" in f and "Connection refused" in f for f in failures)
    runs = query_df(
        Settings.from_env(env={}, db=str(db)), "select status, trigger from ingest_runs"
    )
    assert runs.values.tolist() == [["failed", "dagster"], ["failed", "dagster"]]


def test_the_daily_schedule_runs_every_live_asset_after_the_us_close():
    schedule = defs.resolve_schedule_def("daily_refresh_schedule")
    assert schedule.cron_schedule == DAILY_CRON == "30 18 * * 1-5"
    assert schedule.execution_timezone == DAILY_TZ == "America/New_York"
    job = defs.resolve_job_def("daily_refresh")
    keys = {k.to_user_string() for k in job.asset_layer.executable_asset_keys}
    assert keys == set(LIVE_ASSETS)
    assert keys == {
        "prices",
        "statements",
        "earnings_dates",
        "sec_filings",
        "sec_facts",
        "census_btos",
    }
    assert job.executor_def.name == "in_process"  # one writer at a time


def test_dagster_loads_the_code_location(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUBBLEMETER_")}
    env["DAGSTER_HOME"] = str(tmp_path)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "dagster",
            "definitions",
            "validate",
            "-m",
            "orchestration.definitions",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Validation successful for code location orchestration.definitions" in (
        result.stdout + result.stderr
    )
