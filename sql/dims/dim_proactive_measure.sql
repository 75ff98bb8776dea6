-- dim_proactive_measure: items and measures of table 二 per form (they differ between 2019 and 2021).
create or replace table dim_proactive_measure as
select
    format_version,
    item_code,
    item_zh,
    measure_code,
    measure_zh,
    is_money,
    is_signed,
    sort_order
from seed_proactive_measure
order by format_version, sort_order;

comment on table dim_proactive_measure is 'Items and measures of table 二 for each form (主动公开事项与指标)';
comment on column dim_proactive_measure.format_version is 'Form version 2019 or 2021 (报表格式)';
comment on column dim_proactive_measure.item_code is 'Item code, as in fact_proactive.item_code (事项代码)';
comment on column dim_proactive_measure.item_zh is 'Item label (事项)';
comment on column dim_proactive_measure.measure_code is 'Measure code, as in fact_proactive.measure_code (指标代码)';
comment on column dim_proactive_measure.measure_zh is 'Measure label (指标)';
comment on column dim_proactive_measure.is_money is 'True when the value is money (金额)';
comment on column dim_proactive_measure.is_signed is 'True when the value may be negative (可为负)';
comment on column dim_proactive_measure.sort_order is 'Order in the form (排序)';
