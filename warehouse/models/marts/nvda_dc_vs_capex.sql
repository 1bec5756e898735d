-- grain: one row per calendar quarter with NVIDIA data-center revenue and capex from at least one panel hyperscaler (the panel of hyperscaler_capex_panel); hyperscaler_capex_usd and dc_share_of_capex_pct only where every panel hyperscaler reported (is_complete), else null with panel_reported saying 'N of M reported'
-- key: calendar_year, calendar_quarter
-- The ratio is hyperscaler_capex_panel's, so the two views give one answer: a quarter in which
-- part of the panel has not reported yet shows who has (tickers_reported) but no ratio, since a
-- total over part of the panel would read as a jump. NVIDIA's fiscal quarter is placed in the
-- calendar quarter holding most of its days (its quarter ended 2026-01-25 is calendar 2025 Q4).
with data_center as (
    select * from stg_nvda_data_center
),

coverage as (
    select * from hyperscaler_capex_panel_coverage
),

panel as (
    select * from hyperscaler_capex_panel
),

final as (
    select
        c.calendar_year, c.calendar_quarter, c.calendar_label, c.calendar_quarter_start,
        dc.fiscal_year as nvda_fiscal_year, dc.fiscal_quarter as nvda_fiscal_quarter,
        dc.period_end as nvda_period_end,
        dc.data_center_revenue_usd as nvda_data_center_revenue_usd,
        p.capex_usd as hyperscaler_capex_usd,
        c.companies_reported, c.panel_companies, c.panel_reported, c.is_complete,
        c.tickers_reported,
        p.dc_share_of_capex_pct,
        dc.source as nvda_source, c.source_kinds as capex_source
    from data_center dc
    join coverage c
        on c.calendar_year = dc.calendar_year and c.calendar_quarter = dc.calendar_quarter
    left join panel p
        on p.calendar_year = c.calendar_year and p.calendar_quarter = c.calendar_quarter
)

select * from final
order by calendar_year, calendar_quarter
