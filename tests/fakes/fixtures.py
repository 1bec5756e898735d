"""pytest fixtures around the fakes, loaded for every test by tests/conftest.py (pytest_plugins):
a test names fake_yahoo, fake_sec, live_settings or yfinance_cache as an argument."""

from __future__ import annotations

import pytest

from tests.fakes import FakeCensus, FakeSec, FakeYahoo, isolate_yfinance
from warehouse.settings import Settings

SEC_USER_AGENT = "bubblemeter tests tests@example.com"
# Every live item of these tickers loads against the fakes; the snapshot has gaps for the others
# (Yahoo earnings dates only for AMD, META, MSFT, NVDA; SEC companyfacts only for GOOGL, META,
# MSFT, NVDA), which a refresh records as failed items.
CLEAN_TICKERS = ("NVDA", "MSFT", "META")
# Generous timeouts: a loaded machine must not turn slow loopback answers into retries. Tests
# whose subject is a timeout use SHORT_TIMEOUT_S (the fake hangs only the faulted requests).
HTTP = dict(http_timeout_s=30.0, http_tries=4, http_backoff_s=0.01)
SHORT_TIMEOUT_S = 1.0


_shared_census: FakeCensus | None = None


def shared_census() -> FakeCensus:
    """One fake Census for the test process (the newest edition, all four workbooks), started on
    first use: tests of a whole live refresh point the census source at it, so every request
    stays on loopback."""
    global _shared_census
    if _shared_census is None:
        _shared_census = FakeCensus("2025-12-15", earlier=True).start()
    return _shared_census


@pytest.fixture(scope="session")
def yfinance_cache(tmp_path_factory):
    """yfinance's timezone/cookie caches in a temporary directory, not the user's."""
    return isolate_yfinance(tmp_path_factory.mktemp("yfinance-cache"))


@pytest.fixture
def fake_yahoo(yfinance_cache):
    """A fake Yahoo serving all of the snapshot (set .as_of to move its clock)."""
    with FakeYahoo() as server:
        yield server


@pytest.fixture
def fake_sec():
    """A fake SEC companyfacts API serving the snapshot's recorded responses."""
    with FakeSec() as server:
        yield server


@pytest.fixture
def live_settings(tmp_path, fake_yahoo, fake_sec) -> Settings:
    """Settings for a fresh warehouse that talks to both fakes."""
    return Settings.from_env(
        env={},
        db=str(tmp_path / "warehouse.duckdb"),
        yahoo_url=fake_yahoo.url,
        sec_url=fake_sec.url,
        sec_archives_url=fake_sec.url,
        census_url=shared_census().url,
        sec_user_agent=SEC_USER_AGENT,
        **HTTP,
    )
