-- Check frame `t3_disposition_sum`: one row per report and applicant column of table 三.
-- expected = （七）总计 (total_processed), observed = the sum of the disposition rows the report's
-- form has (the facts hold only those: 21 rows in 2021, 19 in 2019); null if any of them is blank.
with sums as (
    select
        report_id,
        applicant_code,
        max("count") filter (where disposition_code = 'total_processed') as total_processed,
        count(*) filter (where disposition_code not in (
            'new_received', 'carried_over', 'total_processed', 'carried_forward'
        )) as n_rows,
        count("count") filter (where disposition_code not in (
            'new_received', 'carried_over', 'total_processed', 'carried_forward'
        )) as n_values,
        sum("count") filter (where disposition_code not in (
            'new_received', 'carried_over', 'total_processed', 'carried_forward'
        )) as s,
        string_agg('applications.' || disposition_code || '.' || applicant_code, ',') filter (
            where disposition_code not in ('new_received', 'carried_over', 'carried_forward')
        ) as cells
    from fact_application
    group by report_id, applicant_code
)

select
    s.report_id,
    r.agency_id,
    r.agency_name,
    r.year,
    s.applicant_code as column_code,
    s.cells,
    s.total_processed::double as expected,
    (case when s.n_rows > 0 and s.n_values = s.n_rows then s.s end)::double as observed,
    r.repairs::varchar as repairs,
    null::varchar as prior_repairs
from sums as s
inner join report as r on s.report_id = r.report_id
