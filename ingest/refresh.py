"""The snapshot import: every file a snapshot dataset reads (ingest.datasets) is one item."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path

from ingest.datasets import SNAPSHOT, SNAPSHOT_DATASETS, Context, Item, snapshot_datasets, work
from ingest.normalise.tables import BadFile
from ingest.runner import Progress, RunSummary, logged_run, no_progress
from ingest.sources.snapshot import SnapshotClient
from warehouse.settings import Settings


def snapshot_items(ctx: Context, datasets: Iterable[str] | None = None) -> list[Item]:
    """The files of the snapshot each asked-for dataset reads, in load order.

    With tickers, a company's own file is kept only when it is one of them.
    """
    items = []
    for dataset in snapshot_datasets(datasets):
        for path in ctx.snapshot.paths(dataset.files):
            key, company = dataset.company_of(ctx, path) if dataset.company_of else (None, None)
            if dataset.company_of and ctx.tickers is not None:
                if company is None or company.ticker not in ctx.tickers:
                    continue
            # Every file of a snapshot is the snapshot's item, SEC's recorded responses too:
            # the `sec` source's last success means SEC itself answered.
            name = str(path.relative_to(ctx.root))
            items.append(Item(SNAPSHOT, dataset.name, name, company, path, key))
    return items


def files_of_one_company(items: list[Item]) -> dict[str, str]:
    """Item name -> why it is refused, for files that name the same company of one dataset
    (prices/nvda.csv beside prices/NVDA.csv): neither may overwrite the other."""
    groups: dict[tuple[str, str], list[Item]] = {}
    for item in items:
        if item.key:
            groups.setdefault((item.dataset, item.key.upper()), []).append(item)
    refused = {}
    for (_, key), same in groups.items():
        if len(same) > 1:
            names = ", ".join(i.name for i in same)
            for item in same:
                refused[item.name] = f"{item.label}: {names} all hold {key}; keep one file"
    return refused


def _refuse(reason: str):
    def steps():
        raise BadFile(reason)

    return steps


def missing_files(ctx: Context, items: list[Item], datasets: Iterable[str] | None) -> list[Item]:
    """Items for the companies whose own file a dataset expects and the snapshot lacks."""
    missing = []
    for dataset in snapshot_datasets(datasets):
        if not dataset.every_company_has_a_file:
            continue
        have = {i.company.ticker for i in items if i.dataset == dataset.name and i.company}
        for company in sorted(ctx.universe, key=lambda c: c.ticker):
            if company.ticker in have or (ctx.tickers and company.ticker not in ctx.tickers):
                continue
            name = dataset.item.format(ticker=company.ticker, cik=company.cik)
            missing.append(Item(SNAPSHOT, dataset.name, name, company))
    return missing


def import_snapshot(
    settings: Settings,
    root: str | Path,
    datasets: Iterable[str] | None = None,
    tickers: Iterable[str] | None = None,
    trigger: str = "manual",
    progress: Progress = no_progress,
) -> RunSummary:
    """Load every file of a snapshot directory; a bad file is reported and the rest load.

    `datasets` are names in SNAPSHOT_DATASETS (all when None).
    """
    SnapshotClient(root)  # a missing directory fails before the warehouse is touched
    datasets = list(datasets) if datasets else list(SNAPSHOT_DATASETS)
    universe = settings.universe()
    root_path = Path(root)
    tickers = {t.upper() for t in tickers} if tickers else None
    label, snapshot_dir = f"snapshot {root_path}", str(root_path.resolve())

    with logged_run(settings, universe, trigger, "snapshot", label, snapshot_dir) as run:
        ctx = Context(settings, run.con, universe, tickers=tickers, root=root_path)
        items = snapshot_items(ctx, datasets)
        by_name = {d.name: d for d in snapshot_datasets(datasets)}
        refused = files_of_one_company(items)
        for item in progress(items, len(items), "import"):
            if item.name in refused:
                run.item(item, _refuse(refused[item.name]))
                continue
            dataset = by_name[item.dataset]
            if dataset.expand is None:
                run.item(item, work(ctx, dataset, item))
                continue
            found, _ = run.expand(item, partial(dataset.expand, ctx, item))
            for each in found:
                run.item(each, work(ctx, dataset, each))
        for item in missing_files(ctx, items, datasets):
            run.note(SNAPSHOT, item.name, "skipped", f"no {item.name} in the snapshot")
        run.summary.notes.extend(ctx.notes)
    return run.summary
