"""Plain text and markdown: bytes -> Document.

Encodings seen in the wild: UTF-8 (with or without BOM), GBK/GB18030 from Windows tools, UTF-16
from Word's "save as text". Strict UTF-8 first (cheap and unambiguous), then the BOMs, then
GB18030 (a superset of GBK and GB2312), then charset-normalizer for anything else.
"""

from __future__ import annotations

import codecs
import re

from pipeline.extract.document import Document, Line
from pipeline.extract.normalize import normalize_cell

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_DASH_ROW = re.compile(r"^[\s\-=_|:+\t]*$")
# an ideographic space standing alone between spaces (or alone on its line) is an empty table cell:
# web pages fill empty cells with &#12288;, and crawlers and converters keep it. Indentation
# ('　　正文') touches its text and is left alone.
_EMPTY_CELL = re.compile(r"(?:(?<=[ \t])|^)\u3000+(?=[ \t]|$)")
EMPTY_CELL_MARK = "—"
# tables drawn with box characters (w3m -dump, some converters): verticals separate cells like a
# markdown pipe, and a line of nothing but box characters is a ruler
_BOX = re.compile(r"[\u2500-\u257f]")
_BOX_RULER = re.compile(r"^[\s\u2500-\u257f]*$")
_BOX_VERTICALS = str.maketrans({"│": "|", "┃": "|", "║": "|", "╎": "|", "┆": "|"})
# page furniture that text extraction leaves between table rows: '- 3 -', '第 3 页', '3 / 12'
PAGE_FOOTER = re.compile(
    r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$"
)


_JUNK = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")


class DecodeError(ValueError):
    """The bytes are not text in any encoding we recognise."""


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises DecodeError for binary data."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    head = data[:8192]
    if b"\x00" in head:
        from pipeline.extract.sniff import utf16_without_bom  # Word's 'save as text', no BOM

        enc = utf16_without_bom(head)
        if enc:
            return data.decode(enc, errors="replace"), enc
        raise DecodeError("binary data (NUL bytes), not text")
    return detect_decode(data)


def detect_decode(data: bytes) -> tuple[str, str]:
    """Strict UTF-8, then GB18030 (superset of GBK/GB2312), then charset-normalizer's guess."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # lazy: only for the rare odd encoding

    best = from_bytes(data).best()
    if best is None:
        raise DecodeError("binary data or an unknown encoding: not text")
    return str(best), best.encoding


_INLINE_HTML = re.compile(r"<br\s*/?>|</?(?:span|font|b|strong|p|sup|sub)\b[^>]*>", re.I)


_BR_BETWEEN_NUMBERS = re.compile(r"(?<=[\d%])\s*<br\s*/?>\s*(?=[+\-]?\d)", re.I)


def _unmark(line: str) -> str:
    """Converter markdown keeps bits of HTML inside cells and lines ('申请<br>数量', '&nbsp;')."""
    if "<" in line:
        # between numbers a line break separates two values ('412<br>0'); in words it is nothing
        line = _BR_BETWEEN_NUMBERS.sub(" ", line)
        line = _INLINE_HTML.sub("", line)
    if "&" in line:
        import html

        line = html.unescape(line)
    return line


def split_cells(line: str) -> list[str] | None:
    """Cells of a tab- or pipe-separated line; None for a line of free text."""
    if "\t" in line:
        return [normalize_cell(c) for c in line.split("\t")]
    stripped = line.strip()
    # '| a | b |', 'a | b | c', and html2text's rows without outer pipes ('政府集中采购| 38| 3261335')
    if stripped.count("|") >= 2:
        parts = stripped.split("|")
        if stripped.startswith("|"):
            parts = parts[1:]
        if stripped.endswith("|"):
            parts = parts[:-1]
        return [normalize_cell(c) for c in parts]
    return None


_HTML_TABLE = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)


def lines_from_text(text: str, first: int = 1) -> list[Line]:
    """Split decoded text into normalised Lines, dropping blank and ruler lines. An HTML table
    inside the text (markdown from PDF converters writes tables as bare HTML) becomes row Lines
    with cells, as the HTML reader reads it."""
    if "<table" in text or "<TABLE" in text:
        from pipeline.extract.html import table_lines  # lazy: only converter output has them

        out: list[Line] = []
        pos = 0
        for m in _HTML_TABLE.finditer(text):
            lineno = first + text.count("\n", 0, m.start())
            out += lines_from_text(text[pos : m.start()], first + text.count("\n", 0, pos))
            out += table_lines(m.group(0), lineno)
            pos = m.end()
        if pos:
            return out + lines_from_text(text[pos:], first + text.count("\n", 0, pos))
    out = []
    for n, raw in _source_lines(text, first):
        raw = _unmark(raw)
        if _BOX.search(raw):
            if _BOX_RULER.match(raw):
                continue
            raw = raw.translate(_BOX_VERTICALS)
        if "\u3000" in raw and _EMPTY_CELL.search(raw):
            raw = _empty_cells(raw)
        if not raw.strip() or _DASH_ROW.match(raw) or _MD_SEPARATOR.match(raw) or PAGE_FOOTER.match(raw):
            continue
        cells = split_cells(raw)
        if cells is not None:
            if not any(cells):
                continue
            out.append(Line(text="\t".join(cells), lineno=n, raw=raw, cells=cells))
        else:
            out.append(Line(text=normalize_cell(raw), lineno=n, raw=raw))
    return out


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BR = re.compile(r"<br\s*/?>", re.I)


def _source_lines(text: str, first: int) -> list[tuple[int, str]]:
    """(line number, line) of the text. Converter markup: HTML comments go ('<!-- End of picture
    text -->'); outside a table row a <br> is a line break ('行政强制 0<br>第二十条…')."""
    if "<!--" in text:
        text = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text)
    out: list[tuple[int, str]] = []
    for n, raw in enumerate(text.splitlines(), first):
        if "<" in raw and _BR.search(raw) and raw.count("|") < 2:
            out += [(n, part) for part in _BR.split(raw)]
        else:
            out.append((n, raw))
    return out


def _empty_cells(raw: str) -> str:
    """Ideographic spaces that stand for empty cells become the empty-cell mark, in a line that
    ends in a run of numbers and such cells (a label may lead it); prose keeps its spaces."""
    words = [w for w in re.split(r"([ \t]+)", raw) if w]
    start = len(words)
    for k in range(len(words) - 1, -1, -1):  # the trailing run of cells (and the spaces between)
        w = words[k]
        if w.strip(" \t") and w.strip("\u3000") and not _NUMBER_WORD.match(w):
            break
        start = k
    run = words[start:]
    if not any(_NUMBER_WORD.match(w) for w in run) and start > 0:
        return raw  # a label followed by empty space: no cells
    head = "".join(words[:start])
    return head + _EMPTY_CELL.sub(EMPTY_CELL_MARK, "".join(run))


_NUMBER_WORD = re.compile(r"^[+\-]?\d[\d,]*(?:\.\d+)?%?$")


def read_text(data: bytes, fmt: str = "txt") -> Document:
    """Read plain text or markdown bytes into a Document."""
    try:
        text, encoding = decode(data)
    except DecodeError as exc:
        return Document(lines=[], format=fmt, problems=[str(exc)], fatal=True)
    sample = text[:20000]
    junk = len(_JUNK.findall(sample))
    if sample and junk / len(sample) > 0.05:
        return Document(
            lines=[],
            format=fmt,
            encoding=encoding,
            fatal=True,
            problems=["binary data (control characters), not text"],
        )
    doc = Document(lines=lines_from_text(text), format=fmt, encoding=encoding)
    if "\ufffd" in text:
        doc.problems.append("some bytes could not be decoded and were replaced")
    return doc
