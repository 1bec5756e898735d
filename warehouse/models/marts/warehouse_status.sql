-- grain: one row: how current the warehouse is (newest price, last successful load, last run, whether everything came from a snapshot)
-- key: (one row)
-- column last_success_at: last run that loaded at least one item
-- column last_failed_run_id: the latest run that failed or partly failed, when no run has fully succeeded since (null otherwise)
-- column last_failed_reasons: that run's failures, each distinct reason once with its item count (as ingest_run_summary.failures)
-- The dashboard's banner reads this; the thresholds for 'stale' live in the dashboard.
with prices as (
    select max(date) as newest_price_date from prices_daily
),

runs as (
    select * from ingest_runs
),

last_run as (
    select run_id as last_run_id, started_at as last_run_started_at,
           finished_at as last_run_finished_at, status as last_run_status, mode as last_run_mode
    from runs
    qualify row_number() over (order by started_at desc) = 1
),

last_success as (
    -- a run counts once it loaded at least one item
    select max(finished_at) as last_success_at,
           arg_max(mode, finished_at) as last_success_mode
    from runs
    where finished_at is not null
      and exists (select 1 from ingest_run_items i
                  where i.run_id = runs.run_id and i.status = 'ok')
),

freshness as (
    select bool_and(last_success_mode = 'snapshot') as snapshot_only
    from data_freshness
    where last_success_mode is not null
),

-- the failed refresh a reader should hear of: the latest failed or partial run with no
-- fully successful run after it
last_failed as (
    select run_id as last_failed_run_id, started_at as last_failed_started_at,
           status as last_failed_status, mode as last_failed_mode,
           items_failed as last_failed_items, items_ok as last_failed_items_ok,
           failures as last_failed_reasons
    from ingest_run_summary
    where status in ('failed', 'partial')
      and started_at > coalesce(
          (select max(started_at) from runs where status = 'ok'), '-infinity'::timestamp)
    qualify row_number() over (order by started_at desc) = 1
),

final as (
    select prices.newest_price_date, last_success.last_success_at,
           last_success.last_success_mode, freshness.snapshot_only, last_run.*, last_failed.*
    from prices
    cross join last_success
    cross join freshness
    left join last_run on true
    left join last_failed on true
)

select * from final
