-- stg_fact_proactive: every batch's current fact_proactive rows as the parse step wrote them (Parquet, one file per
-- batch generation). A temporary view: it lives only while the build runs, so the published file
-- never points at Parquet paths.
create or replace temp view stg_fact_proactive as
select *
from read_parquet(getvariable('fact_proactive_files'), union_by_name = true);
