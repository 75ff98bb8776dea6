"""`ogi check`: the rules on files, printed per file or one JSON finding per line; exit code 0."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from quality_cases import cases
from quality_support import golden
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.quality import check_cli

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "raw" / "sample"
KEYS = {"file", "rule", "severity", "kind", "cells", "column", "expected", "observed", "message"}
runner = CliRunner()


def _stand_in(monkeypatch: pytest.MonkeyPatch, record_for) -> None:
    """Files parse to hand-built records (``record_for(path)``) instead of the parser's."""
    monkeypatch.setattr(check_cli, "parse_all", lambda files, **kw: (record_for(str(p)) for p in files))


def test_the_sample_batch_has_no_finding():
    result = runner.invoke(app, ["check", str(SAMPLE)])
    assert result.exit_code == 0
    assert result.stdout.count("no findings") == 5
    assert "5 files, 5 reports checked: 0 error and 0 warn findings" in result.stdout
    result = runner.invoke(app, ["check", "--json", str(SAMPLE)])
    assert result.exit_code == 0 and result.stdout == ""


def test_findings_as_json_lines_and_text(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    by_name = {c.name: c for c in cases()}
    records = {"a.txt": by_name["t4_parse_suspect"].record, "b.txt": by_name["fee_in_yuan"].record}
    for name in records:
        (tmp_path / name).write_text("stand-in", encoding="utf-8")
    _stand_in(monkeypatch, lambda path: records[Path(path).name])

    result = runner.invoke(app, ["check", "--json", str(tmp_path)])
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(set(line) == KEYS for line in lines)
    assert [(Path(x["file"]).name, x["rule"], x["severity"], x["kind"]) for x in lines] == [
        ("a.txt", "t4_group_total", "error", "parse_suspect"),
        ("b.txt", "fee_unit_plausible", "warn", "source"),
    ]
    assert lines[0]["cells"][-1] == "review_litigation.review.total"
    assert (lines[0]["expected"], lines[0]["observed"]) == (5.0, 3.0)

    text = runner.invoke(app, ["check", str(tmp_path)]).stdout
    assert "ERROR t4_group_total [parse_suspect]" in text and "WARN  fee_unit_plausible [source]" in text
    assert "2 files, 2 reports checked: 1 error and 1 warn findings" in text


def test_cross_year_across_the_files_given(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    carry = next(c for c in cases() if c.name == "carry_over")
    for i, _ in enumerate(carry.records):
        (tmp_path / f"{i}.txt").write_text("stand-in", encoding="utf-8")
    _stand_in(monkeypatch, lambda path: carry.records[int(Path(path).stem)])
    lines = [
        json.loads(x) for x in runner.invoke(app, ["check", "--json", str(tmp_path)]).stdout.splitlines()
    ]
    assert {(Path(x["file"]).name, x["rule"], x["severity"]) for x in lines} == {
        ("1.txt", "carry_over_link", "warn")
    }
    assert len(lines) == 2
    one = runner.invoke(app, ["check", "--json", str(tmp_path / "1.txt")])
    assert one.exit_code == 0 and one.stdout == ""  # without last year's report there is no link to check


def test_a_rendered_violation_through_the_parser(tmp_path: Path):
    synth = pytest.importorskip("pipeline.synth.records")
    from pipeline.synth.text import render_text

    rng = random.Random(11)
    bad, _ = synth.violate(synth.random_record(rng, 2021), rng, "t3_carry_both")
    (tmp_path / "report.txt").write_text(render_text(bad, "tabs"), encoding="utf-8")
    lines = [
        json.loads(x) for x in runner.invoke(app, ["check", "--json", str(tmp_path)]).stdout.splitlines()
    ]
    assert {x["rule"] for x in lines} == {"t3_balance"}
    assert {x["cells"][0].split(".")[-1] for x in lines} >= {"total"}


def test_bad_files_are_reported_not_fatal(tmp_path: Path):
    (tmp_path / "junk.pdf").write_bytes(b"\x00\x01garbage" * 50)
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 0 and "not checked" in result.stdout
    result = runner.invoke(app, ["check", "--json", str(tmp_path)])
    assert result.exit_code == 0 and result.stdout == ""
    assert runner.invoke(app, ["check", str(tmp_path / "missing.txt")]).exit_code != 0


def test_golden_with_repaired_cell_is_parse_suspect(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    rec = golden("004")
    rec["applications"]["rows"]["granted"][6] += 1
    rec["repairs"] = [{"where": "applications.granted.total", "why": "cell filled by the row identity"}]
    (tmp_path / "r.txt").write_text("stand-in", encoding="utf-8")
    _stand_in(monkeypatch, lambda path: rec)
    lines = [
        json.loads(x) for x in runner.invoke(app, ["check", "--json", str(tmp_path)]).stdout.splitlines()
    ]
    kinds = {(x["rule"], x["column"]): x["kind"] for x in lines}
    assert kinds[("t3_row_total", "total")] == "parse_suspect"
    assert kinds[("t3_disposition_sum", "total")] == "parse_suspect"


def test_a_report_that_lost_a_table_says_how_it_would_be_stored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    """No finding (the warehouse keeps it as partial, quarantined), but the reviewer is told."""
    lost = next(c for c in cases() if c.name == "lost_table").record
    (tmp_path / "r.txt").write_text("stand-in", encoding="utf-8")
    _stand_in(monkeypatch, lambda path: lost)
    text = runner.invoke(app, ["check", str(tmp_path)]).stdout
    assert "stored as partial: status ok but no value at all in review_litigation" in text
    assert "no findings" in text
