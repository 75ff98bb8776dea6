"""Table 三 written column by column (pdfminer's ``extract_text`` and tools like it).

Such a tool prints a page's row labels first, then the natural-person column top to bottom, then
the next column, and so on; a table cut by a page break repeats that per page::

    一、本年新收政府信息公开申请数量
    二、上年结转政府信息公开申请数量
    …                         (n labels, often wrapped over lines, group heads in between)
    自然人
    390
    0
    …                         (n numbers: the natural-person column)
    商业 企业 …               (the other heads, anywhere among the numbers)
    …                         (6 more columns of n numbers, the total last)

Labels may be wrapped, cut and interleaved with group heads beyond any matching, so this reader
does not rely on them: it relies on the form. Each run of numbers between label text holds 7·n
numbers for the n rows of its page; the runs, in order, cover the form's rows in order (23 in the
2019 edition, 25 in 2021). The reading is taken only when every row's total equals the sum of
its six columns (at most one source error), and the same numbers read row by row do worse: a
wrong transposition would put wrong numbers in every cell, so anything less certain is left to
the ordinary reader.
"""

from __future__ import annotations

from itertools import product

from pipeline.extract.document import Line
from pipeline.extract.text import PAGE_FOOTER
from pipeline.parse.identities import T3, residual, rules, solve_line
from pipeline.parse.labels import APPLICANT_HEADS
from pipeline.parse.tokens import Tok, tokenize_line
from pipeline.record import APPLICATION_ROW_FORMATS, APPLICATION_ROWS

#: characters of table 三's column heads (and their wrapped pieces): such text among the numbers
#: is a head the tool wrote where its column starts, not a row label
_HEAD_CHARS = frozenset("".join(APPLICANT_HEADS))
#: form rows per edition, in printed order
_ROWS = {fmt: [c for c in APPLICATION_ROWS if fmt in APPLICATION_ROW_FORMATS[c]] for fmt in (2019, 2021)}
#: the first rows both editions print alike (一 … （五）5.要求行政机关确认…)
_SAME_ROWS = next(i for i, (a, b) in enumerate(zip(_ROWS[2019], _ROWS[2021], strict=False)) if a != b)
#: a run of numbers longer than this is not one page of table 三
_MAX_LINES = 600


def _is_head(text: str) -> bool:
    s = "".join(text.split())
    return bool(s) and all(ch in _HEAD_CHARS for ch in s)


class _Run(list):
    """A run of number tokens; ``heads[i]`` is the column head text written just before token i."""

    def __init__(self) -> None:
        super().__init__()
        self.heads: dict[int, str] = {}


def _runs(lines: list[Line], start: int, stop_words: tuple[str, ...]) -> tuple[list[_Run], int] | None:
    """The number runs from ``start`` to the table's end, and the index after the last number;
    None when a line mixes text with numbers (a table written row by row)."""
    runs: list[_Run] = []
    current = _Run()
    end = start
    for li in range(start, min(len(lines), start + _MAX_LINES)):
        line = lines[li]
        if PAGE_FOOTER.match(line.text):
            continue
        if li > start and any(w in line.text for w in stop_words):
            break
        toks = [t for t in tokenize_line(line) if t.kind != "blank"]
        if not toks:
            continue
        nums = [t for t in toks if t.kind == "num"]
        texts = [t for t in toks if t.kind == "text"]
        if nums and texts:
            if all(_is_head(t.text) for t in texts):
                current.heads[len(current)] = current.heads.get(len(current), "") + "".join(
                    t.text for t in texts
                )
                current.extend(nums)  # '总计 12': a head and the first number of its column
                end = li + 1
                continue
            return None
        if nums:
            current.extend(nums)
            end = li + 1
        elif all(_is_head(t.text) for t in texts):
            current.heads[len(current)] = current.heads.get(len(current), "") + "".join(t.text for t in texts)
        elif current:
            runs.append(current)
            current = _Run()
    if current:
        runs.append(current)
    return runs, end


def _holds(row: list[Tok]) -> bool:
    return solve_line(T3, tuple(t.value for t in row))[1] == 0


def _options(run: _Run) -> list[tuple[_Run, int]]:
    """The run as whole rows, with the offset of its first token: itself, or without a page
    number a tool wrote alone on a line at the top or bottom of a page (7·n + 1 numbers)."""
    if len(run) % 7 == 0:
        return [(run, 0)]
    if len(run) % 7 != 1:
        return []
    out = []
    for k, extra in ((0, run[-1]), (1, run[0])):
        if isinstance(extra.value, int) and 0 < extra.value < 1000 and extra.line.text.strip() == extra.text:
            cut = _Run()
            cut.extend(run[k : len(run) - 1 + k])
            cut.heads = {i - k: h for i, h in run.heads.items()}
            out.append((cut, k))
    return out


def _joined(group: list[_Run]) -> _Run:
    """Runs cut apart by label text that belong to one page (a column split by a wrapped label)."""
    out = _Run()
    for run in group:
        for i, h in run.heads.items():
            out.heads[len(out) + i] = out.heads.get(len(out) + i, "") + h
        out.extend(run)
    return out


def _columns(run: _Run) -> list[list[Tok]] | None:
    """The run's 7 columns in the form's order, or None when the order cannot be told.

    The total column is the one that is the sum of the other six in every row (one source error
    allowed); the natural person column is the one headed 自然人 where a head names it, else the
    first; the other four keep the order the tool wrote them in."""
    n = len(run) // 7
    chunks = [run[i * n : (i + 1) * n] for i in range(7)]
    values = [[t.value for t in c] for c in chunks]
    if all(v == 0 for col in values for v in col):
        return chunks
    errors = [
        sum(values[k][r] != sum(values[j][r] for j in range(7) if j != k) for r in range(n)) for k in range(7)
    ]
    least = min(errors)
    totals = [k for k in range(7) if errors[k] == least]
    if least > (n >= 4) or any(values[k] != values[totals[0]] for k in totals):
        return None  # no column is the total, or two different ones could be
    t = 6 if 6 in totals else totals[0]  # equal candidates (one applicant column only): any will do
    natural = [k for k in range(7) if run.heads.get(k * n, "").replace(" ", "") == "自然人"]
    rest = [k for k in range(7) if k != t]
    if natural and natural[0] != t:
        first = natural[0]
    elif t == 6:
        first = 0
    else:
        return None  # the total is not last and no head says which column is the natural person
    order = [first, *(k for k in rest if k != first), t]
    return [chunks[k] for k in order]


def _reading(runs: list[_Run], partial: bool = False) -> tuple[int, list[list[Tok]], list[int], int] | None:
    """(edition, rows in form order, rows per run, identities broken) when the runs read by
    column fit the form: all its rows, or (``partial``) its first rows, up to 5.要求…确认, which
    both editions print alike."""
    sizes = [len(r) // 7 for r in runs]
    if not sizes or min(sizes) < 2:
        return None
    if partial:
        fmt = 2021 if 2 * 7 <= sum(sizes) <= _SAME_ROWS else None
    else:
        fmt = next((f for f, rows in _ROWS.items() if len(rows) == sum(sizes)), None)
    if fmt is None:
        return None
    by_column: list[list[Tok]] = []
    by_row: list[list[Tok]] = []
    for run, n in zip(runs, sizes, strict=True):
        cols = _columns(run)
        if cols is None:
            return None
        by_column += [[c[i] for c in cols] for i in range(n)]
        by_row += [run[7 * i : 7 * i + 7] for i in range(n)]
    broken = sum(not _holds(r) for r in by_column)
    if broken > 1:
        return None
    values = [[t.value for t in r] for r in by_column]
    if values != [[t.value for t in r] for r in by_row] and broken >= sum(not _holds(r) for r in by_row):
        return None  # read row by row the numbers fit as well: no telling which way they go
    if partial:
        return fmt, by_column, sizes, broken
    return fmt, by_column, sizes, broken + _columns_broken(fmt, by_column)


def _columns_broken(fmt: int, rows: list[list[Tok]]) -> int:
    """Column identities (一 + 二 = 七 + 四, 七 = the sum of the dispositions) that fail, over the
    seven columns: what tells a reading shifted by a stray number from the right one."""
    cells = dict(zip(_ROWS[fmt], rows, strict=True))
    return sum(
        residual(ident, lambda code, c=c: cells[code][c].value) not in (0, None)
        for ident in rules(T3, "column", fmt)
        for c in range(7)
    )


def _groupings(runs: list[_Run]) -> list[list[_Run]]:
    """Every way to join consecutive runs into pages."""
    if not runs:
        return [[]]
    out = []
    for k in range(1, len(runs) + 1):
        head = _joined(runs[:k])
        out += [[head, *tail] for tail in _groupings(runs[k:])]
    return out


def _best(runs: list[_Run], partial: bool) -> list[tuple]:
    """The readings of the runs (joined into pages every way) that break fewest identities."""
    results: dict[tuple, tuple] = {}
    for pages in _groupings(runs):
        for combo in product(*(_options(r) for r in pages)):
            got = _reading([c for c, _k in combo], partial)
            if got is not None:
                key = tuple(tuple(t.value for t in row) for row in got[1])
                dropped = sum(len(p) - len(c) for p, (c, _k) in zip(pages, combo, strict=True))
                results.setdefault(key, (got[3], got, dropped))
    if not results:
        return []
    best = min(r[0] for r in results.values())
    return [r for r in results.values() if r[0] == best]


def read_column_major(
    lines: list[Line], start: int, stop_words: tuple[str, ...]
) -> tuple[dict[str, list[Tok]], int, list[dict]] | None:
    """(row -> its 7 number tokens, index after the table, repairs) when table 三 from ``start``
    is written column by column, page by page; None when it is not (or not certainly)."""
    found = _runs(lines, start, stop_words)
    if found is None or not found[0] or len(found[0]) > 6:
        return None
    runs, end = found
    fits = _best(runs, partial=False)
    partial = not fits
    if partial:
        # the last page does not fit (blank cells): its rows are left to nobody, the pages
        # before it are still certain
        fits = _best(runs[:-1], partial=True) if len(runs) > 1 else []
    if len(fits) != 1:
        return None  # no reading fits, or two fit as well and differ (a page number at either end)
    _b, (fmt, rows, sizes, _broken), dropped = fits[0]
    nums = dict(zip(_ROWS[fmt][: len(rows)], rows, strict=True))
    pages_text = " + ".join(str(n) for n in sizes)
    repairs = [
        {
            "where": "applications",
            "why": f"table written column by column ({pages_text} rows × 7 columns): numbers read by column"
            + (f"; {dropped} page number(s) among them ignored" if dropped else "")
            + ("; the numbers after them fit no reading by column and are left unread" if partial else ""),
        }
    ]
    return nums, end, repairs
