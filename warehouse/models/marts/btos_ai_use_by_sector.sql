-- grain: one row per Census BTOS AI indicator, question wording, NAICS sector and survey period
-- key: indicator, series_version, naics, period_date
-- column naics: the sector code as the workbook gives it (31 stands for 31-33, 44 for 44-45, 48 for 48-49; XX: multi-unit companies in several sectors)
-- column sector: NAICS sector title
-- column period_date: end of the survey's two-week reference period
-- column value_pct: share of firms answering yes, percent
-- column std_error_pp: standard error published with the estimate, percentage points
-- column ci90_low_pct: value - 1.645 standard errors
-- column ci90_high_pct: value + 1.645 standard errors
-- column is_latest: the newest period of its indicator and wording (the same for every sector)
-- Suppressed cells are not rows, so a sector can miss a period the others have.
with titles(naics, sector) as (
    values
        ('11', 'Agriculture, forestry, fishing and hunting'),
        ('21', 'Mining, quarrying, and oil and gas extraction'),
        ('22', 'Utilities'),
        ('23', 'Construction'),
        ('31', 'Manufacturing'),
        ('42', 'Wholesale trade'),
        ('44', 'Retail trade'),
        ('48', 'Transportation and warehousing'),
        ('51', 'Information'),
        ('52', 'Finance and insurance'),
        ('53', 'Real estate and rental and leasing'),
        ('54', 'Professional, scientific, and technical services'),
        ('55', 'Management of companies and enterprises'),
        ('56', 'Administrative and support and waste management'),
        ('61', 'Educational services'),
        ('62', 'Health care and social assistance'),
        ('71', 'Arts, entertainment, and recreation'),
        ('72', 'Accommodation and food services'),
        ('81', 'Other services (except public administration)'),
        ('XX', 'Multi-unit companies in several sectors')
),

final as (
    select
        r.indicator,
        r.series_version,
        substr(r.geography, 7) as naics,
        coalesce(t.sector, 'NAICS ' || substr(r.geography, 7)) as sector,
        r.period_date,
        r.value_pct,
        r.std_error_pp,
        r.ci90_low_pct,
        r.ci90_high_pct,
        r.is_latest,
        r.source
    from btos_ai_readings('NAICS:%') r
    left join titles t on t.naics = substr(r.geography, 7)
)

select * from final
order by indicator, series_version, naics, period_date
