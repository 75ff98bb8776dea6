-- Template of the check frames of per-column identities (pipeline.form.identities, over='column'):
-- for every report and column of ${fact}, expected and observed are the signed sums of the lines
-- each side names. A side is null (not checked) unless every cell of it the report stores holds a
-- value (a form without a line simply lacks its facts). Filled by pipeline.quality.templates.
with sides as (
    select
        report_id,
        ${column} as column_code,
        count(*) filter (where is_e) as e_rows,
        count(${value}) filter (where is_e) as e_values,
        sum(${expected_sum}) filter (where is_e) as e_sum,
        count(*) filter (where is_o) as o_rows,
        count(${value}) filter (where is_o) as o_values,
        sum(${observed_sum}) filter (where is_o) as o_sum,
        string_agg('${table}.' || ${line} || '.' || ${column}, ',') as cells
    from (
        select
            *,
            ${line} in (${expected_lines}) as is_e,
            ${line} in (${observed_lines}) as is_o
        from ${fact}
        where ${line} in (${all_lines})
    )
    group by report_id, ${column}
)

select
    s.report_id,
    r.agency_id,
    r.agency_name,
    r.year,
    s.column_code,
    s.cells,
    s.column_code as row_key,
    (case when s.e_rows > 0 and s.e_values = s.e_rows then s.e_sum end)::double as expected,
    (case when s.o_rows > 0 and s.o_values = s.o_rows then s.o_sum end)::double as observed,
    r.repairs::varchar as repairs,
    null::varchar as prior_repairs
from sides as s
inner join report as r on s.report_id = r.report_id
