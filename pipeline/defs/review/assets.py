"""``out_review__site``: the static site under data/warehouse/site/ (a report card per agency-year,
an index, the offline quality report), rebuilt from the published warehouse after each publish.
As the last asset of the run it also carries the night's summary: what changed, what was
quarantined and why, and the new findings."""

import time
from datetime import UTC, datetime
from typing import Any

import dagster as dg

from pipeline.defs.resources import OgiResource

SITE = "site"
_SUMMARY_ASSETS = ("raw_ogi__files", "core_ogi__reports", "out_quality__findings")


def _run_metadata(context: dg.AssetExecutionContext) -> dict[str, dict[str, Any]]:
    """This run's materialization metadata of the assets the summary quotes."""
    out: dict[str, dict[str, Any]] = {}
    records = context.instance.get_records_for_run(
        context.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION, limit=1000
    ).records
    for rec in records:
        mat = rec.event_log_entry.asset_materialization
        if mat is not None and mat.asset_key.to_user_string() in _SUMMARY_ASSETS:
            out.setdefault(mat.asset_key.to_user_string(), {}).update(
                {k: v.value for k, v in mat.metadata.items()}
            )
    return out


def _run_start(context: dg.AssetExecutionContext) -> datetime | None:
    """When this run started, UTC without zone (as quarantine.parsed_at is stored)."""
    stats = context.instance.get_run_stats(context.run_id)
    if not stats.start_time:
        return None
    return datetime.fromtimestamp(stats.start_time, UTC).replace(tzinfo=None)


@dg.asset(deps=[dg.AssetKey("out_ogi__warehouse")], group_name="quality", kinds={"html"})
def out_review__site(context: dg.AssetExecutionContext, ogi: OgiResource) -> dg.MaterializeResult:
    """data/warehouse/site/: index.html (every agency-year), cards/<agency>_<year>.html (the three
    tables as the form prints them, rates against same-province same-kind peers, trend chart) and
    quality.html (every finding with its cells, both sides, file and line), from ogi.duckdb."""
    import duckdb

    from pipeline.review.cards import write_site
    from pipeline.review.summary import run_summary

    t0 = time.perf_counter()
    layout = ogi.layout
    site = layout.warehouse_dir / SITE
    meta = _run_metadata(context)
    new_findings = meta.get("out_quality__findings", {}).get("new_findings", "(not computed in this run)")
    with duckdb.connect(str(layout.published), read_only=True) as con:
        counts = write_site(con, site, str(layout.published), layout.published)
        summary = run_summary(con, meta, new_findings, layout, _run_start(context))
    return dg.MaterializeResult(
        metadata={
            "summary": dg.MetadataValue.md(summary),
            "cards": dg.MetadataValue.int(counts["cards"]),
            "cards_rendered": dg.MetadataValue.int(counts["rendered"]),
            "findings": dg.MetadataValue.int(counts["findings"]),
            "site": dg.MetadataValue.path(str(site / "index.html")),
            "quality_report": dg.MetadataValue.path(str(site / "quality.html")),
            "seconds": dg.MetadataValue.float(round(time.perf_counter() - t0, 3)),
        }
    )
