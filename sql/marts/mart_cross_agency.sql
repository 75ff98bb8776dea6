-- mart_cross_agency: every rate of mart_agency_year compared with the agency's peers in the same
-- year, long format: one row per agency x year x metric x peer group. Peer groups: the province,
-- the city, agencies of the same kind nationwide, the same kind within the province, and all.
-- rank_desc 1 = highest value; percentile = share of peers with a lower value (0 … 1).
create or replace table mart_cross_agency as
with metrics as (
    unpivot (
        select
            agency_id,
            agency_name,
            province,
            city,
            agency_kind,
            year,
            granted_rate,
            granted_or_partly_rate,
            refused_rate,
            not_held_rate,
            not_processed_rate,
            review_correction_rate,
            litigation_correction_rate
        from mart_agency_year
    )
    on
        granted_rate,
        granted_or_partly_rate,
        refused_rate,
        not_held_rate,
        not_processed_rate,
        review_correction_rate,
        litigation_correction_rate
    into name metric value value
),

peers as (
    select *, 'province' as peer_level, province as peer_group from metrics where province is not null
    union all
    select *, 'city' as peer_level, province || '/' || city as peer_group
    from metrics where city is not null
    union all
    select *, 'kind' as peer_level, agency_kind as peer_group from metrics where agency_kind is not null
    union all
    select *, 'province_kind' as peer_level, province || '/' || agency_kind as peer_group
    from metrics where province is not null and agency_kind is not null
    union all
    select *, 'all' as peer_level, 'all' as peer_group from metrics
)

select
    agency_id,
    agency_name,
    province,
    city,
    agency_kind,
    year,
    metric,
    value,
    peer_level,
    peer_group,
    count(*) over peer as peer_n,
    rank() over (peer order by value desc) as rank_desc,
    percent_rank() over (peer order by value) as percentile,
    median(value) over peer as peer_median,
    value - median(value) over peer as diff_from_median
from peers
window peer as (partition by year, metric, peer_level, peer_group)
order by year, metric, peer_level, peer_group, rank_desc, agency_id;

comment on table mart_cross_agency is 'Rates of each agency-year ranked within peer groups, with peer medians (机关横向比较)';
comment on column mart_cross_agency.agency_id is 'Agency id across name variants (机关标识)';
comment on column mart_cross_agency.agency_name is 'Agency name as printed that year (机关名称)';
comment on column mart_cross_agency.province is 'Province (省)';
comment on column mart_cross_agency.city is 'City (市)';
comment on column mart_cross_agency.agency_kind is 'Kind of agency (机关类型)';
comment on column mart_cross_agency.year is 'Report year (报告年度)';
comment on column mart_cross_agency.metric is 'Rate compared: a rate column of mart_agency_year (指标)';
comment on column mart_cross_agency.value is 'The agency''s value of the rate (数值)';
comment on column mart_cross_agency.peer_level is 'Peer group kind: province, city, kind, province_kind, all (比较范围)';
comment on column mart_cross_agency.peer_group is 'The peer group: e.g. 河南省, 河南省/周口市, government, 河南省/government (比较组)';
comment on column mart_cross_agency.peer_n is 'Agencies in the peer group with a value (组内机关数)';
comment on column mart_cross_agency.rank_desc is 'Rank in the group, 1 = highest value (组内排名)';
comment on column mart_cross_agency.percentile is 'Share of peers with a lower value, 0 to 1 (百分位)';
comment on column mart_cross_agency.peer_median is 'Median value in the group (组内中位数)';
comment on column mart_cross_agency.diff_from_median is 'value - peer_median (与中位数之差)';
