"""The parse fanned out on Celery for real (issue 12): Debian's redis-server on 127.0.0.1 as broker
and result backend, two Celery worker processes, the job over three batches — and the warehouse
is the one the in-process run writes, timeouts and crashes quarantined inside the workers alike.

redis-server comes from the project's test setup (.ci/run installs the Debian package); where it is
not installed the test is skipped and says so.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from conftest import REPO, VOLATILE_COLUMNS
from shard_support import PARSER, three_batches

from pipeline.run_cli import run_pipeline

Content = Callable[..., dict[str, list[tuple[Any, ...]]]]
SHARD_FILES = 3
REDIS = shutil.which("redis-server") or next(
    (p for p in ("/usr/bin/redis-server", "/usr/sbin/redis-server") if os.path.exists(p)), None
)

pytestmark = [
    pytest.mark.skipif(
        REDIS is None,
        reason="redis-server is not installed (Debian package redis-server; .ci/run installs it with "
        "apt-get): the Celery scale-out test needs a real broker",
    ),
    # dagster-celery builds its step task again for every step it submits (same name, same code)
    pytest.mark.filterwarnings("ignore::celery.exceptions.DuplicateTaskNameWarning"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen, grace: float = 15.0) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import redis

    port, folder = _free_port(), tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [REDIS, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=folder,
        stdout=(folder / "redis.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        for _ in range(100):
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.fail(f"redis-server did not answer on port {port}: {(folder / 'redis.log').read_text()}")
        yield url
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def workers(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Two Celery workers (``--pool solo``, one step at a time each), names ``w1@…``, ``w2@…``."""
    from celery import Celery

    from pipeline.scale_out import worker_command

    logs = tmp_path_factory.mktemp("workers")
    env = {
        **os.environ,
        "OGI_EXECUTOR": "celery",
        "OGI_CELERY_BROKER": redis_url,
        "OGI_CELERY_BACKEND": redis_url,
        # the test parser (reliability_support) is imported by name in the workers
        "PYTHONPATH": os.pathsep.join([str(REPO / "tests"), str(REPO)]),
    }
    procs = [
        subprocess.Popen(
            worker_command(name, "INFO"),
            cwd=REPO,
            env=env,
            stdout=(logs / f"{name}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for name in ("w1", "w2")
    ]
    try:
        control = Celery(broker=redis_url, backend=redis_url).control
        names: set[str] = set()
        deadline = time.monotonic() + 90
        while len(names) < 2 and time.monotonic() < deadline:
            names |= {n for reply in control.ping(timeout=1.0) or [] for n in reply}
            if any(p.poll() is not None for p in procs):
                break
        if len(names) < 2:
            text = "\n".join((logs / f"{n}.log").read_text(errors="replace")[-2000:] for n in ("w1", "w2"))
            pytest.fail(f"the Celery workers did not come up (answered: {sorted(names)}):\n{text}")
        yield sorted(names)
    finally:
        for p in procs:
            _stop(p)


def _celery_workers_of(instance: dg.DagsterInstance, run_id: str) -> dict[str, str]:
    """step key -> the Celery worker that executed it, from the run's engine events."""
    out = {}
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        event = entry.dagster_event
        meta = event.engine_event_data.metadata if event and event.engine_event_data else {}
        if "Celery worker" in meta:
            out[event.step_key] = meta["Celery worker"].value
    return out


def test_celery_run_writes_the_in_process_warehouse(
    workers: list[str],
    redis_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    warehouse_content: Content,
) -> None:
    from pipeline.scale_out import launch

    raw = tmp_path / "raw"
    files = three_batches(raw)
    config = {"parser": PARSER, "parse_timeout_s": 3.0}
    local = run_pipeline(
        raw,
        tmp_path / "local",
        instance=dg.DagsterInstance.ephemeral(),
        resource_config={**config, "parse_workers": 2},
        quality=False,
    )
    assert local.success, local.errors

    monkeypatch.setenv("OGI_EXECUTOR", "celery")
    monkeypatch.setenv("OGI_CELERY_BROKER", redis_url)
    monkeypatch.setenv("OGI_CELERY_BACKEND", redis_url)
    with dg.instance_for_test() as instance:
        s = launch(
            raw,
            tmp_path / "celery",
            instance,
            {**config, "parse_workers": 1, "shard_files": SHARD_FILES},
            quality=False,
        )
        assert s.success, s.errors
        ran_on = _celery_workers_of(instance, s.run_id)

    shards = sum(math.ceil(n / SHARD_FILES) for n in files.values())
    shard_steps = {k for k in ran_on if k.startswith("core_ogi__shards.parse_shard[")}
    assert len(shard_steps) == shards == s.value("core_ogi__shards", "shards")
    assert set(ran_on.values()) == set(workers)  # every step on a worker, and both workers worked
    assert set(s.step_seconds) <= set(ran_on)
    assert s.value("core_ogi__reports", "from_shards") == sum(files.values())
    assert s.value("core_ogi__reports", "parsed_here") == 0
    # the per-file limit and the crash hold inside a worker exactly as in process
    for run in (local, s):
        assert (run.value("core_ogi__reports", "timeouts"), run.value("core_ogi__reports", "crashes")) == (
            1,
            1,
        )
        assert run.value("core_ogi__reports", "quarantined") == 2
    celery = warehouse_content(tmp_path / "celery" / "ogi.duckdb", VOLATILE_COLUMNS)
    local_ = warehouse_content(tmp_path / "local" / "ogi.duckdb", VOLATILE_COLUMNS)
    assert celery.keys() == local_.keys()
    for table, rows in local_.items():
        first = next(((a, b) for a, b in zip(celery[table], rows, strict=False) if a != b), None)
        assert celery[table] == rows, (
            f"{table}: {len(celery[table])} vs {len(rows)} rows; first difference {first}"
        )
