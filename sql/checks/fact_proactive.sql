-- Check frame `fact_proactive`: one row per table-二 cell, with the derived columns the per-cell
-- rules read: nonnegative_value (null for the signed 本年增/减), fraction (null for money),
-- item_in_2021_form (the item, on 2021-form reports only) and fee_10k_yuan (行政事业性收费 in 万元).
-- ${signed_measures} and ${money_measures} are filled from the form (pipeline.form.editions.MEASURES).
with r as (
    select
        report_id,
        any_value(agency_name) as agency_name,
        any_value(year) as year,
        any_value(repairs::varchar) as repairs
    from report
    group by report_id
)

select
    f.report_id,
    f.agency_id,
    r.agency_name,
    r.year,
    f.measure_code as column_code,
    'proactive.' || f.item_code || '.' || f.measure_code as cells,
    null::double as expected,
    f.value as observed,
    f.item_code,
    f.measure_code,
    f.item_code || '.' || f.measure_code as code,
    case when f.measure_code not in (${signed_measures}) then f.value end as nonnegative_value,
    case when f.measure_code not in (${money_measures}) then f.value - floor(f.value) end as fraction,
    case when f.format_version = 2021 and f.value is not null then f.item_code end as item_in_2021_form,
    case when f.item_code = 'administrative_fee' and f.measure_code = 'amount_10k_yuan' then f.value end
        as fee_10k_yuan,
    r.repairs,
    null::varchar as prior_repairs
from fact_proactive as f
left join r on f.report_id = r.report_id
