-- Check frame `narrative_applications`: one row per report whose table 三 has a 一 total:
-- expected = 一、本年新收 总计 (table), observed = applications received as the narrative states it.
select
    r.report_id,
    r.agency_id,
    r.agency_name,
    r.year,
    'total' as column_code,
    'narrative.applications_received,applications.new_received.total' as cells,
    f."count"::double as expected,
    r.narrative_applications_received::double as observed,
    r.repairs::varchar as repairs,
    null::varchar as prior_repairs
from report as r
inner join fact_application as f
    on
        r.report_id = f.report_id
        and f.disposition_code = 'new_received'
        and f.applicant_code = 'total'
