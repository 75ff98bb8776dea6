"""Incremental by content, idempotent, crash-safe, and readable by analysts at every moment."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

import pipeline.record
from pipeline.load import store, warehouse
from pipeline.load.run_cli import RunSummary, run_pipeline
from pipeline.report import parse_bytes
from pipeline.synth.records import random_record
from pipeline.synth.text import render_text

Content = Callable[..., dict[str, list[tuple[Any, ...]]]]
IGNORE_TIMES = {"parsed_at", "first_seen_at"}


def run(raw: Path, wh: Path, **config: Any) -> RunSummary:
    """The pipeline without the quality group (its own tests run it; here it only costs time), in a
    throw-away Dagster instance (never the developer's $DAGSTER_HOME)."""
    return run_pipeline(
        raw,
        wh,
        instance=dg.DagsterInstance.ephemeral(),
        resource_config={"parse_workers": 2, **config},
        quality=False,
    )


def new_report(seed: int) -> bytes:
    """A report of an agency-year the sample batch does not have."""
    rec = random_record(random.Random(seed), 2021)
    return render_text(rec, "spaces", rng=random.Random(seed)).encode("utf-8")


def count(path: Path, sql: str) -> Any:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


def test_second_run_parses_nothing_and_changes_nothing(
    sample_raw: Path, tmp_path: Path, warehouse_content: Content
) -> None:
    wh = tmp_path / "wh"
    first = run(sample_raw, wh)
    before = warehouse_content(wh / "ogi.duckdb")
    file_bytes = (wh / "ogi.duckdb").read_bytes()
    second = run(sample_raw, wh)
    assert first.success and second.success
    assert second.value("raw_ogi__files", "unchanged") == 5 and second.value("raw_ogi__files", "hashed") == 0
    assert second.value("core_ogi__reports", "parsed") == 0
    assert second.value("core_ogi__reports", "batches_written") == 0
    assert second.value("core_ogi__facts", "up_to_date") is True  # nothing to rebuild, nothing published
    assert "out_ogi__warehouse" not in second.metadata
    assert (wh / "ogi.duckdb").read_bytes() == file_bytes  # byte for byte
    assert warehouse_content(wh / "ogi.duckdb") == before

    forced = run(sample_raw, wh, rebuild=True)  # same inputs, rebuilt on request: same content
    assert forced.value("out_ogi__warehouse", "published") is True
    assert warehouse_content(wh / "ogi.duckdb") == before


def test_adding_one_file_parses_only_that_file(sample_raw: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    run(sample_raw, wh)
    (sample_raw / "sample" / "extra.txt").write_bytes(new_report(11))
    s = run(sample_raw, wh)
    assert (s.value("raw_ogi__files", "new"), s.value("raw_ogi__files", "unchanged")) == (1, 5)
    assert (s.value("core_ogi__reports", "parsed"), s.value("core_ogi__reports", "reused")) == (1, 5)
    assert count(wh / "ogi.duckdb", "select count(*) from report") == 6


def test_changed_and_removed_files(sample_raw: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    run(sample_raw, wh)
    files = sorted((sample_raw / "sample").iterdir())
    files[0].write_bytes(new_report(12))  # same path, new content
    files[1].unlink()
    s = run(sample_raw, wh)
    assert (s.value("raw_ogi__files", "changed"), s.value("raw_ogi__files", "removed")) == (1, 1)
    assert s.value("core_ogi__reports", "parsed") == 1
    # the overwritten file's earlier content stays as an earlier version (issue 14: versions are
    # kept with first and last seen); the removed file's report goes with it
    assert count(wh / "ogi.duckdb", "select count(*) from report") == 5
    assert count(wh / "ogi.duckdb", "select count(distinct report_id) from fact_application") == 5


def test_a_new_parser_version_reparses_everything(
    sample_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wh = tmp_path / "wh"
    run(sample_raw, wh)
    monkeypatch.setattr(pipeline.record, "PARSER_VERSION", "9.9.9-test")
    s = run(sample_raw, wh)
    assert s.value("raw_ogi__files", "due") == 5 and s.value("core_ogi__reports", "parsed") == 5
    assert count(wh / "ogi.duckdb", "select string_agg(distinct parser_version) from report") == "9.9.9-test"
    assert run(sample_raw, wh).value("core_ogi__reports", "parsed") == 0


def test_same_content_in_two_batches_counts_once(sample_raw: Path, tmp_path: Path) -> None:
    shutil.copytree(sample_raw / "sample", sample_raw / "recrawl")
    wh = tmp_path / "wh"
    assert run(sample_raw, wh).success
    assert count(wh / "ogi.duckdb", "select count(*) from report") == 5
    assert count(wh / "ogi.duckdb", "select min(n_copies) from report") == 2
    assert count(wh / "ogi.duckdb", "select count(*) from fact_application") == 5 * 25 * 7


def test_failure_mid_build_keeps_the_last_good_warehouse(
    sample_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warehouse_content: Content
) -> None:
    wh = tmp_path / "wh"
    run(sample_raw, wh)
    good = warehouse_content(wh / "ogi.duckdb")
    (sample_raw / "sample" / "extra.txt").write_bytes(new_report(13))

    def broken(*_a: Any, **_k: Any) -> None:
        raise RuntimeError("injected failure while building the marts")

    monkeypatch.setattr(warehouse, "build_marts", broken)
    failed = run(sample_raw, wh)
    assert not failed.success and any("injected failure" in e for e in failed.errors)
    assert warehouse_content(wh / "ogi.duckdb") == good  # untouched, and queryable
    monkeypatch.undo()

    rerun = run(sample_raw, wh)
    assert rerun.success and rerun.value("core_ogi__reports", "parsed") == 0  # parsed before the failure
    clean_raw = tmp_path / "clean" / "raw"
    shutil.copytree(sample_raw, clean_raw)
    run(clean_raw, tmp_path / "clean" / "wh")
    assert warehouse_content(wh / "ogi.duckdb", IGNORE_TIMES) == warehouse_content(
        tmp_path / "clean" / "wh" / "ogi.duckdb", IGNORE_TIMES
    )


KILL_DURING_COMMIT = """
import os, sys
from pipeline.load import store
from pipeline.load.run_cli import run_pipeline

real_commit = store.commit

def commit_then_die(state_dir, tmp):
    os.rename(tmp, state_dir / tmp.name[len(".tmp-"):])  # the generation is in place ...
    os._exit(9)                                           # ... and the process dies before the swap

store.commit = commit_then_die
run_pipeline(sys.argv[1], sys.argv[2], resource_config={"parse_workers": 1}, quality=False)
"""


def test_killed_between_writing_and_swapping_a_batch(
    sample_raw: Path, tmp_path: Path, warehouse_content: Content
) -> None:
    wh = tmp_path / "wh"
    run(sample_raw, wh)
    good = warehouse_content(wh / "ogi.duckdb")
    current = store.current(wh / "facts" / "sample")
    (sample_raw / "sample" / "extra.txt").write_bytes(new_report(14))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    env.pop("DAGSTER_HOME", None)
    killed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(KILL_DURING_COMMIT), str(sample_raw), str(wh)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == 9, killed.stderr[-2000:]
    assert store.current(wh / "facts" / "sample") == current  # the pointer still names the old generation
    assert warehouse_content(wh / "ogi.duckdb") == good

    rerun = run(sample_raw, wh)
    assert rerun.success and rerun.value("core_ogi__reports", "parsed") == 1
    gens = [p.name for p in (wh / "facts" / "sample").iterdir() if p.name.startswith("g-")]
    assert len(gens) == 2  # the current one and the one before; the orphan is gone
    clean_raw = tmp_path / "clean" / "raw"
    shutil.copytree(sample_raw, clean_raw)
    run(clean_raw, tmp_path / "clean" / "wh")
    assert warehouse_content(wh / "ogi.duckdb", IGNORE_TIMES) == warehouse_content(
        tmp_path / "clean" / "wh" / "ogi.duckdb", IGNORE_TIMES
    )


def test_analysts_read_the_published_file_while_a_build_runs(
    sample_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wh = tmp_path / "wh"
    run(sample_raw, wh)
    published = wh / "ogi.duckdb"
    old_session = duckdb.connect(str(published), read_only=True)  # an analyst's open session
    (sample_raw / "sample" / "extra.txt").write_bytes(new_report(15))
    seen: dict[str, Any] = {}
    real_build_marts = warehouse.build_marts

    def build_marts_with_readers(*args: Any, **kwargs: Any) -> dict[str, int]:
        with duckdb.connect(str(published), read_only=True) as con:  # a new read-only session mid-build
            seen["python"] = con.execute("select count(*) from report").fetchone()[0]
        cli = warehouse.cli_binary()
        if cli is not None:
            out = subprocess.run(
                [
                    str(cli),
                    "-readonly",
                    "-noheader",
                    "-list",
                    str(published),
                    "-c",
                    "select count(*) from mart_agency_year",
                ],
                capture_output=True,
                text=True,
            )
            seen["cli"] = out.stdout.strip() or out.stderr
        return real_build_marts(*args, **kwargs)

    monkeypatch.setattr(warehouse, "build_marts", build_marts_with_readers)
    assert run(sample_raw, wh).success
    assert seen["python"] == 5
    if "cli" in seen:
        assert seen["cli"] == "5"
    assert old_session.execute("select count(*) from report").fetchone()[0] == 5  # still its snapshot
    old_session.close()
    assert count(published, "select count(*) from report") == 6


def flaky_parse(data: bytes, path: str) -> dict[str, Any]:
    """A parser that hangs on one seed and kills its process on another (runs in the workers)."""
    if "000_" in path:
        time.sleep(600)
    if "001_" in path:
        os._exit(7)
    return parse_bytes(data, path)


def test_a_hanging_or_crashing_file_is_quarantined_not_fatal(sample_raw: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    t0 = time.perf_counter()
    s = run(sample_raw, wh, parser=f"{__name__}:flaky_parse", parse_timeout_s=2.0)
    assert s.success and time.perf_counter() - t0 < 60
    assert (s.value("core_ogi__reports", "timeouts"), s.value("core_ogi__reports", "crashes")) == (1, 1)
    with duckdb.connect(str(wh / "ogi.duckdb"), read_only=True) as con:
        reasons = dict(con.execute("select substr(path, 8, 3), reason from quarantine").fetchall())
        assert con.execute("select count(*) from report").fetchone()[0] == 3
    assert set(reasons) == {"000", "001"}
    assert "timed out" in reasons["000"] and "2 s" in reasons["000"]
    assert "crashed" in reasons["001"] and "exit code 7" in reasons["001"]
