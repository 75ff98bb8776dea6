"""PDF on pdfium first: the real published report read exactly, pdfium's geometry equal to
pdfplumber's, and pdfplumber used (and named) only where pdfium's view gives no table."""

from __future__ import annotations

import importlib.util
import io
import json
import random
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

import pipeline.extract.pdf as pdfmod
from pipeline.extract.pdf import read_pdf
from pipeline.report import parse_bytes
from pipeline.synth.layout import Variant
from pipeline.synth.pdf import render_pdf
from pipeline.synth.records import random_record

FIXTURES = Path(__file__).parent / "fixtures"
REAL = FIXTURES / "real" / "huaian_2024.pdf"


def _score() -> Any:
    spec = importlib.util.spec_from_file_location("score", FIXTURES / "score.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _edges(edges: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted(
        (e["orientation"] or "", *(round(e[k], 2) for k in ("x0", "x1", "top", "bottom"))) for e in edges
    )


def _pages(data: bytes) -> list[tuple[Any, Any]]:
    """(pdfium geometry, pdfplumber geometry) of every page of a PDF."""
    out = []
    pdf = pdfium.PdfDocument(data)
    with pdfplumber.open(io.BytesIO(data)) as pl:
        for i, page in enumerate(pdf):
            textpage = page.get_textpage()
            out.append((pdfmod.pdfium_geometry(page, textpage), pdfmod.plumber_geometry(pl.pages[i])))
            textpage.close()
    pdf.close()
    return out


# ----------------------------------------------------------------------------- the real report
def test_real_report_is_read_exactly_by_pdfium() -> None:
    rec = parse_bytes(REAL.read_bytes(), REAL.name)
    expected = json.loads((FIXTURES / "real" / "huaian_2024.json").read_text(encoding="utf-8"))
    score = _score().score_doc(expected, rec)
    assert (score["compared"], score["matched"]) == (204, 204), score["mismatches"]
    assert rec["status"] == "ok" and not any("pdfplumber" in p for p in rec["problems"])
    assert (
        rec["applications"]["rows"]["new_received"][-1]
        == expected["applications"]["rows"]["new_received"][-1]
    )
    pages = {v["page"] for k, v in rec["provenance"].items() if k.startswith("applications.")}
    assert pages == {4, 5}  # table 三 spans pages 4-5


def test_real_report_geometry_equals_pdfplumbers() -> None:
    for number, (ours, theirs) in enumerate(_pages(REAL.read_bytes()), 1):
        assert _edges(ours.edges) == _edges(theirs.edges), number
        a = [c for c in ours.chars if not c.text.isspace()]
        b = [c for c in theirs.chars if not c.text.isspace()]
        assert [c.text for c in a] == [c.text for c in b], number
        for x, y in zip(a, b, strict=True):  # pdfminer's box convention, to a tenth of a point
            assert all(abs(getattr(x, k) - getattr(y, k)) < 0.2 for k in ("x0", "x1", "top", "bottom")), (
                number,
                x.text,
            )


def test_real_report_lines_equal_the_pdfplumber_route() -> None:
    page = pdfmod._Page(number=4, text="", chars=1, ruled=True, tables=True)
    ours, theirs = _pages(REAL.read_bytes())[3]
    a, _ = pdfmod._table_page_lines(ours, page, 1)
    b, _ = pdfmod._table_page_lines(theirs, page, 1)
    assert [(ln.text, ln.raw, ln.cells) for ln in a] == [(ln.text, ln.raw, ln.cells) for ln in b]
    assert sum(1 for ln in a if ln.cells and len(ln.cells) >= 9) >= 10  # table 三's rows with their cells


def _glyphless_pages(data: bytes) -> set[int]:
    pdf = pdfium.PdfDocument(data)
    try:
        return {p.number for p in pdfmod._scan_pages(pdf) if p.glyphless}
    finally:
        pdf.close()


@pytest.mark.parametrize("variant", [1, 2, 5, 9, 13, 21])
def test_synthetic_variants_lines_equal_the_pdfplumber_route(variant: int) -> None:
    """Where pdfium has the glyphs (a CJK system font stands in for reportlab's STSong-Light) its
    geometry gives pdfplumber's lines; where it has none (no such font on the machine) it drops
    repeated chars, and the reader must hand those pages to pdfplumber."""
    data = render_pdf(random_record(random.Random(variant)), variant=variant)
    glyphless = _glyphless_pages(data)
    read = read_pdf(data)
    for number, (ours, theirs) in enumerate(_pages(data), 1):
        page = pdfmod._Page(number=number, text="", chars=1, ruled=True, tables=True)
        b, _ = pdfmod._table_page_lines(theirs, page, 1)
        if number in glyphless:
            got = [ln for ln in read.lines if ln.page == number and ln.cells]
            assert [ln.cells for ln in got] == [ln.cells for ln in b if ln.cells], number
            assert all(ln.reader.startswith("pdfplumber (pdfium has no glyphs") for ln in got), number
            continue
        a, _ = pdfmod._table_page_lines(ours, page, 1)
        assert [(ln.text, ln.cells) for ln in a] == [(ln.text, ln.cells) for ln in b], number


def test_real_report_has_its_glyphs() -> None:
    """A report that embeds its fonts is read by pdfium on any machine."""
    assert _glyphless_pages(REAL.read_bytes()) == set()


# ----------------------------------------------------------------------------- drawn tables
@pytest.fixture
def pdfium_route(monkeypatch: pytest.MonkeyPatch) -> None:
    """The drawn tables below use reportlab's STSong-Light, which no PDF embeds: on a machine
    without a CJK font pdfium has no glyphs for it and the reader hands such pages to pdfplumber
    (``pdf_pdfium.glyphless``). These tests are about pdfium's route, and their cells repeat no
    char a line below (what pdfium then drops), so it is taken whatever fonts the machine has."""
    monkeypatch.setattr(pdfmod, "glyphless", lambda _textpage: False)


def _font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


XS, YS = [72, 250, 400], [760, 730, 700]
CELLS = [["信息内容", "本年制发件数"], ["规章", "12"]]


def _cells(c: canvas.Canvas) -> None:
    c.drawString(80, 740, CELLS[0][0])
    c.drawString(258, 740, CELLS[0][1])
    c.drawString(80, 710, CELLS[1][0])
    c.drawString(258, 710, CELLS[1][1])


def _pdf(draw: Any, rotate: int = 0) -> bytes:
    """One page: a table-二 heading, a ruled 2 x 2 table drawn by ``draw(canvas)``, its cells."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(_font(), 10)
    c.drawString(72, 780, "二、主动公开政府信息情况")
    draw(c)
    c.setFont("STSong-Light", 10)
    _cells(c)
    c.showPage()
    c.save()
    data = buf.getvalue()
    if rotate:
        pdf = pdfium.PdfDocument(data)
        pdf[0].set_rotation(rotate)
        out = io.BytesIO()
        pdf.save(out)
        data = out.getvalue()
    return data


def _lines(c: canvas.Canvas) -> None:
    for x in XS:
        c.line(x, YS[-1], x, YS[0])
    for y in YS:
        c.line(XS[0], y, XS[-1], y)


def _cell_rects(c: canvas.Canvas) -> None:  # every cell a stroked rectangle
    for x0, x1 in zip(XS, XS[1:], strict=False):
        for y0, y1 in zip(YS[1:], YS, strict=False):
            c.rect(x0, y0, x1 - x0, y1 - y0, stroke=1, fill=0)


def _thin_filled_rects(c: canvas.Canvas) -> None:  # Word's borders: thin filled rectangles
    for x in XS:
        c.rect(x - 0.25, YS[-1], 0.5, YS[0] - YS[-1], stroke=0, fill=1)
    for y in YS:
        c.rect(XS[0], y - 0.25, XS[-1] - XS[0], 0.5, stroke=0, fill=1)


def _in_form(c: canvas.Canvas) -> None:  # the grid drawn once in a form XObject, placed shifted
    c.beginForm("grid")
    c.translate(10, -5)
    for x in XS:
        c.line(x - 10, YS[-1] + 5, x - 10, YS[0] + 5)
    for y in YS:
        c.line(XS[0] - 10, y + 5, XS[-1] - 10, y + 5)
    c.endForm()
    c.doForm("grid")


def _rounded_frame(c: canvas.Canvas) -> None:  # Bézier corners around the grid: curves, not lines
    _lines(c)
    c.roundRect(60, 690, 350, 80, 8, stroke=1, fill=0)


@pytest.mark.parametrize(
    "draw",
    [_lines, _cell_rects, _thin_filled_rects, _in_form, _rounded_frame],
    ids=lambda f: f.__name__.strip("_"),
)
@pytest.mark.usefixtures("pdfium_route")
def test_drawn_grids_read_by_pdfium_as_pdfplumber_reads_them(draw: Any) -> None:
    data = _pdf(draw)
    doc = read_pdf(data)
    assert [ln.cells for ln in doc.lines if ln.cells] == CELLS
    assert [ln.text for ln in doc.lines if not ln.cells] == ["二、主动公开政府信息情况"]
    assert doc.problems == []  # pdfium read it: no word of pdfplumber
    assert {ln.reader for ln in doc.lines if ln.cells} == {"pdfium"}
    ((ours, theirs),) = _pages(data)
    assert _edges(ours.edges) == _edges(theirs.edges)


@pytest.mark.usefixtures("pdfium_route")
def test_rotated_page_is_read_by_pdfplumber_and_says_so() -> None:
    doc = read_pdf(_pdf(_lines, rotate=90))
    assert not doc.fatal
    assert doc.problems == []  # which reader read the cells is provenance, not a problem
    assert {ln.reader for ln in doc.lines if ln.cells} == {
        "pdfplumber (pdfium cannot give this page's geometry (rotated page))"
    }
    assert sorted(c for ln in doc.lines if ln.cells for c in ln.cells) == sorted(
        c for row in CELLS for c in row
    )


@pytest.mark.usefixtures("pdfium_route")
def test_no_table_in_pdfiums_paths_falls_back_to_pdfplumber(monkeypatch: pytest.MonkeyPatch) -> None:
    real = pdfmod.edges_of
    monkeypatch.setattr(pdfmod, "edges_of", lambda subpaths: [])  # pdfium sees no ruling lines
    doc = read_pdf(_pdf(_lines))
    assert [ln.cells for ln in doc.lines if ln.cells] == CELLS
    assert {ln.reader for ln in doc.lines if ln.cells} == {"pdfplumber (pdfium's ruling lines give no table)"}
    monkeypatch.setattr(pdfmod, "edges_of", real)
    assert {ln.reader for ln in read_pdf(_pdf(_lines)).lines if ln.cells} == {"pdfium"}


@pytest.mark.usefixtures("pdfium_route")
def test_pdfium_geometry_failure_falls_back_to_pdfplumber(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any) -> Any:
        raise RuntimeError("odd path")

    monkeypatch.setattr(pdfmod, "_pdfium_subpaths", broken)
    doc = read_pdf(_pdf(_lines))
    assert [ln.cells for ln in doc.lines if ln.cells] == CELLS
    assert {ln.reader for ln in doc.lines if ln.cells} == {
        "pdfplumber (pdfium's geometry failed (RuntimeError: odd path))"
    }


@pytest.mark.usefixtures("pdfium_route")
def test_a_few_unmapped_glyphs_are_dropped_and_the_cells_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    real = pdfmod._pdfium_chars

    def one_unmapped(*args: Any) -> tuple[list[dict[str, Any]], int]:
        chars, unmapped = real(*args)
        return chars, unmapped + 1  # a bullet in a symbol font without a Unicode map

    monkeypatch.setattr(pdfmod, "_pdfium_chars", one_unmapped)
    doc = read_pdf(_pdf(_lines))
    assert doc.problems == [] and [ln.cells for ln in doc.lines if ln.cells] == CELLS


def test_table_split_over_pages_with_fake_bold_read_by_pdfium() -> None:
    record = random_record(random.Random(3), 2021)
    data = render_pdf(record, variant=Variant(split_t3="repeat", split_after=9, fake_bold=True))
    doc = read_pdf(data)
    assert doc.problems == []
    rows = [ln for ln in doc.lines if ln.cells and len(ln.cells) == 10 and ln.cells[-1].isdigit()]
    assert len(rows) == 25 and len({ln.page for ln in rows}) == 2
    assert [int(v) for v in rows[2].cells[-7:]] == record["applications"]["rows"]["granted"]


def test_pages_pdfium_has_no_glyphs_for_are_read_by_pdfplumber(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a CJK font on the machine (forced here, whatever the machine has), every page of a
    report that does not embed its font is read by pdfplumber: the cells pdfium would cut short
    ('商业企' for '商业企业') are whole and the prose is there too, named in provenance."""
    monkeypatch.setattr(pdfmod, "glyphless", lambda _textpage: True)
    record = random_record(random.Random(1))
    doc = read_pdf(render_pdf(record, variant=1))
    heads = [ln.cells for ln in doc.lines if ln.cells and "社会公益组织" in ln.cells]
    assert heads and all("商业企业" in cells and "科研机构" in cells for cells in heads)
    assert {ln.reader for ln in doc.lines} == {f"pdfplumber ({pdfmod.GLYPHLESS})"}
    assert any(record["agency"]["name"] in ln.text for ln in doc.lines if not ln.cells)
    assert parse_bytes(render_pdf(record, variant=1), "r.pdf")["status"] in ("ok", "partial")


def test_paths_walked_through_pypdfium2_where_pdfiums_handle_is_not_at_hand(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same walk over pypdfium2's declared functions gives the same subpaths."""
    import pipeline.extract.pdf_pdfium as pdfium_mod

    data = REAL.read_bytes()
    pdf = pdfium.PdfDocument(data)
    try:
        fast = [pdfium_mod.pdfium_subpaths(p, p.get_mediabox()[0], p.get_mediabox()[3]) for p in pdf]
        calls = pdfium_mod._Calls()
        calls.lib = None
        monkeypatch.setattr(pdfium_mod, "_calls", calls)
        bound = [pdfium_mod.pdfium_subpaths(p, p.get_mediabox()[0], p.get_mediabox()[3]) for p in pdf]
    finally:
        pdf.close()
    assert bound == fast and any(fast)
