"""The nightly run: every batch, 02:00 Beijing time, in one run."""

import dagster as dg

from pipeline.defs.jobs import batch_range_tags, ogi_job
from pipeline.defs.partitions import batch_partitions
from pipeline.defs.resources import OgiResource


@dg.schedule(
    job=ogi_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def ogi_nightly(context: dg.ScheduleEvaluationContext, ogi: OgiResource) -> dg.RunRequest | dg.SkipReason:
    """Run every batch once a night. Unchanged batches cost a directory walk; a parser upgrade
    re-parses everything; new batch folders the sensor has not seen yet are added first."""
    batches = ogi.layout.batches()
    if not batches:
        return dg.SkipReason(f"no batch folder under {ogi.layout.raw_dir}")
    name = batch_partitions.name
    known = context.instance.get_dynamic_partitions(name)
    new = [b for b in batches if b not in set(known)]
    if new:
        context.instance.add_dynamic_partitions(name, new)
        known = [*known, *new]
    keys = [k for k in known if k in set(batches)]
    return dg.RunRequest(tags=batch_range_tags(keys[0], keys[-1]))
