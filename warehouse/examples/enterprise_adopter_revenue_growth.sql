-- Enterprise AI adopters: quarterly revenue and growth on a year earlier
-- The revolution case needs the software companies selling AI to enterprises to grow.
-- Growth compares each fiscal quarter with the same fiscal quarter a year before.
select
    ticker, name, fiscal_year, fiscal_quarter, period_end, calendar_label,
    revenue_usd, revenue_usd_year_ago,
    round(revenue_yoy_pct, 1) as revenue_yoy_pct,
    source_kind
from enterprise_adopters_growth
where ticker <> 'BASKET'
order by ticker, fiscal_year, fiscal_quarter
