"""Many batches through one set of parse workers, the next batch queued while one is written.

``update_batch`` parses one batch through ``runner.run_tasks``, which starts its workers and stops
them when the batch is parsed. Over a night of many batches that costs, per batch, the workers'
start (an interpreter, the parser's import: 0.5-1 s on two cores), their memo caches going cold,
and the workers idling while the parent absorbs the batch's rows and writes its generation.

Here one ``WorkerPool`` serves the whole run. Before batch *k* is absorbed, batch *k+1*'s parse
tasks are planned (``update_batch`` itself decides them: the plan is captured where it hands
them to the runner, exactly as the sharded plan does, ``sharded.py``) and queued, so the workers
go on to them while the parent writes batch *k*. Every file keeps its own time limit from when a
worker takes it; a batch's generation is the one ``update_batch`` alone writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pipeline.load.batch import BatchResult, ParseSettings, update_batch
from pipeline.load.layout import Layout
from pipeline.runner import Outcome, TaskGroup, WorkerPool

Task = tuple[str, tuple[Any, ...]]
PARSE_TARGET = "pipeline.load.work:parse_file"


class _Planned(Exception):
    def __init__(self, tasks: list[Task]) -> None:
        super().__init__(f"{len(tasks)} tasks")
        self.tasks = tasks


@dataclass
class _Next:
    batch: str
    result: BatchResult | None = None  # the batch needed no parse: update_batch already answered
    group: TaskGroup | None = None  # its files, queued on the workers


def plan_parse(layout: Layout, batch: str, settings: ParseSettings) -> list[Task] | BatchResult:
    """The tasks ``update_batch`` would hand the runner for ``batch``, captured where it hands
    them over (nothing is written), or its result when it returns without asking (unchanged)."""

    def capture(_target: str, tasks: Iterable[Task], *_a: Any, **_k: Any) -> Iterator[Outcome]:
        raise _Planned(list(tasks))

    try:
        return update_batch(layout, batch, settings, run=capture)
    except _Planned as planned:
        return planned.tasks


def update_batches(
    layout: Layout,
    batches: Iterable[str],
    settings: ParseSettings,
    log: Callable[[str], None] = lambda _m: None,
) -> Iterator[BatchResult]:
    """``update_batch`` for each batch in order, with one pool of workers for all of them
    (started only if some batch has a file to parse), the next batch queued ahead."""
    pool: WorkerPool | None = None

    def prepare(batch: str) -> _Next:
        nonlocal pool
        plan = plan_parse(layout, batch, settings)
        if isinstance(plan, BatchResult):
            return _Next(batch, result=plan)
        if not plan:
            return _Next(batch)
        if pool is None:
            pool = WorkerPool(
                PARSE_TARGET,
                settings.n_workers(),
                settings.timeout_s,
                preload=("pipeline.report", settings.parser.partition(":")[0]),
            )
        group = pool.group()
        for key, args in plan:
            group.add(key, args)
        return _Next(batch, group=group)

    def replay(group: TaskGroup | None) -> Callable[..., Iterator[Outcome]]:
        def run(target: str, tasks: Iterable[Task], *_a: Any, **_k: Any) -> Iterator[Outcome]:
            assert target == PARSE_TARGET, target
            wanted = list(tasks)
            if not wanted:
                return
            assert pool is not None and group is not None, "a batch asked to parse what it did not plan"
            keys = {key for key, _ in wanted}
            for key, args in wanted:  # the same state gives the same plan; a file changed since is queued now
                if key not in group:
                    group.add(key, args)
            for key in group.queued():
                if key not in keys:
                    group.discard(key)
            yield from group.outcomes()

        return run

    source = iter(batches)
    try:
        first = next(source, None)
        current = prepare(first) if first is not None else None
        while current is not None:
            following = next(source, None)
            upcoming = prepare(following) if following is not None else None  # queued before we absorb
            if current.result is not None:
                yield current.result
            else:
                yield update_batch(layout, current.batch, settings, log=log, run=replay(current.group))
            current = upcoming
    finally:
        if pool is not None:
            pool.close()
