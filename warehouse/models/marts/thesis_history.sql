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
with indicators as (
    select * from thesis_indicators where value_pct is not null
),

bounds as (
    select quarter_index(2023, 1) as first_quarter,
           quarter_index(year(max(known_at)), quarter(max(known_at))) as last_quarter
    from indicators
),

as_of_dates as (
    select calendar_quarter_end((q // 4)::integer, (q % 4 + 1)::integer) as as_of
    from bounds, range(bounds.first_quarter, bounds.last_quarter + 1) r(q)
),

indicator_names as (
    select indicator, any_value(higher_reads_as) as higher_reads_as
    from indicators group by indicator
),

known as (
    select d.as_of, i.*
    from as_of_dates d
    join indicators i on i.known_at <= d.as_of
),

newest as (
    select as_of, max(reading_quarter) as newest_quarter, max(period_end) as newest_period_end
    from known group by as_of
),

latest as (
    -- the newest period; of two vintages of one period, the one published last
    select * from known
    qualify row_number() over (
        partition by as_of, indicator order by period_end desc, known_at desc) = 1
),

year_ago as (
    select l.as_of, l.indicator, k.value_pct, k.period_label, k.std_error_pp
    from latest l
    join known k
        on k.as_of = l.as_of and k.indicator = l.indicator
        and k.basis = l.basis and k.members = l.members
        and k.period_end between l.period_end - interval 400 day and l.period_end - interval 330 day
    qualify row_number() over (
        partition by l.as_of, l.indicator
        order by abs(datediff('day', k.period_end, l.period_end) - 365), k.period_end desc) = 1
),

readings as (
    select
        d.as_of, n.indicator, n.higher_reads_as,
        l.indicator_label, l.period_label, l.period_end, l.value_pct, l.basis, l.members,
        l.known_at,
        y.period_label as year_ago_label, y.value_pct as year_ago_value_pct,
        l.value_pct - y.value_pct as change_on_year_pp,
        1.645 * sqrt(l.std_error_pp ^ 2 + y.std_error_pp ^ 2) as change_on_year_band_pp,
        w.newest_quarter - l.reading_quarter as quarters_behind,
        coalesce(w.newest_quarter - l.reading_quarter <= 2
                 and coalesce(datediff('day', l.period_end, w.newest_period_end)
                              <= l.overdue_after_days, true), false) as is_current
    from as_of_dates d
    cross join indicator_names n
    left join latest l on l.as_of = d.as_of and l.indicator = n.indicator
    left join year_ago y on y.as_of = d.as_of and y.indicator = n.indicator
    left join newest w on w.as_of = d.as_of
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

verdicts as (
    select
        as_of,
        count(*) filter (where is_current) as current_readings,
        count(*) filter (where is_current and points_to = 'enterprise-led') as enterprise_led,
        count(*) filter (where is_current and points_to = 'capex-led') as capex_led
    from pointed group by as_of
),

final as (
    select
        p.*,
        v.current_readings, v.enterprise_led, v.capex_led,
        case when v.enterprise_led > v.capex_led then 'enterprise-led'
             when v.capex_led > v.enterprise_led then 'capex-led'
             else 'split' end as verdict,
        v.enterprise_led || ' of ' || v.current_readings || ' current readings enterprise-led, '
            || v.capex_led || ' capex-led' as verdict_detail
    from pointed p
    join verdicts v using (as_of)
)

select * from final
order by as_of, indicator
