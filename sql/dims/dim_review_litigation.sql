-- dim_review_litigation: groups and outcome columns of table 四.
create or replace table dim_review_litigation as
select
    group_code,
    group_zh,
    outcome_code,
    outcome_zh,
    sort_order
from seed_review_litigation
order by sort_order;

comment on table dim_review_litigation is 'Groups and outcome columns of table 四 (行政复议、行政诉讼类别与结果)';
comment on column dim_review_litigation.group_code is 'Group code, as in fact_review_litigation.group_code (类别代码)';
comment on column dim_review_litigation.group_zh is 'Group label (类别)';
comment on column dim_review_litigation.outcome_code is 'Outcome code, as in fact_review_litigation.outcome_code (结果代码)';
comment on column dim_review_litigation.outcome_zh is 'Outcome label (结果)';
comment on column dim_review_litigation.sort_order is 'Order in the form (排序)';
