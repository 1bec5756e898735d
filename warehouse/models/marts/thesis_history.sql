-- grain: one row per thesis indicator per quarter-end as_of since 2023: the reading as it was known on as_of, and the verdict of that date
-- key: indicator, as_of
-- column as_of: a calendar quarter's last day, from 2023-03-31 to the quarter holding the latest known_at
-- column value_pct: the newest reading whose known_at is on or before as_of (null: none known yet); facts filed later are never used
-- column known_at: when the reading could be known: the filing dates of its figures (financial_facts.first_filed_at, else filed_at); for rows without a filing date (transcribed) the SEC deadline for large accelerated filers, 40 days after a quarter (10-Q) or 60 after a fiscal year (10-K); NVIDIA's fy27 vintages not before the filing that introduced them; Census survey periods 28 days after their date
-- column is_current: as in thesis_scorecard, judged against the newest reading known on as_of
-- column verdict: enterprise-led or capex-led when more current readings point that way, else split; verdict_detail says how many of how many
-- The argument over time: each quarter-end, the scorecard as it could have been read that day.
-- Panels (which hyperscalers, adopters, states) are those of the warehouse as loaded; the
-- values are those filed by as_of. The warehouse keeps one value per fact (the latest filed),
-- so a figure restated later shows its restated value from its first filing's date.
--
-- thesis_indicators is read once, with window functions instead of self-joins (see
-- thesis_scorecard: each extra reference multiplies DuckDB 1.2's planning time).
with indicators as (
    select * from thesis_indicators where value_pct is not null
),

as_of_dates as (
    -- quarter-ends from 2023Q1 on; those after the quarter of the latest known_at are cut below
    select calendar_quarter_end((q // 4)::integer, (q % 4 + 1)::integer) as as_of
    from range(quarter_index(2023, 1), quarter_index(2036, 1)) r(q)
),

indicator_names(indicator, higher_reads_as, display_order) as (
    values ('nvda_enterprise_share', 'enterprise-led', 1),
           ('hyperscaler_capex_yoy', 'capex-led', 2),
           ('nvda_dc_share_of_capex', 'enterprise-led', 3),
           ('enterprise_adopters_growth', 'enterprise-led', 4),
           ('btos_ai_use_rate', 'enterprise-led', 5),
           ('nvda_top_customer_share', 'capex-led', 6)
),

known as (
    select d.as_of, i.*
    from as_of_dates d
    join indicators i on i.known_at <= d.as_of
),

marked as (
    select
        *,
        max(reading_quarter) over (partition by as_of) as newest_quarter,
        max(period_end) over (partition by as_of) as newest_period_end,
        -- the newest period; of two vintages of one period, the one published last
        row_number() over latest_first as latest_rank,
        first_value(period_end) over latest_first as latest_period_end,
        first_value(basis) over latest_first as latest_basis,
        first_value(members) over latest_first as latest_members
    from known
    window latest_first as (
        partition by as_of, indicator order by period_end desc, known_at desc
        rows between unbounded preceding and unbounded following)
),

roles as (
    select
        *,
        case
            when latest_rank = 1 then 'latest'
            when basis = latest_basis and members = latest_members
                 and period_end between latest_period_end - interval 400 day
                                    and latest_period_end - interval 330 day then 'year'
        end as role
    from marked
),

chosen as (
    select * from roles
    where role is not null
    qualify row_number() over (
        partition by as_of, indicator, role
        order by abs(datediff('day', period_end, latest_period_end) - 365), period_end desc) = 1
),

pivoted as (
    select
        as_of, indicator,
        any_value(indicator_label) filter (where role = 'latest') as indicator_label,
        any_value(period_label) filter (where role = 'latest') as period_label,
        any_value(period_end) filter (where role = 'latest') as period_end,
        any_value(value_pct) filter (where role = 'latest') as value_pct,
        any_value(basis) filter (where role = 'latest') as basis,
        any_value(members) filter (where role = 'latest') as members,
        any_value(known_at) filter (where role = 'latest') as known_at,
        any_value(std_error_pp) filter (where role = 'latest') as std_error_pp,
        any_value(reading_quarter) filter (where role = 'latest') as reading_quarter,
        any_value(overdue_after_days) filter (where role = 'latest') as overdue_after_days,
        any_value(period_label) filter (where role = 'year') as year_ago_label,
        any_value(value_pct) filter (where role = 'year') as year_ago_value_pct,
        any_value(std_error_pp) filter (where role = 'year') as year_ago_std_error_pp,
        any_value(newest_quarter) as newest_quarter,
        any_value(newest_period_end) as newest_period_end
    from chosen
    group by as_of, indicator
),

grid as (
    select
        d.as_of, n.indicator, n.higher_reads_as, n.display_order, p.* exclude (as_of, indicator),
        max(p.known_at) over () as last_known_at,
        max(p.newest_quarter) over (partition by d.as_of) as as_of_newest_quarter,
        max(p.newest_period_end) over (partition by d.as_of) as as_of_newest_period_end
    from as_of_dates d
    cross join indicator_names n
    left join pivoted p on p.as_of = d.as_of and p.indicator = n.indicator
),

readings as (
    select
        as_of, indicator, higher_reads_as, display_order,
        indicator_label, period_label, period_end, value_pct, basis, members, known_at,
        year_ago_label, year_ago_value_pct,
        value_pct - year_ago_value_pct as change_on_year_pp,
        1.645 * sqrt(std_error_pp ^ 2 + year_ago_std_error_pp ^ 2) as change_on_year_band_pp,
        as_of_newest_quarter - reading_quarter as quarters_behind,
        coalesce(as_of_newest_quarter - reading_quarter <= 2
                 and coalesce(datediff('day', period_end, as_of_newest_period_end)
                              <= overdue_after_days, true), false) as is_current
    from grid
    where as_of <= calendar_quarter_end(year(last_known_at), quarter(last_known_at))
),

pointed as (
    select
        *,
        case
            when value_pct is null then 'not yet known'
            when change_on_year_pp is null then 'no year-ago reading'
            when abs(change_on_year_pp) < 0.05 then 'unchanged'
            when abs(change_on_year_pp) < change_on_year_band_pp then 'no clear change'
            when change_on_year_pp > 0 then higher_reads_as
            when higher_reads_as = 'enterprise-led' then 'capex-led'
            else 'enterprise-led'
        end as points_to
    from readings
),

counted as (
    select
        *,
        count(*) filter (where is_current) over (partition by as_of) as current_readings,
        count(*) filter (where is_current and points_to = 'enterprise-led')
            over (partition by as_of) as enterprise_led,
        count(*) filter (where is_current and points_to = 'capex-led')
            over (partition by as_of) as capex_led
    from pointed
),

final as (
    select
        * exclude (display_order),
        case when enterprise_led > capex_led then 'enterprise-led'
             when capex_led > enterprise_led then 'capex-led'
             else 'split' end as verdict,
        enterprise_led || ' of ' || current_readings || ' current readings enterprise-led, '
            || capex_led || ' capex-led' as verdict_detail
    from counted
)

select * from final
order by as_of, indicator
