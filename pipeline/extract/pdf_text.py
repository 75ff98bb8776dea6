"""Text from char boxes: a table cell's text and a page's prose lines, as pdfplumber gives them.

Ported from pdfplumber's ``extract_text`` (cells), ``chars_to_textmap(...).extract_text_lines``
(prose) and ``dedupe_chars`` (fake bold) with their default settings, so the records stay what
they were: chars are clustered into lines by their top (a line grows while the next top is
within 3 pt of the previous one), sorted by x0 in a line, cut into words at a space, at a gap of
more than 3 pt, where x0 goes back or the top moves more than 3 pt; words are clustered into
lines again by their top; a line's words are joined by a space, a cell's lines by a newline.

pdfplumber builds a dict per word and runs its generic clustering per cell (tens of thousands of
calls a report); here a char is a tuple and the common case is a few plain loops. Chars this
port does not cover (rotated text, a glyph mapped to several or no characters) go to pdfplumber
itself, so the result is the same in every case.
"""

from __future__ import annotations

from itertools import groupby
from operator import attrgetter
from typing import Any, NamedTuple

TOLERANCE = 3.0
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


class Char(NamedTuple):
    """One glyph with pdfminer's box convention (points from the page's top left)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    upright: bool = True
    fontname: str = ""
    doctop: float | None = None  # pdfplumber's top in the whole document (None: the page's top)

    def as_dict(self) -> dict[str, Any]:
        """pdfplumber's char dict, for its own functions where the port does not apply."""
        return {
            "object_type": "char",
            "text": self.text,
            "fontname": self.fontname,
            "size": self.size,
            "upright": self.upright,
            "x0": self.x0,
            "x1": self.x1,
            "width": self.x1 - self.x0,
            "top": self.top,
            "bottom": self.bottom,
            "doctop": self.top if self.doctop is None else self.doctop,
            "height": self.bottom - self.top,
        }


def plain(chars: list[Char]) -> bool:
    """Upright chars of one character each: what the port handles."""
    return all(c.upright and len(c.text) == 1 for c in chars)


_plain = plain


def _cluster_ids(values: set[float]) -> dict[float, int]:
    out: dict[float, int] = {}
    last = None
    k = -1
    for v in sorted(values):
        if last is None or v > last + TOLERANCE:
            k += 1
        out[v] = k
        last = v
    return out


_X0, _TOP, _TEXT = attrgetter("x0"), attrgetter("top"), attrgetter("text")
_LIGATURE_TABLE = str.maketrans(LIGATURES)


def _words(chars: list[Char]) -> list[tuple[str, float]]:
    """(text, top) of each word, line by line (pdfplumber's WordExtractor on upright chars)."""
    tops = set(map(_TOP, chars))
    if len(tops) == 1:
        lines = [sorted(chars, key=_X0)]
    else:
        ids = _cluster_ids(tops)
        keyed = sorted(chars, key=lambda c: ids[c.top])
        lines = [sorted(g, key=_X0) for _k, g in groupby(keyed, key=lambda c: ids[c.top])]
    words: list[tuple[str, float]] = []
    for line in lines:
        current: list[Char] = []
        for c in line:
            if c.text.isspace():
                if current:
                    words.append(_merge(current))
                    current = []
            elif current and (
                c.x0 < (p := current[-1]).x0 or c.x0 > p.x1 + TOLERANCE or abs(c.top - p.top) > TOLERANCE
            ):
                words.append(_merge(current))
                current = [c]
            else:
                current.append(c)
        if current:
            words.append(_merge(current))
    return words


def _merge(chars: list[Char]) -> tuple[str, float]:
    """A word's text (ligatures spelt out; chars of one character each) and top."""
    return "".join(map(_TEXT, chars)).translate(_LIGATURE_TABLE), min(map(_TOP, chars))


def cell_text(chars: list[Char], plain: bool = False) -> str:
    """The text of a table cell's chars (pdfplumber's ``extract_text``, layout off).

    ``plain``: the caller knows every char is upright and one character long (pdfium's are).
    """
    if not chars:
        return ""
    if not plain and not _plain(chars):
        from pdfplumber.utils import extract_text

        return extract_text([c.as_dict() for c in chars])
    if len(chars) == 1:
        text = chars[0].text
        return "" if text.isspace() else LIGATURES.get(text, text)
    words = _words(chars)
    tops = {top for _t, top in words}
    if len(tops) == 1:
        return " ".join(t for t, _top in words)
    ids = _cluster_ids(tops)
    keyed = sorted(words, key=lambda w: ids[w[1]])
    return "\n".join(" ".join(t for t, _top in g) for _k, g in groupby(keyed, key=lambda w: ids[w[1]]))


def prose_lines(chars: list[Char]) -> list[tuple[float, str]]:
    """(top, text) of each text line (pdfplumber's ``chars_to_textmap(...).extract_text_lines``)."""
    if not chars:
        return []
    if not _plain(chars):
        from pdfplumber.utils.text import chars_to_textmap

        textmap = chars_to_textmap([c.as_dict() for c in chars])
        return [(ln["top"], ln["text"]) for ln in textmap.extract_text_lines(return_chars=False)]
    words = _words(chars)
    ids = _cluster_ids({top for _t, top in words})
    out: list[tuple[float, str]] = []
    for _k, g in groupby(words, key=lambda w: ids[w[1]]):  # consecutive words of a line (order kept)
        group = list(g)
        out.append((min(top for _t, top in group), " ".join(t for t, _top in group)))
    return out


def has_doubles(chars: list[Char]) -> bool:
    """Fake bold (a glyph drawn twice a fraction of a point apart) is on the page: two chars of
    the same text (not a space) at the same rounded position."""
    keys = [(c.text, round(c.x0), round(c.top)) for c in chars if not c.text.isspace()]
    return len(set(keys)) != len(keys)


def _clusters(items: list[Char], key: Any, tolerance: float) -> list[list[Char]]:
    ids: dict[float, int] = {}
    last = None
    k = -1
    for v in sorted({key(c) for c in items}):
        if last is None or v > last + tolerance:
            k += 1
        ids[v] = k
        last = v
    keyed = sorted(items, key=lambda c: ids[key(c)])
    return [list(g) for _k, g in groupby(keyed, key=lambda c: ids[key(c)])]


def dedupe(chars: list[Char], tolerance: float = 1.0) -> list[Char]:
    """Chars without their fake-bold doubles (pdfplumber's ``dedupe_chars``, same order and choice).

    Same text, upright, font and size, and within ``tolerance`` in both doctop and x0: the first by
    (doctop, x0) is kept.
    """
    position = {id(c): i for i, c in enumerate(chars)}

    def doctop(c: Char) -> float:
        return c.top if c.doctop is None else c.doctop

    def group_key(c: Char) -> tuple[Any, ...]:
        return (c.upright, c.text, c.fontname, c.size)

    kept: list[Char] = []
    for _k, grp in groupby(sorted(chars, key=group_key), key=group_key):
        for y_cluster in _clusters(list(grp), doctop, tolerance):
            for x_cluster in _clusters(y_cluster, lambda c: c.x0, tolerance):
                kept.append(min(x_cluster, key=lambda c: (doctop(c), c.x0)))
    return sorted(kept, key=lambda c: position[id(c)])
