-- Enterprise AI adopters: quarterly revenue and growth on a year earlier
-- The revolution case needs the software companies selling AI to enterprises to grow.
-- Growth compares each fiscal quarter with the same fiscal quarter a year before.
with revenue as (
    select ticker, name, fiscal_year, fiscal_quarter, period_end, calendar_label,
           value_usd as revenue_usd, source_kind
    from quarterly_financials
    where role = 'enterprise_adopter' and metric = 'revenue'
),

with_year_ago as (
    select
        r.*,
        prior.revenue_usd as revenue_usd_year_ago
    from revenue r
    left join revenue prior
        on prior.ticker = r.ticker
       and prior.fiscal_year = r.fiscal_year - 1
       and prior.fiscal_quarter = r.fiscal_quarter
),

final as (
    select
        ticker, name, fiscal_year, fiscal_quarter, period_end, calendar_label,
        revenue_usd, revenue_usd_year_ago,
        round((revenue_usd / revenue_usd_year_ago - 1) * 100, 1) as revenue_yoy_pct,
        source_kind
    from with_year_ago
)

select * from final
order by ticker, fiscal_year, fiscal_quarter
