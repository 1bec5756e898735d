-- grain: one row per hyperscaler per calendar quarter with cloud revenue read from its loaded filings: the quarter (as filed or fiscal year minus nine months) and the four quarters to it
-- key: ticker, calendar_year, calendar_quarter
-- column cloud_revenue_usd: the quarter's cloud revenue; empty where only the fiscal year is loaded (a 10-K without the Q3 10-Q)
-- column cloud_revenue_ttm_usd: the four quarters ending with this one: the fiscal year as filed at a fiscal year end, else the sum of four loaded quarters
-- Cloud revenue is each filer's own segment or product line: AWS
-- (amzn:AmazonWebServicesSegmentMember), Google Cloud (goog:GoogleCloudMember), Microsoft's
-- Intelligent Cloud segment (msft:IntelligentCloudMember) and Oracle's cloud services and
-- license support (orcl:CloudServicesAndLicenseSupportMember); the last two are not in the
-- sample filings, so their member names are unchecked there. Calendar quarters like
-- hyperscaler_capex_quarterly: the one holding most of the period's days (its midpoint).
with members as (
    select * from (values
        ('AMZN', 'us-gaap:StatementBusinessSegmentsAxis', 'amzn:AmazonWebServicesSegmentMember', 'AWS'),
        ('GOOGL', 'us-gaap:StatementBusinessSegmentsAxis', 'goog:GoogleCloudMember', 'Google Cloud'),
        ('MSFT', 'us-gaap:StatementBusinessSegmentsAxis', 'msft:IntelligentCloudMember', 'Intelligent Cloud'),
        ('ORCL', 'srt:ProductOrServiceAxis', 'orcl:CloudServicesAndLicenseSupportMember', 'Cloud services and license support')
    ) as m(ticker, axis, member, cloud_label)
),

concepts as (
    select * from (values
        ('us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax', 1),
        ('us-gaap:Revenues', 2)
    ) as c(concept, preference)
),

facts as (
    select f.*, m.cloud_label, c.preference,
           f.period_end - f.period_start + 1 as days
    from filing_facts f
    join members m on m.ticker = f.ticker and cardinality(f.dimensions) = 1
        and f.dimensions[m.axis] = m.member
    join concepts c on c.concept = f.concept
    where f.unit = 'USD' and f.period_start is not null
),

quarters as (
    select q.*, m.cloud_label, c.preference
    from stg_filing_quarters q
    join members m on m.ticker = q.ticker and cardinality(q.dimensions) = 1
        and q.dimensions[m.axis] = m.member
    join concepts c on c.concept = q.concept
    qualify row_number() over (
        partition by q.ticker, q.calendar_year, q.calendar_quarter order by c.preference
    ) = 1
),

years as (
    select
        ticker, cloud_label, period_start, period_end, value as value_usd, accession, form, filed_at,
        year(period_start + cast((period_end - period_start) as integer) - 45) as calendar_year,
        quarter(period_start + cast((period_end - period_start) as integer) - 45) as calendar_quarter
    from facts
    where days between 350 and 380
    qualify row_number() over (
        partition by ticker, period_end order by preference, filed_at desc
    ) = 1
),

slots as (
    select ticker, cloud_label, calendar_year, calendar_quarter from quarters
    union
    select ticker, cloud_label, calendar_year, calendar_quarter from years
),

final as (
    select
        s.ticker, s.cloud_label, s.calendar_year, s.calendar_quarter,
        calendar_label(s.calendar_year, s.calendar_quarter) as calendar_label,
        coalesce(q.period_end, y.period_end) as period_end,
        q.value_usd as cloud_revenue_usd,
        coalesce(y.value_usd, (
            select case when count(*) = 4 then sum(p.value_usd) end
            from quarters p
            where p.ticker = s.ticker
              and quarter_index(p.calendar_year, p.calendar_quarter)
                  between quarter_index(s.calendar_year, s.calendar_quarter) - 3
                      and quarter_index(s.calendar_year, s.calendar_quarter)
        )) as cloud_revenue_ttm_usd,
        coalesce(q.filed_at, y.filed_at) as filed_at,
        'SEC EDGAR ' || coalesce(q.form || ' ' || q.accession || ' (' || q.how || ')',
                                 y.form || ' ' || y.accession || ' (fiscal year as filed)')
            as source
    from slots s
    left join quarters q
        on q.ticker = s.ticker and q.calendar_year = s.calendar_year
        and q.calendar_quarter = s.calendar_quarter
    left join years y
        on y.ticker = s.ticker and y.calendar_year = s.calendar_year
        and y.calendar_quarter = s.calendar_quarter
)

select * from final
order by ticker, calendar_year, calendar_quarter
