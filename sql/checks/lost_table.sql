-- Check frame `lost_table`: one row per report parsed with status ok and per table (二 proactive,
-- 三 applications, 四 review_litigation); observed = how many values of that table the facts hold.
with filled as (
    select report_id, 'applications' as tbl, count("count") as n
    from fact_application
    group by report_id
    union all
    select report_id, 'review_litigation' as tbl, count("count") as n
    from fact_review_litigation
    group by report_id
    union all
    select report_id, 'proactive' as tbl, count(value) as n
    from fact_proactive
    group by report_id
)

select
    r.report_id,
    r.agency_id,
    r.agency_name,
    r.year,
    null::varchar as column_code,
    t.tbl as cells,
    null::double as expected,
    coalesce(f.n, 0)::double as observed,
    r.repairs::varchar as repairs,
    null::varchar as prior_repairs
from report as r
cross join (values ('proactive'), ('applications'), ('review_litigation')) as t (tbl)
left join filled as f on r.report_id = f.report_id and t.tbl = f.tbl
where r.status = 'ok'
