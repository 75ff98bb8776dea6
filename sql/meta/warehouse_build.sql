-- warehouse_build: one row saying what this file was built from and when, so an analyst can tell
-- how fresh the warehouse is. Written just before the file is published.
create or replace table warehouse_build as
select
    getvariable('run_id') as run_id,
    getvariable('started_at')::timestamp as started_at,
    getvariable('published_at')::timestamp as published_at,
    getvariable('parser_version') as parser_version,
    getvariable('load_version') as load_version,
    getvariable('batches')::varchar [] as batches,
    getvariable('generations')::varchar [] as generations,
    getvariable('fingerprint') as fingerprint,
    (select count(*) from report) as reports,
    (select count(*) from report where is_current) as current_reports,
    (select count(*) from quarantine) as quarantined,
    version() as duckdb_version;

comment on table warehouse_build is 'How and when this warehouse file was built (构建信息)';
comment on column warehouse_build.run_id is 'Dagster run id of the build (运行标识)';
comment on column warehouse_build.started_at is 'When the build read the per-batch Parquet, UTC (构建开始时间)';
comment on column warehouse_build.published_at is 'When the file was published (发布时间)';
comment on column warehouse_build.parser_version is 'Parser version of the run (解析器版本)';
comment on column warehouse_build.load_version is 'Version of the flattening rules (加载规则版本)';
comment on column warehouse_build.batches is 'Batches included (批次)';
comment on column warehouse_build.generations is 'Parquet generation of each batch, same order (批次数据版本)';
comment on column warehouse_build.fingerprint is 'sha256 of the inputs (generations, versions, SQL, suites, code); a run with the same inputs skips the rebuild (输入指纹)';
comment on column warehouse_build.reports is 'Rows in report (报告版本数)';
comment on column warehouse_build.current_reports is 'Current report versions (当前报告数)';
comment on column warehouse_build.quarantined is 'Rows in quarantine (隔离文件数)';
comment on column warehouse_build.duckdb_version is 'DuckDB version that wrote the file (DuckDB 版本)';
