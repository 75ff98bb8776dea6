"""Notice new or changed batch folders and run them.

The cursor keeps a cheap signature per batch (file count, bytes, newest mtime) and where the last
tick stopped: a tick looks at batches for at most ``TICK_BUDGET_S`` and carries on from there next
time, so a raw folder of 10⁶ files never hits the 60 s tick limit.
"""

import json
import time

import dagster as dg

from pipeline.defs.jobs import batch_range_tags, ogi_job
from pipeline.defs.partitions import batch_partitions
from pipeline.defs.resources import OgiResource
from pipeline.load.layout import batch_signature

TICK_BUDGET_S = 20.0


@dg.sensor(job=ogi_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def ogi_batch_sensor(context: dg.SensorEvaluationContext, ogi: OgiResource) -> dg.SensorResult:
    """A run for each new or changed batch; one run over all batches when several changed."""
    state = json.loads(context.cursor) if context.cursor else {}
    sigs: dict[str, str] = state.get("sigs", {})
    layout = ogi.layout
    batches = layout.batches()
    start = state.get("next", 0) if state.get("next", 0) < len(batches) else 0
    t0, changed, nxt = time.monotonic(), [], 0
    for i in range(start, len(batches)):
        batch = batches[i]
        try:
            sig = batch_signature(layout.batch_raw(batch))
        except OSError:
            continue
        if sigs.get(batch) != sig:
            changed.append(batch)
            sigs[batch] = sig
        if time.monotonic() - t0 > TICK_BUDGET_S:
            nxt = i + 1
            break
    sigs = {b: s for b, s in sigs.items() if b in set(batches)}
    cursor = json.dumps({"sigs": sigs, "next": nxt})
    if not changed:
        return dg.SensorResult(skip_reason="no new or changed batch", cursor=cursor)
    known = context.instance.get_dynamic_partitions(batch_partitions.name)
    new = [b for b in changed if b not in set(known)]
    requests = [batch_partitions.build_add_request(new)] if new else []
    run_key = "|".join(f"{b}@{sigs[b]}" for b in changed)
    if len(changed) == 1:
        run = dg.RunRequest(run_key=run_key, partition_key=changed[0])
    else:  # one run, not one per batch: each run rebuilds the whole warehouse
        keys = [k for k in [*known, *new] if k in set(batches)]
        run = dg.RunRequest(run_key=run_key, tags=batch_range_tags(keys[0], keys[-1]))
    context.log.info(f"changed batches: {changed}")
    return dg.SensorResult(run_requests=[run], cursor=cursor, dynamic_partitions_requests=requests)
