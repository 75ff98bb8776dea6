"""Files that are not what they claim, or are broken: a clear problem, never an exception.

Each case is read by its reader (a fatal Document with the reason) and through
pipeline.report.parse_bytes (a record with a status and a problem), as the batch sees it.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from reportlab.lib import pdfencrypt
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from pipeline.extract.docx import read_docx
from pipeline.extract.html import read_html
from pipeline.extract.pdf import read_pdf
from pipeline.extract.sniff import LEGACY_DOC, describe_unreadable, sniff_format, unreadable_document
from pipeline.report import parse_bytes
from pipeline.synth.docx import render_docx
from pipeline.synth.html import render_html
from pipeline.synth.pdf import render_pdf

RECORD = json.loads(
    next((Path(__file__).parent / "fixtures" / "golden").glob("000_*.json")).read_text("utf-8")
)
PDF = render_pdf(RECORD)
DOCX = render_docx(RECORD)
HTML = render_html(RECORD)
RNG = random.Random(4)


def _junk(n: int) -> bytes:
    return bytes(RNG.randrange(256) for _ in range(n))


def _encrypted(user: str, owner: str) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=pdfencrypt.StandardEncryption(user, owner, strength=128))
    c.drawString(100, 700, "hello")
    c.showPage()
    c.save()
    return buf.getvalue()


def _scanned() -> bytes:
    img = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(img)
    for y in range(100, 700, 40):
        draw.line([(50, y), (550, y)], fill="black")
    draw.text((60, 60), "scanned report", fill="black")
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawImage(ImageReader(img), 0, 0, width=595, height=842)
    c.showPage()
    c.save()
    return buf.getvalue()


def _zero_pages() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _corrupt_pdf() -> bytes:
    data = bytearray(PDF)
    for _ in range(300):
        data[RNG.randrange(100, len(data))] = RNG.randrange(256)
    return bytes(data)


def _docx_with(part: str, change: Callable[[bytes], bytes | None]) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(DOCX)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in src.namelist():
            data = src.read(name)
            if name == part:
                data = change(data)
            if data is not None:
                z.writestr(name, data)
    return out.getvalue()


def _xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


LEGACY = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "WordDocument".encode("utf-16-le") + bytes(500)

# name -> (bytes, path, reader, words the problem must contain)
FATAL = {
    "pdf_truncated": (PDF[: len(PDF) // 2], "a.pdf", read_pdf, "truncated"),
    "pdf_corrupt": (_corrupt_pdf(), "a.pdf", read_pdf, "PDF"),
    "pdf_garbage_after_header": (b"%PDF-1.7\n" + _junk(4000), "a.pdf", read_pdf, "PDF"),
    "pdf_encrypted": (_encrypted("secret", "owner"), "a.pdf", read_pdf, "encrypted"),
    "pdf_zero_pages": (_zero_pages(), "a.pdf", read_pdf, "no pages"),
    "pdf_scanned": (_scanned(), "a.pdf", read_pdf, "scanned PDF, no text layer"),
    "docx_truncated": (DOCX[: len(DOCX) // 2], "a.docx", read_docx, "DOCX"),
    "docx_bad_xml": (
        _docx_with("word/document.xml", lambda d: d[: len(d) // 2]),
        "a.docx",
        read_docx,
        "corrupt DOCX",
    ),
    "docx_no_document_part": (_docx_with("word/document.xml", lambda d: None), "a.docx", read_docx, "DOCX"),
    "docx_legacy_doc": (LEGACY, "a.doc", read_docx, LEGACY_DOC),
}


@pytest.mark.parametrize("name", sorted(FATAL))
def test_reader_gives_a_fatal_document_with_the_reason(name: str, monkeypatch):
    from pipeline.extract import ocr

    # a machine without OCR (a scan read by OCR is tests/test_pdf_scanned.py)
    monkeypatch.setattr(ocr, "available", lambda: None)
    data, _path, reader, words = FATAL[name]
    doc = reader(data)
    assert doc.fatal, doc.problems
    assert doc.lines == []
    assert any(words in p for p in doc.problems), doc.problems


@pytest.mark.parametrize("name", sorted(FATAL))
def test_parse_bytes_fails_cleanly(name: str, monkeypatch):
    from pipeline.extract import ocr

    monkeypatch.setattr(ocr, "available", lambda: None)
    data, path, _reader, _words = FATAL[name]
    rec = parse_bytes(data, path)
    assert rec["status"] == "failed"
    assert rec["problems"] and all(isinstance(p, str) and p for p in rec["problems"])
    assert rec["source"]["sha256"] and rec["source"]["bytes"] == len(data)


def test_pdf_with_only_an_owner_password_is_read():
    doc = read_pdf(_encrypted("", "owner"))  # opens without a password: permissions only
    assert not doc.fatal and [line.text for line in doc.lines] == ["hello"]


def test_pdf_named_txt_and_docx_named_pdf_are_read_for_what_they_are():
    rec = parse_bytes(PDF, "report.txt")
    assert rec["source"]["format"] == "pdf" and rec["status"] == "ok", rec["problems"]
    assert rec["applications"]["rows"] == RECORD["applications"]["rows"]
    rec = parse_bytes(DOCX, "report.pdf")
    assert rec["source"]["format"] == "docx" and rec["status"] == "ok", rec["problems"]
    rec = parse_bytes(HTML, "report.docx")
    assert rec["source"]["format"] == "html" and rec["status"] == "ok", rec["problems"]


UNREADABLE = {
    "binary_junk": (_junk(5000), "binary data"),
    "png_named_pdf": (b"\x89PNG\r\n\x1a\n" + _junk(500), "PNG image"),
    "xlsx": (_xlsx(), "XLSX spreadsheet"),
    "legacy_doc": (LEGACY, LEGACY_DOC),
}


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_unreadable_files_say_why(name: str):
    data, words = UNREADABLE[name]
    assert sniff_format(data, "report.pdf") in ("unknown", "binary")
    assert words in describe_unreadable(data)
    doc = unreadable_document(data)
    assert doc.fatal and words in doc.problems[0]
    rec = parse_bytes(data, "report.pdf")
    assert rec["status"] == "failed" and rec["problems"]


MALFORMED_HTML = {
    "unclosed_everything": b"<html><body><table><tr><td rowspan=abc colspan=99999>x<td rowspan=0>y<tr><td>1"
    b"</table></table></div><p><<<>>>&&&#xZZ;",
    "binary_after_tag": b"<html><body>" + _junk(3000),
    "deep_nesting": b"<html><body>" + b"<div>" * 5000 + "深".encode() + b"</div>" * 3,
    "empty_page": b"<html></html>",
    "only_whitespace_after_decl": b'<?xml version="1.0" encoding="gbk"?>\n   ',
    "huge_spans": b'<table><tr><td rowspan="1000000" colspan="1000000">x</td></tr></table>',
    "truncated_report": HTML[: len(HTML) // 2],
}


@pytest.mark.parametrize("name", sorted(MALFORMED_HTML))
def test_malformed_html_never_raises(name: str):
    data = MALFORMED_HTML[name]
    doc = read_html(data)
    assert doc.format == "html"
    assert all(len(line.cells or []) <= 201 for line in doc.lines)  # spans are clamped to 200
    rec = parse_bytes(data, "page.html")
    assert rec["status"] in ("failed", "not_a_report", "partial", "ok")
    if rec["status"] != "ok":
        assert rec["problems"]


def test_truncated_html_report_keeps_what_is_there():
    rec = parse_bytes(MALFORMED_HTML["truncated_report"], "page.html")
    assert rec["status"] == "partial" and rec["agency"]["name"] == "川汇区人民政府"
    assert rec["proactive"] == RECORD["proactive"]


def test_utf16_html_without_bom_is_decoded():
    data = HTML.decode("utf-8").encode("utf-16-le")
    assert sniff_format(data, "page.htm") == "html"
    doc = read_html(data)
    assert doc.encoding == "utf-16-le" and doc.lines[0].text == "川汇区人民政府2021年政府信息公开工作年度报告"
