"""A batch's parse in shards: plan on one machine, parse the shards anywhere, merge on one.

``update_batch`` (batch.py) decides what to parse, parses it through the runner and writes the new
generation. Split over machines, the same three things happen in three kinds of step:

- ``plan_batch``: what ``update_batch`` would parse — the very tasks it builds, captured where it
  hands them to the runner, before anything is written — cut into shards.
- ``parse_shard``: one shard through ``runner.run_tasks``, exactly as in process (a per-file time
  limit from when a worker takes the file, a killed or crashed worker is a ``timeout``/``crash``
  outcome, a memory cap), the outcomes saved to the shard store.
- ``merge_batch``: ``update_batch`` again, with the stored outcomes handed back where it asks the
  runner; a task no shard holds (a shard step that never ran, a file changed since the plan) is
  parsed right there. The generation written is therefore the one an in-process run writes.

The hand-over is ``update_batch``'s ``run`` argument: the plan passes one that captures the
tasks, the merge one that replays the stored outcomes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pipeline.load.batch import BatchResult, ParseSettings, update_batch
from pipeline.load.batches import plan_parse
from pipeline.load.layout import Layout
from pipeline.load.shard_store import ShardStore
from pipeline.runner import Outcome, run_tasks

Task = tuple[str, tuple[Any, ...]]
PARSE_TARGET = "pipeline.load.work:parse_file"


@dataclass
class Shard:
    """One slice of a batch's parse: what a step on some worker is handed."""

    batch: str
    index: int
    tasks: list[Task]


@dataclass
class ShardResult:
    batch: str
    index: int
    files: int
    kinds: dict[str, int]
    seconds: float  # wall time of the shard's parse
    parse_seconds: float  # sum of the files' own parse times (ok ones)
    path: str


def plan_batch(layout: Layout, batch: str, settings: ParseSettings) -> list[Task]:
    """The parse tasks ``update_batch`` would run for ``batch`` now (empty: nothing to parse)."""
    plan = plan_parse(layout, batch, settings)
    return [] if isinstance(plan, BatchResult) else plan


def cut(batch: str, tasks: list[Task], shard_files: int) -> list[Shard]:
    """Consecutive shards of at most ``shard_files`` tasks (sorted by key, so a plan is stable)."""
    ordered = sorted(tasks, key=lambda t: t[0])
    size = max(1, shard_files)
    return [Shard(batch, i, ordered[s : s + size]) for i, s in enumerate(range(0, len(ordered), size))]


def parse_shard(shard: Shard, settings: ParseSettings, store: ShardStore, run: str) -> ShardResult:
    """Parse one shard through the runner and store its outcomes atomically."""
    t0 = time.perf_counter()
    outcomes = list(
        run_tasks(
            PARSE_TARGET,
            shard.tasks,
            settings.n_workers(),
            settings.timeout_s,
            ordered=False,
            preload=("pipeline.report", settings.parser.partition(":")[0]),
        )
    )
    path = store.write(run, shard.batch, shard.index, outcomes)
    kinds: dict[str, int] = {}
    for o in outcomes:
        kinds[o.kind] = kinds.get(o.kind, 0) + 1
    return ShardResult(
        shard.batch,
        shard.index,
        len(outcomes),
        kinds,
        time.perf_counter() - t0,
        sum(o.seconds for o in outcomes if o.kind == "ok"),
        path,
    )


@dataclass
class MergeResult:
    result: BatchResult
    from_shards: int  # outcomes taken from the shard store
    parsed_here: int  # tasks no shard held, parsed in this step


def merge_batch(
    layout: Layout,
    batch: str,
    settings: ParseSettings,
    store: ShardStore | None = None,
    run: str = "",
    log: Callable[[str], None] = lambda _m: None,
) -> MergeResult:
    """``update_batch`` taking the shards' outcomes; without shards it is ``update_batch`` itself."""
    stored = store.read(run, batch) if store is not None else {}
    if not stored:
        return MergeResult(update_batch(layout, batch, settings, log=log), 0, 0)
    counts = {"stored": 0, "here": 0}

    def replay(target: str, tasks: Iterable[Task], *args: Any, **kwargs: Any) -> Iterator[Outcome]:
        missing = []
        for key, task_args in tasks:
            if key in stored:
                counts["stored"] += 1
                yield stored[key]
            else:
                missing.append((key, task_args))
        counts["here"] = len(missing)
        if missing:
            log(f"{batch}: {len(missing)} files in no shard; parsed here")
            yield from run_tasks(target, missing, *args, **kwargs)

    res = update_batch(layout, batch, settings, log=log, run=replay)
    store.clear(run, batch)  # type: ignore[union-attr]
    return MergeResult(res, counts["stored"], counts["here"])
