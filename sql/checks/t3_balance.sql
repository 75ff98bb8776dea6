-- Check frame `t3_balance`: one row per report and applicant column of table 三.
-- expected = 一 new_received + 二 carried_over, observed = （七） total_processed + 四 carried_forward;
-- a side is null (not checked) unless both of its cells hold a value.
with sides as (
    select
        report_id,
        applicant_code,
        count("count") filter (where disposition_code in ('new_received', 'carried_over')) as n_in,
        sum("count") filter (where disposition_code in ('new_received', 'carried_over')) as s_in,
        count("count") filter (where disposition_code in ('total_processed', 'carried_forward')) as n_out,
        sum("count") filter (where disposition_code in ('total_processed', 'carried_forward')) as s_out
    from fact_application
    where disposition_code in ('new_received', 'carried_over', 'total_processed', 'carried_forward')
    group by report_id, applicant_code
)

select
    s.report_id,
    r.agency_id,
    r.agency_name,
    r.year,
    s.applicant_code as column_code,
    concat_ws(
        ',',
        'applications.new_received.' || s.applicant_code,
        'applications.carried_over.' || s.applicant_code,
        'applications.total_processed.' || s.applicant_code,
        'applications.carried_forward.' || s.applicant_code
    ) as cells,
    (case when s.n_in = 2 then s.s_in end)::double as expected,
    (case when s.n_out = 2 then s.s_out end)::double as observed,
    r.repairs::varchar as repairs,
    null::varchar as prior_repairs
from sides as s
inner join report as r on s.report_id = r.report_id
