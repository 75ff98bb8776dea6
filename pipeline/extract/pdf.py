"""PDF: bytes -> Document. pypdfium2 for every page; pdfplumber only where pdfium is not enough.

pdfium gives a page's text in about a millisecond and already drops fake-bold doubles; pdfplumber
(pdfminer) needs tens of milliseconds a page to parse the same content stream. So pdfium reads
every page, and on the pages that have ruling lines and name a label of tables 二/三/四 (or
continue a table from the page before) it also gives the character boxes and the page's path
objects (lines, rectangles, curves; ``pdf_pdfium.py``). Those are turned into pdfplumber's own
object shapes (the same path classification as pdfminer, the same coordinates), and the grid is
built by a port of pdfplumber's lines table finder and text grouping (``pdf_grid.py``,
``pdf_text.py``: the same cells and text, a tenth of the cost; pdfplumber's own code ran tens of
thousands of generic calls a page). There each table row becomes one Line with its full grid of
cells (a merged-over position becomes ''), and the page's other text becomes prose Lines in
top-to-bottom order around the tables.

pdfplumber itself parses a page only where pdfium's view is not enough: a table page whose
paths give no table, or a page pdfium cannot give geometry for (rotated pages). The page that
pdfplumber read is named in the provenance of the cells read there ("reader": "pdfplumber
(...)" or "pdfium"), so a record says which path read it.

Fallbacks: a page whose font has no Unicode map is read from pdfium's text (a stray symbol glyph
without one is just dropped); pages without a text layer (a scan) are read by OCR where tesseract
is installed (``extract/ocr.py``; reader "ocr (…)" in provenance), else a scan is fatal and says
what to install; encrypted, corrupt, truncated and empty PDFs give a fatal Document with the
reason. Nothing raises.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pipeline import form
from pipeline.extract import ocr
from pipeline.extract.document import Document, Line
from pipeline.extract.grid import clean_cell, prose_line
from pipeline.extract.normalize import normalize_text
from pipeline.extract.pdf_grid import Row, find_tables
from pipeline.extract.pdf_pdfium import RawPage, glyphless, pdfium_chars, pdfium_subpaths
from pipeline.extract.pdf_text import Char, cell_text, dedupe, has_doubles, plain, prose_lines
from pipeline.extract.text import PAGE_FOOTER

# the words of the form's tables, to find the pages that hold them (pipeline.form.TABLE_WORDS)
TABLE_WORDS = re.compile("|".join(form.TABLE_WORDS))
_LINES = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
)  # pdfium marks soft hyphens etc. with controls

PDFIUM = "pdfium"
PDFPLUMBER = "pdfplumber"
GLYPHLESS = "pdfium has no glyphs for the font: not embedded, no system font"

Obj = dict[str, Any]
"""A char or an edge in pdfplumber's dict shape (x0, x1, top, bottom, ... in points from the top left)."""


@dataclass
class _Page:
    number: int  # 1-based
    text: str  # pdfium text, lines separated by \r\n
    chars: int
    ruled: bool  # has path objects (ruling lines, boxes)
    tables: bool = False
    broken: bool = False  # pdfium could not load the page
    glyphless: bool = False  # pdfium has no glyphs for its CJK text: its text may lack chars
    geometry: Geometry | None = None  # a table page's chars and edges from pdfium (None: not taken)
    no_geometry: str = "pdfium cannot give this page's geometry (rotated page)"  # why geometry is None


@dataclass
class Geometry:
    """One table page as the table finder needs it: chars and ruling edges, and who read them."""

    chars: list[Char]
    edges: list[Obj]
    unmapped: int
    """Chars whose font has no Unicode map (pdfium's map error, pdfminer's '(cid:…)'), not in ``chars``."""
    reader: str
    """``pdfium`` or ``pdfplumber``."""


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


def _is_table_page(text: str, ruled: bool, previous: bool) -> bool:
    """Table page: ruled and naming a table label, or ruled right after a table page."""
    if not ruled or not text:
        return False
    return previous or bool(TABLE_WORDS.search(re.sub(r"\s+", "", normalize_text(text))))


def _has_paths(page: Any) -> bool:
    """The page draws a path (a ruling line, a box), at top level or inside a form XObject.

    Raw calls: wrapping every page object in a Python helper object cost more than the text.
    """
    import pypdfium2.raw as c

    raw = page.raw
    for j in range(c.FPDFPage_CountObjects(raw)):
        obj = c.FPDFPage_GetObject(raw, j)
        kind = c.FPDFPageObj_GetType(obj)
        if kind == c.FPDF_PAGEOBJ_PATH:
            return True
        if kind == c.FPDF_PAGEOBJ_FORM:
            for k in range(c.FPDFFormObj_CountObjects(obj)):
                if c.FPDFPageObj_GetType(c.FPDFFormObj_GetObject(obj, k)) == c.FPDF_PAGEOBJ_PATH:
                    return True
    return False


def _scan_pages(pdf: Any) -> list[_Page]:
    """Every page's text through pdfium, whether it is ruled, and the table pages' geometry.

    A page is loaded once: the geometry of a table page is taken while it is open.
    """
    pages: list[_Page] = []
    previous = False
    raw = not getattr(pdf, "formenv", None)  # no form environment to tell about loaded pages
    for i in range(len(pdf)):
        try:
            page = RawPage(pdf, i) if raw else pdf[i]
            try:
                textpage = page.get_textpage()
                try:
                    text, count = textpage.get_text_range(), textpage.count_chars()
                    ruled = _has_paths(page)
                    scanned = _Page(i + 1, text, count, ruled)
                    scanned.tables = _is_table_page(text, ruled, previous)
                    scanned.glyphless = bool(count) and glyphless(textpage)
                    if scanned.glyphless:
                        scanned.no_geometry = GLYPHLESS
                    elif scanned.tables:
                        try:
                            scanned.geometry = pdfium_geometry(page, textpage)
                        except Exception as exc:  # odd paths or chars: pdfplumber reads the page
                            scanned.no_geometry = f"pdfium's geometry failed ({type(exc).__name__}: {exc})"
                finally:
                    textpage.close()
            finally:
                page.close()
        except Exception:  # one damaged page: keep the others
            pages.append(_Page(i + 1, "", 0, False, broken=True))
            previous = False
            continue
        pages.append(scanned)
        previous = scanned.tables
    return pages


def _text_lines(page: _Page, start: int) -> list[Line]:
    """Prose Lines of a page from pdfium's text, page footers dropped."""
    return _prose_lines(_LINES.split(_CONTROL.sub("", page.text)), page, start)


def _prose_lines(texts: Iterable[str], page: _Page, start: int, reader: str | None = None) -> list[Line]:
    """Prose Lines of a page's lines of text, page footers dropped."""
    out: list[Line] = []
    for k, raw in enumerate(texts):
        if PAGE_FOOTER.match(raw):
            continue
        line = prose_line(raw, start + k, page.number)
        if line is not None:
            line.reader = reader
            out.append(line)
    return out


def _plumber_text_lines(plumber: _Plumber, page: _Page, start: int) -> list[Line]:
    """Prose Lines of a page pdfium has no glyphs for, from pdfplumber's chars (pdfium's text may
    lack chars, see ``pdf_pdfium.glyphless``), fake-bold doubles dropped as pdfium drops them;
    none when pdfplumber cannot read the page or its font has no Unicode map."""
    plumber_page = plumber.page(page.number)
    if plumber_page is None:
        return []
    geometry = plumber_geometry(plumber_page)
    chars = geometry.chars
    if not chars or geometry.unmapped > max(3, (len(chars) + geometry.unmapped) // 50):
        return []
    if has_doubles(chars):
        chars = dedupe(chars)
    return _prose_lines((text for _top, text in prose_lines(chars)), page, start, f"pdfplumber ({GLYPHLESS})")


# ----------------------------------------------------------------------------- pdfium geometry
_pdfium_chars = pdfium_chars  # the page's chars (pdf_pdfium.py)


_pdfium_subpaths = pdfium_subpaths  # every path of the page as subpaths (pdf_pdfium.py)


def _edge(kind: str, x0: float, x1: float, top: float, bottom: float, orientation: str | None) -> Obj:
    return {
        "object_type": kind,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "width": x1 - x0,
        "height": bottom - top,
        "orientation": orientation,
    }


def _is_box(pts: list[tuple[float, float]]) -> bool:
    """pdfminer's test for a rectangle: a closed loop of four axis-parallel sides."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3), end = pts
    square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
        y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
    )
    return end == pts[0] and square


def edges_of(subpaths: list[list[tuple[str, tuple[float, float]]]]) -> list[Obj]:
    """pdfplumber's ``page.edges`` from subpaths, classified as pdfminer classifies paths.

    A two-point subpath is a line (horizontal when both ends share y, else 'vertical', as
    pdfplumber labels it), a closed axis-parallel four-sided one a rectangle (four edges), anything
    else a curve (an edge per straight step between its points).
    """
    edges: list[Obj] = []
    for sub in subpaths:
        shape = "".join(op for op, _pt in sub)
        pts = [pt for _op, pt in sub]
        if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:  # a redundant 'l' before 'h'
            shape = shape[:-2] + "h"
            pts.pop(-2)
        if shape in ("ml", "mlh"):
            (ax, ay), (bx, by) = pts[0], pts[1]
            edges.append(
                _edge("line", min(ax, bx), max(ax, bx), min(ay, by), max(ay, by), "h" if ay == by else "v")
            )
        elif shape in ("mlllh", "mllll") and _is_box(pts):
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            x0, x1, t, b = min(xs), max(xs), min(ys), max(ys)
            edges += [
                _edge("rect_edge", x0, x1, t, t, "h"),
                _edge("rect_edge", x0, x1, b, b, "h"),
                _edge("rect_edge", x0, x0, t, b, "v"),
                _edge("rect_edge", x1, x1, t, b, "v"),
            ]
        else:
            for (ax, ay), (bx, by) in zip(pts, pts[1:], strict=False):
                orientation = "v" if ax == bx else ("h" if ay == by else None)
                edges.append(
                    _edge("curve_edge", min(ax, bx), max(ax, bx), min(ay, by), max(ay, by), orientation)
                )
    return edges


def pdfium_geometry(page: Any, textpage: Any) -> Geometry | None:
    """Chars and edges of an open pdfium page; None where pdfium cannot give them."""
    if page.get_rotation() % 360:
        return None  # boxes would need turning; pdfplumber handles rotated pages
    left, _bottom, _right, top = page.get_mediabox()
    chars, unmapped = _pdfium_chars(textpage, left, top)
    return Geometry(
        chars=chars, edges=edges_of(_pdfium_subpaths(page, left, top)), unmapped=unmapped, reader=PDFIUM
    )


def plumber_geometry(plumber_page: Any) -> Geometry:
    """Chars and edges of a page parsed by pdfplumber (pdfminer), '(cid:…)' chars counted apart."""
    chars = [
        Char(
            ch["text"],
            ch["x0"],
            ch["x1"],
            ch["top"],
            ch["bottom"],
            ch["size"],
            bool(ch["upright"]),
            ch["fontname"],
            ch["doctop"],
        )
        for ch in plumber_page.chars
        if "(cid:" not in ch["text"]
    ]
    return Geometry(
        chars=chars,
        edges=plumber_page.edges,
        unmapped=len(plumber_page.chars) - len(chars),
        reader=PDFPLUMBER,
    )


# ----------------------------------------------------------------------------- tables and text
def _outside(chars: list[Char], boxes: list[tuple[float, float, float, float]]) -> list[Char]:
    """The chars whose midpoint is in none of the boxes."""
    out = []
    for ch in chars:
        cx, cy = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
        for b in boxes:
            if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]:
                break
        else:
            out.append(ch)
    return out


def _extract(rows: list[Row], chars: list[Char]) -> list[list[str]]:
    """Cell texts of a table's rows (None in a row = a merged-over position).

    A char belongs to the cell holding its midpoint (pdfplumber's ``Table.extract``), found through
    a grid index instead of testing every char against every row and cell.
    """
    cells = [(r, c, box) for r, row in enumerate(rows) for c, box in enumerate(row.cells) if box is not None]
    xs = sorted({v for _r, _c, b in cells for v in (b[0], b[2])})
    ys = sorted({v for _r, _c, b in cells for v in (b[1], b[3])})
    xi, yi = {v: i for i, v in enumerate(xs)}, {v: i for i, v in enumerate(ys)}
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for r, c, b in cells:
        for i in range(xi[b[0]], xi[b[2]]):
            for j in range(yi[b[1]], yi[b[3]]):
                owner[(i, j)] = (r, c)
    found: dict[tuple[int, int], list[Char]] = {}
    nx, ny = len(xs) - 1, len(ys) - 1
    for ch in chars:
        cx, cy = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
        i, j = bisect_right(xs, cx) - 1, bisect_right(ys, cy) - 1
        key = owner.get((i, j)) if 0 <= i < nx and 0 <= j < ny else None
        if key is not None:
            found.setdefault(key, []).append(ch)
    grid = [["" for _ in row.cells] for row in rows]
    simple = plain(chars)
    for (r, c), cell_chars in found.items():
        grid[r][c] = cell_text(cell_chars, simple)
    return grid


def _table_page_lines(geometry: Geometry, page: _Page, start: int) -> tuple[list[Line], str | None]:
    """Rows of the page's ruled tables and the text around them, top to bottom.

    Returns (lines, problem); lines is empty when the page must be read from pdfium's text or
    (no table found in pdfium's geometry) by pdfplumber.
    """
    chars = geometry.chars
    if geometry.unmapped > max(3, (len(chars) + geometry.unmapped) // 50):
        return [], f"page {page.number}: font without a Unicode map, read as plain text"
    if has_doubles(chars):
        chars = dedupe(chars)
    tables = []
    for table in find_tables(geometry.edges):
        rows = table.rows
        if len(rows) >= 2 and len(rows[0].cells) >= 2:  # a framed paragraph is not a table
            tables.append((table.bbox, rows))
    if not tables:
        return [], None
    items: list[tuple[float, int, list[str] | str]] = []  # (top, order, cells | prose)
    order = 0
    for _bbox, rows in tables:
        for row_obj, cells in zip(rows, _extract(rows, chars), strict=True):
            items.append((row_obj.bbox[1], order, cells))
            order += 1
    boxes = [bbox for bbox, _rows in tables]
    for top, text in prose_lines(_outside(chars, boxes)):
        items.append((top, order, text))
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
            lines.append(
                Line(
                    text="\t".join(cells),
                    lineno=start + k,
                    raw="\t".join(content),
                    page=page.number,
                    cells=cells,
                )
            )
    return lines, None


class _Plumber:
    """pdfplumber opened once per document, and only if some page needs it."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pdf: Any = None
        self.error: str | None = None

    def page(self, number: int) -> Any:
        if self.pdf is None and self.error is None:
            import pdfplumber

            try:
                self.pdf = pdfplumber.open(io.BytesIO(self.data))
            except Exception as exc:  # pdfminer stricter than pdfium: keep pdfium's text
                self.error = f"pdfplumber cannot open the file ({type(exc).__name__}: {exc})"
        if self.pdf is None or number > len(self.pdf.pages):
            return None
        return self.pdf.pages[number - 1]

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def _read_table_page(plumber: _Plumber, page: _Page, start: int) -> tuple[list[Line], list[str]]:
    """A table page through pdfium's geometry, else through pdfplumber (and the reason why)."""
    geometry = page.geometry
    why = page.no_geometry
    if geometry is not None:
        lines, problem = _table_page_lines(geometry, page, start)
        if lines or problem:
            for line in lines:
                line.reader = "pdfium"
            return lines, [problem] if problem else []
        why = "pdfium's ruling lines give no table"
    plumber_page = plumber.page(page.number)
    if plumber_page is None:
        return [], [f"page {page.number}: tables not read, {plumber.error or 'page missing in pdfplumber'}"]
    lines, problem = _table_page_lines(plumber_geometry(plumber_page), page, start)
    if problem:
        return [], [problem]
    # not a problem of the report: which reader read the cells is in their provenance
    for line in lines:
        line.reader = f"pdfplumber ({why})"
    return lines, []


def _ocr_pages(pdf: Any, pages: list[_Page], blank: list[int], problems: list[str]) -> dict[int, str]:
    """OCR text of the pages without a text layer (page number -> text), where OCR is installed."""
    if not blank:
        return {}
    if ocr.available() is None:
        problems.append(f"OCR not installed ({ocr.INSTALL})")
        return {}
    out: dict[int, str] = {}
    empty: list[int] = []
    for number in blank:
        page = pdf[number - 1]
        try:
            text = ocr.page_text(page)
        except Exception as exc:  # one page OCR cannot read: say so, keep the others
            problems.append(f"page {number}: OCR failed ({type(exc).__name__})")
            continue
        finally:
            page.close()
        if text.strip():
            out[number] = text
        else:
            empty.append(number)
    if empty:
        problems.append(f"OCR found no text on pages {', '.join(map(str, empty[:10]))}")
    return out


def _ocr_lines(text: str, page: int, start: int) -> list[Line]:
    """Lines of an OCR'd page, read like extracted text, their reader named in provenance."""
    from pipeline.extract.text import lines_from_text

    lines = lines_from_text(text, start)
    reader = ocr.reader_name()
    for line in lines:
        line.page = page
        line.reader = reader
    return lines


def _read(data: bytes) -> Document:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return _fatal(_open_error(data))
    plumber = _Plumber(data)
    try:
        n = len(pdf)
        if n == 0:
            return _fatal("PDF has no pages", 0)
        pages = _scan_pages(pdf)
        if all(p.broken for p in pages):
            return _fatal("corrupt PDF: no page could be read", n)
        problems: list[str] = []
        blank = [p.number for p in pages if not p.chars and not p.broken]
        scanned = _ocr_pages(pdf, pages, blank, problems)
        if not any(p.chars for p in pages) and not scanned:
            why = "; ".join(problems) or f"install OCR to read it: {ocr.INSTALL}"
            return _fatal(f"scanned PDF, no text layer ({why})", n)
        broken = [p.number for p in pages if p.broken]
        if broken:
            problems.append(f"damaged pages could not be read: {', '.join(map(str, broken[:10]))}")
        unread = [k for k in blank if k not in scanned]
        if unread:
            problems.append(f"pages without a text layer (scanned?): {', '.join(map(str, unread[:10]))}")
        lines: list[Line] = []
        lineno = 1
        for page in pages:
            page_lines: list[Line] = []
            if page.number in scanned:
                page_lines = _ocr_lines(scanned[page.number], page.number, lineno)
                lines.extend(page_lines)
                lineno = (page_lines[-1].lineno + 1) if page_lines else lineno
                continue
            if page.tables:
                try:
                    page_lines, page_problems = _read_table_page(plumber, page, lineno)
                except Exception as exc:  # one odd page must not lose the document
                    page_lines, page_problems = (
                        [],
                        [f"page {page.number}: tables not read ({type(exc).__name__}: {exc})"],
                    )
                problems.extend(page_problems)
            if not page_lines and page.glyphless:
                page_lines = _plumber_text_lines(plumber, page, lineno)
            if not page_lines:
                page_lines = _text_lines(page, lineno)
            lines.extend(page_lines)
            lineno = (page_lines[-1].lineno + 1) if page_lines else lineno
    finally:
        plumber.close()
        pdf.close()
    return Document(lines=lines, format="pdf", pages=n, problems=problems)


def read_pdf(data: bytes) -> Document:
    """Read a PDF into a Document; never raises for bad input (a fatal Document says why)."""
    try:
        return _read(data)
    except Exception as exc:
        return _fatal(f"PDF could not be read ({type(exc).__name__}: {exc})"[:300])
