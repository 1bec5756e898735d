-- grain: one row per GPU vendor per fiscal quarter: revenue, gross profit and gross margin
-- key: ticker, fiscal_year, fiscal_quarter
-- column revenue_source_kind: sec, transcribed, yahoo, or segment_sum: NVIDIA before SEC revenue is loaded, the sum of its five market-platform segments, only when all five are present
-- NVIDIA's revenue comes from SEC filings where they are loaded (here fiscal 2026 on); for
-- earlier quarters it is the sum of its five market-platform segments (data center, gaming,
-- professional visualization, automotive, OEM & other), and only when all five are present.
-- Gross margin needs both figures from the same filing basis, so it is shown only where gross
-- profit was reported.
with financials as (
    select * from quarterly_financials where role = 'gpu_vendor'
),

reported_revenue as (
    select * from financials where metric = 'revenue'
),

gross_profit as (
    select ticker, fiscal_year, fiscal_quarter, value_usd as gross_profit_usd,
           source as gross_profit_source
    from financials where metric = 'gross_profit'
),

nvda_platform_sum as (
    select
        s.ticker, c.name, c.role, s.fiscal_year, s.fiscal_quarter,
        min(s.period_start) as period_start, max(s.period_end) as period_end,
        min(s.calendar_year) as calendar_year, min(s.calendar_quarter) as calendar_quarter,
        sum(s.revenue_usd) as revenue_usd,
        'segment_sum' as revenue_source_kind,
        'sum of NVIDIA market-platform segments: ' || min(s.source) as revenue_source
    from segment_revenue s
    join companies c using (ticker)
    where s.ticker = 'NVDA' and s.presentation = 'market_platform'
    group by s.ticker, c.name, c.role, s.fiscal_year, s.fiscal_quarter
    having count(distinct s.segment) = 5
),

revenue as (
    select ticker, name, role, fiscal_year, fiscal_quarter, period_start, period_end,
           calendar_year, calendar_quarter, value_usd as revenue_usd,
           source_kind as revenue_source_kind, source as revenue_source
    from reported_revenue
    union all
    -- platform sums only where no reported total exists for that quarter
    select p.* from nvda_platform_sum p
    where not exists (
        select 1 from reported_revenue r
        where r.ticker = p.ticker and r.fiscal_year = p.fiscal_year
          and r.fiscal_quarter = p.fiscal_quarter
    )
),

final as (
    select
        r.ticker, r.name, r.fiscal_year, r.fiscal_quarter,
        fiscal_label(r.fiscal_year, r.fiscal_quarter) as fiscal_label,
        r.period_start, r.period_end, r.calendar_year, r.calendar_quarter,
        calendar_label(r.calendar_year, r.calendar_quarter) as calendar_label,
        calendar_quarter_start(r.calendar_year, r.calendar_quarter) as calendar_quarter_start,
        r.revenue_usd, r.revenue_source_kind, r.revenue_source,
        g.gross_profit_usd,
        g.gross_profit_usd / nullif(r.revenue_usd, 0) * 100 as gross_margin_pct,
        g.gross_profit_source
    from revenue r
    left join gross_profit g using (ticker, fiscal_year, fiscal_quarter)
)

select * from final
order by ticker, fiscal_year, fiscal_quarter
