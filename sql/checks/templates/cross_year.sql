-- Template of the check frames of identities reaching into the year before
-- (pipeline.form.identities, a term with prior=True): one row per report${per_column} whose agency
-- has a current report for the year before${editions_note}. Every term is one cell (t0, t1, … this
-- year; p0, p1, … the year before); a side with a blank cell is null.
with cur as (
    select
        report_id${column_select},
        ${current_terms}
    from ${fact}
    where ${line} in (${current_lines})
    group by report_id${column_group}
),

prev as (
    select
        report_id${column_select},
        ${prior_terms}
    from ${fact}
    where ${line} in (${prior_lines})
    group by report_id${column_group}
)

select
    r.report_id,
    r.agency_id,
    r.agency_name,
    r.year,
    ${column_code} as column_code,
    ${cells} as cells,
    (${expected})::double as expected,
    (${observed})::double as observed,
    r.repairs::varchar as repairs,
    p.repairs::varchar as prior_repairs
from cur as c
inner join report as r on c.report_id = r.report_id
inner join report as p
    on
        r.agency_id = p.agency_id
        and r.year - 1 = p.year
        and p.is_current
inner join prev as pv on p.report_id = pv.report_id${column_join}
where ${where}
