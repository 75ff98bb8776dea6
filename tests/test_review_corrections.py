"""Corrections that last: a reviewer corrects a cell and confirms a finding; the run applies both
over the parsed values; when the source file changes, the run says the correction no longer applies."""

from __future__ import annotations

import csv
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from test_review_pages import PLANTED, plant_second_year
from typer.testing import CliRunner

from pipeline.review.corrections import Correction, CorrectionError, read_corrections


def _run(raw: Path, wh: Path):
    from pipeline.load.run_cli import run_pipeline

    with dg.instance_for_test() as instance:
        s = run_pipeline(raw, wh, instance=instance, resource_config={"parse_workers": 1})
    assert s.success, s.errors
    return s


def _q(wh: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(wh / "ogi.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_correction_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from pipeline.cli import app

    corrections = tmp_path / "corrections"
    monkeypatch.setenv("OGI_CORRECTIONS_DIR", str(corrections))
    raw, wh = tmp_path / "raw", tmp_path / "wh"
    source = plant_second_year(raw)
    _run(raw, wh)
    rules = {r[0] for r in _q(wh, "select rule_id from quality_finding")}
    assert rules == {"t3_row_total", "t3_disposition_sum", "narrative_applications"}

    cli = CliRunner()
    common = ["--file", PLANTED, "--who", "王审核", "--warehouse", str(wh / "ogi.duckdb")]
    res = cli.invoke(
        app, ["correct", "applications.granted.total", "8", "--reason", "原文总计应为8", *common]
    )
    assert res.exit_code == 0, res.output
    res = cli.invoke(
        app, ["correct", "", "--confirm", "narrative_applications", "--reason", "正文确为4件", *common]
    )
    assert res.exit_code == 0, res.output
    rows, errors = read_corrections(corrections / "corrections.csv")
    assert errors == [] and [(c.action, c.cell, c.value) for c in rows] == [
        ("correct", "applications.granted.total", "8"),
        ("confirm", "", ""),
    ]

    s = _run(raw, wh)  # only the corrections file changed: the warehouse is rebuilt with it
    assert s.value("out_quality__findings", "corrections_applied") == 1
    assert _q(
        wh,
        'select "count", is_corrected from fact_application '
        "where disposition_code = 'granted' and applicant_code = 'total'",
    ) == [(8, True)]
    assert _q(wh, "select parsed_value, value, status from correction where action = 'correct'") == [
        (9.0, 8.0, "applied")
    ]
    assert _q(wh, "select rule_id, kind from quality_finding") == [("narrative_applications", "source")]
    assert _q(wh, "select status from correction where action = 'confirm'") == [("confirmed",)]
    assert _q(wh, "select granted from mart_agency_year") == [(8,)]
    # the parsed text is kept: provenance still shows the line as printed
    assert _q(wh, "select raw from cell_provenance where cell = 'applications.granted.total'") == [
        ("（一）予以公开 8 0 0 0 0 0 9",)
    ]

    source.write_text(source.read_text(encoding="utf-8") + "\n附：本报告已更正。\n", encoding="utf-8")
    s = _run(raw, wh)
    assert s.value("out_quality__findings", "corrections_report_changed") == 2
    status = _q(wh, "select status, detail from correction order by action desc")
    assert [r[0] for r in status] == ["report_changed", "report_changed"]
    assert PLANTED in status[0][1]
    assert "report_changed" in s.value("out_quality__findings", "corrections")
    assert {r[0] for r in _q(wh, "select rule_id from quality_finding")} == rules


def test_bad_rows_are_named_and_left_out(tmp_path: Path):
    path = tmp_path / "corrections.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["report_id", "cell", "value", "reason", "who", "action"])
        w.writerow(["abc", "applications.granted.total", "x", "typo", "me", "correct"])
        w.writerow(["abc", "applications.granted.total", "3", "", "me", "correct"])
        w.writerow(["abc", "granted", "3", "r", "me", "correct"])
        w.writerow(["abc", "applications.granted.total", "3", "r", "me", "correct"])
    rows, errors = read_corrections(path)
    assert [c.value for c in rows] == ["3"]
    assert [e.split(": ", 1)[1] for e in errors] == [
        "value 'x' is not a number",
        "reason and who are required",
        "cell 'granted' is not a table cell like applications.granted.total",
    ]
    with pytest.raises(CorrectionError):
        Correction(report_id="", cell="applications.granted.total", value="1", reason="r", who="w").validate(
            1
        )


def test_apply_corrections_statuses_on_a_small_warehouse(tmp_path: Path):
    """Every row gets a status: applied, already_correct, unknown_cell, report_changed, invalid."""
    from pipeline.review.corrections import apply_corrections

    con = duckdb.connect()
    con.execute("create table report (report_id varchar, path varchar, is_current boolean)")
    con.execute("insert into report values ('r1', 'b/a.txt', true), ('r0', 'b/a.txt', false)")
    con.execute(
        'create table fact_application (report_id varchar, disposition_code varchar, applicant_code varchar, "count" bigint, is_repaired boolean)'
    )
    con.execute(
        "insert into fact_application values ('r1', 'granted', 'total', 9, false), ('r1', 'denied_state_secret', 'total', 0, false)"
    )
    con.execute(
        'create table fact_review_litigation (report_id varchar, group_code varchar, outcome_code varchar, "count" bigint, is_repaired boolean)'
    )
    con.execute(
        "create table fact_proactive (report_id varchar, item_code varchar, measure_code varchar, value double, is_repaired boolean)"
    )
    path = tmp_path / "corrections.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["report_id", "path", "cell", "value", "reason", "who"])
        w.writerow(["r1", "b/a.txt", "applications.granted.total", "8", "原文为8", "王"])
        w.writerow(["r1", "b/a.txt", "applications.denied_state_secret.total", "0", "核对", "王"])
        w.writerow(["r1", "b/a.txt", "review_litigation.review.total", "1", "核对", "王"])
        w.writerow(["r0", "b/a.txt", "applications.granted.total", "3", "旧版", "王"])
        w.writerow(["r1", "b/a.txt", "applications.granted.total", "八", "typo", "王"])
    result = apply_corrections(con, path)
    assert result["counts"] == {
        "applied": 1,
        "already_correct": 1,
        "unknown_cell": 1,
        "report_changed": 1,
        "invalid": 1,
    }
    assert con.execute(
        "select \"count\", is_corrected from fact_application where disposition_code = 'granted'"
    ).fetchall() == [(8, True)]
    rows = dict(con.execute("select status, detail from correction").fetchall())
    assert "is now report r1" in rows["report_changed"]
    assert rows["invalid"].endswith("value '八' is not a number")
