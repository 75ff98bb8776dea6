"""Markdown from PDF-conversion tools, and OCR text of it (issue 10, part 2).

Real conversions of the same report read rows into the wrong row, lose rows and take placeholder
header digits for data. ``converted_rendering`` prints any record the way they come out:

- tables as one pipe table, as one small table per row under a placeholder header whose digits are
  not data (``| 类别 | 列1 | … | 列6 | 合计 |``, ``| 项 | 数据1 | … |``, ``| Column1 | … |``), or with
  the labels of a group as plain lines several lines above a block of numbers-only rows;
- merged heads shredded over the rows they span (``三、本年`` / ``度办理`` / ``结果``), long labels
  broken over two rows, a label in one table and its numbers in the next, a spurious header row
  inside table 三 (outcome names set out as columns, a header copied from table 四), two rows of a
  group swapped, an empty cell after the label that shifts every number one place;
- with ``ocr``: ``O``/``〇`` for 0, ``l`` for 1, full-width digits, one character of some labels
  misread (泗 → 洒), full- and half-width brackets mixed, and often no title (it was an image: the
  agency is in the signature and the prose).

Damage that leaves a cell unreadable is listed in ``Rendering.unrecoverable`` (see
``pipeline.synth.runon``): a row lost by the conversion, a cell smudged to ``■``. Everything else
is readable by label, or by the form's row order where the labels sit apart from their numbers.
"""

from __future__ import annotations

import random
import re
from typing import Any

from pipeline.form import editions as form
from pipeline.record import (
    APPLICANT_COLUMNS,
    APPLICATION_ROW_GROUPS,
    RL_COLUMN_LABELS,
    RL_COLUMNS,
    RL_GROUP_LABELS,
    RL_GROUPS,
)
from pipeline.synth import damage, layout, prose
from pipeline.synth.layout import (
    SECTION5_2019,
    SECTION_TITLES,
    Variant,
    fmt_value,
    pipe_row,
    pipe_rule,
    placements,
    result_codes,
)
from pipeline.synth.runon import Rendering

__all__ = ["converted_rendering", "render_converted"]

SMUDGE = "■"
#: characters OCR engines confuse, each with a real misreading (泗 read as 洒 …)
OCR_CONFUSIONS = {
    "泗": "洒",
    "权": "杈",
    "理": "埋",
    "请": "清",
    "处": "外",
    "己": "已",
    "未": "末",
    "政": "攻",
    "息": "怠",
    "制": "刺",
    "情": "倩",
    "确": "碓",
    "密": "宓",
    "复": "夏",
    "属": "屈",
}
#: the groups whose labels a conversion may set apart from their numbers (by group label)
_APART = [g.label for code in ("denied", "rejected", "unable") for g in form.GROUPS if g.code == code]
PLACEHOLDERS = [
    ["类别", "列1", "列2", "列3", "列4", "列5", "列6", "合计"],
    ["项", *(f"数据{i}" for i in range(1, 8))],
    [f"Column{i}" for i in range(1, 9)],
]


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    """A markdown pipe table: head, rule, rows (rows may be longer or shorter than the head)."""
    return [pipe_row(head), pipe_rule(len(head)), *(pipe_row(r) for r in rows)]


class _Doc:
    """Per-document choices and the damage bookkeeping."""

    def __init__(self, record: dict[str, Any], rng: random.Random, ocr: bool) -> None:
        self.record = record
        self.fmt: int = record["format_version"]
        self.rng = rng
        self.ocr = ocr
        self.out = Rendering(b"")
        self.placeholder = rng.choice(PLACEHOLDERS)
        self.smudge = rng.random() < 0.3  # a few cells smudged (unreadable)
        self.misread = rng.choice([0.0, 0.1, 0.25]) if ocr else 0.0  # per-label chance of one wrong char
        self.digit_noise = rng.choice([0.1, 0.3]) if ocr else 0.0

    # --------------------------------------------------------------- text damage
    def label(self, text: str) -> str:
        """A label as the conversion gives it: half-width brackets now and then, OCR misreadings."""
        rng = self.rng
        if rng.random() < (0.3 if self.ocr else 0.1):
            text = damage.half_brackets(text, rng)
        confusable = any(ch in OCR_CONFUSIONS for ch in text)
        if confusable and len(re.findall(r"[\u4e00-\u9fff]", text)) >= 6 and rng.random() < self.misread:
            text = damage.misread(text, rng, OCR_CONFUSIONS)
            self.out.notes.append(f"misread label: {text}")
        return text

    def number(self, text: str, path: str) -> str:
        """A number cell: smudged now and then (unreadable), OCR's O/〇/l and full-width digits."""
        rng = self.rng
        if self.smudge and rng.random() < 0.02:
            self.out.unrecoverable.add(path)
            return SMUDGE
        if rng.random() < self.digit_noise:
            text = damage.ocr_digits(text, rng)
        return text


# ----------------------------------------------------------------------------- table 二
def _table2(d: _Doc) -> list[str]:
    """Table 二's article blocks (the layout model's grid): one pipe table each, or one per row
    under a placeholder header; numbers as a converter prints them."""
    proactive = d.record.get("proactive") or {}
    per_row = d.rng.random() < 0.4
    lines: list[str] = []
    for article, heads, items in layout.articles(layout.table2(d.record, Variant())):
        rows = []
        for item, row in items:
            values = proactive.get(item) or {}
            cells = []
            for m in layout.ITEM_MEASURES[d.fmt][item]:
                v = values.get(m)
                if v is None:
                    text = ""
                elif m == "amount_10k_yuan":
                    text = damage.pad_money(v, d.rng)
                elif m == "amount_yuan":
                    text = fmt_value(v) + d.rng.choice(["", "元"])
                elif m == "decisions" and isinstance(v, int) and v >= 1000 and d.rng.random() < 0.3:
                    text = damage.thousands(v)
                else:
                    text = fmt_value(v, signed=m == "items_change", plus=d.rng.random() < 0.5)
                cells.append(d.number(text, f"proactive.{item}.{m}") if text else text)
            rows.append([row[0], *cells])
        lines.append(article)
        if per_row:
            for cells in rows:
                placeholder = ["项", *(f"数据{i}" for i in range(1, len(cells)))]
                lines += ["", *_table(placeholder, [cells]), ""]
        else:
            lines += ["", *_table(heads, rows), ""]
    return lines


# ----------------------------------------------------------------------------- table 三
def _t3_label_columns(d: _Doc, table: layout.Table, whole: bool) -> dict[str, list[str]]:
    """Per row code, the three label cells of the layout model's grid: results head piece, group
    head piece, the row's own label.

    In one whole table a merged head's text may sit in the middle of its span, or be shredded over
    the rows it spans; a table per row gives it with the span's first row.
    """
    shred = whole and d.rng.random() < 0.6
    row_code = dict(zip(table.data_rows, table.codes, strict=True))
    cols = {c: ["", "", ""] for c in table.codes}
    for r, col, cell in placements(table):
        if r not in row_code or col > 1 or cell.rowspan == 1:
            continue  # not a merged head over label rows
        span = [row_code[r + i] for i in range(cell.rowspan)]
        head = cell.text
        pieces = damage.shred(head, d.rng.randint(2, 3), d.rng) if shred and len(span) >= 3 else [head]
        start = (len(span) - len(pieces)) // 2 if whole and d.rng.random() < 0.5 else 0
        for i, piece in enumerate(pieces):
            cols[span[start + i]][col] = d.label(piece) if len(pieces) == 1 else piece
    for code, row in table.data():
        top, mid, item = row[:3]
        cols[code][2] = d.label(item or mid or top)
    return cols


def _spurious_header(d: _Doc) -> list[str]:
    """A header row that does not belong: outcome names as columns, or table 四's header."""
    if d.rng.random() < 0.5:
        outcomes = dict.fromkeys(APPLICATION_ROW_GROUPS[c] for c in result_codes(2021))
        return ["", "", "", *outcomes]
    return ["", "", "", *(RL_COLUMN_LABELS[c] for c in RL_COLUMNS), "", ""]


def _t3_numbers(d: _Doc, code: str) -> list[str]:
    vals = d.record["applications"]["rows"].get(code) or [None] * 7
    return [
        "" if v is None else d.number(str(v), f"applications.{code}.{col}")
        for v, col in zip(vals, APPLICANT_COLUMNS, strict=True)
    ]


def _table3(d: _Doc) -> list[str]:
    rng = d.rng
    table = layout.table3(d.record, Variant())
    codes = table.codes
    mode = rng.choice(["whole", "whole", "per_row"])
    labels = _t3_label_columns(d, table, whole=mode == "whole")
    order = list(codes)
    same_group = [
        i
        for i in range(len(order) - 1)
        if APPLICATION_ROW_GROUPS[order[i]] == APPLICATION_ROW_GROUPS[order[i + 1]]
    ]
    if same_group and rng.random() < 0.3:  # two rows of a group swapped (labels say which is which)
        i = rng.choice(same_group)
        order = damage.swap_rows(order, labels, i)
        d.out.notes.append(f"rows swapped: {order[i + 1]} / {order[i]}")
    lost = rng.choice(result_codes(d.fmt)[:-1]) if rng.random() < 0.15 else None  # a disposition row
    apart = rng.choice(_APART) if rng.random() < 0.3 else None
    d.out.notes.append(f"t3={mode} lost={lost} apart={apart}")
    header = table.header()
    lines: list[str] = []
    rows: list[list[str]] = []
    pending_apart: list[list[str]] = []

    def flush() -> None:
        nonlocal rows
        if rows:
            lines.extend(_table(header[0], rows))
            lines.append("")
            rows = []

    if mode == "whole":
        rows += header[1:]
    for n, code in enumerate(order):
        if code == lost:
            d.out.unrecoverable.update(f"applications.{code}.{c}" for c in APPLICANT_COLUMNS)
            continue
        lead = labels[code]
        nums = _t3_numbers(d, code)
        if apart and APPLICATION_ROW_GROUPS[code] == apart:
            # the labels go up as plain lines; the numbers follow in a table of their own
            lines_before = [x for x in lead if x]
            flush()
            lines.extend(lines_before)
            pending_apart.append(nums)
            rest = [c for c in order[n + 1 :] if c != lost]
            if not rest or APPLICATION_ROW_GROUPS[rest[0]] != apart:
                lines += ["", *_table(d.placeholder[1:], pending_apart), ""]
                pending_apart = []
            continue
        shift = [""] if rng.random() < 0.1 else []  # an empty cell that shifts every number
        if mode == "per_row":
            lines += [x for x in lead[:2] if x]  # heads (or their shreds) as lines of their own
            text = lead[2]
            if rng.random() < 0.15:  # the label ends one table, its numbers start the next
                lines += _table(d.placeholder, [[text, *[""] * 7]]) + [""]
                lines += _table(d.placeholder, [["", *shift, *nums]]) + [""]
            else:
                lines += _table(d.placeholder, [[text, *shift, *nums]]) + [""]
            continue
        label3 = lead[2]
        if len(label3) > 12 and rng.random() < 0.3:  # a long label broken over two rows
            rows += damage.split_row(lead[:2], label3, [*shift, *nums], rng)
        else:
            rows.append([lead[0], lead[1], label3, *shift, *nums])
        if code == result_codes(d.fmt)[0] and rng.random() < 0.3:
            rows.append(_spurious_header(d))
    flush()
    return lines


# ----------------------------------------------------------------------------- table 四
def _table4(d: _Doc) -> list[str]:
    rl = d.record["review_litigation"]
    nums = {
        g: [
            "" if v is None else d.number(str(v), f"review_litigation.{g}.{c}")
            for v, c in zip(rl.get(g) or [None] * 5, RL_COLUMNS, strict=True)
        ]
        for g in RL_GROUPS
    }
    outcomes = [RL_COLUMN_LABELS[c] for c in RL_COLUMNS]
    mode = d.rng.choice(["flat", "placeholder", "by_group"])
    if mode == "flat":  # the layout model's head rows, the outcomes under every group
        head = layout.table4(d.record, Variant()).header()
        sub = ["" if c < len(outcomes) else x for c, x in enumerate(head[1])]
        return _table(head[0], [sub, outcomes * 3, [x for g in RL_GROUPS for x in nums[g]]])
    if mode == "placeholder":
        return _table([f"Column{i}" for i in range(1, 16)], [[x for g in RL_GROUPS for x in nums[g]]])
    return _table(["", *outcomes], [[RL_GROUP_LABELS[g], *nums[g]] for g in RL_GROUPS])


# ----------------------------------------------------------------------------- document
def converted_rendering(
    record: dict[str, Any], *, variant: int | random.Random = 0, ocr: bool | None = None
) -> Rendering:
    """``record`` as converter markdown (``ocr`` False), OCR text (True) or either (None)."""
    rng = variant if isinstance(variant, random.Random) else random.Random(variant)
    ocr = rng.random() < 0.5 if ocr is None else ocr
    d = _Doc(record, rng, ocr)
    fmt, name, year = d.fmt, record["agency"]["name"], record["year"]
    style = rng.choice(["## ", "**", ""])

    def heading(text: str) -> str:
        return f"**{text}**" if style == "**" else style + text

    lines: list[str] = []
    if rng.random() < (0.4 if ocr else 0.85):
        lines += ["# " + prose.title_lines(name, year, "plain")[0], ""]
    opening = prose.narrative_text(record)
    if rng.random() < 0.7:
        opening = f"按照{record['agency']['province']}{year}年政务公开工作要点要求，" + opening
    else:  # a county name can exist in several provinces (鼓楼区): only the text can say which
        d.out.unrecoverable.add("agency.province")
    if ocr and lines and rng.random() < 0.3:  # a misread copy of the name where the title has it right
        i = next((i for i, ch in enumerate(name) if ch in OCR_CONFUSIONS), None)
        if i is not None:
            opening = opening.replace(name, name[:i] + OCR_CONFUSIONS[name[i]] + name[i + 1 :], 1)
    lines += [
        f"本报告根据《中华人民共和国政府信息公开条例》要求编制，统计期限自{year}年1月1日起至{year}年12月31日止。",
        "",
        heading(SECTION_TITLES[1]),
        "",
        opening,
        "",
        heading(SECTION_TITLES[2]),
        "",
        *_table2(d),
        heading(SECTION_TITLES[3]),
        "",
        *_table3(d),
        heading(SECTION_TITLES[4]),
        "",
        *_table4(d),
        "",
        heading(SECTION5_2019 if fmt == 2019 else SECTION_TITLES[5]),
        "",
        "一是公开内容的深度和广度有待拓展；二是政策解读形式不够丰富。",
        "",
        heading(SECTION_TITLES[6]),
        "",
        "本年度未收取政府信息公开信息处理费。",
        "",
        name,
        f"{year + 1}年1月{rng.randint(10, 28)}日",
    ]
    d.out.notes.append(f"ocr={ocr} placeholder={d.placeholder[1]}")
    d.out.data = ("\n".join(lines) + "\n").encode("utf-8")
    return d.out


def render_converted(
    record: dict[str, Any], *, variant: int | random.Random = 0, ocr: bool | None = None
) -> bytes:
    """``record`` as converter markdown or OCR text (UTF-8); see ``converted_rendering``."""
    return converted_rendering(record, variant=variant, ocr=ocr).data
