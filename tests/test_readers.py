"""The HTML, DOCX and PDF readers, without the parser: rendered reports come back as the grid.

Each seed's golden record is rendered by pipeline.synth and read back; the table rows must be the
printed grid (pipeline.synth.layout.expand) cell for cell: spans expanded, a merged label only at
its top-left position, wrapped labels joined, every row once.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from pipeline.extract.document import Document
from pipeline.extract.docx import read_docx
from pipeline.extract.grid import clean_cell, expand_spans
from pipeline.extract.html import read_html
from pipeline.extract.pdf import PAGE_FOOTER, read_pdf
from pipeline.extract.sniff import sniff_format
from pipeline.extract.text import read_text
from pipeline.extract.timeout import WorkerError, run_with_timeout
from pipeline.record import APPLICATION_ROW_LABELS
from pipeline.synth.docx import render_docx
from pipeline.synth.html import render_html
from pipeline.synth.layout import RESULTS_HEAD, Variant, expand, table3, table4, tables
from pipeline.synth.pdf import render_pdf

GOLDEN = sorted((Path(__file__).parent / "fixtures" / "golden").glob("*.json"))
RENDER = {"html": (render_html, read_html), "docx": (render_docx, read_docx), "pdf": (render_pdf, read_pdf)}


def golden(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def expected_rows(record: dict, v: Variant) -> list[list[str]]:
    """Tables 二, 三, 四 as a reader must return them (blank rows dropped)."""
    out = []
    for table in tables(record, v).values():
        for row in expand(table):
            cells = [clean_cell(c) for c in row]
            if any(cells):
                out.append(cells)
    return out


def rows(doc: Document) -> list[list[str]]:
    return [line.cells for line in doc.lines if line.cells is not None]


def t3_row(doc: Document, label: str) -> list[str]:
    found = [r for r in rows(doc) if any(c.endswith(label) for c in r)]
    assert len(found) == 1, (label, found)
    return found[0]


# ----------------------------------------------------------------------------- every golden, every format
@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem[:3])
def test_tables_come_back_as_the_printed_grid(path: Path, fmt: str):
    record = golden(path)
    render, read = RENDER[fmt]
    doc = read(render(record))
    assert not doc.fatal and doc.problems == []
    assert doc.format == fmt
    assert rows(doc) == expected_rows(record, Variant())
    # the 予以公开 row holds the 7 numbers in its last 7 cells, the group head once, at the left
    granted = t3_row(doc, clean_cell(APPLICATION_ROW_LABELS["granted"]))
    assert granted[-7:] == [str(v) for v in record["applications"]["rows"]["granted"]]
    assert granted[0] == RESULTS_HEAD
    cells = [c for r in rows(doc) for c in r]
    for head in (
        RESULTS_HEAD,
        "(三)不予公开",
        "(四)无法提供",
        "(五)不予处理",
        "(六)其他处理",
        "申请人情况",
        "行政诉讼",
    ):
        assert cells.count(head) == 1, head  # merged labels are not copied into the cells they span
    # table 四: one data row of 15
    rl = record["review_litigation"]
    assert rows(doc)[-1] == [
        str(v) for g in ("review", "litigation_direct", "litigation_after_review") for v in rl[g]
    ]


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_prose_and_tables_in_document_order(fmt: str):
    record = golden(GOLDEN[0])
    render, read = RENDER[fmt]
    doc = read(render(record))
    texts = [line.text for line in doc.lines]
    assert texts[0] == "川汇区人民政府2021年政府信息公开工作年度报告"
    i2, i3, i4 = (
        texts.index(h)
        for h in (
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
        )
    )
    first_t2 = next(k for k, line in enumerate(doc.lines) if line.cells)
    first_t3 = next(k for k, line in enumerate(doc.lines) if line.cells and "申请人情况" in line.cells)
    assert i2 < first_t2 < i3 < first_t3 < i4
    assert all(line.cells is None for line in doc.lines[:i2])
    prose = "\n".join(t for t in texts if "\t" not in t)
    assert "全年主动公开政府信息1154条" in prose.replace("\n", "")
    assert texts[-2:] == ["川汇区人民政府", "2022年1月20日"]


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_null_cell_is_an_empty_cell(fmt: str):
    record = golden(GOLDEN[1])
    record["applications"]["rows"]["granted"][2] = None
    record["review_litigation"]["review"][4] = None
    render, read = RENDER[fmt]
    doc = read(render(record))
    granted = t3_row(doc, "(一)予以公开")
    assert granted[-7:][2] == "" and granted[-7:][0] != ""
    assert rows(doc)[-1][4] == ""


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_2019_format_tables(fmt: str):
    record = golden(GOLDEN[0])
    record.update(year=2020, format_version=2019)
    record["proactive"] = {
        "regulation": {"new_made": 0, "new_published": 0, "total_published": 0},
        "normative_document": {"new_made": 20, "new_published": 20, "total_published": 300},
        "administrative_license": {"items_last_year": 100, "items_change": 5, "decisions": 4000},
        "other_external_service": {"items_last_year": 10, "items_change": -1, "decisions": 50},
        "administrative_penalty": {"items_last_year": 30, "items_change": 0, "decisions": 200},
        "administrative_enforcement": {"items_last_year": 5, "items_change": 0, "decisions": 10},
        "administrative_fee": {"items_last_year": 3, "items_change": 0},
        "government_procurement": {"projects": 12, "amount_yuan": 34567800},
    }
    rows3 = record["applications"]["rows"]
    rows3["other_other"] = [
        a + b + c
        for a, b, c in zip(
            rows3["other_no_correction"], rows3["other_no_fee"], rows3["other_other"], strict=True
        )
    ]
    rows3["other_no_correction"] = rows3["other_no_fee"] = [None] * 7
    render, read = RENDER[fmt]
    doc = read(render(record))
    assert rows(doc) == expected_rows(record, Variant())
    assert ["行政许可", "100", "+5", "4000"] in rows(doc)
    assert ["政府集中采购", "12", "34567800", ""] in rows(doc)
    other = t3_row(doc, "(六)其他处理")
    assert other[:3] == ["", "(六)其他处理", ""]  # one row spanning both label columns


# ----------------------------------------------------------------------------- PDF specifics
@pytest.mark.parametrize("mode", ["repeat", "plain"])
def test_pdf_table_split_over_two_pages_yields_every_row_once(mode: str):
    record = golden(GOLDEN[3])
    v = Variant(split_t3=mode, split_after=9)
    doc = read_pdf(render_pdf(record, variant=v))
    t3 = [line for line in doc.lines if line.cells and len(line.cells) == 10]
    data = [line for line in t3 if line.cells[-1].isdigit()]
    assert len(data) == 25  # every data row once, in order
    expected = [[clean_cell(c) for c in r] for r in expand(table3(record, v))[3:]]
    assert [line.cells for line in data] == expected
    assert len({line.page for line in data}) == 2
    second_page = [line for line in data if line.page == data[-1].page]
    assert second_page[0].cells[0] == ""  # the merged 三、本年度办理结果 cell continues, empty
    headers = [line for line in t3 if "申请人情况" in line.cells]
    assert len(headers) == (2 if mode == "repeat" else 1)
    assert not any(PAGE_FOOTER.match(line.text) for line in doc.lines)


def test_pdf_fake_bold_title_footers_and_vertical_head():
    record = golden(GOLDEN[0])
    v = Variant(fake_bold=True, footer="page", narrow_label=True)
    doc = read_pdf(render_pdf(record, variant=v))
    assert doc.lines[0].text == "川汇区人民政府2021年政府信息公开工作年度报告"  # not 川川汇汇…
    assert not any(line.text.startswith("第") and line.text.endswith("页") for line in doc.lines)
    assert t3_row(doc, "(一)予以公开")[0] == "三、本年度办理结果"  # printed one character per line
    assert all(line.page is not None for line in doc.lines)


def _font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _grid_pdf(draw_cells: Callable[[canvas.Canvas], None]) -> bytes:
    """One page: a heading and a ruled 2 x 2 table; ``draw_cells(canvas)`` writes the cells."""
    font = _font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(font, 10)
    c.drawString(72, 780, "二、主动公开政府信息情况")
    xs, ys = [72, 250, 400], [760, 730, 700]
    for x in xs:
        c.line(x, ys[-1], x, ys[0])
    for y in ys:
        c.line(xs[0], y, xs[-1], y)
    draw_cells(c)
    c.drawString(280, 60, "- 1 -")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_pdf_spaced_digits_and_fake_bold_cell():
    def cells(c: canvas.Canvas) -> None:
        c.drawString(80, 740, "信息内容")
        for dx in (0, 0.25):  # fake bold: drawn twice
            c.drawString(258 + dx, 740, "本年制发件数")
        c.drawString(80, 710, "规章")
        text = c.beginText(258, 710)
        text.setFont("STSong-Light", 10)
        text.setCharSpace(15)  # '1 2 3 4' to a text extractor
        text.textOut("1234")
        c.drawText(text)

    doc = read_pdf(_grid_pdf(cells))
    assert [line.cells for line in doc.lines if line.cells] == [
        ["信息内容", "本年制发件数"],
        ["规章", "1234"],
    ]
    assert [line.text for line in doc.lines if not line.cells] == ["二、主动公开政府信息情况"]
    spaced = next(line for line in doc.lines if line.cells and line.cells[0] == "规章")
    assert spaced.raw == "规章\t1 2 3 4"  # raw keeps what the page said


def test_pdf_cid_garbage_falls_back_to_pdfium_text(monkeypatch: pytest.MonkeyPatch):
    import pipeline.extract.pdf as pdfmod

    original = pdfmod._pdfium_chars

    def cid_chars(*args: Any) -> tuple[list[dict], int]:  # every glyph without a Unicode map
        chars, _unmapped = original(*args)
        return [], len(chars)

    monkeypatch.setattr(pdfmod, "_pdfium_chars", cid_chars)
    monkeypatch.setattr(pdfmod, "glyphless", lambda _tp: False)  # pdfium's route, fonts or not
    doc = read_pdf(render_pdf(golden(GOLDEN[0])))
    assert not doc.fatal
    assert any("Unicode map" in p for p in doc.problems)
    assert all(line.cells is None for line in doc.lines)  # the table pages read as text
    assert any(line.text.startswith("(一)予以公开") for line in doc.lines)
    assert not any("cid:" in line.text for line in doc.lines)


def test_pdf_a_stray_cid_glyph_is_dropped_and_the_cells_kept(monkeypatch: pytest.MonkeyPatch):
    import pdfplumber.page

    original = pdfplumber.page.Page.parse_objects

    def one_bullet(self: Any) -> dict:  # a symbol-font bullet without a Unicode map
        objects = original(self)
        chars = objects.get("char", [])
        if chars:
            objects["char"] = [{**chars[0], "text": "(cid:7)"}, *chars[1:]]
        return objects

    monkeypatch.setattr(pdfplumber.page.Page, "parse_objects", one_bullet)
    record = golden(GOLDEN[0])
    doc = read_pdf(render_pdf(record))
    assert doc.problems == [] and not any("cid:" in line.text for line in doc.lines)
    assert t3_row(doc, "(一)予以公开")[-7:] == [str(v) for v in record["applications"]["rows"]["granted"]]


def test_pdf_reads_only_the_table_pages_with_pdfplumber(monkeypatch: pytest.MonkeyPatch):
    import pipeline.extract.pdf as pdfmod

    seen: list[int] = []
    real = pdfmod._table_page_lines

    def spy(plumber_page: Any, page: Any, start: int) -> Any:
        seen.append(page.number)
        return real(plumber_page, page, start)

    monkeypatch.setattr(pdfmod, "_table_page_lines", spy)
    doc = read_pdf(render_pdf(golden(GOLDEN[0])))
    table_pages = sorted({line.page for line in doc.lines if line.cells})
    assert seen == table_pages and 1 not in seen  # page 1 is prose only


# ----------------------------------------------------------------------------- HTML specifics
def test_html_whole_page_gbk_without_meta_chrome_dropped():
    record = golden(GOLDEN[2])
    v = Variant(encoding="gbk", meta_charset=False, chrome=True, word_residue=True, label_breaks=True)
    data = render_html(record, variant=v)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    doc = read_html(data)
    assert doc.encoding == "gb18030"
    assert rows(doc) == expected_rows(record, v)  # nav menu, footer and layout table give no rows
    text = doc.text
    for chrome in (
        "首页",
        "办事服务",
        "互动交流",
        "网站标识码",
        "ICP",
        "脚本里的表格",
        "访问量",
        "当前位置",
        "o:p",
        "mso-",
    ):
        assert chrome not in text, chrome
    assert doc.lines[1].text == "周口市政务服务和大数据管理局2021年政府信息公开工作年度报告"


def test_html_declared_charset_and_a_lying_one():
    record = golden(GOLDEN[0])
    doc = read_html(render_html(record, variant=Variant(encoding="gbk", meta_charset=True)))
    assert doc.encoding == "gb2312" and doc.lines[0].text.startswith("川汇区人民政府")
    lying = render_html(record, variant=Variant(encoding="gbk", meta_charset=True)).replace(
        b"gb2312", b"utf-8"
    )
    doc = read_html(lying)
    assert doc.encoding == "gb18030" and doc.lines[0].text.startswith("川汇区人民政府")


def test_html_label_variants_and_br_inside_cells():
    record = golden(GOLDEN[4])
    v = Variant(ascii_quotes=True, comma_for_dunhao=True, label_breaks=True)
    doc = read_html(render_html(record, variant=v))
    assert rows(doc) == expected_rows(record, v)
    cells = [c for r in rows(doc) for c in r]
    assert '3.危及"三安全一稳定"' in cells
    assert "1.申请人无正当理由逾期不补正,行政机关不再处理其政府信息公开申请" in cells


def test_html_spans_expanded_without_copies():
    html = """<table><tr><td rowspan="2" colspan="2">合并</td><td>a</td></tr>
    <tr><td>b</td></tr><tr><td>办理<br/>结果</td><td colspan=2>word<br/>wrap</td></tr></table>"""
    assert rows(read_html(html.encode())) == [["合并", "", "a"], ["", "", "b"], ["办理结果", "word wrap", ""]]
    assert expand_spans([[("x", 3, 1), ("y", 1, 1)], [("z", 1, 1)]]) == [
        ["x", "y"],
        ["", "z"],
    ]  # a span past the last row stops there


def test_html_layout_and_menu_tables_are_not_rows():
    html = (
        """<html><body><table><tr><td><a href="/">首页</a></td><td><a href="/a">政务公开</a></td></tr></table>
    <table><tr><td><p>一、总体情况</p><p>"""
        + "正文" * 200
        + """</p></td></tr></table>
    <table><tr><td>规章</td><td>1</td></tr></table></body></html>"""
    )
    doc = read_html(html.encode())
    assert rows(doc) == [["规章", "1"]]
    assert [line.text for line in doc.lines][:2] == ["首页政务公开", "一、总体情况"]


def test_html_chrome_naming_the_report_is_dropped_but_a_classed_body_is_not():
    html = (
        """<html><body class="header-fixed"><ul class="nav"><li><a>首页</a></li>
    <li><a>政府信息公开年度报告</a></li></ul><div class="crumb">当前位置：年度报告</div>
    <div class="top-wrapper"><p>某局2022年政府信息公开工作年度报告</p><p>"""
        + "一、总体情况" * 60
        + """</p>
    <table><tr><td>规章</td><td>1</td></tr></table></div></body></html>"""
    )
    doc = read_html(html.encode())
    assert doc.lines[0].text == "某局2022年政府信息公开工作年度报告"  # menu and breadcrumb gone
    assert rows(doc) == [["规章", "1"]]


# ----------------------------------------------------------------------------- DOCX specifics
def test_docx_grid_before_content_controls_and_vmerge():
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    from pipeline.extract.docx import _grid

    def p(t: str) -> str:
        return f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>"

    tbl = parse_xml(
        f"<w:tbl {nsdecls('w')}>"
        f'<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>{p("a")}</w:tc></w:tr>'
        f"<w:tr><w:sdt><w:sdtContent><w:tc>{p('b')}</w:tc></w:sdtContent></w:sdt>"
        f'<w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr>{p("c")}</w:tc><w:tc>{p("d")}{p("e")}</w:tc></w:tr>'
        f"<w:tr><w:tc>{p('f')}</w:tc><w:tc><w:tcPr><w:vMerge/></w:tcPr>{p('c')}</w:tc><w:tc>{p('g')}</w:tc></w:tr>"
        "</w:tbl>"
    )
    assert _grid(tbl) == [["", "a", ""], ["b", "c", "d\ne"], ["f", "", "g"]]


def test_docx_merged_cells_not_duplicated_as_python_docx_does():
    record = golden(GOLDEN[0])
    data = render_docx(record)
    t3 = docx.Document(io.BytesIO(data)).tables[1]
    copies = sum(1 for row in t3.rows if row.cells[0].text == RESULTS_HEAD)
    assert copies == 22  # python-docx hands the merged cell back in every row it spans
    doc = read_docx(data)
    assert [c for r in rows(doc) for c in r].count(RESULTS_HEAD) == 1


def test_docx_wrapped_labels_and_macro_enabled_file():
    import zipfile

    record = golden(GOLDEN[1])
    v = Variant(label_breaks=True)
    data = render_docx(record, variant=v)
    assert rows(read_docx(data)) == expected_rows(record, v)
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in src.namelist():
            part = src.read(name)
            if name == "[Content_Types].xml":
                part = part.replace(b"document.main+xml", b"document.macroEnabled.main+xml")
            z.writestr(name, part)
    doc = read_docx(out.getvalue())  # python-docx refuses a .docm; its XML is read directly
    assert not doc.fatal and rows(doc) == expected_rows(record, v)


# ----------------------------------------------------------------------------- layout
def test_layout_spans_match_the_official_forms():
    for fmt, span, n in ((2021, 22, 25), (2019, 20, 23)):
        record = golden(GOLDEN[0])
        record["format_version"] = fmt
        t = table3(record, Variant())
        assert t.header_rows == 3 and len(t.data_rows) == n
        heads = {c.text: c for row in t.rows for c in row}
        assert heads[RESULTS_HEAD].rowspan == span
        assert heads["（三）不予公开"].rowspan == 8
        assert heads["申请人情况"].colspan == 7 and heads["法人或其他组织"].colspan == 5
    t4 = table4(golden(GOLDEN[0]), Variant())
    assert t4.header_rows == 3 and len(t4.rows) == 4 and len(t4.rows[3]) == 15


# ----------------------------------------------------------------------------- sniffing
def test_sniff_by_content_not_extension():
    record = golden(GOLDEN[0])
    assert sniff_format(render_pdf(record), "report.txt") == "pdf"
    assert sniff_format(render_docx(record), "report.pdf") == "docx"
    assert (
        sniff_format(render_html(record, variant=Variant(encoding="gbk", meta_charset=False)), "a.txt")
        == "html"
    )
    assert sniff_format(render_html(record, variant=Variant(chrome=True)), "a.pdf") == "html"
    assert sniff_format("一、总体情况\n正文".encode("gbk"), "a.html") == "txt"
    assert sniff_format("# 标题\n正文".encode(), "a") == "md"
    assert sniff_format(b"| a | b |\n|---|---|", "a.txt") == "txt"  # the extension breaks the tie
    assert sniff_format("正文".encode(), "a.md") == "md"
    assert sniff_format("正文".encode("utf-16"), "a.txt") == "txt"
    seed = (Path(__file__).parent / "fixtures" / "seeds" / "000_4ac70b03785c0971.txt").read_text("utf-8")
    assert sniff_format(seed.encode("utf-16-le"), "a.doc") == "txt"  # Word's 'save as text', no BOM
    assert sniff_format(seed.encode("utf-16-be"), "a") == "txt"
    assert sniff_format(bytes(range(256)) * 8, "a.txt") == "binary"
    assert sniff_format(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "a.pdf") == "binary"
    assert sniff_format(b"", "a.pdf") == "txt"  # empty: the text reader reports it
    # pandoc's markdown keeps a <span style=…> around every run of text, the first line included
    pandoc = '<span style="font-family:黑体">标题</span>\n\n| <span>一、本年新收</span> | 1 |\n|---|---|\n'
    assert sniff_format(pandoc.encode(), "a.md") == "md"
    assert sniff_format(b"<span>x</span><table><tr><td>1</td></tr></table>", "a") == "html"


def test_markdown_table_cells_lose_their_inline_html():
    """pandoc splits a label over spans ('（五）不</span><span>予处理'): the cell reads whole."""
    md = (
        "| <span>三、本年度办理结果</span> | <span>（五）不</span><span>予处理</span> | "
        "<span>1. 信访举报投诉类申请</span> | 3 |\n|---|---|---|---|\n"
    )
    (line,) = read_text(md.encode(), "md").lines
    assert line.cells == ["三、本年度办理结果", "(五)不予处理", "1. 信访举报投诉类申请", "3"]  # NFKC


# ----------------------------------------------------------------------------- time limit
def _sleep_then(seconds: float, value: int) -> int:
    time.sleep(seconds)
    return value


def _fail() -> None:
    raise ValueError("bad page")


def test_run_with_timeout():
    assert run_with_timeout(_sleep_then, 0.01, 7, seconds=10) == 7
    start = time.monotonic()
    with pytest.raises(TimeoutError):
        run_with_timeout(_sleep_then, 30, 1, seconds=0.5)
    assert time.monotonic() - start < 5
    with pytest.raises(WorkerError, match="ValueError: bad page"):
        run_with_timeout(_fail, seconds=10)
    record = golden(GOLDEN[0])
    doc = run_with_timeout(read_pdf, render_pdf(record), seconds=60)  # a Document survives the pipe
    assert rows(doc) == expected_rows(record, Variant())
