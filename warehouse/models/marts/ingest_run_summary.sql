-- grain: one row per refresh run: items loaded, failed and skipped, rows written, and each failure with its reason
-- key: run_id
-- column failures: each distinct reason of the failed items once, most items first: `item: reason`, or `reason (N items: A, B, C, ...)`; joined by ' | '
-- column status: failed when nothing loaded, ok when nothing failed, else partial
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
        string_agg(distinct source, ',' order by source) as sources
    from items
    group by run_id
),

-- one row per distinct reason of a run's failed items (48 alike read as one, with a count)
reasons as (
    select
        run_id, coalesce(error, 'no reason recorded') as reason,
        count(*) as n, list(item order by item) as item_list
    from items
    where status = 'failed'
    group by run_id, reason
),

reason_lists as (
    select
        run_id,
        string_agg(
            case when n = 1 then item_list[1] || ': ' || reason
                 else reason || ' (' || n || ' items: ' || array_to_string(item_list[1:3], ', ')
                      || case when n > 3 then ', ...' else '' end || ')'
            end, ' | ' order by n desc, reason
        ) as failures
    from reasons
    group by run_id
),

final as (
    select
        runs.run_id, runs.started_at, runs.finished_at,
        datediff('millisecond', runs.started_at, runs.finished_at) / 1000.0 as duration_s,
        runs.trigger, runs.mode, runs.snapshot_dir, runs.status,
        coalesce(c.items_ok, 0) as items_ok, coalesce(c.items_failed, 0) as items_failed,
        coalesce(c.items_skipped, 0) as items_skipped, coalesce(c.rows_written, 0) as rows_written,
        c.sources, r.failures
    from runs
    left join counted c using (run_id)
    left join reason_lists r using (run_id)
)

select * from final
order by started_at desc
