"""Crawler / browser-copy text of a report: tables flattened, cells run together (issue 10, part 1).

A whole province's archive of department reports reaches users as text a crawler (or a browser's
copy) took from the government page: a metadata header (``标题:`` ``发布时间:`` ``发布机构:``
``原文链接:``), site navigation before and after, and the body on one line or one line per block,
with labels, digits and the next label touching (``…1.属于国家秘密00000002.其他法律…``).

``runon_rendering`` prints any record that way and says which cells the damage made unreadable.
A digit run is printed run together (or partly spaced, ``3 0 0 0 0 03``) only when exactly one
split of it satisfies the identities that apply to it (row total = six columns; table 四: the four
outcomes = 总计 per group; no leading zeros except ``0``); a row whose identity the record breaks
is spaced, since no identity can split it. Now and then an ambiguous run is kept on purpose and
its cells are listed in ``Rendering.unrecoverable``: a parser must leave them null or get them
right, never guess. Table 二 has no identity, so its runs are unique only by the no-leading-zero
rule, a sign (``5-20`` = 5, −2, 0) or a unit (``4126800元`` is ambiguous: 4 | 126800 or 41 | 26800).

Cell paths (``cell_values``): ``applications.<row>.<column>``, ``review_litigation.<group>.<outcome>``,
``proactive.<item>.<measure>``, plus ``year``, ``format_version``, ``agency.name``,
``agency.province``, ``narrative.<key>``.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from pipeline.form import editions as form
from pipeline.record import APPLICANT_COLUMNS, PROACTIVE_ITEMS, RL_COLUMNS, RL_GROUPS
from pipeline.synth import damage, layout, prose
from pipeline.synth.layout import (
    SECTION5_2019,
    SECTION_TITLES,
    Variant,
    label,
    table3_codes,
    words,
)
from pipeline.synth.records import broken_identities

__all__ = [
    "Rendering",
    "cell_values",
    "diff_cells",
    "read_cell",
    "render_runon",
    "row_readings",
    "runon_rendering",
    "scorer_path",
    "t2_readings",
    "t4_readings",
]

#: chance that a run with more than one valid split is kept (and its cells declared unrecoverable)
KEEP_AMBIGUOUS = 0.15


@dataclass
class Rendering:
    """A rendered report and the cells its damage made impossible to read (see module doc)."""

    data: bytes
    unrecoverable: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)  # the damage applied, for failure messages

    @property
    def text(self) -> str:
        return self.data.decode("utf-8-sig")


# ----------------------------------------------------------------------------- cells
def cell_values(record: dict[str, Any]) -> dict[str, Any]:
    """Every value a rendering of ``record`` carries, by cell path (the truth a parse must give)."""
    fmt = record["format_version"]
    out: dict[str, Any] = {
        "year": record["year"],
        "format_version": fmt,
        "agency.name": record["agency"]["name"],
        "agency.province": record["agency"]["province"],
    }
    for key, v in (record.get("narrative") or {}).items():
        out[f"narrative.{key}"] = v
    rows = record["applications"]["rows"]
    for code in table3_codes(fmt):
        for c, col in enumerate(APPLICANT_COLUMNS):
            out[f"applications.{code}.{col}"] = (rows.get(code) or [None] * 7)[c]
    rl = record["review_litigation"]
    for g in RL_GROUPS:
        for i, col in enumerate(RL_COLUMNS):
            out[f"review_litigation.{g}.{col}"] = (rl.get(g) or [None] * 5)[i]
    for item, (_name, measures) in PROACTIVE_ITEMS[fmt].items():
        for m in measures:
            out[f"proactive.{item}.{m}"] = ((record.get("proactive") or {}).get(item) or {}).get(m)
    return out


def read_cell(record: dict[str, Any], path: str) -> Any:
    """The value at ``path`` (a ``cell_values`` key) in a parsed record; None where absent."""
    parts = path.split(".")
    try:
        if parts[0] == "applications":
            return record["applications"]["rows"][parts[1]][APPLICANT_COLUMNS.index(parts[2])]
        if parts[0] == "review_litigation":
            return record["review_litigation"][parts[1]][RL_COLUMNS.index(parts[2])]
        obj: Any = record
        for p in parts:
            obj = obj[p]
        return obj
    except (KeyError, IndexError, TypeError):
        return None


def _same(path: str, expected: Any, got: Any) -> bool:
    """Values equal as the scorer compares them (numbers by value; an agency name by containment)."""
    if expected is None or got is None:
        return expected is None and got is None
    if path == "agency.name":
        e, g = (unicodedata.normalize("NFKC", str(x)).replace("人民政府", "政府") for x in (expected, got))
        return e in g or g in e
    if isinstance(expected, (int, float, Decimal)) and not isinstance(expected, bool):
        try:
            return Decimal(str(expected)) == Decimal(str(got))
        except ArithmeticError:
            return False
    return bool(expected == got)


def diff_cells(truth: dict[str, Any], got: dict[str, Any], unrecoverable: set[str]) -> list[str]:
    """Every cell ``got`` (a parsed record) reads wrong: 'path: expected X, got Y'.

    A cell in ``unrecoverable`` may come back null, or right; anything else is a wrong reading.
    """
    out = []
    for path, expected in cell_values(truth).items():
        value = read_cell(got, path)
        if _same(path, expected, value) or (path in unrecoverable and value is None):
            continue
        out.append(f"{path}: expected {expected!r}, got {value!r}")
    return out


def scorer_path(path: str) -> str:
    """``path`` as ``shared/tools/score.py`` names cells (``applications.rows.<row>.<i>``)."""
    parts = path.split(".")
    if parts[0] == "applications":
        return f"applications.rows.{parts[1]}.{APPLICANT_COLUMNS.index(parts[2])}"
    if parts[0] == "review_litigation":
        return f"review_litigation.{parts[1]}.{RL_COLUMNS.index(parts[2])}"
    return path


# ----------------------------------------------------------------------------- readings
def _digits_and_cuts(text: str) -> tuple[str, list[int]]:
    """The digits of ``text`` and, per digit position, where the next space forces a cut."""
    digits: list[str] = []
    cuts: set[int] = set()
    for ch in text:
        if ch == " ":
            cuts.add(len(digits))
        else:
            digits.append(ch)
    n = len(digits)
    next_cut = [n] * (n + 1)
    nxt = n
    for i in range(n, -1, -1):
        next_cut[i] = nxt
        if i in cuts and i > 0:
            nxt = i
    return "".join(digits), next_cut


def _tokens(d: str, i: int, end: int) -> list[tuple[int, int]]:
    """(end, value) of every count token starting at ``i`` that ends at or before ``end``."""
    out = []
    for j in range(i + 1, end + 1):
        if d[i] == "0" and j > i + 1:
            break
        out.append((j, int(d[i:j])))
    return out


def row_readings(text: str, limit: int = 2) -> int:
    """How many splits of a table-三 row's digits (spaces are cuts) give 7 counts with 总计 = Σ six.

    Stops counting at ``limit``. The 总计 token is the row's last, so each candidate total bounds
    every other token and the running sum (cheap even for 30-digit rows).
    """
    d, next_cut = _digits_and_cuts(text)
    n = len(d)
    found = 0
    for p in range(6, n):
        if next_cut[p] < n or (d[p] == "0" and p < n - 1):
            continue
        total = int(d[p:])
        memo: dict[tuple[int, int, int], int] = {}

        def ways(i: int, k: int, rem: int, p: int = p, memo: dict = memo) -> int:
            if k == 0:
                return int(i == p and rem == 0)
            if p - i < k:
                return 0
            key = (i, k, rem)
            if key not in memo:
                count = 0
                for j, v in _tokens(d, i, min(p, next_cut[i])):
                    if v > rem:
                        break
                    count += ways(j, k - 1, rem - v)
                    if count >= limit:
                        break
                memo[key] = count
            return memo[key]

        found += ways(0, 6, total)
        if found >= limit:
            return limit
    return found


def t4_readings(text: str, limit: int = 2) -> int:
    """How many splits of table 四's digits give 3 groups of 维持+纠正+其他+尚未审结 = 总计."""
    d, next_cut = _digits_and_cuts(text)
    n = len(d)
    memo: dict[tuple[int, int, int, int], int] = {}

    def go(i: int, g: int, k: int, s: int) -> int:
        if g == 3:
            return int(i == n)
        if i >= n:
            return 0
        key = (i, g, k, s)
        if key in memo:
            return memo[key]
        count = 0
        if k == 4:  # the group's 总计 is determined by its four outcomes
            t = str(s)
            j = i + len(t)
            if d.startswith(t, i) and j <= next_cut[i]:
                count = go(j, g + 1, 0, 0)
        else:
            for j, v in _tokens(d, i, next_cut[i]):
                count += go(j, g, k + 1, s + v)
                if count >= limit:
                    break
        memo[key] = min(count, limit)
        return memo[key]

    return go(0, 0, 0, 0)


_COUNT = re.compile(r"0|[1-9]\d*")
_SIGNED = re.compile(r"[+-]?(?:0|[1-9]\d*)")
_MONEY = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")


def t2_readings(text: str, kinds: list[str], limit: int = 2) -> int:
    """How many splits of a table-二 row's numbers (unit stripped) match ``kinds`` (count/signed/money)."""
    pats = [{"count": _COUNT, "signed": _SIGNED, "money": _MONEY}[k] for k in kinds]
    n = len(text)

    def go(i: int, k: int) -> int:
        while i < n and text[i] == " ":
            i += 1
        if k == len(pats):
            return int(i == n)
        count = 0
        j = i + 1
        while j <= n and text[j - 1] != " ":
            if pats[k].fullmatch(text, i, j):
                count += go(j, k + 1)
                if count >= limit:
                    return count
            j += 1
        return count

    return go(0, 0)


# ----------------------------------------------------------------------------- numbers
def _numbers(
    parts: list[str],
    rng: random.Random,
    readings: Callable[[str], int],
    holds: bool,
    paths: list[str],
    out: Rendering,
    keep: float = KEEP_AMBIGUOUS,
) -> str:
    """Print ``parts`` with a random amount of run-together; fall back to spaces where not unique.

    ``holds``: the identities ``readings`` counts with hold for these values (else only the fully
    spaced form can be read). A non-unique run kept on purpose puts ``paths`` in ``unrecoverable``.
    """
    if any(p == "" for p in parts):  # a blank cell survives only as a space: nobody can place it
        out.unrecoverable.update(paths)
        return " ".join(parts)
    style = rng.choices(["run", "partial", "spaced"], [0.6, 0.25, 0.15])[0]
    text = damage.join_cells(parts, rng, style)
    if style == "spaced" or (holds and readings(text) == 1):
        return text
    if holds and rng.random() < keep:
        out.unrecoverable.update(paths)
        out.notes.append(f"ambiguous run kept: {text}")
        return text
    return " ".join(parts)


# ----------------------------------------------------------------------------- tables
@dataclass
class _Style:
    """Per-document choices of the text's look."""

    variant: Variant
    gap: float  # chance of a space between a label and its numbers
    enum: str  # '.', '、' or '. ' after a sub-item number
    doubled: float  # chance a top-level numeral is doubled (二二、上年结转…)
    spaced_brackets: bool  # '(一) 予以公开' as in 018


def _lab(text: str, s: _Style, rng: random.Random) -> str:
    """A label (already under ``s.variant``) with the page's enumerators, and now and then a doubled numeral."""
    if s.enum != ".":
        text = re.sub(r"^(\d)\.", rf"\1{s.enum}", text)
    if s.spaced_brackets:
        text = re.sub(r"^\(([一二三四五六七])\)", r"(\1) ", text).replace("，", ", ")
    return damage.double_numeral(text, rng, s.doubled)


def _gap(s: _Style, rng: random.Random) -> str:
    return " " if rng.random() < s.gap else ""


def _table2(record: dict[str, Any], s: _Style, rng: random.Random, out: Rendering) -> str:
    """Table 二 off the shared layout model's grid, flattened: heads and item rows, numbers run together."""
    fmt = record["format_version"]
    proactive = record.get("proactive") or {}
    plus = rng.random() < 0.5
    unit = rng.choice(["cell_yuan", "header_yuan", "cell_wan"])
    sep = rng.choice(["", " "])
    table = layout.table2(record, replace(s.variant, plus_sign=plus))
    pieces: list[str] = []
    for article, heads, items in layout.articles(table):
        measures = layout.ITEM_MEASURES[fmt][items[0][0]]
        if "amount_yuan" in measures and unit == "header_yuan":
            heads = [*heads[:-1], label(form.MEASURE["amount_yuan"].label, s.variant)]
        pieces.append(sep.join([article, *heads]))
        for item, row in items:
            values = proactive.get(item) or {}
            parts: list[str] = []
            kinds: list[str] = []
            suffix = ""
            for m, text in zip(layout.ITEM_MEASURES[fmt][item], row[1:], strict=True):
                v = values.get(m)
                if v is None:
                    parts.append("")
                elif m == "amount_10k_yuan":
                    parts.append(damage.pad_money(v, rng))
                elif m == "amount_yuan":
                    parts.append(damage.in_wan(text) if unit == "cell_wan" else text)
                    suffix = {"cell_wan": "万元", "cell_yuan": "元"}.get(unit, "")
                else:
                    parts.append(text)
                kinds.append(
                    "money" if form.MEASURE[m].money else "signed" if form.MEASURE[m].signed else "count"
                )
            paths = [f"proactive.{item}.{m}" for m in layout.ITEM_MEASURES[fmt][item]]
            keep = (
                0.5 if "amount_yuan" in layout.ITEM_MEASURES[fmt][item] else KEEP_AMBIGUOUS
            )  # 元: unit ambiguity

            def readings(t: str, kinds: list[str] = kinds) -> int:
                return t2_readings(t, kinds)

            nums = _numbers(parts, rng, readings, True, paths, out, keep) + suffix
            pieces.append(row[0] + _gap(s, rng) + nums)
    return sep.join(pieces)


def _table3_header(head: list[list[str]], rng: random.Random) -> str:
    """Table 三's head words (the layout model's header rows, after the check note), flattened."""
    if rng.random() < 0.5:  # as the merged header cells read row by row
        heads = [*words(head[0])[1:], *words(head[1]), *words(head[2])]
    else:  # as the columns read left to right
        heads = [head[r][c] for c in range(3, len(head[0])) for r in range(len(head)) if head[r][c]]
    if rng.random() < 0.4:  # a four-character head in a narrow cell: two lines of two (商业 企业)
        heads = [damage.narrow_cell(w) if len(w) == 4 else w for w in heads]
    return rng.choice(["", " "]).join(heads)


def _table3(record: dict[str, Any], s: _Style, rng: random.Random, out: Rendering, broken: set[str]) -> str:
    """Table 三 off the shared layout model's grid: each row's heads, label and numbers run on."""
    rows = record["applications"]["rows"]
    table = layout.table3(record, s.variant)
    head = table.header()
    pieces = [(head[0][0] + " ") if rng.random() < 0.8 else "", _table3_header(head, rng) + " "]
    for code, row in table.data():
        top, mid, item = row[:3]
        lead = _lab(top, s, rng) + " " if top and (mid or item) else ""  # 三、本年度办理结果
        if mid and item:  # the group's head, over its first row
            lead += _lab(mid, s, rng) + rng.choice(["", " "])
        text = _lab(item or mid or top, s, rng)
        vals = rows.get(code) or [None] * 7
        holds = not {f"blank:{code}", f"row:{code}"} & broken  # the row identity the readings count with
        parts = ["" if v is None else str(v) for v in vals]
        paths = [f"applications.{code}.{c}" for c in APPLICANT_COLUMNS]
        nums = _numbers(parts, rng, row_readings, holds, paths, out)
        pieces.append(lead + text + _gap(s, rng) + nums)
    joint = rng.choice([0.0, 0.2, 0.6])  # chance of a space before the next row's label
    return "".join(p + (" " if rng.random() < joint else "") for p in pieces if p).rstrip()


def _table4(record: dict[str, Any], rng: random.Random, out: Rendering, broken: set[str]) -> str:
    """Table 四's head words (the layout model's header rows) and its 15 numbers run on."""
    rl = record["review_litigation"]
    h = layout.table4(record, Variant()).header()
    outcomes, litigation = "".join(words(h[1][:5])), words(h[1][5:])
    if rng.random() < 0.5:
        head = " ".join([*words(h[0]), outcomes, *litigation, "".join(words(h[2]))])
    else:
        head = "".join([*words(h[0]), *litigation]) + outcomes * 3
    vals = [x for g in RL_GROUPS for x in (rl.get(g) or [None] * 5)]
    holds = not any({f"blank:t4:{g}", f"t4:{g}"} & broken for g in RL_GROUPS)
    paths = [f"review_litigation.{g}.{c}" for g in RL_GROUPS for c in RL_COLUMNS]
    parts = ["" if v is None else str(v) for v in vals]
    return head + " " + _numbers(parts, rng, t4_readings, holds, paths, out)


# ----------------------------------------------------------------------------- document
_PROSE_1 = [
    prose.SECTION1_HEADS[0] + " "
    "坚持以公开为常态、不公开为例外，及时公开政策文件、规划计划、财政预决算等重点领域信息。",
    prose.SECTION1_HEADS[1] + " 规范依申请公开登记、审核、办理、答复、归档等环节，准确把握办理时限。",
    prose.SECTION1_HEADS[2] + " 严格落实公文公开属性源头认定机制和发布前保密审查制度。",
    prose.SECTION1_HEADS[3] + " 发挥政府网站政府信息公开第一平台作用，优化栏目设置。",
    prose.SECTION1_HEADS[4] + " 将政务公开工作纳入年度绩效考核，定期开展自查并及时整改。",
]
_PROSE_5 = (
    "一是公开内容的深度和广度有待拓展；二是政策解读形式不够丰富。下一步，将加强学习培训，健全工作机制。"
)
_PROSE_6 = "本年度未收取政府信息公开信息处理费。"


def _title(record: dict[str, Any], rng: random.Random) -> str:
    kind = rng.choice(["plain", "spaced", "nian_du", "guanyu"])  # the one-line wordings
    return prose.title_lines(record["agency"]["name"], record["year"], kind)[0]


def _header(record: dict[str, Any], rng: random.Random) -> tuple[list[str], list[str]]:
    """Metadata and navigation before the body, and site chrome after it."""
    name, year = record["agency"]["name"], record["year"]
    colon = rng.choice([": ", "：", ":"])
    date = f"{year + 1}-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}"
    no_name = rng.random() < 0.15  # title without the agency: the name is in 发布机构 only
    title = f"{year}年政府信息公开工作年度报告" if no_name else _title(record, rng)
    sep = rng.choice([" > ", ">", " » ", "＞"])
    nav = sep.join(["首页", "政务公开", "政府信息公开", "政府信息公开年报"])
    meta = [
        f"标题{colon}{title}",
        f"发布时间{colon}{date} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}",
        f"文号{colon}",
        f"发布机构{colon}{name if no_name or rng.random() < 0.5 else ''}",
        f"栏目{colon}政府信息公开年报",
        f"原文链接{colon}https://www.example.gov.cn/zwgk/xxgknb/{year + 1}01/t{year + 1}0120_{rng.randint(1000, 99999)}.htm",
    ]
    before = [nav, *meta] if rng.random() < 0.5 else [*meta, nav]
    if rng.random() < 0.5:
        before.append("==================== 正文 ====================")
    if rng.random() < 0.3:
        before.append(f"【字体：大 中 小】 浏览次数：{rng.randint(10, 9999)}")
    after = [rng.choice(["附件下载：", "附件下载"]), "打印本页 关闭窗口"]
    if rng.random() < 0.2:
        after.insert(0, f"上一篇：{name}{year - 1}年政府信息公开工作年度报告")
    if rng.random() < 0.5:
        after.append(f"主办单位：{name} 网站标识码：{rng.randint(1000000000, 9999999999)}")
    return before, after


def _body(record: dict[str, Any], rng: random.Random, out: Rendering) -> list[list[str]]:
    """Sections as lists of blocks (heading, paragraphs, table text)."""
    fmt = record["format_version"]
    s = _Style(
        variant=Variant(
            ascii_quotes=rng.random() < 0.3,
            comma_for_dunhao=rng.random() < 0.3,
            halfwidth_brackets=rng.random() < 0.2,
        ),
        gap=rng.choice([0.0, 0.3, 0.7]),
        enum=rng.choices([".", "、", ". "], [0.8, 0.1, 0.1])[0],
        doubled=rng.choice([0.0, 0.0, 0.3]),
        spaced_brackets=False,
    )
    s.spaced_brackets = s.variant.halfwidth_brackets and rng.random() < 0.5
    agency = record["agency"]
    lead = f"根据{agency['province']}{record['year']}年政务公开工作要点部署，" if rng.random() < 0.5 else ""
    if not lead:  # a county name can exist in several provinces (鼓楼区): only the text can say which
        out.unrecoverable.add("agency.province")
    one = [SECTION_TITLES[1], lead + prose.narrative_text(record), *_PROSE_1[: rng.randint(2, 5)]]
    if rng.random() < 0.3:
        one.append(f"全年向上级政府网站报送信息{rng.randint(5, 99)}条，被采用{rng.randint(1, 5)}条。")
    broken = set(broken_identities(record))  # a run is split only by an identity that holds
    five = SECTION5_2019 if fmt == 2019 and rng.random() < 0.7 else SECTION_TITLES[5]
    sections = [
        one,
        [SECTION_TITLES[2], _table2(record, s, rng, out)],
        [SECTION_TITLES[3], _table3(record, s, rng, out, broken)],
        [SECTION_TITLES[4], _table4(record, rng, out, broken)],
        [five, _PROSE_5],
        [
            SECTION_TITLES[6],
            _PROSE_6,
            agency["name"],
            f"{record['year'] + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日",
        ],
    ]
    if rng.random() < 0.3:
        sections[0].insert(0, _title(record, rng))
    return sections


def runon_rendering(record: dict[str, Any], *, variant: int | random.Random = 0) -> Rendering:
    """``record`` as crawler text, with the cells the damage made unreadable (``unrecoverable``)."""
    rng = variant if isinstance(variant, random.Random) else random.Random(variant)
    out = Rendering(b"")
    before, after = _header(record, rng)
    sections = _body(record, rng, out)
    mode = rng.choice(["line", "line", "section", "block"])
    if mode == "line":
        body = [" ".join(b for sec in sections for b in sec)]
    elif mode == "section":
        body = [" ".join(sec) for sec in sections]
    else:
        body = [b for sec in sections for b in sec]
    text = "\n".join([*before, *body, *after]) + "\n"
    if rng.random() < 0.2:
        text = damage.windows_lines(text)
    out.notes.append(f"body={mode}")
    out.data = ("\ufeff" if rng.random() < 0.1 else "").encode() + text.encode("utf-8")
    return out


def render_runon(record: dict[str, Any], *, variant: int | random.Random = 0) -> bytes:
    """``record`` as a crawler or browser copy delivers it (UTF-8 text); see ``runon_rendering``."""
    return runon_rendering(record, variant=variant).data
