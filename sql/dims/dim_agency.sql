-- dim_agency: one row per agency id; descriptive columns from its latest report, every printed
-- name variant kept.
create or replace table dim_agency as
with ranked as (
    select
        *,
        row_number() over (
            partition by agency_id order by year desc, is_current desc, first_seen_at desc, report_id
        ) as recency
    from report
    where agency_id is not null
),

variants as (
    select
        agency_id,
        list(distinct agency_name order by agency_name) as name_variants,
        min(year) as first_year,
        max(year) as last_year,
        count(distinct year) filter (where is_current) as n_years
    from report
    where agency_id is not null
    group by agency_id
)

select
    r.agency_id,
    r.agency_name as name,
    v.name_variants,
    r.province,
    r.city,
    r.county,
    r.admin_code,
    r.agency_kind as kind,
    v.first_year,
    v.last_year,
    v.n_years
from ranked as r
inner join variants as v on r.agency_id = v.agency_id
where r.recency = 1
order by r.admin_code, r.agency_id;

comment on table dim_agency is 'Agencies, one row across name variants (政府信息公开机关)';
comment on column dim_agency.agency_id is 'Agency id: "<admin code>:<canonical name>" (机关标识)';
comment on column dim_agency.name is 'Name as printed in the latest report (机关名称)';
comment on column dim_agency.name_variants is 'Every name the agency printed (名称变体)';
comment on column dim_agency.province is 'Province (省)';
comment on column dim_agency.city is 'City (prefecture); null above city level (市)';
comment on column dim_agency.county is 'County / district; null above county level (县/区)';
comment on column dim_agency.admin_code is 'GB/T 2260 code of the smallest known region (行政区划代码)';
comment on column dim_agency.kind is 'government, government_office, department, township, other (机关类型)';
comment on column dim_agency.first_year is 'First report year seen (最早年度)';
comment on column dim_agency.last_year is 'Last report year seen (最近年度)';
comment on column dim_agency.n_years is 'Number of years with a current report (年度数)';
