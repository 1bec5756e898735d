-- grain: one row per company, metric and fiscal quarter; SEC first, then transcribed filings, then Yahoo
-- key: ticker, metric, fiscal_year, fiscal_quarter
-- column known_at: first filing that reported the value, else its filing date, else (no date) the SEC deadline: 40 days after the quarter for a 10-Q, 60 for a 10-K
with facts as (
    select * from financial_facts
),

tracked as (
    select ticker, name, role from companies
),

ranked as (
    select
        facts.*,
        source_kind(source) as source_kind,
        -- SEC wins where sources overlap; every source stays queryable in financial_facts
        row_number() over (
            partition by ticker, metric, fiscal_year, fiscal_quarter
            order by source_precedence(source), filed_at desc nulls last
        ) as source_rank
    from facts
),

final as (
    select
        r.ticker, c.name, c.role, r.metric, r.fiscal_year, r.fiscal_quarter,
        r.period_start, r.period_end, r.calendar_year, r.calendar_quarter,
        calendar_label(r.calendar_year, r.calendar_quarter) as calendar_label,
        calendar_quarter_start(r.calendar_year, r.calendar_quarter) as calendar_quarter_start,
        r.value_usd, r.form, r.filed_at, r.source_kind, r.source, r.source_detail,
        known_at(r.first_filed_at, r.filed_at, r.period_end, r.fiscal_quarter) as known_at
    from ranked r
    left join tracked c using (ticker)
    where r.source_rank = 1
)

select * from final
