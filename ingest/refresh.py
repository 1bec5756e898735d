"""Refresh orchestration: each source item loads in its own transaction and is logged."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from ingest.normalise.sec import PayloadError, companyfacts_to_frame
from ingest.normalise.tables import BadFile, prices_frame, table_frame
from ingest.sources.snapshot import CSV_TABLES, RawFile, SnapshotClient
from warehouse import runlog
from warehouse.db import write_session
from warehouse.load import upsert
from warehouse.settings import Company, ConfigError, Settings

SNAPSHOT_DATASETS = ("prices", *CSV_TABLES, "sec")
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
        return 1 if self.failed or self.loaded_nothing else 0

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


def load_item(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    source: str,
    item: str,
    work: Callable[[], list[tuple[str, pd.DataFrame]]],
) -> ItemResult:
    """Run one item in its own transaction: all its rows land, or none do."""
    try:
        frames = work()
        con.begin()
        try:
            written = sum(upsert(con, table, frame) for table, frame in frames)
            con.commit()
        except BaseException:
            con.rollback()
            raise
        result = ItemResult(source, item, "ok", written)
    except (BadFile, PayloadError, ConfigError) as exc:
        result = ItemResult(source, item, "failed", error=str(exc))
    except json.JSONDecodeError as exc:
        result = ItemResult(
            source, item, "failed", error=f"{item}:{exc.lineno}: malformed JSON ({exc.msg})"
        )
    except (duckdb.Error, ValueError, KeyError, OSError) as exc:
        result = ItemResult(source, item, "failed", error=f"{item}: {type(exc).__name__}: {exc}")
    runlog.record_item(
        con, run_id, result.source, result.item, result.status, result.rows_written, result.error
    )
    return result


def _snapshot_work(
    client: SnapshotClient,
    raw: RawFile,
    companies: dict[str, Company],
    by_cik: dict[str, Company],
    tickers: set[str] | None,
):
    """The load function for one snapshot file."""
    label = raw.name

    def only(frame: pd.DataFrame) -> pd.DataFrame:
        if tickers is None or "ticker" not in frame:
            return frame
        return frame[frame["ticker"].isin(tickers)]

    def work():
        if raw.dataset == "prices":
            if raw.key not in companies:
                raise BadFile(f"{label}: unknown ticker {raw.key!r} (not in the universe file)")
            return [("prices_daily", prices_frame(client.read_text(raw), label, raw.key))]
        if raw.dataset == "sec":
            company = by_cik.get(raw.key or "")
            if company is None:
                raise BadFile(f"{label}: unknown CIK (no company in the universe file has it)")
            if company.fiscal_year_end_month is None:
                raise BadFile(f"{label}: {company.ticker} has no fiscal_year_end_month")
            payload = client.read_json(raw)
            try:
                frame = companyfacts_to_frame(
                    payload,
                    company.ticker,
                    company.fiscal_year_end_month,
                    origin=f"SEC EDGAR companyfacts (snapshot {label})",
                )
            except PayloadError as exc:
                raise BadFile(f"{label}: {exc}") from None
            return [("financial_facts", frame)]
        frame = table_frame(raw.dataset, client.read_text(raw), label, set(companies))
        return [(raw.dataset, only(frame))]

    return work


def import_snapshot(
    settings: Settings,
    root: str | Path,
    datasets: Iterable[str] | None = None,
    tickers: Iterable[str] | None = None,
    trigger: str = "manual",
    progress: Progress = no_progress,
) -> RunSummary:
    """Load every file of a snapshot directory; a bad file is reported and the rest load."""
    client = SnapshotClient(root)
    universe = settings.universe()
    companies = {c.ticker: c for c in universe}
    by_cik = {str(c.cik): c for c in universe if c.cik}
    wanted = set(datasets) if datasets else set(SNAPSHOT_DATASETS)
    ticker_set = {t.upper() for t in tickers} if tickers else None
    files = [f for f in client.files() if f.dataset in wanted]
    if ticker_set is not None:
        files = [
            f
            for f in files
            if (f.dataset == "prices" and f.key in ticker_set)
            or (
                f.dataset == "sec"
                and by_cik.get(f.key or "") is not None
                and by_cik[f.key].ticker in ticker_set
            )
            or f.dataset not in ("prices", "sec")
        ]
    root_path = Path(root)

    with write_session(settings) as con:
        sync_companies(con, universe)
        run_id = runlog.start_run(con, trigger, "snapshot", str(root_path.resolve()))
        summary = RunSummary(run_id, f"snapshot {root_path}")
        for raw in progress(files, len(files), "import"):
            # Every file of a snapshot is the snapshot's item, SEC's recorded responses too:
            # the `sec` source's last success means SEC itself answered.
            item = str(raw.path.relative_to(root_path))
            summary.items.append(
                load_item(
                    con,
                    run_id,
                    "snapshot",
                    item,
                    _snapshot_work(client, raw, companies, by_cik, ticker_set),
                )
            )
        if "prices" in wanted:
            have = {f.key for f in files if f.dataset == "prices"}
            for ticker in sorted((ticker_set or set(companies)) - have):
                if ticker in companies:
                    msg = f"no prices/{ticker}.csv in the snapshot"
                    runlog.record_item(
                        con, run_id, "snapshot", f"prices/{ticker}.csv", "skipped", 0, msg
                    )
                    summary.items.append(
                        ItemResult("snapshot", f"prices/{ticker}.csv", "skipped", error=msg)
                    )
        summary.status = runlog.finish_run(con, run_id)
    return summary
