"""``run_with_timeout``: one call in a worker process with a wall-clock limit.

Kept for callers that time one function (a test, a one-off); it is the shared process runner
(``pipeline/runner.py``) with one task, so there is one mechanism for killing a stuck parser.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class WorkerError(RuntimeError):
    """The function raised in the worker, or the worker died without an answer."""


def run_with_timeout(fn: Callable[..., T], *args: Any, seconds: float) -> T:
    """``fn(*args)`` in a worker process; its result, or TimeoutError after ``seconds``.

    ``fn`` must be importable by name (a module-level function). An exception in the worker is
    raised here as WorkerError (its type and message); a worker that dies raises WorkerError too.
    """
    from pipeline.runner import run_tasks

    (out,) = list(run_tasks(fn, [(None, args)], workers=1, timeout=seconds))
    if out.kind == "ok":
        return out.value
    if out.kind == "timeout":
        raise TimeoutError(f"gave up after {seconds:g} s")
    raise WorkerError(out.error or out.kind)
