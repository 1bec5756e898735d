-- grain: one row per enterprise adopter per calendar quarter, plus ticker = 'BASKET' per calendar quarter in which a panel adopter has growth (the panel: adopters with growth on a year earlier in at least 8 of the last 12 calendar quarters loaded)
-- key: ticker, calendar_year, calendar_quarter
-- column revenue_yoy_pct: for BASKET only where every panel member reported the quarter and a year earlier (is_complete)
-- column members: the basket's fixed panel (or the company); tickers_reported says who reported
-- column known_at: the day the last figure used became known (quarterly_financials.known_at)
-- Growth is like for like: each company's quarter against the same fiscal quarter a year
-- earlier. The basket is a fixed panel, the same members at every quarter, so a company joining
-- or leaving the data never reads as growth: a quarter in which part of the panel has not
-- reported has is_complete = false, panel_reported 'N of M reported' and no growth figure.
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
        cur.source_kind,
        cur.ticker as members, 1 as panel_companies, '1 of 1 reported' as panel_reported,
        true as is_complete,
        greatest(cur.known_at, prior.known_at) as known_at
    from revenue cur
    left join revenue prior
        on prior.ticker = cur.ticker
        and prior.fiscal_year = cur.fiscal_year - 1
        and prior.fiscal_quarter = cur.fiscal_quarter
),

with_growth as (
    select * from per_company where revenue_usd_year_ago is not null
),

latest_quarter as (
    select max(quarter_index(calendar_year, calendar_quarter)) as latest_quarter_index
    from with_growth
),

panel as (
    select g.ticker
    from with_growth g, latest_quarter l
    where quarter_index(g.calendar_year, g.calendar_quarter) > l.latest_quarter_index - 12
    group by g.ticker
    having count(*) >= 8
),

panel_size as (
    select count(*) as panel_companies, string_agg(ticker, ',' order by ticker) as panel_tickers
    from panel
),

basket as (
    select
        'BASKET' as ticker, 'Enterprise adopters (fixed panel)' as name,
        g.calendar_year, g.calendar_quarter,
        null::integer as fiscal_year, null::integer as fiscal_quarter,
        max(g.period_end) as period_end,
        sum(g.revenue_usd) as revenue_usd, sum(g.revenue_usd_year_ago) as revenue_usd_year_ago,
        case when count(*) = any_value(s.panel_companies)
             then (sum(g.revenue_usd) / sum(g.revenue_usd_year_ago) - 1) * 100
        end as revenue_yoy_pct,
        count(*) as companies_reported,
        string_agg(g.ticker, ',' order by g.ticker) as tickers_reported,
        string_agg(distinct g.source_kind, ',' order by g.source_kind) as source_kind,
        any_value(s.panel_tickers) as members,
        any_value(s.panel_companies) as panel_companies,
        count(*) || ' of ' || any_value(s.panel_companies) || ' reported' as panel_reported,
        count(*) = any_value(s.panel_companies) as is_complete,
        max(g.known_at) as known_at
    from with_growth g
    cross join panel_size s
    where g.ticker in (select ticker from panel)
    group by g.calendar_year, g.calendar_quarter
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
