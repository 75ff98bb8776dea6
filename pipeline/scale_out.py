"""The nightly job launched as the daemon launches it, so its steps run on the definitions'
executor (Celery workers with ``OGI_EXECUTOR=celery``) instead of in this process.

``ogi run`` executes in process (``execute_in_process`` ignores executors); this module is the
other way in, for the scale-out test and benchmark and for a one-off run against workers:
``python -m pipeline.scale_out [--no-quality]`` with $DAGSTER_HOME, $OGI_EXECUTOR and the
shard settings ($OGI_SHARD_FILES, $OGI_SHARD_URL) set.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import dagster as dg

from pipeline.load.layout import Layout
from pipeline.run_cli import RunSummary

JOB, JOB_NO_QUALITY = "ogi_job", "ogi_job_no_quality"


def _definitions(quality: bool) -> dg.Definitions:
    from pipeline.definitions import defs

    definitions = defs()
    if quality:
        return definitions
    selection = (dg.AssetSelection.all() - dg.AssetSelection.groups("quality", "review")).without_checks()
    return dg.Definitions.merge(
        definitions, dg.Definitions(jobs=[dg.define_asset_job(JOB_NO_QUALITY, selection=selection)])
    )


def ogi_job() -> dg.JobDefinition:
    """Module-level, so a worker can rebuild the job from a pointer (``dg.reconstructable``)."""
    return _definitions(True).resolve_job_def(JOB)


def ogi_job_no_quality() -> dg.JobDefinition:
    """The job without the quality and review groups (tests and benchmarks of the parse)."""
    return _definitions(False).resolve_job_def(JOB_NO_QUALITY)


def launch(
    raw_dir: Path | str,
    warehouse_dir: Path | str,
    instance: dg.DagsterInstance,
    resource_config: dict[str, Any] | None = None,
    quality: bool = True,
) -> RunSummary:
    """One run of the job over every batch of ``raw_dir``, on the definitions' executor."""
    from pipeline.defs.jobs import batch_range_tags
    from pipeline.defs.partitions import batch_partitions

    layout = Layout.of(raw_dir, warehouse_dir)
    layout.warehouse_dir.mkdir(parents=True, exist_ok=True)
    batches = layout.batches()
    if not batches:
        raise ValueError(f"{layout.raw_dir}: no batch to ingest")
    known = set(instance.get_dynamic_partitions(batch_partitions.name))
    missing = [b for b in batches if b not in known]
    if missing:
        instance.add_dynamic_partitions(batch_partitions.name, missing)
    keys = [k for k in instance.get_dynamic_partitions(batch_partitions.name) if k in set(batches)]
    run_config = {
        "resources": {
            "ogi": {
                "config": {
                    "raw_dir": str(layout.raw_dir),
                    "warehouse_dir": str(layout.warehouse_dir),
                    **(resource_config or {}),
                }
            }
        }
    }
    job = dg.reconstructable(ogi_job if quality else ogi_job_no_quality)
    with dg.execute_job(
        job, instance=instance, run_config=run_config, tags=batch_range_tags(keys[0], keys[-1])
    ) as result:
        return _summary(result, batches, layout)


def _summary(result: Any, batches: list[str], layout: Layout) -> RunSummary:
    summary = RunSummary(result.run_id, result.success, batches, layout)
    for event in result.all_events:
        if event.is_step_materialization or event.event_type == dg.DagsterEventType.ASSET_OBSERVATION:
            data = event.event_specific_data
            mat = data.materialization if event.is_step_materialization else data.asset_observation
            summary.metadata.setdefault(mat.asset_key.to_user_string(), {}).update(
                {k: v.value for k, v in mat.metadata.items()}
            )
        elif event.is_step_success:
            summary.step_seconds[event.step_key] = event.event_specific_data.duration_ms / 1000
        elif event.is_step_failure:
            err = event.event_specific_data.error
            while err is not None and err.cause is not None:
                err = err.cause
            summary.errors.append(f"{event.step_key}: {err.message.strip() if err else 'failed'}")
    return summary


def worker_command(name: str, loglevel: str = "WARNING") -> list[str]:
    """The command line of one Celery worker (pipeline/celery_app.py): one step at a time
    (``--pool solo``: a step starts the runner's process pool, which a prefork child may not),
    on dagster-celery's queue, with $OGI_CELERY_BROKER/$OGI_CELERY_BACKEND from the environment."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "pipeline.celery_app",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "--prefetch-multiplier=1",
        "-Q",
        "dagster",
        "-n",
        f"{name}@%h",
        "--without-gossip",
        "--without-mingle",
        "-l",
        loglevel,
    ]


def main(argv: list[str]) -> int:
    from pipeline.run_cli import format_summary

    with dg.DagsterInstance.get() as instance:
        s = launch(
            os.environ.get("OGI_RAW_DIR") or Layout.of().raw_dir,
            os.environ.get("OGI_WAREHOUSE_DIR") or Layout.of().warehouse_dir,
            instance,
            quality="--no-quality" not in argv,
        )
    print(format_summary(s))
    return 0 if s.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
