-- Template of the check frames of per-line identities (pipeline.form.identities, over='line'):
-- for every report and line of ${fact} (a table-三 row, a table-四 group), expected and observed
-- are the signed sums of the columns each side names; a side is null unless every cell of it the
-- report stores holds a value. n_columns = how many columns the line has (rule column_count).
with sides as (
    select
        report_id,
        ${line} as line_code,
        count(*) filter (where is_e) as e_rows,
        count(${value}) filter (where is_e) as e_values,
        sum(${expected_sum}) filter (where is_e) as e_sum,
        count(*) filter (where is_o) as o_rows,
        count(${value}) filter (where is_o) as o_values,
        sum(${observed_sum}) filter (where is_o) as o_sum,
        count(*) as n_columns,
        string_agg('${table}.' || ${line} || '.' || ${column}, ',') as cells
    from (
        select
            *,
            ${column} in (${expected_columns}) as is_e,
            ${column} in (${observed_columns}) as is_o
        from ${fact}
    )
    group by report_id, ${line}
)

select
    s.report_id,
    r.agency_id,
    r.agency_name,
    r.year,
    ${column_code} as column_code,
    s.cells,
    s.line_code as row_key,
    (case when s.e_rows > 0 and s.e_values = s.e_rows then s.e_sum end)::double as expected,
    (case when s.o_rows > 0 and s.o_values = s.o_rows then s.o_sum end)::double as observed,
    s.n_columns,
    r.repairs::varchar as repairs,
    null::varchar as prior_repairs
from sides as s
inner join report as r on s.report_id = r.report_id
