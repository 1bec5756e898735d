-- grain: one row per hyperscaler per calendar quarter, plus one ticker='ALL' row per calendar quarter (sum of those that reported)
-- key: ticker, calendar_year, calendar_quarter
-- column capex_yoy_pct: only when the same companies reported a year earlier
-- Fiscal quarters are placed in the calendar quarter that holds most of their days (Microsoft's
-- fiscal Q3 ending March 31 is calendar Q1). capex = PaymentsToAcquirePropertyPlantAndEquipment
-- (Amazon: PaymentsToAcquireProductiveAssets); finance-lease principal payments are shown apart,
-- since Meta's own capex figure includes them.
with financials as (
    select * from quarterly_financials where role = 'hyperscaler'
),

capex as (
    select * from financials where metric = 'capex'
),

leases as (
    select ticker, fiscal_year, fiscal_quarter, value_usd as finance_lease_principal_usd
    from financials where metric = 'finance_lease_principal_payments'
),

per_company as (
    select
        capex.ticker, capex.name, capex.calendar_year, capex.calendar_quarter,
        capex.fiscal_year, capex.fiscal_quarter, capex.period_end,
        capex.value_usd as capex_usd, leases.finance_lease_principal_usd,
        1 as companies_reported, capex.ticker as tickers_reported,
        capex.source_kind, capex.source, capex.filed_at
    from capex
    left join leases using (ticker, fiscal_year, fiscal_quarter)
),

total as (
    select
        'ALL' as ticker, 'Hyperscalers reporting' as name, calendar_year, calendar_quarter,
        null::integer as fiscal_year, null::integer as fiscal_quarter,
        max(period_end) as period_end,
        sum(capex_usd) as capex_usd, null::double as finance_lease_principal_usd,
        count(*) as companies_reported,
        string_agg(ticker, ',' order by ticker) as tickers_reported,
        string_agg(distinct source_kind, ',' order by source_kind) as source_kind,
        string_agg(ticker || ': ' || source_kind, '; ' order by ticker) as source,
        max(filed_at) as filed_at
    from per_company
    group by calendar_year, calendar_quarter
),

unioned as (
    select * from per_company
    union all
    select * from total
),

final as (
    select
        cur.*,
        calendar_label(cur.calendar_year, cur.calendar_quarter) as calendar_label,
        calendar_quarter_start(cur.calendar_year, cur.calendar_quarter) as calendar_quarter_start,
        prior.capex_usd as capex_usd_year_ago,
        -- growth only when the same companies reported in both quarters
        case when prior.tickers_reported = cur.tickers_reported and prior.capex_usd <> 0
             then (cur.capex_usd / prior.capex_usd - 1) * 100 end as capex_yoy_pct
    from unioned cur
    left join unioned prior
        on prior.ticker = cur.ticker
        and prior.calendar_year = cur.calendar_year - 1
        and prior.calendar_quarter = cur.calendar_quarter
)

select * from final
order by calendar_year, calendar_quarter, ticker
