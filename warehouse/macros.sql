-- Table macros: parameterised views. Each is documented in README ("Views").

-- relative_performance_since(start_date): price index = 100 at each ticker's first trading day
-- on or after start_date, per ticker and per role group (equal-weighted mean of member indices).
create or replace macro relative_performance_since(start_date) as table
with prices as (
    select p.ticker, p.date, coalesce(p.adj_close, p.close) as adj_close, c.role
    from prices_daily p
    join companies c using (ticker)
    where p.date >= start_date
),
base as (
    select ticker, min(date) as base_date, arg_min(adj_close, date) as base_price
    from prices
    group by ticker
),
per_ticker as (
    select 'ticker' as series_kind, p.ticker as series, p.role, p.date, p.adj_close,
           p.adj_close / b.base_price * 100 as index_value, b.base_date, 1 as members
    from prices p
    join base b using (ticker)
),
per_group as (
    -- equal weight across the members that traded that day
    select 'group' as series_kind, role as series, role, date, null::double as adj_close,
           avg(index_value) as index_value, min(base_date) as base_date, count(*) as members
    from per_ticker
    group by role, date
)
select * from per_ticker
union all
select * from per_group;
