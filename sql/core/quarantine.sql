-- quarantine: every file whose parse is not 'ok', with a reason a person can act on: not a
-- report, pre-2019 (legacy) form, unreadable, timed out or crashed, or only partly read. Partial
-- reports are here and also in report/fact_* (their readable tables are used).
create or replace table quarantine as
select
    report_id,
    batch,
    path,
    sha256,
    format,
    status,
    reason,
    agency_name,
    year,
    parser_version,
    parsed_at
from stg_quarantine
order by batch, path;

comment on table quarantine is 'Files that need a person: not a report, legacy form, unreadable, timed out, crashed or partly read (隔离区)';
comment on column quarantine.report_id is 'sha256 of the raw file bytes (报告标识)';
comment on column quarantine.batch is 'Batch the file came from (批次)';
comment on column quarantine.path is 'Path of the file relative to data/raw (文件路径)';
comment on column quarantine.sha256 is 'sha256 of the raw file bytes (文件哈希)';
comment on column quarantine.format is 'Detected source format, if any (文件格式)';
comment on column quarantine.status is 'Parse status: partial, not_a_report, legacy_format or failed (解析状态)';
comment on column quarantine.reason is 'What went wrong, in English (原因)';
comment on column quarantine.agency_name is 'Agency name if it could be read (机关名称)';
comment on column quarantine.year is 'Report year if it could be read (报告年度)';
comment on column quarantine.parser_version is 'Version of the parser that looked at the file (解析器版本)';
comment on column quarantine.parsed_at is 'When the file was parsed, UTC (解析时间)';
