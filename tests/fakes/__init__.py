"""Loopback fakes of the live sources, for tests and benchmarks (no internet).

    from tests.fakes import FakeYahoo, FakeSec, FakeCensus, isolate_yfinance

    isolate_yfinance(tmp_dir)                  # once per process: yfinance's caches in tmp_dir
    with FakeYahoo(as_of=date(2026, 6, 1)) as yahoo, FakeSec() as sec:
        settings = Settings.from_env(env={}, db=str(tmp / "w.duckdb"), yahoo_url=yahoo.url,
                                     sec_url=sec.url, sec_user_agent="Jane Doe jane@example.com",
                                     http_timeout_s=0.5, http_backoff_s=0.01)
        yahoo.fail("AMD", "429", times=1)      # the next request about AMD gets HTTP 429
        yahoo.fail("NVDA", "timeout")          # every request about NVDA hangs
        refresh_live(settings)
        yahoo.requests_for("chart", "MSFT")    # what was asked, with parsed query strings
        yahoo.as_of = date(2026, 6, 30)        # move the clock, refresh again

Each server starts on a free loopback port in a daemon thread and stops when the `with` ends.
Faults (FAULTS): timeout, 429, 500, 403, 404, malformed, empty, missing_field, garbage;
`times=None` is forever, `kind=` limits a fault to one kind of request (chart, timeseries,
earnings; companyfacts, submissions, document).
"""

from __future__ import annotations

from pathlib import Path

from tests.fakes.base import FAULTS, FakeServer, Request, Response
from tests.fakes.census import FakeCensus
from tests.fakes.sec import FakeSec
from tests.fakes.yahoo import FakeYahoo

__all__ = [
    "FAULTS",
    "FakeCensus",
    "FakeSec",
    "FakeServer",
    "FakeYahoo",
    "Request",
    "Response",
    "isolate_yfinance",
]

_yfinance_cache: Path | None = None


def isolate_yfinance(cache_dir: Path | str) -> Path:
    """Point yfinance's timezone and cookie caches at `cache_dir` (first call wins, per process)."""
    global _yfinance_cache
    if _yfinance_cache is None:
        import yfinance as yf

        _yfinance_cache = Path(cache_dir)
        _yfinance_cache.mkdir(parents=True, exist_ok=True)
        yf.set_tz_cache_location(str(_yfinance_cache))
    return _yfinance_cache
