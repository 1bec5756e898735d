-- grain: one row per thesis indicator: latest reading, change on the prior quarter and on a year earlier, and which way it points
-- key: indicator
-- column members: what the latest reading aggregates; year_ago_members and prior_quarter_members are equal to it wherever a change is computed
-- column quarters_behind: calendar quarters between the reading and the newest reading in the warehouse
-- column is_current: false when the reading is more than two quarters behind the newest reading in the warehouse, or overdue by its source's cadence (overdue_after_days)
-- column points_to: enterprise-led, capex-led, unchanged (under 0.05 points), no clear change (inside the 90% band of the published standard errors) or no year-ago reading
-- The prior quarter is the reading 60-120 days before the latest (closest to 91 days), a year
-- earlier 330-400 days before (closest to 365), always on the same basis and over the same
-- members. points_to reads the change on the year through higher_reads_as. A reading that is
-- not current is shown, greyed, and left out of the verdict's count.
with indicators as (
    select * from thesis_indicators where value_pct is not null
),

newest as (
    select max(reading_quarter) as newest_quarter, max(period_end) as newest_period_end
    from indicators
),

latest as (
    select * from indicators
    where is_current_basis
    qualify row_number() over (partition by indicator order by period_end desc) = 1
),

prior_quarter as (
    select l.indicator, i.value_pct, i.period_label, i.period_end, i.detail, i.members
    from latest l
    join indicators i
        on i.indicator = l.indicator and i.basis = l.basis and i.members = l.members
        and i.period_end between l.period_end - interval 120 day and l.period_end - interval 60 day
    qualify row_number() over (
        partition by l.indicator
        order by abs(datediff('day', i.period_end, l.period_end) - 91), i.period_end desc) = 1
),

prior_year as (
    select l.indicator, i.value_pct, i.period_label, i.period_end, i.detail, i.members,
           i.std_error_pp
    from latest l
    join indicators i
        on i.indicator = l.indicator and i.basis = l.basis and i.members = l.members
        and i.period_end between l.period_end - interval 400 day and l.period_end - interval 330 day
    qualify row_number() over (
        partition by l.indicator
        order by abs(datediff('day', i.period_end, l.period_end) - 365), i.period_end desc) = 1
),

compared as (
    select
        l.indicator, l.indicator_label, l.reading_rule, l.period_label, l.period_end, l.value_pct,
        q.value_pct as prior_quarter_value_pct, q.period_label as prior_quarter_label,
        q.detail as prior_quarter_detail, q.members as prior_quarter_members,
        l.value_pct - q.value_pct as change_on_quarter_pp,
        y.value_pct as year_ago_value_pct, y.period_label as year_ago_label,
        y.detail as year_ago_detail, y.members as year_ago_members,
        l.value_pct - y.value_pct as change_on_year_pp,
        -- the 90% band of a difference of two independent estimates
        1.645 * sqrt(l.std_error_pp ^ 2 + y.std_error_pp ^ 2) as change_on_year_band_pp,
        l.higher_reads_as, l.basis, l.source, l.detail, l.members, l.known_at,
        n.newest_quarter - l.reading_quarter as quarters_behind,
        datediff('day', l.period_end, n.newest_period_end) as days_behind,
        n.newest_quarter - l.reading_quarter <= 2
            and coalesce(datediff('day', l.period_end, n.newest_period_end)
                         <= l.overdue_after_days, true) as is_current
    from latest l
    cross join newest n
    left join prior_quarter q using (indicator)
    left join prior_year y using (indicator)
),

final as (
    select
        *,
        case
            when change_on_year_pp is null then 'no year-ago reading'
            when abs(change_on_year_pp) < 0.05 then 'unchanged'
            when abs(change_on_year_pp) < change_on_year_band_pp then 'no clear change'
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
