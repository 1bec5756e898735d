-- Share prices by group since 2023: GPU vendors, hyperscalers, enterprise adopters
-- Month-end price index (100 on the first trading day of 2023), equal-weighted within a group.
with groups as (
    select series as role, date, index_value
    from relative_performance
    where series_kind = 'group'
),

month_end as (
    select role, max(date) as date, arg_max(index_value, date) as index_value
    from groups
    group by role, date_trunc('month', date)
),

final as (
    select
        date,
        round(max(index_value) filter (where role = 'gpu_vendor'), 1) as gpu_vendor_index,
        round(max(index_value) filter (where role = 'hyperscaler'), 1) as hyperscaler_index,
        round(max(index_value) filter (where role = 'enterprise_adopter'), 1)
            as enterprise_adopter_index,
        round(max(index_value) filter (where role = 'benchmark'), 1) as benchmark_index
    from month_end
    group by date
)

select * from final
order by date
