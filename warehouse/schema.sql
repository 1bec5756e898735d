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
    first_filed_at date,              -- first filing that reported the value (null when not known)
    primary key (ticker, metric, fiscal_year, fiscal_quarter, source)
);

alter table financial_facts add column if not exists first_filed_at date;

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
    filed_at date,                    -- date of the filing the row was read from (null when transcribed)
    primary key (ticker, fiscal_year, fiscal_quarter, segment, presentation)
);

alter table segment_revenue add column if not exists filed_at date;

create table if not exists customer_concentration (
    ticker varchar not null,
    period_end date not null,
    customer_label varchar not null,
    share_pct double,                 -- null where the disclosure is a count, not a share
    basis varchar not null,
    source varchar,
    quote varchar,
    filed_at date,                    -- date of the filing the row was read from (null when transcribed)
    primary key (ticker, period_end, customer_label, basis)
);

alter table customer_concentration add column if not exists filed_at date;

-- Every numeric fact of the 10-Q and 10-K filings loaded (inline XBRL), one row per fact and
-- context. A filing (accession) loads once, in one transaction; an amendment has its own
-- accession, so what it restates stays beside the original.
create table if not exists filing_facts (
    ticker varchar not null,
    cik integer not null,
    accession varchar not null,       -- 0001045810-25-000209
    form varchar not null,            -- 10-Q | 10-K | 10-Q/A | 10-K/A
    filed_at date not null,
    report_date date,
    document_url varchar not null,
    concept varchar not null,         -- us-gaap:Revenues
    context_id varchar not null,      -- the document's contextRef
    period_start date,                -- null for an instant
    period_end date not null,         -- end of the duration, or the instant
    unit varchar not null,            -- USD | shares | pure | USD/shares | ...
    decimals integer,                 -- null: exact (INF)
    value double not null,            -- in units: USD (not millions); a ratio as filed (0.23)
    dimensions map(varchar, varchar) not null, -- axis -> member; empty without dimensions
    primary key (accession, concept, context_id, unit)
);

create table if not exists adoption_indicators (
    indicator varchar not null,
    geography varchar not null,
    period_date date not null,
    value double not null,
    unit varchar,
    series_version varchar not null,
    source varchar,
    std_error double,                 -- standard error of value, same unit (null where none is published)
    primary key (indicator, geography, period_date, series_version)
);

alter table adoption_indicators add column if not exists std_error double;

-- The validators of the last answer of each URL a live source downloads whole (Census
-- workbooks), so the next request is conditional (If-None-Match / If-Modified-Since) and an
-- unchanged file costs one request, not its bytes. Written in the same transaction as the
-- rows read from that answer.
create table if not exists http_validators (
    url varchar primary key,
    etag varchar,
    last_modified varchar,
    content_sha256 varchar not null,
    content_bytes bigint not null,
    fetched_at timestamp not null
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
    source varchar not null,          -- yahoo | sec | census | snapshot
    item varchar not null,
    status varchar not null,          -- ok | failed | skipped
    rows_written bigint not null default 0,
    error varchar,
    primary key (run_id, source, item)
);

-- Descriptions live in the database, so `bubblemeter sql --schema`, the console's schema browser
-- and any DuckDB client (duckdb_tables(), duckdb_columns()) show them. COMMENT ON replaces the
-- previous text, so re-running is harmless. Views get theirs from their file's first line.

comment on table companies is 'One row per tracked company (from warehouse/universe.toml)';
comment on column companies.ticker is 'Ticker symbol as Yahoo Finance lists it';
comment on column companies.name is 'Company or fund name';
comment on column companies.role is 'gpu_vendor, hyperscaler, enterprise_adopter, supply_chain or benchmark';
comment on column companies.cik is 'SEC Central Index Key (null for funds)';
comment on column companies.fiscal_year_end_month is 'Month (1-12) in which the fiscal year ends';

comment on table prices_daily is 'One row per ticker and trading day: daily prices and volume';
comment on column prices_daily.ticker is 'Ticker symbol';
comment on column prices_daily.date is 'Trading day';
comment on column prices_daily.open is 'Opening price, USD';
comment on column prices_daily.high is 'Highest price of the day, USD';
comment on column prices_daily.low is 'Lowest price of the day, USD';
comment on column prices_daily.close is 'Closing price, USD, split-adjusted';
comment on column prices_daily.adj_close is 'Closing price, USD, split- and dividend-adjusted';
comment on column prices_daily.volume is 'Shares traded';
comment on column prices_daily.source is 'yahoo (live) or snapshot (imported file)';

comment on table corporate_actions is 'One row per ticker, date and action: stock splits and dividends';
comment on column corporate_actions.ticker is 'Ticker symbol';
comment on column corporate_actions.date is 'Ex-date of the action';
comment on column corporate_actions.action is 'split or dividend';
comment on column corporate_actions.value is 'Split ratio (10 = 10-for-1) or dividend in USD per share';
comment on column corporate_actions.source is 'Where the action came from';

comment on table financial_facts is 'One row per company, metric, fiscal quarter and source: quarterly figures in USD';
comment on column financial_facts.ticker is 'Ticker symbol';
comment on column financial_facts.metric is 'revenue, gross_profit, operating_income, net_income, net_income_incl_nci, cost_of_revenue, capex or finance_lease_principal_payments';
comment on column financial_facts.fiscal_year is 'The company''s own fiscal year of the period';
comment on column financial_facts.fiscal_quarter is 'The company''s own fiscal quarter (1-4), not the SEC filing''s fy/fp';
comment on column financial_facts.period_start is 'First day of the quarter';
comment on column financial_facts.period_end is 'Last day of the quarter';
comment on column financial_facts.calendar_year is 'Year of the calendar quarter holding most of the period''s days';
comment on column financial_facts.calendar_quarter is 'Calendar quarter (1-4) holding most of the period''s days';
comment on column financial_facts.value_usd is 'Value for one quarter, USD (year-to-date flows de-cumulated)';
comment on column financial_facts.form is 'SEC form the value was reported in (10-Q, 10-K, ...)';
comment on column financial_facts.filed_at is 'Date of the latest filing that reported the value';
comment on column financial_facts.source is 'sec, yahoo, or the citation of a transcribed filing';
comment on column financial_facts.source_detail is 'More on the source: XBRL concept, document or derivation';
comment on column financial_facts.first_filed_at is 'First filing that reported this value (the day it became known); null where the source does not say';

comment on table segment_revenue is 'One row per company, fiscal quarter, segment and presentation: revenue by segment in USD';
comment on column segment_revenue.ticker is 'Ticker symbol';
comment on column segment_revenue.fiscal_year is 'The company''s own fiscal year of the period';
comment on column segment_revenue.fiscal_quarter is 'The company''s own fiscal quarter (1-4)';
comment on column segment_revenue.period_start is 'First day of the quarter';
comment on column segment_revenue.period_end is 'Last day of the quarter';
comment on column segment_revenue.calendar_year is 'Year of the calendar quarter holding most of the period''s days';
comment on column segment_revenue.calendar_quarter is 'Calendar quarter (1-4) holding most of the period''s days';
comment on column segment_revenue.segment is 'Segment name, e.g. data_center, gaming, hyperscale';
comment on column segment_revenue.revenue_usd is 'Segment revenue for the quarter, USD';
comment on column segment_revenue.presentation is 'market_platform, fy27_original or fy27_recast (vintages of NVIDIA''s segment split)';
comment on column segment_revenue.source is 'Document the figure was taken from';
comment on column segment_revenue.filed_at is 'Date of the filing the row was read from; null for transcribed rows';

comment on table customer_concentration is 'One row per company, period, customer and basis: disclosed customer shares';
comment on column customer_concentration.ticker is 'Ticker symbol';
comment on column customer_concentration.period_end is 'Last day of the period the disclosure covers';
comment on column customer_concentration.customer_label is 'Customer as disclosed, e.g. Direct Customer A';
comment on column customer_concentration.share_pct is 'Share in percent (0-100); null where the disclosure is a count';
comment on column customer_concentration.basis is 'What the share is of, and over which period';
comment on column customer_concentration.source is 'Page quoting the disclosure';
comment on column customer_concentration.quote is 'The disclosure as quoted';
comment on column customer_concentration.filed_at is 'Date of the filing the row was read from; null for transcribed rows';

comment on table filing_facts is 'One row per filing, numeric fact and context: the inline XBRL of 10-Q and 10-K filings';
comment on column filing_facts.ticker is 'Ticker symbol';
comment on column filing_facts.cik is 'SEC Central Index Key of the filer';
comment on column filing_facts.accession is 'SEC accession number of the filing (the key of a load)';
comment on column filing_facts.form is '10-Q, 10-K, or an amendment (10-Q/A, 10-K/A)';
comment on column filing_facts.filed_at is 'Date SEC accepted the filing';
comment on column filing_facts.report_date is 'Period end the filing reports on';
comment on column filing_facts.document_url is 'The primary document the fact was read from';
comment on column filing_facts.concept is 'XBRL concept as filed, e.g. us-gaap:Revenues';
comment on column filing_facts.context_id is 'The context the fact refers to (contextRef)';
comment on column filing_facts.period_start is 'First day of the duration; null for an instant';
comment on column filing_facts.period_end is 'Last day of the duration, or the instant';
comment on column filing_facts.unit is 'Unit: USD, shares, pure (a ratio), USD/shares, ...';
comment on column filing_facts.decimals is 'Precision as filed (-6: millions); null when exact';
comment on column filing_facts.value is 'Value in units (scale applied, sign applied): USD, not millions; a percentage as filed (0.23)';
comment on column filing_facts.dimensions is 'Axis -> member of the context (empty for a fact without dimensions)';

comment on table adoption_indicators is 'One row per indicator, geography, date and series version: business AI adoption';
comment on column adoption_indicators.indicator is 'e.g. btos_ai_use_rate (US Census Business Trends and Outlook Survey)';
comment on column adoption_indicators.geography is 'US (national), a state''s postal code, NAICS:<sector code> or size:<employment size class>, as the source codes them';
comment on column adoption_indicators.period_date is 'End of the survey''s reference period (BTOS: the two weeks the question asks about)';
comment on column adoption_indicators.value is 'Indicator value, in unit';
comment on column adoption_indicators.unit is 'Unit of value, e.g. percent_of_firms';
comment on column adoption_indicators.series_version is 'Version of the survey question; values across versions do not compare';
comment on column adoption_indicators.source is 'Publisher and file the values came from';
comment on column adoption_indicators.std_error is 'Standard error of value, same unit; null where the source publishes none';

comment on table http_validators is 'One row per URL downloaded whole: the validators of its last answer, for conditional requests';
comment on column http_validators.url is 'URL asked for';
comment on column http_validators.etag is 'ETag of the last answer (null when the server sent none)';
comment on column http_validators.last_modified is 'Last-Modified of the last answer, as sent (null when none)';
comment on column http_validators.content_sha256 is 'SHA-256 of the last body loaded';
comment on column http_validators.content_bytes is 'Size of the last body loaded, bytes';
comment on column http_validators.fetched_at is 'When the last body was downloaded (UTC)';

comment on table earnings_events is 'One row per company, fiscal period and source: EPS and revenue, estimate vs actual';
comment on column earnings_events.ticker is 'Ticker symbol';
comment on column earnings_events.fiscal_period_label is 'Fiscal period as the source labels it';
comment on column earnings_events.report_date is 'Date the results were reported';
comment on column earnings_events.eps_estimate is 'Consensus EPS estimate, USD';
comment on column earnings_events.eps_actual is 'Reported EPS, USD';
comment on column earnings_events.surprise_pct is 'EPS surprise, percent of the estimate';
comment on column earnings_events.revenue_estimate_usd is 'Consensus revenue estimate, USD';
comment on column earnings_events.revenue_actual_usd is 'Reported revenue, USD';
comment on column earnings_events.eps_basis is 'GAAP or adjusted EPS, as the source states';
comment on column earnings_events.estimate_provider is 'Who provided the estimate';
comment on column earnings_events.is_confirmed is 'True when the results have been reported';
comment on column earnings_events.source is 'Page the figures were taken from';

comment on table ingest_runs is 'One row per refresh run';
comment on column ingest_runs.run_id is 'Run identifier (start time and a random suffix)';
comment on column ingest_runs.started_at is 'When the run started';
comment on column ingest_runs.finished_at is 'When the run finished (null while running)';
comment on column ingest_runs.trigger is 'What started the run: manual, schedule, make-run, ...';
comment on column ingest_runs.mode is 'live or snapshot';
comment on column ingest_runs.snapshot_dir is 'Directory imported, for snapshot runs';
comment on column ingest_runs.status is 'running; ok (nothing failed), partial (some items failed) or failed (no item loaded)';

comment on table ingest_run_items is 'One row per run, source and item: what each refresh loaded, or why not';
comment on column ingest_run_items.run_id is 'The run (ingest_runs.run_id)';
comment on column ingest_run_items.source is 'yahoo, sec, census or snapshot';
comment on column ingest_run_items.item is 'The file, ticker or dataset loaded';
comment on column ingest_run_items.status is 'ok, failed or skipped';
comment on column ingest_run_items.rows_written is 'Rows inserted or replaced';
comment on column ingest_run_items.error is 'Why the item failed or was skipped';
