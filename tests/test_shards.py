"""The parse in shards, without Celery: the shard store (local and object store through fsspec),
the plan, and a sharded run in process writing the warehouse an unsharded run writes."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from conftest import VOLATILE_COLUMNS
from shard_support import PARSER, three_batches

from pipeline.load.batch import ParseSettings
from pipeline.load.layout import Layout
from pipeline.load.shard_store import ShardStore
from pipeline.load.sharded import cut, plan_batch
from pipeline.run_cli import RunSummary, run_pipeline
from pipeline.runner import Outcome

Content = Callable[..., dict[str, list[tuple[Any, ...]]]]

OUTCOMES = [
    Outcome("aa", {"record": b"\x00packed", "rows": {"report": {"n": 1}}}, None, "ok", 0.25),
    Outcome("bb", None, "time limit of 3 s exceeded", "timeout", 3.0),
    Outcome("cc", None, "parser process died (exit code 11)", "crash", 0.5),
]


@pytest.mark.parametrize("url", ["local", "memory://ogi-shards-test"])
def test_store_round_trip_atomic_and_cleared(tmp_path: Path, url: str) -> None:
    store = ShardStore(str(tmp_path / "shards") if url == "local" else url)
    store.write("run-1", "批次 2024/一", 0, OUTCOMES[:2])
    store.write("run-1", "批次 2024/一", 1, OUTCOMES[2:])
    store.write("run-1", "批次 2024/一", 1, OUTCOMES[2:])  # a retried shard step replaces its file
    assert [p.rsplit("/", 1)[1] for p in store.shards("run-1", "批次 2024/一")] == [
        "shard-00000.parquet",
        "shard-00001.parquet",
    ]
    got = store.read("run-1", "批次 2024/一")
    assert {k: (o.kind, o.error, o.seconds, o.value) for k, o in got.items()} == {
        o.key: (o.kind, o.error, o.seconds, o.value) for o in OUTCOMES
    }
    assert store.read("run-1", "other") == {} and store.read("run-2", "批次 2024/一") == {}
    if url == "local":  # nothing but the two shard files: the temporary names were renamed away
        assert sorted(p.name for p in (tmp_path / "shards").rglob("*") if p.is_file()) == [
            "shard-00000.parquet",
            "shard-00001.parquet",
        ]
    store.clear("run-1", "批次 2024/一")
    assert store.shards("run-1", "批次 2024/一") == []
    if url == "local":
        assert list((tmp_path / "shards").iterdir()) == []


def test_plan_is_what_the_batch_step_would_parse(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    files = three_batches(raw)
    layout = Layout.of(raw, tmp_path / "wh")
    settings = ParseSettings(parser_version="test-1")
    tasks = plan_batch(layout, "b", settings)
    assert len(tasks) == files["b"]
    assert sorted(Path(args[0]).name for _, args in tasks) == sorted(p.name for p in (raw / "b").iterdir())
    assert not (layout.batch_state("b") / "CURRENT").exists()  # planning writes no generation
    shards = cut("b", tasks, 3)
    assert [len(s.tasks) for s in shards] == [3, 3, 2] and [s.index for s in shards] == [0, 1, 2]
    assert sorted(t for s in shards for t in s.tasks) == sorted(tasks)


def _run(raw: Path, wh: Path, **config: Any) -> RunSummary:
    return run_pipeline(
        raw,
        wh,
        instance=dg.DagsterInstance.ephemeral(),
        resource_config={"parse_workers": 2, "parser": PARSER, "parse_timeout_s": 3.0, **config},
        quality=False,
    )


def test_sharded_run_in_process_writes_the_same_warehouse(tmp_path: Path, warehouse_content: Content) -> None:
    raw = tmp_path / "raw"
    files = three_batches(raw)
    plain = _run(raw, tmp_path / "plain")
    sharded = _run(raw, tmp_path / "sharded", shard_files=3)
    assert plain.success and sharded.success, (plain.errors, sharded.errors)
    assert plain.value("core_ogi__shards", "shards") == 0  # the default: no shards, no overhead
    shards = sum(math.ceil(n / 3) for n in files.values())
    assert sharded.value("core_ogi__shards", "shards") == shards
    assert sum(1 for k in sharded.step_seconds if k.startswith("core_ogi__shards.parse_shard[")) == shards
    assert sharded.value("core_ogi__reports", "from_shards") == sum(files.values())
    assert sharded.value("core_ogi__reports", "parsed_here") == 0
    for s in (plain, sharded):  # the per-file limit and the crash hold inside a shard as in process
        assert (s.value("core_ogi__reports", "timeouts"), s.value("core_ogi__reports", "crashes")) == (1, 1)
    assert warehouse_content(tmp_path / "sharded" / "ogi.duckdb", VOLATILE_COLUMNS) == warehouse_content(
        tmp_path / "plain" / "ogi.duckdb", VOLATILE_COLUMNS
    )
    assert not list((tmp_path / "sharded" / ".shards").rglob("*.parquet"))  # merged, then dropped
    # next run: only the timeout and the crash are due (tried again, up to MAX_ATTEMPTS): one shard
    again = _run(raw, tmp_path / "sharded", shard_files=3)
    assert (again.value("core_ogi__shards", "shards"), again.value("core_ogi__reports", "parsed")) == (1, 2)
    assert again.value("core_ogi__reports", "reused") == sum(files.values()) - 2


def test_executor_is_chosen_by_config(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.defs.resources import DEFAULT_BROKER, executor_def

    monkeypatch.delenv("OGI_EXECUTOR", raising=False)
    assert executor_def().name == "multiprocess"
    monkeypatch.setenv("OGI_EXECUTOR", "celery")
    monkeypatch.delenv("OGI_CELERY_BROKER", raising=False)
    monkeypatch.delenv("OGI_CELERY_BACKEND", raising=False)
    celery = executor_def()
    assert celery.name == "celery"
    config = celery.apply_config_mapping({}).value["config"]
    assert (config["broker"], config["backend"]) == (DEFAULT_BROKER, DEFAULT_BROKER)
    monkeypatch.setenv("OGI_CELERY_BROKER", "redis://queue.internal:6379/3")
    config = executor_def().apply_config_mapping({}).value["config"]
    assert config["broker"] == config["backend"] == "redis://queue.internal:6379/3"  # backend: the broker
    monkeypatch.setenv("OGI_EXECUTOR", "threads")
    with pytest.raises(ValueError, match="multiprocess, celery"):
        executor_def()


def test_shards_nobody_will_merge_are_swept(tmp_path: Path) -> None:
    import time

    from dagster._core.test_utils import create_run_for_test

    from pipeline.defs.ingest.shards import KEEP_ENDED_S, stale_runs

    store = ShardStore(str(tmp_path / "shards"))
    with dg.instance_for_test() as instance:
        running = create_run_for_test(instance, status=dg.DagsterRunStatus.STARTED).run_id
        failed = create_run_for_test(instance, status=dg.DagsterRunStatus.FAILURE).run_id
        for run in (running, failed, "gone-run"):
            store.write(run, "b", 0, OUTCOMES[:1])
        assert store.runs() == sorted([running, failed, "gone-run"])
        now = time.time()
        # a failed run's shards wait a day for a re-execution; a running run's and a run another
        # instance knows (not this one) are never swept
        assert stale_runs(instance, store.runs(), now) == []
        assert stale_runs(instance, store.runs(), now + KEEP_ENDED_S + 60) == [failed]
        store.drop_run(failed)
        assert store.runs() == sorted([running, "gone-run"])
