-- dim_disposition: every row code of table 三 with its Chinese label, its group and the forms it
-- exists in (from pipeline/record.py, registered as seed_disposition by the build).
create or replace table dim_disposition as
select
    disposition_code,
    label_zh,
    group_code,
    group_zh,
    formats,
    sort_order,
    is_disposition,
    comparable_code,
    comparable_zh
from seed_disposition
order by sort_order;

comment on table dim_disposition is 'Row codes of table 三 with labels, groups and forms (办理情况代码)';
comment on column dim_disposition.disposition_code is 'Row code, as in fact_application.disposition_code (代码)';
comment on column dim_disposition.label_zh is 'Label of the row in the 2021 form (标签)';
comment on column dim_disposition.group_code is 'Group: received, granted, partially_granted, denied, unable, rejected, other, total, carried_forward (分组代码; the prefix of the row codes)';
comment on column dim_disposition.group_zh is 'Group in Chinese: 予以公开 / 部分公开 / 不予公开 / 无法提供 / 不予处理 / 其他处理 … (分组)';
comment on column dim_disposition.formats is 'Forms the row exists in: 2019 and/or 2021 (适用报表格式)';
comment on column dim_disposition.sort_order is 'Order of the row in the form (排序)';
comment on column dim_disposition.is_disposition is 'True for the rows whose sum is （七）总计 (计入办理结果总计)';
comment on column dim_disposition.comparable_code is 'Code comparable across both forms: the three 2021 其他处理 rows map to other_processing (可比代码)';
comment on column dim_disposition.comparable_zh is 'Label of the comparable code (可比标签)';
