-- grain: one row per NVIDIA fiscal quarter, segment and presentation read from the loaded filings, in the columns of segment_revenue
-- key: ticker, fiscal_year, fiscal_quarter, segment, presentation
-- The rows a filings load writes into segment_revenue. Revenue by market platform and the
-- data-center split (compute vs networking) are srt:ProductOrServiceAxis members of
-- us-gaap:Revenues. From fiscal 2027 NVIDIA splits data center into hyperscale and AI clouds,
-- industrial & enterprise, and reports edge computing; no such filing is in the sample, so
-- those members are matched by name. A filing for FY2027 Q1 gives the original presentation
-- (fy27_original), later filings the recast one (fy27_recast).
with quarters as (
    select * from stg_filing_quarters
    where ticker = 'NVDA'
      and concept in ('us-gaap:Revenues', 'us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax')
      and cardinality(dimensions) = 1
      and dimensions['srt:ProductOrServiceAxis'] is not null
),

filings as (
    select accession, min(report_date) as report_date from filing_facts group by accession
),

mapped as (
    select
        q.*,
        q.dimensions['srt:ProductOrServiceAxis'] as member,
        f.report_date
    from quarters q
    left join filings f using (accession)
),

named as (
    select
        *,
        case
            when member = 'nvda:DataCenterMember' then 'data_center'
            when member = 'nvda:GamingMember' then 'gaming'
            when member = 'nvda:ProfessionalVisualizationMember' then 'professional_visualization'
            when member = 'nvda:AutomotiveMember' then 'automotive'
            when member = 'nvda:OEMAndOtherMember' then 'oem_other'
            when member = 'nvda:ComputeMember' then 'compute'
            when member = 'nvda:NetworkingMember' then 'networking'
            when member ilike '%hyperscale%' then 'hyperscale'
            when member ilike '%aicloud%' or member ilike '%industrialandenterprise%'
                then 'ai_clouds_industrial_enterprise'
            when member ilike '%edgecomputing%' then 'edge_computing'
        end as segment
    from mapped
),

final as (
    select
        ticker, fiscal_year, fiscal_quarter, period_start, period_end,
        calendar_year, calendar_quarter, segment,
        value_usd as revenue_usd,
        case
            when segment in ('compute', 'networking') then 'data_center_split'
            when segment in ('hyperscale', 'ai_clouds_industrial_enterprise', 'edge_computing')
                then case when report_date < date '2026-05-31' then 'fy27_original'
                          else 'fy27_recast' end
            else 'market_platform'
        end as presentation,
        'SEC EDGAR ' || form || ' ' || accession || ' (filed ' || filed_at || '); '
            || member || '; ' || how as source,
        filed_at
    from named
    where segment is not null
)

select * from final
qualify row_number() over (
    partition by ticker, fiscal_year, fiscal_quarter, segment, presentation
    order by filed_at desc
) = 1
