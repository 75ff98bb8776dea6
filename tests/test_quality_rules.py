"""The rules on the one check path (records → in-memory warehouse → check frames → GX suites): one
violation, exactly its findings."""

from __future__ import annotations

import json

import pytest
from quality_cases import Case, cases
from quality_support import findings, golden, golden_records, renamed

from pipeline.form import identities
from pipeline.quality import catalog
from pipeline.quality.findings import FEE_MAX_10K_YUAN, canonical_cells, is_repaired
from pipeline.quality.frames import frame_sql
from pipeline.record import APPLICANT_COLUMNS, APPLICATION_ROWS, PROACTIVE_ITEMS, RL_COLUMNS, RL_GROUPS

CASES = cases()
CROSS_YEAR = {r.rule_id for r in identities.RULES if r.cross_year}


def all_findings(records: list) -> list:
    return findings(records)


def findings_for_record(record: dict) -> list:
    """The findings about one record checked on its own."""
    return [f for f in findings([record]) if f.report_id == record["source"]["sha256"]]


def cross_year_findings(records: list) -> list:
    return [f for f in findings(records) if f.rule_id in CROSS_YEAR]


@pytest.fixture(scope="module")
def case_findings() -> dict[str, list]:
    """Every case in one warehouse (each has an agency of its own), validated once."""
    out: dict[str, list] = {}
    for f in findings([r for c in CASES for r in c.records]):
        out.setdefault(f.report_id, []).append(f)
    return out


def _shape(findings: list) -> set[tuple]:
    return {(f.rule_id, f.cells, f.column_code, f.expected, f.observed, f.kind) for f in findings}


def _expected(case: Case) -> set[tuple]:
    return {
        (r, canonical_cells(c), col, None if e is None else float(e), None if o is None else float(o), k)
        for r, c, col, e, o, k in case.expected
    }


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_one_violation_gives_exactly_its_findings(case: Case, case_findings: dict[str, list]):
    found = case_findings.get(case.record["source"]["sha256"], [])
    assert _shape(found) == _expected(case)
    for f in found:
        rule = catalog.rule(f.rule_id)
        assert f.severity == rule.severity
        assert f.message and "\n" not in f.message


def test_every_rule_has_a_case():
    covered = {e[0] for c in CASES for e in c.expected}
    # duplicate_fact: warehouse only; lost_table, unknown_code, column_count: flatten quarantines a
    # report off the form's shape first (below), so they fire for the pipeline's own faults only
    # (tests/test_quality_dagster.py plants one in the flattening code)
    assert covered | {"duplicate_fact", "lost_table", "unknown_code", "column_count"} == set(catalog.rules())


def test_a_report_that_lost_a_table_is_stored_partial_not_ok():
    """Flatten keeps a report with status ok but a table without any value out of the ok reports
    (status partial, quarantined with the reason), so lost_table is the warehouse's backstop."""
    from quality_support import warehouse

    case = next(c for c in CASES if c.name == "lost_table")
    con = warehouse(case.records)
    status, problems = con.execute("select status, problems::varchar from report").fetchone()
    assert status == "partial" and "review_litigation" in problems


@pytest.mark.parametrize("name", ["unknown_item", "short_group", "short_row"])
def test_a_report_off_the_forms_shape_is_stored_partial_with_the_reason(name: str):
    from quality_support import warehouse

    case = next(c for c in CASES if c.name == name)
    con = warehouse(case.records)
    status, problems = con.execute("select status, problems::varchar from report").fetchone()
    assert status == "partial", problems
    assert "not on the form" in problems or "the form has" in problems, problems


def test_seed_goldens_break_no_rule():
    for record in golden_records():
        assert findings_for_record(record) == []


def test_seed_goldens_together_give_no_finding():
    assert all_findings(golden_records()) == []


def test_broken_carry_over_between_two_years_is_a_warning():
    y1 = golden("003")  # 周口市人民政府办公室 2021
    y2 = renamed(y1, "003-2022")
    y2["year"] = 2022
    y2["agency"]["name"] = "周口市政府办公室"  # the same agency, named differently
    rows = y2["applications"]["rows"]
    rows["carried_over"] = [c + 2 for c in rows["carried_forward"][:6]] + [rows["carried_forward"][6] + 12]
    y2["proactive"]["normative_document"].update(issued=0, repealed=0)  # stock unchanged
    found = cross_year_findings([y1, y2])
    assert {f.rule_id for f in found} == {"carry_over_link"}
    assert all(f.severity == "warn" and f.report_id == y2["source"]["sha256"] for f in found)
    assert {f.column_code for f in found} == set(APPLICANT_COLUMNS)
    total = next(f for f in found if f.column_code == "total")
    assert (total.expected, total.observed) == (rows["carried_forward"][6], rows["carried_forward"][6] + 12)
    assert "2021" in total.message
    assert cross_year_findings([y1, renamed(y1, "003-copy")]) == []  # same year: nothing to link


def test_the_last_record_of_an_agency_year_is_the_prior_one():
    y1 = golden("000")
    y1b = renamed(y1, "000-republished")
    y1b["applications"]["rows"]["carried_forward"] = [1, 0, 0, 0, 0, 0, 1]
    y2 = renamed(y1, "000-2022")
    y2["year"] = 2022
    y2["applications"]["rows"]["carried_over"] = [1, 0, 0, 0, 0, 0, 1]
    assert cross_year_findings([y1, y1b, y2]) == []
    assert len(cross_year_findings([y1b, y1, y2])) == 2


def test_non_reports_are_not_checked():
    rec = golden("000")
    rec["status"] = "not_a_report"
    rec["agency"]["name"] = None
    assert findings_for_record(rec) == []


def test_blank_cells_are_not_read_as_zero():
    rec = golden("000")
    rec["applications"]["rows"]["granted"][0] = None  # the row and the column cannot be summed
    assert findings_for_record(rec) == []


def test_repair_prefixes_mark_cells():
    assert is_repaired("applications.granted.total", {"applications.granted"})
    assert is_repaired("applications.granted.total", {"applications.granted.total"})
    assert not is_repaired("applications.granted_x.total", {"applications.granted"})
    assert not is_repaired("applications.granted.total", {"applications.granted.natural_person"})


# ----------------------------------------------------------------------------- the suites


def test_every_expectation_carries_its_meta():
    for suite in catalog.suites():
        assert suite.asset and suite.table
        for exp in suite.expectations:
            m = exp["meta"]
            assert m["rule_id"].isidentifier() and m["rule_id"] == m["rule_id"].lower()
            assert m["severity"] in ("error", "warn")
            assert isinstance(m["blocking"], bool)
            assert "\n" not in m["description"] and m["description"].endswith(".")
            assert any("\u4e00" <= ch <= "\u9fff" for ch in m["rule_zh"])
            assert "select" in frame_sql(m["frame"])


def test_structural_rules_block_and_source_rules_do_not():
    rules = catalog.rules()
    blocking = {r for r, rule in rules.items() if rule.blocking}
    assert blocking == {"duplicate_fact", "unknown_code", "column_count", "lost_table"}
    assert all(rules[r].severity == "error" for r in blocking)
    hard = {
        "t3_balance",
        "t3_disposition_sum",
        "t3_row_total",
        "t4_group_total",
        "nonnegative_integer",
        "report_identity",
    }
    soft = {
        "carry_over_link",
        "narrative_applications",
        "normative_stock_flow",
        "no_2019_rows_in_2021",
        "fee_unit_plausible",
    }
    assert {r for r in hard if rules[r].severity == "error"} == hard
    assert {r for r in soft if rules[r].severity == "warn"} == soft


def test_suite_code_lists_match_the_record_contract():
    sets = {}
    for suite in catalog.suites():
        for exp in suite.expectations:
            if (
                exp["type"] == "expect_column_values_to_be_in_set"
                and exp["meta"]["rule_id"] == "unknown_code"
            ):
                sets[(suite.name, exp["kwargs"]["column"])] = exp["kwargs"]["value_set"]
    assert sets[("fact_application", "applicant_code")] == APPLICANT_COLUMNS
    assert sets[("fact_application", "disposition_code")] == APPLICATION_ROWS
    assert sets[("fact_review_litigation", "group_code")] == RL_GROUPS
    assert sets[("fact_review_litigation", "outcome_code")] == RL_COLUMNS
    t2 = {f"{i}.{m}" for f in (2019, 2021) for i, (_, ms) in PROACTIVE_ITEMS[f].items() for m in ms}
    assert set(sets[("fact_proactive", "code")]) == t2


def test_fee_threshold_is_the_suites():
    exp = next(
        e for s in catalog.suites() for e in s.expectations if e["meta"]["rule_id"] == "fee_unit_plausible"
    )
    assert exp["kwargs"]["max_value"] == FEE_MAX_10K_YUAN == exp["meta"]["expected"]


def test_suites_are_plain_gx_json():
    for suite in catalog.suites():
        data = json.loads(suite.path.read_text(encoding="utf-8"))
        assert set(data) == {"name", "meta", "expectations"}
        assert data["name"] == suite.path.stem
