"""Lines -> a stream of text and number tokens, with provenance.

Tables reach us as cells (tabs, pipes, HTML/DOCX/PDF grids) or as free text where a row is a
label followed by numbers separated by spaces, or by nothing at all. Both become one stream:
``Tok(kind='text'|'num'|'blank', ...)``. A number token keeps its digit string, because a run of
digits may be several cells run together (``452001048`` = 45|2|0|0|1|0|48) and the table
readers decide that with the identities, not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from pipeline.extract.document import Line

# a number cell: optional sign, digits with optional thousands separators / decimals, optional unit
_NUM = re.compile(
    r"^(?P<sign>[+-]|增加|减少|增|减)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<unit>万元|亿元|元|件|条|个|项|次|人次|%)?$"
)
# text ending in a number run, e.g. '一、本年新收政府信息公开申请数量4000004' (no separator at all),
# '其他对外管理服务事项0+50' (signed 本年增/减 run in), '行政事业性收费0.0000'
_TRAILING_DIGITS = re.compile(r"^(?P<text>.*[^\d.,+\-\s])(?P<num>[+\-]?\d[\d.,+\-]*(?:万元|元)?)$")
# a run of numbers whose only separators are signs: '5-20' = 5 | -20 (split further by the readers)
_SIGNED_RUN = re.compile(r"^[+\-]?\d+(?:[+\-]\d+)+$")
_RUN_PIECE = re.compile(r"[+\-]?[\d.,]+(?:万元|元)?")
# a cell printed as one of these holds no number
_EMPTY_MARKS = {"", "-", "—", "–", "--", "——", "/", "\\", "无", "空", "—-", "/ /"}
# a cell OCR or a converter could not read: its place is kept, its value unknown
_SMUDGES = {"■", "□", "▇", "█", "▉", "▊", "\ufffd", "?", "？", "??", "？？"}


# placeholder column headers of converter tools: their digits are not data ('列1', '数据3', 'Column2')
_PLACEHOLDER = re.compile(
    r"^(?:列|数据|栏|栏目|字段|项|第|column|col|field|unnamed:?|c)\s*_?\d{1,2}(?:列|栏)?$", re.I
)
# OCR reads 0 as O/〇 and 1 as l/I/|: a word of digits and such look-alikes is a number
_OCR_DIGITS = re.compile(r"^[+\-]?[\dOo〇○lI|工]+(?:[.,][\dOo〇○lI|工]+)*$")
_LOOKALIKE = re.compile(r"[Oo〇○lI|工]")
# (tesseract's chi_sim reads a lone 1 as 工)
_OCR_MAP = str.maketrans({"O": "0", "o": "0", "〇": "0", "○": "0", "l": "1", "I": "1", "|": "1", "工": "1"})


def ocr_number(s: str, cell: bool) -> str | None:
    """The digits a word stands for when OCR swapped look-alikes in ('1O' -> '10', '〇' -> '0');
    None for a word that is not such a number. A lone letter counts only as a whole cell."""
    if not _LOOKALIKE.search(s):
        return None  # the common case: no look-alike letter at all
    unit = next((u for u in ("万元", "元") if s.endswith(u) and len(s) > len(u)), "")
    body = s[: len(s) - len(unit)]
    if not _OCR_DIGITS.match(body) or body.lstrip("+-").replace(".", "").replace(",", "").isdigit():
        return None
    if not any(ch.isdigit() or ch in "〇○" for ch in body) and not (cell and len(body) <= 6):
        return None
    return body.translate(_OCR_MAP) + unit


def is_placeholder(s: str) -> bool:
    return bool(s) and s[-1] in "0123456789列栏 " and _PLACEHOLDER.match(s.strip()) is not None


@dataclass(slots=True)
class Tok:
    kind: str  # 'text' | 'num' | 'blank'
    text: str  # the token as read (normalised)
    line: Line
    cell: bool = False  # True when the token is a whole cell (a real cell boundary around it)
    value: int | Decimal | None = None  # numbers only (int unless the source printed a decimal)
    unit: str | None = None
    gap_before: str = ""  # what separated it from the previous token on the line: '' | ' ' | '\t'
    pos: int = -1  # grid column of a data cell (0..6 in table 三) where the source is a real grid


@lru_cache(maxsize=16384)
def parse_number(s: str) -> tuple[int | Decimal, str | None] | None:
    """'1,234' -> 1234; '+12' -> 12; '减少3' -> -3; '12.5万元' -> (12.5, '万元'); else None."""
    s = s.strip().replace("，", ",").replace(" ", "")
    m = _NUM.match(s)
    if not m:
        return None
    digits = m.group("num").replace(",", "")
    try:
        value: int | Decimal = int(digits) if "." not in digits else Decimal(digits)
    except InvalidOperation:
        return None
    if m.group("sign") in ("-", "减少", "减"):
        value = -value
    return value, m.group("unit")


def is_smudge(s: str) -> bool:
    """A cell OCR or a converter could not read (its place is data, its value unknown)."""
    return s.strip() in _SMUDGES


def is_blank_mark(s: str) -> bool:
    return s in _EMPTY_MARKS or s.strip() in _EMPTY_MARKS or s.strip() in _SMUDGES


def _run_pieces(run: str) -> tuple | None:
    """'0+50' -> (('0', 0, None), ('+50', 50, None)); None when a piece is not a number."""
    pieces = []
    for piece in _RUN_PIECE.findall(run):
        parsed = parse_number(piece)
        if parsed is None:
            return None
        pieces.append((piece, parsed[0], parsed[1]))
    if "".join(p[0] for p in pieces) != run:
        return None
    return tuple(pieces)


@lru_cache(maxsize=65536)
def _classify(text: str) -> tuple:
    """('num', value, unit) | ('split', text part, pieces) | ('text',): words recur, so memoised."""
    parsed = parse_number(text)
    if parsed is not None:
        return ("num", parsed[0], parsed[1])
    if _SIGNED_RUN.match(text):
        pieces = _run_pieces(text)
        if pieces:
            return ("split", "", pieces)
    m = _TRAILING_DIGITS.match(text)
    if m and not re.search(r"[年月日号第]$", m.group("text")):
        pieces = _run_pieces(m.group("num"))
        if pieces:
            return ("split", m.group("text"), pieces)
    return ("text",)


def _token_for(text: str, line: Line, cell: bool, gap: str) -> list[Tok]:
    if text.endswith("#") and text[0].isdigit():
        # copy-paste lost the line break before a markdown heading: '000000000000000####'
        text = text.rstrip("#") or text
    if is_placeholder(text):
        return [Tok("text", text, line, cell, gap_before=gap)]
    digits = ocr_number(text, cell)
    if digits is not None and (parsed := parse_number(digits)) is not None:
        return [Tok("num", digits, line, cell, parsed[0], parsed[1], gap)]
    c = _classify(text)
    if c[0] == "num":
        return [Tok("num", text, line, cell, c[1], c[2], gap)]
    if c[0] == "split":
        toks = [Tok("text", c[1], line, False, gap_before=gap)] if c[1] else []
        for k, (piece, value, unit) in enumerate(c[2]):
            toks.append(Tok("num", piece, line, False, value, unit, gap if not toks and k == 0 else ""))
        return toks
    return [Tok("text", text, line, cell, gap_before=gap)]


_MEMO: dict[Line, list[Tok]] = {}
"""Tokens by line (lines hash by identity). Not a WeakKeyDictionary: a line's tokens point back
at it, so no entry would ever die and a long-lived worker kept every line it had parsed (50-80 MB
a thousand reports); the memo is emptied when it holds more lines than a few reports have."""
_MEMO_LINES = 20_000


def tokenize_line(line: Line) -> list[Tok]:
    """Tokens of one line (memoised: the table readers look at the same lines more than once)."""
    toks = _MEMO.get(line)
    if toks is None:
        if len(_MEMO) >= _MEMO_LINES:
            _MEMO.clear()
        toks = _MEMO[line] = _tokenize_line(line)
    return toks


def _tokenize_line(line: Line) -> list[Tok]:
    """Tokens of one line: its cells if it has them, else whitespace-separated words."""
    toks: list[Tok] = []
    if line.cells is not None:
        for cell in line.cells:
            c = cell.strip()
            if c in _EMPTY_MARKS or c in _SMUDGES:
                toks.append(Tok("blank", c, line, True, gap_before="\t"))
                continue
            parsed = parse_number(c) if " " not in c else None
            if parsed is not None:  # the common case, fast
                toks.append(Tok("num", c, line, True, parsed[0], parsed[1], "\t"))
                continue
            # a cell holding several numbers separated by spaces ('0 0 3', a converter's '390 4'
            # for two columns it merged) is several cells; the readings may still join them
            parts = c.split(" ")
            if len(parts) > 1 and all(parse_number(p) is not None for p in parts):
                for i, p in enumerate(parts):
                    toks.extend(_token_for(p, line, False, "\t" if i == 0 else " "))
            else:
                toks.extend(_token_for(c, line, True, "\t"))
        return toks
    for i, word in enumerate(line.text.split()):
        if (word in _EMPTY_MARKS and word != "无") or word in _SMUDGES:
            toks.append(Tok("blank", word, line, False, gap_before=" " if i else ""))
            continue
        toks.extend(_token_for(word, line, False, " " if i else ""))
    if sum(1 for t in toks if t.kind == "num") >= 2:
        # among numbers, a lone 'O' or 'l' is OCR's 0 or 1
        for k, t in enumerate(toks):
            if t.kind == "text" and len(t.text) == 1 and (digits := ocr_number(t.text, True)) is not None:
                toks[k] = Tok("num", digits, line, False, int(digits), None, t.gap_before)
    return toks


def json_number(v: int | Decimal | None) -> int | float | None:
    """A value as the record stores it: int when whole, float when the source printed decimals."""
    if v is None or isinstance(v, int):
        return v
    return int(v) if v == v.to_integral_value() else float(v)


def grid_cell_token(cell: str, line: Line, pos: int) -> Tok:
    """A data cell of a real grid (HTML/DOCX/PDF table): a number, or blank whatever else it holds."""
    parsed = parse_number(cell) if not is_blank_mark(cell) else None
    if parsed is None:
        return Tok("blank", cell, line, True, gap_before="\t", pos=pos)
    return Tok("num", cell, line, True, parsed[0], parsed[1], "\t", pos)


def merge_words(toks: list[Tok]) -> list[Tok]:
    """In free text one label is several words: join consecutive word (non-cell) text tokens."""
    merged: list[Tok] = []
    for t in toks:
        if t.kind == "text" and merged and merged[-1].kind == "text" and not t.cell:
            p = merged[-1]
            merged[-1] = Tok("text", p.text + t.text, p.line, p.cell, gap_before=p.gap_before)
        else:
            merged.append(t)
    return merged


def provenance_of(line: Line) -> dict:
    """Where a cell was read: line (or table row) number, page, the raw text, and the reader that
    read it where there was a choice (PDF tables: pdfium or pdfplumber)."""
    out = {"line": line.lineno, "page": line.page, "raw": line.raw}
    if line.reader is not None:
        out["reader"] = line.reader
    return out
