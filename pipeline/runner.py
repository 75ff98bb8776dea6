"""One process runner for everything that parses many files: ``ogi parse``, ``ogi check`` and the
pipeline's batch parse.

Why processes, and why this shape:

- A thread cannot be stopped, a process can: some PDFs make pdfminer spin for minutes, a C library
  can segfault, a zip bomb can eat the memory. Each file runs in a long-lived worker process
  (``pebble.ProcessPool``); a worker past a file's time limit is killed and replaced, a worker that
  dies comes back as a crash, and neither stops the other files.
- The clock of a file starts when a worker *takes* the file (pebble starts it on the worker's
  acknowledgement), not when it is queued, and the workers import the parser in their initializer
  before they take anything: on a loaded machine, a fresh worker's import time never counts
  against a healthy file.
- Workers are long-lived (spawned once per call, not once per file): starting an interpreter per
  file cost 45 ms a report, the parse itself about 3 ms.
- Every worker runs under an address-space cap (``resource.setrlimit(RLIMIT_AS)``), so a file that
  makes the parser allocate without end raises ``MemoryError`` in that worker (a failed record)
  instead of taking the machine down.
- Files are opened without following a FIFO's or device's promise of endless bytes: only regular
  files are read, up to a maximum size.

Public API: ``parse_files`` (records, input order) and ``run_tasks`` (any ``module:function``).
"""

from __future__ import annotations

import contextlib
import errno
import multiprocessing as mp
import os
import queue
import stat
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_WORKER_MEMORY",
    "Outcome",
    "TaskGroup",
    "WorkerPool",
    "display_path",
    "max_file_bytes",
    "parse_files",
    "parse_files_rendered",
    "path_problem",
    "read_limited",
    "run_tasks",
]

#: largest file read, in bytes ($OGI_MAX_FILE_BYTES); real reports are well under 50 MB
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
#: address space allowed to one worker, in bytes ($OGI_WORKER_MEMORY_MB)
DEFAULT_WORKER_MEMORY = 4 * 1024 * 1024 * 1024
#: tasks one worker runs before a fresh one takes over ($OGI_WORKER_MAX_TASKS): one pool serves a
#: whole run of 10⁵ reports, and whatever a parse leaves behind (a C library's leak, fragmented
#: arenas) must not grow with it; a replacement costs ~0.5 s of one core
DEFAULT_WORKER_MAX_TASKS = 5000
#: bytes + path -> record; $OGI_PARSER names another ("module:function"), as the pipeline's resource can
DEFAULT_PARSER = "pipeline.report:parse_bytes"
#: what the parse workers import before they take their first file
PARSE_PRELOAD = ("pipeline.report",)


def max_file_bytes() -> int:
    return int(os.environ.get("OGI_MAX_FILE_BYTES", DEFAULT_MAX_BYTES))


def worker_max_tasks() -> int:
    """Tasks a worker runs before it is replaced ($OGI_WORKER_MAX_TASKS; 0: never)."""
    return int(os.environ.get("OGI_WORKER_MAX_TASKS", DEFAULT_WORKER_MAX_TASKS))


def worker_memory_bytes() -> int:
    mb = os.environ.get("OGI_WORKER_MEMORY_MB")
    return int(mb) * 1024 * 1024 if mb else DEFAULT_WORKER_MEMORY


@dataclass
class Outcome:
    """What came back for one task."""

    key: Any
    value: Any = None
    error: str | None = None  # set when the task raised, timed out or its worker died
    kind: str = "ok"  # ok | error | timeout | crash
    seconds: float = 0.0


# --------------------------------------------------------------------------- worker side


def _init_worker(memory_bytes: int, preload: tuple[str, ...]) -> None:
    """Runs once in each worker before it takes a file: cap memory, import the code, tune GC."""
    import importlib
    import resource
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, which stops us
    if memory_bytes > 0:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    for module in preload:
        importlib.import_module(module)
    from pipeline.runtime import tune_gc_for_parsing

    tune_gc_for_parsing()  # a worker does nothing but parse: see pipeline/runtime.py


@cache
def _resolve(target: str) -> Callable[..., Any]:
    import importlib

    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def _call(target: str, args: tuple[Any, ...]) -> tuple[Any, float]:
    """One task in a worker: the target's result and the seconds it took there."""
    t0 = time.perf_counter()
    return _resolve(target)(*args), time.perf_counter() - t0


# --------------------------------------------------------------------------- parent side


def _target_name(target: str | Callable[..., Any]) -> str:
    if isinstance(target, str):
        return target
    return f"{target.__module__}:{target.__qualname__}"


def _outcome(key: Any, fut: Future, timeout: float, started: float) -> Outcome:
    from pebble import ProcessExpired

    try:
        value, secs = fut.result()
        return Outcome(key, value, None, "ok", secs)
    except TimeoutError:
        return Outcome(key, None, f"time limit of {timeout:g} s exceeded", "timeout", timeout)
    except ProcessExpired as exc:
        return Outcome(
            key,
            None,
            f"parser process died (exit code {exc.exitcode})",
            "crash",
            time.perf_counter() - started,
        )
    except Exception as exc:  # the task's own failure is data, not the runner's end
        return Outcome(key, None, f"{type(exc).__name__}: {exc}", "error", time.perf_counter() - started)


class WorkerPool:
    """Long-lived parse workers that several task streams share, one after another.

    ``run_tasks`` alone starts its workers and stops them when its tasks are done. A run over
    many batches would pay that (spawn, import of the parser, cold memo caches) once per batch
    and leave the workers idle while a batch's results are written; a ``WorkerPool`` held across
    the batches lets the next batch's files be queued (``schedule``) while the previous batch is
    still being absorbed, so the workers never wait for the parent."""

    def __init__(
        self,
        target: str | Callable[..., Any],
        workers: int | None = None,
        timeout: float = 60.0,
        *,
        memory_bytes: int | None = None,
        preload: tuple[str, ...] = (),
        max_tasks: int | None = None,
    ) -> None:
        from pebble import ProcessPool

        self.name = _target_name(target)
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.timeout = timeout
        self._limit = timeout if timeout and timeout > 0 else None
        self._pool = ProcessPool(
            max_workers=self.workers,
            # a worker is replaced after this many tasks: what parsing leaves behind (caches,
            # fragmented arenas, a C library's leaks) never grows with the length of a run
            max_tasks=worker_max_tasks() if max_tasks is None else max_tasks,
            initializer=_init_worker,
            # the target's module too: an import inside a task would count against its time limit
            initargs=(
                worker_memory_bytes() if memory_bytes is None else memory_bytes,
                (*preload, self.name.partition(":")[0]),
            ),
            context=mp.get_context("spawn"),  # no fork: the caller (Dagster, pytest) may have threads
        )

    def schedule(self, args: tuple[Any, ...]) -> tuple[Future, float]:
        """Queue one task; its clock starts when a worker takes it."""
        return self._pool.schedule(
            _call, args=(self.name, tuple(args)), timeout=self._limit
        ), time.perf_counter()

    def outcome(self, key: Any, fut: Future, started: float) -> Outcome:
        return _outcome(key, fut, self.timeout, started)

    def stream(
        self,
        tasks: Iterable[tuple[Any, tuple[Any, ...]]],
        *,
        ordered: bool = True,
        window: int | None = None,
    ) -> Iterator[Outcome]:
        """Outcomes of ``tasks``, in input order (``ordered``) or as they finish, with at most
        ``window`` in flight; stopping early cancels what is still queued."""
        window = window or max(64, self.workers * 64)
        source = iter(tasks)
        pending: deque[tuple[Any, Future, float]] = deque()

        def submit(task: tuple[Any, tuple[Any, ...]]) -> None:
            pending.append((task[0], *self.schedule(task[1])))

        try:
            for task in source:
                submit(task)
                if len(pending) >= window:
                    break
            while pending:
                if ordered:
                    key, fut, started = pending.popleft()
                else:
                    done, _ = wait([p[1] for p in pending], return_when=FIRST_COMPLETED)
                    i = next(i for i, p in enumerate(pending) if p[1] in done)
                    key, fut, started = pending[i]
                    del pending[i]
                out = self.outcome(key, fut, started)
                nxt = next(source, None)  # one finished, one more in flight
                if nxt is not None:
                    submit(nxt)
                yield out
        finally:
            for _key, fut, _t in pending:
                fut.cancel()

    def group(self) -> TaskGroup:
        """A set of tasks queued now whose outcomes are read later, as they finish."""
        return TaskGroup(self)

    def close(self) -> None:
        """Stop the workers now (never wait for a hung one)."""
        self._pool.stop()
        self._pool.join(timeout=10)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class TaskGroup:
    """Tasks queued on a ``WorkerPool`` together (one batch's files), read back as they finish.

    Each future reports to the group's own queue when it is done, so reading a thousand outcomes
    costs a thousand queue reads, not a wait over every pending future each time."""

    def __init__(self, pool: WorkerPool) -> None:
        self.pool = pool
        self._done: queue.SimpleQueue[tuple[Any, Future, float]] = queue.SimpleQueue()
        self._futures: dict[Any, Future] = {}
        self._unread = 0

    def add(self, key: Any, args: tuple[Any, ...]) -> None:
        fut, started = self.pool.schedule(args)
        self._futures[key] = fut
        self._unread += 1
        fut.add_done_callback(lambda f, key=key, started=started: self._done.put((key, f, started)))

    def __contains__(self, key: Any) -> bool:
        return key in self._futures

    def queued(self) -> list[Any]:
        return list(self._futures)

    def discard(self, key: Any) -> None:
        """Forget a task nobody will read (cancelled if it has not started)."""
        fut = self._futures.pop(key, None)
        if fut is not None:
            fut.cancel()
            self._unread -= 1

    def outcomes(self) -> Iterator[Outcome]:
        """Every task's outcome, as they finish."""
        while self._unread > 0:
            key, fut, started = self._done.get()
            if self._futures.get(key) is not fut:
                continue  # discarded
            self._unread -= 1
            yield self.pool.outcome(key, fut, started)

    def cancel(self) -> None:
        for key in list(self._futures):
            self.discard(key)


def run_tasks(
    target: str | Callable[..., Any],
    tasks: Iterable[tuple[Any, tuple[Any, ...]]],
    workers: int | None = None,
    timeout: float = 60.0,
    *,
    ordered: bool = True,
    memory_bytes: int | None = None,
    preload: tuple[str, ...] = (),
    window: int | None = None,
) -> Iterator[Outcome]:
    """Run ``target(*args)`` for each ``(key, args)`` in worker processes; yield an ``Outcome`` per
    task, in input order (``ordered``) or as tasks finish. ``timeout`` <= 0: no limit. At most
    ``window`` tasks are in flight, so a long input never piles up finished results in memory."""
    source = iter(tasks)
    first = next(source, None)
    if first is None:
        return  # no task, no worker
    n = max(1, workers or os.cpu_count() or 1)
    with contextlib.suppress(TypeError):
        n = min(n, len(tasks))  # type: ignore[arg-type]
    pool = WorkerPool(target, n, timeout, memory_bytes=memory_bytes, preload=preload)
    try:  # also when the caller stops early: kill the workers, never wait for them
        yield from pool.stream(_chain(first, source), ordered=ordered, window=window)
    finally:
        pool.close()


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


# --------------------------------------------------------------------------- files


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as text that is always valid UTF-8: bytes of a name that are not UTF-8 (kept by
    Python as lone surrogates) are written as ``\\xNN``, so the name stays readable and unique."""
    s = os.fspath(path)
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return os.fsencode(s).decode("utf-8", "backslashreplace")


def name_is_utf8(path: str | os.PathLike[str]) -> bool:
    return display_path(path) == os.fspath(path)


_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def _kind(mode: int) -> str:
    return next((what for test, what in _KINDS if test(mode)), "not a regular file")


def path_problem(
    path: str | os.PathLike[str], *, root: Path | None = None, max_bytes: int | None = None
) -> str | None:
    """Why a path must not be read (None when it is a regular file of a sane size), decided
    from ``lstat``/``stat`` alone: a FIFO or a device is never opened. With ``root``, a symlink
    must resolve inside it."""
    p = os.fspath(path)
    max_bytes = max_file_bytes() if max_bytes is None else max_bytes
    try:
        lst = os.lstat(p)
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or exc}"
    if stat.S_ISLNK(lst.st_mode):
        try:
            target = os.path.realpath(p, strict=True)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return "a symlink loop"
            return f"a dangling symlink (to {display_path(os.readlink(p))})"
        except RuntimeError:
            return "a symlink loop"
        if root is not None:
            real_root = os.path.realpath(root)
            if os.path.commonpath([real_root, target]) != real_root:
                return f"a symlink out of the raw folder (to {display_path(target)}); not followed"
        try:
            st = os.stat(p)
        except OSError as exc:
            return f"cannot read the symlink's target: {exc.strerror or exc}"
        if not stat.S_ISREG(st.st_mode):
            return f"a symlink to {_kind(st.st_mode)} ({display_path(target)}); not read"
    else:
        st = lst
        if not stat.S_ISREG(st.st_mode):
            return f"{_kind(st.st_mode)}, not a file; not read"
    if st.st_size > max_bytes:
        return f"file too large: {st.st_size} bytes, the limit is {max_bytes} ($OGI_MAX_FILE_BYTES)"
    return None


class FileRefused(OSError):
    """The file is not one to read (special, too large); the message says why."""


def read_limited(path: str | os.PathLike[str], max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file, at most ``max_bytes``: opened non-blocking (a FIFO swapped in
    after the check cannot block us) and checked again on the open descriptor."""
    max_bytes = max_file_bytes() if max_bytes is None else max_bytes
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileRefused(f"{_kind(st.st_mode)}, not a file; not read")
        if st.st_size > max_bytes:
            raise FileRefused(f"file too large: {st.st_size} bytes, the limit is {max_bytes}")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(max_bytes + 1)
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise FileRefused(f"file too large: more than {max_bytes} bytes")
    return data


def parse_path(path: str, shown: str, max_bytes: int, encode: str | None = None) -> Any:
    """Worker task: read one file safely and parse it into a record (never raises for bad input).
    With ``encode`` ("json" or "summary"), the worker also renders the output line, so that work
    is spread over the cores too: ``(status, line)`` comes back instead of the record."""
    from pipeline.report import failed_record

    try:
        data = read_limited(path, max_bytes)
    except OSError as exc:
        record = failed_record(shown, f"cannot read the file: {exc.strerror or exc}")
    else:
        record = _resolve(os.environ.get("OGI_PARSER") or DEFAULT_PARSER)(data, shown)
    return _finish(record, path, shown, encode)


def _finish(record: dict[str, Any], path: str, shown: str, encode: str | None) -> Any:
    if shown != path:
        record.setdefault("problems", []).append(
            "the file name is not valid UTF-8; its bytes are shown as \\xNN escapes"
        )
    if encode is None:
        return record
    return record.get("status") or "failed", render(record, encode)


def render(record: dict[str, Any], encode: str) -> bytes:
    """One record as ``ogi parse`` prints it: a JSON line or a summary, always valid UTF-8."""
    if encode == "json":
        import json

        text = json.dumps(record, ensure_ascii=False, default=str)
    else:
        from pipeline.summary import summarize_record

        text = summarize_record(record)
    return text.encode("utf-8", "backslashreplace") + b"\n"


def _record_for(outcome: Outcome, shown: str, timeout: float) -> dict[str, Any]:
    from pipeline.report import failed_record

    if outcome.kind == "ok":
        return outcome.value
    if outcome.kind == "timeout":
        return failed_record(shown, f"parse timed out after {timeout:g} s (per-file limit)")
    if outcome.kind == "crash":
        return failed_record(shown, f"the parser crashed on this file: {outcome.error}")
    return failed_record(shown, f"internal error while parsing: {outcome.error}")


def parse_files(
    paths: list[Path],
    *,
    timeout: float = 60,
    workers: int | None = None,
    progress: bool = False,
    max_bytes: int | None = None,
) -> Iterator[dict[str, Any]]:
    """One report record per path, in input order. A file that cannot be read, is not a regular
    file, is too large, times out or crashes its worker is a ``failed`` record saying why; a name
    that is not UTF-8 is shown with ``\\xNN`` escapes and said so in ``problems``."""
    yield from _parse_stream(paths, timeout, workers, progress, max_bytes, None)


def parse_files_rendered(
    paths: list[Path],
    encode: str,
    *,
    timeout: float = 60,
    workers: int | None = None,
    progress: bool = False,
    max_bytes: int | None = None,
) -> Iterator[tuple[str, bytes]]:
    """Like ``parse_files``, but ``(status, output line)`` per path, rendered in the workers."""
    yield from _parse_stream(paths, timeout, workers, progress, max_bytes, encode)


def _parse_stream(
    paths: list[Path],
    timeout: float,
    workers: int | None,
    progress: bool,
    max_bytes: int | None,
    encode: str | None,
) -> Iterator[Any]:
    from pipeline.report import failed_record

    max_bytes = max_file_bytes() if max_bytes is None else max_bytes
    names = [os.fspath(p) for p in paths]
    shown = [display_path(p) for p in names]
    refused = {i: path_problem(p, max_bytes=max_bytes) for i, p in enumerate(names)}
    tasks = [(i, (names[i], shown[i], max_bytes, encode)) for i in range(len(names)) if refused[i] is None]
    workers = workers or os.cpu_count() or 1
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(paths), unit="file", file=sys.stderr, smoothing=0.1)
    outcomes = run_tasks(
        "pipeline.runner:parse_path",
        tasks,
        min(workers, max(1, len(tasks))),
        timeout,
        preload=(*PARSE_PRELOAD, (os.environ.get("OGI_PARSER") or DEFAULT_PARSER).partition(":")[0]),
    )
    try:
        nxt = next(outcomes, None)
        for i in range(len(names)):
            if refused[i] is not None:
                item = _finish(failed_record(shown[i], refused[i]), names[i], shown[i], encode)
            else:
                assert nxt is not None and nxt.key == i
                if nxt.kind == "ok":
                    item = nxt.value
                else:
                    item = _finish(_record_for(nxt, shown[i], timeout), names[i], shown[i], encode)
                nxt = next(outcomes, None)
            if bar is not None:
                bar.update(1)
            yield item
    finally:
        outcomes.close()
        if bar is not None:
            bar.close()
