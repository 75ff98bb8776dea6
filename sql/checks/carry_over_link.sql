-- Check frame `carry_over_link`: one row per report and applicant column whose agency has a
-- current report for the year before. expected = that report's 四、结转下年度继续办理 (carried_forward),
-- observed = this report's 二、上年结转 (carried_over).
with prior as (
    select
        r.agency_id,
        r.year,
        f.applicant_code,
        f."count",
        r.repairs::varchar as repairs
    from fact_application as f
    inner join report as r on f.report_id = r.report_id
    where f.disposition_code = 'carried_forward' and r.is_current
)

select
    f.report_id,
    r.agency_id,
    r.agency_name,
    r.year,
    f.applicant_code as column_code,
    'applications.carried_over.' || f.applicant_code
    || ',prior_year.applications.carried_forward.' || f.applicant_code as cells,
    p."count"::double as expected,
    f."count"::double as observed,
    r.repairs::varchar as repairs,
    p.repairs as prior_repairs
from fact_application as f
inner join report as r on f.report_id = r.report_id
inner join prior as p
    on
        r.agency_id = p.agency_id
        and r.year - 1 = p.year
        and f.applicant_code = p.applicant_code
where f.disposition_code = 'carried_over'
