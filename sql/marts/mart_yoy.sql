-- mart_yoy: each agency-year next to the agency's previous report year: changes in volumes and
-- rates, and the carry-over link (this year's 上年结转 should equal last year's 结转下年度继续办理;
-- only judged when the two years are consecutive).
create or replace table mart_yoy as
with paired as (
    select
        *,
        lag(year) over agency_years as prev_year,
        lag(new_received) over agency_years as prev_new_received,
        lag(total_processed) over agency_years as prev_total_processed,
        lag(carried_forward) over agency_years as prev_carried_forward,
        lag(granted_rate) over agency_years as prev_granted_rate,
        lag(refused_rate) over agency_years as prev_refused_rate,
        lag(review_total) over agency_years as prev_review_total,
        lag(litigation_total) over agency_years as prev_litigation_total
    from mart_agency_year
    window agency_years as (partition by agency_id order by year)
)

select
    agency_id,
    agency_name,
    province,
    city,
    agency_kind,
    year,
    prev_year,
    year - prev_year = 1 as is_consecutive,
    new_received,
    prev_new_received,
    new_received - prev_new_received as new_received_change,
    (new_received - prev_new_received) / nullif(prev_new_received, 0) as new_received_change_pct,
    total_processed,
    prev_total_processed,
    total_processed - prev_total_processed as total_processed_change,
    granted_rate,
    prev_granted_rate,
    granted_rate - prev_granted_rate as granted_rate_change,
    refused_rate,
    prev_refused_rate,
    refused_rate - prev_refused_rate as refused_rate_change,
    review_total,
    prev_review_total,
    review_total - prev_review_total as review_total_change,
    litigation_total,
    prev_litigation_total,
    litigation_total - prev_litigation_total as litigation_total_change,
    carried_over,
    prev_carried_forward,
    case when year - prev_year = 1 then carried_over - prev_carried_forward end as carry_over_gap,
    case when year - prev_year = 1 then carried_over = prev_carried_forward end as carry_over_link_ok
from paired
where prev_year is not null
order by agency_id, year;

comment on table mart_yoy is 'Year-on-year changes per agency, with the carry-over link between consecutive years (同比变化)';
comment on column mart_yoy.agency_id is 'Agency id across name variants (机关标识)';
comment on column mart_yoy.agency_name is 'Agency name as printed this year (机关名称)';
comment on column mart_yoy.province is 'Province (省)';
comment on column mart_yoy.city is 'City (市)';
comment on column mart_yoy.agency_kind is 'Kind of agency (机关类型)';
comment on column mart_yoy.year is 'Report year (报告年度)';
comment on column mart_yoy.prev_year is 'The agency''s previous report year in the warehouse (上一报告年度)';
comment on column mart_yoy.is_consecutive is 'True when prev_year = year - 1 (年度连续)';
comment on column mart_yoy.new_received is 'New applications this year (本年新收申请数量)';
comment on column mart_yoy.prev_new_received is 'New applications in prev_year (上年新收申请数量)';
comment on column mart_yoy.new_received_change is 'new_received - prev_new_received (新收申请变化)';
comment on column mart_yoy.new_received_change_pct is 'Relative change of new_received, 0.1 = +10% (新收申请变化率)';
comment on column mart_yoy.total_processed is 'Applications handled this year (办理结果总计)';
comment on column mart_yoy.prev_total_processed is 'Applications handled in prev_year (上年办理结果总计)';
comment on column mart_yoy.total_processed_change is 'total_processed - prev_total_processed (办理总计变化)';
comment on column mart_yoy.granted_rate is 'Granted rate this year (公开率)';
comment on column mart_yoy.prev_granted_rate is 'Granted rate in prev_year (上年公开率)';
comment on column mart_yoy.granted_rate_change is 'Change of the granted rate, in rate units (公开率变化)';
comment on column mart_yoy.refused_rate is 'Refused rate this year (不予公开率)';
comment on column mart_yoy.prev_refused_rate is 'Refused rate in prev_year (上年不予公开率)';
comment on column mart_yoy.refused_rate_change is 'Change of the refused rate, in rate units (不予公开率变化)';
comment on column mart_yoy.review_total is 'Administrative reviews this year (行政复议总计)';
comment on column mart_yoy.prev_review_total is 'Administrative reviews in prev_year (上年行政复议总计)';
comment on column mart_yoy.review_total_change is 'review_total - prev_review_total (行政复议变化)';
comment on column mart_yoy.litigation_total is 'Lawsuits this year (行政诉讼总计)';
comment on column mart_yoy.prev_litigation_total is 'Lawsuits in prev_year (上年行政诉讼总计)';
comment on column mart_yoy.litigation_total_change is 'litigation_total - prev_litigation_total (行政诉讼变化)';
comment on column mart_yoy.carried_over is 'Carried over from last year, as this year''s report states (上年结转申请数量)';
comment on column mart_yoy.prev_carried_forward is 'Carried forward, as last year''s report states (上年报告：结转下年度继续办理)';
comment on column mart_yoy.carry_over_gap is 'carried_over - prev_carried_forward; null unless consecutive (结转差额)';
comment on column mart_yoy.carry_over_link_ok is 'True when the two reports agree on the carry-over; null unless consecutive (结转衔接一致)';
