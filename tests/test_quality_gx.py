"""The one check path on the flattened warehouse frames: GX suites from the registry, findings into
the warehouse, Data Docs; and against the renderers' own reading of the registry (synth)."""

from __future__ import annotations

import random

import pytest
from quality_cases import cases
from quality_support import golden_records, warehouse

from pipeline.quality import catalog, generate, gx_runner, store

CASES = cases()


def _by_report(findings: list) -> dict[str, set]:
    out: dict[str, set] = {}
    for f in findings:
        out.setdefault(f.report_id, set()).add(f)
    return out


@pytest.fixture(scope="module")
def validated():
    """Every case and the seeds in one warehouse, validated once."""
    records = [r for c in CASES for r in c.records] + golden_records()
    con = warehouse(records)
    validation = gx_runner.validate_warehouse(con)
    return records, con, validation


def test_no_expectation_errors_and_seeds_are_clean(validated):
    records, _, validation = validated
    assert all(not o.errors for o in validation.outcomes.values())
    seeds = {r["source"]["sha256"] for r in golden_records()}
    assert not [f for f in validation.findings if f.report_id in seeds]
    assert set(validation.outcomes) == set(catalog.rules())


def test_duplicated_facts_and_reports_are_pipeline_errors():
    con = warehouse(golden_records()[:2])
    con.execute(
        "insert into fact_application select * from fact_application "
        "where disposition_code = 'granted' and applicant_code = 'total'"
    )
    con.execute("insert into report select * from report limit 1")
    validation = gx_runner.validate_warehouse(con)
    dup = validation.outcomes["duplicate_fact"]
    assert not dup.passed
    cells = {f.cells for f in dup.findings}
    assert ("applications.granted.total",) in cells and ("report_id",) in cells
    assert {f.kind for f in dup.findings} == {"pipeline"} and {f.severity for f in dup.findings} == {"error"}
    assert len([f for f in dup.findings if f.cells == ("applications.granted.total",)]) == 2  # one per report


# broken_identities (synth) names → (rule, column or line) of the finding the checks must give
_BROKEN = {"received": "t3_balance", "processed": "t3_disposition_sum"}


def _expected_from_synth(name: str) -> tuple[str, str]:
    kind, _, rest = name.partition(":")
    if kind == "col":
        col, _, which = rest.partition(":")
        return _BROKEN[which], col
    if kind == "row":
        return "t3_row_total", rest
    assert kind == "t4", name
    return "t4_group_total", rest


def _key(f) -> tuple[str, str]:
    if f.rule_id in ("t3_row_total", "t4_group_total"):
        return f.rule_id, f.cells[0].split(".")[1]
    return f.rule_id, f.column_code


def test_random_synthetic_records_give_the_identities_synth_breaks():
    """The renderers' reading of the registry (synth.broken_identities) and the SQL/GX path agree
    on every random record, broken on purpose or not."""
    synth = pytest.importorskip("pipeline.synth.records")
    rng = random.Random(20261124)
    records, broken = [], {}
    for i in range(40):
        rec = synth.random_record(rng, consistent=i % 4 != 0)
        if i % 3 == 0:
            rec, _ = synth.violate(rec, rng)
        rec["source"] = {
            "path": f"s{i}.txt",
            "sha256": f"{i:064x}",
            "format": "txt",
            "encoding": "utf-8",
            "bytes": 0,
        }
        records.append(rec)
        broken[rec["source"]["sha256"]] = {_expected_from_synth(n) for n in synth.broken_identities(rec)}
    validation = gx_runner.validate(
        gx_runner.load_frames(warehouse(records), gx_runner.frames_for(catalog.suites()))
    )
    hard = {"t3_balance", "t3_disposition_sum", "t3_row_total", "t4_group_total"}
    found: dict[str, set] = {rid: set() for rid in broken}
    for f in validation.findings:
        if f.rule_id in hard:
            found[f.report_id].add(_key(f))
    assert any(broken.values()), "the violations broke nothing"
    assert found == broken


def test_the_suite_files_are_the_registry():
    """expectations/*.json are written from the registry (python -m pipeline.quality.generate)."""
    assert generate.stale() == []


def test_empty_warehouse_validates_clean():
    validation = gx_runner.validate_warehouse(warehouse([]))
    assert validation.findings == []
    assert all(o.passed for o in validation.outcomes.values())


def test_findings_go_into_the_warehouse_and_replace_the_last_run(validated):
    records, _, validation = validated
    con = warehouse(records)
    for _ in range(2):
        counts = store.write_findings(con, validation.findings)
    assert counts["quality_finding"] == len(validation.findings)
    assert counts["quality_rule"] == len(catalog.rules())
    row = con.execute(
        "select rule_id, severity, kind, cells, column_code, expected, observed from quality_finding "
        "where rule_id = 't4_group_total' and kind = 'source'"
    ).fetchall()
    assert row == [
        (
            "t4_group_total",
            "error",
            "source",
            "review_litigation.review.upheld,review_litigation.review.corrected,review_litigation.review.other,"
            "review_litigation.review.pending,review_litigation.review.total",
            "total",
            5.0,
            3.0,
        )
    ]
    mart = dict(con.execute("select agency_name, n_findings from mart_quality").fetchall())
    assert mart["案例t4_group_total局"] == 1 and mart["川汇区人民政府"] == 0
    per_rule = con.execute(
        "select sum(n_findings) from mart_quality_rule where rule_id = 't3_balance'"
    ).fetchall()
    assert per_rule == [(2,)]


def test_data_docs_are_written_and_replaced(validated, tmp_path):
    _, _, validation = validated
    target = tmp_path / "data_docs"
    index = gx_runner.write_data_docs(validation, target, run_name="first")
    assert index == target / "index.html" and index.is_file()
    assert "t4_group_total" in "".join(p.read_text(encoding="utf-8") for p in target.rglob("*.html"))
    gx_runner.write_data_docs(validation, target, run_name="second")
    runs = {
        p.name for p in (target / "validations").rglob("*") if p.is_dir() and p.name in ("first", "second")
    }
    assert runs == {"second"}
    assert not list(tmp_path.glob(".data_docs*"))


def test_warehouse_validation_equals_whole_frames_in_memory(validated):
    """validate_warehouse computes the per-report frames once and the per-cell frames a year at a
    time; it must find exactly what validating every frame whole finds, checking the same rows."""
    _, con, validation = validated
    assert set(gx_runner.frames_for(catalog.suites())) >= gx_runner.PER_YEAR_FRAMES
    whole = gx_runner.validate(gx_runner.load_frames(con, gx_runner.frames_for(catalog.suites())))
    assert {f.key() for f in validation.findings} == {f.key() for f in whole.findings}
    assert len(validation.findings) == len(whole.findings) > 0
    assert {r: (o.checked, o.unexpected) for r, o in validation.outcomes.items()} == {
        r: (o.checked, o.unexpected) for r, o in whole.outcomes.items()
    }
    # the identity templates' rows are found by (report, row_key), their cells read for those only
    assert gx_runner.DuckDBFrames(con).key("t3_row_total") == ("report_id", "row_key")
    assert gx_runner.DuckDBFrames(con).key("lost_table") == ("report_id", "cells")
    assert any(f.rule_id == "t3_row_total" and len(f.cells) > 1 for f in validation.findings)
    years = con.execute("select count(distinct year) from report").fetchone()[0]
    labels = {name for _, name, _ in validation.results}
    assert years > 1 and {"fact_application-2021", "t3_row_total"} <= labels
