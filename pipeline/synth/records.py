"""Random report records whose tables keep (or deliberately break) the form's accounting identities.

The parser's property tests and benchmarks render these records and read them back, so a record
is the *truth* a rendering must give back. Every identity of spec/record.md holds on a record made
with ``consistent=True``: per applicant column 一 + 二 = （七）总计 + 四 and （七）总计 = the sum of
the disposition rows of the record's format; per row 总计 = the six applicant columns; per group
of table 四 维持 + 纠正 + 其他 + 尚未审结 = 总计. The free cells are drawn; the cells they determine
(（七）总计, 一, every 总计) are solved through the registry's equations (``pipeline.form.identities``),
so a record keeps whatever hard identity the registry states. ``violate`` breaks them on purpose,
the way real source tables are sometimes wrong, so tests can check that the parser keeps a source
error intact.

Values look like real reports: agencies from a small list of real regions (GB/T 2260 codes checked
against the gazetteer data in tests), mostly zeros and small counts, now and then a 5-digit one.
Money is a JSON number (``int`` when whole, else ``float`` with at most 4 decimals), the way the
parser and the golden files write it.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pipeline.form import identities
from pipeline.record import (
    APPLICANT_COLUMNS,
    APPLICATION_ROW_FORMATS,
    APPLICATION_ROWS,
    DISPOSITION_ROWS,
    PARSER_VERSION,
    PROACTIVE_ITEMS,
    RL_COLUMNS,
    RL_GROUPS,
)

__all__ = [
    "DEPARTMENTS",
    "PLACES",
    "REGIONS",
    "Region",
    "broken_identities",
    "cell_value",
    "random_agency",
    "random_applications",
    "random_proactive",
    "random_record",
    "random_review",
    "records",
    "violate",
]

MAX_CELL = 99_999  # "up to 5 digits": no printed count in a generated table is longer


@dataclass(frozen=True)
class Region:
    """A real county-level region and its GB/T 2260 code (the parser's gazetteer must agree)."""

    province: str
    city: str  # a municipality (上海市 …) is its own city, as the gazetteer says
    county: str | None
    admin_code: str

    @property
    def municipality(self) -> bool:
        return self.province == self.city

    @property
    def city_code(self) -> str:
        """The code of the city itself (municipalities: the province-level code, 310000)."""
        return self.admin_code[:2] + "0000" if self.municipality else self.admin_code[:4] + "00"


REGIONS: list[Region] = [
    Region("河南省", "周口市", "川汇区", "411602"),
    Region("河南省", "周口市", "扶沟县", "411621"),
    Region("河南省", "新乡市", "辉县市", "410782"),
    Region("浙江省", "杭州市", "西湖区", "330106"),
    Region("浙江省", "温州市", "乐清市", "330382"),
    Region("四川省", "成都市", "武侯区", "510107"),
    Region("广东省", "深圳市", "南山区", "440305"),
    Region("广东省", "东莞市", None, "441900"),  # a prefecture-level city without counties
    Region("上海市", "上海市", "浦东新区", "310115"),
    Region("北京市", "北京市", "海淀区", "110108"),
    Region("重庆市", "重庆市", "渝中区", "500103"),
    Region("江苏省", "南京市", "鼓楼区", "320106"),
    Region("江苏省", "宿迁市", "宿城区", "321302"),
    Region("湖北省", "咸宁市", "咸安区", "421202"),
    Region("湖南省", "长沙市", "岳麓区", "430104"),
    Region("山东省", "青岛市", "黄岛区", "370211"),
    Region("福建省", "厦门市", "思明区", "350203"),
    Region("安徽省", "合肥市", "蜀山区", "340104"),
    Region("陕西省", "西安市", "雁塔区", "610113"),
]
#: (province, city, county) of every region; kept for callers of the first version of this module
PLACES: list[tuple[str, str, str | None]] = [(r.province, r.city, r.county) for r in REGIONS]

#: departments as real county and city agencies name themselves
DEPARTMENTS: list[str] = [
    "统计局",
    "审计局",
    "财政局",
    "民政局",
    "司法局",
    "教育局",
    "自然资源和规划局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "人力资源和社会保障局",
    "发展和改革委员会",
    "卫生健康委员会",
    "市场监督管理局",
    "应急管理局",
    "农业农村局",
    "文化广电和旅游局",
    "医疗保障局",
    "退役军人事务局",
    "政务服务和大数据管理局",
]


# ----------------------------------------------------------------------------- agency
def random_agency(rng: random.Random) -> dict[str, Any]:
    """An agency of a real region: its government, the government's office, or a department."""
    region = rng.choice(REGIONS)
    county_level = region.county is not None and rng.random() < 0.7
    place = region.county if county_level else region.city
    assert place is not None
    roll = rng.random()
    if roll < 0.3:
        name, kind = place + "人民政府", "government"
    elif roll < 0.5:
        office = "办公厅" if (region.municipality and not county_level) else "办公室"
        short = county_level and rng.random() < 0.25  # '川汇区政府办公室' (seed 001)
        name, kind = place + ("政府" if short else "人民政府") + office, "government_office"
    else:
        name, kind = place + rng.choice(DEPARTMENTS), "department"
    return {
        "name": name,
        "province": region.province,
        "city": region.city,
        "county": region.county if county_level else None,
        "admin_code": region.admin_code if county_level else region.city_code,
        "kind": kind,
    }


# ----------------------------------------------------------------------------- table 三
def _small(rng: random.Random) -> int:
    """Mostly zeros and small counts, now and then a large one (real tables look like that)."""
    roll = rng.random()
    if roll < 0.45:
        return 0
    if roll < 0.85:
        return rng.randint(1, 9)
    if roll < 0.97:
        return rng.randint(10, 99)
    return rng.randint(100, 999)


# how often each disposition row carries applications: 予以公开 and 不掌握 dominate in practice
_DISPOSITION_WEIGHT: dict[str, float] = {
    "granted": 8.0,
    "partially_granted": 2.0,
    "unable_not_held": 4.0,
    "other_other": 1.5,
    "rejected_petition": 1.0,
    "rejected_repeat": 1.0,
    "denied_process_info": 0.8,
    "denied_third_party": 0.6,
}


def _split(rng: random.Random, total: int, codes: list[str]) -> dict[str, int]:
    """Spread ``total`` over a few of ``codes`` (weighted), leaving the rest 0."""
    out = dict.fromkeys(codes, 0)
    if total == 0:
        return out
    weights = [_DISPOSITION_WEIGHT.get(c, 0.3) for c in codes]
    k = min(len(codes), rng.choice([1, 1, 2, 2, 3, 4, 6]))
    chosen: list[str] = []
    while len(chosen) < k:
        c = rng.choices(codes, weights)[0]
        if c not in chosen:
            chosen.append(c)
    cuts = sorted(rng.randint(0, total) for _ in range(len(chosen) - 1))
    for c, lo, hi in zip(chosen, [0, *cuts], [*cuts, total], strict=True):
        out[c] = hi - lo
    return out


def random_applications(
    rng: random.Random, fmt: int, *, consistent: bool = True
) -> dict[str, list[int | None]]:
    """Table 三 rows (code -> 7 values); rows not in ``fmt`` are ``[None] * 7`` (2019: （六）1, 2)."""
    codes = [c for c in APPLICATION_ROWS if fmt in APPLICATION_ROW_FORMATS[c]]
    disp = DISPOSITION_ROWS[fmt]
    rows: dict[str, list[int | None]] = {code: [None] * 7 for code in APPLICATION_ROWS}
    if not consistent:
        # every cell drawn on its own: identities hold only by accident (fuzzing the reader)
        for code in codes:
            vals = [_small(rng) for _ in range(6)]
            rows[code] = [*vals, sum(vals) if rng.random() < 0.5 else _small(rng)]
        return rows
    for code in codes:
        rows[code] = [0] * 7
    scale = rng.choices(["none", "small", "medium", "large"], [0.12, 0.6, 0.2, 0.08])[0]
    active = [0] + [c for c in range(1, 6) if rng.random() < 0.35]
    for c in range(6):
        if scale == "none" or c not in active:
            continue
        if c == 0:  # 自然人 carries most applications
            top = {"small": 30, "medium": 600, "large": 30_000}[scale]
        else:
            top = {"small": 6, "medium": 60, "large": 3_000}[scale]
        processed = rng.randint(0, top) if rng.random() < 0.9 else 0
        forward = rng.randint(0, max(1, processed // 5)) if rng.random() < 0.3 else 0
        carried = rng.randint(0, processed + forward) if rng.random() < 0.3 else 0
        for code, v in _split(rng, processed, disp).items():
            rows[code][c] = v
        rows["carried_forward"][c] = forward
        rows["carried_over"][c] = carried
    # what the drawn cells determine is left to the registry's identities: （七）总计 (the sum of
    # the dispositions), 一 (the balance 一 + 二 = （七） + 四) and every row's 总计
    for code in codes:
        rows[code][6] = None
    for code in _DETERMINED:
        rows[code] = [None] * 7
    _solve(rows, fmt)
    return rows


#: the table-三 rows the identities fix once the dispositions and the carried rows are drawn
_DETERMINED = ("total_processed", "new_received")


def _solve(lines: dict[str, Any], fmt: int, table: str = "applications") -> None:
    """Fill the None cells of a table (line -> values) through the registry's equations on that
    table, one unknown at a time."""
    index = {c: i for i, c in enumerate(identities.table_columns(table))}
    eqs = [
        [(sign * s, cell) for sign, side in ((1, e.expected), (-1, e.observed)) for s, cell in side]
        for e in identities.equations(fmt)
        if all(cell[0] == table for _, cell in (*e.expected, *e.observed))
    ]
    progress = True
    while progress:
        progress = False
        for terms in eqs:
            unknown = [(s, cell) for s, cell in terms if lines[cell[1]][index[cell[2]]] is None]
            if len(unknown) != 1:
                continue
            s, (_, line, column) = unknown[0]
            rest = sum(k * (lines[c[1]][index[c[2]]] or 0) for k, c in terms if c != unknown[0][1])
            lines[line][index[column]] = -rest * s  # s is ±1: s·x + rest = 0 (the rest are known)
            progress = True
    missing = [line for line in identities.table_lines(table, fmt) if None in lines[line]]
    assert not missing, f"the registry's identities leave cells of {missing} undetermined"


# ----------------------------------------------------------------------------- table 二
def _money(rng: random.Random, places: int, top: int) -> int | float:
    """A decimal amount with at most ``places`` decimals; an int when it is whole."""
    roll = rng.random()
    if roll < 0.35:
        return 0
    if roll < 0.6:
        return rng.randint(1, top)
    d = Decimal(rng.randint(1, top * 10**places)).scaleb(-places).normalize()
    return int(d) if d == d.to_integral_value() else float(d)


def random_proactive(rng: random.Random, fmt: int) -> dict[str, dict[str, Any]]:
    """Table 二 values for every item and measure of ``fmt`` (pipeline.record.PROACTIVE_ITEMS)."""
    out: dict[str, dict[str, Any]] = {}
    for item, (_label, measures) in PROACTIVE_ITEMS[fmt].items():
        vals: dict[str, Any] = {}
        for m in measures:
            if m == "amount_10k_yuan":
                vals[m] = _money(rng, 4, 20_000)
            elif m == "amount_yuan":
                vals[m] = _money(rng, 2, 99_999_999)
            elif m == "items_change":
                vals[m] = rng.choice([0, 0, rng.randint(-30, 30), rng.randint(-5, 1500)])
            elif item == "regulation":  # only big-city and provincial governments make 规章
                vals[m] = 0 if rng.random() < 0.8 else rng.randint(1, 30)
            elif m in ("in_force", "total_published", "items_last_year"):
                vals[m] = rng.choice([0, rng.randint(1, 60), rng.randint(60, 3000)])
            elif m == "decisions":
                vals[m] = rng.choice([0, rng.randint(1, 99), rng.randint(100, MAX_CELL)])
            else:
                vals[m] = _small(rng)
        # stocks are not below this year's flow (not an identity, but real tables look so)
        if "in_force" in vals:
            vals["in_force"] = max(vals["in_force"], vals["issued"])
        if "total_published" in vals:
            vals["total_published"] = max(vals["total_published"], vals["new_published"])
        out[item] = vals
    return out


# ----------------------------------------------------------------------------- table 四
def random_review(rng: random.Random, *, consistent: bool = True) -> dict[str, Any]:
    """Table 四: three groups of 维持/纠正/其他/尚未审结/总计, mostly zeros."""
    out: dict[str, Any] = {"columns": list(RL_COLUMNS)}
    busy = rng.random() < 0.4
    for g in RL_GROUPS:
        parts = [(_small(rng) if busy and rng.random() < 0.4 else 0) for _ in range(4)]
        total = None if consistent or rng.random() < 0.5 else _small(rng)  # None: left to the registry
        out[g] = [*parts, total]
    _solve(out, 2021, "review_litigation")  # 总计 = the four outcomes (table 四 is one in both editions)
    return out


# ----------------------------------------------------------------------------- record
def random_record(rng: random.Random, fmt: int | None = None, *, consistent: bool = True) -> dict[str, Any]:
    """A full report record (spec/record.md shape) in the 2019 or 2021 format.

    ``fmt`` None picks one; the year follows the format (2019–2020 -> 2019, 2021–2025 -> 2021).
    ``consistent=False`` draws table cells independently (identities hold only by accident).
    ``fmt`` may also be given positionally: the HTML/DOCX/PDF renderers call it that way.
    """
    fmt = fmt or rng.choice([2019, 2021])
    if fmt not in (2019, 2021):
        raise ValueError(f"unknown format {fmt}")
    year = rng.randint(2019, 2020) if fmt == 2019 else rng.randint(2021, 2025)
    apps = random_applications(rng, fmt, consistent=consistent)
    received = apps["new_received"][6]
    assert received is not None
    items = rng.randint(10, 20_000) if rng.random() < 0.8 else None
    if rng.random() < 0.75:
        stated: int | None = received if consistent else _small(rng)
    else:
        stated = None
    return {
        "agency": random_agency(rng),
        "year": year,
        "format_version": fmt,
        "proactive": random_proactive(rng, fmt),
        "applications": {"columns": list(APPLICANT_COLUMNS), "rows": apps},
        "review_litigation": random_review(rng, consistent=consistent),
        "narrative": {"items_published": items, "applications_received": stated},
        "status": "ok",
        "repairs": [],
        "problems": [],
        "provenance": {},
        "parser_version": PARSER_VERSION,
    }


# ----------------------------------------------------------------------------- identities
#: identity rule of the registry → the name ``broken_identities`` gives a broken instance
_NAMES = {
    "t3_row_total": "row:{key}",
    "t3_balance": "col:{key}:received",
    "t3_disposition_sum": "col:{key}:processed",
    "t4_group_total": "t4:{key}",
}
_T3_INDEX = {c: i for i, c in enumerate(APPLICANT_COLUMNS)}
_T4_INDEX = {c: i for i, c in enumerate(RL_COLUMNS)}


def cell_value(record: dict[str, Any], cell: tuple[str, str, str]) -> Any:
    """The value of a registry cell ``(table, line, column)`` in a record (None: blank/absent)."""
    table, line, column = cell
    if table == "applications":
        values = record["applications"]["rows"].get(line) or [None] * 7
        return values[_T3_INDEX[column]]
    if table == "review_litigation":
        values = record["review_litigation"].get(line) or [None] * 5
        return values[_T4_INDEX[column]]
    if table == "proactive":
        return ((record.get("proactive") or {}).get(line) or {}).get(column)
    return None


def broken_identities(record: dict[str, Any]) -> list[str]:
    """Every hard identity of the registry (``pipeline.form.identities``) the record's tables
    break, named (empty: all hold).

    Names: ``col:<column>:received`` (一 + 二 = （七） + 四), ``col:<column>:processed`` ((七) =
    disposition rows), ``row:<code>`` (总计 = six columns), ``t4:<group>``, ``negative:<where>``;
    any other identity of the registry as ``<rule_id>:<column or line>``. Blank (None) cells in a
    row the format prints count as broken (``blank:<code>``), not as 0; a column identity reads
    them as 0.
    """
    fmt = record["format_version"]
    rows = record["applications"]["rows"]
    rl = record["review_litigation"]
    eqs = {(e.rule_id, e.key): e for e in identities.equations(fmt)}

    def value(cell: tuple[str, str, str]) -> Any:
        v = cell_value(record, cell)
        return 0 if v is None and cell[0] != "proactive" else v

    out: list[str] = []
    for code in identities.table_lines("applications", fmt):
        vals = rows.get(code) or [None] * 7
        if any(v is None for v in vals):
            out.append(f"blank:{code}")
            continue
        if any(v < 0 for v in vals):
            out.append(f"negative:{code}")
        if eqs[("t3_row_total", code)].residual(value) != 0:
            out.append(f"row:{code}")
    for col in APPLICANT_COLUMNS:
        for rule in ("t3_balance", "t3_disposition_sum"):
            if eqs[(rule, col)].residual(value) != 0:
                out.append(_NAMES[rule].format(key=col))
    for g in RL_GROUPS:
        vals = rl.get(g) or [None] * 5
        if any(x is None for x in vals):
            out.append(f"blank:t4:{g}")
            continue
        if any(x < 0 for x in vals):
            out.append(f"negative:t4:{g}")
        if eqs[("t4_group_total", g)].residual(value) != 0:
            out.append(f"t4:{g}")
    for (rule_id, key), eq in eqs.items():  # identities added to the registry later
        if rule_id not in _NAMES and eq.residual(value) not in (0, None):
            out.append(f"{rule_id}:{key}")
    return out


VIOLATIONS = ("t4_total", "t4_part", "t3_total_cell", "t3_cell", "t3_row_shift", "t3_carry_both")


def violate(
    record: dict[str, Any], rng: random.Random, kind: str | None = None
) -> tuple[dict[str, Any], str]:
    """A copy of ``record`` with one deliberate source error, and a description of what it broke.

    Kinds (chosen at random unless ``kind`` is given), each a slip a published table can carry:
      - ``t4_total``: one table-四 总计 off by d -> breaks only ``t4:<group>``;
      - ``t4_part``: one table-四 outcome cell off by d -> breaks only ``t4:<group>``;
      - ``t3_total_cell``: one 总计-column cell of table 三 off by d -> breaks ``row:<code>`` and the
        总计 column's identity (``received`` and/or ``processed``, depending on the row);
      - ``t3_cell``: one applicant cell off by d -> ``row:<code>`` and that column's identities;
      - ``t3_row_shift``: d moved between two applicant columns of a disposition row (the row still
        sums) -> breaks ``col:<a>:processed`` and ``col:<b>:processed`` only (a row of zeros has
        nothing to move: d is added to one column and to 总计 instead, breaking those two);
      - ``t3_carry_both``: 结转下年度 off by d in one column *and* in 总计 (the row still sums) ->
        breaks ``col:<column>:received`` and ``col:total:received`` only.
    Values stay non-negative integers. The description ends with the list from ``broken_identities``.
    """
    rec = copy.deepcopy(record)
    fmt = rec["format_version"]
    rows = rec["applications"]["rows"]
    rl = rec["review_litigation"]
    kind = kind or rng.choice(VIOLATIONS)
    d = rng.randint(1, 9)
    codes = [c for c in APPLICATION_ROWS if fmt in APPLICATION_ROW_FORMATS[c]]
    if kind in ("t4_total", "t4_part"):
        g = rng.choice(RL_GROUPS)
        i = 4 if kind == "t4_total" else rng.randrange(4)
        rl[g][i] += d
        what = f"table 四 {g}.{RL_COLUMNS[i]} +{d}"
    elif kind == "t3_total_cell":
        code = rng.choice(codes)
        rows[code][6] += d
        what = f"table 三 {code}.total +{d}"
    elif kind == "t3_cell":
        code, c = rng.choice(codes), rng.randrange(6)
        rows[code][c] += d
        what = f"table 三 {code}.{APPLICANT_COLUMNS[c]} +{d}"
    elif kind == "t3_row_shift":
        code = rng.choice(DISPOSITION_ROWS[fmt])
        vals = rows[code]
        a, b = rng.sample(range(6), 2)
        if vals[a] == 0:
            a, b = b, a
        if vals[a] == 0:  # nothing to move: add to one and take nothing (still one broken row+col)
            vals[b] += d
            vals[6] += d
            what = f"table 三 {code}.{APPLICANT_COLUMNS[b]} and {code}.total +{d}"
        else:
            d = min(d, vals[a])
            vals[a] -= d
            vals[b] += d
            what = f"table 三 {code}: {d} moved from {APPLICANT_COLUMNS[a]} to {APPLICANT_COLUMNS[b]}"
    elif kind == "t3_carry_both":
        c = rng.randrange(6)
        rows["carried_forward"][c] += d
        rows["carried_forward"][6] += d
        what = f"table 三 carried_forward.{APPLICANT_COLUMNS[c]} and carried_forward.total +{d}"
    else:
        raise ValueError(f"unknown violation kind {kind!r}")
    broken = broken_identities(rec)
    return rec, f"{kind}: {what}; breaks {', '.join(broken)}"


# ----------------------------------------------------------------------------- hypothesis
def records(fmt: int | None = None, *, consistent: bool = True) -> Any:
    """A hypothesis strategy of records: ``random_record`` with a drawn seed (shrinks to seed 0).

    Imported lazily so the pipeline itself does not depend on hypothesis (a dev extra).
    """
    from hypothesis import strategies as st

    return st.integers(min_value=0, max_value=2**32 - 1).map(
        lambda seed: random_record(random.Random(seed), fmt, consistent=consistent)
    )
