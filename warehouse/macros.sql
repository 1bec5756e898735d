-- Macros, created before the views (warehouse/db.py apply_models): scalar macros hold the
-- expressions several views share, so each is written once; table macros are parameterised
-- views. docs/warehouse.md lists them (generated from the comment above each);
-- docs/architecture-sql.md says why they exist.

-- calendar_label(year, quarter): '2026Q2'.
create or replace macro calendar_label(calendar_year, calendar_quarter) as
    calendar_year || 'Q' || calendar_quarter;

-- calendar_quarter_start(year, quarter): the quarter's first day (2026Q2 -> 2026-04-01).
create or replace macro calendar_quarter_start(calendar_year, calendar_quarter) as
    make_date(calendar_year, calendar_quarter * 3 - 2, 1);

-- calendar_quarter_end(year, quarter): the quarter's last day (2026Q2 -> 2026-06-30).
create or replace macro calendar_quarter_end(calendar_year, calendar_quarter) as
    last_day(make_date(calendar_year, calendar_quarter * 3, 1));

-- quarter_index(year, quarter): quarters counted on from year 0, so that subtracting two gives
-- the number of quarters between them.
create or replace macro quarter_index(calendar_year, calendar_quarter) as
    calendar_year * 4 + calendar_quarter - 1;

-- fiscal_label(fiscal year, fiscal quarter): 'FY2027 Q2', in the company's own fiscal calendar.
create or replace macro fiscal_label(fiscal_year, fiscal_quarter) as
    'FY' || fiscal_year || ' Q' || fiscal_quarter;

-- source_kind(source): what kind of source a financial_facts row came from: 'sec' (SEC EDGAR),
-- 'yahoo', or 'transcribed' (the source column holds the citation of a transcribed filing).
create or replace macro source_kind(source) as
    case when source = 'sec' then 'sec' when source = 'yahoo' then 'yahoo' else 'transcribed' end;

-- source_precedence(source): where sources overlap the lowest wins: SEC first, then transcribed
-- filings, then Yahoo.
create or replace macro source_precedence(source) as
    case source_kind(source) when 'sec' then 1 when 'transcribed' then 2 else 3 end;

-- source_kind_label(kind): a source kind in words, for captions and source lines.
create or replace macro source_kind_label(source_kind) as
    case source_kind when 'sec' then 'SEC EDGAR'
                     when 'transcribed' then 'filings as transcribed'
                     else source_kind end;

-- load_source(source): which refresh source loaded a row ('sec', 'yahoo', else 'snapshot').
create or replace macro load_source(source) as
    case when source in ('sec', 'yahoo') then source else 'snapshot' end;

-- relative_performance_since(start_date): price index = 100 at each ticker's first trading day
-- on or after start_date, per ticker and per role group (equal-weighted mean of member indices),
-- with the drawdown from the running peak of that index.
create or replace macro relative_performance_since(start_date) as table
with base as (
    -- one row per ticker: its first trading day in the range and that day's price
    select p.ticker, c.role, min(p.date) as base_date,
           arg_min(coalesce(p.adj_close, p.close), p.date) as base_price
    from prices_daily p
    join companies c using (ticker)
    where p.date >= start_date
    group by p.ticker, c.role
),
group_size as (
    select role, count(*) as tickers from base group by role
),
-- "not materialized": each use reads prices_daily again, and the caller's filter on series
-- reaches each read, so only the chosen tickers and the members of the chosen groups are
-- indexed. Materialised, the whole range (every ticker, every day) was held in memory.
per_ticker as not materialized (
    select 'ticker' as series_kind, p.ticker as series, b.role, p.date,
           coalesce(p.adj_close, p.close) as adj_close,
           coalesce(p.adj_close, p.close) / b.base_price * 100 as index_value, b.base_date,
           1 as members
    from prices_daily p
    join base b using (ticker)
    where p.date >= start_date
),
per_group as not materialized (
    -- equal weight across members; only on days every member traded, so a member whose
    -- prices end early leaves a gap instead of a jump in the group's level
    select 'group' as series_kind, t.role as series, t.role, t.date, null::double as adj_close,
           avg(t.index_value) as index_value, min(t.base_date) as base_date,
           count(*) as members
    from per_ticker t
    group by t.role, t.date
    having count(*) = (select g.tickers from group_size g where g.role = t.role)
),
unioned as not materialized (
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
with perf as not materialized (
    -- read twice rather than held: the caller's filter on series reaches the first read
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

-- known_at(first filed, filed, period end, fiscal quarter): the day a quarter's figure counts as
-- known, for point-in-time views: the first filing that reported it, else its filing date, else
-- (transcribed rows with no date) the SEC deadline for large accelerated filers, a conservative
-- stand-in: 40 days after the quarter's end for a 10-Q, 60 days for a 10-K (fiscal Q4).
create or replace macro known_at(first_filed_at, filed_at, period_end, fiscal_quarter) as
    coalesce(first_filed_at, filed_at,
             (period_end + to_days(case when fiscal_quarter = 4 then 60 else 40 end))::date);

-- btos_ai_readings(geography_pattern): the Census BTOS AI-use readings (current and expected
-- rate) of the geographies LIKE the pattern ('US', 'NAICS:%', 'size:%'), per question wording
-- and survey period: value and standard error with the 90% interval (value ± 1.645 standard
-- errors), and whether the period is the newest of its indicator and wording among them.
create or replace macro btos_ai_readings(geography_pattern) as table
select
    indicator,
    series_version,
    geography,
    period_date,
    value as value_pct,
    std_error as std_error_pp,
    value - 1.645 * std_error as ci90_low_pct,
    value + 1.645 * std_error as ci90_high_pct,
    period_date = max(period_date) over (partition by indicator, series_version) as is_latest,
    source
from adoption_indicators
where geography like geography_pattern
  and indicator in ('btos_ai_use_rate', 'btos_ai_use_expected_rate');
