-- grain: one row per company, period, customer and basis read from the loaded filings (us-gaap:ConcentrationRiskPercentage1 with srt:MajorCustomersAxis), in the columns of customer_concentration
-- key: ticker, period_end, customer_label, basis
-- The rows a filings load writes into customer_concentration. The benchmark axis (revenue or
-- accounts receivable) and the period make the basis, written like the transcribed rows
-- ('share_of_total_revenue; direct customer; three months ended 2025-07-27'), so a filing row
-- replaces the transcribed row of the same disclosure. Axes beyond customer, benchmark, type
-- and segment are added to the basis; the segment axis is kept in quote with every member.
with facts as (
    select
        *,
        period_end - period_start + 1 as days
    from filing_facts
    where concept = 'us-gaap:ConcentrationRiskPercentage1'
      and dimensions['srt:MajorCustomersAxis'] is not null
      and coalesce(dimensions['us-gaap:ConcentrationRiskByTypeAxis'],
                   'us-gaap:CustomerConcentrationRiskMember')
          = 'us-gaap:CustomerConcentrationRiskMember'
),

latest as (
    select * from facts
    qualify row_number() over (
        partition by ticker, cast(dimensions as varchar), period_start, period_end
        order by filed_at desc, accession desc
    ) = 1
),

labelled as (
    select
        *,
        regexp_replace(
            regexp_replace(regexp_replace(dimensions['srt:MajorCustomersAxis'], '^[^:]*:', ''),
                           'Member$', ''),
            '([a-z])([A-Z])', '\1 \2', 'g') as customer,
        case dimensions['us-gaap:ConcentrationRiskByBenchmarkAxis']
            when 'us-gaap:SalesRevenueNetMember' then 'share_of_total_revenue'
            when 'us-gaap:RevenueFromContractWithCustomerMember' then 'share_of_total_revenue'
            when 'us-gaap:AccountsReceivableMember' then 'share_of_accounts_receivable'
            else coalesce(dimensions['us-gaap:ConcentrationRiskByBenchmarkAxis'], 'share')
        end as benchmark,
        case
            when period_start is null then 'as of ' || period_end
            when days between 80 and 100 then 'three months ended ' || period_end
            when days between 170 and 190 then 'six months ended ' || period_end
            when days between 260 and 290 then 'nine months ended ' || period_end
            when days between 350 and 380 then 'fiscal year ended ' || period_end
            else period_start || ' to ' || period_end
        end as period_text,
        list_sort(list_filter(map_keys(dimensions), lambda k: k not in (
            'srt:MajorCustomersAxis', 'us-gaap:ConcentrationRiskByBenchmarkAxis',
            'us-gaap:ConcentrationRiskByTypeAxis', 'us-gaap:StatementBusinessSegmentsAxis'
        ))) as other_axes
    from latest
),

final as (
    select
        ticker, period_end,
        case when benchmark = 'share_of_total_revenue' and regexp_matches(customer, '^Customer [A-Z]$')
             then 'Direct ' || customer else customer end as customer_label,
        value * 100 as share_pct,
        benchmark
            || case when regexp_matches(customer, '^Customer [A-Z]$') and benchmark = 'share_of_total_revenue'
                    then '; direct customer' else '' end
            || '; ' || period_text
            || coalesce('; ' || nullif(array_to_string(
                   list_transform(other_axes, lambda k: k || '=' || dimensions[k]), ', '), ''), '')
            as basis,
        'SEC EDGAR ' || form || ' ' || accession || ' (filed ' || filed_at || ')' as source,
        concept || ' = ' || value || ' with '
            || array_to_string(list_transform(list_sort(map_keys(dimensions)),
                                              lambda k: k || '=' || dimensions[k]), ', ') as quote,
        filed_at
    from labelled
)

select * from final
qualify row_number() over (
    partition by ticker, period_end, customer_label, basis order by filed_at desc, quote
) = 1
