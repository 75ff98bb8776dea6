-- Check frame `report`: one row per report, for report_identity (agency name, year in range,
-- known form) and duplicate_fact (a report stored twice). Suite: expectations/report.json.
select
    report_id,
    agency_id,
    agency_name,
    year,
    null::varchar as column_code,
    null::varchar as cells,
    null::double as expected,
    null::double as observed,
    coalesce(trim(agency_name) <> '', false) as agency_name_present,
    coalesce(year, 0) as year_value,
    coalesce(format_version, 0) as format_value,
    format_version,
    repairs::varchar as repairs,
    null::varchar as prior_repairs
from report
