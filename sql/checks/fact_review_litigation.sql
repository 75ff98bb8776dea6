-- Check frame `fact_review_litigation`: one row per table-四 cell, for the per-cell rules
-- (nonnegative_integer, unknown_code, duplicate_fact). Suite: expectations/fact_review_litigation.json.
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
    f.outcome_code as column_code,
    'review_litigation.' || f.group_code || '.' || f.outcome_code as cells,
    null::double as expected,
    f."count"::double as observed,
    f.group_code,
    f.outcome_code,
    f."count",
    r.repairs,
    null::varchar as prior_repairs
from fact_review_litigation as f
left join r on f.report_id = r.report_id
