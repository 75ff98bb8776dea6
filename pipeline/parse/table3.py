"""Table 三 (applications received and how they were handled) from the token stream.

1. Walk the tokens from the first row label: a text token that names a row opens it; numbers
   (and blank cells) go to the open row; text naming no row is a wrapped label or a group
   header and is skipped.
2. For each row, enumerate readings of its numbers as 7 cells (``readings``).
3. Choose one reading per row, minimising identity violations: first the row identity, then the
   column identities' total residual, then the cost of the reading. A reading is never chosen
   over a cleaner one unless the form's arithmetic prefers it, so a source error stays visible.
4. Where two readings remain equally good and differ, the differing cells become null with a
   problem; then cells the identities determine (a lost cell, a column that is all zero) are
   filled, each with a repair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from pipeline import form
from pipeline.extract.document import Line
from pipeline.parse.columns import Layout, placed_tokens, text_columns
from pipeline.parse.identities import T3, fill_table3, rules, solve_line
from pipeline.parse.labels import (
    APPLICANT_HEADS,
    GROUP_ROWS,
    clean_label,
    enumerator,
    fuzzy_row,
    match_group,
    match_rows,
    numeral_row,
)
from pipeline.parse.readings import COSTS, Reading, readings
from pipeline.parse.tokens import (
    Tok,
    grid_cell_token,
    is_blank_mark,
    is_placeholder,
    is_smudge,
    merge_words,
    parse_number,
    provenance_of,
    tokenize_line,
)
from pipeline.parse.transposed import read_column_major
from pipeline.record import APPLICANT_COLUMNS, APPLICATION_ROW_FORMATS, APPLICATION_ROWS, DISPOSITION_ROWS

ORDER = {code: i for i, code in enumerate(APPLICATION_ROWS)}
CELL_PATHS = {code: [f"applications.{code}.{col}" for col in APPLICANT_COLUMNS] for code in APPLICATION_ROWS}
_STOP_WORDS = form.TABLE3_STOP_WORDS
# words of column headers (table 三's applicants, table 四's outcomes, converters' placeholders):
# a line of nothing else is a header repeated or copied into the table, not a row
HEADER_WORDS = frozenset(
    [
        # the form's own column heads: table 三's applicants, table 四's outcomes and groups,
        # table 三's outcome groups set out as columns (a header copied in from a summary table)
        *(c.label for c in form.APPLICANT_COLUMNS),
        form.editions.LEGAL_PERSON_HEAD,
        form.editions.APPLICANT_HEAD,
        "社会组织",
        "其它",
        "合计",
        "小计",
        *(c.label for c in form.RL_OUTCOMES),
        *(g.head for g in form.RL_GROUPS),
        form.editions.LITIGATION_HEAD,
        *(g.label for g in form.GROUPS if g.code not in ("received", "carried_forward")),
        # converters' own heads and the pieces of wrapped heads
        *[
            "商业",
            "企业",
            "科研",
            "机构",
            "社会公益",
            "组织",
            "法律服务",
            "类别",
            "项目",
            "项",
            "序号",
            "名称",
            "内容",
            "指标",
            "数值",
            "数量",
            "单位",
            "备注",
        ],
        form.editions.ITEM_HEAD,
    ]
)


def is_header_row(toks: list[Tok]) -> bool:
    """Two or more header words and nothing else (no number, no row label)."""
    words = [t for t in toks if t.kind != "blank"]
    if len(words) < 2 or any(t.kind != "text" for t in words):
        return False
    return all(clean_label(t.text) in HEADER_WORDS or is_placeholder(t.text) for t in words)


@dataclass
class Table3:
    rows: dict[str, list[Decimal | None]] = field(default_factory=dict)
    fmt: int = 2021
    repairs: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    provenance: dict[str, dict] = field(default_factory=dict)
    found: bool = False
    end_line: int = 0  # index (into the lines given) after the table


# what follows 一、本年新收 in table 三 (labels may be cut anywhere, '上年结' / '转…')
_CONFIRM = re.compile(r"结转|上年结|予以公开|办理结果|二\s*、.{0,6}结")
# '一、本年新' cut before 收; OCR's '一、本征新收玫府…'
_FIRST_ROW = re.compile(r"^\s*一\s*、\s*(?:本年新?|.{0,3}新收)")


def find_start(lines: list[Line], begin: int = 0) -> int | None:
    """Index of the line holding the 一、本年新收 row label, confirmed by 上年结转 soon after."""
    for i in range(begin, len(lines)):
        if "新收" not in lines[i].text and "本年" not in lines[i].text:
            continue
        toks = tokenize_line(lines[i])
        words = [t.text for t in toks if t.kind == "text"]
        if any(
            "new_received" in match_rows(w) or _FIRST_ROW.match(w)
            for w in (*words, "".join(words))  # the label may be cut over cells
        ):
            window = " ".join(x.text for x in lines[i : i + 16])
            if _CONFIRM.search(window):
                return i
    return None


def detect_grid(lines: list[Line], start: int) -> tuple[int, int] | None:
    """(width, first data column) when table 三's rows come as cells of one width, the numbers
    always within the same 7 columns. Then a row's blank data cell can be read by its column."""
    widths: dict[int, int] = {}
    hi: dict[int, int] = {}
    for line in lines[start : start + 80]:
        if line.cells is None:
            continue
        idx = [i for i, c in enumerate(line.cells) if c and parse_number(c) is not None]
        if not idx:
            continue
        w = len(line.cells)
        widths[w] = widths.get(w, 0) + 1
        hi[w] = max(hi.get(w, 0), idx[-1])
    if not widths:
        return None
    w = max(widths, key=widths.get)
    lo = hi[w] - 6
    return (w, lo) if widths[w] >= 3 and lo >= 1 else None


def _fits(line: Line, grid: tuple[int, int]) -> bool:
    """A row of the grid's width whose numbers all sit in the data columns, no label among them."""
    cells = line.cells
    if cells is None or len(cells) != grid[0]:
        return False
    lo = grid[1]
    inside = False
    for i, c in enumerate(cells):
        if not c or is_blank_mark(c):
            continue
        is_num = parse_number(c) is not None
        if is_num and " " in c.strip():
            return False  # '2 0': two columns a converter merged into one cell, not one number
        if lo <= i < lo + 7:
            if not is_num:
                return False
            inside = True
        elif is_num:
            return False
    return inside


def _grid_tokens(line: Line, grid: tuple[int, int]) -> list[Tok]:
    lo = grid[1]
    cells = line.cells or []
    label_cells = [c for i, c in enumerate(cells) if not lo <= i < lo + 7 and c and not is_blank_mark(c)]
    toks = [Tok("text", c, line, True, gap_before="\t") for c in label_cells]
    return toks + [grid_cell_token(cells[lo + k], line, k) for k in range(7)]


def _assign(
    lines: list[Line], start: int, grid_source: bool
) -> tuple[dict[str, list[Tok]], dict[str, Tok], int, list[dict]]:
    """Step 1: group number tokens under the row label they follow."""
    grid = detect_grid(lines, start)
    del grid_source  # both kinds of cells are read by column; only the cost of doing so differs
    # fixed-width text (a converter kept the layout): a short row's numbers placed by column;
    # the layout is measured the first time a row needs it (most rows print all 7 cells)
    layout: list = []

    def columns() -> Layout | None:
        if not layout:
            layout.append(None if grid else text_columns(lines, start, min(len(lines), start + 60)))
        return layout[0]

    nums: dict[str, list[Tok]] = {}
    count: dict[str, int] = {}  # numbers per row so far (kept, not recounted: rows are long)
    labels: dict[str, Tok] = {}
    repairs: list[dict] = []
    current: str | None = None
    pointer = -1  # order of the last row that received numbers
    pending: list[Tok] = []  # text since the last label or number that named no row
    group: str | None = None  # （三）不予公开 …（六）其他处理: the group the sub-rows belong to
    end = len(lines)
    for li in range(start, len(lines)):
        line = lines[li]
        toks = _grid_tokens(line, grid) if grid and _fits(line, grid) else tokenize_line(line)
        if line.cells is None and len(toks) > 1 and _enumerator_apart(toks):
            # OCR: '2 其他法律行政法规禁止公开 0 0 0' — the row's number, not a cell
            toks = [Tok("text", toks[0].text + "." + toks[1].text, line, False), *toks[2:]]
        if toks and toks[0].kind == "text" and line.cells is None and _short(toks) and (cols := columns()):
            toks = placed_tokens(line, toks, cols) or toks
        if (
            current == "carried_forward"
            and count.get(current, 0) >= 7
            and any(t.kind == "text" for t in toks)
        ):
            end = li
            break
        if current != "carried_forward" and is_header_row(toks):
            continue  # a header repeated on a new page, or copied in from another table
        if any(w in line.text for w in _STOP_WORDS) and any(
            t.kind == "text" and any(w in t.text for w in _STOP_WORDS) for t in toks
        ):
            end = li
            break
        for t in merge_words(toks):
            if t.kind == "text":
                group = match_group(t.text) or group
                if "".join(t.text.split()) in APPLICANT_HEADS and (
                    pointer < 0 or (len(toks) == 1 and 0 < count.get(current or "", 0) < 7)
                ):
                    # a bare '其他' / '总计' before any row has numbers, or alone on a line amid a
                    # row's numbers, is a column head (pdftotext writes a head where it stands),
                    # not the row 3.其他 / （七）总计 of the table's end
                    pending.append(t)
                    continue
                code = _pick(match_rows(t.text), pointer, count)
                if code is None and pending and pending[-1].line is t.line:
                    # a label cut over cells of one row ('|一、本|年新收|政府信息公开申请数量|')
                    joined = "".join(p.text for p in pending if p.line is t.line) + t.text
                    code = _pick(match_rows(joined), pointer, count)
                if code is None and group is not None:
                    # rely on the form's structure: the n-th sub-row of the current group
                    n = enumerator(_after_group(t.text))
                    rows_of_group = GROUP_ROWS[group]
                    if n is not None and 1 <= n <= len(rows_of_group):
                        cand = rows_of_group[n - 1]
                        if count.get(cand, 0) == 0 and (ORDER[cand] > pointer or cand not in nums):
                            code = cand
                            if not match_rows(t.text):
                                repairs.append(
                                    {
                                        "where": f"applications.{code}",
                                        "why": f"row label {t.text!r} named by its number {n} in its group",
                                    }
                                )
                if (
                    code is None
                    and (cand := numeral_row(t.text))
                    and not count.get(cand)
                    and cand not in nums
                ):
                    # '（二）部分' / '公开（区分…）': a head cut mid-word is still named by its numeral
                    code = cand
                    repairs.append(
                        {
                            "where": f"applications.{code}",
                            "why": f"row label {t.text!r} named by its numbering",
                        }
                    )
                if code is None and current is None and li == start and _FIRST_ROW.match(t.text):
                    # the line find_start took for the first row: its label is read too badly
                    # to match (OCR), but its place in the form says what it is
                    code = "new_received"
                    repairs.append(
                        {
                            "where": "applications.new_received",
                            "why": f"row label {t.text!r} read as the table's first row",
                        }
                    )
                if code is not None:
                    current = code
                    # printed order is insertion order: a label seen again before its numbers
                    # ('（六）其他处理' then '3.其他') takes its place where it is seen last
                    nums[code] = nums.pop(code, [])
                    labels[code] = t
                    pending = []
                else:
                    pending.append(t)
                continue
            if current is None:
                continue
            if t.kind == "blank" and pending and count.get(current, 0) >= 7:
                continue  # an empty label cell before a mangled row's numbers: keep its label
            if t.kind == "num" and pending and count.get(current, 0) >= 7:
                # numbers after unrecognised text, the open row already complete: a row whose
                # label was mangled. Name it fuzzily, else by its place in the form's order.
                code, why = _infer_row(pending, pointer, nums)
                if code is not None:
                    repairs.append({"where": f"applications.{code}", "why": why})
                    current = code
                    nums.setdefault(code, [])
                    labels[code] = pending[0]
            pending = []
            nums[current].append(t)
            if t.kind == "num":
                pointer = ORDER[current]
                count[current] = count.get(current, 0) + 1
    return nums, labels, end, repairs


def _enumerator_apart(toks: list[Tok]) -> bool:
    """A line that starts with a sub-row's number set apart from its label ('2 其他法律…')."""
    first, second = toks[0], toks[1]
    return (
        first.kind == "num"
        and len(first.text) == 1
        and first.text in "12345678"
        and second.kind == "text"
        and bool(match_rows(second.text))
    )


def _short(toks: list[Tok]) -> bool:
    """A row with some numbers but fewer than 7 cells."""
    n = sum(1 for t in toks if t.kind in ("num", "blank"))
    return 0 < n < 7


def _after_group(text: str) -> str:
    """'（三）不予公开1.属于国家秘密' -> '1.属于国家秘密': the sub-row label after a group head."""
    m = re.search(r"(不予公开|无法提供|不予处理|其[他它]处理)\s*(?=[(（]?\d)", text)
    return text[m.end() :] if m else text


class _Choice:
    """The reading chosen for each row, with the column identities' sums kept up to date
    incrementally (the search evaluates thousands of choices on a messy table; recomputing 175
    cells each time is what made it slow). The identities are the registry's, compiled."""

    def __init__(self, cands: dict[str, list[tuple[tuple, int, Reading]]], fmt: int) -> None:
        self.cands = cands
        self.rules = rules(T3, "column", fmt)
        # row -> [(identity index, sign)]: where a row's cells count, and on which side
        self.terms: dict[str, list[tuple[int, int]]] = {}
        for j, ident in enumerate(self.rules):
            for code in ident.plus:
                self.terms.setdefault(code, []).append((j, 1))
            for code in ident.minus:
                self.terms.setdefault(code, []).append((j, -1))
        self.choice = {code: 0 for code in cands}
        # per identity and column: the signed sum of known cells, and how many are unknown (a
        # row the table lacks is unknown in every column)
        self.sum = [[0] * 7 for _ in self.rules]
        self.unknown = [[0] * 7 for _ in self.rules]
        for code, where in self.terms.items():
            vec = cands[code][0][0] if code in cands else (None,) * 7
            self._add(where, vec, 1)
        self.viol = sum(o[0][1] for o in cands.values())
        self.cost = sum(o[0][2].cost for o in cands.values())
        self.prior = sum(o[0][2].prior for o in cands.values())
        # cells a reading leaves unknown: counted, so a reading cannot hide an identity's
        # residual (a source error) behind a cell it declines to read
        self.blanks = sum(o[0][0].count(None) for o in cands.values())

    def _add(self, where: list[tuple[int, int]], vec: tuple, sign: int) -> None:
        for j, side in where:
            s, u = self.sum[j], self.unknown[j]
            for c in range(7):
                v = vec[c]
                if v is None:
                    u[c] += sign
                else:
                    s[c] += sign * side * v

    def set(self, code: str, k: int) -> None:
        if k == self.choice[code]:
            return
        old = self.cands[code][self.choice[code]]
        new = self.cands[code][k]
        where = self.terms.get(code)
        if where:
            self._add(where, old[0], -1)
            self._add(where, new[0], 1)
        self.viol += new[1] - old[1]
        self.cost += new[2].cost - old[2].cost
        self.prior += new[2].prior - old[2].prior
        self.blanks += new[0].count(None) - old[0].count(None)
        self.choice[code] = k

    def objective(self) -> tuple[int, int, int, int, int]:
        """(identities broken, cells unknown, total residual, repair cost), compared in order.
        Row and column identities count alike: a source error breaks one of either kind."""
        resid = 0
        broken = self.viol
        for s, u in zip(self.sum, self.unknown, strict=True):
            for c in range(7):
                if not u[c]:
                    r = abs(s[c])
                    resid += r
                    broken += r != 0
        return broken, self.blanks, resid, self.cost, self.prior


def _with_cost(r: Reading, cost: int) -> Reading:
    return Reading(r.values, r.sources, cost, r.notes, r.gaps, r.dropped, r.prior)


_TOTAL = len(APPLICANT_COLUMNS) - 1


def _with_prior(r: Reading) -> Reading:
    """A reading that takes cells as lost costs more when they are the total or the natural
    persons' (see ``Costs``); among the organisations' columns, empty cells most likely close
    the row (a row printed '7 2 9' is 7 natural persons, 2 commercial enterprises, 9 in all):
    the last tie-break, ``prior``, grows with each lost cell's distance from the right."""
    if not r.gaps:
        return r
    extra = COSTS.lost_total * (_TOTAL in r.gaps) + COSTS.lost_natural_person * (0 in r.gaps)
    # (a single lost cell is a lost column, placed jointly with the other rows: no preference)
    prior = sum(_TOTAL - 1 - p for p in r.gaps if 0 < p < _TOTAL) if len(r.gaps) > 1 else 0
    return Reading(r.values, r.sources, r.cost + extra, r.notes, r.gaps, r.dropped, prior)


def _infer_row(pending: list[Tok], pointer: int, nums: dict[str, list[Tok]]) -> tuple[str | None, str]:
    text = "".join(t.text for t in pending)
    # a label cut over two lines ('1.本机关不' / '掌握相关政府信息') names its row when joined
    keyed = [c for c in match_rows(text) if c not in nums]
    if len(keyed) == 1:
        return keyed[0], f"row label {text!r} read from its pieces"
    fz = fuzzy_row(text)
    if fz and ORDER[fz[0]] > pointer and fz[0] not in nums:
        return fz[0], f"row label {text!r} matched {fz[0]} fuzzily (score {fz[1]:.0f})"
    for code in APPLICATION_ROWS[pointer + 1 :]:
        if code not in nums:
            return code, f"row label {text!r} not recognised; taken as {code} by its place in the table"
    return None, ""


def _redistribute(nums: dict[str, list[Tok]], repairs: list[dict]) -> None:
    """Labels first, numbers after (a column-wise extraction): the last label of a run of empty
    rows collects 7k numbers; hand each of the k rows its 7, in order."""
    order = list(nums)  # as printed: a converter may swap rows, labels and numbers alike
    for idx, code in enumerate(order):
        if len(nums[code]) < 14:
            continue  # fewer than two rows' worth of cells
        per_line = _rows_by_line(nums[code])
        k, r = (len(per_line), 0) if per_line else divmod(_count(nums[code]), 7)
        if k < 2 or r > 1:
            continue
        before: list[str] = []
        j = idx - 1
        while j >= 0 and _count(nums[order[j]]) == 0 and len(before) < k - 1:
            before.insert(0, order[j])
            j -= 1
        after = _empty_rows_after(nums, code, k - 1)
        if len(before) == k - 1:
            rows = [*before, code]
        elif after is not None:
            # pdftotext: the next rows' labels written after the numbers, or not at all ('（七）总计
            # 390 … 399 0 … 0 四、结转下年度继续办理'): the form's next rows, 7 each, only when
            # each row then holds its identity
            rows = [code, *after]
            numtoks = [t for t in nums[code] if t.kind == "num"]
            if r or per_line or _rows_holding([numtoks[i * 7 : (i + 1) * 7] for i in range(k)]) < k:
                continue
            for target in after:
                nums.setdefault(target, [])
        else:
            continue
        numtoks = [t for t in nums[code] if t.kind == "num"]
        if r:
            # one number more than the rows hold: a page number after the block's last cell
            repairs.append(
                {"where": "applications", "why": f"number {numtoks[-1].text!r} after the block ignored"}
            )
            numtoks = numtoks[:-1]
        by_row = [numtoks[i * 7 : (i + 1) * 7] for i in range(k)]
        # pdfminer writes a table column by column: the row identity says which way it was
        by_column = [numtoks[i::k] for i in range(k)]
        column_wise = not per_line and _rows_holding(by_column) > _rows_holding(by_row)
        dealt = per_line or (by_column if column_wise else by_row)
        if _rows_holding(dealt) < k - 1 and any(t.value for t in numtoks):
            # most rows break their identity whichever way the numbers are dealt: the numbers are
            # not these rows' (a column split by a page, labels lost); null beats wrong numbers
            continue
        for i, target in enumerate(rows):
            nums[target] = per_line[i] if per_line else (by_column if column_wise else by_row)[i]
        how = "column by column" if column_wise else "7 per row in order"
        repairs.append(
            {
                "where": "applications",
                "why": f"{7 * k} numbers after {k} row labels dealt out {how}",
            }
        )


def _empty_rows_after(nums: dict[str, list[Tok]], code: str, n: int) -> list[str] | None:
    """The n rows that follow ``code`` in the form, when none of them has numbers and both
    editions agree on them (or only one edition's rows are all empty)."""
    fits = []
    for fmt in (2021, 2019):
        rows = [c for c in APPLICATION_ROWS if fmt in APPLICATION_ROW_FORMATS[c]]
        if code not in rows:
            continue
        nxt = rows[rows.index(code) + 1 : rows.index(code) + 1 + n]
        if len(nxt) == n and all(_count(nums.get(c, [])) == 0 for c in nxt) and nxt not in fits:
            fits.append(nxt)
    return fits[0] if len(fits) == 1 else None


def _rows_holding(rows: list[list[Tok]]) -> int:
    """How many rows of 7 numbers satisfy the row identity."""
    return sum(solve_line(T3, tuple(t.value for t in row))[1] == 0 for row in rows if len(row) == 7)


def _rows_by_line(toks: list[Tok]) -> list[list[Tok]]:
    """The tokens as rows of 7 cells, one per source line (an unreadable cell keeps its place),
    when every line holds exactly 7; else []."""
    lines: dict[int, list[Tok]] = {}
    for t in toks:
        lines.setdefault(id(t.line), []).append(t)
    rows = [_trim(ts) if any(t.kind == "num" for t in ts) else [] for ts in lines.values()]
    rows = [r for r in rows if r]
    return rows if len(rows) >= 2 and all(len(r) == 7 for r in rows) else []


def _count(toks: list[Tok]) -> int:
    return sum(1 for t in toks if t.kind == "num")


def _pick(codes: list[str], pointer: int, count: dict[str, int]) -> str | None:
    """The row a label names: the first candidate at or after the current row, not yet filled."""
    if not codes:
        return None
    if len(codes) > 1 and "other_other" in codes:
        codes = [c for c in codes if c != "other_other"] or codes
    ahead = [c for c in codes if ORDER[c] > pointer and not count.get(c)]
    if ahead:
        return min(ahead, key=ORDER.get)
    # a row printed out of the form's order (converters swap rows): its own label still names it
    behind = [c for c in codes if not count.get(c)]
    if len(behind) == 1:
        return behind[0]
    return None


def _positional(toks: list[Tok]) -> bool:
    """The row's tokens are the 7 data cells of a grid row, in column order."""
    return len(toks) == 7 and [t.pos for t in toks] == list(range(7))


def _trim(toks: list[Tok]) -> list[Tok]:
    """Blank cells before the first and after the last number are merged label cells; a cell
    marked unreadable (■) is a data cell wherever it is."""
    idx = [i for i, t in enumerate(toks) if t.kind == "num" or is_smudge(t.text)]
    if not idx:
        return []
    return toks[idx[0] : idx[-1] + 1]


def _solve_values(vals: tuple) -> tuple[tuple, int]:
    """Fill what the row's own identity determines; (values, row-violation 0/1)."""
    return solve_line(T3, vals)


def read_table3(
    lines: list[Line], start: int | None, *, grid_source: bool = False, default_fmt: int = 2019
) -> Table3:
    """Table 三 from the lines; ``grid_source`` when cells come from a real table (HTML/DOCX/PDF),
    where a row's cells keep their columns (tab-separated text does not: tabs get lost).

    Stages, each a function of its own: assign tokens to rows → candidate readings → choose →
    resolve ties → fill → narrate."""
    out = Table3()
    if start is None:  # find_start found no 一、本年新收 row
        return out
    out.found = True
    by_column = None if grid_source else read_column_major(lines, start, _STOP_WORDS)
    if by_column is not None:
        nums, out.end_line, out.repairs = by_column
        labels: dict[str, Tok] = {}
    else:
        nums, labels, out.end_line, out.repairs = _assign(lines, start, grid_source)
    _redistribute(nums, out.repairs)
    out.fmt = _edition(nums, default_fmt)
    wanted = [
        c for c in APPLICATION_ROWS if c in DISPOSITION_ROWS[out.fmt] or c not in DISPOSITION_ROWS[2021]
    ]
    cands, missing_rows, unread = _candidates(nums, wanted, grid_source)
    out.problems += unread
    ev, optima, locked = _choose(cands, out.fmt)
    rows, frozen, disputed = _resolve_ties(cands, ev, optima, locked)
    _narrate_readings(cands, ev.choice, labels, out)
    for code, c, v, why in fill_table3(rows, out.fmt, frozen):
        out.repairs.append(
            {"where": f"applications.{code}.{APPLICANT_COLUMNS[c]}", "why": f"filled {v}: {why}"}
        )
    _narrate_gaps(rows, disputed, missing_rows, out)
    out.rows = rows
    return out


Candidates = dict[str, list[tuple[tuple, int, Reading]]]  # row -> [(values, row broken, reading)]


def _edition(nums: dict[str, list[Tok]], default_fmt: int) -> int:
    """The 2021 form splits （六）其他处理 into three sub-rows; the 2019 form has one row. A table
    that lost the whole （六） block says nothing: the caller's guess from the year."""
    if "other_no_correction" in nums or "other_no_fee" in nums:
        return 2021
    if _count(nums.get("other_other", [])):
        return 2019
    return default_fmt


def _candidates(
    nums: dict[str, list[Tok]], wanted: list[str], grid_source: bool
) -> tuple[Candidates, list[str], list[str]]:
    """Every reading of each row's numbers as 7 cells, with what the row identity fills and
    whether it breaks: (candidates, rows not found, problems). Best first by (broken, cost)."""
    cands: Candidates = {}
    missing_rows: list[str] = []
    problems: list[str] = []
    for code in wanted:
        raw = nums.get(code, [])
        toks = _trim(raw)
        opts: list[tuple[tuple, int, Reading]] = []
        seen: set[tuple] = set()
        options: list[Reading] = []
        if _positional(raw) and toks:
            # read by column: certain in a real grid; in tab text one reading among others, since
            # a lost tab shifts cells (the identities then prefer the shifted reading)
            by_column = readings(raw, 7)[0]
            options.append(by_column if grid_source else _with_cost(by_column, COSTS.positional_in_text))
        if not (_positional(raw) and grid_source):
            options += [_with_prior(r) for r in readings(toks, 7, max_missing=6, group=7)] if toks else []
        for r in options:
            vals, viol = _solve_values(r.values)
            if (vals, r.gaps, r.dropped) in seen:
                continue
            seen.add((vals, r.gaps, r.dropped))
            opts.append((vals, viol, r))
        if not opts:
            if code in nums and toks:
                problems.append(f"table 三 row {code}: {len(toks)} values could not be read as 7 cells")
            elif code not in nums:
                missing_rows.append(code)
            empty = Reading((None,) * 7, (None,) * 7, COSTS.unread_row, ())
            opts = [((None,) * 7, 0, empty)]
        opts.sort(key=lambda o: (o[1], o[2].cost, o[2].prior))
        cands[code] = opts
    return cands, missing_rows, problems


#: a column lost in extraction is lost from every short row alike: each position is tried jointly
_JOINT = [("gaps", p) for p in range(7)] + [("dropped", p) for p in range(8)]


def _choose(cands: Candidates, fmt: int) -> tuple[_Choice, list[dict[str, int]], set[str]]:
    """One reading per row, minimising ``_Choice.objective``: a lost column tried jointly, then
    coordinate descent, then an exhaustive search where few combinations remain. Returns the
    choice, the equally best combinations (several: a tie) and the rows locked as one lost column."""
    ev = _Choice(cands, fmt)
    best = ev.objective()
    ambiguous = [code for code in cands if len(cands[code]) > 1] if best[0] else []
    best, locked = _lost_column(cands, ev, ambiguous, best)
    ambiguous = [code for code in ambiguous if code not in locked]
    best = _descend(cands, ev, ambiguous, best)
    # rows cut several ways (digits run together) are coupled by the column identities: a
    # move of one row at a time can stall, so search every combination where there are few
    if best[0]:
        vary = {code: list(range(len(cands[code]))) for code in ambiguous}
    else:
        vary = _equal_alternatives(cands, ev, locked)
    return ev, _search_jointly(ev, vary), locked


def _lost_column(cands: Candidates, ev: _Choice, ambiguous: list[str], best: tuple) -> tuple[tuple, set[str]]:
    """Try each column position as lost (or dropped) from every short row at once."""
    locked: set[str] = set()
    # per row, the best reading that takes column p as lost (or dropped), if it has one
    by_joint: dict[str, dict[tuple[str, int], int]] = {}
    for code in ambiguous:
        m: dict[tuple[str, int], int] = {}
        for k, (_vals, viol, r) in enumerate(cands[code]):
            for key in [("gaps", g) for g in r.gaps if len(r.gaps) == 1] + [
                ("dropped", d) for d in r.dropped if len(r.dropped) == 1
            ]:
                old = cands[code][m[key]] if key in m else None
                if old is None or (viol, r.cost, r.prior) < (old[1], old[2].cost, old[2].prior):
                    m[key] = k
        by_joint[code] = m
    for key in _JOINT if ambiguous else ():
        moved = [(code, ev.choice[code], by_joint[code][key]) for code in ambiguous if key in by_joint[code]]
        if not moved:
            continue
        for code, _old, k in moved:
            ev.set(code, k)
        obj = ev.objective()
        if obj < best:
            best = obj
            # a column lost from several rows is lost from each of them: a row of that group that
            # then breaks an identity is a source error, not a reason to move its cells elsewhere
            locked = {code for code, _o, _k in moved} if len(moved) >= 3 else set()
        else:
            for code, old_k, _k in moved:
                ev.set(code, old_k)
    return best, locked


def _descend(cands: Candidates, ev: _Choice, ambiguous: list[str], best: tuple) -> tuple:
    """Coordinate descent: change one row's reading at a time while the objective improves."""
    for _ in range(4) if best[0] else ():
        improved = False
        for code in ambiguous:
            for k in range(len(cands[code])):
                old = ev.choice[code]
                if k == old:
                    continue
                ev.set(code, k)
                obj = ev.objective()
                if obj < best:
                    best, improved = obj, True
                else:
                    ev.set(code, old)
        if not improved:
            break
    return best


def _equal_alternatives(cands: Candidates, ev: _Choice, locked: set[str]) -> dict[str, list[int]]:
    """Every identity holds: the rows with equally good readings of other values (a tie)."""
    vary: dict[str, list[int]] = {}
    for code, opts in cands.items():
        if len(opts) < 2 or code in locked:
            continue
        k0 = ev.choice[code]
        same: dict[tuple, int] = {opts[k0][0]: k0}  # one reading per distinct set of values
        for k, o in enumerate(opts):
            if (o[1], o[2].cost, o[2].prior) == (opts[k0][1], opts[k0][2].cost, opts[k0][2].prior):
                same.setdefault(o[0], k)
        if len(same) > 1:
            vary[code] = list(same.values())
    return vary


def _resolve_ties(
    cands: Candidates, ev: _Choice, optima: list[dict[str, int]], locked: set[str]
) -> tuple[dict[str, list[Decimal | None]], set[tuple[str, int]], dict[str, int]]:
    """The chosen values, with every cell that equally good readings disagree on made null.
    Returns (rows, frozen cells that fills must leave unknown, row -> readings that tie)."""
    best = ev.objective()
    choice = ev.choice
    rows: dict[str, list[Decimal | None]] = {}
    disputed: dict[str, int] = {}
    frozen: set[tuple[str, int]] = set()
    for code in cands:
        vals, _viol, reading = cands[code][choice[code]]
        rows[code] = list(vals)
        if len(optima) > 1:
            alts = {cands[code][o[code]][0] for o in optima}
            for c in range(7):
                if len({alt[c] for alt in alts}) > 1:
                    rows[code][c] = None
                    frozen.add((code, c))
            if len(alts) > 1:
                disputed[code] = len(alts)
        ties = []
        for k, (alt, _v, r) in enumerate(cands[code]):
            if (
                k == choice[code]
                or alt == vals
                or (r.cost, r.prior) != (reading.cost, reading.prior)
                or alt in ties
            ):
                continue
            # an unknown cell is no disagreement: only two different values are
            if not any(a is not None and b is not None and a != b for a, b in zip(alt, vals, strict=True)):
                continue
            old = choice[code]
            ev.set(code, k)
            if ev.objective() == best:
                ties.append(alt)
            ev.set(code, old)
        for alt in ties:
            for c in range(7):
                if alt[c] != rows[code][c]:
                    rows[code][c] = None
                    frozen.add((code, c))
        if ties:
            disputed[code] = len(ties) + 1
    return rows, frozen, disputed


def _narrate_readings(cands: Candidates, choice: dict[str, int], labels: dict[str, Tok], out: Table3) -> None:
    """Repairs for what each chosen reading undid, and every cell's provenance (its line)."""
    prov: dict[int, dict] = {}  # one provenance entry per source line, shared by its cells
    for code in cands:
        vals, _viol, reading = cands[code][choice[code]]
        for note in reading.notes:
            out.repairs.append({"where": f"applications.{code}", "why": note})
        for c in range(7):
            if reading.values[c] is None and vals[c] is not None:
                out.repairs.append(
                    {
                        "where": f"applications.{code}.{APPLICANT_COLUMNS[c]}",
                        "why": f"blank cell filled {vals[c]} from the row identity (total = sum of six columns)",
                    }
                )
            elif len(reading.gaps) >= 2 and vals[c] == 0:
                # the row lost two or more cells (blanks dropped by the tool): its printed zeros
                # could stand in any of its zero cells, so which were blank is not known (one
                # lost cell is the one the identity fills, and that fill names it)
                out.repairs.append(
                    {
                        "where": f"applications.{code}.{APPLICANT_COLUMNS[c]}",
                        "why": "0 printed here or in another zero cell of the row; blank cells lost their places",
                    }
                )
        paths = CELL_PATHS[code]
        for c, src in enumerate(reading.sources):
            line = src.line if src is not None else labels[code].line if code in labels else None
            if line is not None:
                p = prov.get(id(line))
                if p is None:
                    p = prov[id(line)] = _prov(line)
                out.provenance[paths[c]] = p


def _narrate_gaps(
    rows: dict[str, list[Decimal | None]], disputed: dict[str, int], missing_rows: list[str], out: Table3
) -> None:
    """Problems for cells left unknown (ties, rows not found); repairs where the fills closed them."""
    for code, n in disputed.items():
        if any(v is None for v in rows[code]):
            out.problems.append(
                f"table 三 row {code}: {n} readings fit the identities equally well; disputed cells left null"
            )
        else:
            out.repairs.append(
                {
                    "where": f"applications.{code}",
                    "why": f"{n} readings fit equally well; the identities settled the cells",
                }
            )
    for code in missing_rows:
        if any(v is None for v in rows[code]):
            out.problems.append(f"table 三 row {code} not found")
        else:
            out.repairs.append(
                {
                    "where": f"applications.{code}",
                    "why": "row label not found; every cell follows from the identities",
                }
            )


JOINT_LIMIT = 20_000  # combinations of readings searched exhaustively


def _search_jointly(ev: _Choice, vary: dict[str, list[int]]) -> list[dict[str, int]]:
    """Every combination of the given rows' readings (row -> reading indices), when there are at
    most JOINT_LIMIT of them: leaves the best in ``ev`` and returns all the combinations that are
    equally best (the cells they disagree on are disputed). [] when the search was not done."""
    rows = [code for code, ks in vary.items() if len(ks) > 1]
    size = 1
    for code in rows:
        size *= len(vary[code])
        if size > JOINT_LIMIT:
            return []
    if size <= 1:
        return []
    from itertools import product

    best: tuple | None = None
    optima: list[dict[str, int]] = []
    for combo in product(*(vary[code] for code in rows)):
        for code, k in zip(rows, combo, strict=True):
            ev.set(code, k)
        obj = ev.objective()
        if best is None or obj < best:
            best, optima = obj, [dict(ev.choice)]
        elif obj == best and len(optima) < 64:
            optima.append(dict(ev.choice))
    for code, k in optima[0].items():
        ev.set(code, k)
    return optima


def _prov(line: Line) -> dict:
    return provenance_of(line)
