"""The 2019 trial format, and 2021-format reports that kept the 2019 table-三 layout."""

from __future__ import annotations

from pathlib import Path

from pipeline.report import parse_bytes

HANDMADE = Path(__file__).parent / "fixtures" / "handmade"


def parse(name: str) -> dict:
    path = HANDMADE / name
    return parse_bytes(path.read_bytes(), str(path))


def test_2019_format_tables():
    rec = parse("2019_format.txt")
    assert rec["status"] == "ok", rec["problems"]
    assert rec["format_version"] == 2019 and rec["year"] == 2020
    p = rec["proactive"]
    assert p["normative_document"] == {"new_made": 20, "new_published": 20, "total_published": 300}
    assert p["administrative_license"] == {"items_last_year": 100, "items_change": 5, "decisions": 4000}
    assert p["other_external_service"]["items_change"] == -1
    assert p["administrative_fee"] == {"items_last_year": 3, "items_change": 0}
    assert p["government_procurement"] == {"projects": 12, "amount_yuan": 34567800}  # 3456.78万元
    rows = rec["applications"]["rows"]
    assert rows["other_other"] == [1, 0, 0, 0, 0, 0, 1]  # the single （六）其他处理 row
    assert rows["other_no_correction"] == [None] * 7 and rows["other_no_fee"] == [None] * 7
    assert rows["total_processed"] == [8, 2, 0, 0, 0, 0, 10]
    assert rec["review_litigation"]["review"] == [1, 0, 0, 0, 1]
    assert rec["agency"]["province"] == "上海市" and rec["agency"]["admin_code"] == "310000"
    assert rec["narrative"] == {"items_published": 5000, "applications_received": 10}


def test_2021_table2_with_2019_table3_layout():
    rec = parse("mixed_2023.txt")
    assert rec["format_version"] == 2021  # table 二 says 2021
    assert rec["year"] == 2023
    rows = rec["applications"]["rows"]
    assert rows["other_other"] == [0] * 7
    assert rows["other_no_correction"] == [None] * 7
    assert rows["total_processed"] == [4, 0, 0, 0, 0, 0, 4]
    assert any("2019 layout" in p for p in rec["problems"])
