-- grain: one row per NVIDIA fiscal quarter: data-center revenue (equal in every presentation; market_platform preferred)
-- key: fiscal_year, fiscal_quarter
with segments as (
    select * from segment_revenue
    where ticker = 'NVDA' and segment = 'data_center'
),

ranked as (
    select
        *,
        row_number() over (
            partition by fiscal_year, fiscal_quarter
            order by case presentation
                when 'market_platform' then 1 when 'fy27_recast' then 2 else 3 end
        ) as presentation_rank
    from segments
),

final as (
    select fiscal_year, fiscal_quarter, period_start, period_end, calendar_year, calendar_quarter,
           revenue_usd as data_center_revenue_usd, presentation, source,
           known_at(null::date, filed_at, period_end, fiscal_quarter) as known_at
    from ranked
    where presentation_rank = 1
)

select * from final
