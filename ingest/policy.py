"""The refresh policy: the live sources, then a snapshot when none answers; options checked first.

`bubblemeter refresh`, the scheduler (each scheduled run is that command; `bubblemeter schedule`
checks its options with check()) and the Dagster assets all refresh through refresh().
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ingest.datasets import LIVE_SOURCES, SNAPSHOT_DATASETS, fallback_datasets
from ingest.live import SourcesUnreachable, refresh_live
from ingest.refresh import import_snapshot
from ingest.runner import Progress, RunSummary, no_progress
from warehouse.errors import UsageError
from warehouse.settings import Settings


@dataclass
class RefreshOutcome:
    """What a refresh did: its run, where the data came from, and why it fell back if it did."""

    summary: RunSummary
    origin: str  # "refreshed from live sources" | "imported from snapshot DIR"
    fell_back: str | None = None  # the live sources' failure, when the snapshot stood in

    @property
    def exit_code(self) -> int:
        return self.summary.exit_code


def check(
    settings: Settings,
    from_dir: str | None = None,
    fallback: str | None = None,
    sources: Iterable[str] | None = None,
    tickers: Iterable[str] | None = None,
) -> None:
    """Check every option before any network call; UsageError (or ConfigError) with the fix.

    `sources` are live sources, or with `from_dir` the snapshot datasets.
    """
    universe = settings.universe()  # a broken universe file is a config error, before any work
    for flag, path in (("--from", from_dir), ("--fallback", fallback)):
        if path and not Path(path).is_dir():
            raise UsageError(f"{flag}: snapshot directory {path} does not exist")
    known, where = (SNAPSHOT_DATASETS, " for a snapshot") if from_dir else (LIVE_SOURCES, "")
    unknown = sorted(set(sources or []) - set(known))
    if unknown:
        also = "" if from_dir else " (or --from DIR for a snapshot)"
        raise UsageError(
            f"unknown --source {','.join(unknown)}{where}; use {','.join(known)}{also}"
        )
    if tickers:
        known = {c.ticker for c in universe}
        unknown = sorted({t.upper() for t in tickers} - known)
        if unknown:
            raise UsageError(f"unknown ticker(s) {', '.join(unknown)}: not in the universe file")


def refresh(
    settings: Settings,
    from_dir: str | None = None,
    fallback: str | None = None,
    sources: Iterable[str] | None = None,
    tickers: Iterable[str] | None = None,
    full: bool = False,
    trigger: str = "manual",
    progress: Progress = no_progress,
    datasets: Iterable[str] | None = None,
    say: Callable[[str], None] = lambda line: None,
) -> RefreshOutcome:
    """Import `from_dir`, or refresh live and import `fallback` when no live source answers.

    `sources` are live sources, or with `from_dir` snapshot datasets (as `--source`);
    `datasets` limits a live refresh to those live datasets, and its fallback to the snapshot
    files that hold them (without `datasets` the fallback imports the whole snapshot).
    SourcesUnreachable when no source answers and there is no fallback; `say` hears the
    switch to the fallback.
    """
    sources = list(sources) if sources else None
    tickers = list(tickers) if tickers else None
    check(settings, from_dir, fallback, sources, tickers)

    def from_snapshot(root: str, names: list[str] | None) -> RunSummary:
        return import_snapshot(
            settings, root, datasets=names, tickers=tickers, trigger=trigger, progress=progress
        )

    if from_dir:
        summary = from_snapshot(from_dir, sources)
        return RefreshOutcome(summary, f"imported from snapshot {from_dir}")
    try:
        summary = refresh_live(
            settings,
            sources=sources,
            tickers=tickers,
            trigger=trigger,
            full=full,
            progress=progress,
            datasets=datasets,
        )
    except SourcesUnreachable as exc:
        if not fallback:
            raise
        note = f"{exc}; importing snapshot {fallback}"
        say(note)
        # `sources` name live sources here: they do not narrow the snapshot
        names = fallback_datasets(datasets) if datasets else None
        return RefreshOutcome(
            from_snapshot(fallback, names), f"imported from snapshot {fallback}", fell_back=note
        )
    return RefreshOutcome(summary, "refreshed from live sources")
