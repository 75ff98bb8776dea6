"""The GX suites on the flattened warehouse frames give the same findings as the pure rules."""

from __future__ import annotations

import random

import pytest
from quality_cases import Case, cases
from quality_support import golden_records, warehouse

from pipeline.quality import catalog, gx_runner, store
from pipeline.quality.rules import all_findings

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


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_gx_gives_the_pure_findings(validated, case: Case):
    _, _, validation = validated
    rid = case.record["source"]["sha256"]
    gx = _by_report(validation.findings).get(rid, set())
    pure = {f for f in all_findings(case.records) if f.report_id == rid}
    assert gx == pure
    assert {f.rule_id for f in gx} == {e[0] for e in case.expected}


def test_no_expectation_errors_and_seeds_are_clean(validated):
    records, _, validation = validated
    assert all(not o.errors for o in validation.outcomes.values())
    seeds = {r["source"]["sha256"] for r in golden_records()}
    assert not [f for f in validation.findings if f.report_id in seeds]
    assert set(validation.outcomes) == set(catalog.rules())


def test_findings_of_all_records_are_equal_on_both_paths(validated):
    records, _, validation = validated
    assert set(validation.findings) == set(all_findings(records))


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


def test_random_synthetic_records_agree_on_both_paths():
    synth = pytest.importorskip("pipeline.synth.records")
    rng = random.Random(20261124)
    records = []
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
        if i % 5 == 0:  # the same agency a year later, carry-over and stock-flow linked or not
            nxt = synth.random_record(rng, rec["format_version"], consistent=True)
            nxt["agency"] = dict(rec["agency"])
            nxt["year"] = rec["year"] + 1
            nxt["source"] = {**rec["source"], "path": f"s{i}b.txt", "sha256": f"{i + 1000:064x}"}
            records.append(nxt)
    validation = gx_runner.validate(
        gx_runner.load_frames(warehouse(records), gx_runner.frames_for(catalog.suites()))
    )
    pure = all_findings(records)
    assert pure, "the violations gave no finding at all"
    assert set(validation.findings) == set(pure)


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
