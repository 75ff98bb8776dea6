"""The Dagster definitions: they load, the asset graph is the one the contract names, and the
sensor and the schedule ask for the right runs."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from pipeline.definitions import defs
from pipeline.defs.ingest.sensors import ogi_batch_sensor
from pipeline.defs.resources import DUCKDB_POOL, OgiResource
from pipeline.defs.schedules import ogi_nightly

# key -> (group, upstream keys, partitioned by batch). A change here is a change of the contract
# in docs/warehouse-contract.md: update both.
GRAPH: dict[str, tuple[str, set[str], bool]] = {
    "raw_ogi__files": ("ingest", set(), True),
    # the parse fanned out in shards (issue 12): empty unless shard_files > 0
    "core_ogi__shards": ("ingest", {"raw_ogi__files"}, True),
    "core_ogi__reports": ("ingest", {"raw_ogi__files", "core_ogi__shards"}, True),
    "core_ogi__facts": ("warehouse", {"core_ogi__reports"}, False),
    "out_ogi__dims": ("warehouse", {"core_ogi__facts"}, False),
    "out_ogi__marts": ("warehouse", {"core_ogi__facts", "out_ogi__dims", "out_quality__findings"}, False),
    "out_ogi__warehouse": ("warehouse", {"out_ogi__marts", "out_quality__findings"}, False),
}
WRITERS = {"core_ogi__facts", "out_ogi__dims", "out_ogi__marts", "out_ogi__warehouse"}


@pytest.fixture(scope="module")
def definitions() -> dg.Definitions:
    return defs()


def test_definitions_load(definitions: dg.Definitions) -> None:
    dg.Definitions.validate_loadable(definitions)
    assert isinstance(definitions.resources["ogi"], OgiResource)


def test_asset_graph_snapshot(definitions: dg.Definitions) -> None:
    specs = {s.key.to_user_string(): s for s in definitions.resolve_all_asset_specs()}
    for key, (group, deps, partitioned) in GRAPH.items():
        spec = specs[key]
        assert spec.group_name == group, key
        assert {d.asset_key.to_user_string() for d in spec.deps} == deps, key
        assert (spec.partitions_def is not None) == partitioned, key
        if partitioned:
            assert spec.partitions_def.name == "batch"
    # anything else in the graph is the quality engineer's (group quality), downstream of the facts
    for key in set(specs) - set(GRAPH):
        assert specs[key].group_name == "quality" or key == "out_quality__findings", key


def test_every_duckdb_writer_is_in_the_single_writer_pool(definitions: dg.Definitions) -> None:
    for key in WRITERS:
        assert definitions.resolve_assets_def(dg.AssetKey(key)).op.pool == DUCKDB_POOL, key
    for checks in definitions.asset_checks or []:  # they read the working file: same pool
        assert checks.node_def.pool == DUCKDB_POOL, checks.node_def.name


def test_jobs_schedule_and_sensor(definitions: dg.Definitions) -> None:
    assert {j.name for j in definitions.resolve_all_job_defs()} >= {"ogi_job", "ogi_warehouse_job"}
    schedule = definitions.resolve_schedule_def("ogi_nightly")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 2 * * *", "Asia/Shanghai")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    sensor = definitions.resolve_sensor_def("ogi_batch_sensor")
    assert sensor.job_name == "ogi_job"
    warehouse_only = definitions.resolve_job_def("ogi_warehouse_job")
    assert not {k.to_user_string() for k in warehouse_only.asset_layer.executable_asset_keys} & {
        "raw_ogi__files",
        "core_ogi__reports",
    }


def _ogi(raw: Path) -> dict[str, OgiResource]:
    return {"ogi": OgiResource(raw_dir=str(raw), warehouse_dir=str(raw.parent))}


# contexts are entered with `with`: one left open keeps a disposed instance as Dagster's current
# state storage, and every later load of the definitions in the process fails


def _sensor(raw: Path, instance: dg.DagsterInstance, cursor: str | None) -> dg.SensorResult:
    with dg.build_sensor_context(instance=instance, cursor=cursor, resources=_ogi(raw)) as ctx:
        return ogi_batch_sensor(ctx)


def _partitions_added(result: dg.SensorResult) -> list[str]:
    return [k for r in result.dynamic_partitions_requests or [] for k in r.partition_keys]


def test_sensor_runs_new_and_changed_batches_once(sample_raw: Path) -> None:
    with dg.instance_for_test() as instance:
        first = _sensor(sample_raw, instance, None)
        assert _partitions_added(first) == ["sample"]
        assert [r.partition_key for r in first.run_requests] == ["sample"]
        instance.add_dynamic_partitions("batch", ["sample"])

        quiet = _sensor(sample_raw, instance, first.cursor)
        assert not quiet.run_requests and quiet.cursor == first.cursor

        (sample_raw / "sample" / "late.txt").write_text("迟到的文件", encoding="utf-8")
        changed = _sensor(sample_raw, instance, quiet.cursor)
        assert [r.partition_key for r in changed.run_requests] == ["sample"] and not _partitions_added(
            changed
        )

        shutil.copytree(sample_raw / "sample", sample_raw / "b2")
        shutil.copytree(sample_raw / "sample", sample_raw / "b3")
        two = _sensor(sample_raw, instance, changed.cursor)
        assert _partitions_added(two) == ["b2", "b3"]
        (run,) = two.run_requests  # several batches: one run over the range, not a run each
        assert run.partition_key is None
        assert run.tags["dagster/asset_partition_range_start"] == "sample"
        assert run.tags["dagster/asset_partition_range_end"] == "b3"


def test_schedule_covers_every_batch_in_one_run(sample_raw: Path) -> None:
    shutil.copytree(sample_raw / "sample", sample_raw / "a_first")
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("batch", ["sample"])
        with dg.build_schedule_context(instance=instance, resources=_ogi(sample_raw)) as ctx:
            run: Any = ogi_nightly(ctx)
        assert instance.get_dynamic_partitions("batch") == ["sample", "a_first"]
        assert (
            run.tags["dagster/asset_partition_range_start"],
            run.tags["dagster/asset_partition_range_end"],
        ) == ("sample", "a_first")


def test_schedule_skips_without_batches(tmp_path: Path) -> None:
    with (
        dg.instance_for_test() as instance,
        dg.build_schedule_context(instance=instance, resources=_ogi(tmp_path / "none")) as ctx,
    ):
        assert isinstance(ogi_nightly(ctx), dg.SkipReason)
