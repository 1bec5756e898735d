-- grain: one row per NVIDIA fiscal quarter per presentation vintage (fy27_original, fy27_recast)
-- key: fiscal_year, fiscal_quarter, presentation
-- NVIDIA split data-center revenue into hyperscale vs AI clouds/industrial/enterprise with
-- Q1 FY2027, then in Q2 FY2027 moved one company to hyperscale and recast prior quarters.
-- The two vintages are never mixed: is_current_basis marks the one to chart per quarter.
-- column known_at: when the figure was published: never before the filing that introduced its vintage (Q1 FY2027 for fy27_original, Q2 FY2027 for fy27_recast), by the SEC deadline rule for transcribed rows (40 days after a quarter, 60 after a year)
with segments as (
    select * from segment_revenue
    where ticker = 'NVDA' and presentation in ('fy27_original', 'fy27_recast')
),

pivoted as (
    select
        fiscal_year, fiscal_quarter, presentation,
        min(period_start) as period_start, max(period_end) as period_end,
        min(calendar_year) as calendar_year, min(calendar_quarter) as calendar_quarter,
        sum(revenue_usd) filter (where segment = 'hyperscale') as hyperscale_usd,
        sum(revenue_usd) filter (where segment = 'ai_clouds_industrial_enterprise')
            as ai_clouds_industrial_enterprise_usd,
        sum(revenue_usd) filter (where segment = 'data_center') as data_center_usd,
        min(source) as source,
        max(known_at(null::date, filed_at, period_end, fiscal_quarter)) as own_known_at,
        max(filed_at) as filed_at,
        nullif(max(regexp_extract(source, '\d{10}-\d{2}-\d{6}')), '') as accession
    from segments
    group by fiscal_year, fiscal_quarter, presentation
),

introduced as (
    -- the quarter whose filing first published each vintage, back quarters included
    select presentation, known_at(null::date, max(filed_at), max(period_end), 1) as introduced_at
    from segments
    where (presentation = 'fy27_original' and fiscal_year = 2027 and fiscal_quarter = 1)
       or (presentation = 'fy27_recast' and fiscal_year = 2027 and fiscal_quarter = 2)
    group by presentation
),

final as (
    select
        p.* exclude (own_known_at),
        greatest(p.own_known_at, i.introduced_at) as known_at,
        fiscal_label(p.fiscal_year, p.fiscal_quarter) as fiscal_label,
        p.hyperscale_usd / p.data_center_usd * 100 as hyperscale_share_pct,
        p.ai_clouds_industrial_enterprise_usd / p.data_center_usd * 100
            as ai_clouds_industrial_enterprise_share_pct,
        case p.presentation
            when 'fy27_original' then 'as first published with Q1 FY2027'
            else 'recast with Q2 FY2027 (one company moved to hyperscale)'
        end as vintage,
        p.presentation = 'fy27_recast' or not exists (
            select 1 from pivoted r
            where r.presentation = 'fy27_recast'
              and r.fiscal_year = p.fiscal_year and r.fiscal_quarter = p.fiscal_quarter
        ) as is_current_basis
    from pivoted p
    left join introduced i using (presentation)
)

select * from final
order by fiscal_year, fiscal_quarter, presentation
