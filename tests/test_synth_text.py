"""The synthetic records and the text renderer themselves: are they a truth worth testing against?

The round-trip tests (test_roundtrip_text.py) are only as good as these two: a record must keep
the form's identities, and a rendering must print every value and label of it, damaged only in
the ways the layout promises. Nothing here calls the parser.
"""

from __future__ import annotations

import random
import re
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

from pipeline.extract.normalize import normalize_text
from pipeline.record import (
    AGENCY_KINDS,
    APPLICANT_COLUMNS,
    APPLICATION_ROW_FORMATS,
    APPLICATION_ROW_LABELS,
    APPLICATION_ROWS,
    PROACTIVE_ITEMS,
    RL_GROUPS,
)
from pipeline.synth.records import (
    MAX_CELL,
    REGIONS,
    VIOLATIONS,
    broken_identities,
    random_record,
    records,
    violate,
)
from pipeline.synth.text import KANGXI, LAYOUTS, render, render_text

SETTINGS = settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
SEEDS = range(40)


def _cjk(s: str) -> str:
    """Only the CJK ideographs of a text, normalised: compares labels across wraps and variants."""
    return "".join(ch for ch in normalize_text(s) if "\u4e00" <= ch <= "\u9fff")


def _printed_label(code: str, fmt: int) -> str:
    """The row label the form prints (2019: the one （六）其他处理 row holds other_other)."""
    return "（六）其他处理" if (fmt == 2019 and code == "other_other") else APPLICATION_ROW_LABELS[code]


# ----------------------------------------------------------------------------- records
def test_regions_are_real_gbt2260_codes():
    """Every built-in region's code names that county, city and province in the gazetteer data."""
    from pipeline.parse.gazetteer import MUNICIPALITIES, places

    table = places()
    for r in REGIONS:
        assert r.admin_code in table, r
        if r.county:
            assert table[r.admin_code].name == r.county, r
        province = table[r.admin_code[:2] + "0000"].name
        assert province == r.province, r
        city = MUNICIPALITIES.get(r.admin_code[:2]) or table[r.admin_code[:4] + "00"].name
        assert city == r.city, r


@SETTINGS
@given(rec=records())
def test_consistent_records_keep_every_identity(rec):
    assert broken_identities(rec) == []
    fmt = rec["format_version"]
    assert (fmt == 2019) == (rec["year"] in (2019, 2020))
    assert 2019 <= rec["year"] <= 2025
    rows = rec["applications"]["rows"]
    assert list(rows) == APPLICATION_ROWS
    assert rec["applications"]["columns"] == APPLICANT_COLUMNS
    for code, vals in rows.items():
        assert len(vals) == 7
        if fmt in APPLICATION_ROW_FORMATS[code]:
            assert all(isinstance(v, int) and 0 <= v <= MAX_CELL for v in vals), code
        else:  # 2019: （六）其他处理 is one row, kept in other_other
            assert vals == [None] * 7, code
    for g in RL_GROUPS:
        assert all(isinstance(v, int) and v >= 0 for v in rec["review_litigation"][g])


@SETTINGS
@given(rec=records())
def test_proactive_has_every_item_and_measure_of_its_format(rec):
    fmt = rec["format_version"]
    assert set(rec["proactive"]) == set(PROACTIVE_ITEMS[fmt])
    for item, (_label, measures) in PROACTIVE_ITEMS[fmt].items():
        vals = rec["proactive"][item]
        assert list(vals) == measures
        for m, v in vals.items():
            if m in ("amount_10k_yuan", "amount_yuan"):
                d = Decimal(repr(v))
                assert d >= 0 and -d.as_tuple().exponent <= (4 if m == "amount_10k_yuan" else 2)
                assert isinstance(v, int) or v != int(v)  # whole amounts are ints, like the parser's
            elif m == "items_change":
                assert isinstance(v, int)
            else:
                assert isinstance(v, int) and 0 <= v <= MAX_CELL, (item, m, v)


@SETTINGS
@given(rec=records())
def test_agency_and_narrative(rec):
    a = rec["agency"]
    assert a["kind"] in AGENCY_KINDS
    assert re.fullmatch(r"\d{6}", a["admin_code"])
    place = a["county"] or a["city"]
    assert a["name"].startswith(place)
    assert (a["county"] is None) == (a["admin_code"].endswith("00"))
    nar = rec["narrative"]
    received = nar["applications_received"]
    assert received is None or received == rec["applications"]["rows"]["new_received"][6]
    assert rec["status"] == "ok" and rec["repairs"] == [] and rec["problems"] == []


def test_both_formats_and_many_shapes_are_drawn():
    recs = [random_record(random.Random(s)) for s in range(300)]
    assert {r["format_version"] for r in recs} == {2019, 2021}
    assert {r["year"] for r in recs} == set(range(2019, 2026))
    assert {r["agency"]["kind"] for r in recs} == {"government", "government_office", "department"}
    totals = [r["applications"]["rows"]["new_received"][6] for r in recs]
    assert totals.count(0) > 10 and max(totals) >= 1000  # many quiet agencies, a few busy ones


def test_fixed_format_and_inconsistent_records():
    rng = random.Random(1)
    assert all(random_record(rng, fmt=2019)["format_version"] == 2019 for _ in range(10))
    assert all(random_record(rng, 2021)["format_version"] == 2021 for _ in range(10))  # positional too
    broken = [broken_identities(random_record(rng, consistent=False)) for _ in range(20)]
    assert sum(1 for b in broken if b) >= 18


@pytest.mark.parametrize("kind", VIOLATIONS)
def test_violate_breaks_what_it_says(kind):
    for seed in SEEDS:
        rec = random_record(random.Random(seed))
        bad, description = violate(rec, random.Random(seed), kind)
        broken = broken_identities(bad)
        assert broken, description
        assert description.startswith(kind) and description.endswith(", ".join(broken))
        assert broken_identities(rec) == []  # the original is untouched
        if kind.startswith("t4"):
            assert len(broken) == 1 and broken[0].startswith("t4:")
        elif kind == "t3_row_shift":
            assert all(b.endswith(":processed") for b in broken) and len(broken) == 2
        elif kind == "t3_carry_both":
            assert sorted(b.split(":")[1] for b in broken)[-1] == "total" and len(broken) == 2
        else:
            assert any(b.startswith("row:") for b in broken)
        for code, vals in bad["applications"]["rows"].items():
            assert all(v is None or v >= 0 for v in vals), code


# ----------------------------------------------------------------------------- renderer
def test_kangxi_map_folds_back_to_the_original():
    """Each radical form is one the reader's normalisation turns back into the character it replaces."""
    for plain, radical in KANGXI.items():
        assert 0x2E80 <= ord(radical) <= 0x2FDF, plain
        assert normalize_text(radical) == plain, (plain, unicodedata.name(radical))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("fmt", [2019, 2021])
def test_every_layout_prints_every_row_label_and_heading(layout, fmt):
    for seed in range(12):
        rec = random_record(random.Random(seed), fmt)
        text = render_text(rec, layout, law_variant=False)
        flat = _cjk(text)
        for code in APPLICATION_ROWS:
            if fmt in APPLICATION_ROW_FORMATS[code]:
                assert _cjk(APPLICATION_ROW_LABELS[code]) in flat, (layout, seed, code)
        for item, (label, _m) in PROACTIVE_ITEMS[fmt].items():
            assert _cjk(label) in flat, (layout, seed, item)
        for key in (
            "总体情况",
            "主动公开政府信息情况",
            "收到和处理政府信息公开申请情况",
            "行政复议",
            "存在的主要问题",
            "其他需要报告的事项",
            "自然人",
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "结果维持",
            "尚未审结",
            "未经复议直接起诉",
            "复议后起诉",
            "勾稽关系",
        ):
            assert key in flat, (layout, seed, key)
        assert _cjk(rec["agency"]["name"]) in flat
        assert str(rec["year"]) in text


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_number_of_the_tables_is_printed(layout):
    """Table 三 and 四 numbers appear in order (joined or blanked cells excepted)."""
    for seed in SEEDS:
        rec = random_record(random.Random(seed))
        r = render(rec, layout)
        digits = re.findall(r"\d+", normalize_text(r.text))
        wanted = [
            str(v) for code in APPLICATION_ROWS for v in rec["applications"]["rows"][code] if v is not None
        ]
        if not r.blanks and not r.joined and not r.lost:
            it = iter(digits)
            assert all(any(d == w for d in it) for w in wanted), (layout, seed)  # a subsequence


@pytest.mark.parametrize("layout", LAYOUTS)
def test_render_is_deterministic_and_gb18030_safe(layout):
    rec = random_record(random.Random(5))
    assert render_text(rec, layout) == render_text(rec, layout)
    assert render_text(rec, layout, rng=random.Random(1)) == render_text(rec, layout, rng=random.Random(1))
    render_text(rec, layout).encode("gb18030")  # every character has a GB18030 code


def test_layout_signatures():
    """Each layout shows the mess it is named after."""
    for seed in range(20):
        rec = random_record(random.Random(seed))
        assert "\t" in render_text(rec, "tabs")
        assert re.search(r"^\| .* \|$", render_text(rec, "pipes"), re.M)
        assert re.search(r"^\|( --- \|)+$", render_text(rec, "pipes"), re.M)
        assert re.search(r"^#+ [一二三四五六]、", render_text(rec, "markdown"), re.M)
        lines = render_text(rec, "blank_lines").split("\n")
        assert sum(1 for x in lines if not x.strip()) >= len(lines) // 2 - 1
        assert re.search("[\u2e80-\u2fdf]", render_text(rec, "kangxi"))
        assert "\t" not in render_text(rec, "spaces") and "|" not in render_text(rec, "spaces")
    wrapped = [render(random_record(random.Random(s)), "wrapped") for s in range(20)]
    assert all(r.style.label_wrap for r in wrapped)
    assert any("三、本年度办理\n结果" in r.text for r in wrapped)
    assert any("社会公益\n组织" in r.text for r in wrapped)


def test_unknown_layout_or_style_is_an_error():
    rec = random_record(random.Random(0))
    with pytest.raises(ValueError):
        render_text(rec, "nope")
    with pytest.raises(TypeError):
        render_text(rec, "tabs", no_such_option=True)


def test_title_variants_all_name_agency_and_year():
    rec = random_record(random.Random(2))
    name, year = rec["agency"]["name"], rec["year"]
    expect = {
        "plain": f"{name}{year}年政府信息公开工作年度报告",
        "spaced": f"{name} {year} 年政府信息公开工作年度报告",
        "year_first": f"{year}年度{name}政府信息公开工作年度报告",
        "guanyu": f"{name}关于{year}年度政府信息公开工作的年度报告",
        "two_lines": f"{name}\n{year}年度政府信息公开工作年度报告",
    }
    for title, line in expect.items():
        assert line in render_text(rec, "tabs", title=title)
    text = render_text(rec, "spaces", title="plain", title_after_heading=True)
    assert text.lstrip().startswith("一、总体情况\n\n" + expect["plain"])


def test_narrative_numbers_are_stated_in_section_one():
    for seed in SEEDS:
        rec = random_record(random.Random(seed))
        text = render_text(rec, "tabs", cn_numerals=False)
        one = text[text.index("一、总体情况") : text.index("二、主动公开政府信息情况")]
        nar = rec["narrative"]
        if nar["items_published"] is not None:
            assert re.search(
                rf"主动公开政府信息\s?{nar['items_published']}\s?条|政府信息 {nar['items_published']} 条", one
            )
        if nar["applications_received"] is not None:
            assert re.search(rf"申请\s?{nar['applications_received']}\s?件", one)
        else:
            assert not re.search(r"申请\s?\d+\s?件", one)


def test_table2_values_and_variants():
    rec = random_record(random.Random(11), 2019)
    rec["proactive"]["administrative_license"]["items_change"] = 12
    rec["proactive"]["government_procurement"]["amount_yuan"] = 34567800
    text = render_text(rec, "spaces", plus_sign=True, procurement_unit="wan")
    assert re.search(r"^行政许可 \d+ \+12 \d+$", text, re.M)
    assert "政府集中采购" in text and " 3456.78万元" in text
    rec = random_record(random.Random(11), 2021)
    rec["proactive"]["administrative_fee"]["amount_10k_yuan"] = 1510
    text = render_text(rec, "spaces", fee_note=True, fee_four_places=True, fee_in_yuan=False)
    assert "本年收费金额（单位：万元，保留4位小数）" in text and "行政事业性收费 1510.0000" in text
    text = render_text(rec, "spaces", fee_in_yuan=True)
    assert "行政事业性收费 15100000元" in text


def test_label_variants_seen_in_the_wild():
    rec = random_record(random.Random(4), 2021)
    text = render_text(
        rec,
        "spaces",
        ascii_quotes=True,
        comma_for_dunhao=True,
        halfwidth_brackets=True,
        spaced_prefix=True,
        law_variant=True,
        label_wrap=None,
    )
    for s in ('3. 危及"三安全一稳定"', "逾期不补正，行政机关", "(一) 予以公开", "2. 其他法律法规禁止公开"):
        assert s in text, s


# ----------------------------------------------------------------------------- damage with a unique truth
def _tab_row(text: str, label: str) -> list[str]:
    line = next(x for x in text.split("\n") if label in x)
    return line.split("\t")


def test_dropped_zero_blanks_only_forced_zeros():
    seen = 0
    for seed in range(60):
        rec = random_record(random.Random(seed))
        r = render(rec, "dropped_zero")
        seen += bool(r.blanks)
        for where in r.blanks:
            part, key, col = where.split(".")
            if part == "applications":
                c = APPLICANT_COLUMNS.index(col)
                assert rec["applications"]["rows"][key][c] == 0, where
            else:
                assert rec["review_litigation"][key][rec["review_litigation"]["columns"].index(col)] == 0
        # the blank cells are really empty in the printed row, the rest print their value
        for code in ("new_received", "carried_forward"):
            cells = [c for c in _tab_row(r.text, APPLICATION_ROW_LABELS[code])[1:] if c != ""]
            blanks = sum(1 for w in r.blanks if w.startswith(f"applications.{code}."))
            assert len(cells) == 7 - blanks, (seed, code)
    assert seen >= 40


def test_dropped_zero_needs_consistent_cells():
    """A violated identity is never used to justify a blank: its cells always print."""
    for seed in range(30):
        bad, _ = violate(random_record(random.Random(seed)), random.Random(seed), "t3_total_cell")
        r = render(bad, "dropped_zero")
        broken_rows = {b.split(":")[1] for b in broken_identities(bad) if b.startswith("row:")}
        assert not any(w.split(".")[1] in broken_rows for w in r.blanks), seed


def test_concatenated_runs_two_single_digits_together_once():
    seen = 0
    for seed in range(60):
        rec = random_record(random.Random(seed))
        r = render(rec, "concatenated")
        assert len(r.joined) <= 1
        if not r.joined:
            continue
        seen += 1
        _, code, pair = r.joined[0].split(".")
        a, b = (APPLICANT_COLUMNS.index(c) for c in pair.split("+"))
        vals = rec["applications"]["rows"][code]
        assert b == a + 1 and 1 <= vals[a] <= 9 and 0 <= vals[b] <= 9
        label = _printed_label(code, rec["format_version"])
        line = next(
            x for x in r.text.split("\n") if _cjk(x).endswith(_cjk(label)) and re.search(r"\d+ \d+", x)
        )
        tokens = re.findall(r"(?<![.\d])\d+(?![.\d])", line)
        assert len(tokens) == 6 and f"{vals[a]}{vals[b]}" in tokens, line
    assert seen >= 20


def test_lost_column_drops_one_all_zero_column_from_every_affected_row():
    seen = 0
    for seed in range(60):
        rec = random_record(random.Random(seed))
        r = render(rec, "lost_column", law_variant=False)
        if not r.lost:
            continue
        seen += 1
        cols = {w.split(".")[2] for w in r.lost}
        assert len(cols) == 1
        c = APPLICANT_COLUMNS.index(cols.pop())
        assert all(
            rec["applications"]["rows"][code][c] == 0
            for code in APPLICATION_ROWS
            if code in {w.split(".")[1] for w in r.lost}
        )
        for where in r.lost:
            code = where.split(".")[1]
            line = next(
                x
                for x in r.text.split("\n")
                if _cjk(x).endswith(_cjk(_printed_label(code, rec["format_version"])))
                and re.search(r"\t\d", x)
            )
            cells = line.split("\t")
            label_at = max(i for i, x in enumerate(cells) if re.search("[\u4e00-\u9fff]", x))
            numbers = [x for x in cells[label_at + 1 :] if x != ""]
            assert len(numbers) == 6, (seed, line)
    assert seen >= 30


# ----------------------------------------------------------------------------- damage operators
def test_text_damage_operators_on_known_inputs():
    """Each operator of synth/damage.py does exactly the mess its docstring names."""
    from pipeline.synth import damage

    assert damage.wrap_label("1.本机关不掌握相关政府信息", 5) == ["1.本机关", "不掌握相关", "政府信息"]
    assert damage.wrap_label("1.属于国家秘密X", 4) == ["1.属于", "国家秘密X"]  # no piece shorter than 2
    assert damage.split_head("三、本年度办理结果") == ["三、本年度办理", "结果"]
    assert damage.split_head("总计") == ["总计"]
    assert damage.narrow_cell("结果维持") == "结果 维持" and damage.narrow_cell("总计") == "总计"
    # a run of digits is never cut: '12345' moves whole to the next line
    assert damage.wrap_prose("共收到申请12345件，全部办结。", 8) == ["共收到申请", "12345件，全", "部办结。"]
    assert damage.run_together(["4", "5", "0"], 0) == ["45", "0"]
    assert damage.double_numeral("二、上年结转", random.Random(0), 1.0) == "二二、上年结转"
    assert damage.double_numeral("（一）予以公开", random.Random(0), 1.0) == "（一）予以公开"
    assert damage.fee_in_yuan("0.151") == "1510元" and damage.in_wan("34567800") == "3456.78"
    assert damage.join_cells(["3", "0", "12"], random.Random(0), "run") == "3012"
    assert damage.join_cells(["3", "0", "12"], random.Random(0), "spaced") == "3 0 12"
    assert damage.misread("泗县人民政府", random.Random(0), {"泗": "洒"}) == "洒县人民政府"
    assert damage.misread("人民政府", random.Random(0), {"泗": "洒"}) == "人民政府"
    assert damage.ocr_digits("10", random.Random(0)) in {"1O", "1〇", "l0", "１０"}
    for seed in range(20):
        rng = random.Random(seed)
        lost = damage.lose_cell(["1", "0", "2"], 1, rng)
        assert lost in (["", "1", "2"], ["1", "2", ""])
        pieces = damage.shred("三、本年度办理结果", 3, rng)
        assert "".join(pieces) == "三、本年度办理结果" and len(pieces) == 3 and all(pieces)
        money = damage.pad_money(1.5, rng)
        assert Decimal(money) == Decimal("1.5") and money.startswith("1.5")
        assert damage.half_brackets("（一）予以（公开）", rng) in ("(一）予以（公开）", "(一)予以(公开)")
    assert damage.thousands(1575) == "1,575" and damage.windows_lines("a\nb\n") == "a\r\nb\r\n"
    labels = {"a": ["H", "", "1.x"], "b": ["", "", "2.y"], "c": ["", "", "3.z"]}
    assert damage.swap_rows(["a", "b", "c"], labels, 0) == ["b", "a", "c"]
    assert labels["b"] == ["H", "", "2.y"] and labels["a"] == ["", "", "1.x"]  # the head stays on top
    rows = damage.split_row(["三、", "（三）"], "1.属于国家秘密的信息", ["1", "2"], random.Random(1), width=2)
    assert [r[2] for r in rows] == ["1.属于国家秘密的信息"[: len(rows[0][2])], rows[1][2]]
    assert "".join(r[2] for r in rows) == "1.属于国家秘密的信息" and len(rows[0][2]) >= 4
    assert sorted([rows[0][3:], rows[1][3:]]) == [["", ""], ["1", "2"]]
    lines = damage.radicals(["一二人民"], random.Random(0), 1.0)
    assert lines == ["\u2f00\u2f06\u2f08\u2ea0"]
    assert [unicodedata.normalize("NFKC", ch) for ch in lines[0][:3]] == ["一", "二", "人"]
    spaced = damage.blank_lines(["a", "b"], random.Random(0))
    assert [x for x in spaced if x] == ["a", "b"] and spaced[1] == ""


def test_solve_fills_one_cell_through_a_registry_equation():
    """``damage.solve`` gives a blank the value the row identity (总计 = six columns) forces."""
    from pipeline.synth import damage

    rec = random_record(random.Random(3), 2021)
    values = damage.cell_values(rec)
    row = next(
        eq
        for eq in damage.equations(rec)
        if {x[0] for x in eq[0] + eq[1]} == {"granted"} and len(eq[0] + eq[1]) == 7
    )
    for c in range(7):
        known = {x: v for x, v in values.items() if x != ("granted", c)}
        assert damage.solve(row, ("granted", c), known) == values[("granted", c)]


# ----------------------------------------------------------------------------- the shared layout model
def test_text_backend_prints_the_layout_models_words():
    """The text layouts print table 三/四 heads as the shared layout model has them (from the form)."""
    from pipeline.form import editions as form
    from pipeline.synth import layout

    rec = random_record(random.Random(5), 2021)
    head = layout.table3(rec, layout.Variant()).header()
    assert head[0][0] == form.CHECK_NOTE and head[0][3] == form.APPLICANT_HEAD
    assert [w for w in head[2] if w] == [c.label for c in form.APPLICANT_COLUMNS if c.legal_person]
    grid = render_text(rec, "tabs", t3_grid=True, trailing_cell=False, lost_lead=None).split("\n")
    assert "\t".join(head[1]) in grid and "\t".join(head[2]) in grid
    t4 = layout.table4(rec, layout.Variant()).header()
    text = render_text(rec, "spaces", t4_header="compact", t4_spaced_labels=False)
    assert " ".join(w for w in t4[2] if w) in text.split("\n")
    assert layout.result_codes(2021)[0] == "granted" and layout.result_codes(2021)[-1] == "total_processed"
    assert layout.one_row_group(2019, "other_other") == "（六）其他处理"
    assert layout.one_row_group(2021, "other_other") is None


def test_table2_article_blocks_cover_every_item_once():
    from pipeline.synth import layout

    for fmt in (2019, 2021):
        rec = random_record(random.Random(fmt), fmt)
        blocks = layout.articles(layout.table2(rec, layout.Variant()))
        items = [code for _, _, rows in blocks for code, _ in rows]
        assert items == [code for code in PROACTIVE_ITEMS[fmt]]
        for article, heads, rows in blocks:
            assert article.startswith("第二十条第") and heads[0] == "信息内容"
            assert all(len(row) == len(heads) for _, row in rows)
