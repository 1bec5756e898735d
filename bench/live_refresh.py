"""Time a live refresh of the whole universe: offline, then against the loopback fakes.

    .venv/bin/python bench/live_refresh.py

Prints figures; asserts nothing. Offline = every live URL points at a closed loopback port.
The fakes serve the snapshot in ../shared/data (see tests/fakes); the snapshot's gaps (earnings
and companyfacts for most companies) show up as failed items, as they would in a real run.
"""

from __future__ import annotations

import socket
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ingest.live import SourcesUnreachable, refresh_live  # noqa: E402
from tests.fakes import FakeCensus, FakeSec, FakeYahoo, isolate_yfinance  # noqa: E402
from warehouse.settings import Settings  # noqa: E402

UA = "bubblemeter benchmark bench@example.com"


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bubblemeter-bench-"))
    isolate_yfinance(tmp / "yfinance-cache")

    closed = f"http://127.0.0.1:{closed_port()}"
    offline = Settings.from_env(
        env={},
        db=str(tmp / "offline.duckdb"),
        yahoo_url=closed,
        sec_url=closed,
        census_url=closed,
        sec_user_agent=UA,
    )
    started = time.perf_counter()
    try:
        refresh_live(offline)
        print("offline: unexpectedly reached a source")
    except SourcesUnreachable as exc:
        elapsed = time.perf_counter() - started
        print(f"offline, full universe: gave up in {elapsed:.2f} s: {exc}")

    with (
        FakeYahoo(as_of=date(2026, 6, 1)) as yahoo,
        FakeSec() as sec,
        FakeCensus("2025-12-15", earlier=True) as census,
    ):
        settings = Settings.from_env(
            env={},
            db=str(tmp / "fakes.duckdb"),
            yahoo_url=yahoo.url,
            sec_url=sec.url,
            sec_archives_url=sec.url,
            census_url=census.url,
            sec_user_agent=UA,
            http_timeout_s=2,
        )
        for label, as_of in (
            ("first load (whole history)", date(2026, 6, 1)),
            ("daily refresh (a month later)", date(2026, 6, 30)),
            ("refresh with nothing new", date(2026, 6, 30)),
        ):
            yahoo.as_of = as_of
            yahoo.clear_requests()
            census.clear_requests()
            started = time.perf_counter()
            summary = refresh_live(settings)
            elapsed = time.perf_counter() - started
            written = sum(i.rows_written for i in summary.items)
            print(
                f"fakes, full universe, {label}: {elapsed:.2f} s, {len(summary.items)} items, "
                f"{written:,} rows written, {len(summary.failed)} failed, "
                f"{len(yahoo.requests)} Yahoo requests; Census {len(census.requests)} requests, "
                f"{census.bodies_served()[1]:,} workbook bytes"
            )


if __name__ == "__main__":
    main()
