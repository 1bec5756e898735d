-- grain: one row per Census BTOS AI indicator, question wording, employment size class and survey period
-- key: indicator, series_version, size_class, period_date
-- column size_class: the class letter as the workbook gives it (A: 1 to 4 employees ... G: 250 or more)
-- column size_label: the class as the workbook's data dictionary describes it
-- column period_date: end of the survey's two-week reference period
-- column value_pct: share of firms answering yes, percent
-- column std_error_pp: standard error published with the estimate, percentage points
-- column ci90_low_pct: value - 1.645 standard errors
-- column ci90_high_pct: value + 1.645 standard errors
-- column is_latest: the newest period of its indicator and wording (the same for every class)
with labels(size_class, size_label) as (
    values
        ('A', '1-4 employees'),
        ('B', '5-9 employees'),
        ('C', '10-19 employees'),
        ('D', '20-49 employees'),
        ('E', '50-99 employees'),
        ('F', '100-249 employees'),
        ('G', '250+ employees')
),

final as (
    select
        r.indicator,
        r.series_version,
        substr(r.geography, 6) as size_class,
        coalesce(l.size_label, 'class ' || substr(r.geography, 6)) as size_label,
        r.period_date,
        r.value_pct,
        r.std_error_pp,
        r.ci90_low_pct,
        r.ci90_high_pct,
        r.is_latest,
        r.source
    from btos_ai_readings('size:%') r
    left join labels l on l.size_class = substr(r.geography, 6)
)

select * from final
order by indicator, series_version, size_class, period_date
