"""Property tests: a random record rendered as text in any layout parses back to the same record.

``pipeline.synth`` draws a record (the truth) and prints it the way text extraction gives real
reports (tabs, spaces, pipes, wrapped labels, blank lines, Kangxi radicals, dropped zeros, run-
together digits, markdown, a lost all-zero column); ``parse_bytes`` must give the truth back. A record with a deliberate
source error must come back *with* the error: the parser keeps what the source says.

Examples are seeds of ``random_record`` so a failure reproduces in one line:
``render_text(random_record(random.Random(seed)), layout)``. Hypothesis is derandomised for CI
and does not shrink (a smaller seed is not a simpler record).
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from pipeline.record import RL_GROUPS
from pipeline.report import parse_bytes
from pipeline.synth.records import random_record, violate
from pipeline.synth.text import LAYOUTS, render

ROUNDTRIP = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
seeds = st.integers(min_value=0, max_value=2**32 - 1)
encodings = st.sampled_from(["utf-8", "utf-8", "utf-8", "gb18030"])


def _same(a: Any, b: Any) -> bool:
    """Equal values; money compared as decimals (12372.0506 == 12372.0506, 1510 == 1510.0)."""
    if a is None or b is None:
        return a is b
    return Decimal(str(a)) == Decimal(str(b))


def table_diffs(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Every table value the parse got wrong, as 'where: expected != got'."""
    out: list[str] = []
    rows = got["applications"]["rows"]
    for code, vals in expected["applications"]["rows"].items():
        if rows.get(code) != vals:
            out.append(f"applications.{code}: {vals} != {rows.get(code)}")
    for g in RL_GROUPS:
        if got["review_litigation"][g] != expected["review_litigation"][g]:
            out.append(
                f"review_litigation.{g}: {expected['review_litigation'][g]} != {got['review_litigation'][g]}"
            )
    for item, measures in expected["proactive"].items():
        for m, v in measures.items():
            g = (got["proactive"].get(item) or {}).get(m)
            if not _same(v, g):
                out.append(f"proactive.{item}.{m}: {v} != {g}")
    return out


def meta_diffs(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    out = [f"{k}: {expected[k]} != {got[k]}" for k in ("year", "format_version") if expected[k] != got[k]]
    if got["agency"]["name"] != expected["agency"]["name"]:
        out.append(f"agency.name: {expected['agency']['name']} != {got['agency']['name']}")
    if got["narrative"] != expected["narrative"]:
        out.append(f"narrative: {expected['narrative']} != {got['narrative']}")
    return out


def _parse(rec: dict[str, Any], layout: str, encoding: str, seed: int) -> tuple[dict[str, Any], Any]:
    r = render(rec, layout)
    note(f"layout={layout} seed={seed} encoding={encoding} blanks={r.blanks} joined={r.joined} lost={r.lost}")
    note(f"style={r.style}")
    return parse_bytes(r.text.encode(encoding), "x.txt"), r


# layouts whose damage (lost or blank cells) can coincide with the broken identity
DAMAGED_AND_AMBIGUOUS = {"dropped_zero", "lost_column"}


def _fail(diffs: list[str], got: dict[str, Any], text: str) -> str:
    return "\n".join([*diffs[:12], f"problems: {got['problems'][:4]}", "--- text ---", text])


@pytest.mark.parametrize("layout", LAYOUTS)
@ROUNDTRIP
@given(seed=seeds, encoding=encodings)
def test_tables_roundtrip(layout, seed, encoding):
    rec = random_record(random.Random(seed))
    got, r = _parse(rec, layout, encoding, seed)
    diffs = table_diffs(rec, got)
    assert not diffs, _fail(diffs, got, r.text)


@pytest.mark.parametrize("layout", LAYOUTS)
@ROUNDTRIP
@given(seed=seeds, encoding=encodings)
def test_meta_and_narrative_roundtrip(layout, seed, encoding):
    rec = random_record(random.Random(seed))
    got, r = _parse(rec, layout, encoding, seed)
    diffs = meta_diffs(rec, got)
    assert not diffs, _fail(diffs, got, r.text)


@pytest.mark.parametrize("layout", LAYOUTS)
@ROUNDTRIP
@given(seed=seeds, encoding=encodings)
def test_status_ok_and_repairs_named(layout, seed, encoding):
    """A consistent record in any layout is fully recoverable: status ok, and every fill is a repair.

    A blank cell's repair must name that cell (``applications.<row>.<column>``): a row-level note or
    a repair naming a neighbour is a provenance error even when the value is right. A row that lost
    a cell (``lost_column``) needs a repair somewhere in the row.
    """
    rec = random_record(random.Random(seed))
    got, r = _parse(rec, layout, encoding, seed)
    assert got["status"] == "ok", _fail(got["problems"], got, r.text)
    where = {x["where"] for x in got["repairs"]}
    missing = [cell for cell in r.blanks if cell not in where]
    assert not missing, _fail([f"blank cells without a repair naming them: {missing}"], got, r.text)
    # which zero of a row was lost may be undecidable (a row of zeros): a repair anywhere in the row will do
    rows_repaired = {w.rsplit(".", 1)[0] for w in where} | where
    unreported = [cell for cell in r.lost if cell.rsplit(".", 1)[0] not in rows_repaired]
    assert not unreported, _fail([f"rows that lost a cell without a repair: {unreported}"], got, r.text)


@pytest.mark.parametrize("layout", LAYOUTS)
@ROUNDTRIP
@given(seed=seeds, encoding=encodings)
def test_a_source_error_is_kept(layout, seed, encoding):
    """The parser must not 'fix' a table that breaks an identity: the printed values come back.

    In ``dropped_zero``, ``concatenated`` and ``lost_column`` the renderer damages only what the
    identities that still hold can undo, so the truth stays unique there too.
    """
    rng = random.Random(seed)
    bad, description = violate(random_record(rng), rng)
    note(description)
    got, r = _parse(bad, layout, encoding, seed)
    diffs = table_diffs(bad, got)
    if layout in DAMAGED_AND_AMBIGUOUS:
        # A source error in a row that also lost or blanked cells can leave several readings of
        # the printed numbers equally plausible. The parser must then not claim success: any
        # difference from the printed table comes with status partial and a table-三 problem.
        # (Known limitation, see README: it may still misplace a value in such a row.)
        if diffs:
            assert got["status"] == "partial", _fail([description, *diffs], got, r.text)
            assert any("table 三" in p or "table 四" in p for p in got["problems"]), _fail(
                [description, *diffs], got, r.text
            )
    else:
        assert not diffs, _fail([description, *diffs], got, r.text)


# one variant pinned per case, so a failure names the mess that causes it
PINNED: dict[str, tuple[str, dict[str, Any]]] = {
    "tabs_grid": ("tabs", {"t3_grid": True, "trailing_cell": False}),
    "tabs_collapsed_spans": ("tabs", {"t3_grid": False, "trailing_cell": True}),
    "tabs_row_lost_leading_cells": ("tabs", {"lost_lead": "rejected_confirm"}),
    "pipes_one_label_column": ("pipes", {"pipe_labels": 1}),
    "spaces_group_heads_inline": ("spaces", {"group_heads": "inline", "prose_wrap": None}),
    "spaces_compact_headers": (
        "spaces",
        {"t3_header": "compact", "t4_header": "compact", "prose_wrap": None},
    ),
    "t4_three_lines_of_five": ("spaces", {"t4_values": "three_lines", "prose_wrap": None}),
    "t4_spaced_outcome_labels": ("tabs", {"t4_spaced_labels": True}),
    "label_variants_all": (
        "spaces",
        {
            "ascii_quotes": True,
            "comma_for_dunhao": True,
            "halfwidth_brackets": True,
            "law_variant": True,
            "spaced_prefix": True,
            "prose_wrap": None,
        },
    ),
    "wrap14_numbers_after": ("wrapped", {"label_wrap": 14, "numbers_at": "after", "spaced_prefix": False}),
    "wrap14_spaced_prefix": ("wrapped", {"label_wrap": 14, "spaced_prefix": True}),
    "wrap10_numbers_first": ("wrapped", {"label_wrap": 10, "numbers_at": "first", "spaced_prefix": False}),
    "wrap10_numbers_inline": ("wrapped", {"label_wrap": 10, "numbers_at": "inline", "spaced_prefix": False}),
    "prose_wrap_45": ("spaces", {"prose_wrap": 45}),
    "prose_unwrapped_distractor_first": ("tabs", {"distractor_first": True, "prose_wrap": None}),
    "narrative_chinese_numerals": ("tabs", {"cn_numerals": True}),
    "fee_printed_in_yuan": ("tabs", {"fee_in_yuan": True}),
    "fee_four_places_note": ("spaces", {"fee_note": True, "fee_four_places": True, "prose_wrap": None}),
    "procurement_yuan_suffix": ("spaces", {"procurement_unit": "yuan", "prose_wrap": None}),
    "procurement_wan_suffix": ("spaces", {"procurement_unit": "wan", "prose_wrap": None}),
    "procurement_head_in_wan": ("spaces", {"procurement_unit": "head", "prose_wrap": None}),
    "signed_change_plus": ("spaces", {"plus_sign": True, "prose_wrap": None}),
    "title_spaced": ("tabs", {"title": "spaced"}),
    "title_year_first": ("tabs", {"title": "year_first"}),
    "title_guanyu": ("tabs", {"title": "guanyu"}),
    "title_two_lines": ("tabs", {"title": "two_lines"}),
    "title_after_heading": ("spaces", {"title_after_heading": True, "prose_wrap": None}),
    "markdown_pipe_tables": ("markdown", {"table_mode": "pipe"}),
    "markdown_tab_tables": ("markdown", {"table_mode": "tab"}),
    "kangxi_everything": ("kangxi", {"kangxi": 1.0}),
    "dropped_zero_grid": ("dropped_zero", {"t3_grid": True, "trailing_cell": False}),
    "lost_column_every_row": ("lost_column", {"lost_from_results": False}),
    "lost_column_from_results_down": ("lost_column", {"lost_from_results": True}),
}
PINNED_SETTINGS = settings(ROUNDTRIP, max_examples=15)


@pytest.mark.parametrize("case", sorted(PINNED))
@PINNED_SETTINGS
@given(seed=seeds)
def test_pinned_variant_roundtrip(case, seed):
    """Tables, metadata and status survive one named variant (both formats, random records)."""
    layout, overrides = PINNED[case]
    rec = random_record(random.Random(seed))
    r = render(rec, layout, **overrides)
    note(f"case={case} seed={seed} render(random_record(random.Random(seed)), {layout!r}, **{overrides})")
    got = parse_bytes(r.text.encode("utf-8"), "x.txt")
    diffs = table_diffs(rec, got) + meta_diffs(rec, got)
    if got["status"] != "ok":
        diffs.append(f"status {got['status']}")
    assert not diffs, _fail(diffs, got, r.text)


@pytest.mark.xfail(strict=True, reason="known limitation: a source error in a row that also lost its column")
def test_known_limitation_source_error_where_a_column_was_lost() -> None:
    """Found by the property test above under another style seed (kept here, not hidden by the
    pinned seed): 商业企业 is lost from every row and (六)其他处理 carries a source error (+6 under
    法律服务机构). The parser places the row's 6 one column off and says ``ok``; it should at
    least say ``partial`` (table 三 problem) when the reading it chose breaks the column sums."""
    import json
    import zlib

    rng = random.Random(24735)
    bad, _description = violate(random_record(rng), rng)
    blob = json.dumps({**bad, "parser_version": "0.6.0"}, sort_keys=True, ensure_ascii=False, default=str)
    r = render(bad, "lost_column", rng=random.Random(zlib.crc32(f"lost_column|{blob}".encode())))
    got = parse_bytes(r.text.encode("gb18030"), "x.txt")
    diffs = table_diffs(bad, got)
    assert not diffs or got["status"] == "partial", diffs
