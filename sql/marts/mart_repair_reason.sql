-- mart_repair_reason: why the parser repaired an agency-year's numbers, one row per current
-- report and reason, with how many repairs gave that reason. Counted once at build time from
-- report.repairs (JSON): decoding every report's repairs at query time costs ~0.5 s at 10⁵ reports.
create or replace table mart_repair_reason as
with repair as (
    select
        report_id,
        agency_id,
        agency_name,
        year,
        unnest(from_json(repairs, '[{"why": "varchar"}]')).why as why
    from report
    where is_current
)

select
    report_id,
    agency_id,
    agency_name,
    year,
    why,
    count(*) as times
from repair
group by all
order by report_id, times desc, why;

comment on table mart_repair_reason is 'Repairs per current report and reason, counted from report.repairs (修复原因统计)';
comment on column mart_repair_reason.report_id is 'The current report version (报告标识)';
comment on column mart_repair_reason.agency_id is 'Agency id across name variants (机关标识)';
comment on column mart_repair_reason.agency_name is 'Agency name as printed that year (机关名称)';
comment on column mart_repair_reason.year is 'Report year (报告年度)';
comment on column mart_repair_reason.why is 'Why the parser changed or filled the numbers, as report.repairs says (修复原因)';
comment on column mart_repair_reason.times is 'Repairs of the report giving this reason (次数)';
