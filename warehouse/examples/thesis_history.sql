-- The verdict over time, as it could be read at each quarter-end
-- How did the evidence move? Each indicator's reading uses only figures known by that date
-- (by filing date, else the SEC deadline rule); stale readings are not counted.
select
    as_of,
    indicator,
    period_label,
    round(value_pct, 1) as value_pct,
    year_ago_label,
    round(change_on_year_pp, 1) as change_on_year_pp,
    points_to,
    is_current,
    verdict,
    verdict_detail
from thesis_history
order by as_of, indicator
