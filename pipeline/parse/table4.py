"""Table 四 (administrative review and litigation): 15 numbers after a three-line header.

The numbers are read as one run (one data row of 15 cells, sometimes wrapped over lines or run
together) and the reading is chosen with the group identities 维持 + 纠正 + 其他 + 尚未审结 = 总计.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from pipeline import form
from pipeline.extract.document import Line
from pipeline.parse.identities import fill_table4, group_residuals
from pipeline.parse.readings import readings
from pipeline.parse.tokens import Tok, provenance_of, tokenize_line
from pipeline.record import RL_COLUMNS, RL_GROUPS

_END = form.TABLE4_END_WORDS
# the form's own head words of table 四 (and its section title's), which are no prose
_HEADER_WORDS = re.compile(
    "|".join(
        [
            r"[一二三四五六七八九十]+、",
            "政府信息公开",
            "情况",
            "合计",
            form.editions.LITIGATION_HEAD,
            *(g.head for g in form.RL_GROUPS),
            *(c.label for c in form.RL_OUTCOMES),
            r"[、,，()（）\s]",
        ]
    )
)


@dataclass
class Table4:
    values: list[Decimal | None] = field(default_factory=lambda: [None] * 15)
    found: bool = False
    repairs: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    provenance: dict[str, dict] = field(default_factory=dict)


def _cell_path(i: int) -> str:
    return f"review_litigation.{RL_GROUPS[i // 5]}.{RL_COLUMNS[i % 5]}"


def read_table4(lines: list[Line], begin: int = 0) -> Table4:
    out = Table4()
    start = None
    for i in range(begin, len(lines)):
        t = lines[i].text
        if "行政复议" in t or "结果维持" in t or "尚未审结" in t:
            start = i
            break
    if start is None:
        return out
    nums: list[Tok] = []
    # up to 80 lines: a PDF converter may put every head word and cell on a line of its own
    for i in range(start, min(len(lines), start + 80)):
        line = lines[i]
        if any(w in line.text for w in _END) and i > start:
            break
        toks = tokenize_line(line)
        n_num = sum(1 for t in toks if t.kind == "num")
        # the header's own words are no prose: its numbers may follow on the same line
        text_len = len(_HEADER_WORDS.sub("", "".join(t.text for t in toks if t.kind == "text")))
        if n_num == 0:
            if len(nums) >= 15 and text_len > 20:
                break  # prose after the table
            continue
        if text_len > 40 and n_num < 3:
            continue  # a sentence that happens to hold a number
        row = [t for t in toks if t.kind in ("num", "blank")]
        if line.cells is not None and len(row) > 15 and all(t.kind == "blank" for t in row[15:]):
            row = row[:15]
        if line.cells is not None and len(row) in (5, 10, 15):
            # full rows of cells (the whole data row, or one group per row): a blank or
            # unreadable cell at either end is a cell of its own
            nums.extend(row)
            continue
        idx = [k for k, t in enumerate(row) if t.kind == "num"]
        if line.cells is not None and len(idx) in (5, 10, 15) and len(row) > len(idx):
            # a converter's grid with spacer cells among exactly a row's numbers: the numbers
            nums.extend(row[k] for k in idx)
            continue
        # otherwise blanks around a row's numbers are layout; between numbers they are empty cells
        nums.extend(row[idx[0] : idx[-1] + 1])
    if not nums:
        out.problems.append("table 四 header found but no numbers under it")
        return out
    out.found = True
    opts = readings(nums, 15, group=5)
    printed = [t for t in nums if t.kind == "num"]
    if not opts and 3 <= len(printed) < 15 and all(t.value == 0 for t in printed):
        # every number printed is 0 and empty cells printed nothing ('0 0 0 0 0 0 0 0 0' for
        # 15 cells): the empty cells are 0 too, whichever they were
        out.found = True
        out.values = [Decimal(0)] * 15
        for k in range(15):
            out.repairs.append(
                {"where": _cell_path(k), "why": f"read as 0: table 四 prints {len(printed)} numbers, all 0"}
            )
        for t in printed[:1]:
            for k in range(15):
                out.provenance[_cell_path(k)] = provenance_of(t.line)
        return out
    if not opts:
        out.problems.append(
            f"table 四: {sum(t.kind == 'num' for t in nums)} values could not be read as 15 cells"
        )
        return out

    def score(r):
        vals = list(r.values)
        viol = sum(1 for x in group_residuals(vals) if x != 0)
        return viol, r.cost

    opts.sort(key=score)
    best = opts[0]
    ties = [r for r in opts[1:] if score(r) == score(best) and r.values != best.values]
    values = list(best.values)
    for alt in ties:
        for k in range(15):
            if alt.values[k] != values[k]:
                values[k] = None
    if ties:
        out.problems.append(
            "table 四: several readings fit the identities equally well; disputed cells left null"
        )
    for note in best.notes:
        out.repairs.append({"where": "review_litigation", "why": note})
    for k, src in enumerate(best.sources):
        if src is not None:
            out.provenance[_cell_path(k)] = provenance_of(src.line)
    for k, v, why in fill_table4(values):
        out.repairs.append({"where": _cell_path(k), "why": f"filled {v}: {why}"})
    out.values = values
    return out
