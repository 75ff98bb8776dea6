"""Damage operators: how a rendering spoils a report's text while a careful reader can undo it.

Cell choosers pick cells to damage so that the record stays the one best reading, judged by the
form's identities (``pipeline.form.identities``, through ``equations``):

- ``choose_blanks``: zero cells printed blank, each forced by the identities (``dropped_zero``);
- ``choose_join``: two adjacent table-三 cells run together, with exactly one reading (``concatenated``);
- ``choose_lost_column``: an all-zero applicant column lost from rows of table 三 (``lost_column``);
- ``solve``: the value one cell must take for a registry equation to hold (the reader's fill).

Text operators are small pure functions on printed text (their only chance is an ``rng`` argument),
each imitating one mess seen in real extractions: radicals for characters (``radicals``), blank
lines (``blank_lines``), labels wrapped inside cells (``wrap_label``, ``split_head``, ``shred``),
heads read across a narrow cell (``narrow_cell``), hard-wrapped prose (``wrap_prose``), cells run
together or lost (``run_together``, ``join_cells``, ``lose_cell``), rows swapped or broken by a
converter (``swap_rows``, ``split_row``), numbers and units as exports print them (``fee_in_yuan``,
``in_wan``, ``pad_money``, ``thousands``), a doubled numeral (``double_numeral``), Windows line
ends (``windows_lines``) and OCR's misreadings (``half_brackets``, ``misread``, ``ocr_digits``).

The families compose them: the text layouts (``text.py``), crawler run-on text (``runon.py``) and
converter markdown / OCR (``converted.py``).
"""

from __future__ import annotations

import random
import re
from decimal import Decimal
from typing import Any

from pipeline.form import edition_rows, identities
from pipeline.record import (
    APPLICANT_COLUMNS,
    DISPOSITION_ROWS,
    RL_COLUMNS,
    RL_GROUPS,
)
from pipeline.synth.layout import result_codes

__all__ = [
    "KANGXI",
    "Cell",
    "cell_values",
    "choose_blanks",
    "choose_join",
    "choose_lost_column",
    "equations",
    "holding",
    "readings",
    "solvable",
    "solve",
]

_INDEX = {
    "applications": {c: i for i, c in enumerate(APPLICANT_COLUMNS)},
    "review_litigation": {c: i for i, c in enumerate(RL_COLUMNS)},
}

#: ordinary character -> the radical form PDF fonts emit for it. Kangxi Radicals (U+2F00..) fold
#: back under NFKC; CJK Radicals Supplement forms (U+2E80..) fold back through the reader's
#: radical map. Only pairs whose folding gives the original back are listed (tests check it):
#: e.g. 户 is left out because ⼾ (U+2F3E) folds to 戶, not 户.
# fmt: off
KANGXI: dict[str, str] = {
    "一": "\u2f00", "二": "\u2f06", "人": "\u2f08", "入": "\u2f0a", "八": "\u2f0b", "力": "\u2f12",
    "十": "\u2f17", "口": "\u2f1d", "土": "\u2f1f", "大": "\u2f24", "女": "\u2f25", "子": "\u2f26",
    "小": "\u2f29", "山": "\u2f2d", "工": "\u2f2f", "干": "\u2f32", "广": "\u2f34", "心": "\u2f3c",
    "文": "\u2f42", "方": "\u2f45", "无": "\u2f46", "日": "\u2f47", "月": "\u2f49", "止": "\u2f4c",
    "水": "\u2f54", "生": "\u2f63", "用": "\u2f64", "目": "\u2f6c", "立": "\u2f74", "网": "\u2f79",
    "老": "\u2f7c", "自": "\u2f83", "至": "\u2f84", "行": "\u2f8f", "言": "\u2f94", "走": "\u2f9b",
    "身": "\u2f9d", "里": "\u2fa5", "金": "\u2fa6", "非": "\u2fae", "面": "\u2faf", "高": "\u2fbc",
    # CJK Radicals Supplement (C-simplified forms)
    "民": "\u2ea0", "见": "\u2ec5", "贝": "\u2ec9", "车": "\u2ecb", "长": "\u2ed3", "门": "\u2ed4",
    "页": "\u2eda", "风": "\u2edb", "马": "\u2ee2", "齐": "\u2eec",
}
# fmt: on


Cell = tuple[str, int]  # (row code or table-四 group, column index)


def equations(record: dict[str, Any]) -> list[tuple[list[Cell], list[Cell]]]:
    """Every hard identity of the registry (``pipeline.form.identities``) for the record's form,
    as (plus side, minus side): sum(plus) - sum(minus) = 0. Cells are (line, column index)."""
    out: list[tuple[list[Cell], list[Cell]]] = []
    for eq in identities.equations(record["format_version"]):
        if any(table not in _INDEX or s != 1 for s, (table, _, _) in (*eq.expected, *eq.observed)):
            continue  # only tables 三 and 四, unsigned sums: what these operators damage
        plus = [(line, _INDEX[table][col]) for _, (table, line, col) in eq.expected]
        minus = [(line, _INDEX[table][col]) for _, (table, line, col) in eq.observed]
        out.append((plus, minus))
    return out


def cell_values(record: dict[str, Any]) -> dict[Cell, int]:
    out: dict[Cell, int] = {}
    fmt = record["format_version"]
    for code in edition_rows(fmt):
        for c, v in enumerate(record["applications"]["rows"].get(code) or [None] * 7):
            if v is not None:
                out[(code, c)] = v
    for g in RL_GROUPS:
        for i, v in enumerate(record["review_litigation"].get(g) or [None] * 5):
            if v is not None:
                out[(g, i)] = v
    return out


def holding(record: dict[str, Any], values: dict[Cell, int]) -> tuple[list, set[Cell]]:
    """The identities that hold in the record, and the cells every identity of which holds."""
    holds, broken_cells = [], set()
    for plus, minus in equations(record):
        cells = plus + minus
        if all(x in values for x in cells) and sum(values[x] for x in plus) == sum(values[x] for x in minus):
            holds.append((plus, minus))
        else:
            broken_cells.update(cells)
    safe = {x for x in values if x not in broken_cells}
    return holds, safe


def solvable(eqs: list, values: dict[Cell, int], unknown: set[Cell]) -> bool:
    """True when propagation through ``eqs`` (and non-negativity) fixes every unknown to its value."""
    known = {x: v for x, v in values.items() if x not in unknown}
    todo = set(unknown)
    progress = True
    while todo and progress:
        progress = False
        for plus, minus in eqs:
            up = [x for x in plus if x in todo]
            um = [x for x in minus if x in todo]
            if not up and not um:
                continue
            rest = sum(known[x] for x in plus if x not in todo) - sum(
                known[x] for x in minus if x not in todo
            )
            # sum(up) - sum(um) = -rest
            if len(up) + len(um) == 1:
                x = (up or um)[0]
                v = -rest if up else rest
                if v < 0:
                    return False
                known[x] = v
                todo.discard(x)
                progress = True
            elif not um and rest == 0 or not up and rest == 0:
                for x in up or um:
                    known[x] = 0
                    todo.discard(x)
                progress = True
    return not todo and all(known[x] == values[x] for x in unknown)


def solve(eq: tuple[list[Cell], list[Cell]], x: Cell, known: dict[Cell, int]) -> int:
    """The value cell ``x`` must take for ``eq`` (plus side = minus side) to hold, the rest ``known``."""
    plus, minus = eq
    rest = sum(known[c] for c in plus if c != x) - sum(known[c] for c in minus if c != x)
    return -rest if x in plus else rest


def choose_blanks(record: dict[str, Any], rng: random.Random) -> set[Cell]:
    """Zero cells to print blank, each one forced by the identities (module docstring)."""
    values = cell_values(record)
    eqs, safe = holding(record, values)
    fmt = record["format_version"]
    codes = edition_rows(fmt)
    candidates: list[list[Cell]] = []
    # an all-zero applicant column left blank (one, sometimes two: the rest print their zeros)
    zero_cols = [c for c in range(6) if all(values.get((code, c)) == 0 for code in codes)]
    for c in rng.sample(zero_cols, min(len(zero_cols), rng.choice([0, 1, 1, 2]))):
        candidates.append([(code, c) for code in codes])
    # Shanghai 2019: the 总计 column blank on zero result rows
    if rng.random() < 0.5:
        candidates.append([(code, 6) for code in DISPOSITION_ROWS[fmt] if values.get((code, 6)) == 0])
    # a few zero cells here and there, and table-四 zeros in groups whose 总计 is printed
    scattered = [x for x, v in values.items() if v == 0 and rng.random() < 0.08]
    candidates.extend([x] for x in scattered)
    chosen: set[Cell] = set()
    for group in candidates:
        group = [x for x in group if x in safe and values.get(x) == 0]
        if group and solvable(eqs, values, chosen | set(group)):
            chosen |= set(group)
    return chosen


def readings(tokens: list[str]) -> list[list[int]]:
    """Every way to read 6 tokens as 7 cells: one token split in two, or one cell blank (None -> -1)."""
    out: list[list[int]] = []
    nums = [int(t) for t in tokens]
    for k, t in enumerate(tokens):
        for p in range(1, len(t)):
            a, b = t[:p], t[p:]
            if (len(a) > 1 and a[0] == "0") or (len(b) > 1 and b[0] == "0"):
                continue
            out.append([*nums[:k], int(a), int(b), *nums[k + 1 :]])
    for j in range(7):
        out.append([*nums[:j], -1, *nums[j:]])
    return out


def choose_join(record: dict[str, Any], rng: random.Random) -> tuple[str, int] | None:
    """A table-三 row and cell index whose cell and the next can run together with one reading."""
    values = cell_values(record)
    eqs, safe = holding(record, values)
    fmt = record["format_version"]
    codes = edition_rows(fmt)
    options: list[tuple[str, int]] = []
    for code in codes:
        vals = [values[(code, c)] for c in range(7)]
        if not all((code, c) in safe for c in range(7)):
            continue
        for i in range(6):
            if 1 <= vals[i] <= 9 and 0 <= vals[i + 1] <= 9:
                options.append((code, i))
    rng.shuffle(options)
    row_eqs = {code: [e for e in eqs if any(x[0] == code for x in e[0] + e[1])] for code in codes}
    # each row's own identity (all its cells in the row): 总计 = the six applicant columns
    own = {code: [e for e in row_eqs[code] if all(x[0] == code for x in e[0] + e[1])] for code in codes}
    for code, i in options:
        tokens = [str(values[(code, c)]) for c in range(7)]
        tokens = [*tokens[:i], tokens[i] + tokens[i + 1], *tokens[i + 2 :]]
        truth = [values[(code, c)] for c in range(7)]
        fits = []
        for reading in readings(tokens):
            if -1 in reading:  # a blank cell: the reader would fill it from the row identity
                j = reading.index(-1)
                row = {(code, c): v for c, v in enumerate(reading) if c != j}
                reading[j] = solve(own[code][0], (code, j), row)  # the row holds: a safe row
                if reading[j] < 0:
                    continue
            trial = dict(values)
            trial.update({(code, c): v for c, v in enumerate(reading)})
            if (
                all(
                    sum(trial[x] for x in plus) == sum(trial[x] for x in minus)
                    for plus, minus in row_eqs[code]
                )
                and reading not in fits
            ):
                fits.append(reading)
        if fits == [truth]:
            return code, i
    return None


def choose_lost_column(
    record: dict[str, Any], rng: random.Random, from_results: bool
) -> tuple[int, set[str]] | None:
    """An all-zero applicant column to drop from rows of table 三, where the truth is the one best reading.

    A reader puts a 0 back at the same column k of every affected row; each k gives a table. The
    truth (k = the lost column) must satisfy strictly more identities than any other table: with
    a source error in the record, "all identities hold" is no test, but "fits best" still is.
    """
    values = cell_values(record)
    eqs = equations(record)
    fmt = record["format_version"]
    codes = edition_rows(fmt)
    if any((code, c) not in values for code in codes for c in range(7)):
        return None
    # from 予以公开 down: the rows before the first one under 三、本年度办理结果 keep their cells
    rows = set(codes[codes.index(result_codes(fmt)[0]) :] if from_results else codes)
    zero = [c for c in range(6) if all(values[(code, c)] == 0 for code in codes)]
    rng.shuffle(zero)
    for c in zero:
        scores: dict[tuple, int] = {}
        for k in range(7):
            trial = dict(values)
            for code in rows:
                vals = [values[(code, j)] for j in range(7) if j != c]
                vals.insert(k, 0)
                trial.update({(code, j): v for j, v in enumerate(vals)})
            key = tuple(sorted(trial.items()))
            scores[key] = sum(
                sum(trial[x] for x in plus) == sum(trial[x] for x in minus) for plus, minus in eqs
            )
        truth = scores.pop(tuple(sorted(values.items())))
        if all(score < truth for score in scores.values()):
            return c, rows
    return None


# ----------------------------------------------------------------------------- text damage
# Small pure operators on printed text (an ``rng`` argument is their only source of chance).
# The families compose them: ``text.py``'s layouts, ``runon.py`` and ``converted.py``.
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def radicals(lines: list[str], rng: random.Random, share: float) -> list[str]:
    """PDF fonts that map common characters to Kangxi / CJK-supplement radicals (seed 003):
    each ``KANGXI`` character is swapped everywhere with chance ``share``."""
    chosen = {k: v for k, v in KANGXI.items() if rng.random() < share}
    table = str.maketrans(chosen)
    return [line.translate(table) for line in lines]


def blank_lines(lines: list[str], rng: random.Random) -> list[str]:
    """pdftotext's layout mode on a double-spaced PDF (seed 003): blank lines after every line."""
    out: list[str] = []
    for line in lines:
        out.append(line)
        out.extend([""] * rng.choice([1, 1, 1, 1, 3]))
    return out


def wrap_label(text: str, width: int) -> list[str]:
    """A long label wrapped inside its table cell, one piece a line; never a piece shorter than 2."""
    if len(text) <= width:
        return [text]
    pieces = [text[i : i + width] for i in range(0, len(text), width)]
    if len(pieces[-1]) < 2:
        last = pieces.pop()
        pieces[-1] += last
    return pieces


def split_head(text: str) -> list[str]:
    """A narrow merged head cell wrapping its last two characters: '三、本年度办理' / '结果'."""
    return [text[:-2], text[-2:]] if len(text) > 4 else [text]


def narrow_cell(text: str, width: int = 2) -> str:
    """A head in a cell ``width`` characters wide, its lines read back as one line with spaces
    ('结果 维持', '商业 企业'; seed 001)."""
    return " ".join(text[i : i + width] for i in range(0, len(text), width))


def wrap_prose(text: str, width: int) -> list[str]:
    """A paragraph hard-wrapped as PDF extraction gives it, never inside a run of digits/Latin."""
    out: list[str] = []
    line = ""
    for tok in re.findall(r"[0-9A-Za-z.%:/\-]+|.", text):
        if line and len(line) + len(tok) > width:
            out.append(line)
            line = ""
        line += tok
    if line:
        out.append(line)
    return out


def run_together(tokens: list[str], i: int) -> list[str]:
    """Two adjacent cells printed without a gap ('4 5 0' -> '45 0'): token ``i`` absorbs ``i + 1``."""
    return [*tokens[:i], tokens[i] + tokens[i + 1], *tokens[i + 2 :]]


def lose_cell(cells: list[str], c: int, rng: random.Random) -> list[str]:
    """A row that lost cell ``c`` in extraction, a stray blank cell at its start or end (seed 004)."""
    cells = cells[:c] + cells[c + 1 :]
    return ["", *cells] if rng.random() < 0.6 else [*cells, ""]


def join_cells(parts: list[str], rng: random.Random, style: str) -> str:
    """Cells as a crawler flattens a table: run together, partly spaced (``3 0 0 0 0 03``) or spaced."""
    if style == "run":
        return "".join(parts)
    if style == "spaced":
        return " ".join(parts)
    return parts[0] + "".join((" " if rng.random() < 0.4 else "") + p for p in parts[1:])


def double_numeral(text: str, rng: random.Random, chance: float) -> str:
    """A top-level numeral printed twice by a crawler's copy of a list item (二二、上年结转…),
    with ``chance`` where the label has one."""
    m = re.match(r"^([一二三四])、", text)
    return m.group(1) + text if m and rng.random() < chance else text


def pad_money(value: Any, rng: random.Random, places: int = 6) -> str:
    """A money value with its own decimals, or padded with zeros up to ``places`` (``0.000000``),
    as spreadsheet exports print a cell's number format."""
    d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    own = max(0, -d.normalize().as_tuple().exponent)  # type: ignore[operator]
    k = max(own, rng.choice([0, 0, 2, 4, places]))
    return f"{d:.{k}f}"


def half_brackets(text: str, rng: random.Random) -> str:
    """A converter's or OCR's bracket mix: the first '（' half-width, or every bracket."""
    if rng.random() < 0.5:
        return text.replace("（", "(", 1)
    return text.replace("（", "(").replace("）", ")")


def misread(text: str, rng: random.Random, confusions: dict[str, str]) -> str:
    """OCR reading one character of ``text`` as a look-alike (泗 -> 洒), if any can be."""
    han = [i for i, ch in enumerate(text) if ch in confusions]
    if not han:
        return text
    i = rng.choice(han)
    return text[:i] + confusions[text[i]] + text[i + 1 :]


def ocr_digits(text: str, rng: random.Random) -> str:
    """OCR's digit noise on a number: 0 as O or 〇, 1 as l, or full-width digits."""
    roll = rng.random()
    if roll < 0.4:
        return text.replace("0", rng.choice(["O", "〇"]))
    if roll < 0.7:
        return text.replace("1", "l")
    return text.translate(_FULLWIDTH)


def shred(text: str, k: int, rng: random.Random, lo: int = 1) -> list[str]:
    """A merged cell's text cut into ``k`` non-empty pieces over the rows it spans
    (``三、本年`` / ``度办理`` / ``结果``), as converters split it; no cut before ``lo``."""
    k = max(1, min(k, len(text) - lo + 1))
    cuts = sorted(rng.sample(range(lo, len(text)), k - 1)) if k > 1 else []
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


def swap_rows(order: list[str], labels: dict[str, list[str]], i: int) -> list[str]:
    """Rows ``i`` and ``i + 1`` printed in each other's place by a converter, their own labels with
    them (so the labels still say which is which); merged-head pieces (``labels[code][:2]``) stay
    on the printed row. Returns the new order; ``labels`` is updated in place."""
    a, b = order[i], order[i + 1]
    labels[a][:2], labels[b][:2] = labels[b][:2], labels[a][:2]
    return [*order[:i], b, a, *order[i + 2 :]]


def split_row(
    heads: list[str], label: str, cells: list[str], rng: random.Random, width: int = 7
) -> list[list[str]]:
    """A row whose long label a converter broke over two table rows (the enumerator kept whole),
    the numbers on the first piece's row or the second's; the other row has ``width`` empty cells."""
    a, b = shred(label, 2, rng, lo=4)
    blank = [""] * width
    if rng.random() < 0.5:
        return [[*heads, a, *blank], ["", "", b, *cells]]
    return [[*heads, a, *cells], ["", "", b, *blank]]


def thousands(value: int) -> str:
    """A count printed with thousands separators ('1,575'), as spreadsheet exports do."""
    return f"{value:,}"


def windows_lines(text: str) -> str:
    """A text saved on Windows: every line ends in CR LF."""
    return text.replace("\n", "\r\n")


def fee_in_yuan(text: str) -> str:
    """A 万元 amount printed in 元 with a '元' suffix (unit leakage: 1510 -> '15100000元')."""
    return str(int(Decimal(text) * 10000)) + "元"


def in_wan(text: str) -> str:
    """A 元 amount printed in 万元 (34567800 -> '3456.78'); exact for amounts with at most 2 decimals."""
    return format((Decimal(text) / 10000).normalize(), "f")
