-- stg_report: every batch's current report rows as the parse step wrote them (Parquet, one file per
-- batch generation). A temporary view: it lives only while the build runs, so the published file
-- never points at Parquet paths.
create or replace temp view stg_report as
select *
from read_parquet(getvariable('report_files'), union_by_name = true);
