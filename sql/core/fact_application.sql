-- fact_application: table 三, long: one row per (report, row code, applicant column incl. total).
-- Only the rows of the report copy kept in `report` (a content found in two batches counts once).
create or replace table fact_application as
select
    f.report_id,
    f.agency_id,
    f.year,
    f.format_version,
    f.disposition_code,
    f.applicant_code,
    f."count",
    f.is_repaired
from stg_fact_application as f
semi join report as r on f.report_id = r.report_id and f.batch = r.batch;

comment on table fact_application is 'Table 三 (applications received and handled), one row per report x row x applicant column (收到和处理政府信息公开申请情况)';
comment on column fact_application.report_id is 'Report id, sha256 of the file (报告标识)';
comment on column fact_application.agency_id is 'Agency id across name variants (机关标识)';
comment on column fact_application.year is 'Report year (报告年度)';
comment on column fact_application.format_version is 'Form version 2019 or 2021 (报表格式)';
comment on column fact_application.disposition_code is 'Row code of table 三, see dim_disposition (办理情况)';
comment on column fact_application.applicant_code is 'Applicant column code, see dim_applicant; total = all applicants (申请人)';
comment on column fact_application."count" is 'Number of applications; null when blank or unreadable in the source (件数)';
comment on column fact_application.is_repaired is 'True when the parser repaired this cell (see report.repairs) (经修复)';
