-- grain: one row per thesis indicator: latest reading, change on the prior quarter and on a year earlier, and which way it points
-- key: indicator
-- The prior quarter is the reading 60-120 days before the latest (closest to 91 days), a year
-- earlier 330-400 days before (closest to 365), always on the same basis. points_to reads the
-- change on the year through higher_reads_as; a change under 0.05 points is 'unchanged'.
with indicators as (
    select * from thesis_indicators where value_pct is not null
),

latest as (
    select * from indicators
    where is_current_basis
    qualify row_number() over (partition by indicator order by period_end desc) = 1
),

prior_quarter as (
    select l.indicator, i.value_pct, i.period_label, i.period_end, i.detail
    from latest l
    join indicators i
        on i.indicator = l.indicator and i.basis = l.basis
        and i.period_end between l.period_end - interval 120 day and l.period_end - interval 60 day
    qualify row_number() over (
        partition by l.indicator
        order by abs(datediff('day', i.period_end, l.period_end) - 91), i.period_end desc) = 1
),

prior_year as (
    select l.indicator, i.value_pct, i.period_label, i.period_end, i.detail
    from latest l
    join indicators i
        on i.indicator = l.indicator and i.basis = l.basis
        and i.period_end between l.period_end - interval 400 day and l.period_end - interval 330 day
    qualify row_number() over (
        partition by l.indicator
        order by abs(datediff('day', i.period_end, l.period_end) - 365), i.period_end desc) = 1
),

compared as (
    select
        l.indicator, l.indicator_label, l.period_label, l.period_end, l.value_pct,
        q.value_pct as prior_quarter_value_pct, q.period_label as prior_quarter_label,
        q.detail as prior_quarter_detail,
        l.value_pct - q.value_pct as change_on_quarter_pp,
        y.value_pct as year_ago_value_pct, y.period_label as year_ago_label,
        y.detail as year_ago_detail,
        l.value_pct - y.value_pct as change_on_year_pp,
        l.higher_reads_as, l.basis, l.source, l.detail
    from latest l
    left join prior_quarter q using (indicator)
    left join prior_year y using (indicator)
),

final as (
    select
        *,
        case
            when change_on_year_pp is null then 'no year-ago reading'
            when abs(change_on_year_pp) < 0.05 then 'unchanged'
            when change_on_year_pp > 0 then higher_reads_as
            when higher_reads_as = 'enterprise-led' then 'capex-led'
            else 'enterprise-led'
        end as points_to,
        case indicator
            when 'nvda_enterprise_share' then 1
            when 'hyperscaler_capex_yoy' then 2
            when 'nvda_dc_share_of_capex' then 3
            when 'enterprise_adopters_growth' then 4
            when 'btos_ai_use_rate' then 5
            when 'nvda_top_customer_share' then 6
        end as display_order
    from compared
)

select * from final
order by display_order
