"""Record -> warehouse rows: which rows exist, and which cells count as repaired."""

from __future__ import annotations

import random

from pipeline.load.flatten import flatten
from pipeline.record import APPLICATION_ROW_FORMATS, empty_record
from pipeline.synth.records import random_record


def _record(fmt: int, seed: int = 1) -> dict:
    rec = random_record(random.Random(seed), fmt)
    rec["source"] = {
        "path": "b/x.txt",
        "sha256": "ab" * 32,
        "format": "txt",
        "encoding": "utf-8",
        "bytes": 10,
    }
    rec["agency"] = {**rec["agency"], "name": "周口市人民政府办公室", "admin_code": "411600"}
    rec["status"] = "ok"
    return rec


def test_2021_report_has_every_row_and_column() -> None:
    out = flatten(_record(2021), "b", "b/x.txt", "v1")
    app = out["fact_application"]
    assert len(app["count"]) == 25 * 7
    assert set(app["agency_id"]) == {"411600:周口市政府办公室"}
    assert out["report"]["report_id"] == "ab" * 32 and out["quarantine"] is None
    assert len(out["fact_review_litigation"]["count"]) == 15


def test_2019_report_omits_rows_its_form_does_not_have() -> None:
    rec = _record(2019)
    rec["applications"]["rows"]["other_no_fee"] = [None] * 7  # a parser may carry them as nulls
    out = flatten(rec, "b", "b/x.txt", "v1")
    codes = set(out["fact_application"]["disposition_code"])
    assert codes == {c for c, f in APPLICATION_ROW_FORMATS.items() if 2019 in f}
    assert "other_no_fee" not in codes and "other_no_correction" not in codes


def test_repaired_cells_by_exact_path_or_prefix() -> None:
    rec = _record(2021)
    rec["repairs"] = [
        {"where": "applications.granted.total", "why": "filled"},
        {"where": "applications.carried_over", "why": "row re-read"},
        {"where": "proactive.regulation", "why": "x"},
    ]
    out = flatten(rec, "b", "b/x.txt", "v1")
    app = out["fact_application"]
    repaired = {
        (d, c)
        for d, c, r in zip(app["disposition_code"], app["applicant_code"], app["is_repaired"], strict=True)
        if r
    }
    assert ("granted", "total") in repaired and ("granted", "natural_person") not in repaired
    assert {c for d, c in repaired if d == "carried_over"} == set(rec["applications"]["columns"])
    pro = out["fact_proactive"]
    assert all(r == (i == "regulation") for i, r in zip(pro["item_code"], pro["is_repaired"], strict=True))


def test_partial_report_is_both_reported_and_quarantined() -> None:
    rec = _record(2021)
    rec["status"], rec["problems"] = "partial", ["table 四 not found"]
    out = flatten(rec, "b", "b/x.txt", "v1")
    assert out["report"]["status"] == "partial"
    assert out["quarantine"]["reason"] == "table 四 not found"


def test_failed_file_is_only_quarantined() -> None:
    rec = empty_record({"path": "b/y.pdf", "sha256": "cd" * 32, "format": None, "encoding": None, "bytes": 0})
    rec["problems"] = ["scanned PDF, no text layer"]
    out = flatten(rec, "b", "b/y.pdf", "v1")
    assert out["report"] is None
    assert out["quarantine"]["status"] == "failed" and "scanned" in out["quarantine"]["reason"]
    assert out["fact_application"]["count"] == []
