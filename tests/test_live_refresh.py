"""Live refresh end to end: the real yfinance and SEC client against loopback fakes.

Figures come from the snapshot files (read here by path) and ../shared/data/PROVENANCE.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta

import pandas as pd
import pytest

from ingest.live import LIVE_SOURCES, PRICE_OVERLAP_DAYS, SourcesUnreachable, plan, refresh_live
from tests.conftest import REPO, SNAPSHOT, free_port
from tests.fakes import FakeSec, FakeYahoo
from tests.fakes.fixtures import CLEAN_TICKERS, SEC_USER_AGENT, shared_census
from tests.live_helpers import (
    FIRST_AS_OF,
    SECOND_AS_OF,
    build_baseline,
    copy_warehouse,
    midnight_new_york,
    run_items,
    settings_for,
    window_requests,
)
from warehouse.db import write_session
from warehouse.reader import query_df
from warehouse.settings import ConfigError, Settings

WHOLE_HISTORY_BEFORE = midnight_new_york(date(1980, 1, 1))


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, yfinance_cache):
    return build_baseline(tmp_path_factory.mktemp("baseline") / "warehouse.duckdb")


def _csv_prices(ticker: str) -> pd.DataFrame:
    frame = pd.read_csv(SNAPSHOT / "prices" / f"{ticker}.csv")
    frame["date"] = pd.to_datetime(frame["Date"]).dt.date
    return frame.set_index("date")


def _newest(settings: Settings) -> dict[str, date]:
    frame = query_df(
        settings, "select ticker, max(date) as newest from prices_daily group by ticker"
    )
    return {r.ticker: pd.Timestamp(r.newest).date() for r in frame.itertuples()}


def test_first_load_takes_whole_history_with_actions(baseline, tmp_path):
    settings = settings_for(baseline, None, None)
    csv = _csv_prices("NVDA")
    stored = query_df(
        settings,
        "select date, close, adj_close, volume, source from prices_daily "
        "where ticker = 'NVDA' order by date",
    )
    served = csv[csv.index <= FIRST_AS_OF]
    assert len(stored) == len(served)
    assert stored["source"].unique().tolist() == ["yahoo"]
    # NVDA's 2024-06-10 10-for-1 split is before the clock, so the file's values are served.
    day = date(2024, 6, 10)
    row = stored[stored["date"].map(lambda d: pd.Timestamp(d).date()) == day].iloc[0]
    assert row.close == pytest.approx(csv.loc[day, "Close"])
    actions = query_df(
        settings,
        "select date, action, value from corporate_actions "
        "where ticker = 'NVDA' and source = 'yahoo' and action = 'split'",
    )
    assert [(pd.Timestamp(a.date).date(), a.value) for a in actions.itertuples()] == [(day, 10.0)]


def test_daily_refresh_asks_only_for_the_new_window(baseline, tmp_path, fake_yahoo, fake_sec):
    settings = settings_for(copy_warehouse(baseline, tmp_path / "w.duckdb"), fake_yahoo, fake_sec)
    before = _newest(settings)
    fake_yahoo.as_of = SECOND_AS_OF

    summary = refresh_live(settings, sources=["yahoo"], tickers=CLEAN_TICKERS)

    assert summary.exit_code == 0, summary.lines()
    for ticker in CLEAN_TICKERS:
        asked = window_requests(fake_yahoo, ticker)
        assert len(asked) == 1, [r.query for r in asked]
        start = before[ticker] - timedelta(days=PRICE_OVERLAP_DAYS)
        assert int(asked[0].query["period1"]) == midnight_new_york(start)
        # what the fake sent is what the benchmark counts: the CSV's bars in the window
        csv = _csv_prices(ticker)
        in_window = len(csv[(csv.index >= start) & (csv.index <= SECOND_AS_OF)])
        assert fake_yahoo.rows_served("chart", ticker, distinct=True) == in_window
    after = _newest(settings)
    csv = _csv_prices("MSFT")
    assert after["MSFT"] == max(d for d in csv.index if d <= SECOND_AS_OF)
    prices = {i.item: i.rows_written for i in summary.items if i.item.startswith("prices/")}
    new_days = len(csv[(csv.index > before["MSFT"]) & (csv.index <= SECOND_AS_OF)])
    assert prices["prices/MSFT"] == new_days  # overlap days unchanged, so not rewritten

    # Nothing new: nothing changes.
    fake_yahoo.clear_requests()
    again = refresh_live(settings, sources=["yahoo"], tickers=CLEAN_TICKERS)
    assert again.exit_code == 0
    assert all(i.status == "ok" and i.rows_written == 0 for i in again.items), again.lines()
    assert all(
        int(r.query["period1"])
        == midnight_new_york(after[r.key] - timedelta(days=PRICE_OVERLAP_DAYS))
        for t in CLEAN_TICKERS
        for r in window_requests(fake_yahoo, t)
    )


def test_full_refetches_everything(baseline, tmp_path, fake_yahoo, fake_sec):
    settings = settings_for(copy_warehouse(baseline, tmp_path / "w.duckdb"), fake_yahoo, fake_sec)
    fake_yahoo.as_of = FIRST_AS_OF

    summary = refresh_live(settings, sources=["yahoo"], tickers=["AMD", "MSFT"], full=True)

    for ticker in ("AMD", "MSFT"):
        asked = window_requests(fake_yahoo, ticker)
        assert len(asked) == 1 and int(asked[0].query["period1"]) < WHOLE_HISTORY_BEFORE
    assert {i.item: i.rows_written for i in summary.items}["prices/MSFT"] == 0


def test_split_inside_the_window_refetches_history_without_a_jump(tmp_path, fake_yahoo, fake_sec):
    settings = settings_for(tmp_path / "w.duckdb", fake_yahoo, fake_sec)
    csv = _csv_prices("NVDA")
    fake_yahoo.as_of = date(2024, 6, 3)  # a week before NVIDIA's 10-for-1 split
    refresh_live(settings, sources=["yahoo"], tickers=["NVDA"])
    first = query_df(
        settings, "select close from prices_daily where ticker = 'NVDA' and date = '2024-06-03'"
    )["close"][0]
    assert first == pytest.approx(csv.loc[date(2024, 6, 3), "Close"] * 10)  # pre-split price

    fake_yahoo.as_of = date(2024, 6, 20)
    fake_yahoo.clear_requests()
    summary = refresh_live(settings, sources=["yahoo"], tickers=["NVDA"])

    asked = window_requests(fake_yahoo, "NVDA")
    assert len(asked) == 2
    assert int(asked[0].query["period1"]) == midnight_new_york(date(2024, 5, 29))
    assert int(asked[1].query["period1"]) < WHOLE_HISTORY_BEFORE
    assert any(
        "split on 2024-06-10 inside the new window; full history re-fetched" in n
        for n in summary.notes
    )
    stored = query_df(
        settings, "select date, close from prices_daily where ticker = 'NVDA' order by date"
    )
    stored["date"] = stored["date"].map(lambda d: pd.Timestamp(d).date())
    stored = stored.set_index("date")["close"]
    served = csv[csv.index <= date(2024, 6, 20)]["Close"]
    pd.testing.assert_series_equal(stored, served, check_names=False, check_index_type=False)
    window = stored[date(2024, 5, 1) : date(2024, 6, 20)]
    assert (window.pct_change().dropna().abs() < 0.2).all()  # no 10x step at the split


def test_a_moved_close_in_the_overlap_refetches_history(
    baseline,
    tmp_path,
    fake_yahoo,
    fake_sec,
):
    settings = settings_for(copy_warehouse(baseline, tmp_path / "w.duckdb"), fake_yahoo, fake_sec)
    newest = _newest(settings)["META"]
    day = pd.Timestamp(
        query_df(
            settings,
            "select max(date) as d from prices_daily where ticker = 'META' and date < ?",
            [newest],
        )["d"][0]
    ).date()
    with write_session(settings) as con:  # as if Yahoo had adjusted history since the last run
        con.execute(
            "update prices_daily set close = close * 2 where ticker = 'META' and date = ?", [day]
        )
    fake_yahoo.as_of = SECOND_AS_OF

    summary = refresh_live(settings, sources=["yahoo"], tickers=["META"])

    assert any(
        f"stored close on {day} no longer matches Yahoo" in n
        and n.endswith("full history re-fetched")
        for n in summary.notes
    ), summary.notes
    asked = window_requests(fake_yahoo, "META")
    assert [int(r.query["period1"]) < WHOLE_HISTORY_BEFORE for r in asked] == [False, True]
    csv = _csv_prices("META")
    stored = query_df(
        settings, "select close from prices_daily where ticker = 'META' and date = ?", [day]
    )["close"][0]
    assert stored == pytest.approx(csv.loc[day, "Close"])


def _adj_closes(settings: Settings, ticker: str) -> pd.Series:
    frame = query_df(
        settings,
        "select date, adj_close from prices_daily where ticker = ? order by date",
        [ticker],
    )
    return frame.set_index(frame["date"].map(lambda d: pd.Timestamp(d).date()))["adj_close"]


def test_dividend_inside_the_window_rescales_history_without_refetching(
    tmp_path, fake_yahoo, fake_sec
):
    settings = settings_for(tmp_path / "w.duckdb", fake_yahoo, fake_sec)
    fake_yahoo.as_of = date(2025, 8, 15)
    refresh_live(settings, sources=["yahoo"], tickers=["MSFT"])
    before = _adj_closes(settings, "MSFT")
    fake_yahoo.as_of = date(2025, 8, 29)
    fake_yahoo.clear_requests()

    summary = refresh_live(settings, sources=["yahoo"], tickers=["MSFT"])

    assert summary.exit_code == 0, summary.lines()
    asked = window_requests(fake_yahoo, "MSFT")
    assert [int(r.query["period1"]) < WHOLE_HISTORY_BEFORE for r in asked] == [False]
    assert any(
        "dividend on 2025-08-21: adj_close before it rescaled by 0.998" in n
        and n.endswith("history not re-fetched")
        for n in summary.notes
    ), summary.notes
    actions = pd.read_csv(SNAPSHOT / "corporate_actions.csv")
    expected = actions[(actions.ticker == "MSFT") & (actions.date == "2025-08-21")]["value"].item()
    stored = query_df(
        settings,
        "select value from corporate_actions where ticker = 'MSFT' "
        "and date = '2025-08-21' and action = 'dividend'",
    )["value"].item()
    assert stored == pytest.approx(expected)
    # The rescaled history is what a full fetch on the new day gives, day by day.
    full = settings_for(tmp_path / "full.duckdb", fake_yahoo, fake_sec)
    refresh_live(full, sources=["yahoo"], tickers=["MSFT"])
    after, reference = _adj_closes(settings, "MSFT"), _adj_closes(full, "MSFT")
    pd.testing.assert_series_equal(after, reference, rtol=1e-6, check_index_type=False)
    old_day = date(2020, 1, 2)
    assert after[old_day] != pytest.approx(before[old_day], rel=1e-4)  # it did move


def test_dividend_with_an_unexpected_adjustment_refetches_history(
    tmp_path,
    fake_yahoo,
    fake_sec,
):
    settings = settings_for(tmp_path / "w.duckdb", fake_yahoo, fake_sec)
    fake_yahoo.as_of = date(2025, 8, 15)
    refresh_live(settings, sources=["yahoo"], tickers=["MSFT"])
    with write_session(settings) as con:  # one overlap day no longer fits Yahoo's factor
        con.execute(
            "update prices_daily set adj_close = adj_close * 1.01 where ticker = 'MSFT' "
            "and date = '2025-08-14'"
        )
    fake_yahoo.as_of = date(2025, 8, 29)
    fake_yahoo.clear_requests()

    summary = refresh_live(settings, sources=["yahoo"], tickers=["MSFT"])

    asked = window_requests(fake_yahoo, "MSFT")
    assert [int(r.query["period1"]) < WHOLE_HISTORY_BEFORE for r in asked] == [False, True]
    assert any(
        "dividend on 2025-08-21: Yahoo's adjustment of earlier days" in n
        and n.endswith("full history re-fetched")
        for n in summary.notes
    ), summary.notes


@pytest.mark.parametrize(
    "ticker, metric, fy, fq, expected_usd",
    [
        ("NVDA", "revenue", 2026, 4, 68_127_000_000),  # PROVENANCE: FY2026 215,938 M - 9M 147,811 M
        ("NVDA", "revenue", 2026, 2, 46_743_000_000),
        ("META", "capex", 2026, 1, 18_997_000_000),
        ("MSFT", "capex", 2026, 3, 30_876_000_000),
        ("GOOGL", "capex", 2026, 1, 35_674_000_000),
    ],
)
def test_sec_over_http_reproduces_provenance_figures(
    ticker, metric, fy, fq, expected_usd, sec_loaded
):
    row = query_df(
        sec_loaded,
        "select value_usd, source_kind, form, filed_at "
        "from quarterly_financials where ticker = ? and metric = ? "
        "and fiscal_year = ? and fiscal_quarter = ?",
        [ticker, metric, fy, fq],
    )
    assert len(row) == 1
    assert row["value_usd"][0] == expected_usd
    assert row["source_kind"][0] == "sec"


@pytest.fixture(scope="module")
def sec_loaded(tmp_path_factory, yfinance_cache) -> Settings:
    """Both sources loaded for the four companies the SEC fake has files for."""
    db = tmp_path_factory.mktemp("sec") / "w.duckdb"
    with FakeYahoo() as yahoo, FakeSec() as sec:
        settings = settings_for(db, yahoo, sec)
        summary = refresh_live(settings, tickers=["NVDA", "MSFT", "GOOGL", "META"])
        asked = sec.requests_for("companyfacts")
    ok = {i.item for i in summary.items if i.source == "sec" and i.status == "ok"}
    assert {i for i in ok if i.startswith("companyfacts/")} == {
        "companyfacts/NVDA",
        "companyfacts/MSFT",
        "companyfacts/GOOGL",
        "companyfacts/META",
    }
    # the filings index of each, and the filings the fake holds documents of
    assert {i for i in ok if i.startswith("filings/") and " " not in i} == {
        "filings/NVDA",
        "filings/MSFT",
        "filings/GOOGL",
        "filings/META",
    }
    assert {r.headers.get("User-Agent") for r in asked} == {SEC_USER_AGENT}
    return settings


def test_sec_wins_where_yahoo_has_the_same_quarter(sec_loaded):
    both = query_df(
        sec_loaded,
        "select source, value_usd from financial_facts where "
        "ticker = 'NVDA' and metric = 'revenue' and fiscal_year = 2026 "
        "and fiscal_quarter = 4 order by source",
    )
    assert both["source"].tolist() == ["sec", "yahoo"]
    yahoo_only = query_df(
        sec_loaded, "select count(*) as n from financial_facts where source = 'yahoo'"
    )["n"][0]
    assert yahoo_only > 0


def test_without_user_agent_sec_is_skipped(tmp_path, fake_yahoo, fake_sec):
    settings = settings_for(tmp_path / "w.duckdb", fake_yahoo, fake_sec, sec_user_agent=None)

    summary = refresh_live(settings, tickers=CLEAN_TICKERS)

    assert summary.exit_code == 0, summary.lines()
    skipped = [i for i in summary.items if i.status == "skipped"]
    assert [(i.source, i.item) for i in skipped] == [
        ("sec", "filings/*"),
        ("sec", "companyfacts/*"),
    ]
    assert "BUBBLEMETER_SEC_USER_AGENT is not set" in skipped[0].error
    assert any(
        line.startswith("  skipped sec:companyfacts/*: BUBBLEMETER_SEC_USER_AGENT")
        for line in summary.lines()
    )
    assert fake_sec.requests == []
    assert run_items(settings, summary.run_id)["sec:companyfacts/*"][0] == "skipped"
    source = query_df(settings, "select * from source_last_refresh where source = 'sec'").iloc[0]
    assert source.last_run_status == "skipped" and source.items_ok == 0
    assert "BUBBLEMETER_SEC_USER_AGENT is not set" in source.skips


def test_a_skipped_source_never_moves_its_last_success(baseline, tmp_path, fake_yahoo):
    settings = settings_for(
        copy_warehouse(baseline, tmp_path / "w.duckdb"), fake_yahoo, None, sec_user_agent=None
    )
    sql = "select * from source_last_refresh where source = 'sec'"
    before = query_df(settings, sql).iloc[0]
    assert before.last_run_status == "ok"

    refresh_live(settings, tickers=CLEAN_TICKERS)

    after = query_df(settings, sql).iloc[0]
    assert after.last_run_status == "skipped" and after.last_run_id != before.last_run_id
    assert after.last_success_at == before.last_success_at
    fresh = query_df(settings, "select * from data_freshness where source = 'sec'").iloc[0]
    assert fresh.last_success_at == before.last_success_at


def test_a_run_that_loaded_nothing_is_failed(tmp_path, fake_sec):
    settings = settings_for(tmp_path / "w.duckdb", None, fake_sec, sec_user_agent=None)

    summary = refresh_live(settings, sources=["sec"], tickers=CLEAN_TICKERS)

    assert [i.status for i in summary.items] == ["skipped", "skipped"]  # filings, companyfacts
    assert summary.status == "failed" and summary.exit_code == 1
    runs = query_df(settings, "select status from ingest_runs")
    assert runs["status"].tolist() == ["failed"]
    assert fake_sec.requests == []


def test_cli_prints_the_skipped_source_with_how_to_enable_it(tmp_path):
    closed = f"http://127.0.0.1:{free_port()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUBBLEMETER_")}
    env.update(
        BUBBLEMETER_YAHOO_URL=closed, BUBBLEMETER_SEC_URL=closed, BUBBLEMETER_CENSUS_URL=closed
    )
    result = subprocess.run(
        [sys.executable, "-m", "bubblemeter", "refresh", "--db", str(tmp_path / "w.duckdb")],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1
    assert (
        "recorded 52 items as failed; sec skipped (BUBBLEMETER_SEC_USER_AGENT is not set"
        in result.stderr
    )
    assert "BUBBLEMETER_SEC_USER_AGENT='Jane Doe jane@example.com'" in result.stderr
    status = subprocess.run(
        [sys.executable, "-m", "bubblemeter", "status", "--db", str(tmp_path / "w.duckdb")],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )
    lines = status.stdout.splitlines()
    sec = next(i for i, line in enumerate(lines) if line.split()[:2] == ["sec", "skipped"])
    assert "BUBBLEMETER_SEC_USER_AGENT is not set" in lines[sec + 1]
    assert any(line.split()[:2] == ["yahoo", "failed"] for line in lines)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--fallback", "MISSING"], "--fallback: snapshot directory MISSING does not exist"),
        (["--from", "MISSING"], "--from: snapshot directory MISSING does not exist"),
        (["--source", "yahoo,fred"], "unknown --source fred"),
        (["--tickers", "NVDA,ZZZZ"], "unknown ticker(s) ZZZZ"),
    ],
)
def test_cli_options_are_checked_before_any_request(
    args,
    message,
    tmp_path,
    fake_yahoo,
    fake_sec,
):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUBBLEMETER_")}
    env.update(
        BUBBLEMETER_YAHOO_URL=fake_yahoo.url,
        BUBBLEMETER_SEC_URL=fake_sec.url,
        BUBBLEMETER_CENSUS_URL=shared_census().url,
        BUBBLEMETER_SEC_USER_AGENT=SEC_USER_AGENT,
        XDG_CACHE_HOME=str(tmp_path / "c"),
    )
    result = subprocess.run(
        [sys.executable, "-m", "bubblemeter", "refresh", "--db", str(tmp_path / "w.duckdb"), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert fake_yahoo.requests == [] and fake_sec.requests == []
    assert not (tmp_path / "w.duckdb").exists()


def test_offline_gives_up_at_once_and_records_every_item(tmp_path, snapshot_dir):
    closed = f"http://127.0.0.1:{free_port()}"
    settings = Settings.from_env(
        env={},
        db=str(tmp_path / "w.duckdb"),
        yahoo_url=closed,
        sec_url=closed,
        census_url=closed,
        sec_user_agent=SEC_USER_AGENT,
    )

    with pytest.raises(SourcesUnreachable, match="live sources unreachable") as raised:
        refresh_live(settings)

    expected = plan(settings.universe(), list(LIVE_SOURCES))
    assert f"recorded {len(expected)} items as failed" in str(raised.value)
    items = query_df(settings, "select source, item, status, error from ingest_run_items")
    # 18 prices, 15 statements, 15 earnings, 15 filings indexes, 15 companyfacts, 4 workbooks
    assert len(items) == len(expected) == 82
    assert (items["status"] == "failed").all()
    assert (
        items["error"]
        .str.match(
            r"not tried: (yahoo|sec|census) unreachable \(127\.0\.0\.1:\d+: "
            r"Connection refused\)"
        )
        .all()
    )
    runs = query_df(settings, "select status, mode from ingest_runs")
    assert runs.values.tolist() == [["failed", "live"]]
    assert query_df(settings, "select count(*) as n from prices_daily")["n"][0] == 0


def test_one_source_down_the_other_loads(tmp_path, fake_sec):
    closed = f"http://127.0.0.1:{free_port()}"
    settings = settings_for(tmp_path / "w.duckdb", None, fake_sec, yahoo_url=closed)

    summary = refresh_live(settings, tickers=CLEAN_TICKERS)

    assert summary.exit_code == 1
    by_source = {(i.source, i.status) for i in summary.items}
    assert by_source == {("yahoo", "failed"), ("sec", "ok")}
    assert all("yahoo unreachable" in i.error for i in summary.failed)


def test_upcoming_earnings_become_confirmed(tmp_path, fake_yahoo, fake_sec):
    settings = settings_for(tmp_path / "w.duckdb", fake_yahoo, fake_sec)
    events = pd.read_csv(SNAPSHOT / "earnings_events.csv")
    reported = events[(events.ticker == "MSFT") & (events.report_date == "2026-01-28")].iloc[0]
    fake_yahoo.as_of = date(2026, 1, 20)
    refresh_live(settings, sources=["yahoo"], tickers=["MSFT"])
    query = (
        "select report_date, eps_estimate, eps_actual, is_confirmed from earnings_events "
        "where ticker = 'MSFT' and source = 'yahoo' and fiscal_period_label = 'FY2026Q2'"
    )
    upcoming = query_df(settings, query).iloc[0]
    assert upcoming.eps_estimate == reported.eps_estimate
    assert pd.isna(upcoming.eps_actual) and not upcoming.is_confirmed

    fake_yahoo.as_of = date(2026, 2, 20)
    refresh_live(settings, sources=["yahoo"], tickers=["MSFT"])
    confirmed = query_df(settings, query)
    assert len(confirmed) == 1
    assert confirmed.eps_actual[0] == reported.eps_actual and bool(confirmed.is_confirmed[0])
    assert str(pd.Timestamp(confirmed.report_date[0]).date()) == "2026-01-28"


def test_cli_refresh_against_the_fakes(tmp_path, fake_yahoo, fake_sec):
    fake_yahoo.fail("META", "500", kind="chart")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUBBLEMETER_")}
    env.update(
        BUBBLEMETER_YAHOO_URL=fake_yahoo.url,
        BUBBLEMETER_SEC_URL=fake_sec.url,
        BUBBLEMETER_CENSUS_URL=shared_census().url,
        BUBBLEMETER_SEC_USER_AGENT=SEC_USER_AGENT,
        BUBBLEMETER_HTTP_TIMEOUT="30",
        BUBBLEMETER_HTTP_BACKOFF="0.01",
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    db = str(tmp_path / "w.duckdb")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bubblemeter",
            "refresh",
            "--db",
            db,
            "--tickers",
            ",".join(CLEAN_TICKERS),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert "  failed  yahoo:prices/META: HTTP 500 after 4 tries" in result.stdout
    assert "refreshed from live sources" in result.stdout
    assert "Traceback" not in result.stderr
    status = subprocess.run(
        [sys.executable, "-m", "bubblemeter", "status", "--db", db],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=60,
    )
    assert "yahoo" in status.stdout and "sec" in status.stdout


def test_datasets_limit_a_refresh_to_those_items(tmp_path):
    universe = Settings.from_env(env={}).universe()
    items = plan(universe, list(LIVE_SOURCES), ["prices", "companyfacts"])
    assert {(i.source, i.dataset) for i in items} == {("yahoo", "prices"), ("sec", "companyfacts")}
    assert len([i for i in items if i.dataset == "prices"]) == len(universe)
    settings = Settings.from_env(env={}, db=str(tmp_path / "w.duckdb"))
    with pytest.raises(ConfigError, match="unknown live dataset"):
        refresh_live(settings, datasets=["prices", "dividends"])
