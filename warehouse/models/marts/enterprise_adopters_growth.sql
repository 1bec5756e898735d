-- grain: one row per enterprise adopter per calendar quarter, plus ticker = 'BASKET' per calendar quarter (adopters that reported both that quarter and a year earlier)
-- key: ticker, calendar_year, calendar_quarter
-- Growth is like for like: each company's quarter against the same fiscal quarter a year
-- earlier; the basket sums only the companies that reported both, so a company joining the
-- data does not read as growth. tickers_reported says who is in each quarter's basket.
with revenue as (
    select * from quarterly_financials
    where role = 'enterprise_adopter' and metric = 'revenue'
),

per_company as (
    select
        cur.ticker, cur.name, cur.calendar_year, cur.calendar_quarter,
        cur.fiscal_year, cur.fiscal_quarter, cur.period_end,
        cur.value_usd as revenue_usd,
        prior.value_usd as revenue_usd_year_ago,
        (cur.value_usd / nullif(prior.value_usd, 0) - 1) * 100 as revenue_yoy_pct,
        1 as companies_reported, cur.ticker as tickers_reported,
        cur.source_kind
    from revenue cur
    left join revenue prior
        on prior.ticker = cur.ticker
        and prior.fiscal_year = cur.fiscal_year - 1
        and prior.fiscal_quarter = cur.fiscal_quarter
),

basket as (
    select
        'BASKET' as ticker, 'Enterprise adopters (like for like)' as name,
        calendar_year, calendar_quarter,
        null::integer as fiscal_year, null::integer as fiscal_quarter,
        max(period_end) as period_end,
        sum(revenue_usd) as revenue_usd, sum(revenue_usd_year_ago) as revenue_usd_year_ago,
        (sum(revenue_usd) / sum(revenue_usd_year_ago) - 1) * 100 as revenue_yoy_pct,
        count(*) as companies_reported,
        string_agg(ticker, ',' order by ticker) as tickers_reported,
        string_agg(distinct source_kind, ',' order by source_kind) as source_kind
    from per_company
    where revenue_usd_year_ago is not null
    group by calendar_year, calendar_quarter
),

unioned as (
    select * from per_company
    union all
    select * from basket
),

final as (
    select
        *,
        calendar_label(calendar_year, calendar_quarter) as calendar_label,
        calendar_quarter_start(calendar_year, calendar_quarter) as calendar_quarter_start
    from unioned
)

select * from final
order by calendar_year, calendar_quarter, ticker
