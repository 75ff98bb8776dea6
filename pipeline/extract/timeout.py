"""A wall-clock limit per file: run a function in a child process and give up after N seconds.

Some PDFs make pdfminer spin for minutes (huge content streams, pathological fonts). A thread
cannot be stopped, a child process can: the CLI and the pipeline wrap each file's read in
``run_with_timeout`` so one such file costs seconds, not the batch. Linux 'fork' start: the child
inherits the imported modules, so starting it costs milliseconds, not an interpreter start.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class WorkerError(RuntimeError):
    """The function raised in the child, or the child died without an answer."""


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        result = ("ok", fn(*args))
    except BaseException as exc:  # report everything, including SystemExit, to the parent
        result = ("err", (type(exc).__name__, str(exc), traceback.format_exc()))
    try:
        conn.send(result)
    except Exception as exc:  # an unpicklable result
        conn.send(("err", (type(exc).__name__, f"result could not be sent back: {exc}", "")))
    finally:
        conn.close()


def run_with_timeout(fn: Callable[..., T], *args: Any, seconds: float) -> T:
    """``fn(*args)`` in a forked child; its result, or TimeoutError after ``seconds``.

    An exception in the child is raised here as WorkerError (its type, message and traceback in
    the message); a child that dies (segfault, OOM kill) raises WorkerError too.
    """
    ctx = multiprocessing.get_context("fork")
    parent_conn, child_conn = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child_conn, fn, args), daemon=True)
    proc.start()
    child_conn.close()  # so a dead child shows as EOF on our end
    answered = False
    try:
        if not parent_conn.poll(seconds):
            raise TimeoutError(f"gave up after {seconds:g} s")
        try:
            status, payload = parent_conn.recv()  # read before join: a big result fills the pipe
            answered = True
        except EOFError:
            proc.join(1)
            raise WorkerError(f"worker died without an answer (exit code {proc.exitcode})") from None
    finally:
        parent_conn.close()
        if answered:
            proc.join(1)  # it is on its way out; give it a moment to exit cleanly
        if proc.is_alive():
            proc.kill()
        proc.join(5)
    if status == "ok":
        return payload
    name, message, tb = payload
    raise WorkerError(f"{name}: {message}\n{tb}".rstrip())
