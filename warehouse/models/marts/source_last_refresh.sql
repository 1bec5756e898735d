-- grain: one row per source (yahoo, sec, snapshot): its last run, how that run went for it (skipped when all its items were), and its last successful load
-- key: source
-- column last_run_status: for that source's items: ok, partial, failed (nothing loaded), skipped (every item skipped: the source was not asked), running
-- column failures: each distinct reason once, most items first: `item: reason`, or `reason (N items: A, B, C, ...)`; joined by ' | '
-- column skips: the skipped items, as failures
-- column last_success_at: the last run in which one of its items loaded
with runs as (
    select * from ingest_runs
),

items as (
    select * from ingest_run_items
),

-- one row per distinct reason of a run's failed or skipped items: 48 items that failed for
-- the same reason read as one reason with a count, not 48 times
reasons as (
    select
        source, run_id, status, coalesce(error, 'no reason recorded') as reason,
        count(*) as n, list(item order by item) as item_list
    from items
    where status in ('failed', 'skipped')
    group by source, run_id, status, reason
),

reason_lists as (
    select
        source, run_id,
        string_agg(
            case when n = 1 then item_list[1] || ': ' || reason
                 else reason || ' (' || n || ' items: ' || array_to_string(item_list[1:3], ', ')
                      || case when n > 3 then ', ...' else '' end || ')'
            end, ' | ' order by n desc, reason
        ) filter (where status = 'failed') as failures,
        string_agg(
            case when n = 1 then item_list[1] || ': ' || reason
                 else reason || ' (' || n || ' items: ' || array_to_string(item_list[1:3], ', ')
                      || case when n > 3 then ', ...' else '' end || ')'
            end, ' | ' order by n desc, reason
        ) filter (where status = 'skipped') as skips
    from reasons
    group by source, run_id
),

per_run as (
    select
        items.source, runs.run_id, runs.started_at, runs.finished_at, runs.mode,
        count(*) filter (where items.status = 'ok') as items_ok,
        count(*) filter (where items.status = 'failed') as items_failed,
        count(*) filter (where items.status = 'skipped') as items_skipped,
        sum(items.rows_written) as rows_written
    from items
    join runs using (run_id)
    group by items.source, runs.run_id, runs.started_at, runs.finished_at, runs.mode
),

last_run as (
    select * from per_run
    qualify row_number() over (partition by source order by started_at desc) = 1
),

last_success as (
    select source, max(finished_at) as last_success_at
    from per_run
    where items_ok > 0 and finished_at is not null
    group by source
),

final as (
    select
        l.source, l.run_id as last_run_id, l.started_at as last_run_started_at,
        l.finished_at as last_run_finished_at, l.mode as last_run_mode,
        -- a source whose items were all skipped was not asked: skipped, never ok
        case
            when l.finished_at is null then 'running'
            when l.items_ok = 0 and l.items_failed = 0 then 'skipped'
            when l.items_ok = 0 then 'failed'
            when l.items_failed = 0 then 'ok'
            else 'partial'
        end as last_run_status,
        l.items_ok, l.items_failed, l.items_skipped, l.rows_written, r.failures, r.skips,
        s.last_success_at
    from last_run l
    left join last_success s using (source)
    left join reason_lists r on r.source = l.source and r.run_id = l.run_id
)

select * from final
order by source
