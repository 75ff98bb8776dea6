-- mart_quality_rule: one row per rule and report year: how many current reports it was checked
-- on (reports of that year) and how many break it, with the share.
create or replace table mart_quality_rule as
with reports as (
    select year, count(*) as n_reports
    from report
    where is_current
    group by year
),

f as (
    select
        q.rule_id,
        r.year,
        count(distinct q.report_id) as n_reports_failing,
        count(*) as n_findings,
        count(*) filter (where q.kind = 'source') as n_source,
        count(*) filter (where q.kind = 'parse_suspect') as n_parse_suspect,
        count(*) filter (where q.kind = 'pipeline') as n_pipeline
    from quality_finding as q
    inner join report as r on q.report_id = r.report_id
    where r.is_current
    group by q.rule_id, r.year
)

select
    qr.rule_id,
    qr.severity,
    qr.blocking,
    y.year,
    y.n_reports,
    coalesce(f.n_reports_failing, 0) as n_reports_failing,
    coalesce(f.n_reports_failing, 0) / y.n_reports as share_failing,
    coalesce(f.n_findings, 0) as n_findings,
    coalesce(f.n_source, 0) as n_source,
    coalesce(f.n_parse_suspect, 0) as n_parse_suspect,
    coalesce(f.n_pipeline, 0) as n_pipeline,
    qr.description
from quality_rule as qr
cross join reports as y
left join f on qr.rule_id = f.rule_id and y.year = f.year
order by y.year, qr.rule_id;

comment on table mart_quality_rule is 'Data quality per rule and report year: reports checked, failing, share (规则年度数据质量)';
comment on column mart_quality_rule.rule_id is 'Rule id, see quality_rule (规则)';
comment on column mart_quality_rule.severity is 'error or warn (严重程度)';
comment on column mart_quality_rule.blocking is 'True for structural checks that block the marts (阻断)';
comment on column mart_quality_rule.year is 'Report year (报告年度)';
comment on column mart_quality_rule.n_reports is 'Current reports of the year (报告数)';
comment on column mart_quality_rule.n_reports_failing is 'Current reports of the year with at least one finding of the rule (不通过报告数)';
comment on column mart_quality_rule.share_failing is 'n_reports_failing / n_reports (不通过比例)';
comment on column mart_quality_rule.n_findings is 'Findings of the rule in the year (质量问题数)';
comment on column mart_quality_rule.n_source is 'Of which about the report as published (来源问题数)';
comment on column mart_quality_rule.n_parse_suspect is 'Of which involving a repaired cell (疑似解析问题数)';
comment on column mart_quality_rule.n_pipeline is 'Of which structural (流程问题数)';
comment on column mart_quality_rule.description is 'What the rule says (说明)';
