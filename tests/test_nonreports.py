"""Files that are not (new-format) annual reports get a status and a clear problem, never a traceback."""

from __future__ import annotations

import random

import pytest

from pipeline.report import parse_bytes

NEWS = (
    "新华社北京11月24日电 国务院常务会议今天召开，部署进一步做好稳就业工作。会议指出，今年以来各地区"
    "各部门认真贯彻落实党中央决策部署，全国城镇新增就业1100万人。"
)
LEGACY_2012 = """某某县人民政府2012年政府信息公开工作年度报告
一、概述
2012年，我县主动公开政府信息1234条。
二、主动公开政府信息情况
三、依申请公开政府信息情况
共收到申请12件。
四、政府信息公开的收费及减免情况
五、因政府信息公开申请提起行政复议、行政诉讼的情况
"""


@pytest.mark.parametrize(
    ("name", "data", "status", "needle"),
    [
        ("empty", b"", "not_a_report", "no text"),
        ("whitespace", b"   \n\n \t\n", "not_a_report", "no text"),
        ("news", NEWS.encode("utf-8"), "not_a_report", "not an OGI annual report"),
        ("junk", random.Random(1).randbytes(5000), "failed", "binary"),
        ("junk_no_nul", bytes(b or 1 for b in random.Random(2).randbytes(5000)), "failed", "binary"),
        ("legacy", LEGACY_2012.encode("gbk"), "legacy_format", "2012"),
    ],
)
def test_status_and_problem(name, data, status, needle):
    rec = parse_bytes(data, f"{name}.txt")
    assert rec["status"] == status
    assert any(needle in p for p in rec["problems"]), rec["problems"]
    assert rec["source"]["bytes"] == len(data)


def test_a_report_without_tables_is_partial_not_ok():
    text = "某某局2022年政府信息公开工作年度报告\n一、总体情况\n2022年，我局主动公开政府信息12条。\n"
    rec = parse_bytes(text.encode(), "t.txt")
    assert rec["status"] == "partial"
    assert rec["year"] == 2022
    assert rec["agency"]["name"] == "某某局"
    assert rec["narrative"]["items_published"] == 12
