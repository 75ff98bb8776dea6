"""A real report (seed 003) damaged in the ways extraction damages reports still parses to its golden.

Each case applies one kind of mess seen in the wild to the seed's text; the expected values are the
seed's hand-read golden record, so these are real values, not "it ran".
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.report import parse_bytes

FIX = Path(__file__).parent / "fixtures"
SRC = (FIX / "seeds" / "003_ce55108b2c7e5886.txt").read_text(encoding="utf-8")
GOLD = json.loads((FIX / "golden" / "003_ce55108b2c7e5886.json").read_text(encoding="utf-8"))
ROW = "1.本机关不掌握相关政府信息 26 0 0 0 2 0 28"
TITLE = "周⼝市⼈⺠政府办公室2021年政府信息公开⼯作年度报告"


def _add_subtotal(text: str) -> str:
    out = []
    for line in text.split("\n"):
        m = re.match(r"^(.*?[^\d ])\s((?:\d+ ){6}\d+)$", line)
        if m:
            v = [int(x) for x in m.group(2).split()]
            line = m.group(1) + " " + " ".join(map(str, [v[0], sum(v[1:6]), *v[1:]]))
        out.append(line)
    return "\n".join(out)


def _labels_first(text: str) -> str:
    out, nums, inside = [], [], False
    for line in text.split("\n"):
        if "本年新收" in line:
            inside = True
        if inside and "复议" in line:
            out.append(" ".join(nums))
            inside = False
        if inside:
            m = re.match(r"^(.*?)((?:\s\d+){7})$", line)
            if m:
                out.append(m.group(1))
                nums.extend(m.group(2).split())
                continue
            if re.fullmatch(r"(\d+ ){6}\d+", line.strip()):
                nums.extend(line.split())
                continue
        out.append(line)
    return "\n".join(out)


CASES = {
    "one_number_per_line": lambda t: re.sub(r"(?<=\d) (?=\d)", "\n", t),
    "label_glued_to_numbers": lambda t: re.sub(r"(?<=[\u4e00-\u9fff]) (?=\d)", "", t),
    "mangled_label": lambda t: t.replace("4.保护第三⽅合法权益", "4.保护第叁方合法权"),
    "dropped_label": lambda t: t.replace("4.保护第三⽅合法权益", "4."),
    "lost_row": lambda t: t.replace("5.属于三类内部事务信息 0 0 0 0 0 0 0\n", ""),
    "title_year_first": lambda t: t.replace(TITLE, "2021年周口市人民政府办公室政府信息公开工作年度报告"),
    "table4_wrapped": lambda t: t.replace(" ".join(["0"] * 15), "0 0 0 0 0\n0 0 0 0 0\n0 0 0 0 0"),
    "page_footer_inside_table": lambda t: t.replace("3.危及", "- 3 -\n3.危及"),
    "fullwidth_digits": lambda t: t.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "number_split_by_space": lambda t: t.replace(ROW, "1.本机关不掌握相关政府信息 2 6 0 0 0 2 0 28"),
    "cells_run_together": lambda t: t.replace(ROW, "1.本机关不掌握相关政府信息 2600020 28"),
    "t2_label_char_dropped": lambda t: t.replace("⾏政许可 0", "⾏政许 0"),
    "subtotal_column": _add_subtotal,
    "labels_first_numbers_after": _labels_first,
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_mess_parses_to_golden(case):
    text = CASES[case](SRC)
    assert text != SRC
    rec = parse_bytes(text.encode("utf-8"), f"{case}.txt")
    assert rec["applications"]["rows"] == GOLD["applications"]["rows"]
    for group in ("review", "litigation_direct", "litigation_after_review"):
        assert rec["review_litigation"][group] == GOLD["review_litigation"][group]
    for item, measures in GOLD["proactive"].items():
        assert rec["proactive"][item] == measures, item
    assert (rec["agency"]["name"], rec["year"], rec["format_version"]) == ("周口市人民政府办公室", 2021, 2021)


def test_gbk_bytes():
    rec = parse_bytes(SRC.encode("gb18030"), "gbk.txt")
    assert rec["source"]["encoding"] == "gb18030"
    assert rec["applications"]["rows"] == GOLD["applications"]["rows"]


def test_no_separators_at_all_reads_table3_and_leaves_ambiguous_table2_null():
    rec = parse_bytes(re.sub(r"(?<=\d) (?=\d)", "", SRC).encode(), "nosep.txt")
    assert rec["applications"]["rows"] == GOLD["applications"]["rows"]
    # '12 18 271' run together as '1218271' has many readings and no identity to choose: null
    assert rec["proactive"]["normative_document"]["issued"] is None
    assert rec["status"] == "partial"


def test_a_source_error_is_kept_not_fixed():
    rec = parse_bytes(
        SRC.replace("（七）总计 47 0 5 1 6 0 59", "（七）总计 47 0 5 1 6 0 60").encode(), "v.txt"
    )
    assert rec["applications"]["rows"]["total_processed"] == [47, 0, 5, 1, 6, 0, 60]


def test_signature_gives_the_agency_when_the_title_is_missing():
    rec = parse_bytes((SRC.replace(TITLE, "") + "\n周口市人民政府办公室\n2022年1月20日\n").encode(), "s.txt")
    assert rec["agency"]["name"] == "周口市人民政府办公室"
    assert rec["year"] == 2021


def test_utf16_without_bom_and_with_bom():
    for enc in ("utf-16-le", "utf-16"):
        rec = parse_bytes(SRC.encode(enc), f"{enc}.txt")
        assert rec["applications"]["rows"] == GOLD["applications"]["rows"], enc
