-- Capex per hyperscaler, with growth on a year earlier
-- Who is spending, and is the spending still accelerating?
select
    calendar_label,
    ticker,
    capex_usd,
    capex_usd_year_ago,
    round(capex_yoy_pct, 1) as capex_yoy_pct,
    finance_lease_principal_usd,
    source_kind
from hyperscaler_capex_quarterly
where ticker <> 'ALL' and calendar_year >= 2022
order by calendar_quarter_start, ticker
