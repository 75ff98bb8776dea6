"""``core_ogi__shards``: the parse fanned out as steps, so a Celery (or Kubernetes) executor can run
them on as many workers as there are (issue 12).

Three ops: ``plan_shards`` cuts what each batch of the run has to parse into shards of
``shard_files`` files, ``parse_shard`` (one step per shard, on any worker) parses one through the
runner and stores the outcomes at ``shard_url``, ``shards_parsed`` sums them up. Then
``core_ogi__reports`` writes each batch's generation from the stored outcomes.

With ``shard_files`` 0 (the default) the plan is empty and nothing runs here: the parse happens
inside ``core_ogi__reports``, over this machine's process pool, as before.
"""

import time
import warnings
from collections.abc import Iterator
from typing import Any

import dagster as dg

from pipeline.defs.partitions import batch_partitions
from pipeline.defs.resources import OgiResource
from pipeline.record import PARSER_VERSION

warnings.filterwarnings("ignore", message=".*backfill_policy.*", category=dg.BetaWarning)


def shard_run(context: Any) -> str:
    """The run the shards are filed under: the root run, so a re-execution finds its parent's."""
    return context.run.root_run_id or context.run_id


#: shards of a run that ended (failed: its merge never came) are kept this long for a re-execution
KEEP_ENDED_S = 24 * 3600


def stale_runs(instance: dg.DagsterInstance, runs: list[str], now: float) -> list[str]:
    """Runs whose shard folders nobody will read: ended more than ``KEEP_ENDED_S`` ago. A run this
    instance does not know is left alone (another instance may share the store)."""
    out = []
    for run in runs:
        record = instance.get_run_record_by_id(run)
        if record is None:
            continue
        ended = record.end_time or record.update_timestamp.timestamp()
        if record.dagster_run.is_finished and ended < now - KEEP_ENDED_S:
            out.append(run)
    return out


@dg.op(ins={"files": dg.In(dg.Nothing)}, out=dg.DynamicOut())
def plan_shards(context: dg.OpExecutionContext, ogi: OgiResource) -> Iterator[dg.DynamicOutput]:
    """What each batch has to parse (exactly what the batch step would parse), cut into shards."""
    from pipeline.load.sharded import cut, plan_batch

    size = ogi.shard_size()
    if size <= 0:
        context.log.info("shard_files is 0: each batch is parsed inside core_ogi__reports")
        return
    layout, settings, store = ogi.layout, ogi.parse_settings(), ogi.shard_store()
    for run in stale_runs(
        context.instance, [r for r in store.runs() if r != shard_run(context)], time.time()
    ):
        context.log.warning(f"shards of run {run} were never merged (the run died or failed); deleted")
        store.drop_run(run)
    for j, batch in enumerate(context.partition_keys):
        if not layout.batch_raw(batch).is_dir():
            continue  # core_ogi__reports says it is gone
        shards = cut(batch, plan_batch(layout, batch, settings), size)
        context.log.info(f"{batch}: {sum(len(s.tasks) for s in shards)} files to parse, {len(shards)} shards")
        for shard in shards:
            yield dg.DynamicOutput(shard, mapping_key=f"b{j}_s{shard.index}")


#: a shard step fails only when its worker or the store does (a bad file is an outcome, not a
#: failure): try it again, on whichever worker takes it, before the run gives up
SHARD_RETRY = dg.RetryPolicy(max_retries=2, delay=5)


@dg.op(retry_policy=SHARD_RETRY)
def parse_shard(context: dg.OpExecutionContext, ogi: OgiResource, shard: Any) -> dict[str, Any]:
    """One shard through the runner (per-file time limit, quarantine), outcomes to the shard store."""
    from pipeline.load.sharded import parse_shard as parse

    res = parse(shard, ogi.parse_settings(), ogi.shard_store(), shard_run(context))
    context.log.info(
        f"{res.batch} shard {res.index}: {res.files} files {res.kinds} in {res.seconds:.1f} s -> {res.path}"
    )
    return {
        "batch": res.batch,
        "files": res.files,
        **{f"kind_{k}": v for k, v in res.kinds.items()},
        "seconds": res.seconds,
        "parse_seconds": res.parse_seconds,
    }


@dg.op(out=dg.Out(dg.Nothing))
def shards_parsed(context: dg.OpExecutionContext, results: list[dict[str, Any]]) -> None:
    """Totals of the shards as the asset's metadata."""
    total = {k: sum(r.get(k, 0) for r in results) for k in ("files", "kind_timeout", "kind_crash")}
    context.add_output_metadata(
        {
            "shards": dg.MetadataValue.int(len(results)),
            "files": dg.MetadataValue.int(total["files"]),
            "timeouts": dg.MetadataValue.int(total["kind_timeout"]),
            "crashes": dg.MetadataValue.int(total["kind_crash"]),
            "seconds_in_shards": dg.MetadataValue.float(round(float(sum(r["seconds"] for r in results)), 3)),
            "parse_seconds": dg.MetadataValue.float(
                round(float(sum(r["parse_seconds"] for r in results)), 3)
            ),
        }
    )


@dg.graph_asset(
    ins={"files": dg.AssetIn("raw_ogi__files", dagster_type=dg.Nothing)},
    partitions_def=batch_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="ingest",
    kinds={"python", "parquet"},
    code_version=PARSER_VERSION,
)
def core_ogi__shards(files: Any) -> Any:
    """The parse of the run's batches fanned out in shards of ``shard_files`` files, one step each
    (none when ``shard_files`` is 0: the batch step parses in process). Outcomes go to ``shard_url``,
    one file per shard, written atomically; ``core_ogi__reports`` turns them into the batches'
    generations."""
    return shards_parsed(plan_shards(files).map(parse_shard).collect())
