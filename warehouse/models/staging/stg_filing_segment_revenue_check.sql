-- grain: one row per NVIDIA quarter, segment and presentation where a loaded filing and a transcribed row of segment_revenue disagree (by more than half a million USD)
-- key: ticker, fiscal_year, fiscal_quarter, segment, presentation
-- Read by a filings load before it writes its rows over the transcribed ones, so a
-- disagreement is printed with the run, not lost.
with filed as (
    select * from stg_filing_segment_revenue
),

transcribed as (
    select * from segment_revenue where filed_at is null
),

final as (
    select
        f.ticker, f.fiscal_year, f.fiscal_quarter, f.segment, f.presentation,
        f.revenue_usd as filing_revenue_usd, t.revenue_usd as transcribed_revenue_usd,
        fiscal_label(f.fiscal_year, f.fiscal_quarter) || ' ' || f.segment || ' ('
            || f.presentation || '): the filing says ' || round(f.revenue_usd / 1e6, 1)
            || ' M USD, the transcribed row said ' || round(t.revenue_usd / 1e6, 1)
            || ' M USD (' || coalesce(t.source, 'no source') || '); the filing value is kept'
            as note
    from filed f
    join transcribed t using (ticker, fiscal_year, fiscal_quarter, segment, presentation)
    where abs(f.revenue_usd - t.revenue_usd) > 5e5
)

select * from final
