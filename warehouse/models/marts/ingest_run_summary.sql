-- grain: one row per refresh run: items loaded, failed and skipped, rows written, and each failure with its reason
-- key: run_id
-- column failures: item: reason; ...
with runs as (
    select * from ingest_runs
),

items as (
    select * from ingest_run_items
),

counted as (
    select
        run_id,
        count(*) filter (where status = 'ok') as items_ok,
        count(*) filter (where status = 'failed') as items_failed,
        count(*) filter (where status = 'skipped') as items_skipped,
        sum(rows_written) as rows_written,
        string_agg(distinct source, ',' order by source) as sources,
        string_agg(item || ': ' || coalesce(error, 'no reason recorded'), '; ' order by item)
            filter (where status = 'failed') as failures
    from items
    group by run_id
),

final as (
    select
        runs.run_id, runs.started_at, runs.finished_at,
        datediff('millisecond', runs.started_at, runs.finished_at) / 1000.0 as duration_s,
        runs.trigger, runs.mode, runs.snapshot_dir, runs.status,
        coalesce(c.items_ok, 0) as items_ok, coalesce(c.items_failed, 0) as items_failed,
        coalesce(c.items_skipped, 0) as items_skipped, coalesce(c.rows_written, 0) as rows_written,
        c.sources, c.failures
    from runs
    left join counted c using (run_id)
)

select * from final
order by started_at desc
