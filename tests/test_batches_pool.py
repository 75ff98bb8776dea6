"""Many batches through one pool of workers (``pipeline/load/batches.py``): the generations are the
ones ``update_batch`` writes batch by batch, the workers start once for the whole run (not at all
when nothing is new), and a file's time limit and a worker's crash hold as in a batch alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from shard_support import PARSER, three_batches

from pipeline.load import batches as batches_mod
from pipeline.load import schemas, store
from pipeline.load.batch import ParseSettings, update_batch
from pipeline.load.batches import update_batches
from pipeline.load.layout import Layout
from pipeline.runner import WorkerPool

VOLATILE = {"parsed_at", "first_seen_at", "last_seen_at", "parse_seconds"}
SETTINGS = ParseSettings(parser=PARSER, parser_version="test-1", workers=2, timeout_s=3.0)


def _tables(layout: Layout, batch: str) -> dict[str, list[tuple[Any, ...]]]:
    gen = store.current(layout.batch_state(batch))
    assert gen is not None
    out = {}
    for name in schemas.GENERATION_TABLES:
        t = store.read_table(gen, name)
        cols = [c for c in t.column_names if c not in VOLATILE]
        out[name] = sorted(map(repr, zip(*(t[c].to_pylist() for c in cols), strict=True)))
    return out


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[WorkerPool]:
    started: list[WorkerPool] = []

    class Counted(WorkerPool):
        def __init__(self, *a: Any, **k: Any) -> None:
            super().__init__(*a, **k)
            started.append(self)

    monkeypatch.setattr(batches_mod, "WorkerPool", Counted)
    return started


def test_one_pool_writes_what_batch_by_batch_writes(tmp_path: Path, counted: list[WorkerPool]) -> None:
    raw = tmp_path / "raw"
    files = three_batches(raw)
    names = sorted(files)
    pooled = Layout.of(raw, tmp_path / "pooled")
    alone = Layout.of(raw, tmp_path / "alone")

    results = list(update_batches(pooled, names, SETTINGS))
    assert [r.batch for r in results] == names  # in order
    assert len(counted) == 1  # one set of workers for the three batches
    singles = [update_batch(alone, b, SETTINGS) for b in names]
    for r, s in zip(results, singles, strict=True):
        assert (r.parsed, r.reports, r.quarantined, r.timeouts, r.crashes, r.statuses) == (
            s.parsed,
            s.reports,
            s.quarantined,
            s.timeouts,
            s.crashes,
            s.statuses,
        )
        assert r.written and r.parsed == files[r.batch]
        assert _tables(pooled, r.batch) == _tables(alone, r.batch)
    by_batch = {r.batch: r for r in results}
    assert (by_batch["b"].timeouts, by_batch["b"].crashes) == (1, 1)  # the limit and the crash hold

    # next run: only the timeout and the crash are due again (one pool for them)
    again = list(update_batches(pooled, names, SETTINGS))
    assert len(counted) == 2
    assert [(r.batch, r.parsed) for r in again if r.parsed] == [("b", 2)]
    # nothing due: every batch answers from its plan, no worker is started
    ok = [b for b in names if b != "b"]
    assert [r.parsed for r in update_batches(pooled, ok, SETTINGS)] == [0, 0]
    assert len(counted) == 2


def test_no_file_to_parse_starts_no_worker(tmp_path: Path, counted: list[WorkerPool]) -> None:
    raw = tmp_path / "raw"
    (raw / "empty").mkdir(parents=True)
    layout = Layout.of(raw, tmp_path / "wh")
    assert [r.parsed for r in update_batches(layout, ["empty"], SETTINGS)] == [0]
    assert counted == []
