-- mart_disposition_mix: how each agency-year's applications were handled, long format for
-- charts: one row per agency x year x disposition category (total column of table 三). The
-- categories are comparable across the 2019 and 2021 forms: the three 2021 rows of （六）其他处理
-- are summed into other_processing, which is the single 2019 row.
create or replace table mart_disposition_mix as
with handled as (
    select
        r.agency_id,
        r.agency_name,
        r.province,
        r.city,
        r.agency_kind,
        r.year,
        r.format_version,
        r.report_id,
        d.group_code,
        d.group_zh,
        d.comparable_code as category_code,
        d.comparable_zh as category_zh,
        min(d.sort_order) as sort_order,
        sum(f."count")::bigint as "count"
    from fact_application as f
    inner join report as r on f.report_id = r.report_id and r.is_current
    inner join dim_disposition as d on f.disposition_code = d.disposition_code
    where f.applicant_code = 'total' and d.is_disposition
    group by all
)

select
    agency_id,
    agency_name,
    province,
    city,
    agency_kind,
    year,
    format_version,
    report_id,
    group_code,
    group_zh,
    category_code,
    category_zh,
    sort_order,
    "count",
    "count" / nullif(sum("count") over (partition by report_id), 0) as share,
    (sum("count") over (partition by report_id, group_code))::bigint as group_count,
    sum("count") over (partition by report_id, group_code)
    / nullif(sum("count") over (partition by report_id), 0) as group_share
from handled
order by agency_id, year, sort_order;

comment on table mart_disposition_mix is 'Disposition mix per agency-year, long format, comparable across the 2019 and 2021 forms (办理结果构成)';
comment on column mart_disposition_mix.agency_id is 'Agency id across name variants (机关标识)';
comment on column mart_disposition_mix.agency_name is 'Agency name as printed that year (机关名称)';
comment on column mart_disposition_mix.province is 'Province (省)';
comment on column mart_disposition_mix.city is 'City (市)';
comment on column mart_disposition_mix.agency_kind is 'Kind of agency (机关类型)';
comment on column mart_disposition_mix.year is 'Report year (报告年度)';
comment on column mart_disposition_mix.format_version is 'Form version 2019 or 2021 (报表格式)';
comment on column mart_disposition_mix.report_id is 'The current report version used (报告标识)';
comment on column mart_disposition_mix.group_code is 'granted, partially_granted, denied, unable, rejected, other (办理结果分组代码)';
comment on column mart_disposition_mix.group_zh is '予以公开 / 部分公开 / 不予公开 / 无法提供 / 不予处理 / 其他处理 (办理结果分组)';
comment on column mart_disposition_mix.category_code is 'Disposition category comparable across forms (办理结果类别代码)';
comment on column mart_disposition_mix.category_zh is 'Label of the category (办理结果类别)';
comment on column mart_disposition_mix.sort_order is 'Order of the category in the form (排序)';
comment on column mart_disposition_mix."count" is 'Applications in the category, total column (件数)';
comment on column mart_disposition_mix.share is 'count / sum of all categories of the report (占比)';
comment on column mart_disposition_mix.group_count is 'Applications in the category''s group (分组件数)';
comment on column mart_disposition_mix.group_share is 'group_count / sum of all categories (分组占比)';
