"""Dagster definitions: one asset per source dataset, calling the ingest functions the CLI calls.

    dagster dev -m orchestration.definitions

Assets `prices`, `statements`, `earnings_dates` (Yahoo), `sec_facts` (SEC companyfacts) each run
ingest.live.refresh_live for their dataset; `snapshot_import` runs ingest.refresh.import_snapshot.
Every materialisation is one refresh in the warehouse's run log (trigger `dagster`). Settings come
from the BUBBLEMETER_* environment (Settings.from_env), as for `bubblemeter refresh`.
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

from ingest.live import SourcesUnreachable, refresh_live
from ingest.refresh import RunSummary, import_snapshot
from warehouse.settings import ConfigError, Settings

TRIGGER = "dagster"
GROUP = "bubblemeter"
CHECK = "no_failed_items"
# The same default as `bubblemeter schedule`: after the US close, on weekdays.
DAILY_CRON = "30 18 * * 1-5"
DAILY_TZ = "America/New_York"
# asset name -> live dataset (ingest.live.LIVE_DATASETS) it refreshes
LIVE_ASSETS = {
    "prices": "prices",
    "statements": "financials",
    "earnings_dates": "earnings",
    "sec_facts": "companyfacts",
}


class WarehouseResource(ConfigurableResource):
    """The warehouse and sources, from BUBBLEMETER_* variables; `db` overrides BUBBLEMETER_DB."""

    db: Optional[str] = None

    def settings(self) -> Settings:
        """The project's Settings, read from the environment of the run."""
        try:
            return Settings.from_env(db=self.db)
        except ConfigError as exc:
            raise Failure(description=f"configuration: {exc}") from None


class LiveConfig(Config):
    """Options of a live refresh, as `bubblemeter refresh --tickers ... --full`."""

    tickers: Optional[list[str]] = None
    full: bool = False


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


def _live_asset(name: str, dataset: str, description: str):
    """An asset that refreshes one live dataset for the whole universe (or config.tickers)."""

    @asset(
        name=name,
        group_name=GROUP,
        description=description,
        check_specs=[
            AssetCheckSpec(CHECK, asset=name, description="every item of the refresh loaded")
        ],
    )
    def _refresh(
        context: AssetExecutionContext, config: LiveConfig, warehouse: WarehouseResource
    ) -> MaterializeResult:
        settings = warehouse.settings()
        try:
            summary = refresh_live(
                settings,
                datasets=[dataset],
                tickers=config.tickers,
                full=config.full,
                trigger=TRIGGER,
            )
        except (SourcesUnreachable, ConfigError) as exc:
            raise Failure(description=str(exc)) from None
        return _result(context, summary, settings)

    return _refresh


prices = _live_asset(
    "prices",
    "prices",
    "Daily prices, splits and dividends from Yahoo "
    "(incremental) into prices_daily and corporate_actions.",
)
statements = _live_asset(
    "statements",
    "financials",
    "Quarterly statements from Yahoo into financial_facts (source yahoo).",
)
earnings_dates = _live_asset(
    "earnings_dates", "earnings", "Earnings dates and EPS from Yahoo into earnings_events."
)
sec_facts = _live_asset(
    "sec_facts",
    "companyfacts",
    "Quarterly history from SEC companyfacts into financial_facts (source sec).",
)


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
        summary = import_snapshot(
            settings, config.directory, datasets=config.datasets, trigger=TRIGGER
        )
    except (FileNotFoundError, NotADirectoryError, ConfigError) as exc:
        raise Failure(description=f"snapshot {config.directory}: {exc}") from None
    return _result(context, summary, settings)


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
    description="18:30 America/New_York, Monday to Friday (after the US close).",
)

defs = Definitions(
    assets=[prices, statements, earnings_dates, sec_facts, snapshot_import],
    jobs=[daily_refresh],
    schedules=[daily_refresh_schedule],
    resources={"warehouse": WarehouseResource()},
    # One writer at a time: each asset swaps in a new warehouse file, so they run one by one.
    executor=in_process_executor,
)
