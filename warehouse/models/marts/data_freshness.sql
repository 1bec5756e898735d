-- grain: one row per source and table: rows held, newest data date, last successful load
-- key: source, table_name
with runs as (
    select * from ingest_runs
),

items as (
    select * from ingest_run_items
),

loads as (
    select
        items.source,
        max(runs.finished_at) as last_success_at,
        arg_max(runs.mode, runs.finished_at) as last_success_mode
    from items
    join runs using (run_id)
    where items.status = 'ok' and runs.finished_at is not null
    group by items.source
),

held as (
    select load_source(source) as source,
           'prices_daily' as table_name, max(date) as newest_data_date, count(*) as row_count
    from prices_daily group by 1
    union all
    select load_source(source),
           'financial_facts', max(period_end), count(*)
    from financial_facts group by 1
    union all
    select load_source(source),
           'corporate_actions', max(date), count(*)
    from corporate_actions group by 1
    union all
    select load_source(source),
           'earnings_events', max(report_date), count(*)
    from earnings_events group by 1
    union all
    select 'snapshot', 'segment_revenue', max(period_end), count(*)
    from segment_revenue having count(*) > 0
    union all
    select 'snapshot', 'customer_concentration', max(period_end), count(*)
    from customer_concentration having count(*) > 0
    union all
    select 'snapshot', 'adoption_indicators', max(period_date), count(*)
    from adoption_indicators having count(*) > 0
),

final as (
    select held.source, held.table_name, held.row_count, held.newest_data_date,
           loads.last_success_at, loads.last_success_mode
    from held
    left join loads using (source)
)

select * from final
order by source, table_name
