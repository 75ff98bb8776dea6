"""A small process pool with a time limit per task, for parsing files.

``concurrent.futures`` can stop *waiting* for a slow task but cannot stop the task: a worker stuck
in a pathological file stays stuck, and the pool can then never shut down. Here each worker has
its own pipe, the parent knows which task every worker is on, and a worker past its deadline is
killed and replaced; the task comes back as a timeout. A worker that dies (segfault in a C
library, out of memory) comes back as a crash. Nothing a task does can stop the others.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing as mp
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

__all__ = ["Outcome", "run_tasks"]


@dataclass
class Outcome:
    key: Any
    value: Any = None
    error: str | None = None  # set when the task raised, timed out or its worker died
    kind: str = "ok"  # ok | error | timeout | crash
    seconds: float = 0.0


def _resolve(target: str) -> Callable[..., Any]:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def _worker(conn: Connection, target: str) -> None:
    from pipeline.runtime import tune_gc_for_parsing

    fn = _resolve(target)
    tune_gc_for_parsing()  # a worker does nothing but parse: see pipeline/runtime.py
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            return
        key, args = msg
        t0 = time.perf_counter()
        try:
            reply = (key, "ok", fn(*args), time.perf_counter() - t0)
        except Exception as exc:  # the task's failure is data for the parent, not the worker's end
            reply = (key, "error", f"{type(exc).__name__}: {exc}", time.perf_counter() - t0)
        conn.send(reply)


class _Slot:
    """One worker process and the task it is on."""

    def __init__(self, ctx: Any, target: str) -> None:
        self.conn, child = ctx.Pipe()
        # not a daemon: a parser may start processes of its own (daemons may not have children);
        # a worker whose parent died sees its pipe close and exits
        self.proc = ctx.Process(target=_worker, args=(child, target))
        self.proc.start()
        child.close()
        self.key: Any = None
        self.started = 0.0
        self.busy = False

    def give(self, key: Any, args: tuple[Any, ...]) -> None:
        self.conn.send((key, args))
        self.key, self.started, self.busy = key, time.perf_counter(), True

    def stop(self, hard: bool = False) -> None:
        if hard:
            self.proc.kill()
        else:
            with contextlib.suppress(BrokenPipeError, OSError):
                self.conn.send(None)
        self.proc.join(timeout=None if hard else 2)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def run_tasks(
    target: str,
    tasks: Iterable[tuple[Any, tuple[Any, ...]]],
    workers: int,
    timeout: float,
) -> Iterator[Outcome]:
    """Run ``target(*args)`` (``"module:function"``) for each ``(key, args)`` in worker processes;
    yield an ``Outcome`` per task as it finishes (not in input order)."""
    queue = deque(tasks)
    if not queue:
        return
    ctx = mp.get_context("spawn")  # no fork: the caller (Dagster) has threads
    slots = [_Slot(ctx, target) for _ in range(max(1, min(workers, len(queue))))]
    try:
        while queue or any(s.busy for s in slots):
            for i, s in enumerate(slots):
                if not s.busy and queue:
                    if not s.proc.is_alive():  # died after its last answer
                        s.stop(hard=True)
                        slots[i] = s = _Slot(ctx, target)
                    s.give(*queue.popleft())
            busy = [s for s in slots if s.busy]
            now = time.perf_counter()
            wait_for = max(0.0, min(s.started + timeout for s in busy) - now)
            ready = set(wait([s.conn for s in busy] + [s.proc.sentinel for s in busy], timeout=wait_for))
            now = time.perf_counter()
            for i, s in enumerate(slots):
                if not s.busy:
                    continue
                outcome: Outcome | None = None
                if s.conn in ready:
                    try:
                        key, kind, value, secs = s.conn.recv()
                        ok = kind == "ok"
                        outcome = Outcome(key, value if ok else None, None if ok else value, kind, secs)
                    except (EOFError, OSError):
                        pass  # the worker died while answering: a crash, below
                if outcome is None and (s.conn in ready or s.proc.sentinel in ready):
                    s.proc.join(timeout=1)
                    error = f"parser process died (exit code {s.proc.exitcode})"
                    outcome = Outcome(s.key, None, error, "crash", now - s.started)
                elif outcome is None and now - s.started >= timeout:
                    error = f"time limit of {timeout:g} s exceeded"
                    outcome = Outcome(s.key, None, error, "timeout", now - s.started)
                if outcome is None:
                    continue
                if outcome.kind in ("crash", "timeout"):  # replace the worker
                    s.stop(hard=True)
                    slots[i] = _Slot(ctx, target)
                else:
                    s.busy = False
                yield outcome
    finally:
        for s in slots:
            s.stop(hard=s.busy)
