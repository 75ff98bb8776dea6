"""The DOCX reader on lxml: the same grid and text as python-docx gave, the same failures."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.text.paragraph import Paragraph

import pipeline.extract.docx as docxmod
import pipeline.extract.docx_package as package
from pipeline.extract.docx import read_docx

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _template() -> bytes:
    buf = io.BytesIO()
    docx.Document().save(buf)
    return buf.getvalue()


def _with(parts: dict[str, bytes], data: bytes | None = None) -> bytes:
    """A copy of a package with some members replaced."""
    src = zipfile.ZipFile(io.BytesIO(data or _template()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, parts.get(item.filename, src.read(item.filename)))
    return out.getvalue()


def _doc(body: str) -> bytes:
    xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{body}</w:body></w:document>'
    return _with({"word/document.xml": xml.encode()})


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _tc(inner: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{inner}</w:tc>"


def _cells(data: bytes) -> list[list[str]]:
    return [ln.cells for ln in read_docx(data).lines if ln.cells is not None]


SPAN3 = '<w:gridSpan w:val="3"/>'
RESTART = '<w:vMerge w:val="restart"/>'


def test_grid_span_puts_the_text_first_and_blanks_after() -> None:
    table = (
        "<w:tbl>"
        f"<w:tr>{_tc(_p('head'), SPAN3)}</w:tr>"
        f"<w:tr>{_tc(_p('a'))}{_tc(_p('b'))}{_tc(_p('c'))}</w:tr>"
        "</w:tbl>"
    )
    assert _cells(_doc(table)) == [["head", "", ""], ["a", "b", "c"]]


def test_vertical_merge_keeps_the_text_in_its_first_row() -> None:
    table = (
        "<w:tbl>"
        f"<w:tr>{_tc(_p('group'), RESTART)}{_tc(_p('1'))}</w:tr>"
        f"<w:tr>{_tc(_p('group'), '<w:vMerge/>')}{_tc(_p('2'))}</w:tr>"
        f'<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>{_tc(_p("3"))}</w:tr>'
        "</w:tbl>"
    )
    assert _cells(_doc(table)) == [["group", "1"], ["", "2"], ["", "3"]]


RUNS = (
    "<w:p>"
    '<w:r><w:t>a</w:t><w:tab/><w:t xml:space="preserve"> b </w:t></w:r>'
    '<w:r><w:br/><w:t>c</w:t><w:br w:type="page"/><w:cr/><w:noBreakHyphen/><w:ptab/><w:t/></w:r>'
    '<w:hyperlink><w:r><w:t>link</w:t></w:r><w:r><w:br w:type="textWrapping"/></w:r></w:hyperlink>'
    "<w:ins><w:r><w:t>inserted</w:t></w:r></w:ins>"
    "<w:r><w:rPr><w:b/></w:rPr><w:t>d</w:t></w:r>"
    "</w:p>"
)


def test_paragraph_text_is_python_docxs() -> None:
    p = parse_xml(f"<w:body {NS}>{RUNS}</w:body>")[0]
    ours = docxmod._para_text(p)
    assert ours == Paragraph(p, None).text == "a\t b \nc\n-\tlink\nd"


def test_tab_and_break_inside_a_cell() -> None:
    table = f"<w:tbl><w:tr>{_tc(RUNS)}{_tc(_p('x'))}</w:tr></w:tbl>"
    (row,) = read_docx(_doc(table)).lines
    assert row.raw == "a\t b \nc\n-\tlink\nd\tx"


def test_same_lines_as_through_python_docx(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    from pipeline.synth.docx import render_docx
    from pipeline.synth.records import random_record

    data = render_docx(random_record(random.Random(4)), variant=4)
    ours = read_docx(data)
    monkeypatch.setattr(docxmod, "document_body", lambda _data: None)  # python-docx opens it
    theirs = read_docx(data)
    assert [(ln.text, ln.raw, ln.cells, ln.lineno) for ln in ours.lines] == [
        (ln.text, ln.raw, ln.cells, ln.lineno) for ln in theirs.lines
    ]


def test_a_damaged_styles_part_fails_as_python_docx_fails() -> None:
    good = _template()
    broken = _with({"word/styles.xml": b"<w:styles " + NS.encode() + b"><w:style></w:styles>"}, good)
    read_docx(good)  # the good styles part is now known
    doc = read_docx(broken)
    assert doc.fatal and doc.problems[0].startswith("corrupt DOCX (XMLSyntaxError")
    assert package.document_body(broken) is None


def test_a_missing_part_or_a_macro_document_goes_to_python_docx() -> None:
    data = _template()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        types = zf.read("[Content_Types].xml")
    macro = types.replace(b"document.main+xml", b"document.macroEnabled.main+xml")
    docm = _with({"[Content_Types].xml": macro}, _doc(_p("年度报告")))
    assert package.document_body(docm) is None
    assert [ln.text for ln in read_docx(docm).lines] == ["年度报告"]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            if item.filename != "word/styles.xml":
                dst.writestr(item, src.read(item.filename))
    assert package.document_body(out.getvalue()) is None
    doc = read_docx(out.getvalue())
    assert doc.fatal and "styles.xml" in doc.problems[0]
