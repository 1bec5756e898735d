-- grain: one row per thesis indicator per period (fiscal or calendar quarter, or BTOS survey period) per comparable basis
-- key: indicator, period_end, basis
-- column higher_reads_as: enterprise-led or capex-led
-- column reading_rule: how to read a rise, with its caveat, as the Thesis page shows it
-- column members: what the reading aggregates (a fixed panel, or the one company); a change is computed only between readings with equal members
-- column reading_quarter: quarter_index() of the calendar quarter the reading belongs to (for is_current)
-- column overdue_after_days: a reading older than this many days before the newest reading in the warehouse is overdue by its source's cadence (null: quarterly, the two-quarter rule covers it)
-- column std_error_pp: standard error of value_pct where the source publishes one (Census national rate)
-- column known_at: the day the reading could be known: the last of its figures' filing dates, else the stated deadline rule (quarterly_financials.known_at, nvda_data_center_mix.known_at, btos_ai_use_panel.known_at)
-- The six readings on the Thesis page. higher_reads_as says which way a rise points: toward
-- growth led by enterprises putting AI to work, or led by big-tech capex. basis and members mark
-- which rows may be compared (the same NVIDIA presentation vintage, the same BTOS question,
-- the same fixed panel of hyperscalers, adopters or states). Only complete readings are kept:
-- a quarter in which part of a panel has not reported has no reading here.
with dc_mix as (
    select * from nvda_data_center_mix
),

panel as (
    select * from hyperscaler_capex_panel
),

adopters as (
    select * from enterprise_adopters_growth where ticker = 'BASKET' and is_complete
),

btos as (
    select * from btos_ai_use_panel where indicator = 'btos_ai_use_rate' and is_complete
),

newest_btos_version as (
    select arg_max(series_version, period_date) as series_version from btos
),

nvda_quarters as (
    select fiscal_year, fiscal_quarter, period_end, calendar_year, calendar_quarter, known_at
    from stg_nvda_data_center
),

concentration as (
    select * from customer_concentration
    where share_pct is not null
      and basis like 'share_of_total_revenue; direct customer; three months%'
),

enterprise_share as (
    select
        'nvda_enterprise_share' as indicator,
        'NVIDIA AI clouds, industrial & enterprise share of data-center revenue' as indicator_label,
        'a rise reads as enterprise-led; compared within one presentation vintage only'
            as reading_rule,
        fiscal_label as period_label, period_end,
        ai_clouds_industrial_enterprise_share_pct as value_pct,
        presentation as basis, is_current_basis,
        'enterprise-led' as higher_reads_as,
        source, vintage as detail,
        'NVDA' as members, quarter_index(calendar_year, calendar_quarter) as reading_quarter,
        null::integer as overdue_after_days, null::double as std_error_pp, known_at
    from dc_mix
),

capex_yoy as (
    select
        'hyperscaler_capex_yoy' as indicator,
        'Hyperscaler capex (fixed panel), growth on a year earlier' as indicator_label,
        'a rise reads as capex-led; cash capex (purchases of property and equipment), '
            || 'finance leases excluded' as reading_rule,
        calendar_label as period_label, period_end,
        capex_yoy_pct as value_pct,
        tickers as basis, true as is_current_basis,
        'capex-led' as higher_reads_as,
        'capex of ' || replace(tickers, ',', ', ') || ' (' || source_kinds || ')' as source,
        'calendar quarters; the panel ' || replace(tickers, ',', ', ')
            || ' in every quarter compared' as detail,
        tickers as members, quarter_index(calendar_year, calendar_quarter) as reading_quarter,
        null::integer as overdue_after_days, null::double as std_error_pp,
        capex_known_at as known_at
    from panel
    where capex_yoy_pct is not null
),

dc_share_of_capex as (
    select
        'nvda_dc_share_of_capex' as indicator,
        'NVIDIA data-center revenue ÷ hyperscaler capex (fixed panel)' as indicator_label,
        'a rise reads as enterprise-led only if GPUs'' share of capex holds steady: more '
            || 'of the same capex going to GPUs raises it too' as reading_rule,
        calendar_label as period_label, period_end,
        dc_share_of_capex_pct as value_pct,
        tickers as basis, true as is_current_basis,
        'enterprise-led' as higher_reads_as,
        'NVIDIA revenue by market; capex of ' || replace(tickers, ',', ', ')
            || ' (' || source_kinds || ')' as source,
        'NVIDIA FY' || nvda_fiscal_year || ' Q' || nvda_fiscal_quarter
            || ' placed in its calendar quarter' as detail,
        'NVDA ÷ ' || tickers as members,
        quarter_index(calendar_year, calendar_quarter) as reading_quarter,
        null::integer as overdue_after_days, null::double as std_error_pp,
        dc_share_known_at as known_at
    from panel
    where dc_share_of_capex_pct is not null
),

adopters_growth as (
    select
        'enterprise_adopters_growth' as indicator,
        'Enterprise adopters'' revenue (fixed panel), growth on a year earlier'
            as indicator_label,
        'a rise reads as enterprise-led; the same companies in every quarter compared'
            as reading_rule,
        calendar_label as period_label,
        calendar_quarter_end(calendar_year, calendar_quarter) as period_end,
        revenue_yoy_pct as value_pct,
        'fixed panel' as basis, true as is_current_basis,
        'enterprise-led' as higher_reads_as,
        'company filings as transcribed (' || replace(members, ',', ', ') || ')' as source,
        'sum of ' || replace(members, ',', ', ')
            || ' against the same quarters a year earlier' as detail,
        members, quarter_index(calendar_year, calendar_quarter) as reading_quarter,
        null::integer as overdue_after_days, null::double as std_error_pp, known_at
    from adopters
),

btos_use as (
    select
        'btos_ai_use_rate' as indicator,
        case when b.basis = 'national' then 'Census BTOS: firms using AI, national rate'
             else 'Census BTOS: firms using AI, ' || b.basis end as indicator_label,
        'a rise reads as enterprise-led; one question wording only; a change inside the '
            || 'survey''s 90% band reads as no clear change' as reading_rule,
        'survey of ' || strftime(b.period_date, '%Y-%m-%d') as period_label,
        b.period_date as period_end,
        b.value_pct,
        b.series_version as basis,
        b.series_version = v.series_version as is_current_basis,
        'enterprise-led' as higher_reads_as,
        b.source,
        b.basis || ' (' || b.panel_reported || '); question version ' || b.series_version
            as detail,
        b.members,
        quarter_index(year(b.period_date), quarter(b.period_date)) as reading_quarter,
        -- biweekly survey: three missed releases make a reading overdue
        42 as overdue_after_days, b.std_error_pp, b.known_at
    from btos b
    cross join newest_btos_version v
),

top_customer as (
    select
        'nvda_top_customer_share' as indicator,
        'NVIDIA direct customers ≥ 10% of revenue: the largest' as indicator_label,
        'a rise reads as capex-led; a direct customer is often an intermediary (a system '
            || 'maker or distributor), not the buyer who runs the chips' as reading_rule,
        coalesce(min(fiscal_label(dc.fiscal_year, dc.fiscal_quarter)),
                 'quarter ended ' || strftime(c.period_end, '%Y-%m-%d')) as period_label,
        c.period_end,
        max(c.share_pct) as value_pct,
        'direct customers, one quarter' as basis, true as is_current_basis,
        'capex-led' as higher_reads_as,
        min(c.source) as source,
        string_agg(c.customer_label || ' ' || c.share_pct || '%', '; '
                   order by c.share_pct desc) as detail,
        'NVDA direct customers' as members,
        coalesce(min(quarter_index(dc.calendar_year, dc.calendar_quarter)),
                 quarter_index(year(c.period_end), quarter(c.period_end))) as reading_quarter,
        null::integer as overdue_after_days, null::double as std_error_pp,
        coalesce(max(c.filed_at), min(dc.known_at),
                 known_at(null::date, null::date, c.period_end, 1)) as known_at
    from concentration c
    left join nvda_quarters dc on dc.period_end = c.period_end
    group by c.period_end
),

final as (
    select * from enterprise_share
    union all select * from capex_yoy
    union all select * from dc_share_of_capex
    union all select * from adopters_growth
    union all select * from btos_use
    union all select * from top_customer
)

select * from final
order by indicator, period_end, basis
