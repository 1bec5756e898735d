-- NVIDIA's disclosed customer concentration
-- How dependent is NVIDIA on a handful of buyers? Each row quotes its disclosure.
select
    period_end,
    customer_label,
    share_pct,
    basis,
    quote,
    source
from customer_concentration
where ticker = 'NVDA'
order by period_end, share_pct desc nulls last
