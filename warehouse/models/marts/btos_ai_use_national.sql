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
select
    indicator,
    series_version,
    period_date,
    value_pct,
    std_error_pp,
    ci90_low_pct,
    ci90_high_pct,
    is_latest,
    source
from btos_ai_readings('US')
order by indicator, series_version, period_date
