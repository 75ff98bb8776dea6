-- quality_rule: the rules of the expectation suites (expectations/*.json), one row each, so an
-- analyst reading quality_finding can see what a rule_id means. Read from the registered frame
-- `_quality_rules` that the quality step builds from the suites.
create or replace table quality_rule as
select
    rule_id::varchar as rule_id,
    severity::varchar as severity,
    blocking::boolean as blocking,
    description::varchar as description,
    rule_zh::varchar as rule_zh,
    suites::varchar as suites
from _quality_rules
order by blocking, severity, rule_id;

comment on table quality_rule is 'Quality rules: the accounting identities and structural checks behind quality_finding (质量规则)';
comment on column quality_rule.rule_id is 'Rule id, as in quality_finding.rule_id and the Dagster check name (规则)';
comment on column quality_rule.severity is 'error: the report (or the pipeline) is certainly wrong; warn: implausible (严重程度)';
comment on column quality_rule.blocking is 'True for structural pipeline checks that stop the marts when they fail (阻断)';
comment on column quality_rule.description is 'What the rule says, in English (说明)';
comment on column quality_rule.rule_zh is 'What the rule says, in Chinese (规则表述)';
comment on column quality_rule.suites is 'Expectation suites (expectations/*.json) that state the rule, comma-separated (期望套件)';
