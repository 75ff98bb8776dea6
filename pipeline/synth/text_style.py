"""The choices of one text rendering (``Style``) and how each layout draws them (``draw_style``).

``pipeline.synth.text`` describes the layouts; a ``Style`` is every choice one rendering made, so a
test can pin any of them by name (``render_text(record, 'tabs', lost_lead='rejected_confirm')``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from pipeline.form import editions as form
from pipeline.synth import layout

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

_HEADED = {g.code: bool(g.head) for g in form.GROUPS}
#: rows of a headed group numbered 1., 2., … that seed 001 prints without their leading blank cells
#: (the 2019 edition prints the one-row group as a single row, so not that one)
_LEAD_LOSERS = [
    r.code for r in form.APPLICATION_ROWS if _HEADED[r.group] and r.group != form.ONE_ROW_GROUP_2019
]


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
    title: str = "plain"  # one of prose.TITLES
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

    def variant(self, *, labels: bool = True) -> layout.Variant:
        """The shared layout model's variant for this style (``labels`` False: plain labels)."""
        if not labels:
            return layout.Variant(plus_sign=self.plus_sign, fee_note=self.fee_note)
        return layout.Variant(
            ascii_quotes=self.ascii_quotes,
            comma_for_dunhao=self.comma_for_dunhao,
            halfwidth_brackets=self.halfwidth_brackets,
            spaced_prefix=self.spaced_prefix,
            known_variants=self.law_variant,
            plus_sign=self.plus_sign,
            fee_note=self.fee_note,
        )


def draw_style(layout: str, rng: random.Random) -> Style:
    """The random choices of ``layout`` (``pipeline.synth.text``'s docstring); shared variants drawn for all."""
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
            s.lost_lead = rng.choice(_LEAD_LOSERS)
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
