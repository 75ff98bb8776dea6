-- Check frame `t4_group_total`: one row per report and group of table 四 (review,
-- litigation_direct, litigation_after_review). expected = 总计, observed = upheld + corrected +
-- other + pending (null if one is blank); n_columns = how many outcome columns the group has.
with groups_ as (
    select
        report_id,
        group_code,
        max("count") filter (where outcome_code = 'total') as total,
        count(*) filter (where outcome_code <> 'total') as n_parts,
        count("count") filter (where outcome_code <> 'total') as n_values,
        sum("count") filter (where outcome_code <> 'total') as s,
        count(*) as n_columns,
        string_agg('review_litigation.' || group_code || '.' || outcome_code, ',') as cells
    from fact_review_litigation
    group by report_id, group_code
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
from groups_ as s
inner join report as r on s.report_id = r.report_id
