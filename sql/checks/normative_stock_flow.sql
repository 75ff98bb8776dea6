-- Check frame `normative_stock_flow`: one row per 2021-form report whose agency has a current
-- 2021-form report for the year before. expected = last year's 行政规范性文件 in force + this year's
-- issued - repealed, observed = this year's in force.
with nd as (
    select
        report_id,
        max(value) filter (where measure_code = 'in_force') as in_force,
        max(value) filter (where measure_code = 'issued') as issued,
        max(value) filter (where measure_code = 'repealed') as repealed
    from fact_proactive
    where item_code = 'normative_document'
    group by report_id
)

select
    r.report_id,
    r.agency_id,
    r.agency_name,
    r.year,
    'in_force' as column_code,
    'proactive.normative_document.in_force,proactive.normative_document.issued,'
    || 'proactive.normative_document.repealed,prior_year.proactive.normative_document.in_force' as cells,
    (p_nd.in_force + c.issued - c.repealed)::double as expected,
    c.in_force::double as observed,
    r.repairs::varchar as repairs,
    p.repairs::varchar as prior_repairs
from nd as c
inner join report as r on c.report_id = r.report_id
inner join report as p
    on
        r.agency_id = p.agency_id
        and r.year - 1 = p.year
        and p.is_current
        and p.format_version = 2021
inner join nd as p_nd on p.report_id = p_nd.report_id
where r.format_version = 2021
