-- mart_quality: one row per agency and year (the current report version): how many findings of
-- each severity and kind it has and which rules failed. Clean reports are in it too (0 findings).
create or replace table mart_quality as
with f as (
    select
        report_id,
        count(*) as n_findings,
        count(*) filter (where severity = 'error') as n_error,
        count(*) filter (where severity = 'warn') as n_warn,
        count(*) filter (where kind = 'source') as n_source,
        count(*) filter (where kind = 'parse_suspect') as n_parse_suspect,
        count(*) filter (where kind = 'pipeline') as n_pipeline,
        list(distinct rule_id order by rule_id) as rules
    from quality_finding
    group by report_id
)

select
    r.agency_id,
    r.agency_name,
    r.province,
    r.city,
    r.county,
    r.agency_kind,
    r.year,
    r.report_id,
    r.format_version,
    r.status,
    coalesce(f.n_findings, 0) as n_findings,
    coalesce(f.n_error, 0) as n_error,
    coalesce(f.n_warn, 0) as n_warn,
    coalesce(f.n_source, 0) as n_source,
    coalesce(f.n_parse_suspect, 0) as n_parse_suspect,
    coalesce(f.n_pipeline, 0) as n_pipeline,
    coalesce(f.rules, []::varchar []) as rules,
    coalesce(f.n_error, 0) = 0 as passes_hard_rules
from report as r
left join f on r.report_id = f.report_id
where r.is_current
order by r.agency_id, r.year;

comment on table mart_quality is 'Data quality per agency and year (current report version): findings by severity and kind, rules failed (机关年度数据质量)';
comment on column mart_quality.agency_id is 'Agency id across name variants (机关标识)';
comment on column mart_quality.agency_name is 'Agency name as printed (机关名称)';
comment on column mart_quality.province is 'Province (省)';
comment on column mart_quality.city is 'City (市)';
comment on column mart_quality.county is 'County / district (县/区)';
comment on column mart_quality.agency_kind is 'Kind of agency (机关类型)';
comment on column mart_quality.year is 'Report year (报告年度)';
comment on column mart_quality.report_id is 'The current report version, sha256 of the file (报告标识)';
comment on column mart_quality.format_version is 'Form version 2019 or 2021 (报表格式)';
comment on column mart_quality.status is 'Parse status ok or partial (解析状态)';
comment on column mart_quality.n_findings is 'Findings of the report, all rules (质量问题数)';
comment on column mart_quality.n_error is 'Findings of severity error: a hard identity or a structural check broken (错误数)';
comment on column mart_quality.n_warn is 'Findings of severity warn: an implausible value or cross-year link (警告数)';
comment on column mart_quality.n_source is 'Findings about the report as published (来源问题数)';
comment on column mart_quality.n_parse_suspect is 'Findings involving a cell the parser repaired (疑似解析问题数)';
comment on column mart_quality.n_pipeline is 'Findings of structural pipeline checks (流程问题数)';
comment on column mart_quality.rules is 'Rule ids with findings, see quality_rule (问题规则)';
comment on column mart_quality.passes_hard_rules is 'True when no rule of severity error fails (通过硬性规则)';
