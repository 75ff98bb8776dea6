"""The independent renderer's 60 reports (12 layouts, tests/fixtures/corpus) read cell for cell.

The corpus was written by a renderer that is not ours, so it checks the parser on layouts it
was not built around; the scorer is the project's outside scorer (tests/fixtures/score.py).
"""

from __future__ import annotations

import csv
import importlib.util
import json
from collections import defaultdict
from pathlib import Path

import pytest

from pipeline.report import parse_bytes

CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def _scorer():
    spec = importlib.util.spec_from_file_location(
        "ogi_score", Path(__file__).parent / "fixtures" / "score.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scored() -> dict[str, dict]:
    score = _scorer()
    layout = {
        r["file"]: r["layout"] for r in csv.DictReader((CORPUS / "manifest.csv").open(encoding="utf-8"))
    }
    out: dict[str, dict] = {}
    for path in sorted((CORPUS / "raw").iterdir()):
        rec = parse_bytes(path.read_bytes(), str(path))
        exp = json.loads((CORPUS / "expected" / f"{path.stem}.json").read_text(encoding="utf-8"))
        out[path.name] = {"layout": layout[path.name], "res": score.score_doc(exp, rec), "rec": rec}
    return out


def test_every_layout_reads_at_least_0_999(scored):
    by: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for item in scored.values():
        by[item["layout"]][0] += item["res"]["matched"]
        by[item["layout"]][1] += item["res"]["compared"]
    assert len(by) == 12
    low = {k: round(m / c, 4) for k, (m, c) in by.items() if m / c < 0.999}
    assert not low, low


def test_crawler_runon_exact(scored):
    runon = {name: item for name, item in scored.items() if item["layout"] == "crawler_runon"}
    assert len(runon) == 6
    for name, item in runon.items():
        assert item["res"]["mismatches"] == [], name


def test_crawler_runon_values_and_repairs(scored):
    rec = scored["015_crawler_runon.txt"]["rec"]
    rows = rec["applications"]["rows"]
    assert rows["new_received"] == [8, 1, 0, 0, 0, 0, 9]
    assert rows["denied_internal_affairs"] == [2, 0, 0, 0, 0, 0, 2]
    assert rows["total_processed"] == [7, 1, 0, 0, 0, 0, 8]
    assert rec["review_litigation"]["litigation_direct"] == [1, 0, 0, 0, 1]
    assert rec["agency"]["name"] == "桂林市人民政府办公室" and rec["agency"]["province"] == "广西壮族自治区"
    # every cut of a digit run is said
    assert any("8100009" in r["why"] for r in rec["repairs"])


def test_2019_signed_changes_run_in(scored):
    rec = scored["018_crawler_runon.txt"]["rec"]
    assert rec["proactive"]["other_external_service"] == {
        "items_last_year": 0,
        "items_change": 5,
        "decisions": 0,
    }
    assert rec["proactive"]["normative_document"] == {
        "new_made": 11,
        "new_published": 11,
        "total_published": 327,
    }
