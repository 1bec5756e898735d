-- grain: one row per hyperscaler per fiscal quarter with both capex and revenue reported
-- key: ticker, fiscal_year, fiscal_quarter
-- Capex intensity = capex / revenue of the same fiscal quarter. capex is
-- PaymentsToAcquirePropertyPlantAndEquipment (Amazon: PaymentsToAcquireProductiveAssets),
-- without finance-lease principal payments. Companies without revenue loaded have no row.
with financials as (
    select * from quarterly_financials where role = 'hyperscaler'
),

capex as (
    select * from financials where metric = 'capex'
),

revenue as (
    select ticker, fiscal_year, fiscal_quarter, value_usd as revenue_usd,
           source_kind as revenue_source_kind
    from financials where metric = 'revenue'
),

final as (
    select
        capex.ticker, capex.name, capex.fiscal_year, capex.fiscal_quarter,
        capex.period_end, capex.calendar_year, capex.calendar_quarter,
        capex.calendar_label, capex.calendar_quarter_start,
        capex.value_usd as capex_usd, revenue.revenue_usd,
        capex.value_usd / nullif(revenue.revenue_usd, 0) * 100 as capex_intensity_pct,
        capex.source_kind as capex_source_kind, revenue.revenue_source_kind
    from capex
    join revenue using (ticker, fiscal_year, fiscal_quarter)
)

select * from final
order by ticker, fiscal_year, fiscal_quarter
