"""Synthetic report *text*, as a text extraction of a published report gives it.

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
import re
import zlib
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from typing import Any

from pipeline.form import editions as form
from pipeline.record import (
    APPLICANT_LABELS,
    APPLICATION_ROW_GROUPS,
    APPLICATION_ROW_LABELS,
    APPLICATION_ROWS,
    PROACTIVE_ITEMS,
    RL_GROUPS,
)
from pipeline.synth import damage, layout
from pipeline.synth.damage import KANGXI

__all__ = ["KANGXI", "LAYOUTS", "Rendering", "Style", "render", "render_text"]

LAYOUTS: list[str] = [
    "tabs",
    "spaces",
    "pipes",
    "wrapped",
    "blank_lines",
    "kangxi",
    "dropped_zero",
    "concatenated",
    "markdown",
    "lost_column",
]

# the form's words, from the form definition (pipeline.form, through the shared layout module)
CHECK_NOTE = layout.CHECK_NOTE
SECTION_TITLES = layout.SECTION_TITLES
SECTION5_2019 = layout.SECTION5_2019
RESULTS_HEAD = layout.RESULTS_HEAD
GROUP_HEADS = layout.GROUP_HEADS
ORGS = [c.code for c in form.APPLICANT_COLUMNS if c.legal_person]
OUTCOMES = [c.label for c in form.RL_OUTCOMES]

ARTICLE_BLOCKS = layout.ARTICLE_BLOCKS


# ----------------------------------------------------------------------------- style
@dataclass
class Style:
    """Every layout choice of one rendering; drawn at random per layout, overridable by name."""

    layout: str = "spaces"
    table_mode: str = "space"  # 'space' | 'tab' | 'pipe'
    t3_grid: bool = True  # tab/pipe: three label columns on every row (False: spans collapsed, seed 001)
    pipe_labels: int = 3  # pipe: label columns (3 = grid, 1 = the row's own label only)
    trailing_cell: bool = False  # tab: a trailing empty cell (seed 001)
    lost_lead: str | None = None  # tab: this item row lost its leading blank cells (seed 001, row 5.)
    group_heads: str = "own_line"  # space: 'own_line' (seed 000) | 'inline' ('（三）不予公开 1.属于…')
    label_wrap: int | None = None  # wrapped: width at which table-三 labels break
    numbers_at: str = "after"  # wrapped label: numbers 'after' the last piece | 'inline' | 'first'
    split_heads: bool = False  # '三、本年度办理' / '结果', '（三）不予' / '公开'
    t3_header: str = "lines"  # space: 'lines' (seed 000) | 'compact' (handmade) | 'note_inline'
    split_org_labels: bool = False  # '社会公益' / '组织', '法律服务' / '机构'
    t4_header: str = "lines"  # space: 'lines' (seed 000) | 'compact'
    t4_values: str = "one_line"  # 'one_line' | 'three_lines'
    t4_spaced_labels: bool = False  # '结果 维持' (seed 001)
    title: str = "plain"  # 'plain' | 'spaced' | 'year_first' | 'nian_du' | 'guanyu' | 'two_lines'
    title_after_heading: bool = False  # title on the line after '一、总体情况' (seed 000, 003)
    prose_wrap: int | None = None  # hard-wrap prose at this many characters (PDF extraction)
    blank_lines: bool = False
    kangxi: float = 0.0  # share of KANGXI characters replaced (all their occurrences)
    markdown: bool = False
    fee_note: bool = False  # 本年收费金额（单位：万元，保留4位小数）
    fee_four_places: bool = False  # fee printed '1510.0000'
    fee_in_yuan: bool = False  # fee printed in 元 with a '元' suffix (unit leakage)
    # 2019 采购总金额: 'none' (元) | 'yuan' ('…元') | 'wan' ('…万元') | 'head' (the head says 万元)
    procurement_unit: str = "none"
    plus_sign: bool = True  # 本年增/减 '+12'
    ascii_quotes: bool = False
    comma_for_dunhao: bool = False
    halfwidth_brackets: bool = False
    spaced_prefix: bool = False  # '(一) 予以公开', '1. 属于国家秘密' (seed 001)
    law_variant: bool = False  # rows print the form's known variants (form.LABEL_VARIANTS; seed 002, 004)
    section5_2019: bool = False  # '五、政府信息公开工作存在的主要问题及改进情况'
    heading_indent: bool = False  # ' 一、总体情况' (seed 000)
    intro: bool = True  # '本报告根据…编制' paragraph before 一
    signature: bool = True
    cn_numerals: bool = False  # narrative count of applications in Chinese numerals ('十二件')
    drop_zero: bool = False
    concat: bool = False
    lose_column: bool = False  # seed 004
    lost_from_results: bool = True  # lost from 予以公开 down (seed 004), else from every row
    distractor_first: bool = False  # a '…信息N条' count before the 主动公开 statement


def draw_style(layout: str, rng: random.Random) -> Style:
    """The random choices of ``layout`` (module docstring); shared variants drawn for all."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; one of {LAYOUTS}")
    s = Style(
        layout=layout,
        t3_grid=rng.random() < 0.5,
        pipe_labels=rng.choice([3, 3, 1]),
        trailing_cell=rng.random() < 0.3,
        group_heads=rng.choice(["own_line", "inline"]),
        t3_header=rng.choice(["lines", "compact", "note_inline"]),
        t4_header=rng.choice(["lines", "compact"]),
        t4_values=rng.choice(["one_line", "one_line", "three_lines"]),
        t4_spaced_labels=rng.random() < 0.2,
        title=rng.choice(["plain", "plain", "spaced", "year_first", "nian_du", "guanyu", "two_lines"]),
        title_after_heading=rng.random() < 0.2,
        fee_note=rng.random() < 0.4,
        fee_in_yuan=rng.random() < 0.05,
        procurement_unit=rng.choice(["none", "yuan", "wan", "head"]),
        plus_sign=rng.random() < 0.5,
        ascii_quotes=rng.random() < 0.25,
        comma_for_dunhao=rng.random() < 0.25,
        halfwidth_brackets=rng.random() < 0.2,
        spaced_prefix=rng.random() < 0.2,
        law_variant=rng.random() < 0.2,
        heading_indent=rng.random() < 0.15,
        intro=rng.random() < 0.6,
        signature=rng.random() < 0.6,
        cn_numerals=rng.random() < 0.1,
        distractor_first=rng.random() < 0.15,
    )
    s.fee_four_places = s.fee_note and rng.random() < 0.5
    s.section5_2019 = rng.random() < 0.5
    if layout in ("tabs", "dropped_zero"):
        s.table_mode = "tab"
        s.drop_zero = layout == "dropped_zero"
        if s.drop_zero:
            # a blank cell keeps its place only where every row has the same cells: a full grid.
            # (In seed 001's collapsed spans a blank next to a span filler could be either.)
            s.t3_grid = True
        if not s.drop_zero and rng.random() < 0.2:
            s.lost_lead = rng.choice(
                [
                    c
                    for c in APPLICATION_ROWS
                    if APPLICATION_ROW_GROUPS[c] in GROUP_HEADS
                    and c.startswith(("denied", "unable", "rejected"))
                ]
            )
    elif layout == "pipes":
        s.table_mode = "pipe"
    elif layout == "spaces":
        s.prose_wrap = rng.choice([None, 50, 62])
    elif layout == "concatenated":
        s.concat = True
    elif layout == "lost_column":
        s.table_mode = "tab"
        s.t3_grid = False
        s.lose_column = True
        s.lost_from_results = rng.random() < 0.7
    elif layout == "markdown":
        s.markdown = True
        s.table_mode = rng.choice(["tab", "pipe"])
    if layout in ("wrapped", "blank_lines", "kangxi"):
        wrapped = layout == "wrapped" or rng.random() < 0.6
        if wrapped:
            s.label_wrap = rng.choice([10, 14, 18, 24, 30])
            s.numbers_at = rng.choice(["after", "after", "inline", "first"])
            s.split_heads = rng.random() < 0.8
            s.split_org_labels = rng.random() < 0.7
            s.group_heads = "own_line"
            s.t3_header = "lines"
        s.prose_wrap = rng.choice([45, 58, 64]) if wrapped or rng.random() < 0.5 else None
        s.blank_lines = layout == "blank_lines" or (layout == "kangxi" and rng.random() < 0.6)
    if layout == "kangxi":
        s.kangxi = rng.choice([0.5, 0.8, 1.0])
    return s


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


def render(
    record: dict[str, Any], layout: str, *, rng: random.Random | None = None, **overrides: Any
) -> Rendering:
    """``render_text`` plus the style drawn and the damage done (blank, joined and lost cells)."""
    if rng is None:
        blob = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
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
        chosen = {k: v for k, v in KANGXI.items() if rng.random() < style.kangxi}
        table = str.maketrans(chosen)
        lines = [line.translate(table) for line in lines]
    if style.blank_lines:
        spaced: list[str] = []
        for line in lines:
            spaced.append(line)
            spaced.extend([""] * rng.choice([1, 1, 1, 1, 3]))
        lines = spaced
    out.text = "\n".join(lines) + "\n"
    return out


# ----------------------------------------------------------------------------- labels and values
_PREFIX = re.compile(r"^(（[一二三四五六七]）|\d\.)")


def _label(text: str, s: Style) -> str:
    """A label as a report prints it under style ``s`` (variants seen in real reports)."""
    if s.ascii_quotes:
        text = text.replace("“", '"').replace("”", '"')
    if s.comma_for_dunhao:
        text = text.replace("逾期不补正、", "逾期不补正，").replace("缴纳费用、", "缴纳费用，")
    if s.spaced_prefix:
        text = _PREFIX.sub(r"\1 ", text)
    if s.halfwidth_brackets:
        text = text.replace("（", "(").replace("）", ")")
    return text


def _num(v: Any) -> str:
    """A count or amount as printed: '' for a blank, plain decimal notation otherwise."""
    if v is None:
        return ""
    if isinstance(v, float):
        return format(Decimal(repr(v)).normalize(), "f")
    return str(v)


def _proactive_cell(measure: str, v: Any, s: Style) -> str:
    """A table-二 cell: signed changes, 4-place fees, amounts with the unit the style prints."""
    if v is None:
        return ""
    if measure == "items_change":
        return f"+{v}" if (v > 0 and s.plus_sign) else str(v)
    if measure == "amount_10k_yuan":
        if s.fee_in_yuan and v:
            return _num(int(Decimal(_num(v)) * 10000)) + "元"
        if s.fee_four_places:
            return format(Decimal(_num(v)).quantize(Decimal("0.0001")), "f")
        return _num(v)
    if measure == "amount_yuan":
        d = Decimal(_num(v))
        whole = d == d.to_integral_value()
        if s.procurement_unit == "head" or (s.procurement_unit == "wan" and whole):
            text = format((d / 10000).normalize(), "f")  # exact: d has at most 2 decimals
            return text + ("万元" if s.procurement_unit == "wan" else "")
        if s.procurement_unit == "yuan" and v:
            return _num(v) + "元"
        return _num(v)
    return _num(v)


# ----------------------------------------------------------------------------- cells -> lines
def _line(cells: list[str], s: Style, width: int | None = None) -> str:
    """One table row in the style's cell syntax."""
    if s.table_mode == "tab":
        if width is not None:
            cells = cells + [""] * (width - len(cells))
        if s.trailing_cell:
            cells = [*cells, ""]
        return "\t".join(cells)
    if s.table_mode == "pipe":
        if width is not None:
            cells = cells + [""] * (width - len(cells))
        return "| " + " | ".join(cells) + " |"
    return " ".join(c for c in cells if c)


def _pipe_rule(n: int) -> str:
    return "|" + "|".join([" --- "] * n) + "|"


# ----------------------------------------------------------------------------- table 二
def _table2(record: dict[str, Any], s: Style) -> list[str]:
    """Table 二 off the shared layout model's grid (``layout.table2``): article heads, column heads
    and item labels as the form prints them; values and the style's unit variants printed here."""
    fmt = record["format_version"]
    items = PROACTIVE_ITEMS[fmt]
    proactive = record.get("proactive") or {}
    table = layout.table2({"format_version": fmt}, layout.Variant())
    codes = dict(zip(table.data_rows, (c for _, block in ARTICLE_BLOCKS[fmt] for c in block), strict=True))
    out: list[str] = []
    for r, row in enumerate(layout.expand(table)):
        if r in codes:  # an item row
            vals = proactive.get(codes[r]) or {}
            cells = [_proactive_cell(m, vals.get(m), s) for m in items[codes[r]][1]]
            out.append(_line([row[0], *cells], s, 4))
        elif r + 1 in codes:  # the block's column heads, over its first item
            measures = items[codes[r + 1]][1]
            heads = row[1 : 1 + len(measures)]
            if "amount_10k_yuan" in measures and s.fee_note:
                heads = [form.FEE_NOTE_HEAD]
            if "amount_yuan" in measures and s.procurement_unit == "head":
                heads[-1] = "采购总金额（万元）"
            out.append(_line([row[0], *heads], s, 4))
        else:  # an article head: 第二十条第（…）项
            out.append(_line([_label(row[0], s)], s, 4))
            if s.table_mode == "pipe" and not out[:-1]:
                out.append(_pipe_rule(4))
    return out


# ----------------------------------------------------------------------------- table 三
@dataclass
class _Row:
    code: str
    top: str  # 一、… / 三、本年度办理结果 (first result row) / 四、…
    mid: str  # （一）予以公开 / group head on the group's first row
    item: str  # 1.属于国家秘密 …


def _t3_rows(fmt: int) -> list[_Row]:
    """The label cells of table 三's data rows, read off the shared layout model's printed grid
    (``layout.table3``, plain variant): each merged lead cell at its top-left position, '' where
    it only spans. The style's label variants are applied afterwards (``_label``)."""
    table = layout.table3({"format_version": fmt, "applications": {"rows": {}}}, layout.Variant())
    grid = layout.expand(table)
    codes = layout.table3_codes(fmt)
    return [_Row(code, *grid[r][:3]) for code, r in zip(codes, table.data_rows, strict=True)]


def _split_head(text: str) -> list[str]:
    """'三、本年度办理结果' -> ['三、本年度办理', '结果'] (a narrow merged cell wraps its last two characters)."""
    return [text[:-2], text[-2:]] if len(text) > 4 else [text]


def _wrap(text: str, width: int) -> list[str]:
    """A label broken into pieces of ``width`` characters; never a piece shorter than 2."""
    if len(text) <= width:
        return [text]
    pieces = [text[i : i + width] for i in range(0, len(text), width)]
    if len(pieces[-1]) < 2:
        last = pieces.pop()
        pieces[-1] += last
    return pieces


def _t3_header(s: Style) -> list[str]:
    lab = APPLICANT_LABELS
    orgs = [lab[c] for c in ORGS]
    if s.table_mode == "tab" and not s.t3_grid:  # seed 001, as extracted
        return [
            f"{CHECK_NOTE}\t\t申请人情况\t\t\t\t\t\t总计\t",
            "\t\t自然人\t法人或其他组织\t\t\t\t\t\t",
            "\t\t\t" + "\t".join(orgs) + "\t\t",
        ]
    if s.table_mode in ("tab", "pipe"):
        rows = [
            [CHECK_NOTE, "", "", form.APPLICANT_HEAD, "", "", "", "", "", ""],
            ["", "", "", lab["natural_person"], form.LEGAL_PERSON_HEAD, "", "", "", "", lab["total"]],
            ["", "", "", "", *orgs, ""],
        ]
        if s.table_mode == "pipe" and s.pipe_labels == 1:
            rows = [[r[0], *r[3:]] for r in rows]
        out = [_line(r, s) for r in rows]
        if s.table_mode == "pipe":
            out.insert(1, _pipe_rule(len(rows[0])))
        return out
    if s.t3_header == "compact":  # handmade 2019 fixture
        return [CHECK_NOTE, "申请人情况 自然人 法人或其他组织 总计", " ".join(orgs)]
    if s.t3_header == "note_inline":
        return [CHECK_NOTE + " 申请人情况", "自然人 法人或其他组织 总计", " ".join(orgs)]
    out = [CHECK_NOTE, form.APPLICANT_HEAD, lab["natural_person"], form.LEGAL_PERSON_HEAD, lab["total"]]
    if s.split_org_labels:  # seed 000
        return [*out, "商业企业 科研机构", "社会公益", "组织", "法律服务", "机构", "其他"]
    return [*out, " ".join(orgs)]


def _t3_values(vals: list[Any], code: str, blanks: set[tuple[str, int]]) -> list[str]:
    return ["" if (code, c) in blanks else _num(v) for c, v in enumerate(vals)]


def _table3(
    record: dict[str, Any],
    s: Style,
    blanks: set[tuple[str, int]],
    joined: tuple[str, int] | None,
    lost: tuple[int, set[str], random.Random] | None = None,
) -> list[str]:
    fmt = record["format_version"]
    data = record["applications"]["rows"]
    out = _t3_header(s)
    if lost is not None:  # seed 004: a dashed rule under the first header row
        out.insert(1, "-" * 36 + "\t" + "-" * 7)
    for row in _t3_rows(fmt):
        if s.law_variant and (variants := form.LABEL_VARIANTS.get(row.code)):
            own = APPLICATION_ROW_LABELS[row.code]  # the row's own label cell prints the variant
            row = _Row(row.code, *(variants[0] if t == own else t for t in (row.top, row.mid, row.item)))
        top, mid, item = _label(row.top, s), _label(row.mid, s), _label(row.item, s)
        vals = _t3_values(data.get(row.code) or [None] * 7, row.code, blanks)
        if lost is not None and row.code in lost[1]:
            c, _codes, lrng = lost
            vals = vals[:c] + vals[c + 1 :]
            vals = ["", *vals] if lrng.random() < 0.6 else [*vals, ""]  # a stray blank, seed 004
        if s.table_mode in ("tab", "pipe"):
            if s.table_mode == "pipe" and s.pipe_labels == 1:
                lead = [item or mid or top]
            elif s.t3_grid or s.table_mode == "pipe":
                lead = [top, mid, item]
            else:  # collapsed spans, seed 001
                lead = [top, mid, item] if item else [top, mid] if mid else [top, ""]
            if row.code == s.lost_lead and s.table_mode == "tab":
                lead = [item, ""]  # '5. 要求行政机关确认或重新出具已获取信息\t\t0\t0…' (seed 001)
            out.append(_line([*lead, *vals], s))
            continue
        tokens = [v for v in vals if v != ""]
        if joined is not None and joined[0] == row.code:
            i = joined[1]
            tokens = [*tokens[:i], tokens[i] + tokens[i + 1], *tokens[i + 2 :]]
        numbers = " ".join(tokens)
        heads: list[str] = []
        if s.group_heads == "inline":
            label = " ".join(p for p in (top, mid, item) if p)
        else:
            if top and (mid or item):
                heads.append(top)
            if mid and item:
                heads.append(mid)
            label = item or mid or top
        for h in heads:
            out.extend(_split_head(h) if s.split_heads else [h])
        pieces = _wrap(label, s.label_wrap) if s.label_wrap else [label]
        if len(pieces) == 1 or s.numbers_at == "inline":
            out.extend(pieces[:-1])
            out.append(f"{pieces[-1]} {numbers}")
        elif s.numbers_at == "after":
            out.extend(pieces)
            out.append(numbers)
        else:  # 'first': numbers vertically centred on the first line of a tall cell
            out.append(f"{pieces[0]} {numbers}")
            out.extend(pieces[1:])
    return out


# ----------------------------------------------------------------------------- table 四
def _table4(record: dict[str, Any], s: Style, blanks: set[tuple[str, int]]) -> list[str]:
    rl = record["review_litigation"]
    outcome = [o[:2] + " " + o[2:] if s.t4_spaced_labels and o != "总计" else o for o in OUTCOMES]
    values = [
        "" if (g, i) in blanks else _num(v) for g in RL_GROUPS for i, v in enumerate(rl.get(g) or [None] * 5)
    ]
    if s.table_mode in ("tab", "pipe"):
        # the header grid of the shared layout model, outcome labels spaced as the style prints them
        spaced = dict(zip(OUTCOMES, outcome, strict=True))
        head = layout.table4({"review_litigation": {}}, layout.Variant())
        rows = [[spaced.get(t, t) for t in row] for row in layout.expand(head)[: head.header_rows]]
        out = [_line(r, s) for r in rows]
        if s.table_mode == "pipe":
            out.insert(1, _pipe_rule(15))
        out.append(_line(values, s))  # a cell grid keeps the 15 values on one row
        return out
    if s.t4_header == "compact":
        out = ["行政复议 行政诉讼", " ".join(outcome) + " 未经复议直接起诉 复议后起诉", " ".join(outcome * 2)]
    else:
        out = ["行政复议 行政诉讼", " ".join(outcome), "未经复议直接起诉 复议后起诉", " ".join(outcome * 2)]
    if s.t4_values == "three_lines":
        out += [" ".join(values[i : i + 5]) for i in (0, 5, 10)]
    else:
        out.append(" ".join(values))
    return out


# ----------------------------------------------------------------------------- prose
_CN = "零一二三四五六七八九"


def _cn(n: int) -> str:
    """0..99 in Chinese numerals ('十二', '二十五'), as prose sometimes writes small counts."""
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def _wrap_prose(text: str, width: int) -> list[str]:
    """Hard-wrap a paragraph the way PDF extraction does, never inside a run of digits/Latin."""
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


def _section1(record: dict[str, Any], s: Style, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, text) paragraphs of 一、总体情况 with the narrative numbers and distracting ones."""
    name, year = record["agency"]["name"], record["year"]
    nar = record.get("narrative") or {}
    place = record["agency"].get("county") or record["agency"].get("city") or ""
    site = rng.choice([f"{place}人民政府门户网站", f"{name}网站", "政府信息公开专栏"])
    paras: list[tuple[str, str]] = []
    paras.append(
        (
            "para",
            rng.choice(
                [
                    f"{year}年，{name}认真贯彻落实《中华人民共和国政府信息公开条例》和上级关于政务公开的部署要求，"
                    "坚持以公开为常态、不公开为例外，围绕中心工作和群众关切，扎实推进各项工作。",
                    f"{year}年，在市委、市政府的正确领导下，{name}以习近平新时代中国特色社会主义思想为指导，"
                    "全面贯彻落实党的二十大精神，持续深化政务公开，不断提升政府透明度。",
                ]
            ),
        )
    )
    paras.append(("sub", "（一）主动公开"))
    items = nar.get("items_published")
    sentence = ""
    if s.distractor_first:
        sentence += f"全年共召开新闻发布会{rng.randint(2, 30)}次，解读政策文件{rng.randint(3, 90)}件。"
    if items is not None:
        sentence += rng.choice(
            [
                f"全年主动公开政府信息{items}条",
                f"通过{site}公开各类政府信息 {items} 条",
                f"全年共主动公开政府信息{items}条",
                f"{year}年共主动公开政府信息{items}条",
            ]
        )
        a = rng.randint(0, items)
        sentence += rng.choice(
            [
                f"，其中政务动态信息{a}条、信息公开目录类{items - a}条。",
                f"。其中概况类信息{rng.randint(1, 60)}条，政务动态信息{a}条。",
                "。",
            ]
        )
    else:
        sentence += f"坚持“公开是原则，不公开是例外”，及时通过{site}公开政策文件、财政预决算等重点领域信息。"
    sentence += rng.choice(
        [
            f"回复政府信箱{rng.randint(1, 90)}件，主要涉及社会救助、义务教育、稳岗就业等方面。",
            "",
            f"全年共受理各类咨询{rng.randint(10, 400)}件，全部按时办结。",
        ]
    )
    paras.append(("para", sentence))
    paras.append(("sub", "（二）依申请公开"))
    apps = nar.get("applications_received")
    if apps is not None:
        n = _cn(apps) if s.cn_numerals and apps < 100 else str(apps)
        lead = rng.choice(
            [
                f"{year}年共收到政府信息公开申请{n}件",
                f"全年共收到政府信息公开申请 {n} 件",
                f"本年度新收政府信息公开申请{n}件",
                f"全年共受理政府信息公开申请{n}件",
            ]
        )
        if not n.isdigit():
            lead = lead.replace(f" {n} ", n)  # spaces surround Arabic digits only
        tail = "，全部按时办结。"
        if apps >= 2 and rng.random() < 0.5:
            x = rng.randint(1, apps - 1)
            tail = f"，全部按时办结。其中，线下申请{x}件、线上申请{apps - x}件。"
        before = (
            f"收到人大代表建议和政协提案{rng.randint(1, 60)}件，均按时办复。" if s.distractor_first else ""
        )
        paras.append(("para", before + "严格落实依申请公开工作流程，规范答复文书格式。" + lead + tail))
    else:
        paras.append(
            (
                "para",
                "严格落实依申请公开受理、登记、审核、答复等工作流程，规范答复文书格式，确保依法按时答复。",
            )
        )
    paras.append(("sub", "（三）政府信息管理"))
    paras.append(
        (
            "para",
            f"加强公文公开属性源头认定，坚持先审查、后公开；全年清理规范性文件{rng.randint(1, 40)}件，"
            f"并于{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日公布清理结果。",
        )
    )
    paras.append(("sub", "（四）政府信息公开平台建设"))
    paras.append(
        (
            "para",
            f"发挥政府网站第一平台作用，全年发布政府网站和政务新媒体监测情况通报{rng.randint(1, 6)}期，"
            f"整体合格率{rng.randint(90, 100)}%。",
        )
    )
    paras.append(("sub", "（五）监督保障"))
    paras.append(
        (
            "para",
            f"将政务公开工作纳入年度绩效考核，组织开展业务培训{rng.randint(1, 9)}次、参训{rng.randint(20, 400)}人次。",
        )
    )
    return paras


def _title(record: dict[str, Any], s: Style) -> list[str]:
    name, year = record["agency"]["name"], record["year"]
    t = {
        "plain": [f"{name}{year}年政府信息公开工作年度报告"],
        "spaced": [f"{name} {year} 年政府信息公开工作年度报告"],
        "year_first": [f"{year}年度{name}政府信息公开工作年度报告"],
        "nian_du": [f"{name}{year}年度政府信息公开工作年度报告"],
        "guanyu": [f"{name}关于{year}年度政府信息公开工作的年度报告"],
        "two_lines": [name, f"{year}年度政府信息公开工作年度报告"],
    }[s.title]
    return [("# " + line if s.markdown and i == len(t) - 1 else line) for i, line in enumerate(t)]


# ----------------------------------------------------------------------------- document
def _document(record: dict[str, Any], s: Style, rng: random.Random, out: Rendering) -> list[str]:
    fmt, year, name = record["format_version"], record["year"], record["agency"]["name"]
    blanks = damage.choose_blanks(record, rng) if s.drop_zero else set()
    joined = damage.choose_join(record, rng) if s.concat else None
    lost = damage.choose_lost_column(record, rng, s.lost_from_results) if s.lose_column else None
    for key, c in sorted(blanks):
        where = "applications" if key in APPLICATION_ROW_LABELS else "review_litigation"
        cols = record[where]["columns"]
        out.blanks.append(f"{where}.{key}.{cols[c]}")
    if joined is not None:
        cols = record["applications"]["columns"]
        out.joined.append(f"applications.{joined[0]}.{cols[joined[1]]}+{cols[joined[1] + 1]}")
    if lost is not None:
        col = record["applications"]["columns"][lost[0]]
        out.lost += [f"applications.{code}.{col}" for code in APPLICATION_ROWS if code in lost[1]]

    def heading(n: int) -> str:
        text = SECTION5_2019 if (n == 5 and fmt == 2019 and s.section5_2019) else SECTION_TITLES[n]
        if s.markdown:
            return ("## " if n <= 3 else rng.choice(["## ", "#### "])) + text
        return (" " if s.heading_indent else "") + text

    def prose(text: str) -> list[str]:
        return _wrap_prose(text, s.prose_wrap) if s.prose_wrap else [text]

    lines: list[str] = [""] if rng.random() < 0.4 else []
    if s.title_after_heading:
        lines += [heading(1), ""]
        lines += _title(record, s)
    else:
        lines += _title(record, s)
        lines.append("")
        if s.intro:
            lines += prose(
                "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）第五十条规定编制。本报告中所列数据的"
                f"统计期限自{year}年1月1日起至{year}年12月31日止。如对本报告有疑问，请与{name}联系"
                f"（电话：0{rng.randint(310, 990)}-{rng.randint(2000000, 8999999)}，邮编：{rng.randint(100000, 850000)}）。"
            )
            lines.append("")
        lines.append(heading(1))
    for kind, text in _section1(record, s, rng):
        if kind == "sub":
            lines.append(f"**{text}**" if s.markdown and rng.random() < 0.5 else text)
        else:
            lines += prose(text)
    lines += ["", heading(2), ""]
    lines += _table2(record, s)
    lines += ["", heading(3), ""]
    t3_blanks = {x for x in blanks if x[0] in APPLICATION_ROW_LABELS}
    lines += _table3(record, s, t3_blanks, joined, (*lost, rng) if lost is not None else None)
    lines += ["", heading(4), ""]
    lines += _table4(record, s, {x for x in blanks if x[0] in RL_GROUPS})
    lines += ["", heading(5), ""]
    lines += prose(
        "一是公开内容的深度和广度有待进一步拓展；二是政策解读形式还不够丰富；三是工作人员业务能力有待提高。"
        "下一步，将加强学习培训，健全工作机制，丰富解读形式，不断提升政务公开工作质量。"
    )
    lines += ["", heading(6), ""]
    lines += prose(
        rng.choice(
            [
                "无。",
                "本年度未收取政府信息公开信息处理费。",
                "依据《国务院办公厅关于印发<政府信息公开信息处理费管理办法>的通知》（国办函〔2020〕109号）规定的按件、"
                "按量收费标准，本年度没有产生信息公开处理费。",
            ]
        )
    )
    if s.signature:
        lines += ["", name, f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日"]
    return lines
