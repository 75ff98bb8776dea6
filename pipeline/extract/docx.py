"""DOCX: bytes -> Document, paragraphs and tables in document order.

python-docx's ``table.rows[i].cells`` hands back a merged cell at every grid position it spans
(both gridSpan and vMerge), which would copy a label such as 三、本年度办理结果 into 22 rows. So
tables are read from the XML: a cell's text goes to its first grid column, the columns it spans
and the rows that continue a vertical merge get ''.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from pipeline.extract.document import Document, Line
from pipeline.extract.grid import prose_line, row_lines
from pipeline.extract.sniff import LEGACY_DOC, OLE_MAGIC

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _open(data: bytes) -> Any:
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


def _para_text(p: Any) -> str:
    from docx.text.paragraph import Paragraph

    return Paragraph(p, None).text


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


def _int_attr(el: Any, path: str, default: int) -> int:
    found = el.find(path)
    if found is None:
        return default
    try:
        return max(0, int(found.get(f"{W}val", default)))
    except ValueError:
        return default


def _grid(tbl: Any) -> list[list[str]]:
    """The table as a full grid; merged text at the top-left position only."""
    rows: list[list[str]] = []
    for tr in _children(tbl, f"{W}tr"):
        row: list[str] = [""] * _int_attr(tr, f"{W}trPr/{W}gridBefore", 0)
        for tc in _children(tr, f"{W}tc"):
            span = max(1, min(_int_attr(tc, f"{W}tcPr/{W}gridSpan", 1), 200))
            vmerge = tc.find(f"{W}tcPr/{W}vMerge")
            hmerge = tc.find(f"{W}tcPr/{W}hMerge")
            continued = (vmerge is not None and vmerge.get(f"{W}val", "continue") == "continue") or (
                hmerge is not None and hmerge.get(f"{W}val", "continue") == "continue"
            )
            row.append("" if continued else _cell_text(tc))
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
