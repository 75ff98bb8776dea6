"""Table 二 (proactive disclosure): item rows (规章, 行政许可 …) and their measures.

The form version decides the measures (2021: 本年制发件数/本年废止件数/现行有效件数 …; 2019:
本年新制作数量/本年新公开数量/对外公开总数量, 上一年项目数量/本年增/减/处理决定数量 …). The
version is read off the column headers; when they are missing the caller's guess is used.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from pipeline import form
from pipeline.extract.document import Line
from pipeline.extract.text import PAGE_FOOTER
from pipeline.parse.labels import match_item
from pipeline.parse.readings import readings
from pipeline.parse.tokens import (
    Tok,
    grid_cell_token,
    json_number,
    merge_words,
    parse_number,
    provenance_of,
    tokenize_line,
)
from pipeline.record import PROACTIVE_ITEMS

# the column heads and items only one edition prints (pipeline.form.EDITION_MARKERS)
MARKERS_2021 = re.compile("|".join(form.EDITION_MARKERS[2021]))
MARKERS_2019 = re.compile("|".join(form.EDITION_MARKERS[2019]))


@dataclass
class Table2:
    items: dict[str, dict[str, object]] = field(default_factory=dict)
    fmt: int | None = None  # what the headers say, None if they say nothing
    found: bool = False
    repairs: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    provenance: dict[str, dict] = field(default_factory=dict)


def detect_format(lines: list[Line]) -> int | None:
    text = "".join(line.text for line in lines).replace(" ", "")
    n21 = len(MARKERS_2021.findall(text))
    n19 = len(MARKERS_2019.findall(text))
    if n21 == n19 == 0:
        return None
    return 2021 if n21 >= n19 else 2019


_HEADS = re.compile(
    "|".join(
        re.escape(part)
        for h in {
            form.editions.ITEM_HEAD,
            *(m.label for m in form.MEASURES),
            *(h for m in form.MEASURES for h in (m.heads or {}).values()),
        }
        for part in re.split(r"[(（]", unicodedata.normalize("NFKC", h))
        if len(part.rstrip(")）")) > 1
    )
    + r"|第二十条第[(（][一二三四五六七八九十]+[)）]项|单位|万元|元|保留\d位小数|[(（)）:：,，/]"
)


def _by_heads(row: list[str], header: tuple[int, list[int], list[int]], n: int) -> bool:
    """The row is as wide as its head row, has one head per measure, and every number it holds
    stands under a head (or repeats the cell before it under a head written twice)."""
    width, cols, repeated = header
    if len(row) != width or len(cols) != n:
        return False
    return all(
        j in cols or (j in repeated and row[j] == row[j - 1])
        for j, c in enumerate(row)
        if c and parse_number(c) is not None
    )


def _is_head(text: str) -> bool:
    """A column head of table 二 (or the article line over a block), nothing else."""
    return not _HEADS.sub("", text.replace(" ", ""))


def _signs_in_place(r, measures: tuple[str, ...] | list[str]) -> bool:
    """Only 本年增/减 is printed with a sign: a reading that puts a signed number (the start of a
    token '+60', '-2') in any other measure is not a reading of this row."""
    for k, src in enumerate(r.sources):
        if src is None or src.text[:1] not in "+-" or (k and r.sources[k - 1] is src):
            continue
        if measures[k] != "items_change":
            return False
    return True


def _one_row(toks: list[Tok], measures: list[str]) -> bool:
    """Exactly one number per measure, all from one line."""
    nums = [t for t in toks if t.kind == "num"]
    return len(nums) == len(measures) and len({id(t.line) for t in toks}) == 1


#: a measure's head as printed (either edition) -> its code
_MEASURE_HEADS = {
    unicodedata.normalize("NFKC", h).replace(" ", ""): m.code
    for m in form.MEASURES
    for h in (m.label, *(m.heads or {}).values())
}
#: (stock, flow) measures of one item where the stock is at least the flow (form rule H13)
_STOCK_FLOW = (("in_force", "issued"), ("total_published", "new_published"))


def _by_column(lines: list[Line], fmt: int) -> dict[str, list[Tok]] | None:
    """Table 二 as pdfminer writes it: every label first, then each block's numbers column by
    column ('规章 行政规范性文件 … 1 8 0 26 11 66': 规章 1 0 11, 行政规范性文件 8 26 66).

    Taken only when no line holds both an item label and a number and the numbers are exactly
    the form's cells (page numbers '- 3 -' aside). Each block of the form is read column by
    column; a number printed with a sign must land in 本年增/减. The 2019 form's (八) and (九)
    are one-row blocks a PDF prints side by side, their numbers interleaved or not: no rule tells,
    so they stay null."""
    spec = form.PROACTIVE_ITEMS[fmt]
    nums: list[Tok] = []
    seen: dict[str, int] = {}  # item -> how many numbers came before its label
    under: list[tuple[str, list[Tok]]] = []  # a measure's head and the numbers right after it
    for line in lines:
        if PAGE_FOOTER.match(line.text):
            continue
        toks = tokenize_line(line)
        has_num = any(t.kind == "num" for t in toks)
        for t in toks:
            if t.kind == "num":
                if under:
                    under[-1][1].append(t)
                continue
            code = match_item(t.text)
            if code is not None:
                if has_num:
                    return None  # a label with its numbers: a table written row by row
                seen.setdefault(code, len(nums))
            head = _MEASURE_HEADS.get(t.text.replace(" ", ""))
            if head is not None:
                under.append((head, []))
            elif under and under[-1][1]:
                under.append(("", []))  # other text ends the numbers under a head
        nums += [t for t in toks if t.kind == "num"]
    if len(nums) != sum(len(i.measures) for i in spec):
        return None
    blocks: list[list] = []
    for item in spec:
        if blocks and blocks[-1][0].article == item.article:
            blocks[-1].append(item)
        else:
            blocks.append([item])
    # labels first: no number between the labels of one block's items (written row by row,
    # each label is followed by its own numbers)
    for block in blocks:
        if len(block[0].measures) > 1 and len({seen.get(i.code, -1 - k) for k, i in enumerate(block)}) > 1:
            return None
    # a block whose every head has exactly its column of numbers right under it (pdftotext
    # writes head and column together, anywhere): read by the heads; the rest in order
    heads: dict[str, list[list[Tok]]] = {}
    for m, toks in under:
        if m:
            heads.setdefault(m, []).append(toks)
    by_heads: dict[int, list[list[Tok]]] = {}
    for b, block in enumerate(blocks):
        cols = [heads.get(m, []) for m in block[0].measures]
        if len(block) > 1 and all(len(c) == 1 and len(c[0]) == len(block) for c in cols):
            by_heads[b] = [c[0] for c in cols]
    taken = {id(t) for cols in by_heads.values() for col in cols for t in col}
    rest = iter([t for t in nums if id(t) not in taken])
    out: dict[str, list[Tok]] = {}
    for b, block in enumerate(blocks):
        width, n = len(block[0].measures), len(block)
        cols = by_heads.get(b) or [[next(rest) for _ in range(n)] for _ in range(width)]
        if fmt == 2019 and n == 1 and block[0].code in ("administrative_fee", "government_procurement"):
            out[block[0].code] = []  # side by side with the other one-row block: order unknown
            continue
        for r, item in enumerate(block):
            row = [col[r] for col in cols]
            if any(
                t.text[:1] in "+-" and m != "items_change" for t, m in zip(row, item.measures, strict=True)
            ):
                return None
            out[item.code] = row
            values = dict(zip(item.measures, (t.value for t in row), strict=True))
            for stock, flow in _STOCK_FLOW:
                if stock in values and flow in values and values[stock] < values[flow]:
                    return None  # fewer in force (published) than issued this year: not this reading
    return out


def read_table2(lines: list[Line], fallback_fmt: int) -> Table2:
    out = Table2(fmt=detect_format(lines))
    fmt = out.fmt or fallback_fmt
    spec = PROACTIVE_ITEMS[fmt]
    region_text = "".join(line.text for line in lines)
    procurement_in_10k = bool(re.search(r"采购总金额[^\n]{0,6}万元", region_text))
    found: dict[str, list[Tok]] = {}
    label_line: dict[str, Line] = {}
    current: str | None = None
    pending = ""  # text since the last number that named no item (a label cut over lines)
    # (width, columns, columns repeating the head before them) of the last row of column heads
    header: tuple[int, list[int], list[int]] | None = None
    under: dict[str, tuple[int, list[int], list[int]]] = {}  # item -> the heads over its row
    orphans: list[Tok] = []  # the cells of the last row of numbers that no label claimed
    for line in lines:
        if line.cells is not None:
            # a head repeated in the next cell is one merged cell that a reader wrote twice
            heads = [
                j
                for j, c in enumerate(line.cells)
                if c and _is_head(c) and c != form.editions.ITEM_HEAD and (j == 0 or line.cells[j - 1] != c)
            ]
            if len(heads) >= 2:
                repeated = [j for j, c in enumerate(line.cells) if j and c and line.cells[j - 1] == c]
                header = (len(line.cells), heads, repeated)
        toks = merge_words(tokenize_line(line))
        if (
            current is not None
            and line.cells is not None
            and sum(t.kind == "num" for t in found[current]) >= len(spec[current][1])
            and any(t.kind == "num" for t in toks)
            and not any(t.kind == "text" for t in toks)
        ):
            current = None  # a full item, then a row of numbers with no label: not its numbers
        for t in toks:
            if t.kind == "text":
                code = match_item(t.text)
                if not (code and code in spec and code not in found) and pending:
                    code = match_item(pending + t.text)
                if code and code in spec and code not in found:
                    current = code
                    found[code] = []
                    label_line[code] = line
                    pending = ""
                    if (
                        orphans
                        and not any(x.kind == "num" for x in toks)
                        and _one_row(orphans, spec[code][1])
                    ):
                        # markitdown writes a label under its row ('| | 412 | 0 | 197847 |' then
                        # '行政许可'): a row of numbers with no label, then a label alone
                        found[code] = orphans
                        label_line[code] = orphans[0].line
                        out.repairs.append(
                            {"where": f"proactive.{code}", "why": "label printed after its row of numbers"}
                        )
                    orphans = []
                    if header is not None and line.cells is not None:
                        under[code] = header
                elif current is not None and not found[current] and _is_head(t.text):
                    continue  # the block's column heads printed after its item's label
                elif current is not None and not found[current] and len(t.text) <= 4:
                    continue  # the rest of the item's label, cut over lines ('其他对外管理服务' / '事项')
                else:
                    current = None  # a header or a note ends the item's numbers
                    # a label cut over lines is joined with what came before it, heads aside
                    pending = "" if _is_head(t.text) else (pending + t.text)[-12:]
                    orphans = [] if not _is_head(t.text) else orphans
            else:
                pending = ""
                if current is not None:
                    found[current].append(t)
                elif line.cells is not None:
                    if orphans and orphans[-1].line is not line:
                        orphans = []  # only the last row of numbers before the label
                    orphans.append(t)
    by_column = _by_column(lines, fmt)
    if by_column is not None:
        found = by_column
        label_line = {code: toks[0].line for code, toks in found.items() if toks}
        under = {}
        out.repairs.append(
            {
                "where": "proactive",
                "why": "labels first, then the numbers column by column: read by the form's blocks",
            }
        )
    out.found = bool(found)
    for code, toks in found.items():
        if not toks:
            continue
        measures = spec[code][1]
        idx = [k for k, t in enumerate(toks) if t.kind == "num"]
        cells = [t for t in toks if t.kind in ("num", "blank")]
        row = label_line[code].cells
        if idx and len(cells) == len(measures) and all(t.cell for t in cells):
            toks = cells  # one cell per measure: a blank or unreadable cell keeps its place
        elif code in under and row is not None and _by_heads(row, under[code], len(measures)):
            # a grid whose columns are wider than its sub-table (stacked blocks in one ruled
            # table): each measure is the cell under its head
            toks = [grid_cell_token(row[j], label_line[code], k) for k, j in enumerate(under[code][1])]
        elif len(idx) == len(measures) and len(cells) > len(measures) and all(t.cell for t in cells):
            # as many numbers as measures among spacer cells (a converter's grid drawn wider
            # than the block, its numbers not quite under their heads): the numbers, in order
            toks = [t for t in cells if t.kind == "num"]
        else:
            toks = toks[idx[0] : idx[-1] + 1] if idx else []
        values: list[Decimal | None] = [None] * len(measures)
        if toks:
            opts = [
                r
                for r in readings(toks, len(measures), max_missing=len(measures) - 1)
                if _signs_in_place(r, measures)
            ]
            # a short row fills its first measures; the rest were left blank
            opts.sort(key=lambda r: (r.cost, r.gaps and -min(r.gaps)))
            if opts:
                best = opts[0]
                values = list(best.values)
                rivals = [r for r in opts[1:] if r.cost == best.cost and r.values != best.values]
                if rivals and any("run together" in n for n in best.notes):
                    values = [None] * len(measures)
                    out.problems.append(
                        f"table 二 item {code}: digits run together admit {len(rivals) + 1} readings; left null"
                    )
                for note in best.notes:
                    if "lost in extraction" not in note:
                        out.repairs.append({"where": f"proactive.{code}", "why": note})
                for k, src in enumerate(best.sources):
                    if src is not None:
                        out.provenance[f"proactive.{code}.{measures[k]}"] = provenance_of(src.line)
            else:
                out.problems.append(f"table 二 item {code}: numbers could not be read")
        item: dict[str, object] = {}
        for k, m in enumerate(measures):
            v = values[k]
            if v is not None:
                if m == "amount_yuan":
                    src_unit = next((t.unit for t in toks if t.kind == "num" and t.unit), None)
                    if src_unit == "万元" or (src_unit is None and procurement_in_10k):
                        v = v * 10000
                        out.repairs.append({"where": f"proactive.{code}.{m}", "why": "converted 万元 to 元"})
                elif m == "amount_10k_yuan":
                    tok = next((t for t in toks if t.kind == "num" and t.unit == "元"), None)
                    if tok is not None:
                        v = Decimal(v) / 10000
                        out.repairs.append({"where": f"proactive.{code}.{m}", "why": "converted 元 to 万元"})
                item[m] = json_number(v)
            else:
                item[m] = None
        out.items[code] = item
    for code, (label, measures) in spec.items():
        if code not in out.items:
            out.items[code] = {m: None for m in measures}
            if out.found:
                out.problems.append(f"table 二 item {code} ({label}) not found")
    return out
