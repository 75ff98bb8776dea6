-- mart_agency_year: one row per agency and report year (current report version only): volumes,
-- rates, table 二 figures and quality flags. Rates divide by （七）总计 (total_processed) and are
-- null when it is 0 or missing; correction rates divide by the cases decided (total - pending).
create or replace table mart_agency_year as
with current_report as (
    select *
    from report
    where is_current
),

applications as (
    select
        f.report_id,
        max(f."count") filter (where f.disposition_code = 'new_received') as new_received,
        max(f."count") filter (where f.disposition_code = 'carried_over') as carried_over,
        max(f."count") filter (where f.disposition_code = 'total_processed') as total_processed,
        max(f."count") filter (where f.disposition_code = 'carried_forward') as carried_forward,
        max(f."count") filter (where f.disposition_code = 'granted') as granted,
        max(f."count") filter (where f.disposition_code = 'partially_granted') as partially_granted,
        sum(f."count") filter (where d.group_code = 'denied')::bigint as denied,
        sum(f."count") filter (where d.group_code = 'unable')::bigint as unable,
        max(f."count") filter (where f.disposition_code = 'unable_not_held') as unable_not_held,
        sum(f."count") filter (where d.group_code = 'rejected')::bigint as not_processed,
        sum(f."count") filter (where d.group_code = 'other')::bigint as other_processing,
        count(*) filter (where f.is_repaired) as n_repaired_cells
    from fact_application as f
    inner join dim_disposition as d on f.disposition_code = d.disposition_code
    where f.applicant_code = 'total'
    group by f.report_id
),

review_litigation as (
    select
        report_id,
        max("count") filter (where group_code = 'review' and outcome_code = 'total') as review_total,
        max("count") filter (where group_code = 'review' and outcome_code = 'corrected') as review_corrected,
        max("count") filter (where group_code = 'review' and outcome_code = 'pending') as review_pending,
        sum("count") filter (where group_code like 'litigation%' and outcome_code = 'total')::bigint as litigation_total,
        sum("count") filter (
            where group_code like 'litigation%' and outcome_code = 'corrected'
        )::bigint as litigation_corrected,
        sum("count") filter (where group_code like 'litigation%' and outcome_code = 'pending')::bigint as litigation_pending
    from fact_review_litigation
    group by report_id
),

proactive as (
    select
        report_id,
        max(value) filter (where item_code = 'regulation' and measure_code = 'in_force') as regulations_in_force,
        max(value) filter (
            where item_code = 'normative_document' and measure_code = 'issued'
        ) as normative_documents_issued,
        max(value) filter (
            where item_code = 'normative_document' and measure_code = 'in_force'
        ) as normative_documents_in_force,
        max(value) filter (
            where item_code = 'administrative_license' and measure_code = 'decisions'
        ) as license_decisions,
        max(value) filter (
            where item_code = 'administrative_penalty' and measure_code = 'decisions'
        ) as penalty_decisions,
        max(value) filter (
            where item_code = 'administrative_enforcement' and measure_code = 'decisions'
        ) as enforcement_decisions,
        max(value) filter (
            where item_code = 'administrative_fee' and measure_code = 'amount_10k_yuan'
        ) as fee_amount_10k_yuan
    from fact_proactive
    group by report_id
),

findings as (
    select
        report_id,
        count(*) filter (where severity = 'error') as n_findings_error,
        count(*) filter (where severity = 'warn') as n_findings_warn,
        count(*) filter (where kind = 'parse_suspect') as n_findings_parse_suspect,
        list(distinct rule_id order by rule_id) as finding_rules
    from quality_finding
    group by report_id
)

select
    c.agency_id,
    c.agency_name,
    c.province,
    c.city,
    c.county,
    c.admin_code,
    c.agency_kind,
    c.year,
    c.format_version,
    c.report_id,
    c.status,
    a.new_received,
    a.carried_over,
    a.total_processed,
    a.carried_forward,
    a.granted,
    a.partially_granted,
    a.denied,
    a.unable,
    a.unable_not_held,
    a.not_processed,
    a.other_processing,
    a.granted / nullif(a.total_processed, 0) as granted_rate,
    (a.granted + a.partially_granted) / nullif(a.total_processed, 0) as granted_or_partly_rate,
    a.denied / nullif(a.total_processed, 0) as refused_rate,
    a.unable_not_held / nullif(a.total_processed, 0) as not_held_rate,
    a.not_processed / nullif(a.total_processed, 0) as not_processed_rate,
    rl.review_total,
    rl.review_corrected,
    rl.review_corrected / nullif(rl.review_total - coalesce(rl.review_pending, 0), 0) as review_correction_rate,
    rl.litigation_total,
    rl.litigation_corrected,
    rl.litigation_corrected
    / nullif(rl.litigation_total - coalesce(rl.litigation_pending, 0), 0) as litigation_correction_rate,
    p.regulations_in_force,
    p.normative_documents_issued,
    p.normative_documents_in_force,
    p.license_decisions,
    p.penalty_decisions,
    p.enforcement_decisions,
    p.fee_amount_10k_yuan,
    c.narrative_items_published,
    c.narrative_applications_received,
    c.n_repairs,
    coalesce(a.n_repaired_cells, 0) as n_repaired_cells,
    coalesce(q.n_findings_error, 0) as n_findings_error,
    coalesce(q.n_findings_warn, 0) as n_findings_warn,
    coalesce(q.n_findings_parse_suspect, 0) as n_findings_parse_suspect,
    coalesce(q.finding_rules, []) as finding_rules,
    coalesce(q.n_findings_error, 0) = 0 and coalesce(q.n_findings_warn, 0) = 0 as is_consistent
from current_report as c
left join applications as a on c.report_id = a.report_id
left join review_litigation as rl on c.report_id = rl.report_id
left join proactive as p on c.report_id = p.report_id
left join findings as q on c.report_id = q.report_id
order by c.province, c.city, c.agency_id, c.year;

comment on table mart_agency_year is 'One row per agency and year: volumes, rates, table 二 figures, quality flags (机关年度指标)';
comment on column mart_agency_year.agency_id is 'Agency id across name variants (机关标识)';
comment on column mart_agency_year.agency_name is 'Agency name as printed that year (机关名称)';
comment on column mart_agency_year.province is 'Province (省)';
comment on column mart_agency_year.city is 'City; null above city level (市)';
comment on column mart_agency_year.county is 'County / district; null above county level (县/区)';
comment on column mart_agency_year.admin_code is 'GB/T 2260 region code (行政区划代码)';
comment on column mart_agency_year.agency_kind is 'government, government_office, department, township, other (机关类型)';
comment on column mart_agency_year.year is 'Report year (报告年度)';
comment on column mart_agency_year.format_version is 'Form version 2019 or 2021 (报表格式)';
comment on column mart_agency_year.report_id is 'The current report version used (报告标识)';
comment on column mart_agency_year.status is 'Parse status of that report: ok or partial (解析状态)';
comment on column mart_agency_year.new_received is 'New applications received this year, total column (本年新收申请数量)';
comment on column mart_agency_year.carried_over is 'Applications carried over from last year (上年结转申请数量)';
comment on column mart_agency_year.total_processed is 'Applications handled: row （七）总计 (办理结果总计)';
comment on column mart_agency_year.carried_forward is 'Applications carried forward to next year (结转下年度继续办理)';
comment on column mart_agency_year.granted is 'Granted in full (予以公开)';
comment on column mart_agency_year.partially_granted is 'Partially granted (部分公开)';
comment on column mart_agency_year.denied is 'Refused, all eight grounds (不予公开)';
comment on column mart_agency_year.unable is 'Unable to provide, all three grounds (无法提供)';
comment on column mart_agency_year.unable_not_held is 'Unable: the agency does not hold the information (本机关不掌握相关政府信息)';
comment on column mart_agency_year.not_processed is 'Not processed, all five grounds (不予处理)';
comment on column mart_agency_year.other_processing is 'Other handling, all sub-rows (其他处理)';
comment on column mart_agency_year.granted_rate is 'granted / total_processed (公开率)';
comment on column mart_agency_year.granted_or_partly_rate is '(granted + partially_granted) / total_processed (公开及部分公开率)';
comment on column mart_agency_year.refused_rate is 'denied / total_processed (不予公开率)';
comment on column mart_agency_year.not_held_rate is 'unable_not_held / total_processed (信息不存在率)';
comment on column mart_agency_year.not_processed_rate is 'not_processed / total_processed (不予处理率)';
comment on column mart_agency_year.review_total is 'Administrative reviews, total (行政复议总计)';
comment on column mart_agency_year.review_corrected is 'Reviews whose outcome corrected the agency (行政复议结果纠正)';
comment on column mart_agency_year.review_correction_rate is 'review_corrected / (review_total - pending) (行政复议纠错率)';
comment on column mart_agency_year.litigation_total is 'Administrative lawsuits, direct and after review (行政诉讼总计)';
comment on column mart_agency_year.litigation_corrected is 'Lawsuits whose outcome corrected the agency (行政诉讼结果纠正)';
comment on column mart_agency_year.litigation_correction_rate is 'litigation_corrected / (litigation_total - pending) (行政诉讼纠错率)';
comment on column mart_agency_year.regulations_in_force is 'Regulations in force, 2021 form (规章现行有效件数)';
comment on column mart_agency_year.normative_documents_issued is 'Normative documents issued this year, 2021 form (行政规范性文件本年制发件数)';
comment on column mart_agency_year.normative_documents_in_force is 'Normative documents in force, 2021 form (行政规范性文件现行有效件数)';
comment on column mart_agency_year.license_decisions is 'Administrative licence decisions (行政许可处理决定数量)';
comment on column mart_agency_year.penalty_decisions is 'Administrative penalty decisions (行政处罚处理决定数量)';
comment on column mart_agency_year.enforcement_decisions is 'Administrative enforcement decisions (行政强制处理决定数量)';
comment on column mart_agency_year.fee_amount_10k_yuan is 'Administrative fees collected, 10k yuan, 2021 form (行政事业性收费金额（万元）)';
comment on column mart_agency_year.narrative_items_published is 'Items proactively published, from the prose (正文：主动公开信息条数)';
comment on column mart_agency_year.narrative_applications_received is 'Applications received, from the prose (正文：收到申请件数)';
comment on column mart_agency_year.n_repairs is 'Repairs the parser made in this report (修复数)';
comment on column mart_agency_year.n_repaired_cells is 'Repaired cells in the total column of table 三 (总计列修复单元格数)';
comment on column mart_agency_year.n_findings_error is 'Quality findings of severity error (错误级质量问题数)';
comment on column mart_agency_year.n_findings_warn is 'Quality findings of severity warn (警告级质量问题数)';
comment on column mart_agency_year.n_findings_parse_suspect is 'Findings that involve a repaired cell (疑似解析问题数)';
comment on column mart_agency_year.finding_rules is 'Rule ids with findings for this report (问题规则)';
comment on column mart_agency_year.is_consistent is 'True when the report has no quality finding (数据自洽)';
