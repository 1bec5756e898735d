-- NVIDIA data-center revenue: hyperscale vs AI clouds, industrial & enterprise
-- Is NVIDIA's data-center growth coming from the hyperscalers or from everyone else?
-- Each quarter on its current basis (the Q2 FY2027 recast where it exists).
select
    fiscal_label,
    period_end,
    hyperscale_usd,
    ai_clouds_industrial_enterprise_usd,
    data_center_usd,
    round(hyperscale_share_pct, 1) as hyperscale_share_pct,
    round(ai_clouds_industrial_enterprise_share_pct, 1) as ai_clouds_industrial_enterprise_share_pct,
    vintage,
    source
from nvda_data_center_mix
where is_current_basis
order by fiscal_year, fiscal_quarter
