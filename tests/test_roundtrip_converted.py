"""Round trips through converter markdown and OCR text (issue 10, part 2; ``pipeline.synth.converted``).

A random record rendered as a PDF-to-markdown conversion (placeholder headers, one table per row,
shredded heads, labels apart from their numbers, a spurious header row, shifted cells) or as OCR
text (O/〇/l for digits, full-width digits, a misread character in a label, no title) must parse
back: every cell the renderer calls recoverable comes back equal; a cell it calls unrecoverable (a
lost row, a smudged cell) comes back null or equal. A record with a deliberate source error comes
back with the error kept, or with the cells null; never a wrong value under status ``ok``.
Seeds reproduce in one line: ``converted_rendering(random_record(random.Random(seed)), variant=seed)``.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from pipeline.report import parse_bytes
from pipeline.synth.converted import OCR_CONFUSIONS, PLACEHOLDERS, SMUDGE, converted_rendering
from pipeline.synth.records import broken_identities, random_record, violate
from pipeline.synth.runon import Rendering, diff_cells

# derandomised and not shrunk, like the other round trips: a seed is the whole example
ROUNDTRIP = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
seeds = st.integers(min_value=0, max_value=2**32 - 1)


def _parse(rec: dict[str, Any], seed: int, ocr: bool | None = None) -> tuple[dict[str, Any], Rendering]:
    r = converted_rendering(rec, variant=seed, ocr=ocr)
    note(f"seed={seed} notes={r.notes} unrecoverable={sorted(r.unrecoverable)}")
    return parse_bytes(r.data, "x.md"), r


def _fail(diffs: list[str], got: dict[str, Any], r: Rendering) -> str:
    return "\n".join([*diffs[:12], f"status={got['status']} problems={got['problems'][:4]}", "---", r.text])


@ROUNDTRIP
@given(seed=seeds)
def test_converted_roundtrip(seed: int) -> None:
    rec = random_record(random.Random(seed))
    got, r = _parse(rec, seed)
    diffs = diff_cells(rec, got, r.unrecoverable)
    assert not diffs, _fail(diffs, got, r)


@ROUNDTRIP
@given(seed=seeds)
def test_converted_source_error_kept_or_null(seed: int) -> None:
    rng = random.Random(seed)
    bad, description = violate(random_record(rng), rng)
    note(description)
    got, r = _parse(bad, seed)
    wrong = [d for d in diff_cells(bad, got, r.unrecoverable) if not d.endswith("got None")]
    if got["status"] == "ok":
        assert not wrong, _fail([description, *wrong], got, r)
    if not diff_cells(bad, got, set()):  # every cell read right: the break is kept
        assert broken_identities(got) == broken_identities(bad)


# ----------------------------------------------------------------------------- examples
def _fully_readable(fmt: int, ocr: bool, want: str) -> tuple[dict[str, Any], Rendering, int]:
    """The first seed whose rendering has ``want`` in its notes and no unrecoverable cell."""
    for seed in range(500):
        rec = random_record(random.Random(seed), fmt)
        r = converted_rendering(rec, variant=seed, ocr=ocr)
        if want in " ".join(r.notes) and not {p for p in r.unrecoverable if p != "agency.province"}:
            return rec, r, seed
    raise AssertionError(f"no seed renders {want}")


def test_renderer_marks_lost_rows_and_smudges() -> None:
    """Over many seeds, every ``■`` and every lost row is declared, and nothing else is."""
    for seed in range(60):
        rec = random_record(random.Random(seed))
        r = converted_rendering(rec, variant=seed)
        smudges = r.text.count(SMUDGE)
        lost = [n for n in r.notes if n.startswith("t3=") and "lost=None" not in n]
        cells = {p for p in r.unrecoverable if p != "agency.province"}  # province: not stated
        assert len(cells) == smudges + 7 * len(lost), (seed, r.notes)


def test_placeholder_digits_are_not_data() -> None:
    rec, r, seed = _fully_readable(2021, False, "t3=per_row")
    assert any(" | ".join(p[:3]) in r.text for p in PLACEHOLDERS)
    got = parse_bytes(r.data, "x.md")
    rows = rec["applications"]["rows"]
    for code in ("new_received", "granted", "total_processed", "carried_forward"):
        assert got["applications"]["rows"][code] == rows[code], (seed, code)


def test_labels_apart_from_numbers_read_by_order() -> None:
    rec, r, seed = _fully_readable(2021, False, "apart=不予公开")
    got = parse_bytes(r.data, "x.md")
    rows = rec["applications"]["rows"]
    for code in ("denied_state_secret", "denied_third_party", "denied_admin_query", "unable_not_held"):
        assert got["applications"]["rows"][code] == rows[code], (seed, code)


def test_ocr_text_without_title_keeps_agency_and_numbers() -> None:
    for seed in range(200):
        rec = random_record(random.Random(seed), 2019)
        r = converted_rendering(rec, variant=seed, ocr=True)
        if not r.text.startswith("# ") and not {p for p in r.unrecoverable if p != "agency.province"}:
            break
    got = parse_bytes(r.data, "x.md")
    assert got["agency"]["name"] == rec["agency"]["name"]
    assert got["year"] == rec["year"] and got["format_version"] == 2019
    assert got["review_litigation"]["review"] == rec["review_litigation"]["review"]
    assert got["applications"]["rows"]["total_processed"] == rec["applications"]["rows"]["total_processed"]


def test_ocr_misreads_use_the_confusion_table() -> None:
    rec = random_record(random.Random(2), 2021)
    texts = [converted_rendering(rec, variant=v, ocr=True).text for v in range(30)]
    assert any(OCR_CONFUSIONS["息"] in t for t in texts)  # 信息 read as 信怠 somewhere
    assert any("O" in t or "〇" in t for t in texts)
