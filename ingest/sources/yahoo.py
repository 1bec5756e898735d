"""Yahoo Finance through the yfinance library. I/O only: returns yfinance's frames untouched.

yfinance copies Yahoo's base URLs into its modules at import, so a mirror, proxy or test server
is reached by handing it a requests.Session whose request() rewrites each Yahoo URL.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from datetime import date
from typing import TypeVar
from urllib.parse import urlsplit

import pandas as pd
import yfinance as yf
from yfinance import exceptions as yf_errors

from ingest.sources.http import (
    DEFAULT_POLICY,
    RETRY_STATUS,
    BoundedSession,
    HTTPStatusError,
    RetryPolicy,
    SourceError,
    describe,
    is_retryable,
    with_retries,
)

T = TypeVar("T")
YAHOO_DOMAIN = "yahoo.com"
# yfinance's own header set for plain requests sessions (Yahoo turns away python-requests).
BROWSER_HEADERS = {
    "User-Agent": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
    ),
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-US,en;q=0.5",
}


class YahooSession(BoundedSession):
    """The session handed to yfinance.

    Every request to a Yahoo host goes to `base_url` + the original path and query when a base
    URL is set; every request gets the configured timeout (yfinance asks for up to 30 s); and a
    429 or 5xx answer raises HTTPStatusError so the retry policy, not yfinance, decides.
    """

    def __init__(self, base_url: str | None = None, timeout_s: float = 10.0):
        super().__init__(timeout_s)
        self.base_url = base_url.rstrip("/") if base_url else None
        self.headers.update(BROWSER_HEADERS)

    def rewrite(self, url: str) -> str:
        """The URL actually requested: Yahoo hosts replaced by the base URL, if one is set."""
        if not self.base_url:
            return url
        parts = urlsplit(url)
        host = parts.hostname or ""
        if host != YAHOO_DOMAIN and not host.endswith("." + YAHOO_DOMAIN):
            return url
        return self.base_url + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def request(self, method, url, *args, **kwargs):
        response = super().request(method, self.rewrite(url), *args, **kwargs)
        if response.status_code in RETRY_STATUS:
            raise HTTPStatusError(response.status_code, response.url)
        if response.status_code >= 400 and _is_data_path(response.url) and not _is_json(response):
            # an error page where data should be: say the status, not "malformed JSON"
            # (a JSON 404 is Yahoo's "no such symbol", which yfinance reports itself)
            raise SourceError(
                f"HTTP {response.status_code} from Yahoo ({urlsplit(response.url).path})"
            )
        return response


DATA_PATHS = ("/v8/finance/chart/", "/ws/fundamentals-timeseries/", "/calendar/earnings")


def _is_data_path(url: str) -> bool:
    path = urlsplit(url).path
    return any(path.startswith(p) for p in DATA_PATHS)


def _is_json(response) -> bool:
    return "json" in response.headers.get("Content-Type", "")


def _quiet_yfinance() -> None:
    """Make yfinance raise its errors (we report them) instead of printing them."""
    yf.config.debug.hide_exceptions = False
    logger = logging.getLogger("yfinance")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())


def _forget_cached_responses() -> None:
    """yfinance memoises some GETs for the life of the process; a refresh must ask again."""
    try:
        from yfinance.data import YfData

        YfData.cache_get.cache_clear()
    except (ImportError, AttributeError):  # a yfinance without that cache
        pass


def is_retryable_yahoo(exc: BaseException) -> bool:
    """Retry what any HTTP source retries, and yfinance's own rate-limit error."""
    return isinstance(exc, yf_errors.YFRateLimitError) or is_retryable(exc)


class YahooClient:
    """Fetches one dataset per call; raises SourceError with a plain reason when it cannot."""

    def __init__(self, base_url: str | None = None, policy: RetryPolicy = DEFAULT_POLICY):
        _quiet_yfinance()
        self.policy = policy
        self.session = YahooSession(base_url, policy.timeout_s)

    def _ticker(self, symbol: str) -> yf.Ticker:
        return yf.Ticker(symbol, session=self.session)

    def _call(self, what: str, fetch: Callable[[], T]) -> T:
        def once() -> T:
            _forget_cached_responses()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return fetch()

        return with_retries(
            once,
            self.policy,
            explain=lambda exc: self._explain(what, exc),
            retryable=is_retryable_yahoo,
        )

    def _explain(self, what: str, exc: BaseException) -> str:
        if isinstance(exc, yf_errors.YFRateLimitError):
            return "HTTP 429"
        if isinstance(exc, yf_errors.YFPricesMissingError):
            detail = " ".join(str(exc).split(": ", 1)[-1].split())
            return f"no price rows returned ({detail})"
        if isinstance(exc, yf_errors.YFTzMissingError):
            return "Yahoo knows no such symbol (no exchange timezone; possibly delisted)"
        if isinstance(exc, yf_errors.YFException) and "Empty fundamentals" in str(exc):
            return f"no {what} rows returned"
        return describe(exc, self.policy.timeout_s)

    def history(self, symbol: str, start: date | None = None) -> pd.DataFrame:
        """Daily bars with dividends and splits, Close split-adjusted and Adj Close beside it.

        From `start` (inclusive) to now, or the whole history when start is None.
        """

        def fetch():
            kwargs = dict(
                interval="1d",
                auto_adjust=False,
                actions=True,
                repair=False,
                timeout=self.policy.timeout_s,
            )
            if start is None:
                return self._ticker(symbol).history(period="max", **kwargs)
            return self._ticker(symbol).history(start=start.isoformat(), **kwargs)

        return self._call("price", fetch)

    def quarterly_statements(self, symbol: str) -> dict[str, pd.DataFrame]:
        """Quarterly income statement and cash flow (rows = Yahoo keys, columns = period ends)."""
        income = self._call(
            "quarterly income statement",
            lambda: self._ticker(symbol).get_income_stmt(freq="quarterly"),
        )
        cash_flow = self._call(
            "quarterly cash flow", lambda: self._ticker(symbol).get_cash_flow(freq="quarterly")
        )
        return {"income": income, "cash_flow": cash_flow}

    def earnings_dates(self, symbol: str, limit: int = 25) -> pd.DataFrame | None:
        """Earnings dates, past and upcoming, with EPS estimate, reported EPS and surprise."""
        return self._call(
            "earnings date", lambda: self._ticker(symbol).get_earnings_dates(limit=limit)
        )


def yahoo_client(settings) -> YahooClient:
    """A client configured from the settings (base URL, timeout, retries)."""
    return YahooClient(settings.yahoo_url, RetryPolicy.from_settings(settings))
