-- Check frame `t3_row_total`: one row per report and row of table 三.
-- expected = the 总计 cell, observed = the sum of the six applicant columns (null if one is blank);
-- n_columns = how many columns the row has (column_count).
with rows_ as (
    select
        report_id,
        disposition_code,
        max("count") filter (where applicant_code = 'total') as total,
        count(*) filter (where applicant_code <> 'total') as n_parts,
        count("count") filter (where applicant_code <> 'total') as n_values,
        sum("count") filter (where applicant_code <> 'total') as s,
        count(*) as n_columns,
        string_agg('applications.' || disposition_code || '.' || applicant_code, ',') as cells
    from fact_application
    group by report_id, disposition_code
)

select
    s.report_id,
    r.agency_id,
    r.agency_name,
    r.year,
    'total' as column_code,
    s.cells,
    s.total::double as expected,
    (case when s.n_parts > 0 and s.n_values = s.n_parts then s.s end)::double as observed,
    s.n_columns,
    r.repairs::varchar as repairs,
    null::varchar as prior_repairs
from rows_ as s
inner join report as r on s.report_id = r.report_id
