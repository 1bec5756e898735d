-- grain: one row per company, USD flow concept, dimensions and fiscal quarter read from the loaded filings: a three-month context as filed, or a fourth quarter derived as fiscal year (10-K) minus nine months (Q3 10-Q)
-- key: ticker, concept, dimensions_key, period_end
-- column how: 'as filed', or which fiscal-year and nine-month facts the quarter was derived from
-- A later filing restates a period it repeats (next year's comparative, an amendment): the
-- latest filed value is used, and both stay in filing_facts. Fiscal quarters are named like
-- ingest.normalise.fiscal (a period ending in a month's first week stands for the month before);
-- the calendar quarter is the one holding the period's midpoint.
with facts as (
    select
        *,
        cast(dimensions as varchar) as dimensions_key,
        period_end - period_start + 1 as days
    from filing_facts
    where unit = 'USD' and period_start is not null
),

latest as (
    select * from facts
    qualify row_number() over (
        partition by ticker, concept, dimensions_key, period_start, period_end
        order by filed_at desc, accession desc
    ) = 1
),

as_filed as (
    select ticker, concept, dimensions, dimensions_key, period_start, period_end,
           value as value_usd, accession, form, filed_at, 'as filed' as how
    from latest
    where days between 80 and 100
),

fourth as (
    select
        y.ticker, y.concept, y.dimensions, y.dimensions_key,
        n.period_end + 1 as period_start, y.period_end,
        y.value - n.value as value_usd, y.accession, y.form, y.filed_at,
        'fiscal year (' || y.form || ' ' || y.accession || ') minus nine months ('
            || n.form || ' ' || n.accession || ')' as how
    from latest y
    join latest n
        on n.ticker = y.ticker and n.concept = y.concept and n.dimensions_key = y.dimensions_key
        and n.period_start = y.period_start and n.days between 260 and 290
    where y.days between 350 and 380
      and not exists (
          select 1 from as_filed q
          where q.ticker = y.ticker and q.concept = y.concept
            and q.dimensions_key = y.dimensions_key and q.period_end = y.period_end)
),

quarters as (
    select * from as_filed
    union all
    select * from fourth
),

dated as (
    select
        q.*,
        c.fiscal_year_end_month,
        case when day(q.period_end) <= 7 then q.period_end - cast(day(q.period_end) as integer)
             else q.period_end end as nominal_end,
        q.period_start + cast((q.period_end - q.period_start) / 2 as integer) as midpoint
    from quarters q
    join companies c using (ticker)
),

final as (
    select
        ticker, concept, dimensions, dimensions_key, period_start, period_end, value_usd,
        year(nominal_end) + case when month(nominal_end) > fiscal_year_end_month then 1 else 0 end
            as fiscal_year,
        ((month(nominal_end) - fiscal_year_end_month - 1 + 24) % 12) // 3 + 1 as fiscal_quarter,
        year(midpoint) as calendar_year, quarter(midpoint) as calendar_quarter,
        accession, form, filed_at, how
    from dated
)

select * from final
