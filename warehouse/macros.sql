-- Table macros: parameterised views. Each is documented in README ("Views").

-- relative_performance_since(start_date): price index = 100 at each ticker's first trading day
-- on or after start_date, per ticker and per role group (equal-weighted mean of member indices),
-- with the drawdown from the running peak of that index.
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
group_size as (
    select role, count(distinct ticker) as tickers from prices group by role
),
per_group as (
    -- equal weight across members; only on days every member traded, so a member whose
    -- prices end early leaves a gap instead of a jump in the group's level
    select 'group' as series_kind, t.role as series, t.role, t.date, null::double as adj_close,
           avg(t.index_value) as index_value, min(t.base_date) as base_date,
           count(*) as members
    from per_ticker t
    group by t.role, t.date
    having count(*) = (select g.tickers from group_size g where g.role = t.role)
),
unioned as (
    select * from per_ticker
    union all
    select * from per_group
)
select
    *,
    (index_value / max(index_value) over (
        partition by series_kind, series order by date
        rows between unbounded preceding and current row) - 1) * 100 as drawdown_pct
from unioned;

-- relative_performance_vs(start_date, benchmark): each series' index divided by the benchmark
-- ticker's index on the same day (100 = moved with the benchmark since start_date).
create or replace macro relative_performance_vs(start_date, benchmark) as table
with perf as (
    select * from relative_performance_since(start_date)
),
bench as (
    select date, index_value as benchmark_index_value
    from perf
    where series_kind = 'ticker' and series = benchmark
)
select
    perf.series_kind, perf.series, perf.role, perf.date, perf.index_value,
    benchmark as benchmark, bench.benchmark_index_value,
    perf.index_value / bench.benchmark_index_value * 100 as relative_index
from perf
join bench using (date);
