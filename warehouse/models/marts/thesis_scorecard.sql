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
--
-- thesis_indicators is read once, with window functions instead of self-joins: each extra
-- reference of it multiplies the plan DuckDB 1.2 has to optimise (minutes, not milliseconds).
with indicators as (
    select * from thesis_indicators where value_pct is not null
),

marked as (
    select
        *,
        max(reading_quarter) over () as newest_quarter,
        max(period_end) over () as newest_period_end,
        -- the latest reading on the current basis, and what it covers
        max(period_end) filter (where is_current_basis) over (partition by indicator)
            as latest_period_end,
        arg_max(basis, period_end) filter (where is_current_basis)
            over (partition by indicator) as latest_basis,
        arg_max(members, period_end) filter (where is_current_basis)
            over (partition by indicator) as latest_members
    from indicators
),

roles as (
    select
        *,
        case
            when is_current_basis and period_end = latest_period_end then 'latest'
            when basis = latest_basis and members = latest_members
                 and period_end between latest_period_end - interval 120 day
                                    and latest_period_end - interval 60 day then 'quarter'
            when basis = latest_basis and members = latest_members
                 and period_end between latest_period_end - interval 400 day
                                    and latest_period_end - interval 330 day then 'year'
        end as role,
        abs(datediff('day', period_end, latest_period_end)
            - case when period_end >= latest_period_end - interval 120 day then 91 else 365 end)
            as distance_days
    from marked
),

chosen as (
    select * from roles
    where role is not null
    qualify row_number() over (
        partition by indicator, role order by distance_days, period_end desc) = 1
),

compared as (
    select
        indicator,
        any_value(indicator_label) filter (where role = 'latest') as indicator_label,
        any_value(reading_rule) filter (where role = 'latest') as reading_rule,
        any_value(period_label) filter (where role = 'latest') as period_label,
        any_value(period_end) filter (where role = 'latest') as period_end,
        any_value(value_pct) filter (where role = 'latest') as value_pct,
        any_value(value_pct) filter (where role = 'quarter') as prior_quarter_value_pct,
        any_value(period_label) filter (where role = 'quarter') as prior_quarter_label,
        any_value(detail) filter (where role = 'quarter') as prior_quarter_detail,
        any_value(members) filter (where role = 'quarter') as prior_quarter_members,
        any_value(value_pct) filter (where role = 'year') as year_ago_value_pct,
        any_value(period_label) filter (where role = 'year') as year_ago_label,
        any_value(detail) filter (where role = 'year') as year_ago_detail,
        any_value(members) filter (where role = 'year') as year_ago_members,
        any_value(std_error_pp) filter (where role = 'latest') as std_error_pp,
        any_value(std_error_pp) filter (where role = 'year') as year_ago_std_error_pp,
        any_value(higher_reads_as) filter (where role = 'latest') as higher_reads_as,
        any_value(basis) filter (where role = 'latest') as basis,
        any_value(source) filter (where role = 'latest') as source,
        any_value(detail) filter (where role = 'latest') as detail,
        any_value(members) filter (where role = 'latest') as members,
        any_value(known_at) filter (where role = 'latest') as known_at,
        any_value(reading_quarter) filter (where role = 'latest') as reading_quarter,
        any_value(overdue_after_days) filter (where role = 'latest') as overdue_after_days,
        any_value(newest_quarter) as newest_quarter,
        any_value(newest_period_end) as newest_period_end
    from chosen
    group by indicator
),

dated as (
    select
        indicator, indicator_label, reading_rule, period_label, period_end, value_pct,
        prior_quarter_value_pct, prior_quarter_label, prior_quarter_detail,
        prior_quarter_members,
        value_pct - prior_quarter_value_pct as change_on_quarter_pp,
        year_ago_value_pct, year_ago_label, year_ago_detail, year_ago_members,
        value_pct - year_ago_value_pct as change_on_year_pp,
        -- the 90% band of a difference of two independent estimates
        1.645 * sqrt(std_error_pp ^ 2 + year_ago_std_error_pp ^ 2) as change_on_year_band_pp,
        higher_reads_as, basis, source, detail, members, known_at,
        newest_quarter - reading_quarter as quarters_behind,
        datediff('day', period_end, newest_period_end) as days_behind,
        newest_quarter - reading_quarter <= 2
            and coalesce(datediff('day', period_end, newest_period_end) <= overdue_after_days,
                         true) as is_current
    from compared
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
    from dated
)

select * from final
order by display_order
