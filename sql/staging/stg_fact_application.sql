-- stg_fact_application: every batch's current fact_application rows as the parse step wrote them (Parquet, one file per
-- batch generation). A temporary view: it lives only while the build runs, so the published file
-- never points at Parquet paths.
create or replace temp view stg_fact_application as
select *
from read_parquet(getvariable('fact_application_files'), union_by_name = true);
