"""What SEC costs a refresh of the whole universe: a first load vs a day with no new filing.

    .venv/bin/python bench/sec_filings.py

Runs the `sec` source (filings and companyfacts) against the loopback fake SEC (tests/fakes),
which serves the real submissions indexes, the real filing documents and the untrimmed recorded
companyfacts where the snapshot has them. Prints requests and bytes per kind; asserts nothing.
Then estimates what a first load costs against SEC itself: the 10-Q/10-K filings since the
first-load year in the recorded indexes, times the mean size of the real documents.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ingest.live import refresh_live  # noqa: E402
from ingest.normalise.filings import index_filings  # noqa: E402
from tests.conftest import SNAPSHOT  # noqa: E402
from tests.fakes import FakeSec  # noqa: E402
from warehouse.settings import Settings  # noqa: E402

UA = "bubblemeter benchmark bench@example.com"
KINDS = ("submissions", "document", "companyfacts")


def costs(sec: FakeSec) -> str:
    parts = []
    for kind in KINDS:
        asked = sec.requests_for(kind)
        parts.append(f"{kind} {len(asked)} requests / {sec.bytes_served(kind) / 1e6:,.2f} MB")
    missing = {r.key for r in sec.requests_for("companyfacts")} - {
        r.key
        for r in sec.requests_for("companyfacts")
        if sec.bytes_served("companyfacts", r.key) > 100
    }
    if missing:
        parts.append(
            f"({len(missing)} companyfacts asked of companies the sample has none of: 404)"
        )
    total = sum(sec.bytes_served(k) for k in KINDS)
    return ", ".join(parts) + f"; total {total / 1e6:,.2f} MB"


def estimate(settings: Settings) -> None:
    documents = sorted((SNAPSHOT / "sec" / "archives").rglob("*.htm"))
    mean = sum(p.stat().st_size for p in documents) / len(documents)
    counts = {}
    tracked = {c.cik: c.ticker for c in settings.universe() if c.cik}
    for path in sorted((SNAPSHOT / "sec" / "recorded" / "submissions").glob("CIK*.json")):
        if int(path.stem[3:]) not in tracked:
            continue  # a recorded index kept for its shape only
        filings = index_filings(json.loads(path.read_text()))
        since = [
            f
            for f in filings
            if f.inline and (f.report_date or f.filed_at).year >= settings.sec_filings_since
        ]
        counts[tracked[int(path.stem[3:])]] = len(since)
    companies = [c for c in settings.universe() if c.cik]
    per_company = sum(counts.values()) / len(counts)
    total = per_company * len(companies)
    print(
        f"estimate, first load from SEC: {', '.join(f'{k} {v}' for k, v in counts.items())} "
        f"inline 10-Q/10-K filings reporting on {settings.sec_filings_since} or later in the "
        f"recorded indexes; mean {per_company:.1f} per company x {len(companies)} companies "
        f"with a CIK = {total:.0f} documents x {mean / 1e6:.2f} MB (mean of the "
        f"{len(documents)} real documents) = {total * mean / 1e6:,.0f} MB"
    )


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bubblemeter-bench-"))
    with FakeSec(companyfacts="recorded") as sec:
        settings = Settings.from_env(
            env={},
            db=str(tmp / "sec.duckdb"),
            sec_url=sec.url,
            sec_archives_url=sec.url,
            sec_user_agent=UA,
            http_timeout_s=30,
        )
        for label in ("first full load", "no-news daily refresh"):
            sec.clear_requests()
            started = time.perf_counter()
            summary = refresh_live(settings, sources=["sec"])
            elapsed = time.perf_counter() - started
            written = sum(i.rows_written for i in summary.items)
            print(
                f"fakes, whole universe, {label}: {elapsed:.2f} s, {len(summary.items)} items, "
                f"{written:,} rows written, {len(summary.failed)} failed; {costs(sec)}"
            )
    estimate(settings)


if __name__ == "__main__":
    main()
