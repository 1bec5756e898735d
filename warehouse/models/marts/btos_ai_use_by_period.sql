-- grain: one row per Census BTOS indicator, question version and survey period: median and range across states
-- key: indicator, series_version, period_date
-- column xx_value_pct: geography XX as labelled by the source, not verified as national, kept out of the statistics
-- The states' distribution, not a national figure: geography 'XX' is as labelled in the source
-- and not verified as national, so it is kept out of the statistics and shown apart
-- (xx_value_pct). Each question wording is its own series_version; the Census changed the
-- AI question in November 2025, and a new version is never joined onto an old one.
with indicators as (
    select * from adoption_indicators
    where indicator in ('btos_ai_use_rate', 'btos_ai_use_expected_rate')
),

states as (
    -- two-letter codes only: 'US' (national), 'NAICS:..' and 'size:..' rows have their marts
    select * from indicators where length(geography) = 2 and geography not in ('US', 'XX')
),

xx as (
    select indicator, series_version, period_date, value as xx_value_pct
    from indicators where geography = 'XX'
),

by_period as (
    select
        indicator, series_version, period_date,
        count(*) as states_reported,
        median(value) as median_pct,
        quantile_cont(value, 0.25) as p25_pct,
        quantile_cont(value, 0.75) as p75_pct,
        min(value) as min_pct,
        max(value) as max_pct,
        arg_min(geography, value) as min_state,
        arg_max(geography, value) as max_state,
        min(source) as source
    from states
    group by indicator, series_version, period_date
),

final as (
    select b.*, xx.xx_value_pct
    from by_period b
    left join xx using (indicator, series_version, period_date)
)

select * from final
order by indicator, series_version, period_date
