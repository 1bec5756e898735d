"""The one item runner: each item loads in its own transaction and gets one row in the run log.

The live refresh and the snapshot import both run their items here. What an item becomes when
it raises is decided by one rule, warehouse.errors.item_outcome: ItemSkipped -> skipped, any
other error -> failed with its reason; a run that loaded nothing is failed (warehouse.runlog).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from ingest.datasets import Derived, Frames, Item
from warehouse import runlog
from warehouse.db import write_session
from warehouse.errors import EXIT_FAILED, EXIT_OK, item_outcome
from warehouse.load import upsert
from warehouse.settings import Company, Settings

Progress = Callable[[Iterable, int, str], Iterable]


def no_progress(items: Iterable, total: int, desc: str) -> Iterable:
    """Progress hook that shows nothing."""
    return items


@dataclass
class ItemResult:
    source: str
    item: str
    status: str  # ok | failed | skipped
    rows_written: int = 0
    error: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class RunSummary:
    run_id: str
    mode: str
    status: str = "running"
    items: list[ItemResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[ItemResult]:
        return [i for i in self.items if i.status == "failed"]

    @property
    def loaded_nothing(self) -> bool:
        """True when no item loaded (every one failed or was skipped, or there were none)."""
        return not any(i.status == "ok" for i in self.items)

    @property
    def exit_code(self) -> int:
        """0 when everything loaded, 1 when something failed or nothing loaded."""
        return EXIT_FAILED if self.failed or self.loaded_nothing else EXIT_OK

    def lines(self) -> list[str]:
        """A one-screen summary: counts, then each failure with its reason."""
        loaded = [i for i in self.items if i.status == "ok" and i.rows_written]
        unchanged = [i for i in self.items if i.status == "ok" and not i.rows_written]
        skipped = [i for i in self.items if i.status == "skipped"]
        out = [
            f"run {self.run_id} ({self.mode}): {self.status} - "
            f"{len(loaded)} loaded ({sum(i.rows_written for i in loaded):,} rows written), "
            f"{len(unchanged)} unchanged, {len(skipped)} skipped, {len(self.failed)} failed"
        ]
        out += [f"  failed  {i.source}:{i.item}: {i.error}" for i in self.failed]
        out += [f"  skipped {i.source}:{i.item}: {i.error}" for i in skipped]
        if not self.items:
            out.append("  nothing to refresh: no item matched the sources and tickers asked for")
        return out + self.notes


def sync_companies(con: duckdb.DuckDBPyConnection, companies: list[Company]) -> None:
    """Make the companies table match the universe file."""
    frame = pd.DataFrame([c.__dict__ for c in companies])
    upsert(con, "companies", frame)
    con.execute(
        "delete from companies where ticker not in (select unnest(?::varchar[]))",
        [[c.ticker for c in companies]],
    )


def record(con: duckdb.DuckDBPyConnection, run_id: str, result: ItemResult) -> ItemResult:
    """Write an item's outcome to the run log."""
    runlog.record_item(
        con, run_id, result.source, result.item, result.status, result.rows_written, result.error
    )
    return result


def run_item(
    con: duckdb.DuckDBPyConnection, run_id: str, item: Item, work: Callable[[], Frames]
) -> tuple[ItemResult, Exception | None]:
    """Fetch, normalise and load one item (all its rows land, or none do); log the outcome.

    Returns the result and the error the item raised, if any (the live refresh gives up on a
    source that stops answering).
    """
    notes: list[str] = []
    try:
        frames = work()
        con.begin()
        try:
            written = 0
            for table, frame in frames:
                if isinstance(frame, Derived):
                    frame = _derive(con, frame, item, notes)
                written += upsert(con, table, frame)
            con.commit()
        except BaseException:
            con.rollback()
            raise
    except Exception as exc:  # one item's error never ends the run: it is the item's outcome
        status, reason = item_outcome(exc, item.name)
        return record(con, run_id, ItemResult(item.source, item.name, status, error=reason)), exc
    result = record(con, run_id, ItemResult(item.source, item.name, "ok", written))
    result.notes = notes
    return result, None


def _derive(
    con: duckdb.DuckDBPyConnection, derived: Derived, item: Item, notes: list[str]
) -> pd.DataFrame:
    """The rows of a Derived step, after noting what its check reports."""
    rows = con.execute(derived.query, list(derived.params)).df()
    if derived.check:
        for note in derived.check(con, rows):
            notes.append(f"  note    {item.source}:{item.name}: {note}")
    return rows


@dataclass
class Run:
    """One refresh being written: the write connection, its run-log id and its summary."""

    con: duckdb.DuckDBPyConnection
    run_id: str
    summary: RunSummary

    def item(self, item: Item, work: Callable[[], Frames]) -> Exception | None:
        """Run one item (run_item) into the summary; the error it raised, if any."""
        result, error = run_item(self.con, self.run_id, item, work)
        self.summary.items.append(result)
        self.summary.notes.extend(result.notes)
        return error

    def expand(
        self, item: Item, expand: Callable[[], list[Item]]
    ) -> tuple[list[Item], Exception | None]:
        """Run an item that stands for several (an index): logged as an item of its own, with
        no rows; the items it names, and the error it raised, if any."""
        found: list[Item] = []

        def steps() -> Frames:
            found.extend(expand())
            return []

        return found, self.item(item, steps)

    def note(self, source: str, name: str, status: str, reason: str) -> None:
        """Log an item that was not run, with its status and why."""
        result = ItemResult(source, name, status, error=reason)
        self.summary.items.append(record(self.con, self.run_id, result))


@contextmanager
def logged_run(
    settings: Settings,
    universe: list[Company],
    trigger: str,
    mode: str,
    label: str,
    snapshot_dir: str | None = None,
) -> Iterator[Run]:
    """A run in the warehouse's run log, written in one write session (copy and swap)."""
    with write_session(settings) as con:
        sync_companies(con, universe)
        run_id = runlog.start_run(con, trigger, mode, snapshot_dir)
        run = Run(con, run_id, RunSummary(run_id, label))
        yield run
        run.summary.status = runlog.finish_run(con, run_id)
