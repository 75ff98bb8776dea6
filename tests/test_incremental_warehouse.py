"""Incremental warehouse: a run that adds or changes a batch rewrites that batch's fact rows only,
and gives the very tables a full build of the same inputs gives."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

from pipeline.load.run_cli import RunSummary, run_pipeline
from pipeline.synth.records import random_record
from pipeline.synth.text import render_text

Content = Callable[..., dict[str, list[tuple[Any, ...]]]]
IGNORE = {"parsed_at", "first_seen_at"}


PLANS: list[Any] = []


@pytest.fixture(autouse=True)
def stable_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """The code part of the fingerprint left out: files of a working checkout may change between
    two runs of a test, which would (rightly) make the second build a full one (a version change
    is tested below). Every build's plan is kept in PLANS (the run executes in this process)."""
    from pipeline.load import warehouse

    monkeypatch.setattr(warehouse, "_BUILD_INPUTS", ())
    real = warehouse.plan_build

    def spy(*args: Any) -> Any:
        PLANS.append(real(*args))
        return PLANS[-1]

    PLANS.clear()
    monkeypatch.setattr(warehouse, "plan_build", spy)


def run(raw: Path, wh: Path, rebuild: bool = False) -> RunSummary:
    return run_pipeline(
        raw,
        wh,
        instance=dg.DagsterInstance.ephemeral(),
        resource_config={"parse_workers": 2, "rebuild": rebuild},
        quality=False,
    )


def report(seed: int) -> bytes:
    rec = random_record(random.Random(seed), 2021)
    return render_text(rec, "spaces", rng=random.Random(seed)).encode("utf-8")


def build_input(_path: Path) -> tuple[str, str, list[str]]:
    """How the last build started: (mode, reason, batches rewritten)."""
    plan = PLANS[-1]
    return ("incremental" if plan.incremental else "full", plan.reason, plan.changed)


def content(warehouse_content: Content, path: Path) -> dict[str, list[tuple[Any, ...]]]:
    return warehouse_content(path, IGNORE)


def test_incremental_build_equals_full_build(
    sample_raw: Path, tmp_path: Path, warehouse_content: Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.load import warehouse

    monkeypatch.setattr(warehouse, "_MAX_CHANGED_SHARE", 10.0)  # every kind of change, incrementally
    raw, wh = sample_raw, tmp_path / "wh"
    (raw / "b2").mkdir()
    for i in range(4):
        (raw / "b2" / f"r{i}.txt").write_bytes(report(100 + i))
    shutil.copy(
        raw / "sample" / "000_4ac70b03785c0971.txt", raw / "b2" / "copy_of_seed.txt"
    )  # one content, two batches
    run(raw, wh)
    assert build_input(wh / "ogi.duckdb")[0] == "full"  # nothing published before

    # a new batch, one file changed and one removed in b2, and the sample batch gone (the seed
    # copied into b2 is now kept from b2: a kept copy that moves to another batch)
    (raw / "b3").mkdir()
    for i in range(3):
        (raw / "b3" / f"n{i}.txt").write_bytes(report(200 + i))
    (raw / "b2" / "r0.txt").write_bytes(report(300))
    (raw / "b2" / "r1.txt").unlink()
    shutil.rmtree(raw / "sample")
    run(raw, wh)
    mode, reason, rewritten = build_input(wh / "ogi.duckdb")
    assert mode == "incremental", reason
    assert rewritten == ["b2", "b3", "sample"]
    with duckdb.connect(str(wh / "ogi.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from build_input").fetchone()[0] == 1
    incremental = content(warehouse_content, wh / "ogi.duckdb")

    # the same inputs (the same Parquet generations: a changed file keeps its earlier version as a
    # report version, so a fresh parse would not be the same input), built in full
    monkeypatch.setenv("OGI_WAREHOUSE_FULL", "1")
    run(raw, wh, rebuild=True)
    assert build_input(wh / "ogi.duckdb")[0] == "full"
    full = content(warehouse_content, wh / "ogi.duckdb")

    assert incremental.keys() == full.keys()
    assert [t for t in full if incremental[t] != full[t]] == []
    with duckdb.connect(str(wh / "ogi.duckdb"), read_only=True) as con:
        assert con.execute("select count(distinct batch) from report").fetchone()[0] == 2
        assert con.execute("select count(*) from report where batch = 'sample'").fetchone()[0] == 0
        kept = con.execute(
            "select count(*) from fact_application f join report r using (report_id)"
        ).fetchone()[0]
        assert kept == con.execute("select count(*) from fact_application").fetchone()[0] > 0


def test_code_change_or_many_changed_batches_build_in_full(sample_raw: Path, tmp_path: Path) -> None:
    from pipeline.load import warehouse
    from pipeline.load.layout import Layout

    raw, wh = sample_raw, tmp_path / "wh"
    run(raw, wh)
    layout = Layout.of(raw, wh)
    snap = warehouse.snapshot(layout)
    same = warehouse.plan_build(layout, snap, "0.3.0-same")
    assert not same.incremental and "code changed" in same.reason  # another parser version
    (raw / "b2").mkdir()
    (raw / "b2" / "r.txt").write_bytes(report(1))
    run(raw, wh)
    (raw / "b3").mkdir()
    (raw / "b3" / "r.txt").write_bytes(report(2))
    (raw / "b4").mkdir()
    (raw / "b4" / "r.txt").write_bytes(report(3))
    run(raw, wh)  # 2 of 4 batches changed: still incremental
    assert build_input(wh / "ogi.duckdb")[:2] == ("incremental", "2 of 4 batches changed")
    for name in ("b2", "b3", "b4"):
        (raw / name / "r.txt").write_bytes(report(hash(name) % 1000 + 10))
    run(raw, wh)  # 3 of 4 batches changed: a full build is as cheap
    mode, reason, _ = build_input(wh / "ogi.duckdb")
    assert mode == "full" and reason == "3 of 4 batches changed"
