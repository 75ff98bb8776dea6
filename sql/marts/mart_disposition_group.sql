-- mart_disposition_group: mart_disposition_mix summed to the six outcome groups, one row per
-- agency-year x group (6 rows per report instead of 19): what a mix by group (README question 3)
-- reads. group_count and group_share are those of mart_disposition_mix, the same on every
-- category row of a group; has_share says whether any category of the group has a share.
create or replace table mart_disposition_group as
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
    min(sort_order) as sort_order,
    max(group_count) as group_count,
    max(group_share) as group_share,
    bool_or(share is not null) as has_share
from mart_disposition_mix
group by agency_id, agency_name, province, city, agency_kind, year, format_version, report_id, group_code, group_zh
order by agency_id, year, sort_order;

comment on table mart_disposition_group is 'Disposition mix per agency-year by outcome group, from mart_disposition_mix (办理结果分组构成)';
comment on column mart_disposition_group.agency_id is 'Agency id across name variants (机关标识)';
comment on column mart_disposition_group.agency_name is 'Agency name as printed that year (机关名称)';
comment on column mart_disposition_group.province is 'Province (省)';
comment on column mart_disposition_group.city is 'City (市)';
comment on column mart_disposition_group.agency_kind is 'Kind of agency (机关类型)';
comment on column mart_disposition_group.year is 'Report year (报告年度)';
comment on column mart_disposition_group.format_version is 'Form version 2019 or 2021 (报表格式)';
comment on column mart_disposition_group.report_id is 'The current report version used (报告标识)';
comment on column mart_disposition_group.group_code is 'granted, partially_granted, denied, unable, rejected, other (办理结果分组代码)';
comment on column mart_disposition_group.group_zh is '予以公开 / 部分公开 / 不予公开 / 无法提供 / 不予处理 / 其他处理 (办理结果分组)';
comment on column mart_disposition_group.sort_order is 'Order of the group''s first category in the form (排序)';
comment on column mart_disposition_group.group_count is 'Applications in the group (分组件数)';
comment on column mart_disposition_group.group_share is 'group_count / sum of all categories of the report (分组占比)';
comment on column mart_disposition_group.has_share is 'Some category of the group has a share in mart_disposition_mix (有占比)';
