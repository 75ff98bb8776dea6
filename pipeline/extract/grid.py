"""Table grids -> Lines, shared by the HTML, DOCX and PDF readers.

Every reader ends with the same shape: a table is a full grid (spans expanded), a merged cell's
text sits at its top-left position only, and each row becomes one Line whose cells are that row.
What a cell's text needs before that is also shared: a label wrapped inside a cell (by <br/>,
by a second paragraph, by a narrow PDF column printing one character per line) is one label,
and digits a PDF spaced apart inside one cell ('1 2') are one number.
"""

from __future__ import annotations

import re

from pipeline.extract.document import Line
from pipeline.extract.normalize import normalize_cell

_ASCII_WORD_END = re.compile(r"[A-Za-z]$")
_ASCII_WORD_START = re.compile(r"^[A-Za-z]")
_SPACED_DIGITS = re.compile(r"(?<=\d) +(?=\d)")
_NUMERIC = re.compile(r"^[+\-]?[\d ,.]+$")


def join_cell_lines(parts: list[str]) -> str:
    """The lines of one cell as one string: nothing between CJK pieces, a space between words."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and _ASCII_WORD_END.search(out) and _ASCII_WORD_START.match(part):
            out += " "
        out += part
    return out


def clean_cell(text: str) -> str:
    """Normalise one cell's text (inner line breaks removed; '1 2' in a number cell is 12)."""
    if "\n" in text or "\r" in text:
        text = join_cell_lines(re.split(r"[\r\n]+", text))
    text = normalize_cell(text)
    if " " in text and _NUMERIC.match(text):
        text = _SPACED_DIGITS.sub("", text)
    return text


def row_lines(grid: list[list[str]], lineno: int, page: int | None = None) -> list[Line]:
    """One Line per grid row that has any text; ``lineno`` is the number of the first row."""
    out: list[Line] = []
    for n, raw_cells in enumerate(grid):
        cells = [clean_cell(c) for c in raw_cells]
        if not any(cells):
            continue
        out.append(
            Line(text="\t".join(cells), lineno=lineno + n, raw="\t".join(raw_cells), page=page, cells=cells)
        )
    return out


def prose_line(raw: str, lineno: int, page: int | None = None) -> Line | None:
    """A Line of free text, or None when the text is blank."""
    text = normalize_cell(raw)
    if not text:
        return None
    return Line(text=text, lineno=lineno, raw=raw, page=page)


def expand_spans(rows: list[list[tuple[str, int, int]]], max_span: int = 200) -> list[list[str]]:
    """HTML-model rows (cells that start in the row: text, rowspan, colspan) -> the full grid.

    Columns are resolved the way browsers do: a cell goes to the first column of its row not
    covered by a rowspan from above. Spans are clamped (a rowspan past the last row stops there;
    absurd spans in broken markup are cut to ``max_span``).
    """
    taken: dict[tuple[int, int], str] = {}
    width = 0
    nrows = len(rows)
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in taken:
                c += 1
            rowspan = max(1, min(rowspan, max_span, nrows - r))
            colspan = max(1, min(colspan, max_span))
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken[(r + dr, c + dc)] = ""
            taken[(r, c)] = text
            c += colspan
            width = max(width, c)
        width = max(width, c)
    grid = [[""] * width for _ in range(nrows)]
    for (r, c), text in taken.items():
        if r < nrows:
            grid[r][c] = text
    return grid
