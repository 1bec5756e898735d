-- grain: one row per NVIDIA fiscal quarter per presentation group (market_platform, fy27) per segment (segments add up to the quarter's total)
-- key: presentation_group, fiscal_year, fiscal_quarter, segment
-- column quarter_total_usd: empty when some segments of the quarter were not published
-- column share_of_total_pct: empty when some segments of the quarter were not published
-- column filed_at: date of the filing the row was read from; empty for a transcribed row
-- column accession: SEC accession of that filing; empty for a transcribed row
-- Two presentations: 'market_platform' (data center, gaming, professional visualization,
-- automotive, OEM & other; fiscal Q2 2021 on) and 'fy27' (hyperscale, AI clouds/industrial/
-- enterprise, edge computing; from Q1 FY2027). In 'fy27' the recast of Q2 FY2027 is used where
-- NVIDIA published it, else the original (never mixed within a quarter), and the data_center
-- line is left out because it is the sum of hyperscale and AI clouds/industrial/enterprise.
with segments as (
    -- the data-center split (compute vs networking) is a breakdown of data center, not a segment
    select * from segment_revenue
    where ticker = 'NVDA' and presentation in ('market_platform', 'fy27_original', 'fy27_recast')
),

fy27_vintages as (
    select distinct fiscal_year, fiscal_quarter, presentation
    from segments where presentation in ('fy27_original', 'fy27_recast')
),

chosen as (
    select s.*,
           case when s.presentation = 'market_platform' then 'market_platform' else 'fy27' end
               as presentation_group
    from segments s
    where s.presentation = 'market_platform'
       or (s.presentation = 'fy27_recast' and s.segment <> 'data_center')
       or (s.presentation = 'fy27_original' and s.segment <> 'data_center'
           and not exists (
               select 1 from fy27_vintages v
               where v.presentation = 'fy27_recast'
                 and v.fiscal_year = s.fiscal_year and v.fiscal_quarter = s.fiscal_quarter))
),

counted as (
    select presentation_group, fiscal_year, fiscal_quarter,
           sum(revenue_usd) as segments_sum_usd, count(*) as segments_reported
    from chosen
    group by presentation_group, fiscal_year, fiscal_quarter
),

totals as (
    -- a quarter with segments missing (e.g. only data center published) has no total or shares
    select *,
           segments_reported = max(segments_reported) over (partition by presentation_group)
               as is_complete
    from counted
),

final as (
    select
        c.presentation_group, c.presentation, c.fiscal_year, c.fiscal_quarter,
        fiscal_label(c.fiscal_year, c.fiscal_quarter) as fiscal_label,
        c.period_start, c.period_end, c.calendar_year, c.calendar_quarter,
        c.segment,
        case c.segment
            when 'data_center' then 'Data center'
            when 'gaming' then 'Gaming'
            when 'professional_visualization' then 'Professional visualization'
            when 'automotive' then 'Automotive'
            when 'oem_other' then 'OEM & other'
            when 'hyperscale' then 'Hyperscale'
            when 'ai_clouds_industrial_enterprise' then 'AI clouds, industrial & enterprise'
            when 'edge_computing' then 'Edge computing'
            else c.segment
        end as segment_label,
        c.revenue_usd,
        case when t.is_complete then t.segments_sum_usd end as quarter_total_usd,
        t.segments_reported, t.is_complete,
        case when t.is_complete then c.revenue_usd / nullif(t.segments_sum_usd, 0) * 100 end
            as share_of_total_pct,
        c.source,
        c.filed_at,
        nullif(regexp_extract(c.source, '\d{10}-\d{2}-\d{6}'), '') as accession
    from chosen c
    join totals t using (presentation_group, fiscal_year, fiscal_quarter)
)

select * from final
order by presentation_group, fiscal_year, fiscal_quarter, segment
