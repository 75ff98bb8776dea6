-- report: one row per report version, i.e. per distinct file content that parsed as a report
-- (status ok or partial). The same content found in several batches is kept once (first batch,
-- then first path). Per agency and year the current version is the content seen last (first_seen_at
-- is when that content reached the raw folder); ties go to an 'ok' parse, then to the content hash
-- (report_id) — never to a file or batch name. The record carries no publication date yet, so
-- "then the latest publication date" is not applied.
create or replace table report as
with copies as (
    select
        *,
        count(*) over (partition by report_id) as n_copies,
        row_number() over (partition by report_id order by batch, path) as copy_rank
    from stg_report
),

one_copy as (
    select * exclude (copy_rank)
    from copies
    where copy_rank = 1
)

select
    report_id,
    batch,
    path,
    sha256,
    format,
    encoding,
    bytes,
    agency_id,
    agency_name,
    province,
    city,
    county,
    admin_code,
    agency_kind,
    year,
    format_version,
    status,
    problems::json as problems,
    repairs::json as repairs,
    n_repairs,
    narrative_items_published,
    narrative_applications_received,
    parser_version,
    parsed_at,
    first_seen_at,
    n_copies,
    coalesce(
        agency_id is not null
        and year is not null
        and row_number() over (
            partition by agency_id, year
            order by first_seen_at desc, (status = 'ok') desc, report_id desc
        ) = 1,
        false
    ) as is_current
from one_copy
order by agency_id, year, report_id;

comment on table report is 'Report versions: one row per distinct file content parsed as an annual report (年度报告版本); is_current marks the version used by the marts';
comment on column report.report_id is 'Report id: sha256 of the raw file bytes (报告标识)';
comment on column report.batch is 'Batch (sub-folder of data/raw) the file came from (批次)';
comment on column report.path is 'Path of the file relative to data/raw (文件路径)';
comment on column report.sha256 is 'sha256 of the raw file bytes (文件哈希)';
comment on column report.format is 'Source format: txt, md, html, pdf, docx (文件格式)';
comment on column report.encoding is 'Detected text encoding of the source (文本编码)';
comment on column report.bytes is 'Size of the source file in bytes (文件大小)';
comment on column report.agency_id is 'Agency id across name variants: "<admin code>:<canonical name>" (机关标识)';
comment on column report.agency_name is 'Agency name as printed in the report, normalised (机关名称)';
comment on column report.province is 'Province of the agency (省)';
comment on column report.city is 'City (prefecture) of the agency; null above city level (市)';
comment on column report.county is 'County / district of the agency; null above county level (县/区)';
comment on column report.admin_code is 'GB/T 2260 code of the smallest known region (行政区划代码)';
comment on column report.agency_kind is 'Kind of agency: government, government_office, department, township, other (机关类型)';
comment on column report.year is 'Report year: the year the statistics cover (报告年度)';
comment on column report.format_version is 'Form version: 2019 (trial form) or 2021 (revised form) (报表格式)';
comment on column report.status is 'Parse status: ok or partial (解析状态)';
comment on column report.problems is 'Why the parse is not ok, as a JSON list of sentences (问题)';
comment on column report.repairs is 'Every change the parser made to read the values, JSON list of {where, why} (修复记录)';
comment on column report.n_repairs is 'Number of repairs (修复数)';
comment on column report.narrative_items_published is 'Items proactively published, as stated in the prose (正文：主动公开信息条数)';
comment on column report.narrative_applications_received is 'Applications received, as stated in the prose (正文：收到申请件数)';
comment on column report.parser_version is 'Version of the parser that produced the record (解析器版本)';
comment on column report.parsed_at is 'When the file was parsed, UTC (解析时间)';
comment on column report.first_seen_at is 'When the pipeline first saw this file content, UTC (首次发现时间)';
comment on column report.n_copies is 'Number of files across batches with this exact content (相同内容文件数)';
comment on column report.is_current is 'True for the current version of the agency-year report (当前版本)';
