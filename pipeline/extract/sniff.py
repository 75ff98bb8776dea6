"""Which reader a file needs, decided by its content: extensions lie on government sites.

A PDF saved as .html, a DOCX served as .pdf, a GBK text file named .doc all occur. Magic bytes
decide binary formats (%PDF, a zip holding word/document.xml, the OLE header of Word 97-2003),
markup in the first kilobyte decides HTML, NUL bytes mean binary; the extension only breaks the
tie between plain text and markdown. ``describe_unreadable`` says in English why a file that
sniffs as 'unknown' or 'binary' cannot be read, so the quarantine reason is actionable.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile

from pipeline.extract.document import Document

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
LEGACY_DOC = "legacy .doc (Word 97-2003) is not supported; convert to DOCX"
_HTML_MARK = re.compile(r"<\s*(?:!doctype\s+html|html[\s>]|table[\s>]|body[\s>]|head[\s>]|meta\s)", re.I)
_HTML_START = re.compile(
    r"^\s*<\s*(?:div|p|span|h[1-6]|center|font|section|article|tr|td|style|link|title|!--)[\s>/]", re.I
)
# what a report's text is made of: ASCII, Latin-1, general and CJK punctuation, CJK, full-width forms
_TEXTLIKE = re.compile(  # incl. radicals PDF fonts emit, CJK extension A and compatibility ideographs
    r"[\t\n\r\x20-\x7e\xa0-\xff\u2000-\u206f\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff"
    r"\uf900-\ufaff\uff00-\uffef]"
)
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_MD_MARK = re.compile(r"^(?:#{1,6}\s|\s*\|?\s*:?-{3,}:?\s*\|)", re.M)
# a markdown table's separator row anywhere in the file ('|---|---|'): markdown, even when its cells
# and lines carry inline HTML (pandoc keeps <span style=…> around every run of text)
_MD_TABLE = re.compile(rb"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*\|", re.M)
_BINARY_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"{\\rtf", "RTF document"),
    (b"%!PS", "PostScript file"),
    (b"BM", "BMP image"),
]


def _zip_kind(data: bytes) -> str:
    """'docx', or a description of the zip that is not one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        # a truncated DOCX still names its parts in the local headers: let the DOCX reader say why
        return "docx" if b"word/document.xml" in data or b"word/_rels" in data else "corrupt zip archive"
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "XLSX spreadsheet"
    if any(n.startswith("ppt/") for n in names):
        return "PPTX presentation"
    if "content.xml" in names and "mimetype" in names:
        return "OpenDocument file (ODT/ODS)"
    if "[Content_Types].xml" in names:
        return "Office Open XML package without a Word document"
    return "zip archive"


def _ole_kind(data: bytes) -> str:
    """Word, Excel or PowerPoint 97-2003: the stream names are UTF-16 in the directory."""
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "XLS spreadsheet (Excel 97-2003)"
    if "PowerPoint".encode("utf-16-le") in data:
        return "PPT presentation (PowerPoint 97-2003)"
    return "OLE compound file (an old Office format)"


def utf16_without_bom(head: bytes) -> str | None:
    """The codec, when bytes with NULs are UTF-16 without a BOM (Word's 'save as text'); else None.

    Counting NULs at odd or even offsets works for markup, not for Chinese prose (few ASCII
    characters); a strict decode into characters a report is made of does both, and binary
    fails it (unpaired surrogates, code points from every block).
    """
    head = head[: len(head) // 2 * 2]
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = head.decode(enc)
        except UnicodeDecodeError:
            continue
        if text and len(_TEXTLIKE.findall(text)) >= 0.95 * len(text):
            return enc
    return None


def _head_text(data: bytes) -> str | None:
    """The first kilobytes as text, or None when they are binary."""
    head = data[:2048]
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(enc, errors="ignore")
    if b"\x00" in head:
        enc = utf16_without_bom(head)
        return head[: len(head) // 2 * 2].decode(enc) if enc else None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = (
            head[: exc.start].decode("utf-8")
            if exc.start > len(head) - 4
            else head.decode("gb18030", "ignore")
        )
    controls = len(_CONTROLS.findall(text))
    if text and controls / len(text) > 0.05:
        return None
    return text


def sniff_format(data: bytes, path: str = "") -> str:
    """'pdf', 'docx', 'html', 'txt', 'md', 'unknown' (a format we do not read) or 'binary'."""
    if not data.strip():  # an empty file is an empty text: the text reader says so
        return "md" if path.lower().endswith((".md", ".markdown")) else "txt"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "docx" if _zip_kind(data) == "docx" else "unknown"
    if data.startswith(OLE_MAGIC):
        return "unknown"
    if any(data.startswith(m) for m, _ in _BINARY_MAGIC):
        return "binary"
    head = _head_text(data)
    if head is None:
        return "binary"
    ext = path.lower().rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    if _HTML_MARK.search(head[:1024]):
        return "html"
    if _HTML_START.match(head):
        # a page fragment, or markdown whose text runs keep their inline HTML
        return "md" if _MD_TABLE.search(data) and b"<td" not in data and b"<TD" not in data else "html"
    if ext in ("md", "markdown"):
        return "md"
    if ext == "txt":
        return "txt"
    return "md" if _MD_MARK.search(head) else "txt"


def describe_unreadable(data: bytes) -> str:
    """Why a file that sniffs as 'unknown' or 'binary' cannot be read, in English."""
    if not data:
        return "empty file"
    if data.startswith(OLE_MAGIC):
        kind = _ole_kind(data)
        return LEGACY_DOC if kind == "doc" else f"{kind} is not supported; not a report document"
    if data.startswith(b"PK"):
        kind = _zip_kind(data)
        return f"{kind}, not a report document (PDF, DOCX, HTML or text)"
    if data.startswith(b"{\\rtf"):
        return "RTF document is not supported; convert to DOCX or PDF"
    for magic, name in _BINARY_MAGIC:
        if data.startswith(magic):
            extra = " (a scanned report? no text to read)" if "image" in name else ""
            return f"{name}, not a report document{extra}"
    return "binary data, not a document format we read (PDF, DOCX, HTML, text)"


def unreadable_document(data: bytes, fmt: str = "unknown") -> Document:
    """The fatal Document for a file no reader takes, with the reason."""
    return Document(
        lines=[],
        # a file no reader takes has none of the record's formats (its source.format is null)
        format=fmt if fmt in ("pdf", "docx", "html", "txt", "md") else None,  # type: ignore[arg-type]
        problems=[describe_unreadable(data)],
        fatal=True,
    )
