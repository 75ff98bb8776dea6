"""The form definition and the identity registry: codes, labels, matchers, rules and the stages
derived from them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import form, record
from pipeline.form import editions, identities
from pipeline.load import seeds
from pipeline.quality import catalog, templates

REPO = Path(__file__).resolve().parents[1]


def test_record_codes_are_the_forms():
    assert [r.code for r in editions.APPLICATION_ROWS] == record.APPLICATION_ROWS
    assert len(record.APPLICATION_ROWS) == 25
    assert record.APPLICATION_ROW_LABELS["rejected_confirm"] == "5.要求行政机关确认或重新出具已获取信息"
    assert record.APPLICATION_ROW_GROUPS["rejected_petition"] == "不予处理"
    assert record.APPLICATION_ROW_FORMATS["other_no_fee"] == (2021,)
    assert len(record.DISPOSITION_ROWS[2021]) == 21 and len(record.DISPOSITION_ROWS[2019]) == 19
    assert record.PROACTIVE_ITEMS[2019]["normative_document"] == (
        "规范性文件",
        ["new_made", "new_published", "total_published"],
    )
    assert {"amount_10k_yuan", "amount_yuan"} == record.MONEY_MEASURES
    assert {"items_change"} == record.SIGNED_MEASURES


def test_one_group_naming_the_record_prefixes():
    """Sub-row codes start with their group's code; the seeds and dims use the same codes."""
    for row in editions.APPLICATION_ROWS:
        if row.code.split("_")[0] in ("denied", "unable", "rejected", "other"):
            assert row.code.startswith(row.group + "_")
    assert seeds.GROUP_CODES["不予处理"] == "rejected"
    dims = seeds.disposition().to_pylist()
    assert {d["group_code"] for d in dims if d["disposition_code"].startswith("rejected_")} == {"rejected"}
    assert "not_processed" not in {d["group_code"] for d in dims}


@pytest.mark.parametrize("row", editions.APPLICATION_ROWS, ids=lambda r: r.code)
def test_every_printed_label_names_its_row(row: editions.Row):
    assert form.match_row(row.label) == [row.code]
    for variant in form.ROW_VARIANTS[row.code]:
        assert form.match_row(variant) == [row.code]


def test_label_variants_seen_in_the_wild():
    assert form.match_row("2.其他法律法规禁止公开") == ["denied_law_prohibited"]
    assert form.match_row('3.危及"三安全一稳定"') == ["denied_three_safeties"]
    assert form.match_row("(一) 予以公开") == ["granted"]
    assert form.match_row("本机关不掌握") == ["unable_not_held"]
    assert form.match_row("行政复议") == []


def test_groups_and_items_by_their_words():
    assert form.match_group("（三）不予公开") == "denied"
    assert form.match_group("（五）不予处理") == "rejected"
    assert form.match_group("（六）其他") == "other"  # the words split over lines: the numeral names it
    assert form.match_group("（一）予以公开") is None
    assert form.match_item("行政规范性文件") == "normative_document"
    assert form.match_item("规范性文件") == "normative_document"
    assert form.match_item("政府集中采购") == "government_procurement"
    assert form.GROUP_ROWS["unable"] == ["unable_not_held", "unable_needs_creation", "unable_unclear"]


def test_rule_ids_are_stable_and_unique():
    ids = [r.rule_id for r in identities.RULES]
    assert len(ids) == len(set(ids)) == 15
    for r in identities.RULES:
        assert r.rule_id.isidentifier() and r.severity in identities.SEVERITIES
        assert r.expectations(), r.rule_id


def test_identity_terms_name_cells_of_the_form():
    for r in identities.RULES:
        if not r.is_identity:
            continue
        assert r.suite in {s.name for s in identities.SUITES}
        for t in (*r.expected, *r.observed):
            for edition in r.editions:
                if t.line is not None:
                    lines = set(identities.table_lines(r.table or "", edition))
                    assert t.line in lines or (
                        r.table == "applications" and t.line in record.APPLICATION_ROWS
                    )
                if t.column is not None:
                    assert t.column in identities.table_columns(r.table or "")


def test_equations_of_each_edition():
    eqs = identities.equations(2021)
    by_rule: dict[str, int] = {}
    for e in eqs:
        by_rule[e.rule_id] = by_rule.get(e.rule_id, 0) + 1
    assert by_rule == {"t3_balance": 7, "t3_disposition_sum": 7, "t3_row_total": 25, "t4_group_total": 3}
    disp_2019 = next(e for e in identities.equations(2019) if e.rule_id == "t3_disposition_sum")
    assert len(disp_2019.observed) == 19  # the 2021-only rows drop out of the 2019 sum
    cross = [e for e in identities.equations(2021, cross_year=True) if e.rule_id == "normative_stock_flow"]
    assert len(cross) == 1
    assert [(s, c) for s, c in cross[0].expected] == [
        (1, ("prior_year.proactive", "normative_document", "in_force")),
        (1, ("proactive", "normative_document", "issued")),
        (-1, ("proactive", "normative_document", "repealed")),
    ]
    values = {("applications", "new_received", "total"): 3, ("applications", "carried_over", "total"): 1}
    values |= {
        ("applications", "total_processed", "total"): 4,
        ("applications", "carried_forward", "total"): 0,
    }
    balance = next(e for e in eqs if e.rule_id == "t3_balance" and e.key == "total")
    assert balance.residual(values.get) == 0
    assert balance.residual(lambda c: None) is None


def test_every_identity_gets_a_frame_from_a_template():
    for r in identities.RULES:
        if r.is_identity:
            sql = templates.identity_frame_sql(r.rule_id)
            assert f"Check frame `{r.rule_id}`" in sql and "expected" in sql and "observed" in sql
    assert "2021" in templates.identity_frame_sql("normative_stock_flow").split("where")[-1]


def test_suites_carry_the_registry_code_lists():
    sets = {
        (s.name, e["kwargs"]["column"]): e["kwargs"]["value_set"]
        for s in catalog.suites()
        for e in s.expectations
        if e["meta"]["rule_id"] == "unknown_code"
    }
    assert sets[("fact_application", "disposition_code")] == record.APPLICATION_ROWS
    assert sets[("fact_review_litigation", "group_code")] == record.RL_GROUPS


def test_the_parser_reads_the_form():
    """The parser has no vocabulary of its own: its keys, variants, groups, items and markers are
    the form's, so a variant added to the form is read at once."""
    from pipeline.parse import labels, table2, table3, table4

    assert labels.GROUP_ROWS is form.GROUP_ROWS
    assert labels.match_rows("2.其他法律法规禁止公开") == ["denied_law_prohibited"]
    assert labels.match_item("行政规范性文件") == "normative_document"
    assert table3._STOP_WORDS is form.TABLE3_STOP_WORDS and table4._END is form.TABLE4_END_WORDS
    assert table2.MARKERS_2021.pattern == "|".join(form.EDITION_MARKERS[2021])
    assert {c.label for c in form.APPLICANT_COLUMNS} <= table3.HEADER_WORDS
    assert "勾稽关系" in form.TABLE_WORDS and "行政复议" in form.TABLE3_STOP_WORDS


def test_nothing_at_runtime_imports_synth_or_reportlab():
    """pipeline.synth and reportlab are dev-only: the CLI, the Dagster definitions and the check
    path never import them."""
    code = (
        "import sys\n"
        "import pipeline.cli, pipeline.report, pipeline.quality.check_cli, pipeline.quality.memory\n"
        "import pipeline.quality.gx_runner, pipeline.load.seeds\n"
        "from pipeline.definitions import defs\n"
        "defs()\n"
        "bad = [m for m in sys.modules if m.startswith(('pipeline.synth', 'reportlab', 'hypothesis'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
