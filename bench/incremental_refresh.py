"""Benchmark: the daily incremental refresh of the whole universe, one new trading day.

    .venv/bin/python bench/incremental_refresh.py [--scenario plain|dividend|both]

Against the loopback fakes (tests/fakes: the real yfinance library and the real SEC client
talking to loopback servers that serve the snapshot in ../shared/data), a warehouse is first
loaded with every ticker's full history with the fakes' clock on BASE_DAY; the clock then moves
one trading day and the same refresh `bubblemeter refresh` runs is timed.

"Rows requested" is counted on the fake server's side: the daily bars in the chart answers it
actually sent during the refresh (FakeYahoo.rows_served). "Rows stored" is prices_daily after
the refresh. Target: requested / stored < 1%.

Scenarios: `plain` is a day without a corporate action (2026-06-30); `dividend` is a day on which
one ticker goes ex-dividend (MSFT, 2025-08-21), which used to make the refresh fetch that
ticker's whole history again. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ingest.live import refresh_live  # noqa: E402
from tests.fakes import FakeCensus, FakeSec, FakeYahoo, isolate_yfinance  # noqa: E402
from warehouse.reader import query_df  # noqa: E402
from warehouse.settings import Settings  # noqa: E402

UA = "bubblemeter benchmark bench@example.com"
TARGET_PCT = 1.0
# (base day: the warehouse holds full history up to here, new trading day) per scenario
SCENARIOS = {
    "plain": (date(2026, 6, 29), date(2026, 6, 30)),
    "dividend": (date(2025, 8, 20), date(2025, 8, 21)),
}


class ItemTimer:
    """A progress hook for refresh_live that times each item (the gap between two items)."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self.count: dict[str, int] = defaultdict(int)

    def __call__(self, items, total, desc):
        for item in items:
            started = time.perf_counter()
            yield item
            key = f"{item.source}:{item.dataset}"
            self.seconds[key] += time.perf_counter() - started
            self.count[key] += 1


def count(settings: Settings, table: str) -> int:
    """Rows in one warehouse table."""
    return int(query_df(settings, f"select count(*) as n from {table}")["n"][0])


def run(scenario: str, tmp: Path) -> None:
    """Load full history on the base day, then time the refresh for the next trading day."""
    base_day, new_day = SCENARIOS[scenario]
    print(f"\n== {scenario}: full history to {base_day}, then one new trading day {new_day}")
    with (
        FakeYahoo(as_of=base_day) as yahoo,
        FakeSec() as sec,
        FakeCensus("2025-12-15", earlier=True) as census,
    ):
        settings = Settings.from_env(
            env={},
            db=str(tmp / f"{scenario}.duckdb"),
            yahoo_url=yahoo.url,
            sec_url=sec.url,
            sec_archives_url=sec.url,
            census_url=census.url,
            sec_user_agent=UA,
            http_timeout_s=2,
        )
        tickers = len(settings.universe())
        started = time.perf_counter()
        first = refresh_live(settings, trigger="bench")
        first_s = time.perf_counter() - started
        first_bars = yahoo.rows_served("chart")
        stored_before = count(settings, "prices_daily")
        print(
            f"full-history load: {first_s:.2f} s, {first_bars:,} bars served, "
            f"{stored_before:,} price rows stored for {tickers} tickers "
            f"({len(first.failed)} of {len(first.items)} items failed: snapshot gaps)"
        )

        yahoo.as_of = new_day
        yahoo.clear_requests()
        sec.clear_requests()
        census.clear_requests()
        timer = ItemTimer()
        started = time.perf_counter()
        summary = refresh_live(settings, trigger="bench", progress=timer)
        wall_s = time.perf_counter() - started

        census_bodies, census_bytes = census.bodies_served()
        print(
            f"census on the new day: {len(census.requests)} requests, {census_bodies} workbooks "
            f"({census_bytes:,} bytes) downloaded"
        )
        bars = yahoo.rows_served("chart")
        other = yahoo.rows_served("timeseries") + yahoo.rows_served("earnings")
        stored = count(settings, "prices_daily")
        new_rows = stored - stored_before
        per_ticker = {
            t: yahoo.rows_served("chart", t)
            for t in sorted({r.key for r in yahoo.requests_for("chart")})
        }
        ratio = 100 * bars / stored
        print(
            f"incremental refresh, whole universe ({tickers} tickers, {len(summary.items)} "
            f"items, both sources): {wall_s:.2f} s wall"
        )
        print(
            f"  price rows requested from Yahoo (bars the fake served): {bars:,}; "
            f"price rows stored: {stored:,} ({new_rows:+,} new)"
        )
        print(
            f"  requested / stored = {ratio:.3f}%  (target < {TARGET_PCT:g}%: "
            f"{'met' if ratio < TARGET_PCT else 'MISSED'})"
        )
        widest = max(per_ticker.items(), key=lambda kv: kv[1])
        print(
            f"  bars per ticker: median {sorted(per_ticker.values())[len(per_ticker) // 2]}, "
            f"most {widest[1]} ({widest[0]})"
        )
        print(
            f"  other Yahoo rows (statement values, earnings rows; fetched whole each day): "
            f"{other:,}"
        )
        print(
            f"  Yahoo requests: {len(yahoo.requests)}; SEC requests: {len(sec.requests)}; "
            f"{sum(i.rows_written for i in summary.items):,} rows written; "
            f"{len(summary.failed)} items failed (snapshot gaps)"
        )
        for note in summary.notes:
            print(f"  {note.strip()}")
        items_s = sum(timer.seconds.values())
        parts = ", ".join(
            f"{k} {timer.seconds[k]:.2f} s/{timer.count[k]}"
            for k in sorted(timer.seconds, key=timer.seconds.get, reverse=True)
        )
        print(
            f"  time by dataset (s/items): {parts}; outside items (probe, copy, views, "
            f"checkpoint, swap) {wall_s - items_s:.2f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=(*SCENARIOS, "both"), default="both")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bubblemeter-bench-"))
    isolate_yfinance(tmp / "yfinance-cache")
    for scenario in SCENARIOS if args.scenario == "both" else (args.scenario,):
        run(scenario, tmp)


if __name__ == "__main__":
    main()
