-- grain: one row per NVIDIA disclosure of customer concentration (period, customer, basis), filing rows first
-- key: period_end, customer_label, basis
-- column origin: filing (read from the inline XBRL of a loaded filing) or transcribed (quoted from a page)
-- column accession: SEC accession of the filing; empty for a transcribed row
-- For a period a loaded filing covers, revenue shares come from the filing: a transcribed
-- share of revenue for that period is left out (the filing row of the same disclosure replaced
-- it in customer_concentration where the wording matched). Counts and CFO commentary, which
-- filings do not tag, stay as transcribed.
with disclosures as (
    select * from customer_concentration where ticker = 'NVDA'
),

filed_periods as (
    select distinct period_end from disclosures where filed_at is not null
),

final as (
    select
        d.period_end, d.customer_label, d.share_pct, d.basis, d.quote, d.source, d.filed_at,
        case when d.filed_at is null then 'transcribed' else 'filing' end as origin,
        nullif(regexp_extract(d.source, '\d{10}-\d{2}-\d{6}'), '') as accession
    from disclosures d
    where d.filed_at is not null
       or not (d.basis like 'share_of_total_revenue%'
               and d.period_end in (select period_end from filed_periods))
)

select * from final
order by period_end desc, origin, share_pct desc nulls last
