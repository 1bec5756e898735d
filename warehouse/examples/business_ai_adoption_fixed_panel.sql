-- Business AI use on a fixed panel of states (Census BTOS)
-- The median across every state reporting moves when states join the survey; this one keeps
-- the same states at every period (the national rate where it is loaded), and says how many of
-- the panel reported: compare only rows with is_complete.
select
    period_date,
    round(value_pct, 1) as value_pct,
    basis,
    panel_reported,
    is_complete,
    series_version
from btos_ai_use_panel
where indicator = 'btos_ai_use_rate'
order by series_version, period_date
