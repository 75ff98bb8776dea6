-- dim_applicant: the seven applicant columns of table 三.
create or replace table dim_applicant as
select
    applicant_code,
    label_zh,
    is_legal_person,
    sort_order
from seed_applicant
order by sort_order;

comment on table dim_applicant is 'Applicant columns of table 三 (申请人类型)';
comment on column dim_applicant.applicant_code is 'Column code, as in fact_application.applicant_code (代码)';
comment on column dim_applicant.label_zh is 'Column label: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计 (标签)';
comment on column dim_applicant.is_legal_person is 'One of the five columns under 法人或其他组织 (法人或其他组织)';
comment on column dim_applicant.sort_order is 'Order of the column in the form (排序)';
