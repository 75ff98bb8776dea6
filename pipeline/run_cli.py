"""``ogi run``: the whole asset graph, in this process, for every batch — then a summary.

Before it starts, what a killed earlier run left behind is cleaned (``defs/ingest/recovery.py``):
the writer slot of a dead run is released, stray working files are deleted, and the run says so.

The same Dagster job the nightly schedule launches (``ogi_job``), executed in process over the
range of all batch partitions, so ``make run`` and the nightly run cannot drift apart. Runs are
recorded in ``$DAGSTER_HOME`` when it exists (and then show in ``make ui``), else in an ephemeral
instance.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.load.layout import Layout


@dataclass
class RunSummary:
    run_id: str
    success: bool
    batches: list[str]
    layout: Layout
    metadata: dict[str, dict[str, Any]] = field(default_factory=dict)  # asset key -> metadata values
    step_seconds: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    recovered: str = ""  # what was released before the run (dead runs' slots, stray files)

    def value(self, asset: str, key: str, default: Any = 0) -> Any:
        return self.metadata.get(asset, {}).get(key, default)


def _instance() -> Any:
    import dagster as dg

    home = os.environ.get("DAGSTER_HOME")
    if home and Path(home).is_dir():
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def run_pipeline(
    raw_dir: Path | str | None = None,
    warehouse_dir: Path | str | None = None,
    instance: Any = None,
    resource_config: dict[str, Any] | None = None,
    raise_on_error: bool = False,
    quality: bool = True,
) -> RunSummary:
    """Materialise every asset for every batch under ``raw_dir`` into ``warehouse_dir``.
    ``quality=False`` leaves out the quality and review groups and every asset check (tests of the
    load stages that do not need Great Expectations)."""
    layout = Layout.of(raw_dir, warehouse_dir)
    layout.warehouse_dir.mkdir(parents=True, exist_ok=True)
    instance = instance or _instance()
    from pipeline.defs.ingest.recovery import recover

    released = recover(instance, layout, log=lambda m: print(f"ogi run: {m}", file=sys.stderr))
    with _state_storage_of(instance):
        summary = _run(layout, instance, resource_config, raise_on_error, quality)
    summary.recovered = released.message()
    return summary


@contextmanager
def _state_storage_of(instance: Any) -> Iterator[None]:
    """Load the definitions against *this* instance's state storage: Dagster keeps the current one
    in a context variable, and a sensor/schedule context someone left open elsewhere in the process
    would otherwise leave a disposed instance there, and loading the definitions would fail."""
    try:
        from dagster._core.storage.defs_state.base import set_defs_state_storage
    except ImportError:  # moved in a later Dagster: nothing to protect against there
        yield
        return
    with set_defs_state_storage(instance.defs_state_storage):
        yield


def _run(
    layout: Layout, instance: Any, resource_config: dict[str, Any] | None, raise_on_error: bool, quality: bool
) -> RunSummary:
    import dagster as dg
    from dagster import DagsterEventType

    from pipeline.definitions import defs
    from pipeline.defs.jobs import batch_range_tags
    from pipeline.defs.partitions import batch_partitions

    definitions = defs()
    if not quality:
        # the review site reads the quality tables: it goes with them
        selection = (dg.AssetSelection.all() - dg.AssetSelection.groups("quality", "review")).without_checks()
        definitions = dg.Definitions.merge(
            definitions,
            dg.Definitions(
                jobs=[
                    dg.define_asset_job("ogi_job_no_quality", selection=selection),
                    dg.define_asset_job(
                        "ogi_warehouse_job_no_quality",
                        selection=selection - dg.AssetSelection.groups("ingest"),
                    ),
                ]
            ),
        )
    from pipeline.defs.ingest.recovery import RUN_PID, process_tag

    suffix = "" if quality else "_no_quality"
    own = {RUN_PID: process_tag()}  # so a later run can tell this one died
    batches = layout.batches()
    config = {
        "resources": {
            "ogi": {
                "config": {
                    "raw_dir": str(layout.raw_dir),
                    "warehouse_dir": str(layout.warehouse_dir),
                    **(resource_config or {}),
                }
            }
        },
        # the step-by-step DEBUG events are in the run's log (make ui); the terminal gets ours
        "loggers": {"console": {"config": {"log_level": os.environ.get("OGI_LOG_LEVEL", "INFO")}}},
    }
    if batches:
        known = set(instance.get_dynamic_partitions(batch_partitions.name))
        missing = [b for b in batches if b not in known]
        if missing:
            instance.add_dynamic_partitions(batch_partitions.name, missing)
        keys = [k for k in instance.get_dynamic_partitions(batch_partitions.name) if k in set(batches)]
        job = definitions.resolve_job_def("ogi_job" + suffix)
        result = job.execute_in_process(
            run_config=config,
            instance=instance,
            raise_on_error=raise_on_error,
            tags={**batch_range_tags(keys[0], keys[-1]), **own},
        )
    else:  # nothing to ingest: still publish an (empty) warehouse
        job = definitions.resolve_job_def("ogi_warehouse_job" + suffix)
        result = job.execute_in_process(
            run_config=config, instance=instance, raise_on_error=raise_on_error, tags=own
        )

    summary = RunSummary(result.run_id, result.success, batches, layout)
    for event in result.all_events:
        if event.event_type in (DagsterEventType.ASSET_MATERIALIZATION, DagsterEventType.ASSET_OBSERVATION):
            data = event.event_specific_data
            mat = (
                data.materialization
                if event.event_type == DagsterEventType.ASSET_MATERIALIZATION
                else data.asset_observation
            )
            summary.metadata.setdefault(mat.asset_key.to_user_string(), {}).update(
                {k: v.value for k, v in mat.metadata.items()}
            )
        elif event.event_type == DagsterEventType.STEP_SUCCESS:
            summary.step_seconds[event.step_key] = event.event_specific_data.duration_ms / 1000
        elif event.event_type == DagsterEventType.STEP_FAILURE:
            err = event.event_specific_data.error
            while err is not None and err.cause is not None:  # the user code's error, not Dagster's wrapper
                err = err.cause
            summary.errors.append(f"{event.step_key}: {err.message.strip() if err else 'failed'}")
    return summary


def format_summary(s: RunSummary) -> str:
    """The table ``ogi run`` prints."""
    v = s.value
    lines = [
        f"OGI pipeline run {s.run_id}: {'succeeded' if s.success else 'FAILED'}",
        f"raw batches   {s.layout.raw_dir}: {', '.join(s.batches) or '(none)'}",
        "",
        f"{'files':<14}{v('raw_ogi__files', 'files'):>8}   new {v('raw_ogi__files', 'new')}, "
        f"changed {v('raw_ogi__files', 'changed')}, unchanged {v('raw_ogi__files', 'unchanged')}, "
        f"removed {v('raw_ogi__files', 'removed')}",
        f"{'parsed':<14}{v('core_ogi__reports', 'parsed'):>8}   reused {v('core_ogi__reports', 'reused')}, "
        f"timeouts {v('core_ogi__reports', 'timeouts')}, crashes {v('core_ogi__reports', 'crashes')}",
        f"{'quarantined':<14}{v('core_ogi__reports', 'quarantined'):>8}   "
        f"new this run {v('core_ogi__reports', 'new_in_quarantine')}",
        "",
    ]
    tables = {}  # every asset that reports table sizes as rows_<table> (the quality step does too)
    for meta in s.metadata.values():
        tables.update({k[5:]: val for k, val in meta.items() if k.startswith("rows_")})
    if tables:
        lines.append(f"{'table':<34}{'rows':>10}")
        lines += [f"{t:<34}{n:>10}" for t, n in tables.items()]
        lines.append("")
    if s.step_seconds:
        lines.append(f"{'stage':<34}{'seconds':>10}")
        lines += [f"{step:<34}{secs:>10.2f}" for step, secs in s.step_seconds.items()]
        lines.append("")
    pub = s.metadata.get("out_ogi__warehouse", {})
    if s.value("core_ogi__facts", "up_to_date", False):
        lines.append(f"warehouse     {s.layout.published}  (up to date: nothing changed, not rebuilt)")
    elif pub.get("published"):
        lines.append(
            f"warehouse     {pub.get('path')}  (opens in DuckDB CLI: {pub.get('opens_in_duckdb_cli')})"
        )
    elif pub:
        lines.append(f"warehouse     not replaced: {pub.get('reason')}; still {s.layout.published}")
    else:
        lines.append(f"warehouse     not replaced; the last good one stays at {s.layout.published}")
    if s.recovered:
        lines.append(f"recovered     {s.recovered}")
    lines += [f"error         {e}" for e in s.errors]
    return "\n".join(lines)


def run_command(raw_dir: Path | None = None, warehouse_dir: Path | None = None) -> None:
    """Entry point of ``ogi run`` (pipeline/cli.py)."""
    summary = run_pipeline(raw_dir, warehouse_dir)
    print(format_summary(summary))
    if not summary.success:
        sys.exit(1)
