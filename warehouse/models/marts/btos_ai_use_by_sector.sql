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
with sectors as (
    select * from adoption_indicators
    where geography like 'NAICS:%'
      and indicator in ('btos_ai_use_rate', 'btos_ai_use_expected_rate')
),

titles(naics, sector) as (
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
        s.indicator,
        s.series_version,
        substr(s.geography, 7) as naics,
        coalesce(t.sector, 'NAICS ' || substr(s.geography, 7)) as sector,
        s.period_date,
        s.value as value_pct,
        s.std_error as std_error_pp,
        s.value - 1.645 * s.std_error as ci90_low_pct,
        s.value + 1.645 * s.std_error as ci90_high_pct,
        s.period_date = max(s.period_date) over (partition by s.indicator, s.series_version)
            as is_latest,
        s.source
    from sectors s
    left join titles t on t.naics = substr(s.geography, 7)
)

select * from final
order by indicator, series_version, naics, period_date
