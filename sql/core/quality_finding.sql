-- quality_finding: one row per failing (report, rule, column). Created empty here so the marts
-- never fail; the quality step (out_quality__findings) deletes and inserts its rows.
create table if not exists quality_finding (
    report_id varchar,
    agency_id varchar,
    agency_name varchar,
    year integer,
    rule_id varchar,
    severity varchar,
    kind varchar,
    cells varchar,
    column_code varchar,
    expected double,
    observed double,
    message varchar
);

comment on table quality_finding is 'Accounting-identity findings: one row per failing report x rule x column (质量问题)';
comment on column quality_finding.report_id is 'Report id, sha256 of the file (报告标识)';
comment on column quality_finding.agency_id is 'Agency id across name variants (机关标识)';
comment on column quality_finding.agency_name is 'Agency name as printed (机关名称)';
comment on column quality_finding.year is 'Report year (报告年度)';
comment on column quality_finding.rule_id is 'Rule id from the expectation suite (规则)';
comment on column quality_finding.severity is 'error (pipeline broken) or warn (source inconsistency) (严重程度)';
comment on column quality_finding.kind is 'source: the report as published is inconsistent; parse_suspect: a repaired cell is involved; pipeline (类型)';
comment on column quality_finding.cells is 'Comma-separated dotted paths of the cells involved (涉及单元格)';
comment on column quality_finding.column_code is 'Applicant or outcome column the rule was checked on, if any (列)';
comment on column quality_finding.expected is 'Value the identity expects (期望值)';
comment on column quality_finding.observed is 'Value found in the report (实际值)';
comment on column quality_finding.message is 'One-line explanation in English (说明)';
