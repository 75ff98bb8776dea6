"""The repeated parts of the review pages as HTML built in Python: the cells of a card's three
tables and the blocks of the quality report's findings.

A night renders 10⁵ cards of ~200 cells and may list 10⁵ findings; through Jinja (autoescape and
attribute lookup per cell) that was 8 ms a card. The templates keep the page and place these
strings (``Markup``, already escaped); every text that is not a number is escaped here.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape as _html_escape
from typing import Any

from markupsafe import Markup

from pipeline.review.render import fmt_number

#: a fact cell as the card reads it: (value, repaired, corrected)
CellValue = tuple[Any, bool, bool]
_EMPTY: CellValue = (None, False, False)
#: the class of a number cell by (failing, corrected, repaired), as the legend names them
_CSS = {
    (f, c, r): " ".join(n for n, on in (("fail", f), ("corrected", c), ("repaired", r)) if on)
    for f in (False, True)
    for c in (False, True)
    for r in (False, True)
}


def td(cell: CellValue | None, failing: bool = False) -> str:
    """A number cell with its marks (failing, corrected, repaired)."""
    v, repaired, corrected = cell or _EMPTY
    return f'<td class="num {_CSS[failing, corrected, repaired]}">{fmt_number(v)}</td>'


def grid_rows(
    rows: Iterable[tuple[str, list[str]]], cells: dict[str, CellValue], failing: set[str]
) -> Markup:
    """Table 三 or 四: a row label (HTML), then one number cell per column (cell paths)."""
    return Markup(
        "".join(
            f"<tr><td>{label}</td>{''.join(td(cells.get(p), p in failing) for p in paths)}</tr>\n"
            for label, paths in rows
        )
    )


def measure_rows(
    rows: Iterable[tuple[str, list[tuple[str, str]]]], cells: dict[str, CellValue], failing: set[str]
) -> Markup:
    """Table 二: an item (HTML), then (measure label (HTML), number) pairs."""
    return Markup(
        "".join(
            f"<tr><th>{label}</th>"
            f"{''.join(f'<td>{m}</td>{td(cells.get(p), p in failing)}' for m, p in measures)}</tr>\n"
            for label, measures in rows
        )
    )


def escape(v: Any) -> str:
    """Text for HTML (``html.escape``: markupsafe's escape allocates a Markup per call, and a
    night's findings make 10⁶ calls); None prints as Jinja prints it."""
    return _html_escape(str(v))


def finding_block(i: int, r: dict[str, Any]) -> str:
    """One finding of the quality report: rule, file and line, raw text, its cells, both sides."""
    where = f" · {escape(r['where'])}" if r.get("where") else ""
    raw = f" · 原文：<code>{escape(r['raw'])}</code>" if r.get("raw") else ""
    cells = "".join(
        f'<tr><td>{escape(label)}</td><td class="num">{fmt_number(v)}</td></tr>'
        for label, _path, v in r["cell_list"]
    )
    return (
        f'<div class="finding" id="f{i}">\n'
        f'<h3 class="{escape(r["severity"])}" style="font-size:14px;margin:.8em 0 .2em">'
        f"{escape(r['agency_name'])} · {escape(r['year'])}年度 · {escape(r['rule_zh'])}（{escape(r['kind_zh'])}）</h3>\n"
        f'<p class="meta">来源文件 <code>{escape(r["path"])}</code>{where}{raw}</p>\n'
        "<table>\n<thead><tr><th>单元格</th><th>数值</th></tr></thead>\n<tbody>\n"
        f"{cells}\n"
        f'<tr><th>期望（表格所列合计）</th><td class="num fail">{fmt_number(r["expected"])}</td></tr>\n'
        f'<tr><th>实际（其余单元格所得）</th><td class="num fail">{fmt_number(r["observed"])}</td></tr>\n'
        "</tbody>\n</table>\n"
        f'<p class="meta">{escape(r["message"])}</p>\n'
        "</div>\n"
    )


def finding_blocks(rows: list[dict[str, Any]]) -> Markup:
    return Markup("".join(finding_block(i, r) for i, r in enumerate(rows, 1)))
