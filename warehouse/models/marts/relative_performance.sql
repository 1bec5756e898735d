-- grain: one row per series (ticker or role group) per trading day since 2023-01-01, index = 100 on the first day
-- key: series_kind, series, date
-- column series_kind: ticker or group
-- column index_value: 100 on base_date
-- column drawdown_pct: below the running peak of index_value
-- For another start date: select * from relative_performance_since(DATE '2024-06-01').
select * from relative_performance_since(DATE '2023-01-01')
