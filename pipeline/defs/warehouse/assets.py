"""The warehouse stages: one working DuckDB file per run, built from sql/ and published by rename.

Every stage writes DuckDB, so every stage is in the ``duckdb_write`` pool. The quality step
(``out_quality__findings``, pipeline/defs/quality/) slots in between the facts and the marts; the
marts read ``quality_finding`` whether or not it ran (the core stage creates it empty).
"""

import time
from collections.abc import Iterator

import dagster as dg

from pipeline.defs.ingest.assets import core_ogi__reports
from pipeline.defs.ingest.recovery import mark_process
from pipeline.defs.resources import DUCKDB_POOL, OgiResource

QUALITY_FINDINGS = dg.AssetKey("out_quality__findings")
WAREHOUSE_JOB = "ogi_warehouse_job"


def _counts(counts: dict[str, int]) -> dict[str, dg.MetadataValue]:
    return {f"rows_{t}": dg.MetadataValue.int(n) for t, n in counts.items()}


def _preview(ogi: OgiResource, context: dg.AssetExecutionContext, sql: str) -> dg.MetadataValue:
    from pipeline.load.warehouse import connect, preview

    with connect(ogi.layout.working(context.run_id)) as con:
        return dg.MetadataValue.md(preview(con, sql))


@dg.asset(
    deps=[core_ogi__reports],
    group_name="warehouse",
    kinds={"duckdb"},
    pool=DUCKDB_POOL,
    output_required=False,
)
def core_ogi__facts(context: dg.AssetExecutionContext, ogi: OgiResource) -> Iterator[dg.MaterializeResult]:
    """report, quarantine, fact_application, fact_proactive, fact_review_litigation (and an empty
    quality_finding) in a fresh working DuckDB file, from every batch's current Parquet. A file
    content found in several batches counts once; the current version per agency-year is marked.
    When the inputs (batch generations, versions, SQL, suites, code) are those of the published
    warehouse, nothing is built and the warehouse stages downstream are skipped: a night with
    nothing new leaves ogi.duckdb as it is, byte for byte. ogi_warehouse_job always rebuilds."""
    mark_process(context)  # this step holds the writer slot: say which process it is
    from pipeline.load.warehouse import build_core, fingerprint, published_build, snapshot

    t0 = time.perf_counter()
    layout, version = ogi.layout, ogi.parse_settings().parser_version
    snap = snapshot(layout)
    fp = fingerprint(snap, version)
    forced = ogi.rebuild or context.job_name == WAREHOUSE_JOB
    if not forced and published_build(layout.published).get("fingerprint") == fp:
        context.log.info(f"{layout.published} is up to date (inputs {fp[:12]}): nothing to rebuild")
        context.log_event(
            dg.AssetObservation(
                asset_key=context.asset_key,
                metadata={
                    "up_to_date": dg.MetadataValue.bool(True),
                    "fingerprint": dg.MetadataValue.text(fp),
                    "path": dg.MetadataValue.path(str(layout.published)),
                },
            )
        )
        return
    snap, counts = build_core(layout, context.run_id, version, snap, fp)
    context.log.info(f"working file {layout.working(context.run_id)}: {counts}")
    yield dg.MaterializeResult(
        metadata={
            **_counts(counts),
            "dagster/row_count": dg.MetadataValue.int(counts["fact_application"]),
            "batches": dg.MetadataValue.int(len(snap.batches)),
            "fingerprint": dg.MetadataValue.text(fp),
            "seconds": dg.MetadataValue.float(round(time.perf_counter() - t0, 3)),
            "report_preview": _preview(
                ogi,
                context,
                "select batch, path, agency_name, year, status, n_repairs from report order by batch, path",
            ),
            "quarantine_preview": _preview(
                ogi, context, "select batch, path, status, reason from quarantine"
            ),
        }
    )


@dg.asset(deps=[core_ogi__facts], group_name="warehouse", kinds={"duckdb"}, pool=DUCKDB_POOL)
def out_ogi__dims(context: dg.AssetExecutionContext, ogi: OgiResource) -> dg.MaterializeResult:
    """dim_agency (one agency across name variants), dim_disposition (row codes, labels, groups,
    forms), dim_applicant, dim_proactive_measure, dim_review_litigation."""
    mark_process(context)  # this step holds the writer slot: say which process it is
    from pipeline.load.warehouse import build_dims

    t0 = time.perf_counter()
    counts = build_dims(ogi.layout, context.run_id)
    return dg.MaterializeResult(
        metadata={
            **_counts(counts),
            "seconds": dg.MetadataValue.float(round(time.perf_counter() - t0, 3)),
            "dim_agency_preview": _preview(
                ogi, context, "select agency_id, name, name_variants, kind from dim_agency"
            ),
        }
    )


@dg.asset(
    deps=[core_ogi__facts, out_ogi__dims, QUALITY_FINDINGS],
    group_name="warehouse",
    kinds={"duckdb"},
    pool=DUCKDB_POOL,
)
def out_ogi__marts(context: dg.AssetExecutionContext, ogi: OgiResource) -> dg.MaterializeResult:
    """mart_agency_year (volumes, rates, table 二, quality flags), mart_cross_agency (ranks and
    percentiles within province / city / kind / year, peer medians), mart_yoy (changes between
    consecutive years, carry-over link), mart_disposition_mix (long, comparable across forms),
    mart_disposition_group (the same by outcome group) and mart_repair_reason (the parser's repairs counted per report and reason)."""
    mark_process(context)  # this step holds the writer slot: say which process it is
    from pipeline.load.warehouse import build_marts

    t0 = time.perf_counter()
    counts = build_marts(ogi.layout, context.run_id)
    return dg.MaterializeResult(
        metadata={
            **_counts(counts),
            "dagster/row_count": dg.MetadataValue.int(counts["mart_agency_year"]),
            "seconds": dg.MetadataValue.float(round(time.perf_counter() - t0, 3)),
            "mart_agency_year_preview": _preview(
                ogi,
                context,
                "select agency_name, year, new_received, total_processed, round(granted_rate, 3) as granted_rate, "
                "round(refused_rate, 3) as refused_rate, n_findings_warn from mart_agency_year",
            ),
        }
    )


@dg.asset(deps=[out_ogi__marts, QUALITY_FINDINGS], group_name="warehouse", kinds={"duckdb"}, pool=DUCKDB_POOL)
def out_ogi__warehouse(context: dg.AssetExecutionContext, ogi: OgiResource) -> dg.MaterializeResult:
    """The published warehouse, data/warehouse/ogi.duckdb: this run's working file, checked (opens
    in the DuckDB 1.x CLI, every table and column commented) and renamed over the previous one.
    Analysts read the previous file until the rename; a failed run never replaces it."""
    mark_process(context)  # this step holds the writer slot: say which process it is
    from pipeline.load.warehouse import publish

    t0 = time.perf_counter()
    res = publish(ogi.layout, context.run_id)
    if res.missing_comments:
        context.log.warning(f"tables/columns without a COMMENT: {res.missing_comments}")
    if not res.published:
        context.log.warning(f"not published: {res.reason}")
    build = res.build
    context.instance.add_run_tags(
        context.run_id,
        {"ogi/reports": str(build.get("reports")), "ogi/published": str(res.published).lower()},
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(res.path)),
            "published": dg.MetadataValue.bool(res.published),
            "reason": dg.MetadataValue.text(res.reason or "published"),
            "bytes": dg.MetadataValue.int(res.bytes),
            "opens_in_duckdb_cli": dg.MetadataValue.text(res.cli_version or "CLI not installed"),
            "missing_comments": dg.MetadataValue.int(len(res.missing_comments)),
            "reports": dg.MetadataValue.int(int(build.get("reports") or 0)),
            "current_reports": dg.MetadataValue.int(int(build.get("current_reports") or 0)),
            "quarantined": dg.MetadataValue.int(int(build.get("quarantined") or 0)),
            "batches": dg.MetadataValue.int(len(build.get("batches") or [])),
            "seconds": dg.MetadataValue.float(round(time.perf_counter() - t0, 3)),
        }
    )
