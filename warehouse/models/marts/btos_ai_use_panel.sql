-- grain: one row per Census BTOS indicator, question version and survey period: the national rate where loaded, else the median of a fixed panel of states
-- key: indicator, series_version, period_date
-- column basis: 'national' (geography US) or 'median of a fixed panel of N states'
-- column members: US, or the panel's states: those reporting at both the version's latest period and the period closest to a year before it
-- column is_complete: every panel state reported the period (always true for the national rate)
-- column std_error_pp: standard error of value_pct as published (national rows; null for a median of states)
-- column known_at: the survey period's date plus 28 days, a conservative stand-in for its publication date (the snapshot has none)
-- The scorecard's Census reading. The national series is preferred; where no national rows
-- are loaded, the median across states is taken over a fixed panel, so a state joining the
-- survey never moves the median (31 states reported in 2024, 43 in 2025). A period where part
-- of the panel did not report is incomplete and is not compared. Question versions are never
-- mixed: each series_version has its own panel.
with indicators as (
    select * from adoption_indicators
    where indicator in ('btos_ai_use_rate', 'btos_ai_use_expected_rate') and geography <> 'XX'
),

national as (
    select * from indicators where geography = 'US'
),

states as (
    select * from indicators
    where length(geography) = 2 and geography <> 'US'
      and not exists (
          select 1 from national n
          where n.indicator = indicators.indicator and n.series_version = indicators.series_version
      )
),

latest_period as (
    select indicator, series_version, max(period_date) as latest_date
    from states group by indicator, series_version
),

year_before as (
    select l.indicator, l.series_version, l.latest_date, s.period_date as year_ago_date
    from latest_period l
    join (select distinct indicator, series_version, period_date from states) s
        on s.indicator = l.indicator and s.series_version = l.series_version
        and s.period_date between l.latest_date - interval 400 day
                              and l.latest_date - interval 330 day
    qualify row_number() over (
        partition by l.indicator, l.series_version
        order by abs(datediff('day', s.period_date, l.latest_date) - 365), s.period_date desc) = 1
),

panel_states as (
    select s.indicator, s.series_version, s.geography
    from states s
    join year_before y
        on y.indicator = s.indicator and y.series_version = s.series_version
        and s.period_date in (y.latest_date, y.year_ago_date)
    group by s.indicator, s.series_version, s.geography
    having count(distinct s.period_date) = 2
),

panel_size as (
    select indicator, series_version, count(*) as panel_states,
           string_agg(geography, ',' order by geography) as panel_members
    from panel_states group by indicator, series_version
),

state_medians as (
    select
        s.indicator, s.series_version, s.period_date,
        median(s.value) as value_pct,
        null::double as std_error_pp,
        'median of a fixed panel of ' || any_value(p.panel_states) || ' states' as basis,
        any_value(p.panel_members) as members,
        count(*) as reported,
        any_value(p.panel_states) as panel_size,
        count(*) = any_value(p.panel_states) as is_complete,
        min(s.source) as source
    from states s
    join panel_states ps using (indicator, series_version, geography)
    join panel_size p using (indicator, series_version)
    group by s.indicator, s.series_version, s.period_date
),

national_rates as (
    select
        indicator, series_version, period_date, value as value_pct, std_error as std_error_pp,
        'national' as basis, 'US' as members, 1 as reported, 1 as panel_size,
        true as is_complete, source
    from national
),

unioned as (
    select * from state_medians
    union all
    select * from national_rates
),

final as (
    select
        *,
        reported || ' of ' || panel_size || ' reported' as panel_reported,
        (period_date + interval 28 day)::date as known_at
    from unioned
)

select * from final
order by indicator, series_version, period_date
