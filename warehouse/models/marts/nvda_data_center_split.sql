-- grain: one row per NVIDIA fiscal quarter with data-center revenue split into compute and networking, as read from the loaded filings
-- key: fiscal_year, fiscal_quarter
-- column networking_share_pct: networking as a share of compute plus networking
-- column filed_at: date of the filing the quarter was read from
-- column accession: SEC accession of that filing
-- srt:ProductOrServiceAxis members nvda:ComputeMember and nvda:NetworkingMember of
-- us-gaap:Revenues (segment_revenue presentation 'data_center_split'); only filings carry it.
with split as (
    select * from segment_revenue
    where ticker = 'NVDA' and presentation = 'data_center_split'
),

pivoted as (
    select
        fiscal_year, fiscal_quarter,
        min(period_start) as period_start, max(period_end) as period_end,
        min(calendar_year) as calendar_year, min(calendar_quarter) as calendar_quarter,
        sum(revenue_usd) filter (where segment = 'compute') as compute_usd,
        sum(revenue_usd) filter (where segment = 'networking') as networking_usd,
        max(filed_at) as filed_at,
        min(source) as source
    from split
    group by fiscal_year, fiscal_quarter
),

final as (
    select
        *,
        fiscal_label(fiscal_year, fiscal_quarter) as fiscal_label,
        networking_usd / nullif(compute_usd + networking_usd, 0) * 100 as networking_share_pct,
        nullif(regexp_extract(source, '\d{10}-\d{2}-\d{6}'), '') as accession
    from pivoted
)

select * from final
order by fiscal_year, fiscal_quarter
