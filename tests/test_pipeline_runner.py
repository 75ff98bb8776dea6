"""The parse pool: results come back, a slow task is killed at its time limit, a dying worker is
reported as a crash, and none of it stops the other tasks."""

from __future__ import annotations

import os
import time

from pipeline.runner import run_tasks

TARGET = f"{__name__}:work"  # workers are spawned and import this module by name


def work(kind: str, n: int) -> int:
    if kind == "sleep":
        time.sleep(60)
    if kind == "die":
        os._exit(3)
    if kind == "raise":
        raise ValueError("bad input")
    return n * n


def test_results_errors_timeouts_and_crashes() -> None:
    tasks = [(f"ok{i}", ("ok", i)) for i in range(6)]
    tasks += [("slow", ("sleep", 0)), ("dead", ("die", 0)), ("err", ("raise", 0)), ("after", ("ok", 9))]
    t0 = time.perf_counter()
    out = {o.key: o for o in run_tasks(TARGET, tasks, workers=2, timeout=1.5)}
    assert time.perf_counter() - t0 < 20
    assert {k: out[k].value for k in out if k.startswith("ok")} == {f"ok{i}": i * i for i in range(6)}
    assert out["after"].value == 81
    assert out["slow"].kind == "timeout" and "1.5 s" in out["slow"].error
    assert out["dead"].kind == "crash" and "exit code 3" in out["dead"].error
    assert out["err"].kind == "error" and "ValueError: bad input" in out["err"].error


def test_no_tasks_starts_no_worker() -> None:
    assert list(run_tasks(TARGET, [], workers=2, timeout=1)) == []


def test_workers_are_replaced_after_max_tasks_and_groups_read_as_they_finish() -> None:
    from pipeline.runner import WorkerPool

    with WorkerPool("os:getpid", workers=2, timeout=10, max_tasks=3) as pool:
        first, second = pool.group(), pool.group()
        for i in range(9):
            first.add(i, ())
        for i in range(4):
            second.add(("b", i), ())
        second.discard(("b", 3))  # a task nobody reads any more
        a = {o.key: o for o in first.outcomes()}
        b = {o.key: o for o in second.outcomes()}
    assert sorted(a) == list(range(9)) and all(o.kind == "ok" for o in a.values())
    assert sorted(b) == [("b", 0), ("b", 1), ("b", 2)]
    pids = {o.value for o in (*a.values(), *b.values())}
    assert len(pids) >= 4  # 12 tasks, at most 3 a worker: at least four workers served them
