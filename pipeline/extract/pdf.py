"""PDF: bytes -> Document. pypdfium2 for every page's text, pdfplumber only where tables are.

pdfium gives a page's text in about a millisecond and already drops fake-bold doubles; pdfplumber
(pdfminer) needs tens of milliseconds a page but finds ruled tables and their merged cells. So
pdfium reads every page, and pdfplumber runs only on pages that have ruling lines and name a label
of tables 二/三/四 (or continue a table from the page before). There each table row becomes one
Line with its full grid of cells (pdfplumber's None for a merged position becomes ''), and the
page's other text becomes prose Lines in top-to-bottom order around the tables.

Fallbacks: a page whose font has no Unicode map ('(cid:123)' from pdfminer) is read from pdfium's
text (a stray symbol glyph without one is just dropped); a document with no text layer at all is
a scan (fatal); encrypted, corrupt, truncated and empty PDFs give a fatal Document with the
reason. Nothing raises.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from pipeline.extract.document import Document, Line
from pipeline.extract.grid import clean_cell, prose_line
from pipeline.extract.normalize import normalize_text

# page furniture: '- 3 -', '— 3 —', '第 3 页', '第3页 共12页', '3 / 12'
PAGE_FOOTER = re.compile(
    r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
TABLE_WORDS = re.compile(
    "第二十条第|信息内容|本年制发|本年新制作|本年处理决定|处理决定数量|行政事业性收费|政府集中采购|"
    "勾稽关系|申请人情况|本年新收|上年结转|本年度办理结果|予以公开|部分公开|不予公开|国家秘密|"
    "第三方合法权益|内部事务|过程性信息|行政执法案卷|行政查询|无法提供|不掌握|另行制作|补正后|不予处理|"
    "信访举报|重复申请|公开出版物|反复申请|其他处理|逾期|结转下年度|结果维持|结果纠正|尚未审结|复议后起诉"
)
_LINES = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # pdfium marks soft hyphens etc. with controls
_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


@dataclass
class _Page:
    number: int  # 1-based
    text: str  # pdfium text, lines separated by \r\n
    chars: int
    ruled: bool  # has path objects (ruling lines, boxes)
    tables: bool = False
    broken: bool = False  # pdfium could not load the page


def _fatal(problem: str, pages: int | None = None) -> Document:
    return Document(lines=[], format="pdf", pages=pages, problems=[problem], fatal=True)


def _open_error(data: bytes) -> str:
    """Why pdfium refused the file. Its error code is per thread and can be stale (a zero-page
    file reports the previous file's 'incorrect password'), so the bytes decide."""
    if re.search(rb"/Encrypt\s", data[-65536:]) or re.search(rb"/Encrypt\s*\d+\s+\d+\s+R", data):
        return "encrypted PDF: a password is needed to open it"
    if re.search(rb"/Count\s+0\b", data) and not re.search(rb"/Type\s*/Page\b", data):
        return "PDF has no pages"
    if b"%%EOF" not in data[-2048:]:
        return "truncated PDF (the end of the file is missing), cannot be opened"
    return "corrupt PDF (damaged structure), cannot be opened"


def _scan_pages(pdf: Any) -> list[_Page]:
    """Every page's text through pdfium, and whether the page has any drawn paths."""
    import pypdfium2.raw as pdfium_c

    pages: list[_Page] = []
    for i in range(len(pdf)):
        try:
            page = pdf[i]
            try:
                textpage = page.get_textpage()
                try:
                    text, count = textpage.get_text_range(), textpage.count_chars()
                finally:
                    textpage.close()
                paths = page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=2)
                ruled = next(iter(paths), None) is not None
            finally:
                page.close()
        except Exception:  # one damaged page: keep the others
            pages.append(_Page(i + 1, "", 0, False, broken=True))
            continue
        pages.append(_Page(i + 1, text, count, ruled))
    return pages


def _mark_table_pages(pages: list[_Page]) -> None:
    """Table pages: ruled and naming a table label, or ruled right after a table page."""
    previous = False
    for p in pages:
        if not p.ruled or not p.text:
            previous = False
            continue
        words = TABLE_WORDS.search(re.sub(r"\s+", "", normalize_text(p.text)))
        p.tables = bool(words) or previous
        previous = p.tables


def _text_lines(page: _Page, start: int) -> list[Line]:
    """Prose Lines of a page from pdfium's text, page footers dropped."""
    out: list[Line] = []
    for k, raw in enumerate(_LINES.split(_CONTROL.sub("", page.text))):
        if PAGE_FOOTER.match(raw):
            continue
        line = prose_line(raw, start + k, page.number)
        if line is not None:
            out.append(line)
    return out


def _has_doubles(chars: list[dict[str, Any]]) -> bool:
    """Fake bold (a glyph drawn twice a fraction of a point apart) is on the page."""
    seen: set[tuple[str, int, int]] = set()
    for ch in chars:
        key = (ch["text"], round(ch["x0"]), round(ch["top"]))
        if key in seen and not ch["text"].isspace():
            return True
        seen.add(key)
    return False


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)


def _extract(rows: list[Any], chars: list[dict[str, Any]]) -> list[list[str]]:
    """Cell texts of a table's rows (pdfplumber's Row objects; None = a merged-over position).

    Same rule as ``Table.extract`` (a char belongs to the cell holding its midpoint), but chars are
    put in cells through a grid index instead of testing every char against every row and cell,
    which was an eighth of the reader's time.
    """
    from pdfplumber.utils import extract_text

    cells = [(r, c, box) for r, row in enumerate(rows) for c, box in enumerate(row.cells) if box is not None]
    xs = sorted({v for _r, _c, b in cells for v in (b[0], b[2])})
    ys = sorted({v for _r, _c, b in cells for v in (b[1], b[3])})
    xi, yi = {v: i for i, v in enumerate(xs)}, {v: i for i, v in enumerate(ys)}
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for r, c, b in cells:
        for i in range(xi[b[0]], xi[b[2]]):
            for j in range(yi[b[1]], yi[b[3]]):
                owner[(i, j)] = (r, c)
    found: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for ch in chars:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        i, j = bisect_right(xs, cx) - 1, bisect_right(ys, cy) - 1
        key = owner.get((i, j)) if 0 <= i < len(xs) - 1 and 0 <= j < len(ys) - 1 else None
        if key is not None:
            found.setdefault(key, []).append(ch)
    grid = [["" for _ in row.cells] for row in rows]
    for (r, c), cell_chars in found.items():
        grid[r][c] = extract_text(cell_chars)
    return grid


def _table_page_lines(plumber_page: Any, page: _Page, start: int) -> tuple[list[Line], str | None]:
    """Rows of the page's ruled tables and the text around them, top to bottom.

    Returns (lines, problem); lines is empty when the page must be read from pdfium's text.
    """
    chars = plumber_page.chars
    garbage = sum(1 for ch in chars if "(cid:" in ch["text"])
    if garbage > max(3, len(chars) // 50):
        return [], f"page {page.number}: font without a Unicode map, read as plain text"
    if garbage:  # a stray symbol (a bullet in a symbol font): drop it, keep the cells
        plumber_page = plumber_page.filter(lambda o: "(cid:" not in o.get("text", ""))
        chars = plumber_page.chars
    if _has_doubles(chars):
        plumber_page = plumber_page.dedupe_chars()
    tables = []
    for table in plumber_page.find_tables(_TABLE_SETTINGS):
        rows = table.rows
        if len(rows) >= 2 and len(rows[0].cells) >= 2:  # a framed paragraph is not a table
            tables.append((table.bbox, rows))
    if not tables:
        return [], None
    items: list[tuple[float, int, list[str] | str]] = []  # (top, order, cells | prose)
    order = 0
    page_chars = plumber_page.chars
    for _bbox, rows in tables:
        for row_obj, cells in zip(rows, _extract(rows, page_chars), strict=True):
            items.append((row_obj.bbox[1], order, cells))
            order += 1
    boxes = [bbox for bbox, _rows in tables]
    outside = plumber_page.filter(lambda o: o.get("object_type") != "char" or not _inside(o, boxes))
    for text_line in outside.extract_text_lines(return_chars=False):
        items.append((text_line["top"], order, text_line["text"]))
        order += 1
    items.sort(key=lambda it: (it[0], it[1]))
    lines: list[Line] = []
    for k, (_top, _o, content) in enumerate(items):
        if isinstance(content, str):
            if PAGE_FOOTER.match(content):
                continue
            line = prose_line(content, start + k, page.number)
            if line is not None:
                lines.append(line)
            continue
        cells = [clean_cell(c) for c in content]
        if any(cells):
            lines.append(Line(text="\t".join(cells), lineno=start + k, raw="\t".join(content),
                              page=page.number, cells=cells))
    return lines, None


def _read(data: bytes) -> Document:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return _fatal(_open_error(data))
    try:
        n = len(pdf)
        if n == 0:
            return _fatal("PDF has no pages", 0)
        pages = _scan_pages(pdf)
    finally:
        pdf.close()
    if all(p.broken for p in pages):
        return _fatal("corrupt PDF: no page could be read", n)
    if not any(p.chars for p in pages):
        return _fatal("scanned PDF, no text layer", n)
    problems: list[str] = []
    broken = [p.number for p in pages if p.broken]
    if broken:
        problems.append(f"damaged pages could not be read: {', '.join(map(str, broken[:10]))}")
    blank = [p.number for p in pages if not p.chars and not p.broken]
    if blank:
        problems.append(f"pages without a text layer (scanned?): {', '.join(map(str, blank[:10]))}")
    _mark_table_pages(pages)
    plumber = None
    if any(p.tables for p in pages):
        import pdfplumber

        try:
            plumber = pdfplumber.open(io.BytesIO(data))
        except Exception as exc:  # pdfminer stricter than pdfium: keep pdfium's text
            problems.append(f"tables not read, pdfplumber cannot open the file ({type(exc).__name__}: {exc})")
    lines: list[Line] = []
    lineno = 1
    try:
        for page in pages:
            page_lines: list[Line] = []
            if page.tables and plumber is not None and page.number <= len(plumber.pages):
                try:
                    page_lines, problem = _table_page_lines(plumber.pages[page.number - 1], page, lineno)
                except Exception as exc:  # one odd page must not lose the document
                    page_lines, problem = [], f"page {page.number}: tables not read ({type(exc).__name__}: {exc})"
                if problem:
                    problems.append(problem)
            if not page_lines:
                page_lines = _text_lines(page, lineno)
            lines.extend(page_lines)
            lineno = (page_lines[-1].lineno + 1) if page_lines else lineno
    finally:
        if plumber is not None:
            plumber.close()
    return Document(lines=lines, format="pdf", pages=n, problems=problems)


def read_pdf(data: bytes) -> Document:
    """Read a PDF into a Document; never raises for bad input (a fatal Document says why)."""
    try:
        return _read(data)
    except Exception as exc:
        return _fatal(f"PDF could not be read ({type(exc).__name__}: {exc})"[:300])
