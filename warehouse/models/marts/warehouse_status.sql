-- grain: one row: how current the warehouse is (newest price, last successful load, last run, whether everything came from a snapshot)
-- key: (one row)
-- column last_success_at: last run that loaded at least one item
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

final as (
    select prices.newest_price_date, last_success.last_success_at,
           last_success.last_success_mode, freshness.snapshot_only, last_run.*
    from prices
    cross join last_success
    cross join freshness
    left join last_run on true
)

select * from final
