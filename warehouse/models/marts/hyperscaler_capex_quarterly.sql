-- grain: one row per hyperscaler per calendar quarter, plus one ticker='ALL' row per calendar quarter in which a panel hyperscaler reported (the panel: hyperscalers with capex in at least 8 of the last 12 calendar quarters loaded)
-- key: ticker, calendar_year, calendar_quarter
-- column capex_yoy_pct: only when the same companies reported a year earlier (for ALL: the whole panel in both quarters)
-- column capex_incl_finance_leases_usd: capex plus finance-lease principal payments, where the filings give the payments; for ALL only when every panel member has them
-- column is_complete: for ALL, every panel member reported the quarter; a total over part of the panel is not the panel's total
-- column members: the panel (for ALL) or the company; year-on-year growth compares the same members
-- column known_at: for ALL, the day the last member's figure became known (quarterly_financials.known_at)
-- Fiscal quarters are placed in the calendar quarter that holds most of their days (Microsoft's
-- fiscal Q3 ending March 31 is calendar Q1). capex = PaymentsToAcquirePropertyPlantAndEquipment
-- (Amazon: PaymentsToAcquireProductiveAssets), cash paid for property and equipment. The total
-- (ticker ALL) sums a fixed panel, so a member that has not reported yet (or a company that
-- reported once) never reads as a fall or a jump: such a quarter has is_complete = false and
-- panel_reported says 'N of M reported'.
with financials as (
    select * from quarterly_financials where role = 'hyperscaler'
),

capex as (
    select * from financials where metric = 'capex'
),

leases as (
    select ticker, fiscal_year, fiscal_quarter, value_usd as finance_lease_principal_usd,
           known_at as lease_known_at
    from financials where metric = 'finance_lease_principal_payments'
),

per_company as (
    select
        capex.ticker, capex.name, capex.calendar_year, capex.calendar_quarter,
        capex.fiscal_year, capex.fiscal_quarter, capex.period_end,
        capex.value_usd as capex_usd, leases.finance_lease_principal_usd,
        capex.value_usd + leases.finance_lease_principal_usd as capex_incl_finance_leases_usd,
        1 as companies_reported, capex.ticker as tickers_reported,
        capex.source_kind, source_kind_label(capex.source_kind) as source_kinds,
        capex.source, capex.filed_at,
        capex.ticker as members, 1 as panel_companies, '1 of 1 reported' as panel_reported,
        true as is_complete,
        coalesce(contains(lower(capex.source), 'rounded'), false) as is_rounded,
        capex.known_at
    from capex
    left join leases using (ticker, fiscal_year, fiscal_quarter)
),

latest_quarter as (
    select max(quarter_index(calendar_year, calendar_quarter)) as latest_quarter_index
    from per_company
),

panel as (
    select p.ticker
    from per_company p, latest_quarter l
    where quarter_index(p.calendar_year, p.calendar_quarter) > l.latest_quarter_index - 12
    group by p.ticker
    having count(*) >= 8
),

panel_size as (
    select count(*) as panel_companies, string_agg(ticker, ',' order by ticker) as panel_tickers
    from panel
),

total as (
    select
        'ALL' as ticker, 'Hyperscaler panel' as name, p.calendar_year, p.calendar_quarter,
        null::integer as fiscal_year, null::integer as fiscal_quarter,
        max(p.period_end) as period_end,
        sum(p.capex_usd) as capex_usd,
        sum(p.finance_lease_principal_usd) as finance_lease_principal_usd,
        case when count(p.capex_incl_finance_leases_usd) = any_value(s.panel_companies)
             then sum(p.capex_incl_finance_leases_usd) end as capex_incl_finance_leases_usd,
        count(*) as companies_reported,
        string_agg(p.ticker, ',' order by p.ticker) as tickers_reported,
        string_agg(distinct p.source_kind, ',' order by p.source_kind) as source_kind,
        string_agg(distinct p.source_kinds, ', ' order by p.source_kinds) as source_kinds,
        string_agg(p.ticker || ': ' || p.source_kind, '; ' order by p.ticker) as source,
        max(p.filed_at) as filed_at,
        any_value(s.panel_tickers) as members,
        any_value(s.panel_companies) as panel_companies,
        count(*) || ' of ' || any_value(s.panel_companies) || ' reported' as panel_reported,
        count(*) = any_value(s.panel_companies) as is_complete,
        bool_or(p.is_rounded) as is_rounded,
        max(p.known_at) as known_at
    from per_company p
    cross join panel_size s
    where p.ticker in (select ticker from panel)
    group by p.calendar_year, p.calendar_quarter
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
        prior.members as year_ago_members,
        -- growth only when the same companies reported in both quarters
        case when prior.tickers_reported = cur.tickers_reported and cur.is_complete
                  and prior.is_complete and prior.capex_usd <> 0
             then (cur.capex_usd / prior.capex_usd - 1) * 100 end as capex_yoy_pct
    from unioned cur
    left join unioned prior
        on prior.ticker = cur.ticker
        and prior.calendar_year = cur.calendar_year - 1
        and prior.calendar_quarter = cur.calendar_quarter
)

select * from final
order by calendar_year, calendar_quarter, ticker
