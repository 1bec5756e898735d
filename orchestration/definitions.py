"""Dagster definitions: one asset per live dataset, calling the refresh the CLI calls.

    dagster dev -m orchestration.definitions

Each live dataset of ingest.datasets that names an asset (`prices`, `statements`,
`earnings_dates` from Yahoo, `sec_filings` from SEC's 10-Q/10-K filings, `sec_facts` from SEC
companyfacts, `census_btos` from the Census BTOS workbooks) becomes an asset that runs
ingest.policy.refresh for that dataset (with `fallback`, a snapshot stands in when no source
answers); `snapshot_import` imports a snapshot directory. Every materialisation is one refresh in
the warehouse's run log (trigger `dagster`). Settings come from the BUBBLEMETER_* environment
(Settings.from_env), as for `bubblemeter refresh`.
"""

# No `from __future__ import annotations`: Dagster reads the config and resource types from the
# asset functions' annotations at definition time.
from typing import Optional

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetSelection,
    Config,
    ConfigurableResource,
    DefaultScheduleStatus,
    Definitions,
    Failure,
    MaterializeResult,
    MetadataValue,
    ScheduleDefinition,
    asset,
    define_asset_job,
    in_process_executor,
)

from ingest.datasets import Dataset, live_datasets
from ingest.policy import refresh
from ingest.runner import RunSummary
from ingest.schedule import parse_plan
from warehouse.errors import BubblemeterError
from warehouse.settings import Settings

TRIGGER = "dagster"
GROUP = "bubblemeter"
CHECK = "no_failed_items"
# The default of `bubblemeter schedule` (ingest.schedule): after the US close, on weekdays.
DAILY = parse_plan()
DAILY_CRON = DAILY.cron()
DAILY_TZ = DAILY.tz_name
# asset name -> live dataset (ingest.datasets) it refreshes
LIVE_ASSETS = {d.asset: d.name for d in live_datasets() if d.asset}


class WarehouseResource(ConfigurableResource):
    """The warehouse and sources, from BUBBLEMETER_* variables; `db` overrides BUBBLEMETER_DB."""

    db: Optional[str] = None

    def settings(self) -> Settings:
        """The project's Settings, read from the environment of the run."""
        try:
            return Settings.from_env(db=self.db)
        except BubblemeterError as exc:
            raise Failure(description=f"configuration: {exc}") from None


class LiveConfig(Config):
    """Options of a live refresh, as `bubblemeter refresh --tickers ... --full --fallback DIR`
    (the fallback imports only the snapshot files that hold the asset's dataset)."""

    tickers: Optional[list[str]] = None
    full: bool = False
    fallback: Optional[str] = None


class SnapshotConfig(Config):
    """Options of a snapshot import, as `bubblemeter refresh --from DIR --source ...`."""

    directory: str
    datasets: Optional[list[str]] = None


def _result(
    context: AssetExecutionContext, summary: RunSummary, settings: Settings
) -> MaterializeResult:
    """Log the run's summary; fail when every item failed; else materialise with a check that
    passes only when every item loaded (an asset that loaded nothing fails it, saying why)."""
    for line in summary.lines():
        (context.log.warning if line.lstrip().startswith("failed") else context.log.info)(line)
    failed = [f"{i.source}:{i.item}: {i.error}" for i in summary.failed]
    skipped = [f"{i.source}:{i.item}: {i.error}" for i in summary.items if i.status == "skipped"]
    metadata = {
        "run_id": summary.run_id,
        "status": summary.status,
        "warehouse": settings.db,
        "items_ok": sum(i.status == "ok" for i in summary.items),
        "items_failed": len(failed),
        "items_skipped": len(skipped),
        "rows_written": sum(i.rows_written for i in summary.items),
    }
    if failed and summary.loaded_nothing:
        raise Failure(
            description=f"every item failed (run {summary.run_id}): " + "; ".join(failed[:5]),
            metadata=metadata,
        )
    problems = failed + (skipped if summary.loaded_nothing else [])
    if summary.loaded_nothing:
        description = f"nothing loaded (run {summary.run_id}): " + (
            "; ".join(skipped[:5]) or "no item to refresh"
        )
    elif failed:
        description = f"{len(failed)} item(s) failed: " + "; ".join(failed[:5])
    else:
        description = "every item loaded"
    check = AssetCheckResult(
        check_name=CHECK,
        passed=not problems and not summary.loaded_nothing,
        severity=AssetCheckSeverity.ERROR if summary.loaded_nothing else AssetCheckSeverity.WARN,
        description=description,
        metadata={
            "failed": MetadataValue.md("\n".join(f"- {f}" for f in failed) or "none"),
            "skipped": MetadataValue.md("\n".join(f"- {s}" for s in skipped) or "none"),
        },
    )
    return MaterializeResult(metadata=metadata, check_results=[check])


def _live_asset(dataset: Dataset):
    """An asset that refreshes one live dataset for the whole universe (or config.tickers)."""
    name = dataset.asset

    @asset(
        name=name,
        group_name=GROUP,
        description=dataset.description,
        check_specs=[
            AssetCheckSpec(CHECK, asset=name, description="every item of the refresh loaded")
        ],
    )
    def _refresh(
        context: AssetExecutionContext, config: LiveConfig, warehouse: WarehouseResource
    ) -> MaterializeResult:
        settings = warehouse.settings()
        try:
            outcome = refresh(
                settings,
                datasets=[dataset.name],
                fallback=config.fallback,
                tickers=config.tickers,
                full=config.full,
                trigger=TRIGGER,
                say=context.log.warning,
            )
        except BubblemeterError as exc:
            raise Failure(description=str(exc)) from None
        return _result(context, outcome.summary, settings)

    return _refresh


LIVE_ASSET_DEFS = [_live_asset(d) for d in live_datasets() if d.asset]
# importable by name: from orchestration.definitions import prices, statements, ...
globals().update({a.key.to_user_string(): a for a in LIVE_ASSET_DEFS})


@asset(
    group_name=GROUP,
    check_specs=[AssetCheckSpec(CHECK, asset="snapshot_import", description="every file loaded")],
)
def snapshot_import(
    context: AssetExecutionContext, config: SnapshotConfig, warehouse: WarehouseResource
) -> MaterializeResult:
    """Import a snapshot directory (the layout `bubblemeter refresh --from DIR` reads)."""
    settings = warehouse.settings()
    try:
        outcome = refresh(
            settings, from_dir=config.directory, sources=config.datasets, trigger=TRIGGER
        )
    except BubblemeterError as exc:
        raise Failure(description=f"snapshot {config.directory}: {exc}") from None
    return _result(context, outcome.summary, settings)


LIVE = AssetSelection.assets(*LIVE_ASSETS)
daily_refresh = define_asset_job(
    "daily_refresh",
    selection=LIVE,
    description="Refresh every live dataset, as `bubblemeter refresh` does.",
)
daily_refresh_schedule = ScheduleDefinition(
    name="daily_refresh_schedule",
    job=daily_refresh,
    cron_schedule=DAILY_CRON,
    execution_timezone=DAILY_TZ,
    default_status=DefaultScheduleStatus.STOPPED,
    description=f"{DAILY.describe()} (after the US close).",
)

defs = Definitions(
    assets=[*LIVE_ASSET_DEFS, snapshot_import],
    jobs=[daily_refresh],
    schedules=[daily_refresh_schedule],
    resources={"warehouse": WarehouseResource()},
    # One writer at a time: each asset swaps in a new warehouse file, so they run one by one.
    executor=in_process_executor,
)
