-- stg_quarantine: every batch's current quarantine rows as the parse step wrote them (Parquet, one file per
-- batch generation). A temporary view: it lives only while the build runs, so the published file
-- never points at Parquet paths.
create or replace temp view stg_quarantine as
select *
from read_parquet(getvariable('quarantine_files'), union_by_name = true);
