"""Live refresh from the public sources (Yahoo through yfinance, SEC EDGAR, Census BTOS).

Each (source, dataset, ticker or part) item of the live datasets in ingest.datasets is fetched,
normalised and loaded in its own transaction (ingest.runner); a failure is recorded with its
reason and the other items go on. A source that does not answer is not asked again: at once when
its host refuses the connection, after GIVE_UP_AFTER silent items in a row otherwise.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from urllib.parse import urlparse

from ingest.datasets import (  # noqa: F401 (importable from here, as before)
    LIVE_DATASETS,
    LIVE_SOURCES,
    PRICE_OVERLAP_DAYS,
    Context,
    Item,
    live_datasets,
    work,
)
from ingest.runner import Progress, RunSummary, logged_run, no_progress
from ingest.sources.http import SourceError
from warehouse.errors import BubblemeterError, ConfigError, ItemSkipped  # noqa: F401
from warehouse.settings import Company, Settings

YAHOO_HOST = "https://query1.finance.yahoo.com"
GIVE_UP_AFTER = 3  # items in a row a source did not answer before it is given up
# A source's items stop being tried once its part of a run has taken this long: however each
# request misbehaves, a refresh (which holds the writer lock) ends.
SOURCE_DEADLINE_S = 900.0
SEC_UA_MISSING = (
    "BUBBLEMETER_SEC_USER_AGENT is not set: SEC asks every client for a name and "
    "an email, so the SEC source was skipped (to enable it, set "
    "BUBBLEMETER_SEC_USER_AGENT='Jane Doe jane@example.com' with your own name "
    "and email)"
)


class SourcesUnreachable(BubblemeterError):
    """No live source answered; the run is recorded with every item failed, no data changed."""


def _reachable(url: str, timeout: float) -> str | None:
    """None when a TCP connection to the URL's host opens, else the reason it did not."""
    parsed = urlparse(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        socket.create_connection((parsed.hostname, port), timeout=timeout).close()
        return None
    except OSError as exc:
        return f"{parsed.hostname}:{port}: {exc.strerror or exc}"


def probe(settings: Settings, sources: Iterable[str] = LIVE_SOURCES) -> dict[str, str | None]:
    """Check each live source's host quickly (in parallel): source -> None or the reason."""
    urls = {
        "yahoo": settings.yahoo_url or YAHOO_HOST,
        "sec": settings.sec_url,
        "census": settings.census_url,
    }
    timeout = min(settings.http_timeout_s, 3.0)
    sources = list(sources)
    if not sources:
        return {}
    with ThreadPoolExecutor(max_workers=len(sources)) as pool:
        reasons = pool.map(lambda s: _reachable(urls[s], timeout), sources)
        return dict(zip(sources, reasons))


def plan(
    companies: list[Company],
    sources: list[str],
    datasets: Iterable[str] | None = None,
    companies_only: bool = False,
) -> list[Item]:
    """Every item of a refresh, dataset by dataset (so one bad ticker never runs twice in a row).

    `datasets` (names in LIVE_DATASETS) keeps only those datasets of the given sources;
    `companies_only` (a refresh of some tickers) leaves out the datasets that are not per
    company (the Census workbooks).
    """
    return [
        item
        for dataset in live_datasets(datasets)
        if dataset.source in sources and not (companies_only and dataset.parts)
        for item in dataset.items(companies)
    ]


def _select(universe: list[Company], tickers: Iterable[str] | None) -> list[Company]:
    if not tickers:
        return universe
    wanted = [t.strip().upper() for t in tickers]
    known = {c.ticker for c in universe}
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise ConfigError(f"unknown ticker(s) {', '.join(unknown)}: not in the universe file")
    return [c for c in universe if c.ticker in wanted]


def refresh_live(
    settings: Settings,
    sources: Iterable[str] | None = None,
    tickers: Iterable[str] | None = None,
    trigger: str = "manual",
    full: bool = False,
    progress: Progress = no_progress,
    datasets: Iterable[str] | None = None,
) -> RunSummary:
    """Refresh from the live sources; SourcesUnreachable (run logged) when none answers.

    `datasets` (names in LIVE_DATASETS) limits the run to those datasets; their sources are
    the ones asked, so refresh_live(settings, datasets=["prices"]) touches Yahoo prices only.
    """
    sources = list(sources or LIVE_SOURCES)
    if datasets:
        datasets = list(datasets)
        unknown = sorted(set(datasets) - set(LIVE_DATASETS))
        if unknown:
            raise ConfigError(
                f"unknown live dataset(s) {', '.join(unknown)}; use {', '.join(LIVE_DATASETS)}"
            )
        sources = [s for s in sources if s in {LIVE_DATASETS[d] for d in datasets}]
    universe = settings.universe()
    companies = _select(universe, tickers)
    skipped = {"sec": SEC_UA_MISSING} if "sec" in sources and not settings.sec_user_agent else {}
    tried = [s for s in sources if s not in skipped]
    unreachable = {s: r for s, r in probe(settings, tried).items() if r}
    items = plan(companies, tried, datasets, companies_only=bool(tickers))

    with logged_run(settings, universe, trigger, "live", "live") as run:
        ctx = Context(settings, run.con, universe, full=full)
        for source, reason in skipped.items():
            for dataset in live_datasets(datasets):
                if dataset.source == source:
                    run.note(source, f"{dataset.name}/*", "skipped", reason)
        by_name = {d.name: d for d in live_datasets(datasets)}
        silent: dict[str, list[str]] = {s: [] for s in tried}
        began: dict[str, float] = {}
        for item in progress(items, len(items), "refresh"):
            began.setdefault(item.source, time.monotonic())
            if time.monotonic() - began[item.source] > SOURCE_DEADLINE_S:
                reason = (
                    f"not tried: {item.source} ran past its deadline for one refresh "
                    f"({SOURCE_DEADLINE_S:g} s)"
                )
                run.note(item.source, item.name, "failed", reason)
                continue
            if item.source in unreachable:
                reason = f"not tried: {item.source} unreachable ({unreachable[item.source]})"
                run.note(item.source, item.name, "failed", reason)
                continue
            if len(silent[item.source]) >= GIVE_UP_AFTER:
                reason = (
                    f"not tried: {item.source} stopped answering ({GIVE_UP_AFTER} items "
                    f"in a row: {silent[item.source][-1]})"
                )
                run.note(item.source, item.name, "failed", reason)
                continue
            dataset = by_name[item.dataset]
            if dataset.expand is None:
                todo = [(item, run.item(item, work(ctx, dataset, item)))]
            else:
                found, error = run.expand(item, partial(dataset.expand, ctx, item))
                todo = [(item, error)]
                todo += [(sub, None) for sub in found]
            for each, error in todo:
                if each is not item:
                    if len(silent[item.source]) >= GIVE_UP_AFTER:
                        reason = (
                            f"not tried: {item.source} stopped answering ({GIVE_UP_AFTER} items "
                            f"in a row: {silent[item.source][-1]})"
                        )
                        run.note(item.source, each.name, "failed", reason)
                        continue
                    error = run.item(each, work(ctx, dataset, each))
                if isinstance(error, SourceError) and error.network:
                    silent[item.source].append(str(error))
                else:
                    silent[item.source].clear()
        run.summary.notes.extend(ctx.notes)

    summary = run.summary
    if tried and len(unreachable) == len(tried):
        message = (
            "live sources unreachable ("
            + "; ".join(f"{k}: {v}" for k, v in unreachable.items())
            + f"); run {summary.run_id} recorded {len(summary.failed)} items as failed"
        )
        for source, reason in skipped.items():
            message += f"; {source} skipped ({reason})"
        raise SourcesUnreachable(message)
    return summary
