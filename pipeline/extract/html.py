"""HTML pages and fragments: bytes -> Document.

Government pages are saved whole (navigation, scripts, a layout table around the article, a
footer with the ICP number) or as fragments of the CMS editor, in UTF-8 or GBK, with or without a
<meta charset>, often exported from Word (<o:p>, &nbsp;). We keep every text line of the page in
order (the parser finds the sections), but only data tables become row Lines: page chrome is
dropped and layout tables (a table holding tables, or a whole article in a cell) are read as flow.
Spans are expanded here, not by pandas.read_html, which copies a merged label into every cell.

The page is parsed by lxml's HTML parser into plain elements: ``lxml.html`` builds the same tree
but calls a Python class lookup for every element the walk touches (a fifth of the reader's
time); an element's text is the same XPath ``string()`` that ``HtmlElement.text_content`` runs.
"""

from __future__ import annotations

import codecs
import re

import lxml.etree
import lxml.html

from pipeline.extract.document import Document, Line
from pipeline.extract.grid import expand_spans, prose_line, row_lines
from pipeline.extract.sniff import utf16_without_bom
from pipeline.extract.text import DecodeError, detect_decode

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "title",
    "iframe",
    "object",
    "embed",
    "svg",
    "select",
    "option",
    "button",
    "input",
    "textarea",
    "nav",
    "map",
    "area",
    "canvas",
}
_CHROME_TAGS = {"header", "footer", "aside"}
_CHROME_WORD = re.compile(
    r"(?:^|[\s_\-])(?:nav|navbar|menu|menubar|submenu|breadcrumbs?|crumbs?|position|location|footer|foot|"
    r"header|head|top|topbar|banner|sidebar|side|copyright|share|toolbar|skip|search|login|logo|links?)"
    r"(?:$|[\s_\-\d])",
    re.I,
)
_BLOCK = {
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "section",
    "article",
    "main",
    "center",
    "hr",
    "address",
    "figure",
    "figcaption",
    "form",
    "fieldset",
    "body",
    "html",
    "tr",
    "td",
    "th",
    "caption",
}
_REPORT_HINT = "年度报告"
_WRAPPER_CHARS = 300
# never page chrome, whatever their class says ('<body class="header-fixed">')
_NEVER_CHROME = {"html", "body", "main", "article", "table", "thead", "tbody", "tr", "td", "th"}
_LAYOUT_CELL_CHARS = 300
_PARSER = lxml.etree.HTMLParser()  # lxml.html's parser settings, without its element classes
_text_content = lxml.etree.XPath("string()", smart_strings=False)
"""An element's text, as ``lxml.html.HtmlElement.text_content()`` gives it."""


def _decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): BOM, then the declared charset if it decodes, else UTF-8, else GB18030."""
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    head = data[:4096]
    if b"\x00" in head:  # UTF-16 without a BOM
        enc = utf16_without_bom(head)
        if enc is not None:
            return data.decode(enc, errors="replace"), enc
    m = _META_CHARSET.search(head)
    if m:
        declared = m.group(1).decode("ascii").lower()
        codec = "gb18030" if declared in ("gb2312", "gbk", "gb18030", "x-gbk", "cp936") else declared
        try:
            return data.decode(codec), declared
        except (LookupError, UnicodeDecodeError):
            pass  # the page lies about its encoding (it happens): detect
    try:
        return detect_decode(data)
    except DecodeError:
        return data.decode("gb18030", errors="replace"), "gb18030"


_TAG_NAMES: dict[str, str] = {}


def _tag(el: lxml.etree._Element) -> str:
    """The element's tag, lower case, without a namespace prefix ('' for a comment or PI)."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""  # comment, processing instruction, entity
    name = _TAG_NAMES.get(tag)
    if name is None:
        name = tag.rsplit(":", 1)[-1].lower() if ":" in tag else tag.lower()
        if len(_TAG_NAMES) < 4096:
            _TAG_NAMES[tag] = name
    return name


def _is_chrome(el: lxml.etree._Element, tag: str) -> bool:
    """Navigation, header, footer, breadcrumb ... unless it wraps the report itself."""
    if tag in _NEVER_CHROME:
        return False
    if tag not in _CHROME_TAGS:
        names = f"{el.get('class', '')} {el.get('id', '')}".strip()
        if not names or not _CHROME_WORD.search(names):
            return False
    if tag == "footer":
        return True
    # a menu item or breadcrumb may name the report; a wrapper holding the report is long
    text = _text_content(el)
    return _REPORT_HINT not in text or len(text) < _WRAPPER_CHARS


def _cell_text(el: lxml.etree._Element) -> str:
    """A cell's text with a line break at every <br/> and block boundary (joined later)."""
    parts: list[str] = []

    def walk(node: lxml.etree._Element) -> None:
        tag = _tag(node)
        if tag in _SKIP:
            if node.tail:
                parts.append(node.tail)
            return
        block = tag in _BLOCK
        if block:
            parts.append("\n")
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            walk(child)
        if block:
            parts.append("\n")
        if node.tail:
            parts.append(node.tail)

    if el.text:
        parts.append(el.text)
    for child in el:
        walk(child)
    return "".join(parts)


def _rows(table: lxml.etree._Element) -> list[lxml.etree._Element]:
    """The table's own rows (not those of a nested table)."""
    rows: list[lxml.etree._Element] = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if _tag(c) == "tr")
    return rows


def _span(value: str | None) -> int:
    if value is None:
        return 1
    if value.isascii() and value.isdigit():
        return int(value)
    try:
        return int(re.sub(r"\D", "", value or "") or 1)
    except ValueError:
        return 1


def _is_layout(table: lxml.etree._Element, rows: list[lxml.etree._Element]) -> bool:
    """A table used for page layout: it holds another table, or a whole text in one cell."""
    if any(_tag(d) == "table" for d in table.iterdescendants()):
        return True
    for tr in rows:
        for cell in tr:
            if _tag(cell) in ("td", "th") and len(_text_content(cell)) > _LAYOUT_CELL_CHARS:
                return True
    return False


def _is_menu(grid_cells: list[lxml.etree._Element]) -> bool:
    """Every non-empty cell is a link: a menu, not data."""
    texts = [c for c in grid_cells if _text_content(c).strip()]
    return bool(texts) and all(
        "".join(_text_content(a) for a in c.iter("a")).strip() == _text_content(c).strip() for c in texts
    )


class _Reader:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.buf: list[str] = []
        self.n = 0  # running line / row number

    def flush(self) -> None:
        if self.buf:
            raw = "".join(self.buf)
            self.buf = []
            for piece in raw.split("\n"):
                self.n += 1
                line = prose_line(piece, self.n)
                if line is not None:
                    self.lines.append(line)

    def walk(self, el: lxml.etree._Element) -> None:
        tag = _tag(el)
        if not tag:
            if el.tail:
                self.buf.append(el.tail)
            return
        if tag in _SKIP or _is_chrome(el, tag):
            if el.tail:
                self.buf.append(el.tail)
            return
        if tag == "table":
            self.flush()
            self.table(el)
        else:
            block = tag in _BLOCK
            if block:
                self.flush()
            if el.text:
                self.buf.append(el.text)
            for child in el:
                self.walk(child)
            if block:
                self.flush()
        if el.tail:
            self.buf.append(el.tail)

    def table(self, table: lxml.etree._Element) -> None:
        rows = _rows(table)
        if not rows or _is_layout(table, rows):
            for child in table.iterchildren():
                self.walk(child)  # read as flow: cells are blocks
            self.flush()
            return
        cells = [[c for c in tr if _tag(c) in ("td", "th")] for tr in rows]
        if _is_menu([c for row in cells for c in row]):
            for row in cells:
                self.buf.append(" ".join(_cell_text(c).strip() for c in row))
                self.flush()
            return
        spec = [
            [(_cell_text(c), _span(c.get("rowspan")), _span(c.get("colspan"))) for c in row] for row in cells
        ]
        grid = expand_spans(spec)
        self.lines.extend(row_lines(grid, self.n + 1))
        self.n += len(grid)


def table_lines(fragment: str, lineno: int = 1) -> list[Line]:
    """The rows of an HTML ``<table>`` found inside text (converters write markdown with tables
    as bare HTML), numbered from ``lineno``."""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return []
    reader = _Reader()
    reader.n = lineno - 1
    try:
        reader.walk(root)
        reader.flush()
    except RecursionError:
        pass
    return reader.lines


def read_html(data: bytes) -> Document:
    """Read an HTML page or fragment into a Document; never raises for bad input."""
    try:
        text, encoding = _decode(data)
    except Exception as exc:  # a decoder bug must not stop a batch
        return Document(lines=[], format="html", fatal=True, problems=[f"HTML could not be decoded: {exc}"])
    text = _XML_DECL.sub("", text, count=1).replace("\x00", "")
    if not text.strip():
        return Document(lines=[], format="html", encoding=encoding, fatal=True, problems=["empty HTML file"])
    try:
        root = lxml.etree.fromstring(text, _PARSER)  # lxml.html.document_fromstring's parse
        if root is None:
            raise lxml.etree.ParserError("Document is empty")
    except (lxml.etree.ParserError, ValueError) as exc:
        return Document(
            lines=[],
            format="html",
            encoding=encoding,
            fatal=True,
            problems=[f"HTML could not be parsed: {exc}"],
        )
    reader = _Reader()
    try:
        reader.walk(root)
        reader.flush()
    except RecursionError:
        return Document(
            lines=reader.lines,
            format="html",
            encoding=encoding,
            fatal=not reader.lines,
            problems=["HTML nested too deeply; read up to the point of failure"],
        )
    doc = Document(lines=reader.lines, format="html", encoding=encoding)
    if "\ufffd" in text:
        doc.problems.append("some bytes could not be decoded and were replaced")
    if not doc.lines:
        doc.problems.append("the HTML page holds no text")
    return doc
