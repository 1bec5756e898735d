-- grain: one row per source (yahoo, sec, snapshot): its last run, how that run went for it (skipped when all its items were), and its last successful load
-- key: source
-- column last_run_status: for that source's items: ok, partial, failed (nothing loaded), skipped (every item skipped: the source was not asked), running
-- column skips: item: reason; ...
-- column first_failure: the first failed item (by name) and its reason, as `item: reason`
-- column first_skip: the first skipped item (by name) and its reason, as `item: reason`
-- column last_success_at: the last run in which one of its items loaded
with runs as (
    select * from ingest_runs
),

items as (
    select * from ingest_run_items
),

per_run as (
    select
        items.source, runs.run_id, runs.started_at, runs.finished_at, runs.mode,
        count(*) filter (where items.status = 'ok') as items_ok,
        count(*) filter (where items.status = 'failed') as items_failed,
        count(*) filter (where items.status = 'skipped') as items_skipped,
        sum(items.rows_written) as rows_written,
        string_agg(items.item || ': ' || coalesce(items.error, 'no reason recorded'), '; '
                   order by items.item) filter (where items.status = 'failed') as failures,
        string_agg(items.item || ': ' || coalesce(items.error, 'no reason recorded'), '; '
                   order by items.item) filter (where items.status = 'skipped') as skips,
        min(items.item || ': ' || coalesce(items.error, 'no reason recorded'))
            filter (where items.status = 'failed') as first_failure,
        min(items.item || ': ' || coalesce(items.error, 'no reason recorded'))
            filter (where items.status = 'skipped') as first_skip
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
        l.items_ok, l.items_failed, l.items_skipped, l.rows_written, l.failures, l.skips,
        l.first_failure, l.first_skip,
        s.last_success_at
    from last_run l
    left join last_success s using (source)
)

select * from final
order by source
