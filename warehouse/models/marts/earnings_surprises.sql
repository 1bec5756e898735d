-- grain: one row per company per reported (or scheduled) fiscal period per estimate source
-- key: ticker, fiscal_period_label, source
-- Estimates come from different providers on different EPS bases: compare within a row, not
-- across rows. A row is 'upcoming' while unconfirmed or dated after today.
with events as (
    select * from earnings_events
),

tracked as (
    select ticker, name, role from companies
),

final as (
    select
        e.ticker, c.name, c.role, e.fiscal_period_label, e.report_date,
        e.eps_estimate, e.eps_actual,
        e.eps_actual - e.eps_estimate as eps_surprise,
        e.surprise_pct,
        e.revenue_estimate_usd, e.revenue_actual_usd,
        e.eps_basis, e.estimate_provider, e.is_confirmed,
        (not coalesce(e.is_confirmed, false)) or coalesce(e.report_date > current_date, false)
            as is_upcoming,
        e.source
    from events e
    left join tracked c using (ticker)
)

select * from final
order by ticker, report_date nulls first, fiscal_period_label
