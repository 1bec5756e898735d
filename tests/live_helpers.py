"""Helpers shared by the live-ingest tests: a baseline warehouse and read-backs."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from ingest.live import refresh_live
from tests.fakes import FakeSec, FakeYahoo
from tests.fakes.fixtures import CLEAN_TICKERS, HTTP, SEC_USER_AGENT, shared_census
from warehouse.reader import query_df
from warehouse.settings import Settings

FIRST_AS_OF = date(2026, 6, 1)  # the fakes' clock for the first load
SECOND_AS_OF = date(2026, 6, 30)  # ... and for the next daily refresh
NEW_YORK = ZoneInfo("America/New_York")


def settings_for(
    db: Path | str, yahoo: FakeYahoo | None, sec: FakeSec | None, **changes
) -> Settings:
    """Settings for `db` talking to the given fakes (generous timeouts unless changed)."""
    values = dict(
        HTTP,
        sec_user_agent=SEC_USER_AGENT,
        yahoo_url=yahoo.url if yahoo else None,
        sec_url=sec.url if sec else None,
        sec_archives_url=sec.url if sec else None,
        census_url=shared_census().url,
    )
    values.update(changes)
    settings = Settings.from_env(env={}, db=str(db), **values)
    # from_env ignores None overrides; a test may need a setting unset.
    return settings.with_(**{k: v for k, v in changes.items() if v is None})


def build_baseline(path: Path) -> Path:
    """A warehouse loaded from both fakes for CLEAN_TICKERS with the clock at FIRST_AS_OF."""
    with FakeYahoo(as_of=FIRST_AS_OF) as yahoo, FakeSec() as sec:
        summary = refresh_live(settings_for(path, yahoo, sec), tickers=CLEAN_TICKERS)
    assert summary.exit_code == 0, summary.lines()
    return path


def copy_warehouse(source: Path, target: Path) -> Path:
    """A private copy of a warehouse file for one test."""
    shutil.copyfile(source, target)
    return target


def ticker_rows(settings: Settings, ticker: str) -> dict[str, pd.DataFrame]:
    """Everything the warehouse holds about one ticker, table by table, in a stable order."""
    queries = {
        "prices_daily": "select * from prices_daily where ticker = ? order by date",
        "corporate_actions": "select * from corporate_actions where ticker = ? order by all",
        "financial_facts": "select * from financial_facts where ticker = ? order by all",
        "earnings_events": "select * from earnings_events where ticker = ? order by all",
    }
    return {table: query_df(settings, sql, [ticker]) for table, sql in queries.items()}


def run_items(settings: Settings, run_id: str) -> dict[str, tuple[str, str | None]]:
    """source:item -> (status, error) for one run, as recorded in ingest_run_items."""
    frame = query_df(
        settings,
        "select source, item, status, error from ingest_run_items where run_id = ?",
        [run_id],
    )
    return {f"{r.source}:{r.item}": (r.status, r.error) for r in frame.itertuples()}


def midnight_new_york(day: date) -> int:
    """Epoch seconds of midnight in New York (yfinance's period1 for start=day)."""
    return int(datetime(day.year, day.month, day.day, tzinfo=NEW_YORK).timestamp())


def window_requests(yahoo: FakeYahoo, ticker: str) -> list:
    """The distinct date windows asked for a ticker, in the order first asked (not the 1-day
    timezone probe). A retry repeats its window, so retries never change this list."""
    seen, windows = set(), []
    for r in yahoo.requests_for("chart", ticker):
        window = (r.query.get("period1"), r.query.get("period2"))
        if "period1" in r.query and window not in seen:
            seen.add(window)
            windows.append(r)
    return windows
