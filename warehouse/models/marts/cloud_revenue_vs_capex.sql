-- grain: one row per hyperscaler per calendar quarter where both its cloud revenue and its capex over the four quarters to it are known
-- key: ticker, calendar_year, calendar_quarter
-- column cloud_revenue_per_capex_usd: cloud revenue per dollar of capex, the same four calendar quarters
-- column cloud_revenue_next_year_usd: cloud revenue of the four quarters a year later; empty until loaded
-- column next_year_cloud_revenue_per_capex_usd: the cloud revenue a dollar of capex was followed by: the next four quarters' cloud revenue per dollar of these four quarters' capex
-- Like for like: the same company, four calendar quarters on each side, and capex only where all
-- four of its quarters are loaded (hyperscaler_capex_quarterly, as on the capex page).
with cloud as (
    select * from cloud_revenue_quarterly where cloud_revenue_ttm_usd is not null
),

capex as (
    select * from hyperscaler_capex_quarterly where ticker <> 'ALL'
),

capex_ttm as (
    select
        c.ticker, c.calendar_year, c.calendar_quarter,
        sum(p.capex_usd) as capex_ttm_usd, count(*) as capex_quarters,
        string_agg(distinct p.source_kind, ',') as capex_source_kind
    from capex c
    join capex p
        on p.ticker = c.ticker
        and quarter_index(p.calendar_year, p.calendar_quarter)
            between quarter_index(c.calendar_year, c.calendar_quarter) - 3
                and quarter_index(c.calendar_year, c.calendar_quarter)
    group by c.ticker, c.calendar_year, c.calendar_quarter
),

final as (
    select
        cl.ticker, cl.cloud_label, cl.calendar_year, cl.calendar_quarter, cl.calendar_label,
        cl.period_end, cl.cloud_revenue_ttm_usd, k.capex_ttm_usd,
        cl.cloud_revenue_ttm_usd / nullif(k.capex_ttm_usd, 0) as cloud_revenue_per_capex_usd,
        nx.cloud_revenue_ttm_usd as cloud_revenue_next_year_usd,
        nx.cloud_revenue_ttm_usd / nullif(k.capex_ttm_usd, 0)
            as next_year_cloud_revenue_per_capex_usd,
        cl.filed_at, cl.source as cloud_source, k.capex_source_kind
    from cloud cl
    join capex_ttm k using (ticker, calendar_year, calendar_quarter)
    left join cloud nx
        on nx.ticker = cl.ticker and nx.calendar_year = cl.calendar_year + 1
        and nx.calendar_quarter = cl.calendar_quarter
    where k.capex_quarters = 4
)

select * from final
order by ticker, calendar_year, calendar_quarter
