-- Hyperscaler capex vs NVIDIA data-center revenue by calendar quarter
-- How much of what the big clouds spend on capex shows up as NVIDIA data-center revenue?
-- The capex is the panel's (the same hyperscalers every quarter); a quarter in which part of
-- the panel has not reported has no ratio, and panel_reported says how many have.
select
    calendar_label,
    nvda_data_center_revenue_usd,
    hyperscaler_capex_usd,
    round(dc_share_of_capex_pct, 1) as dc_share_of_capex_pct,
    panel_reported,
    tickers_reported,
    nvda_source,
    capex_source
from nvda_dc_vs_capex
order by calendar_quarter_start
