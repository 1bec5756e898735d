-- grain: one row per calendar quarter in which at least one panel hyperscaler reported capex (the panel: hyperscalers with capex in at least 8 of the last 12 calendar quarters loaded): how many of the panel reported, and their capex
-- key: calendar_year, calendar_quarter
-- The panel is chosen once, in hyperscaler_capex_quarterly (its ticker = 'ALL' rows); this view
-- names its columns for the panel views. hyperscaler_capex_panel keeps the quarters in which the
-- whole panel reported (is_complete); nvda_dc_vs_capex shows the others as "N of M reported"
-- with no ratio. capex_usd_reported sums only the members that reported, so it is the panel's
-- total only where is_complete.
with totals as (
    select * from hyperscaler_capex_quarterly where ticker = 'ALL'
),

final as (
    select
        calendar_year, calendar_quarter, calendar_label, calendar_quarter_start,
        calendar_quarter_end(calendar_year, calendar_quarter) as period_end,
        companies_reported, panel_companies, panel_reported, is_complete,
        tickers_reported, members as panel_tickers,
        capex_usd as capex_usd_reported,
        capex_incl_finance_leases_usd as capex_incl_finance_leases_usd_reported,
        source_kinds,
        is_rounded, known_at
    from totals
)

select * from final
order by calendar_year, calendar_quarter
