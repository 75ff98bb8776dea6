"""Synthetic report *text*, as a text extraction of a published report gives it.

A backend over the shared layout model, like the HTML, DOCX and PDF renderers: tables 二, 三 and 四
are the grids of ``layout.table2/3/4`` (labels, heads and spans from the form), walked row by row
and printed in a layout's cell syntax; the damage is composed from ``damage``'s operators; the
choices of a rendering are a ``text_style.Style``; the prose around the tables is ``prose``'s.

The parser's property tests render a random record (``pipeline.synth.records``) in one of
``LAYOUTS`` and read it back; whatever the layout, the parser must give back the record. So a
layout may only damage the text in ways a careful human reader could still undo. What each layout
imitates, and the truth it keeps:

``tabs``          cells tab-separated, merged cells left blank (seed 001, 002); a full grid or seed 001's
                  collapsed spans, now and then a row that lost its leading blank cells (001's row 5.).
``spaces``        one table row per line, cells separated by spaces (seed 000, handmade 2019).
``pipes``         markdown pipe tables ``| a | b |`` with a ``| --- |`` rule (seed 004 is pipe-ish).
``wrapped``       ``spaces`` with long table-三 labels broken across lines, the numbers after the last
                  piece, on it, or on the first piece; group heads split ('三、本年度办理' / '结果',
                  '（三）不予' / '公开'), header '社会公益' / '组织'; prose hard-wrapped (seed 000, 003).
``blank_lines``   a blank line between every line (seed 003), on top of ``spaces`` or ``wrapped``.
``kangxi``        characters replaced by Kangxi radicals (U+2F00..) and CJK Radicals Supplement forms
                  (⺠ ⻔ ⻅ ⻓ …) as PDF fonts emit them (seed 003). Only code points whose NFKC /
                  radical-map image is the original character are used, so the truth is unchanged.
``dropped_zero``  ``tabs`` as a full grid (every table row has the same cells, so a blank keeps its
                  place) with some 0 cells printed blank. Only zeros the identities force are
                  dropped: every blank is solvable by propagation (an identity with one unknown, or
                  one whose unknowns all sit on one side and must sum to 0, given non-negativity),
                  using only identities that hold in the record and only cells all of whose
                  identities hold. Typical: an all-zero applicant column left blank, the 总计
                  column blank on zero rows (Shanghai 2019), a 0 table-四 outcome in a group whose
                  总计 is 0. Expected: the parser gives back 0 for each (the record is the truth),
                  with a repair for each filled cell (spec: a blank is null unless a repair fills it).
``concatenated``  ``spaces`` with two adjacent single-digit table-三 cells run together in one row
                  ('4 5 0' -> '45 0'), first digit non-zero. Done only where exactly one reading
                  of the row's 6 tokens as 7 cells (split one token in two, or a blank cell
                  anywhere) satisfies the row identity, non-negativity and the column identities
                  with the other rows as printed. Expected: the parser gives back the record.
``markdown``      '# 标题', '## 一、总体情况' headings, '**（一）…**' sub-heads; tables tab or pipe (002).
``lost_column``   seed 004: a tab table whose rows, from 予以公开 down (or all rows), lost the cell of
                  one all-zero applicant column; a stray blank cell sits after the label or at the
                  end of the row instead, so blank positions say nothing; a dashed rule under the
                  first header row. Done only where exactly one column, lost from every such row,
                  gives a table whose (holding) identities all hold. Expected: the parser gives back
                  the record (0 in the lost column), with a repair for every row that lost a cell.

Every layout also varies, at random: the title ('X2021年…', 'X 2021 年…', '2021年度X…', 'X关于2021年度…
的年度报告', name on its own line, title on the line after '一、总体情况'), label variants seen in
the wild (ASCII quotes in "三安全一稳定", '，' for '、', half-width '(一)', '(一) 予以公开' and '1. 属于'
spacing, '其他法律法规禁止公开'), table 二's fee head '（单位：万元，保留4位小数）', signed '+12' for 2019
本年增/减, amounts printed with '元' / '万元' suffixes, table 四 as one line of 15 numbers or three
of 5, and prose with the narrative numbers plus distracting ones (dates, phone numbers, '其中政务动态
信息339条', '召开新闻发布会6次'). The format (2019 / 2021 tables) comes from the record.
"""

from __future__ import annotations

import json
import random
import zlib
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from typing import Any

from pipeline.form import editions as form
from pipeline.record import APPLICATION_ROW_LABELS, APPLICATION_ROWS, RL_GROUPS
from pipeline.synth import damage, layout, prose
from pipeline.synth.damage import KANGXI
from pipeline.synth.layout import pipe_row, pipe_rule, words
from pipeline.synth.text_style import LAYOUTS, Style, draw_style

__all__ = ["KANGXI", "LAYOUTS", "Rendering", "Style", "render", "render_text"]


# ----------------------------------------------------------------------------- result
@dataclass
class Rendering:
    """A rendered report and what the rendering did that a reader has to undo."""

    text: str
    style: Style
    blanks: list[str] = field(default_factory=list)
    """cells printed blank ('applications.<row>.<column>' / 'review_litigation.<group>.<column>')."""
    joined: list[str] = field(default_factory=list)
    """table-三 cell pairs run together ('applications.<row>.<col>+<col>')."""
    lost: list[str] = field(default_factory=list)
    """table-三 cells missing from their row ('applications.<row>.<column>'), all 0."""


def render_text(
    record: dict[str, Any], layout: str, *, rng: random.Random | None = None, **overrides: Any
) -> str:
    """The text of ``record`` as an extraction in ``layout`` gives it (see the module docstring).

    Without ``rng`` the choices are seeded from the record and layout, so the same call gives the
    same text. ``overrides`` set ``Style`` fields by name after the random draw (to pin a variant).
    """
    return render(record, layout, rng=rng, **overrides).text


#: the parser version the renderings' styles have been drawn under since 2026-12-06
_STYLE_SEED_VERSION = "0.5.0"


def render(
    record: dict[str, Any], layout: str, *, rng: random.Random | None = None, **overrides: Any
) -> Rendering:
    """``render_text`` plus the style drawn and the damage done (blank, joined and lost cells)."""
    if rng is None:
        # the style is drawn from the record's content; its parser_version is pinned, so a new
        # parser version does not reshuffle every rendering the round-trip tests draw
        seed_record = (
            {**record, "parser_version": _STYLE_SEED_VERSION} if "parser_version" in record else record
        )
        blob = json.dumps(seed_record, sort_keys=True, ensure_ascii=False, default=str)
        rng = random.Random(zlib.crc32(f"{layout}|{blob}".encode()))
    style = draw_style(layout, rng)
    if overrides:
        names = {f.name for f in fields(Style)}
        unknown = set(overrides) - names
        if unknown:
            raise TypeError(f"unknown style fields: {sorted(unknown)}")
        style = replace(style, **overrides)
    out = Rendering(text="", style=style)
    lines = _document(record, style, rng, out)
    if style.kangxi:
        lines = damage.radicals(lines, rng, style.kangxi)
    if style.blank_lines:
        lines = damage.blank_lines(lines, rng)
    out.text = "\n".join(lines) + "\n"
    return out


# ----------------------------------------------------------------------------- cells -> lines
def _line(cells: list[str], s: Style, width: int | None = None) -> str:
    """One table row in the style's cell syntax."""
    if s.table_mode == "space":
        return " ".join(words(cells))
    if width is not None:
        cells = cells + [""] * (width - len(cells))
    if s.table_mode == "pipe":
        return pipe_row(cells)
    return "\t".join([*cells, ""] if s.trailing_cell else cells)


def _blanked(cells: list[str], keys: list[tuple[str, int]], blanks: set[tuple[str, int]]) -> list[str]:
    """Value cells with the damage's blanks printed empty (``keys``: each cell's (line, column))."""
    return ["" if key in blanks else text for key, text in zip(keys, cells, strict=True)]


# ----------------------------------------------------------------------------- table 二
def _money(measure: str, text: str, s: Style) -> str:
    """A table-二 amount as the style prints it: 4 places, or with its unit leaking into the cell."""
    if not text:
        return text
    if measure == "amount_10k_yuan":
        if s.fee_in_yuan and Decimal(text):
            return damage.fee_in_yuan(text)
        if s.fee_four_places:
            return format(Decimal(text).quantize(Decimal("0.0001")), "f")
    if measure == "amount_yuan":
        d = Decimal(text)
        if s.procurement_unit == "head" or (s.procurement_unit == "wan" and d == d.to_integral_value()):
            return damage.in_wan(text) + ("万元" if s.procurement_unit == "wan" else "")
        if s.procurement_unit == "yuan" and d:
            return text + "元"
    return text


def _table2(record: dict[str, Any], s: Style) -> list[str]:
    """Table 二 off the shared layout model (``layout.table2``): article heads, column heads, item
    rows. Only article heads print the style's label variants; amounts print its unit choices."""
    fmt = record["format_version"]
    table = layout.table2(record, s.variant(labels=False))
    out: list[str] = []
    for article, heads, items in layout.articles(table):
        out.append(_line([layout.label(article, s.variant())], s, 4))
        if s.table_mode == "pipe" and len(out) == 1:
            out.append(pipe_rule(4))
        if "amount_yuan" in layout.ITEM_MEASURES[fmt][items[0][0]] and s.procurement_unit == "head":
            heads = [*heads[:-1], form.MEASURE["amount_yuan"].label.replace("（元）", "（万元）")]
        out.append(_line(heads, s, 4))
        for item, row in items:
            cells = [_money(m, t, s) for m, t in zip(layout.ITEM_MEASURES[fmt][item], row[1:], strict=True)]
            out.append(_line([row[0], *cells], s, 4))
    return out


# ----------------------------------------------------------------------------- table 三
def _collapsed_header(head: list[list[str]]) -> list[str]:
    """Seed 001's table-三 header as extracted: two label columns, 总计 read on the first row."""
    rows = [
        [head[0][0], "", head[0][3], *[""] * 5, head[1][9], ""],
        ["", "", *head[1][3:5], *[""] * 6],
        ["", "", "", *head[2][4:9], "", ""],
    ]
    return ["\t".join(r) for r in rows]


def _narrow_cells(cells: list[str], width: int = 4) -> list[str]:
    """A row of narrow header cells (seed 000): they share a line until one wraps, then one piece a line."""
    out: list[str] = []
    line: list[str] = []
    for cell in cells:
        pieces = damage.wrap_label(cell, width)
        if len(pieces) == 1 and len(out) == 0:
            line.append(cell)
            continue
        if line:
            out.append(" ".join(line))
            line = []
        out.extend(pieces)
    return [*out, " ".join(line)] if line else out


def _t3_header(head: list[list[str]], s: Style) -> list[str]:
    """Table 三's header (the layout model's three header rows) as the style extracts it."""
    if s.table_mode == "tab" and not s.t3_grid:
        return _collapsed_header(head)
    if s.table_mode in ("tab", "pipe"):
        rows = [[r[0], *r[3:]] for r in head] if s.table_mode == "pipe" and s.pipe_labels == 1 else head
        out = [_line(r, s) for r in rows]
        if s.table_mode == "pipe":
            out.insert(1, pipe_rule(len(rows[0])))
        return out
    top, mid, orgs = (words(r) for r in head)
    if s.t3_header == "compact":  # handmade 2019 fixture
        return [top[0], " ".join(top[1:] + mid), " ".join(orgs)]
    if s.t3_header == "note_inline":
        return [" ".join(top), " ".join(mid), " ".join(orgs)]
    return [*top, *mid, *(_narrow_cells(orgs) if s.split_org_labels else [" ".join(orgs)])]


def _t3_space_row(labels: list[str], numbers: str, s: Style) -> list[str]:
    """A table-三 row in ``space`` mode: group heads on their own lines (or inline), the label
    wrapped inside its cell when the style says so, the numbers after it, on it, or on its first line."""
    top, mid, item = labels
    out: list[str] = []
    if s.group_heads == "inline":
        label = " ".join(words(labels))
    else:
        heads = [top] if top and (mid or item) else []
        heads += [mid] if mid and item else []
        for h in heads:
            out.extend(damage.split_head(h) if s.split_heads else [h])
        label = item or mid or top
    pieces = damage.wrap_label(label, s.label_wrap) if s.label_wrap else [label]
    if len(pieces) == 1 or s.numbers_at == "inline":
        return [*out, *pieces[:-1], f"{pieces[-1]} {numbers}"]
    if s.numbers_at == "after":
        return [*out, *pieces, numbers]
    return [*out, f"{pieces[0]} {numbers}", *pieces[1:]]  # 'first': centred on a tall cell's first line


def _table3(
    record: dict[str, Any],
    s: Style,
    blanks: set[tuple[str, int]],
    joined: tuple[str, int] | None,
    lost: tuple[int, set[str]] | None,
    rng: random.Random,
) -> list[str]:
    """Table 三 off the shared layout model (``layout.table3`` under the style's label variants)."""
    table = layout.table3(record, s.variant())
    out = _t3_header(table.header(), s)
    if lost is not None:  # seed 004: a dashed rule under the first header row
        out.insert(1, "-" * 36 + "\t" + "-" * 7)
    for code, row in table.data():
        labels, vals = row[:3], _blanked(row[3:], [(code, c) for c in range(7)], blanks)
        if lost is not None and code in lost[1]:
            vals = damage.lose_cell(vals, lost[0], rng)
        if s.table_mode == "space":
            tokens = words(vals)
            if joined is not None and joined[0] == code:
                tokens = damage.run_together(tokens, joined[1])
            out.extend(_t3_space_row(labels, " ".join(tokens), s))
            continue
        top, mid, item = labels
        if s.table_mode == "pipe" and s.pipe_labels == 1:
            lead = [item or mid or top]
        elif s.t3_grid or s.table_mode == "pipe":
            lead = labels
        else:  # collapsed spans, seed 001
            lead = labels if item else [top, mid] if mid else [top, ""]
        if code == s.lost_lead and s.table_mode == "tab":
            lead = [item, ""]  # '5. 要求行政机关确认或重新出具已获取信息\t\t0\t0…' (seed 001)
        out.append(_line([*lead, *vals], s))
    return out


# ----------------------------------------------------------------------------- table 四
def _table4(record: dict[str, Any], s: Style, blanks: set[tuple[str, int]]) -> list[str]:
    """Table 四 off the shared layout model: three header rows, one row of 15 values."""
    table = layout.table4(record, s.variant())
    spaced = {
        c.label: damage.narrow_cell(c.label) if s.t4_spaced_labels else c.label for c in form.RL_OUTCOMES
    }
    head = [[spaced.get(t, t) for t in row] for row in table.header()]
    keys = [(g, i) for g in RL_GROUPS for i in range(5)]
    values = _blanked(table.data()[0][1], keys, blanks)
    if s.table_mode in ("tab", "pipe"):
        out = [_line(r, s) for r in head]
        if s.table_mode == "pipe":
            out.insert(1, pipe_rule(15))
        return [*out, _line(values, s)]  # a cell grid keeps the 15 values on one row
    if s.t4_header == "compact":
        out = [" ".join(words(r)) for r in head]
    else:  # the review group's outcomes, then the two litigation heads
        out = [" ".join(words(r)) for r in (head[0], head[1][:5], head[1][5:], head[2])]
    if s.t4_values == "three_lines":
        return [*out, *(" ".join(values[i : i + 5]) for i in (0, 5, 10))]
    return [*out, " ".join(values)]


# ----------------------------------------------------------------------------- document
def _damage(record: dict[str, Any], s: Style, rng: random.Random, out: Rendering) -> tuple[Any, Any, Any]:
    """Draw the layout's cell damage (``damage.choose_*``) and note it in ``out``."""
    blanks = damage.choose_blanks(record, rng) if s.drop_zero else set()
    joined = damage.choose_join(record, rng) if s.concat else None
    lost = damage.choose_lost_column(record, rng, s.lost_from_results) if s.lose_column else None
    for key, c in sorted(blanks):
        where = "applications" if key in APPLICATION_ROW_LABELS else "review_litigation"
        out.blanks.append(f"{where}.{key}.{record[where]['columns'][c]}")
    cols = record["applications"]["columns"]
    if joined is not None:
        out.joined.append(f"applications.{joined[0]}.{cols[joined[1]]}+{cols[joined[1] + 1]}")
    if lost is not None:
        out.lost += [f"applications.{code}.{cols[lost[0]]}" for code in APPLICATION_ROWS if code in lost[1]]
    return blanks, joined, lost


def _document(record: dict[str, Any], s: Style, rng: random.Random, out: Rendering) -> list[str]:
    fmt, year, name = record["format_version"], record["year"], record["agency"]["name"]
    blanks, joined, lost = _damage(record, s, rng, out)

    def heading(n: int) -> str:
        text = (
            layout.SECTION5_2019 if (n == 5 and fmt == 2019 and s.section5_2019) else layout.SECTION_TITLES[n]
        )
        if s.markdown:
            return ("## " if n <= 3 else rng.choice(["## ", "#### "])) + text
        return (" " if s.heading_indent else "") + text

    def para(text: str) -> list[str]:
        return damage.wrap_prose(text, s.prose_wrap) if s.prose_wrap else [text]

    title = prose.title_lines(name, year, s.title)
    if s.markdown:
        title[-1] = "# " + title[-1]
    lines: list[str] = [""] if rng.random() < 0.4 else []
    if s.title_after_heading:
        lines += [heading(1), "", *title]
    else:
        lines += [*title, ""]
        if s.intro:
            lines += [*para(prose.intro(name, year, rng)), ""]
        lines.append(heading(1))
    for kind, text in prose.section1(
        record, rng, distractor_first=s.distractor_first, cn_numerals=s.cn_numerals
    ):
        if kind == "sub":
            lines.append(f"**{text}**" if s.markdown and rng.random() < 0.5 else text)
        else:
            lines += para(text)
    lines += ["", heading(2), "", *_table2(record, s)]
    t3_blanks = {x for x in blanks if x[0] in APPLICATION_ROW_LABELS}
    lines += ["", heading(3), "", *_table3(record, s, t3_blanks, joined, lost, rng)]
    lines += ["", heading(4), "", *_table4(record, s, {x for x in blanks if x[0] in RL_GROUPS})]
    lines += ["", heading(5), "", *para(prose.SECTION5)]
    lines += ["", heading(6), "", *para(rng.choice(prose.SECTION6))]
    if s.signature:
        lines += ["", name, f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日"]
    return lines
