-- Check frame `fact_application`: one row per table-三 cell, for the per-cell rules
-- (nonnegative_integer, unknown_code, duplicate_fact). Suite: expectations/fact_application.json.
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
    f.applicant_code as column_code,
    'applications.' || f.disposition_code || '.' || f.applicant_code as cells,
    null::double as expected,
    f."count"::double as observed,
    f.disposition_code,
    f.applicant_code,
    f."count",
    r.repairs,
    null::varchar as prior_repairs
from fact_application as f
left join r on f.report_id = r.report_id
