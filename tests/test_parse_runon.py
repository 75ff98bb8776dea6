"""Run-together text, converter markdown and OCR text: segmentation, digit cuts, honest status."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.document import Line
from pipeline.extract.text import lines_from_text
from pipeline.parse.readings import sum_splits
from pipeline.parse.segment import segment_lines
from pipeline.parse.tokens import tokenize_line
from pipeline.report import parse_bytes

T3_2021 = [
    ("一、本年新收政府信息公开申请数量", "new_received"),
    ("二、上年结转政府信息公开申请数量", "carried_over"),
    ("三、本年度办理结果（一）予以公开", "granted"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_granted"),
    ("（三）不予公开1.属于国家秘密", "denied_state_secret"),
    ("2.其他法律行政法规禁止公开", "denied_law_prohibited"),
    ("3.危及“三安全一稳定”", "denied_three_safeties"),
    ("4.保护第三方合法权益", "denied_third_party"),
    ("5.属于三类内部事务信息", "denied_internal_affairs"),
    ("6.属于四类过程性信息", "denied_process_info"),
    ("7.属于行政执法案卷", "denied_enforcement_file"),
    ("8.属于行政查询事项", "denied_admin_query"),
    ("（四）无法提供1.本机关不掌握相关政府信息", "unable_not_held"),
    ("2.没有现成信息需要另行制作", "unable_needs_creation"),
    ("3.补正后申请内容仍不明确", "unable_unclear"),
    ("（五）不予处理1.信访举报投诉类申请", "rejected_petition"),
    ("2.重复申请", "rejected_repeat"),
    ("3.要求提供公开出版物", "rejected_publication"),
    ("4.无正当理由大量反复申请", "rejected_mass_repeat"),
    ("5.要求行政机关确认或重新出具已获取信息", "rejected_confirm"),
    ("（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_no_fee"),
    ("3.其他", "other_other"),
    ("（七）总计", "total_processed"),
    ("四、结转下年度继续办理", "carried_forward"),
]
DISPOSITIONS = [code for _label, code in T3_2021[2:23]]


def _rows(granted: list[int], not_held: list[int], forward: list[int]) -> dict[str, list[int]]:
    """A consistent table 三: applications granted or not held, some carried forward."""
    rows = {code: [0] * 7 for _l, code in T3_2021}
    for c in range(6):
        rows["granted"][c] = granted[c]
        rows["unable_not_held"][c] = not_held[c]
        rows["total_processed"][c] = granted[c] + not_held[c]
        rows["carried_forward"][c] = forward[c]
        rows["new_received"][c] = granted[c] + not_held[c] + forward[c]
    for vals in rows.values():
        vals[6] = sum(vals[:6])
    return rows


def _runon(rows: dict[str, list[int]], t4: list[int]) -> bytes:
    """The report as a crawler flattens it: metadata header, then the body on one line."""
    t3 = "".join(label + "".join(map(str, rows[code])) for label, code in T3_2021)
    body = (
        "一、总体情况 2023年，本局认真落实《福建省2023年政务公开工作要点》。 二、主动公开政府信息情况 "
        "第二十条第（一）项 信息内容 本年制发件数 本年废止件数 现行有效件数 规章000行政规范性文件 1 0 12 "
        "第二十条第（五）项信息内容本年处理决定数量行政许可35第二十条第（六）项信息内容本年处理决定数量行政处罚7行政强制0"
        "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费0.000000 "
        "三、收到和处理政府信息公开申请情况 （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） "
        "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他" + t3 + " "
        "四、政府信息公开行政复议、行政诉讼情况 行政复议 行政诉讼 结果维持结果纠正其他结果尚未审结总计 "
        "未经复议直接起诉 复议后起诉 结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计 "
        + "".join(map(str, t4))
        + " 五、存在的主要问题及改进情况 无。 六、其他需要报告的事项 无。 福州市仓山区财政局 2024年1月20日"
    )
    head = (
        "首页 > 政务公开 > 政府信息公开年报\n标题: 福州市仓山区财政局2023年政府信息公开工作年度报告\n"
        "发布时间: 2024-01-20 10:00\n发布机构: 福州市仓山区财政局\n原文链接: https://example.gov.cn/a.htm\n"
    )
    return (head + body + "\n附件下载 打印本页\n").encode()


def test_sum_splits_is_lazy_and_exact():
    assert sum_splits("8100009", 7, 7) == [(8, 1, 0, 0, 0, 0, 9)]
    assert sum_splits("12300000123", 7, 7) == [(123, 0, 0, 0, 0, 0, 123)]
    assert sum_splits("1230000123", 7, 7) == []  # no cut adds up: nothing is guessed
    assert sum_splits("000001000100000", 15, 5) == [(0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0)]
    # several cuts add up: all are returned, the table reader then nulls what they dispute
    assert sorted(sum_splits("101000011", 7, 7)) == [(1, 0, 10, 0, 0, 0, 11), (10, 1, 0, 0, 0, 0, 11)]


def test_segment_cuts_enumerators_glued_to_digits():
    text = (
        "（三）不予公开 1.属于国家秘密 00000002.其他法律行政法规禁止公开00000003.危及“三安全一稳定”1000001"
        * 2
    )
    lines = segment_lines([Line(text=text, lineno=1, raw=text)])
    assert [x.text for x in lines[:4]] == [
        "（三）不予公开",
        "1.属于国家秘密 0000000",
        "2.其他法律行政法规禁止公开0000000",
        "3.危及“三安全一稳定”1000001",
    ]


def test_short_lines_are_left_alone():
    line = Line(text="一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1", lineno=1, raw="")
    assert segment_lines([line]) == [line]


def test_signed_and_unit_runs_tokenize():
    (line,) = lines_from_text("其他对外管理服务事项0+50")
    toks = tokenize_line(line)
    assert [(t.kind, t.text) for t in toks] == [
        ("text", "其他对外管理服务事项"),
        ("num", "0"),
        ("num", "+50"),
    ]


def test_placeholder_headers_and_ocr_digits():
    (head,) = lines_from_text("| 类别 | 列1 | 数据2 | Column3 | 合计 |")
    assert all(t.kind == "text" for t in tokenize_line(head))
    (row,) = lines_from_text("（一）予以公开 1O O 0 0 0 l 12")
    assert [t.value for t in tokenize_line(row) if t.kind == "num"] == [10, 0, 0, 0, 0, 1, 12]


def test_runon_report_reads_every_cell():
    rows = _rows([12, 3, 0, 0, 1, 0], [4, 0, 0, 0, 0, 2], [1, 0, 0, 0, 0, 0])
    t4 = [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1]
    rec = parse_bytes(_runon(rows, t4), "crawl.txt")
    assert rec["status"] == "ok", rec["problems"]
    assert rec["applications"]["rows"] == rows | {}
    assert rec["review_litigation"]["review"] == [1, 0, 0, 0, 1]
    assert rec["review_litigation"]["litigation_after_review"] == [0, 1, 0, 0, 1]
    assert rec["proactive"]["normative_document"] == {"issued": 1, "repealed": 0, "in_force": 12}
    assert rec["proactive"]["administrative_license"] == {"decisions": 35}
    assert rec["proactive"]["administrative_fee"] == {"amount_10k_yuan": 0}
    assert rec["agency"]["name"] == "福州市仓山区财政局" and rec["agency"]["province"] == "福建省"
    assert rec["year"] == 2023


@settings(max_examples=60, deadline=None)
@given(
    granted=st.lists(st.integers(0, 3000), min_size=6, max_size=6),
    not_held=st.lists(st.integers(0, 400), min_size=6, max_size=6),
    forward=st.lists(st.integers(0, 30), min_size=6, max_size=6),
)
def test_runon_never_reports_a_wrong_value(granted, not_held, forward):
    """Large numbers run together: every cell is right, or null with a problem — never wrong."""
    rows = _rows(granted, not_held, forward)
    rec = parse_bytes(_runon(rows, [0] * 15), "crawl.txt")
    got = rec["applications"]["rows"]
    wrong = [
        (code, c)
        for code in rows
        for c in range(7)
        if got[code][c] is not None and got[code][c] != rows[code][c]
    ]
    assert not wrong, wrong
    if any(v is None for code in rows for v in got[code]):
        assert rec["status"] == "partial" and rec["problems"][0].startswith("cells read:")


def test_a_notice_is_not_a_report():
    text = "关于做好2021年政府信息公开工作年度报告编制发布工作的通知\n各县（市、区）人民政府：\n请于2022年1月31日前发布。\n"
    rec = parse_bytes(text.encode(), "notice.txt")
    assert rec["status"] == "not_a_report"
    assert "letter or notice" in rec["problems"][0]


def test_agency_and_year_from_the_file_name_when_the_text_lost_its_title():
    text = (
        "一、总体情况\n本机关认真贯彻。\n三、收到和处理政府信息公开申请情况\n"
        "一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1\n二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0\n"
    )
    rec = parse_bytes(text.encode(), "crawl/泗县财政局2023年政府信息公开工作年度报告.txt")
    assert rec["agency"]["name"] == "泗县财政局" and rec["agency"]["province"] == "安徽省"
    assert rec["year"] == 2023
    # a table 三 that never reached its （六） rows takes the format of its year
    assert rec["format_version"] == 2021
    assert any("file name" in p for p in rec["problems"])


def test_a_text_that_ends_after_table_four_is_partial():
    rows = _rows([2, 0, 0, 0, 0, 0], [0] * 6, [0] * 6)
    full = _runon(rows, [0] * 15).decode()
    cut = full[: full.index("五、存在的主要问题")]
    assert parse_bytes(full.encode(), "full.txt")["status"] == "ok"
    rec = parse_bytes(cut.encode(), "cut.txt")
    assert rec["status"] == "partial"
    assert any("truncated" in p for p in rec["problems"])
    assert rec["applications"]["rows"] == rows


def test_an_office_lock_file_is_named_as_such():
    rec = parse_bytes(b"\x0bAuthor  " * 10, "batch/~$年度报告.docx")
    assert rec["status"] == "failed" and "lock file" in rec["problems"][0]
