-- grain: one row per thesis indicator per period (fiscal or calendar quarter, or BTOS survey period) per comparable basis
-- key: indicator, period_end, basis
-- column higher_reads_as: enterprise-led or capex-led
-- The six readings on the Thesis page. higher_reads_as says which way a rise points: toward
-- growth led by enterprises putting AI to work, or led by big-tech capex. basis marks which
-- rows may be compared (the same NVIDIA presentation vintage, the same BTOS question, the
-- same panel of hyperscalers).
--
-- Hyperscaler capex comes from hyperscaler_capex_panel: the same companies every quarter.
with dc_mix as (
    select * from nvda_data_center_mix
),

panel as (
    select * from hyperscaler_capex_panel
),

adopters as (
    select * from enterprise_adopters_growth where ticker = 'BASKET'
),

btos as (
    select * from btos_ai_use_by_period where indicator = 'btos_ai_use_rate'
),

nvda_quarters as (
    select fiscal_year, fiscal_quarter, period_end from stg_nvda_data_center
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
        fiscal_label as period_label, period_end,
        ai_clouds_industrial_enterprise_share_pct as value_pct,
        presentation as basis, is_current_basis,
        'enterprise-led' as higher_reads_as,
        source, vintage as detail
    from dc_mix
),

capex_yoy as (
    select
        'hyperscaler_capex_yoy' as indicator,
        'Hyperscaler capex, growth on a year earlier' as indicator_label,
        calendar_label as period_label, period_end,
        capex_yoy_pct as value_pct,
        tickers as basis, true as is_current_basis,
        'capex-led' as higher_reads_as,
        'capex of ' || replace(tickers, ',', ', ') || ' (' || source_kinds || ')' as source,
        'calendar quarters; the same hyperscalers every quarter' as detail
    from panel
    where capex_yoy_pct is not null
),

dc_share_of_capex as (
    select
        'nvda_dc_share_of_capex' as indicator,
        'NVIDIA data-center revenue as a share of hyperscaler capex' as indicator_label,
        calendar_label as period_label, period_end,
        dc_share_of_capex_pct as value_pct,
        tickers as basis, true as is_current_basis,
        'enterprise-led' as higher_reads_as,
        'NVIDIA revenue by market; capex of ' || replace(tickers, ',', ', ')
            || ' (' || source_kinds || ')' as source,
        'NVIDIA FY' || nvda_fiscal_year || ' Q' || nvda_fiscal_quarter
            || ' placed in its calendar quarter' as detail
    from panel
    where dc_share_of_capex_pct is not null
),

adopters_growth as (
    select
        'enterprise_adopters_growth' as indicator,
        'Enterprise adopters'' revenue, growth on a year earlier' as indicator_label,
        calendar_label as period_label,
        calendar_quarter_end(calendar_year, calendar_quarter) as period_end,
        revenue_yoy_pct as value_pct,
        'like for like' as basis, true as is_current_basis,
        'enterprise-led' as higher_reads_as,
        'company filings as transcribed (' || replace(tickers_reported, ',', ', ') || ')'
            as source,
        'sum of ' || tickers_reported || ' against the same quarters a year earlier' as detail
    from adopters
),

btos_use as (
    select
        'btos_ai_use_rate' as indicator,
        'Census BTOS: firms using AI, median across states' as indicator_label,
        'survey of ' || strftime(period_date, '%Y-%m-%d') as period_label,
        period_date as period_end,
        median_pct as value_pct,
        series_version as basis,
        series_version = (select arg_max(series_version, period_date) from btos)
            as is_current_basis,
        'enterprise-led' as higher_reads_as,
        source,
        states_reported || ' states reporting; question version ' || series_version as detail
    from btos
),

top_customer as (
    select
        'nvda_top_customer_share' as indicator,
        'NVIDIA top direct customer, share of revenue' as indicator_label,
        coalesce(min(fiscal_label(dc.fiscal_year, dc.fiscal_quarter)),
                 'quarter ended ' || strftime(c.period_end, '%Y-%m-%d')) as period_label,
        c.period_end,
        max(c.share_pct) as value_pct,
        'top direct customer, one quarter' as basis, true as is_current_basis,
        'capex-led' as higher_reads_as,
        min(c.source) as source,
        arg_max(c.customer_label, c.share_pct) as detail
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
