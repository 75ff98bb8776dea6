"""Extract: source bytes -> Document, one reader per format, chosen by content."""

from __future__ import annotations

from pipeline.extract.document import Document, Line
from pipeline.extract.text import read_text

__all__ = ["Document", "Line", "read_document"]


def read_document(data: bytes, path: str = "") -> Document:
    """Read any supported source into a Document; never raises for bad input."""
    from pipeline.extract.sniff import sniff_format, unreadable_document

    fmt = sniff_format(data, path)
    if fmt == "pdf":
        from pipeline.extract.pdf import read_pdf

        return read_pdf(data)
    if fmt == "html":
        from pipeline.extract.html import read_html

        return read_html(data)
    if fmt == "docx":
        from pipeline.extract.docx import read_docx

        return read_docx(data)
    if fmt in ("txt", "md"):
        return read_text(data, fmt)
    return unreadable_document(data, fmt)
