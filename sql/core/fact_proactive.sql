-- fact_proactive: table 二 (proactive disclosure), one row per (report, item, measure).
create or replace table fact_proactive as
select
    f.report_id,
    f.agency_id,
    f.year,
    f.format_version,
    f.item_code,
    f.measure_code,
    f.value,
    f.is_repaired
from stg_fact_proactive as f
semi join report as r on f.report_id = r.report_id and f.batch = r.batch;

comment on table fact_proactive is 'Table 二 (proactive disclosure), one row per report x item x measure (主动公开政府信息情况)';
comment on column fact_proactive.report_id is 'Report id, sha256 of the file (报告标识)';
comment on column fact_proactive.agency_id is 'Agency id across name variants (机关标识)';
comment on column fact_proactive.year is 'Report year (报告年度)';
comment on column fact_proactive.format_version is 'Form version 2019 or 2021; items and measures differ between them (报表格式)';
comment on column fact_proactive.item_code is 'Item code, e.g. regulation, normative_document, administrative_license (事项)';
comment on column fact_proactive.measure_code is 'Measure code, e.g. issued, in_force, decisions, amount_10k_yuan (指标)';
comment on column fact_proactive.value is 'Value: a count, or money in the unit the measure code names (数值)';
comment on column fact_proactive.is_repaired is 'True when the parser repaired this cell (经修复)';
