-- grain: one row per calendar quarter in which every panel hyperscaler reported capex (the panel: hyperscalers with capex in at least 8 of the last 12 calendar quarters loaded), with NVIDIA data-center revenue beside it
-- The panel is the hyperscalers with capex in at least 8 of the last 12 calendar quarters
-- loaded. Summing the same companies every quarter keeps a company missing from a quarter (or
-- reporting once) from reading as a rise or fall; hyperscaler_capex_quarterly keeps every
-- company. NVIDIA's fiscal quarter is placed in the calendar quarter holding most of its days.
with capex as (
    select * from hyperscaler_capex_quarterly where ticker <> 'ALL'
),

data_center as (
    select * from stg_nvda_data_center
),

latest_quarter as (
    select max(calendar_year * 4 + calendar_quarter - 1) as quarter_index from capex
),

panel as (
    select capex.ticker
    from capex, latest_quarter l
    where capex.calendar_year * 4 + capex.calendar_quarter - 1 > l.quarter_index - 12
    group by capex.ticker
    having count(*) >= 8
),

panel_quarters as (
    select
        calendar_year, calendar_quarter,
        sum(capex_usd) as capex_usd,
        count(*) as companies,
        string_agg(ticker, ',' order by ticker) as tickers,
        string_agg(distinct case source_kind when 'sec' then 'SEC EDGAR'
                                             when 'transcribed' then 'filings as transcribed'
                                             else source_kind end, ', '
                   order by case source_kind when 'sec' then 'SEC EDGAR'
                                             when 'transcribed' then 'filings as transcribed'
                                             else source_kind end) as source_kinds
    from capex
    where ticker in (select ticker from panel)
    group by calendar_year, calendar_quarter
    having count(*) = (select count(*) from panel)
),

final as (
    select
        cur.calendar_year, cur.calendar_quarter,
        cur.calendar_year || 'Q' || cur.calendar_quarter as calendar_label,
        make_date(cur.calendar_year, cur.calendar_quarter * 3 - 2, 1) as calendar_quarter_start,
        last_day(make_date(cur.calendar_year, cur.calendar_quarter * 3, 1)) as period_end,
        cur.tickers, cur.companies, cur.capex_usd, cur.source_kinds,
        prior.capex_usd as capex_usd_year_ago,
        (cur.capex_usd / nullif(prior.capex_usd, 0) - 1) * 100 as capex_yoy_pct,
        dc.fiscal_year as nvda_fiscal_year, dc.fiscal_quarter as nvda_fiscal_quarter,
        dc.data_center_revenue_usd as nvda_data_center_revenue_usd,
        dc.data_center_revenue_usd / cur.capex_usd * 100 as dc_share_of_capex_pct,
        dc.source as nvda_source
    from panel_quarters cur
    left join panel_quarters prior
        on prior.calendar_year = cur.calendar_year - 1
        and prior.calendar_quarter = cur.calendar_quarter
    left join data_center dc
        on dc.calendar_year = cur.calendar_year and dc.calendar_quarter = cur.calendar_quarter
)

select * from final
order by calendar_year, calendar_quarter
