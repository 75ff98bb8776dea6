"""The format-neutral Document every reader produces and the parser consumes.

A Document is a flat list of lines in reading order. A line keeps where it came from (page for
PDFs, line or table-row number otherwise) and its raw text, so every value the parser reads can
be traced back. Where the source has real cell structure (a tab-separated line, a markdown pipe
row, an HTML/DOCX/PDF table row) the line also carries its cells; the parser prefers cells to
whitespace tokens because cells keep blanks in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True, eq=False, weakref_slot=True)  # identity-hashed: the parser memoises tokens
class Line:
    """One line of text (or one table row) of a source document."""

    text: str
    """Normalised text (NFKC, radicals mapped, no spaces between CJK); cells joined by a tab."""
    lineno: int
    """1-based line number in the source text, or running row number for table sources."""
    raw: str
    """The text as it was in the source, before normalisation (for provenance)."""
    page: int | None = None
    """1-based page number (PDF), else None."""
    cells: list[str] | None = None
    """Normalised cells where the source has cell structure, blanks kept as ''."""
    reader: str | None = None
    """Which library read this row where there is a choice (PDF tables: 'pdfium' or 'pdfplumber');
    kept in the cells' provenance."""


@dataclass(slots=True)
class Document:
    """What a reader made of one source file."""

    lines: list[Line]
    format: str
    """txt, md, html, pdf or docx."""
    encoding: str | None = None
    pages: int | None = None
    problems: list[str] = field(default_factory=list)
    """Problems met while reading (a scanned PDF, a decode error ...), in English."""
    fatal: bool = False
    """True when nothing usable could be read (the record gets status ``failed``)."""

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)
