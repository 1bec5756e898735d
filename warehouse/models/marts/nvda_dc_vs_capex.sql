-- grain: one row per calendar quarter with both NVIDIA data-center revenue and hyperscaler capex
-- NVIDIA's fiscal quarter is placed in the calendar quarter holding most of its days (its
-- quarter ended 2026-01-25 is calendar 2025 Q4). The capex total covers only the hyperscalers
-- that reported that quarter: tickers_reported says which.
with data_center as (
    select * from stg_nvda_data_center
),

capex as (
    select * from hyperscaler_capex_quarterly where ticker = 'ALL'
),

final as (
    select
        dc.calendar_year, dc.calendar_quarter,
        dc.calendar_year || 'Q' || dc.calendar_quarter as calendar_label,
        make_date(dc.calendar_year, dc.calendar_quarter * 3 - 2, 1) as calendar_quarter_start,
        dc.fiscal_year as nvda_fiscal_year, dc.fiscal_quarter as nvda_fiscal_quarter,
        dc.period_end as nvda_period_end,
        dc.data_center_revenue_usd as nvda_data_center_revenue_usd,
        capex.capex_usd as hyperscaler_capex_usd,
        capex.companies_reported, capex.tickers_reported,
        dc.data_center_revenue_usd / capex.capex_usd * 100 as dc_share_of_capex_pct,
        dc.source as nvda_source, capex.source as capex_source
    from data_center dc
    join capex using (calendar_year, calendar_quarter)
)

select * from final
order by calendar_year, calendar_quarter
