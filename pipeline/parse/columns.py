"""Table 三's columns in fixed-width text: where a converter kept the page's layout.

``pdftotext -layout``, ``pandoc -t plain``, ``lynx -dump`` and ``w3m -dump`` print a table as
text padded with spaces, so a number stands under its column's head. An empty cell then leaves no
token at all, and a row of two numbers ('11 … 11') could be any column and the total. Where the
layout is there, it says which: this module finds the 7 data columns' horizontal positions (from
the printed column heads, else from the rows that print all 7 numbers) and places a short row's
numbers under them. Positions are display columns (a CJK character is two wide, as the
converters pad them); when the rows that print all 7 numbers disagree with the heads, the other
convention (one a character, as pdftotext's grid) is tried, and nothing is placed when neither
fits. A placed row is one reading among others: the identities still choose.
"""

from __future__ import annotations

import re
import unicodedata
from statistics import median

from pipeline.extract.document import Line
from pipeline.form import APPLICANT_COLUMNS
from pipeline.parse.tokens import Tok, is_blank_mark, parse_number

_WORD = re.compile(r"[^\s\u3000]+")
_NUMBER = re.compile(r"^[+\-]?\d[\d,]*(?:\.\d+)?$")
#: every head a column is printed with -> its index (0..6)
_HEADS = {h: k for k, c in enumerate(APPLICANT_COLUMNS) for h in (c.label, *c.variants)}


def _width(ch: str, wide: int) -> int:
    return wide if unicodedata.east_asian_width(ch) in ("W", "F") else 1


Span = tuple[float, float, str]  # (display start, display end, word)
Column = tuple[float, float]  # (display start, display end) of a column's head or cells


def spans(raw: str, wide: int = 2) -> list[Span]:
    """(display start, end, word) of each word of a raw line; [] for a tab-separated line."""
    if "\t" in raw:
        return []
    out: list[Span] = []
    x = 0
    pos = 0
    for m in _WORD.finditer(raw):
        for ch in raw[pos : m.start()]:
            x += _width(ch, wide)
        w = sum(_width(ch, wide) for ch in m.group())
        out.append((x, x + w, m.group()))
        x += w
        pos = m.end()
    return out


def _trailing_numbers(words: list[Span]) -> list[Span]:
    """The run of number words (and empty-cell marks) that ends the line."""
    k = len(words)
    while k and (_NUMBER.match(words[k - 1][2]) or is_blank_mark(words[k - 1][2])):
        k -= 1
    return words[k:]


def _from_heads(lines: list[Line], wide: int) -> list[Column] | None:
    found: dict[int, Column] = {}
    for line in lines:
        for x0, x1, word in spans(line.raw, wide):
            k = _HEADS.get(unicodedata.normalize("NFKC", word))
            if k is not None and k not in found:
                found[k] = (x0, x1)
    if len(found) != 7:
        return None
    xs = [found[k] for k in range(7)]
    return xs if all(a[1] <= b[0] for a, b in zip(xs, xs[1:], strict=False)) else None


def _from_rows(rows: list[Line], wide: int) -> list[Column] | None:
    full = [r for r in (_trailing_numbers(spans(line.raw, wide)) for line in rows) if len(r) == 7]
    if len(full) < 3:
        return None
    xs = [(median(r[k][0] for r in full), median(r[k][1] for r in full)) for k in range(7)]
    return xs if all(a[1] <= b[0] for a, b in zip(xs, xs[1:], strict=False)) else None


def _distance(col: Column, x0: float, x1: float) -> float:
    """How far a cell is from a column, whatever the alignment: left edges, right edges or
    centres, whichever agree best (pandoc left-aligns, pdftotext right-aligns numbers, w3m
    centres)."""
    return min(abs(col[0] - x0), abs(col[1] - x1), abs((col[0] + col[1]) / 2 - (x0 + x1) / 2))


def place(xs: list[Column], cells: list[Span]) -> list[int] | None:
    """The column of each cell: the nearest, when it is clearly nearer than the next and the
    columns come out strictly left to right; else None."""
    out: list[int] = []
    for x0, x1, _w in cells:
        order = sorted(range(7), key=lambda k: _distance(xs[k], x0, x1))
        d1, d2 = _distance(xs[order[0]], x0, x1), _distance(xs[order[1]], x0, x1)
        if d1 > 0.5 * d2:
            return None
        out.append(order[0])
    return out if all(a < b for a, b in zip(out, out[1:], strict=False)) else None


Layout = tuple[list[Column], int]  # (the 7 columns, the CJK width they are measured with)


def text_columns(lines: list[Line], start: int, stop: int) -> Layout | None:
    """(the 7 columns' display positions, the CJK width they are measured with) for table 三
    printed as fixed-width text between lines ``start`` and ``stop``, or None."""
    if any(line.cells is not None for line in lines[start:stop]):
        return None
    heads = lines[max(0, start - 15) : start + 1]
    rows = lines[start:stop]
    for wide in (2, 1):
        xs = _from_heads(heads, wide) or _from_rows(rows, wide)
        if xs is None:
            continue
        full = [r for r in (_trailing_numbers(spans(line.raw, wide)) for line in rows) if len(r) == 7]
        if all(place(xs, r) == list(range(7)) for r in full):
            return xs, wide
    return None


def placed_tokens(line: Line, toks: list[Tok], columns: Layout) -> list[Tok] | None:
    """A short row's number tokens re-issued with their column (``pos``), blank tokens for the
    columns the row left empty; None when the row cannot be placed."""
    nums = [t for t in toks if t.kind in ("num", "blank")]
    if not nums or len(nums) >= 7:
        return None
    xs, wide = columns
    cells = _trailing_numbers(spans(line.raw, wide))
    if len(cells) != len(nums):
        return None
    ks = place(xs, cells)
    if ks is None:
        return None
    by_col = dict(zip(ks, nums, strict=True))
    out = [t for t in toks if t.kind == "text"]
    for k in range(7):
        t = by_col.get(k)
        if t is None or t.kind == "blank":
            out.append(Tok("blank", "", line, False, gap_before=" ", pos=k))
        else:
            parsed = parse_number(t.text)
            out.append(Tok("num", t.text, line, False, t.value, parsed[1] if parsed else None, " ", k))
    return out
