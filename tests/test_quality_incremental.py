"""Incremental validation: a run validates the reports that changed (and their cross-year
partners), carries the other findings over, and ends with exactly the tables, and the Dagster
check results, that a full validation of the same warehouse gives."""

from __future__ import annotations

import copy
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

from pipeline.synth.records import random_record
from pipeline.synth.text import render_text

Content = Callable[..., dict[str, list[tuple[Any, ...]]]]
IGNORE = {"parsed_at", "first_seen_at"}
#: bookkeeping of how the findings were made (mode, reason, reports validated), not findings
STATE = {"quality_state"}


@pytest.fixture(autouse=True)
def stable_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """The code part of the build fingerprint left out (a checkout may change between two runs of
    a test); every kind of change handled incrementally, however large its share."""
    from pipeline.load import warehouse
    from pipeline.quality import incremental

    monkeypatch.setattr(warehouse, "_BUILD_INPUTS", ())
    monkeypatch.setattr(warehouse, "_MAX_CHANGED_SHARE", 10.0)
    monkeypatch.setattr(incremental, "MAX_SCOPE_SHARE", 10.0)


def record(seed: int, year: int | None = None, agency: dict[str, Any] | None = None) -> dict[str, Any]:
    """A 2021-form record whose cells are drawn independently: identities fail (findings)."""
    rec = random_record(random.Random(seed), 2021, consistent=False)
    if year is not None:
        rec["year"] = year
    if agency is not None:
        rec["agency"] = copy.deepcopy(agency)
    return rec


def text(rec: dict[str, Any], seed: int) -> bytes:
    return render_text(rec, "spaces", rng=random.Random(seed)).encode("utf-8")


def run(raw: Path, wh: Path, **config: Any) -> tuple[str, dict[str, tuple[bool, int]]]:
    """One `ogi run`: its run id and every check's (passed, findings) as Dagster recorded it."""
    from pipeline.load.run_cli import run_pipeline

    with dg.instance_for_test() as instance:
        summary = run_pipeline(raw, wh, instance=instance, resource_config={"parse_workers": 2, **config})
        assert summary.success, summary
        records = instance.get_records_for_run(
            summary.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
        ).records
        checks = {}
        for r in records:
            ev = r.event_log_entry.dagster_event.event_specific_data
            checks[ev.check_name] = (ev.passed, ev.metadata["findings"].value)
        return summary.run_id, checks


def state(wh: Path) -> tuple[str, str, int]:
    with duckdb.connect(str(wh / "ogi.duckdb"), read_only=True) as con:
        return con.execute("select mode, reason, reports_validated from quality_state").fetchall()[0]


def quality_tables(warehouse_content: Content, wh: Path) -> dict[str, list[tuple[Any, ...]]]:
    tables = warehouse_content(wh / "ogi.duckdb", IGNORE)
    return {t: rows for t, rows in tables.items() if t not in STATE}


def test_incremental_validation_equals_full_validation(
    tmp_path: Path, warehouse_content: Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, wh = tmp_path / "raw", tmp_path / "wh"
    first = record(1, 2022)
    agency = first["agency"]
    batches = {
        "b1": {"a2022.txt": text(first, 1), **{f"r{i}.txt": text(record(10 + i), i) for i in range(3)}},
        # the same agency's next year: carry_over_link compares it with a2022 (in another batch)
        "b2": {"a2023.txt": text(record(2, 2023, agency), 2), "r0.txt": text(record(20), 20)},
        "b3": {f"r{i}.txt": text(record(30 + i), i) for i in range(3)},
    }
    for batch, files in batches.items():
        (raw / batch).mkdir(parents=True)
        for name, data in files.items():
            (raw / batch / name).write_bytes(data)
    _, checks_first = run(raw, wh)
    assert state(wh)[0] == "full"
    with duckdb.connect(str(wh / "ogi.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from quality_finding").fetchall()[0][0] > 0
        assert con.execute(
            "select count(*) from quality_finding where rule_id = 'carry_over_link'"
        ).fetchall()[0][0]

    # a batch added (with the agency's 2024 report), a batch changed (its 2022 report replaced:
    # the 2023 report in the unchanged b2 must be validated again), a batch removed
    (raw / "b4").mkdir()
    (raw / "b4" / "a2024.txt").write_bytes(text(record(4, 2024, agency), 4))
    (raw / "b4" / "r0.txt").write_bytes(text(record(40), 40))
    (raw / "b1" / "a2022.txt").write_bytes(text(record(5, 2022, agency), 5))
    shutil.rmtree(raw / "b3")
    _, checks_incremental = run(raw, wh)
    mode, reason, validated = state(wh)
    assert mode == "incremental", reason
    # b1 (its four files and the replaced a2022, kept as an earlier version), b2's a2023 (its
    # partner changed), b4 (2); b2's other report keeps its findings
    assert validated == 5 + 1 + 2
    incremental = quality_tables(warehouse_content, wh)
    assert incremental["quality_finding"]

    # nothing changed: the warehouse stays, the checks re-report the published findings
    _, checks_noop = run(raw, wh)
    assert checks_noop == checks_incremental

    # the same warehouse validated in full
    monkeypatch.setenv("OGI_QUALITY_FULL", "1")
    _, checks_full = run(raw, wh, rebuild=True)
    mode, reason, validated = state(wh)
    assert (mode, reason) == ("full", "a full rebuild was asked for")
    full = quality_tables(warehouse_content, wh)

    assert incremental.keys() == full.keys()
    assert [t for t in full if incremental[t] != full[t]] == []
    assert checks_incremental == checks_full
    assert checks_first != checks_full  # the changes did change what the checks say


def warehouse_job(raw: Path, wh: Path) -> None:
    """The warehouse job (it always builds, from the batches as they are)."""
    from pipeline.definitions import defs

    config = {"resources": {"ogi": {"config": {"raw_dir": str(raw), "warehouse_dir": str(wh)}}}}
    with dg.instance_for_test() as instance:
        job = defs().resolve_job_def("ogi_warehouse_job")
        assert job.execute_in_process(run_config=config, instance=instance).success


def test_nothing_to_validate_skips_great_expectations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild whose batches are all as validated: no report to validate, GX not run, the
    findings carried over whole."""
    from pipeline.quality import gx_runner

    raw, wh = tmp_path / "raw", tmp_path / "wh"
    (raw / "b1").mkdir(parents=True)
    for i in range(3):
        (raw / "b1" / f"r{i}.txt").write_bytes(text(record(60 + i), i))
    run(raw, wh)
    with duckdb.connect(str(wh / "ogi.duckdb"), read_only=True) as con:
        before = sorted(con.execute("select * from quality_finding").fetchall(), key=repr)

    def refuse(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("GX ran with nothing to validate")

    monkeypatch.setattr(gx_runner, "validate_warehouse_runner", refuse)
    warehouse_job(raw, wh)
    assert state(wh) == ("incremental", "0 batch(es) changed: 0 of 3 reports to validate", 0)
    with duckdb.connect(str(wh / "ogi.duckdb"), read_only=True) as con:
        assert sorted(con.execute("select * from quality_finding").fetchall(), key=repr) == before


def test_a_code_change_or_a_reviewers_correction_validates_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.load import warehouse
    from pipeline.review import corrections

    raw, wh = tmp_path / "raw", tmp_path / "wh"
    (raw / "b1").mkdir(parents=True)
    (raw / "b1" / "r.txt").write_bytes(text(record(70), 70))
    run(raw, wh)
    monkeypatch.setattr(warehouse.schemas, "LOAD_VERSION", "another")
    run(raw, wh)
    mode, reason, _ = state(wh)
    assert mode == "full" and "code" in reason
    (raw / "b2").mkdir()
    (raw / "b2" / "r.txt").write_bytes(text(record(71), 71))
    run(raw, wh)
    assert state(wh)[0] == "incremental"
    # a reviewer's confirmation or correction changes what the findings are
    monkeypatch.setattr(corrections, "digest", lambda *_a, **_k: b"a confirmation was added")
    run(raw, wh)
    mode, reason, _ = state(wh)
    assert mode == "full" and "corrections" in reason
