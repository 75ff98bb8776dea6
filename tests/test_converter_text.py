"""Text that real converters and crawlers make of a report's tables: empty cells kept as ideographic
spaces, box-drawn tables (w3m), fixed-width layouts whose empty cells leave only space (pandoc
plain, lynx, pdftotext -layout)."""

from __future__ import annotations

import unicodedata

from pipeline import form
from pipeline.extract.text import _empty_cells, read_text
from pipeline.parse import parse_document
from pipeline.parse.columns import place, spans

W = "\u3000"


def _pad(s: str, width: int) -> str:
    """Left-align ``s`` in ``width`` display columns (CJK two wide), as pandoc pads a cell."""
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
    return s + " " * (width - w)


def test_ideographic_spaces_between_numbers_are_empty_cells() -> None:
    assert _empty_cells(f"一、本年新收   11  {W}  {W}  11") == "一、本年新收   11  —  —  11"
    assert _empty_cells(f"{W} {W} {W}") == "— — —"  # a line of nothing but empty cells
    assert _empty_cells(f"{W}{W}正文 3 件") == f"{W}{W}正文 3 件"  # paragraph indentation
    assert _empty_cells(f"说明 {W} 见下") == f"说明 {W} 见下"  # prose


def test_box_drawn_tables_read_as_cells() -> None:
    text = "┌────┬────┐\n│ 一、本年新收 │  11  │ 　 │\n├────┼────┤\n"
    (line,) = read_text(text.encode(), "txt").lines
    assert line.cells == ["一、本年新收", "11", ""]


def test_placing_numbers_by_their_display_column() -> None:
    heads = [(10.0 * k, 10.0 * k + 6) for k in range(1, 8)]  # six wide, left edges 10, 20, …
    assert place(heads, [(10, 11, "3"), (70, 72, "13")]) == [0, 6]  # left-aligned
    assert place(heads, [(14, 16, "13")]) == [0]  # right-aligned
    assert place(heads, [(17, 18, "3")]) is None  # between two columns
    assert [(a, b) for a, b, _w in spans("自然人 12")] == [(0, 6), (7, 9)]  # CJK two wide


# the form's own heads and labels (pipeline.form), as a converter prints them
HEADS = [c.label for c in form.APPLICANT_COLUMNS]
ROWS_2021 = [(form.ROW[code].label, code) for code in form.edition_rows(2021)]


def test_fixed_width_table_with_empty_cells_reads_by_column() -> None:
    """pandoc -t plain of a page whose empty cells hold nothing: a row prints '2 … 2', and only
    the layout says the 2 is a legal-service organisation's, not a natural person's."""
    col = 14
    values = {code: [None] * 7 for _l, code in ROWS_2021}
    for code in ("new_received", "granted", "total_processed"):
        values[code] = [None, None, None, None, 2, None, 2]
    lines = ["某县司法局2023年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况"]
    lines.append(_pad("", 90) + "".join(_pad(h, col) for h in HEADS))
    for label, code in ROWS_2021:
        cells = "".join(_pad("" if v is None else str(v), col) for v in values[code])
        lines.append(_pad(label, 90) + cells.rstrip())
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况"]
    doc = read_text("\n".join(lines).encode(), "txt")
    rec = parse_document(doc, "a.txt")
    rows = rec["applications"]["rows"]
    assert rows["new_received"][4] == 2 and rows["new_received"][6] == 2
    assert rows["granted"][4] == 2 and rows["total_processed"][4] == 2
    assert all(rows["new_received"][k] in (None, 0) for k in (0, 1, 2, 3, 5))


def test_rows_printed_short_without_places_keep_natural_persons_and_total() -> None:
    """Copy-paste text of a page with empty cells: '11 11' is most likely 自然人 and 总计, a lone
    '0' the total (then every cell is 0). The fills are named in repairs."""
    values = {code: "0" for _l, code in ROWS_2021}
    for code, v in (("new_received", "11 11"), ("granted", "9 9"), ("unable_not_held", "2 2")):
        values[code] = v
    values["total_processed"] = "11 11"
    body = " ".join(f"{label} {values[code]}" for label, code in ROWS_2021)
    text = (
        "某县司法局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况 "
        f"{' '.join(HEADS)} {body}\n四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n"
    )
    rec = parse_document(read_text(text.encode(), "txt"), "a.txt")
    rows = rec["applications"]["rows"]
    assert rows["new_received"] == [11, 0, 0, 0, 0, 0, 11]
    assert rows["unable_not_held"] == [2, 0, 0, 0, 0, 0, 2]
    assert rows["denied_state_secret"] == [0] * 7
    named = {r["where"] for r in rec["repairs"]}
    assert "applications.new_received.commercial_enterprise" in named
    assert "applications.denied_state_secret.natural_person" in named


def test_converter_markdown_cells() -> None:
    """markitdown merges two columns into one cell ('390 4'); pymupdf4llm breaks a cell's two
    values with <br> and cuts a label over cells; html2text drops the outer pipes."""
    from pipeline.parse.tokens import tokenize_line

    (line,) = read_text(b"| x | 390 4 | 412<br>0 |\n|---|---|---|\n", "md").lines
    assert [t.value for t in tokenize_line(line) if t.kind == "num"] == [390, 4, 412, 0]
    (row,) = read_text("政府集中采购| 38| 3261335\n".encode(), "md").lines
    assert row.cells == ["政府集中采购", "38", "3261335"]
    assert read_text("申请<br>数量 | 1 |\n".encode(), "md").lines[0].cells == ["申请数量", "1"]


def test_a_label_cut_over_cells_still_names_its_row() -> None:
    lines = ["某县司法局2023年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况"]
    lines.append("|" + "|".join(HEADS) + "|")
    lines.append("|---|---|")
    for label, code in ROWS_2021:
        cut = [label[:3], label[3:6], label[6:]] if code in ("new_received", "carried_over") else [label]
        vals = "1|0|0|0|0|0|1" if code in ("new_received", "granted", "total_processed") else "0|0|0|0|0|0|0"
        lines.append("|" + "|".join(cut) + "|" + vals + "|")
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况"]
    rec = parse_document(read_text("\n".join(lines).encode(), "md"), "a.md")
    assert rec["applications"]["rows"]["new_received"] == [1, 0, 0, 0, 0, 0, 1]
    assert rec["applications"]["rows"]["carried_over"] == [0] * 7


def test_table2_item_with_heads_after_its_label_and_a_label_cut_over_lines() -> None:
    """pdftotext without -layout prints a block's heads after its item; bs4 cuts '行政规|范性文件'."""
    from pipeline.parse.table2 import read_table2

    text = (
        "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\n本年制发件数\n本年废止件数\n现行有效件数\n"
        "规章\n0\n0\n3\n行政规\n范性文件\n21\n0\n114\n第二十条第（八）项\n行政事业性收费\n"
        "信息内容\n本年收费金额（单位：万元）\n1.5\n"
    )
    t2 = read_table2(read_text(text.encode(), "txt").lines, 2021)
    assert t2.items["normative_document"] == {"issued": 21, "repealed": 0, "in_force": 114}
    assert t2.items["administrative_fee"] == {"amount_10k_yuan": 1.5}


def test_a_run_together_row_whose_empty_cells_printed_nothing() -> None:
    """get_text() with no separator: '30111134' is 30|1|_|1|1|1|34 up to where the empty cell was."""
    from pipeline.extract.document import Line
    from pipeline.parse.readings import readings
    from pipeline.parse.tokens import tokenize_line

    toks = [t for t in tokenize_line(Line("30111134", 1, "30111134")) if t.kind == "num"]
    rs = readings(toks, 7, max_missing=6, group=7)
    assert {tuple(v for v in r.values if v is not None) for r in rs} == {(30, 1, 1, 1, 1, 34)}
    assert {r.gaps for r in rs} == {(p,) for p in range(6)}
    # '55': one applicant column and the total (a lone total of 55 would leave its six cells blank)
    toks = [t for t in tokenize_line(Line("55", 1, "55")) if t.kind == "num"]
    assert {
        tuple(v for v in r.values if v is not None) for r in readings(toks, 7, max_missing=6, group=7)
    } == {(5, 5)}


def test_table2_cells_under_their_heads_in_a_wider_grid() -> None:
    """LibreOffice draws table 二's stacked blocks as one ruled table: a block's row carries
    spacer cells, and each measure is the cell under its head."""
    from pipeline.extract.document import Line
    from pipeline.parse.table2 import read_table2

    rows = [
        ["第二十条第(五)项", "", "", "", "", "", ""],
        ["信息内容", "", "上一年项目数量", "", "本年增/减", "", "处理决定数量"],
        ["其他对外管理服务事项", "", "50", "", "0", "", "2605"],
    ]
    lines = [Line("\t".join(r), n, "\t".join(r), cells=r) for n, r in enumerate(rows, 1)]
    t2 = read_table2(lines, 2019)
    assert t2.items["other_external_service"] == {"items_last_year": 50, "items_change": 0, "decisions": 2605}


def test_ocr_first_row_read_badly_is_still_the_first_row() -> None:
    """tesseract: '一、本征新收玫府信息公开中请 6 0 0 0 0 0 6', a 1 read as 工."""
    from pipeline.parse.table3 import find_start, read_table3

    text = (
        "三、收到和处理政府信息公开申请情况\n一、本征新收玫府信息公开中请 6 0 0 0 0 0 6\n"
        "二、开征结轩下府信息公居中请 0 0 0 0 0 0 0\n（一）予以公开 1 0 0 0 0 0 工\n"
    )
    lines = read_text(text.encode(), "txt").lines
    t3 = read_table3(lines, find_start(lines))
    assert t3.rows["new_received"] == [6, 0, 0, 0, 0, 0, 6]
    assert t3.rows["carried_over"] == [0] * 7
    assert t3.rows["granted"] == [1, 0, 0, 0, 0, 0, 1]


def test_table2_head_written_twice_for_a_merged_cell() -> None:
    """python-docx writes a merged cell once per grid column it spans, heads and values alike."""
    from pipeline.extract.document import Line
    from pipeline.parse.table2 import read_table2

    rows = [
        ["信息内容", "上一年项目数量", "本年增/减", "本年增/减"],
        ["行政事业性收费", "5", "0", "0"],
        ["信息内容", "采购项目数量", "采购总金额（万元）", "采购总金额（万元）"],
        ["政府集中采购", "6", "435.4184", "435.4184"],
    ]
    lines = [Line("\t".join(r), n, "\t".join(r), cells=r) for n, r in enumerate(rows, 1)]
    t2 = read_table2(lines, 2019)
    assert t2.items["administrative_fee"] == {"items_last_year": 5, "items_change": 0}
    assert t2.items["government_procurement"] == {"projects": 6, "amount_yuan": 4354184}


def test_table2_item_label_cut_over_lines_after_heads() -> None:
    """get_text('\\n'): '行政许|可' after the block's heads, '其他对外管理服务|事项' before its numbers."""
    from pipeline.parse.table2 import read_table2

    text = (
        "第二十条第（五）项\n信息内容\n上一年项目数量\n本年增/减\n处理决定数量\n"
        "行政许\n可\n0\n0\n7\n其他对外管理服务\n事项\n50\n0\n2605\n"
    )
    t2 = read_table2(read_text(text.encode(), "txt").lines, 2019)
    assert t2.items["administrative_license"] == {"items_last_year": 0, "items_change": 0, "decisions": 7}
    assert t2.items["other_external_service"] == {"items_last_year": 50, "items_change": 0, "decisions": 2605}
