-- Tables of the warehouse. Money in USD, shares in percent 0-100, dates as DATE.
-- Every statement is idempotent: the schema is applied on every write.

create table if not exists companies (
    ticker varchar primary key,
    name varchar not null,
    role varchar not null,            -- gpu_vendor | hyperscaler | enterprise_adopter | supply_chain | benchmark
    cik integer,
    fiscal_year_end_month integer
);

create table if not exists prices_daily (
    ticker varchar not null,
    date date not null,
    open double,
    high double,
    low double,
    close double,                     -- split-adjusted
    adj_close double,                 -- split- and dividend-adjusted
    volume bigint,
    source varchar not null,          -- yahoo | snapshot
    primary key (ticker, date)
);

create table if not exists corporate_actions (
    ticker varchar not null,
    date date not null,
    action varchar not null,          -- split | dividend
    value double not null,            -- split ratio (10 = 10-for-1) or USD per share
    source varchar,
    primary key (ticker, date, action)
);

create table if not exists financial_facts (
    ticker varchar not null,
    metric varchar not null,          -- revenue | gross_profit | operating_income | net_income | capex | ...
    fiscal_year integer not null,     -- the company's own fiscal year of the period
    fiscal_quarter integer not null,  -- 1-4, the company's own fiscal quarter
    period_start date,
    period_end date not null,
    calendar_year integer not null,   -- calendar quarter holding most of the period's days
    calendar_quarter integer not null,
    value_usd double not null,
    form varchar,
    filed_at date,
    source varchar not null,          -- sec | yahoo | citation of a transcribed filing
    source_detail varchar,
    primary key (ticker, metric, fiscal_year, fiscal_quarter, source)
);

create table if not exists segment_revenue (
    ticker varchar not null,
    fiscal_year integer not null,
    fiscal_quarter integer not null,
    period_start date,
    period_end date not null,
    calendar_year integer not null,
    calendar_quarter integer not null,
    segment varchar not null,
    revenue_usd double not null,
    presentation varchar not null,    -- market_platform | fy27_original | fy27_recast
    source varchar,
    primary key (ticker, fiscal_year, fiscal_quarter, segment, presentation)
);

create table if not exists customer_concentration (
    ticker varchar not null,
    period_end date not null,
    customer_label varchar not null,
    share_pct double,                 -- null where the disclosure is a count, not a share
    basis varchar not null,
    source varchar,
    quote varchar,
    primary key (ticker, period_end, customer_label, basis)
);

create table if not exists adoption_indicators (
    indicator varchar not null,
    geography varchar not null,
    period_date date not null,
    value double not null,
    unit varchar,
    series_version varchar not null,
    source varchar,
    primary key (indicator, geography, period_date, series_version)
);

create table if not exists earnings_events (
    ticker varchar not null,
    fiscal_period_label varchar not null,
    report_date date,
    eps_estimate double,
    eps_actual double,
    surprise_pct double,
    revenue_estimate_usd double,
    revenue_actual_usd double,
    eps_basis varchar,
    estimate_provider varchar,
    is_confirmed boolean not null,
    source varchar not null,
    primary key (ticker, fiscal_period_label, source)
);

create table if not exists ingest_runs (
    run_id varchar primary key,
    started_at timestamp not null,
    finished_at timestamp,
    trigger varchar not null,         -- manual | schedule | make-run | ...
    mode varchar,                     -- live | snapshot
    snapshot_dir varchar,
    status varchar not null           -- running | ok | partial | failed
);

create table if not exists ingest_run_items (
    run_id varchar not null,
    source varchar not null,          -- yahoo | sec | snapshot
    item varchar not null,
    status varchar not null,          -- ok | failed | skipped
    rows_written bigint not null default 0,
    error varchar,
    primary key (run_id, source, item)
);
