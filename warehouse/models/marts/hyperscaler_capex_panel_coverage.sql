-- grain: one row per calendar quarter in which at least one panel hyperscaler reported capex (the panel: hyperscalers with capex in at least 8 of the last 12 calendar quarters loaded): how many of the panel reported, and their capex
-- key: calendar_year, calendar_quarter
-- The one place the panel is chosen. hyperscaler_capex_panel keeps the quarters in which the
-- whole panel reported (is_complete); nvda_dc_vs_capex shows the others as "N of M reported"
-- with no ratio. capex_usd_reported sums only the members that reported, so it is the panel's
-- total only where is_complete.
with capex as (
    select * from hyperscaler_capex_quarterly where ticker <> 'ALL'
),

latest_quarter as (
    select max(quarter_index(calendar_year, calendar_quarter)) as latest_quarter_index
    from capex
),

panel as (
    select capex.ticker
    from capex, latest_quarter l
    where quarter_index(capex.calendar_year, capex.calendar_quarter) > l.latest_quarter_index - 12
    group by capex.ticker
    having count(*) >= 8
),

panel_size as (
    select count(*) as panel_companies, string_agg(ticker, ',' order by ticker) as panel_tickers
    from panel
),

reported as (
    select
        calendar_year, calendar_quarter,
        sum(capex_usd) as capex_usd_reported,
        count(*) as companies_reported,
        string_agg(ticker, ',' order by ticker) as tickers_reported,
        string_agg(distinct source_kind_label(source_kind), ', '
                   order by source_kind_label(source_kind)) as source_kinds
    from capex
    where ticker in (select ticker from panel)
    group by calendar_year, calendar_quarter
),

final as (
    select
        r.calendar_year, r.calendar_quarter,
        calendar_label(r.calendar_year, r.calendar_quarter) as calendar_label,
        calendar_quarter_start(r.calendar_year, r.calendar_quarter) as calendar_quarter_start,
        calendar_quarter_end(r.calendar_year, r.calendar_quarter) as period_end,
        r.companies_reported, s.panel_companies,
        r.companies_reported || ' of ' || s.panel_companies || ' reported' as panel_reported,
        r.companies_reported = s.panel_companies as is_complete,
        r.tickers_reported, s.panel_tickers,
        r.capex_usd_reported, r.source_kinds
    from reported r
    cross join panel_size s
)

select * from final
order by calendar_year, calendar_quarter
