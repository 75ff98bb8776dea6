-- fact_review_litigation: table 四 (administrative review and litigation), one row per
-- (report, group, outcome column incl. total).
create or replace table fact_review_litigation as
select
    f.report_id,
    f.agency_id,
    f.year,
    f.group_code,
    f.outcome_code,
    f."count",
    f.is_repaired
from stg_fact_review_litigation as f
semi join report as r on f.report_id = r.report_id and f.batch = r.batch;

comment on table fact_review_litigation is 'Table 四 (administrative review and litigation), one row per report x group x outcome (行政复议、行政诉讼情况)';
comment on column fact_review_litigation.report_id is 'Report id, sha256 of the file (报告标识)';
comment on column fact_review_litigation.agency_id is 'Agency id across name variants (机关标识)';
comment on column fact_review_litigation.year is 'Report year (报告年度)';
comment on column fact_review_litigation.group_code is 'review 行政复议, litigation_direct 未经复议直接起诉, litigation_after_review 复议后起诉 (类别)';
comment on column fact_review_litigation.outcome_code is 'upheld 结果维持, corrected 结果纠正, other 其他结果, pending 尚未审结, total 总计 (结果)';
comment on column fact_review_litigation."count" is 'Number of cases; null when blank or unreadable (件数)';
comment on column fact_review_litigation.is_repaired is 'True when the parser repaired this cell (经修复)';
