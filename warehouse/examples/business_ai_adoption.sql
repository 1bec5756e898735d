-- Business AI use: median across states per survey period (Census BTOS)
-- Are firms outside big tech putting AI to work? Share of firms that used AI to produce goods
-- or services in the last two weeks. Few states report every period: states_reporting says
-- how many. The code XX is left out: the source does not say what it covers. For a median
-- over the same states at every period, see business_ai_adoption_fixed_panel.
select
    period_date,
    round(median_pct, 1) as median_state_pct_of_firms,
    states_reported as states_reporting
from btos_ai_use_by_period
where indicator = 'btos_ai_use_rate' and series_version = '2023_goods_or_services'
order by period_date
