"""What a killed run leaves behind, cleaned at the start of the next one.

A run killed with ``kill -9`` (or an OOM kill, a reboot) cannot tell Dagster it ended: its status
stays STARTED and the ``duckdb_write`` slot its warehouse step claimed stays claimed, so every later
run waits for that slot forever and the nightly job stops, silently. It also leaves its working
warehouse file (``.build/<run_id>.duckdb``) behind.

Each run records who runs it (host, pid and the pid's start time, so a reused pid is not taken
for the same process) as run tags: ``ogi run`` for its process, every writing step for its
own. At the start of a run, a run that holds or waits for a slot and whose recorded processes are
all gone is marked failed with a message, its slots are freed and its working files deleted; the
new run logs what it released.
"""

from __future__ import annotations

import os
import shutil
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipeline.load.layout import Layout

#: run tags naming the process that runs the job, and the last writing step's process
RUN_PID, STEP_PID = "ogi/pid", "ogi/step_pid"
#: a run that recorded no process and is older than this is taken as dead (run monitoring marks
#: it failed after the same time: dagster.yaml max_runtime_seconds)
MAX_RUNTIME_S = 3 * 3600
POOLS = ("duckdb_write",)


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read().decode("ascii", "replace")
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def process_tag(pid: int | None = None) -> str:
    """``host:pid:start`` of a process (this one by default), for a run tag."""
    pid = pid or os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid) or ''}"


def tag_alive(tag: str) -> bool | None:
    """Whether the process a tag names still runs (None: it is on another host, cannot tell)."""
    host, _, rest = tag.partition(":")
    pid, _, start = rest.partition(":")
    if host != socket.gethostname():
        return None
    try:
        return _start_time(int(pid)) == start and bool(start)
    except ValueError:
        return None


def run_alive(instance: Any, run_id: str) -> bool:
    """Whether a run may still be running: not finished, and its processes (when recorded) alive."""
    run = instance.get_run_by_id(run_id)
    if run is None or run.is_finished:
        return False
    verdicts = [tag_alive(run.tags[k]) for k in (RUN_PID, STEP_PID) if run.tags.get(k)]
    if any(v is True for v in verdicts):
        return True
    if verdicts and all(v is False for v in verdicts):
        return False
    started = getattr(instance.get_run_record_by_id(run_id), "start_time", None)
    return not (started and time.time() - started > MAX_RUNTIME_S)


def mark_process(context: Any) -> None:
    """Record, as run tags, the process of this step and (once) the run's own process: the run
    worker, which is this step's parent under the multiprocess executor."""
    tags = {STEP_PID: process_tag()}
    run = context.instance.get_run_by_id(context.run_id)
    if run is not None and not run.tags.get(RUN_PID):
        parent = os.getppid()
        tags[RUN_PID] = process_tag(parent if "dagster" in _cmdline(parent) else os.getpid())
    context.instance.add_run_tags(context.run_id, tags)


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


@dataclass
class Released:
    runs: list[str] = field(default_factory=list)  # dead runs whose slots were freed
    files: list[str] = field(default_factory=list)  # stray build files deleted

    def message(self) -> str:
        parts = []
        if self.runs:
            parts.append(
                f"released the duckdb_write slot(s) of {len(self.runs)} dead run(s): {', '.join(self.runs)}"
            )
        if self.files:
            parts.append(f"deleted {len(self.files)} stray build file(s): {', '.join(self.files)}")
        return "; ".join(parts)


def recover(
    instance: Any, layout: Layout, current_run_id: str | None = None, log: Callable[[str], None] = print
) -> Released:
    """Free the slots of dead runs and delete working files no live run owns; say so in ``log``."""
    out = Released()
    storage = instance.event_log_storage
    holders: set[str] = set()
    if getattr(storage, "supports_global_concurrency_limits", False):
        for pool in POOLS:
            try:
                info = storage.get_concurrency_info(pool)
            except Exception:  # a storage without slots for this pool: nothing held
                continue
            holders |= {s.run_id for s in info.claimed_slots} | {p.run_id for p in info.pending_steps}
    for run_id in sorted(holders - {current_run_id}):
        if run_alive(instance, run_id):
            continue
        run = instance.get_run_by_id(run_id)
        if run is not None and not run.is_finished:
            instance.report_run_failed(
                run,
                f"the process running this run is gone (killed?); run {current_run_id or 'ogi run'} "
                "marked it failed and released its duckdb_write slot",
            )
        storage.free_concurrency_slots_for_run(run_id)
        out.runs.append(run_id)
    out.files = clean_build_dir(layout, lambda rid: rid == current_run_id or _maybe_alive(instance, rid))
    out.files += clean_state_tmp(layout)
    if out.runs or out.files:
        log(out.message())
    return out


def _maybe_alive(instance: Any, run_id: str) -> bool:
    """A run another instance knows (an ephemeral one in another process) cannot be checked here:
    its working file is left alone for MAX_RUNTIME_S (see ``clean_build_dir``)."""
    if instance.get_run_by_id(run_id) is None:
        return True
    return run_alive(instance, run_id)


#: a temporary generation nothing has written to for this long belongs to a dead run
STALE_TMP_S = 600


def clean_state_tmp(layout: Layout) -> list[str]:
    """Temporary generations (``facts/<batch>/.tmp-*``) a killed run left half-written. A live run
    writes its temporary generation in one go, so one untouched for STALE_TMP_S is stale."""
    if not layout.facts_dir.is_dir():
        return []
    now, gone = time.time(), []
    for tmp in sorted(layout.facts_dir.glob("*/.tmp-*")):
        try:
            paths = [tmp, *tmp.rglob("*")] if tmp.is_dir() else [tmp]
            newest = max(p.lstat().st_mtime for p in paths)
        except OSError:
            continue
        if now - newest > STALE_TMP_S:
            if tmp.is_dir():
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                tmp.unlink(missing_ok=True)
            gone.append(f"{tmp.parent.name}/{tmp.name}")
    return gone


def clean_build_dir(layout: Layout, alive: Callable[[str], bool]) -> list[str]:
    """Delete working files (``.build/<run_id>.duckdb`` and its WAL) of runs that are not alive,
    and the spill folder when no build is left."""
    build = layout.build_dir
    if not build.is_dir():
        return []
    gone = []
    now = time.time()
    for p in sorted(build.glob("*.duckdb*")):
        run_id = p.name.split(".duckdb", 1)[0]
        try:
            old = now - p.stat().st_mtime > MAX_RUNTIME_S
        except FileNotFoundError:
            continue
        if old or not alive(run_id):
            p.unlink(missing_ok=True)
            gone.append(p.name)
    if not any(build.glob("*.duckdb")):
        shutil.rmtree(build / "spill", ignore_errors=True)
    return gone
