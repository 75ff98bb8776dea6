"""Record -> HTML / DOCX / PDF -> pipeline.report.parse_bytes -> the same record.

The five seed goldens in every format (plain layout and two drawn variants), then at least 200
random records per format, both the 2019 and the 2021 forms, every variant drawn at random
(GBK pages without a charset, saved pages with menus, Word residue, tables split over two PDF
pages with and without a repeated header, fake-bold titles, punctuation variants ...).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.report import parse_bytes
from pipeline.synth.docx import render_docx
from pipeline.synth.html import render_html
from pipeline.synth.pdf import render_pdf
from pipeline.synth.records import random_record

GOLDEN = sorted((Path(__file__).parent / "fixtures" / "golden").glob("*.json"))
RENDER = {"html": render_html, "docx": render_docx, "pdf": render_pdf}
GROUPS = ("review", "litigation_direct", "litigation_after_review")


def differences(got: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """Every table cell, year, format and agency name that differs (empty: the round trip holds)."""
    out = []
    for code, values in want["applications"]["rows"].items():
        if got["applications"]["rows"].get(code) != values:
            out.append(f"applications.{code}: {got['applications']['rows'].get(code)} != {values}")
    for group in GROUPS:
        if got["review_litigation"][group] != want["review_litigation"][group]:
            out.append(
                f"review_litigation.{group}: {got['review_litigation'][group]} != {want['review_litigation'][group]}"
            )
    for item, measures in want["proactive"].items():
        for measure, value in measures.items():
            have = (got["proactive"].get(item) or {}).get(measure)
            if have != value:
                out.append(f"proactive.{item}.{measure}: {have} != {value}")
    for key in ("year", "format_version"):
        if got[key] != want[key]:
            out.append(f"{key}: {got[key]} != {want[key]}")
    if got["agency"]["name"] != want["agency"]["name"]:
        out.append(f"agency.name: {got['agency']['name']} != {want['agency']['name']}")
    return out


def round_trip(record: dict[str, Any], fmt: str, variant: int) -> dict[str, Any]:
    data = RENDER[fmt](record, variant=variant)
    return parse_bytes(data, f"report_{variant}.{fmt}")


@pytest.mark.parametrize("variant", [0, 3, 11])
@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem[:3])
def test_golden_round_trip(path: Path, fmt: str, variant: int):
    gold = json.loads(path.read_text(encoding="utf-8"))
    rec = round_trip(gold, fmt, variant)
    assert rec["source"]["format"] == fmt
    assert differences(rec, gold) == []
    assert rec["status"] == "ok", rec["problems"]
    assert rec["narrative"] == gold["narrative"]


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), form=st.sampled_from([2019, 2021]))
def test_random_records_round_trip(fmt: str, seed: int, form: int):
    record = random_record(random.Random(seed), form)
    variant = seed % 100_000  # every variant dimension drawn from the seed
    rec = round_trip(record, fmt, variant)
    assert differences(rec, record) == [], f"seed {seed}, format {form}, variant {variant}"
    assert rec["narrative"] == record["narrative"]
    assert rec["status"] == "ok", rec["problems"]
