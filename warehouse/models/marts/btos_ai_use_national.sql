-- grain: one row per Census BTOS AI indicator, question wording and survey period: the national rate
-- key: indicator, series_version, period_date
-- column period_date: end of the survey's two-week reference period
-- column value_pct: share of firms answering yes, percent
-- column std_error_pp: standard error published with the estimate, percentage points (null where none)
-- column ci90_low_pct: lower end of the 90% confidence interval (value - 1.645 standard errors)
-- column ci90_high_pct: upper end of the 90% confidence interval (value + 1.645 standard errors)
-- column is_latest: the newest period of its indicator and wording
-- Each wording of the question is its own series_version: the Census changed the AI question in
-- November 2025, and the two are never joined into one line.
with national as (
    select * from adoption_indicators
    where geography = 'US'
      and indicator in ('btos_ai_use_rate', 'btos_ai_use_expected_rate')
),

final as (
    select
        indicator,
        series_version,
        period_date,
        value as value_pct,
        std_error as std_error_pp,
        value - 1.645 * std_error as ci90_low_pct,
        value + 1.645 * std_error as ci90_high_pct,
        period_date = max(period_date) over (partition by indicator, series_version) as is_latest,
        source
    from national
)

select * from final
order by indicator, series_version, period_date
