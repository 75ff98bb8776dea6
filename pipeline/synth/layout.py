"""The printed grid of tables 二, 三 and 四, shared by every renderer: the HTML, DOCX and PDF ones
and the text families (``text``, ``runon``, ``converted``), which walk the same rows and cells.

A table is a list of rows; a row lists only the cells that *start* in it, each with its row and
column span (the HTML model). ``expand`` turns that into the full grid a reader must give back:
a merged cell's text at its top-left position and '' everywhere else it covers. Labels come from
``pipeline.record`` so the renderers print exactly what the parser is meant to recognise; the
few variants real reports show (ASCII quotes, '，' for '、', half-width brackets) are chosen by
``Variant``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pipeline.form import edition_rows
from pipeline.form import editions as form
from pipeline.record import (
    APPLICANT_LABELS,
    APPLICATION_ROW_GROUPS,
    APPLICATION_ROW_LABELS,
    PROACTIVE_ITEMS,
    RL_COLUMN_LABELS,
    RL_COLUMNS,
    RL_GROUPS,
)
from pipeline.synth import prose

# the form's printed words, from the form definition (pipeline.form.editions)
CHECK_NOTE = form.CHECK_NOTE
SECTION_TITLES = dict(form.SECTION_TITLES)
SECTION5_2019 = form.SECTION5_2019
# the merged group-head cells of table 三 (a head spans its sub-rows; there is no subtotal row),
# keyed by the group's Chinese label as pipeline.record.APPLICATION_ROW_GROUPS gives it
GROUP_HEADS = {g.label: g.head for g in form.GROUPS if g.head}
RESULTS_HEAD = form.RESULTS_HEAD
#: per edition: (article heading, the table-二 items under it), in printed order
ARTICLE_BLOCKS: dict[int, list[tuple[str, list[str]]]] = {
    fmt: [
        (article, [i.code for i in form.PROACTIVE_ITEMS[fmt] if i.article == article])
        for article in dict.fromkeys(i.article for i in form.PROACTIVE_ITEMS[fmt])
    ]
    for fmt in (2021, 2019)
}
#: edition -> table-二 item -> its measures
ITEM_MEASURES = {fmt: {i.code: i.measures for i in items} for fmt, items in form.PROACTIVE_ITEMS.items()}
_RL_HEAD = {g.code: g.head for g in form.RL_GROUPS}


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


@dataclass
class Table:
    """One printed table: rows of the cells that start in them (HTML model)."""

    key: str  # 't2' | 't3' | 't4'
    ncols: int
    rows: list[list[Cell]]
    header_rows: int = 0
    data_rows: list[int] = field(default_factory=list)
    """indexes of the rows that carry numbers (table 三: one per record row code)."""
    codes: list[str] = field(default_factory=list)
    """the record code of each data row (table 二: item, 三: row, 四: the one values row '')."""
    _grid: list[list[str]] | None = field(default=None, init=False, repr=False, compare=False)

    def grid(self) -> list[list[str]]:
        """The full grid (``expand``), computed once: read it, do not change it."""
        if self._grid is None:
            self._grid = expand(self)
        return self._grid

    def header(self) -> list[list[str]]:
        """The header rows of the full grid."""
        return self.grid()[: self.header_rows]

    def data(self) -> list[tuple[str, list[str]]]:
        """(code, full-grid row) of every data row, in printed order."""
        grid = self.grid()
        return [(code, grid[r]) for code, r in zip(self.codes, self.data_rows, strict=True)]


@dataclass(frozen=True)
class Variant:
    """Small layout differences between published reports; ``Variant.of(seed)`` picks them."""

    # labels
    ascii_quotes: bool = False  # 3.危及"三安全一稳定"
    comma_for_dunhao: bool = False  # 1.申请人无正当理由逾期不补正，行政机关不再处理…
    halfwidth_brackets: bool = False  # (一)予以公开
    spaced_prefix: bool = False  # '(一) 予以公开', '1. 属于国家秘密' (seed 001); not drawn by ``of``
    plus_sign: bool = True  # 本年增/减 printed '+5'
    fee_note: bool = False  # 本年收费金额（单位：万元，保留4位小数）
    # html
    encoding: str = "utf-8"  # or 'gbk'
    meta_charset: bool = True
    chrome: bool = False  # a whole saved page: nav, scripts, footer, layout table
    word_residue: bool = False  # MsoNormal paragraphs, <o:p></o:p>, &nbsp; in empty cells
    label_breaks: bool = False  # long labels broken with <br/> (HTML) or paragraphs (DOCX)
    # pdf
    split_t3: str | None = None  # None | 'repeat' | 'plain': table 三 continued on the next page
    split_after: int = 10  # data row (0-based, table 三) after which the page breaks
    fake_bold: bool = False  # title drawn twice, 0.25 pt apart
    footer: str | None = "dash"  # 'dash' (- 1 -) | 'page' (第 1 页) | None
    narrow_label: bool = True  # table 三 first column one character wide (vertical head)
    # labels: rows print the form's known variants (pipeline.form LABEL_VARIANTS); drawn last so
    # every earlier choice of a seed stays what it was
    known_variants: bool = False

    @classmethod
    def of(cls, seed: int | Variant) -> Variant:
        """Variant 0 is the plain layout; any other seed draws every choice at random."""
        if isinstance(seed, Variant):
            return seed
        if seed == 0:
            return cls()
        rng = random.Random(seed)
        return cls(
            ascii_quotes=rng.random() < 0.3,
            comma_for_dunhao=rng.random() < 0.3,
            halfwidth_brackets=rng.random() < 0.2,
            plus_sign=rng.random() < 0.5,
            fee_note=rng.random() < 0.3,
            encoding=rng.choice(["utf-8", "gbk"]),
            meta_charset=rng.random() < 0.7,
            chrome=rng.random() < 0.5,
            word_residue=rng.random() < 0.4,
            label_breaks=rng.random() < 0.4,
            split_t3=rng.choice([None, "repeat", "plain"]),
            split_after=rng.randint(2, 20),
            fake_bold=rng.random() < 0.5,
            footer=rng.choice(["dash", "page", None]),
            narrow_label=rng.random() < 0.7,
            known_variants=rng.random() < 0.3,
        )


def breakable(text: str) -> bool:
    """A label long enough to be wrapped inside its cell (numbers never are)."""
    return len(text) > 8 and any("\u4e00" <= ch <= "\u9fff" for ch in text)


_PREFIX = re.compile(r"^(（[一二三四五六七]）|\d\.)")


def label(text: str, v: Variant) -> str:
    """A label as a report prints it under variant ``v``."""
    if v.ascii_quotes:
        text = text.replace("“", '"').replace("”", '"')
    if v.comma_for_dunhao:
        text = text.replace("逾期不补正、", "逾期不补正，").replace("缴纳费用、", "缴纳费用，")
    if v.spaced_prefix:
        text = _PREFIX.sub(r"\1 ", text)
    if v.halfwidth_brackets:
        text = text.replace("（", "(").replace("）", ")")
    return text


def fmt_value(value: Any, *, signed: bool = False, plus: bool = True) -> str:
    """A record value as printed in a cell: '' for null, no exponent, '+5' for signed changes."""
    if value is None:
        return ""
    if isinstance(value, float):
        text = format(Decimal(repr(value)).normalize(), "f")
    elif isinstance(value, Decimal):
        text = format(value.normalize(), "f")
    else:
        text = str(value)
    if signed and plus and not text.startswith("-") and text not in ("0", "0.0"):
        text = "+" + text
    return text


# ----------------------------------------------------------------------------- table 二
def table2(record: dict[str, Any], v: Variant) -> Table:
    fmt = record["format_version"]
    items = PROACTIVE_ITEMS[fmt]
    proactive = record.get("proactive") or {}
    rows: list[list[Cell]] = []
    data_rows: list[int] = []
    row_codes: list[str] = []
    for head, codes in ARTICLE_BLOCKS[fmt]:
        rows.append([Cell(label(head, v), colspan=4, header=True)])
        measures = items[codes[0]][1]
        heads = [_measure_head(m, fmt, v) for m in measures]
        rows.append([Cell(form.ITEM_HEAD, header=True), *_spread(heads, header=True)])
        for code in codes:
            name, _ = items[code]
            values = proactive.get(code) or {}
            texts = [
                fmt_value(values.get(m), signed=form.MEASURE[m].signed, plus=v.plus_sign) for m in measures
            ]
            data_rows.append(len(rows))
            row_codes.append(code)
            rows.append([Cell(name), *_spread(texts)])
    return Table("t2", 4, rows, header_rows=0, data_rows=data_rows, codes=row_codes)


def _measure_head(measure: str, fmt: int, v: Variant) -> str:
    text = form.MEASURE[measure].head(fmt)  # the column head the edition prints
    if measure == "amount_10k_yuan" and v.fee_note:
        text = form.FEE_NOTE_HEAD
    return label(text, v)


def _spread(texts: list[str], header: bool = False) -> list[Cell]:
    """Cells for 3 value columns: the last text spans what is left."""
    cells = [Cell(t, header=header) for t in texts[:-1]]
    cells.append(Cell(texts[-1], colspan=3 - len(cells), header=header))
    return cells


#: one block of table 二: (article head, column heads from 信息内容 on, [(item code, [label, *values])])
Article = tuple[str, list[str], list[tuple[str, list[str]]]]


def articles(table: Table) -> list[Article]:
    """Table 二's grid (``table2``) as its article blocks, the way the text renderers walk it."""
    codes = dict(zip(table.data_rows, table.codes, strict=True))
    grid = table.grid()
    out: list[Article] = []
    for r, row in enumerate(grid):
        if r in codes:
            out[-1][2].append((codes[r], row[: len(out[-1][1])]))
        elif r + 1 in codes:
            out.append((grid[r - 1][0], words(row), []))
    return out


# ----------------------------------------------------------------------------- table 三
def table3_codes(fmt: int) -> list[str]:
    """The record row codes table 三 prints, in order (2019: one （六）其他处理 row)."""
    return edition_rows(fmt)


#: rows whose label has a top-level numeral (一、 二、 四、): they span the three label columns;
#: every other row sits under 三、本年度办理结果
_TOP_LEVEL = {r.code for r in form.APPLICATION_ROWS if re.match(r"^[一二三四五六七八九十]+、", r.label)}


def result_codes(fmt: int) -> list[str]:
    """The table-三 rows under the 三、本年度办理结果 head, in printed order."""
    return [c for c in table3_codes(fmt) if c not in _TOP_LEVEL]


_GROUP_BY_LABEL = {g.label: g for g in form.GROUPS}


def one_row_group(fmt: int, code: str) -> str | None:
    """The group head a row prints as its own label: the 2019 edition's one （六）其他处理 row."""
    group = _GROUP_BY_LABEL[APPLICATION_ROW_GROUPS[code]]
    return group.head if fmt == 2019 and group.code == form.ONE_ROW_GROUP_2019 else None


def table3(record: dict[str, Any], v: Variant) -> Table:
    fmt = record["format_version"]
    codes = table3_codes(fmt)
    values = record["applications"]["rows"]
    lab = APPLICANT_LABELS
    rows: list[list[Cell]] = [
        [
            Cell(CHECK_NOTE, rowspan=3, colspan=3, header=True),
            Cell(form.APPLICANT_HEAD, colspan=7, header=True),
        ],
        [
            Cell(lab["natural_person"], rowspan=2, header=True),
            Cell(form.LEGAL_PERSON_HEAD, colspan=5, header=True),
            Cell(lab["total"], rowspan=2, header=True),
        ],
        [Cell(c.label, header=True) for c in form.APPLICANT_COLUMNS if c.legal_person],
    ]
    results = result_codes(fmt)
    data_rows: list[int] = []
    seen_groups: set[str] = set()
    for code in codes:
        lead: list[Cell] = []
        group = APPLICATION_ROW_GROUPS[code]
        own = APPLICATION_ROW_LABELS[code]
        text = label(form.LABEL_VARIANTS.get(code, (own,))[0] if v.known_variants else own, v)
        if code not in results:
            lead = [Cell(text, colspan=3)]
        else:
            if code == results[0]:
                lead.append(Cell(label(RESULTS_HEAD, v), rowspan=len(results)))
            if one_row := one_row_group(fmt, code):
                lead.append(Cell(label(one_row, v), colspan=2))
            elif group in GROUP_HEADS:
                if group not in seen_groups:
                    seen_groups.add(group)
                    span = sum(1 for c in results if APPLICATION_ROW_GROUPS[c] == group)
                    lead.append(Cell(label(GROUP_HEADS[group], v), rowspan=span))
                lead.append(Cell(text))
            else:
                lead.append(Cell(text, colspan=2))
        vals = values.get(code) or [None] * 7
        data_rows.append(len(rows))
        rows.append([*lead, *(Cell(fmt_value(x)) for x in vals)])
    return Table("t3", 10, rows, header_rows=3, data_rows=data_rows, codes=codes)


# ----------------------------------------------------------------------------- table 四
def table4(record: dict[str, Any], v: Variant) -> Table:
    rl = record["review_litigation"]
    outcome = [RL_COLUMN_LABELS[c] for c in RL_COLUMNS]
    rows = [
        [
            Cell(_RL_HEAD["review"], colspan=5, header=True),
            Cell(form.LITIGATION_HEAD, colspan=10, header=True),
        ],
        [
            *(Cell(t, rowspan=2, header=True) for t in outcome),
            Cell(_RL_HEAD["litigation_direct"], colspan=5, header=True),
            Cell(_RL_HEAD["litigation_after_review"], colspan=5, header=True),
        ],
        [Cell(t, header=True) for t in outcome * 2],
        [Cell(fmt_value(x)) for g in RL_GROUPS for x in (rl.get(g) or [None] * 5)],
    ]
    return Table("t4", 15, rows, header_rows=3, data_rows=[3], codes=[""])


def tables(record: dict[str, Any], v: Variant) -> dict[str, Table]:
    return {"t2": table2(record, v), "t3": table3(record, v), "t4": table4(record, v)}


# ----------------------------------------------------------------------------- grids
def placements(table: Table) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) of every cell, columns resolved around the spans above (HTML rules)."""
    taken: set[tuple[int, int]] = set()
    out: list[tuple[int, int, Cell]] = []
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return out


def expand(table: Table) -> list[list[str]]:
    """The full grid: a merged cell's text at its top-left position, '' where it only spans."""
    grid = [[""] * table.ncols for _ in table.rows]
    for r, c, cell in placements(table):
        grid[r][c] = cell.text
    return grid


# ----------------------------------------------------------------------------- whole report
@dataclass(frozen=True)
class Block:
    kind: str  # 'title' | 'heading' | 'para' | 'table' | 'right' (signature, date)
    text: str = ""
    table: Table | None = None


def outline(record: dict[str, Any], v: Variant) -> list[Block]:
    """The report from title to signature, as blocks every renderer lays out its own way."""
    fmt = record["format_version"]
    t = tables(record, v)
    year = record["year"]
    blocks = [
        Block("title", prose.title_text(record)),
        Block(
            "para",
            f"本报告由{record['agency']['name']}根据《中华人民共和国政府信息公开条例》要求编制。"
            f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
        ),
        Block("heading", SECTION_TITLES[1]),
        Block("para", prose.narrative_text(record)),
        *(Block("heading" if len(p) < 16 else "para", p) for p in prose.FILLER_1),
        Block("heading", SECTION_TITLES[2]),
        Block("table", table=t["t2"]),
        Block("heading", SECTION_TITLES[3]),
        Block("table", table=t["t3"]),
        Block("heading", SECTION_TITLES[4]),
        Block("table", table=t["t4"]),
        Block("heading", SECTION5_2019 if fmt == 2019 else SECTION_TITLES[5]),
        *(Block("para", p) for p in prose.FILLER_5),
        Block("heading", SECTION_TITLES[6]),
        *(Block("para", p) for p in prose.FILLER_6),
        Block("right", record["agency"]["name"]),
        Block("right", f"{year + 1}年1月20日"),
    ]
    return blocks


# ----------------------------------------------------------------------------- text syntax
def pipe_row(cells: list[str]) -> str:
    """One row of a markdown pipe table, as the text and converter renderers print it."""
    return "| " + " | ".join(cells) + " |"


def pipe_rule(n: int) -> str:
    """The rule under a pipe table's head row."""
    return pipe_row(["---"] * n)


def words(row: list[str]) -> list[str]:
    """The non-empty cells of a grid row: what a text extraction reads of it."""
    return [c for c in row if c]
