"""DOCX: bytes -> Document, paragraphs and tables in document order.

python-docx's ``table.rows[i].cells`` hands back a merged cell at every grid position it spans
(both gridSpan and vMerge), which would copy a label such as 三、本年度办理结果 into 22 rows. So
tables are read from the XML: a cell's text goes to its first grid column, the columns it spans
and the rows that continue a vertical merge get ''.

The XML is read with lxml directly (``docx_package.py``): python-docx's object model (a custom
class per element, an XPath query per paragraph and run) cost three quarters of the reader's time.
A paragraph's text is python-docx's ``Paragraph.text``: its runs and hyperlinks' runs, w:t as
written, w:tab and w:ptab a tab, w:br (a text-wrapping one) and w:cr a newline, w:noBreakHyphen
'-'. A package the direct route does not take (a macro-enabled .docm, anything python-docx would
refuse) is opened by python-docx as before, so its record and its problem stay the same.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from pipeline.extract.document import Document, Line
from pipeline.extract.docx_package import document_body
from pipeline.extract.grid import prose_line, row_lines
from pipeline.extract.sniff import LEGACY_DOC, OLE_MAGIC

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _open(data: bytes) -> Any:
    """The document body element: lxml directly where the package is plain, else python-docx."""
    body = document_body(data)
    if body is not None:
        return body
    return _open_python_docx(data)


def _open_python_docx(data: bytes) -> Any:
    """The document body element (python-docx; a macro-enabled .docm through its XML)."""
    import docx
    from docx.oxml import parse_xml

    try:
        return docx.Document(io.BytesIO(data)).element.body
    except ValueError as exc:
        if "content type" not in str(exc):
            raise
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return parse_xml(zf.read("word/document.xml")).find(f"{W}body")


_R, _HYPERLINK, _T, _TAB, _PTAB, _BR, _CR, _NBH = (
    f"{W}r",
    f"{W}hyperlink",
    f"{W}t",
    f"{W}tab",
    f"{W}ptab",
    f"{W}br",
    f"{W}cr",
    f"{W}noBreakHyphen",
)
_TYPE = f"{W}type"


def _run_text(r: Any) -> str:
    """python-docx's ``CT_R.text``: the run's text-bearing children in order."""
    out: list[str] = []
    for e in r:
        tag = e.tag
        if tag == _T:
            out.append(e.text or "")
        elif tag in (_TAB, _PTAB):
            out.append("\t")
        elif tag == _BR:
            if e.get(_TYPE, "textWrapping") == "textWrapping":
                out.append("\n")
        elif tag == _CR:
            out.append("\n")
        elif tag == _NBH:
            out.append("-")
    return "".join(out)


def _para_text(p: Any) -> str:
    """python-docx's ``Paragraph.text``: the runs, and the runs of hyperlinks, in order."""
    out: list[str] = []
    for e in p:
        tag = e.tag
        if tag == _R:
            out.append(_run_text(e))
        elif tag == _HYPERLINK:
            out.extend(_run_text(r) for r in e if r.tag == _R)
    return "".join(out)


def _blocks(parent: Any) -> Iterator[Any]:
    """Body-level paragraphs and tables in order, looking inside content controls (w:sdt)."""
    for child in parent.iterchildren():
        if child.tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _blocks(content)
        elif child.tag in (f"{W}customXml", f"{W}ins"):
            yield from _blocks(child)


def _children(el: Any, tag: str) -> Iterator[Any]:
    """Children named ``tag``, also those wrapped in content controls or custom XML."""
    for child in el.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}ins"):
            yield from _children(child, tag)


def _cell_text(tc: Any) -> str:
    """A cell's paragraphs, one per line (nested tables' text included)."""
    parts: list[str] = []
    for block in _blocks(tc):
        if block.tag == f"{W}p":
            parts.append(_para_text(block))
        else:
            parts.extend("\t".join(r) for r in _grid(block))
    return "\n".join(parts)


def _find2(el: Any, parent: str, tag: str) -> Any:
    """``el.find(f"{parent}/{tag}")`` (the first ``tag`` under the first ``parent`` having one),
    by walking children: ElementPath cost ten microseconds a call."""
    for child in el:
        if child.tag == parent:
            for inner in child:
                if inner.tag == tag:
                    return inner
    return None


def _int_attr(found: Any, default: int) -> int:
    if found is None:
        return default
    try:
        return max(0, int(found.get(_VAL, default)))
    except ValueError:
        return default


_VAL, _TR, _TC, _TRPR, _TCPR = f"{W}val", f"{W}tr", f"{W}tc", f"{W}trPr", f"{W}tcPr"
_GRID_BEFORE, _GRID_SPAN, _VMERGE, _HMERGE = f"{W}gridBefore", f"{W}gridSpan", f"{W}vMerge", f"{W}hMerge"


def _cell_props(tc: Any) -> tuple[Any, Any, Any]:
    """(gridSpan, vMerge, hMerge) of a cell, each the first in its w:tcPr children (as
    ``tc.find("w:tcPr/w:gridSpan")`` finds it), in one walk over the cell's children."""
    span = vmerge = hmerge = None
    for child in tc:
        if child.tag == _TCPR:
            for inner in child:
                tag = inner.tag
                if tag == _GRID_SPAN:
                    span = inner if span is None else span
                elif tag == _VMERGE:
                    vmerge = inner if vmerge is None else vmerge
                elif tag == _HMERGE:
                    hmerge = inner if hmerge is None else hmerge
    return span, vmerge, hmerge


def _grid(tbl: Any) -> list[list[str]]:
    """The table as a full grid; merged text at the top-left position only."""
    rows: list[list[str]] = []
    for tr in _children(tbl, _TR):
        row: list[str] = [""] * _int_attr(_find2(tr, _TRPR, _GRID_BEFORE), 0)
        for tc in _children(tr, _TC):
            span_el, vmerge, hmerge = _cell_props(tc)
            span = max(1, min(_int_attr(span_el, 1), 200))
            continued = (vmerge is not None and vmerge.get(_VAL, "continue") == "continue") or (
                hmerge is not None and hmerge.get(_VAL, "continue") == "continue"
            )
            row.append("" if continued else _cell_text(tc))
            if span > 1:
                row.extend([""] * (span - 1))
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def read_docx(data: bytes) -> Document:
    """Read a DOCX into a Document; never raises for bad input."""
    if data.startswith(OLE_MAGIC):
        return Document(lines=[], format="docx", fatal=True, problems=[LEGACY_DOC])
    try:
        body = _open(data)
        if body is None:
            raise ValueError("word/document.xml has no body")
        lines: list[Line] = []
        n = 0
        for block in _blocks(body):
            if block.tag == f"{W}p":
                for piece in _para_text(block).split("\n"):
                    n += 1
                    line = prose_line(piece, n)
                    if line is not None:
                        lines.append(line)
            else:
                grid = _grid(block)
                lines.extend(row_lines(grid, n + 1))
                n += len(grid)
    except zipfile.BadZipFile as exc:
        return Document(
            lines=[],
            format="docx",
            fatal=True,
            problems=[f"corrupt or truncated DOCX (bad zip archive: {exc})"],
        )
    except KeyError as exc:
        return Document(
            lines=[],
            format="docx",
            fatal=True,
            problems=[f"corrupt DOCX (a part is missing from the archive: {exc})"],
        )
    except Exception as exc:  # malformed XML, truncated parts, python-docx surprises
        return Document(
            lines=[],
            format="docx",
            fatal=True,
            problems=[f"corrupt DOCX ({type(exc).__name__}: {exc})"[:300]],
        )
    doc = Document(lines=lines, format="docx", encoding="utf-8")
    if not lines:
        doc.problems.append("the DOCX holds no text")
    return doc
