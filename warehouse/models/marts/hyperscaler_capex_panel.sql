-- grain: one row per calendar quarter in which every panel hyperscaler reported capex (the panel: hyperscalers with capex in at least 8 of the last 12 calendar quarters loaded), with NVIDIA data-center revenue beside it
-- key: calendar_year, calendar_quarter
-- The panel is the hyperscalers with capex in at least 8 of the last 12 calendar quarters
-- loaded (chosen in hyperscaler_capex_panel_coverage). Summing the same companies every quarter
-- keeps a company missing from a quarter (or reporting once) from reading as a rise or fall;
-- hyperscaler_capex_quarterly keeps every company. NVIDIA's fiscal quarter is placed in the
-- calendar quarter holding most of its days.
with coverage as (
    select * from hyperscaler_capex_panel_coverage
),

data_center as (
    select * from stg_nvda_data_center
),

panel_quarters as (
    select
        calendar_year, calendar_quarter, calendar_label, calendar_quarter_start, period_end,
        capex_usd_reported as capex_usd, companies_reported as companies,
        tickers_reported as tickers, source_kinds, is_rounded, known_at
    from coverage
    where is_complete
),

final as (
    select
        cur.calendar_year, cur.calendar_quarter, cur.calendar_label, cur.calendar_quarter_start,
        cur.period_end, cur.tickers, cur.companies, cur.capex_usd, cur.source_kinds,
        cur.is_rounded,
        prior.capex_usd as capex_usd_year_ago, prior.tickers as year_ago_tickers,
        (cur.capex_usd / nullif(prior.capex_usd, 0) - 1) * 100 as capex_yoy_pct,
        dc.fiscal_year as nvda_fiscal_year, dc.fiscal_quarter as nvda_fiscal_quarter,
        dc.data_center_revenue_usd as nvda_data_center_revenue_usd,
        dc.data_center_revenue_usd / cur.capex_usd * 100 as dc_share_of_capex_pct,
        dc.source as nvda_source,
        cur.known_at as capex_known_at,
        -- the day both figures were known (NVIDIA's transcribed rows: the SEC deadline rule)
        greatest(cur.known_at, dc.known_at) as dc_share_known_at
    from panel_quarters cur
    left join panel_quarters prior
        on prior.calendar_year = cur.calendar_year - 1
        and prior.calendar_quarter = cur.calendar_quarter
    left join data_center dc
        on dc.calendar_year = cur.calendar_year and dc.calendar_quarter = cur.calendar_quarter
)

select * from final
order by calendar_year, calendar_quarter
