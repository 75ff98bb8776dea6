"""Per-batch assets: the file inventory and the incremental parse.

Both accept several batches in one run (``BackfillPolicy.single_run``): the nightly run covers
every batch in one process, and unchanged batches cost a directory walk.
"""

import time
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import dagster as dg

from pipeline.defs.ingest.shards import core_ogi__shards, shard_run
from pipeline.defs.partitions import batch_partitions
from pipeline.defs.resources import OgiResource
from pipeline.record import PARSER_VERSION

if TYPE_CHECKING:
    from pipeline.load.batch import BatchResult
    from pipeline.load.sharded import MergeResult

# single-run backfills are the point here (one process for all batches); beta since Dagster 1.5
warnings.filterwarnings("ignore", message=".*backfill_policy.*", category=dg.BetaWarning)


def _md_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "(no batch)"
    cols = list(rows[0])
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    out += ["| " + " | ".join(str(r[c]) for c in cols) + " |" for r in rows]
    return "\n".join(out)


def _tag_run(context: dg.AssetExecutionContext, tags: dict[str, Any]) -> None:
    """Counts as run tags, so the runs list shows what each run did without opening it."""
    context.instance.add_run_tags(context.run_id, {f"ogi/{k}": str(v) for k, v in tags.items()})


def _existing(context: dg.AssetExecutionContext, ogi: OgiResource) -> list[str]:
    layout = ogi.layout
    batches = []
    for batch in context.partition_keys:
        if layout.batch_raw(batch).is_dir():
            batches.append(batch)
        else:
            context.log.warning(
                f"batch {batch!r}: {layout.batch_raw(batch)} is gone; skipped (the warehouse leaves it out)"
            )
    return batches


@dg.asset(
    partitions_def=batch_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="ingest",
    kinds={"parquet"},
)
def raw_ogi__files(context: dg.AssetExecutionContext, ogi: OgiResource) -> dg.MaterializeResult:
    """File inventory of a batch: every file under data/raw/<batch>/ with its sha256, marked new,
    changed or unchanged against the batch's last good generation, and how many distinct contents
    are due for parsing (not in the parse cache for the current parser version)."""
    from pipeline.defs.ingest.recovery import mark_process, recover
    from pipeline.load import inventory

    layout, version = ogi.layout, ogi.parse_settings().parser_version
    mark_process(context)
    released = recover(context.instance, layout, context.run_id, log=context.log.warning)
    from pipeline.load.layout import outside_batches

    stray = outside_batches(layout.raw_dir)
    if stray:
        context.log.warning(
            f"{len(stray)} entries of {layout.raw_dir} are in no batch folder and are not ingested "
            f"(a batch is a sub-folder not starting with . or _): {', '.join(stray[:20])}"
        )
    rows, t0 = [], time.perf_counter()
    for batch in _existing(context, ogi):
        inv = inventory.scan(layout, batch, version)
        inventory.save(layout, inv)
        rows.append(
            {
                "batch": batch,
                "files": inv.files,
                **inv.counts,
                "removed": inv.removed,
                "hashed": inv.hashed,
                "due": inv.due,
                "seconds": round(inv.seconds, 2),
            }
        )
        context.log.info(f"{batch}: {inv.files} files, {inv.counts}, {inv.removed} removed, {inv.due} due")
    totals = {
        k: sum(r.get(k, 0) for r in rows)
        for k in ("files", "new", "changed", "unchanged", "refused", "removed", "hashed", "due")
    }
    _tag_run(
        context,
        {
            "files_new": totals["new"],
            "files_changed": totals["changed"],
            "files_unchanged": totals["unchanged"],
        },
    )
    return dg.MaterializeResult(
        metadata={
            **{k: dg.MetadataValue.int(v) for k, v in totals.items()},
            "batches": dg.MetadataValue.md(_md_table(rows)),
            "seconds": dg.MetadataValue.float(round(time.perf_counter() - t0, 3)),
            "outside_batches": dg.MetadataValue.int(len(stray)),
            "released_dead_runs": dg.MetadataValue.int(len(released.runs)),
            "stray_build_files_deleted": dg.MetadataValue.int(len(released.files)),
        }
    )


def _results(
    context: dg.AssetExecutionContext, ogi: OgiResource, store: Any
) -> Iterator[tuple["BatchResult", "MergeResult | None"]]:
    """Each batch's result: merged from the shards' outcomes when there are shards, else parsed
    here by one pool of workers for all batches, the next batch queued while one is written."""
    from pipeline.load.batches import update_batches
    from pipeline.load.sharded import merge_batch

    layout, settings = ogi.layout, ogi.parse_settings()
    batches = _existing(context, ogi)
    if store is None:
        for res in update_batches(layout, batches, settings, log=context.log.info):
            yield res, None
        return
    for batch in batches:
        merged = merge_batch(layout, batch, settings, store, shard_run(context), log=context.log.info)
        yield merged.result, merged


@dg.asset(
    deps=[raw_ogi__files, core_ogi__shards],
    partitions_def=batch_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="ingest",
    kinds={"python", "parquet"},
    code_version=PARSER_VERSION,
)
def core_ogi__reports(context: dg.AssetExecutionContext, ogi: OgiResource) -> dg.MaterializeResult:
    """Parsed records of a batch, flattened to per-batch Parquet (report, quarantine, fact_*).
    Only file contents new to the parse cache are parsed, over a process pool with a time limit per
    file; a timed-out or crashed file is quarantined with the reason. The batch's previous
    Parquet is replaced atomically, or left as it is when nothing changed. With shards
    (``shard_files`` > 0) the outcomes come from ``core_ogi__shards`` instead of a local pool."""
    settings = ogi.parse_settings()
    store = ogi.shard_store() if ogi.shard_size() > 0 else None
    context.log.info(
        f"parser {settings.parser_version}, {settings.n_workers()} workers, {settings.timeout_s:g} s per file"
        + (f", outcomes of shards from {store.url}" if store else "")
    )
    rows, stage = [], {"load_previous": 0.0, "parse": 0.0, "flatten_write": 0.0}
    from_shards = parsed_here = 0
    for res, merged in _results(context, ogi, store):
        if merged is not None:
            from_shards += merged.from_shards
            parsed_here += merged.parsed_here
        batch = res.batch
        for k in stage:
            stage[k] += res.seconds.get(k, 0.0)
        rows.append(
            {
                "batch": batch,
                "files": res.files,
                "parsed": res.parsed,
                "reused": res.reused,
                "reflattened": res.reflattened,
                "reports": res.reports,
                "quarantined": res.quarantined,
                "new_in_quarantine": res.newly_quarantined,
                "timeouts": res.timeouts,
                "crashes": res.crashes,
                "refused": res.refused,
                "written": res.written,
                "statuses": res.statuses,
                "seconds": round(res.seconds.get("total", 0.0), 2),
            }
        )
        context.log.info(
            f"{batch}: parsed {res.parsed}, reused {res.reused}, quarantined {res.quarantined}, "
            f"{'new generation ' + str(res.generation) if res.written else 'unchanged'}"
        )
    keys = (
        "files",
        "parsed",
        "reused",
        "reflattened",
        "reports",
        "quarantined",
        "new_in_quarantine",
        "timeouts",
        "crashes",
        "refused",
    )
    totals = {k: sum(r[k] for r in rows) for k in keys}
    _tag_run(
        context,
        {
            "parsed": totals["parsed"],
            "quarantined": totals["quarantined"],
            "seconds_parse": round(stage["parse"], 1),
        },
    )
    return dg.MaterializeResult(
        metadata={
            **{k: dg.MetadataValue.int(v) for k, v in totals.items()},
            **{f"seconds_{k}": dg.MetadataValue.float(round(v, 3)) for k, v in stage.items()},
            "batches_written": dg.MetadataValue.int(sum(1 for r in rows if r["written"])),
            "batches": dg.MetadataValue.md(_md_table(rows)),
            "parser_version": dg.MetadataValue.text(settings.parser_version),
            "from_shards": dg.MetadataValue.int(from_shards),
            "parsed_here": dg.MetadataValue.int(parsed_here),
        }
    )
