"""Table 三 written column by column (pdfminer ``extract_text``): each page's row labels, then the
natural-person column top to bottom, then the next column. Read by the form's row count and its
identities, never by guessing."""

from __future__ import annotations

from pipeline.extract.text import read_text
from pipeline.parse import parse_document
from pipeline.record import APPLICATION_ROW_FORMATS, APPLICATION_ROW_LABELS, APPLICATION_ROWS

ROWS = [c for c in APPLICATION_ROWS if 2021 in APPLICATION_ROW_FORMATS[c]]
# a consistent 2021 table: 一 + 二 = 七 + 四 and 七 = Σ dispositions in every column
TRUTH = {code: [0] * 7 for code in ROWS}
TRUTH["new_received"] = [5, 1, 0, 0, 0, 0, 6]
TRUTH["carried_over"] = [1, 0, 0, 0, 0, 0, 1]
TRUTH["granted"] = [3, 1, 0, 0, 0, 0, 4]
TRUTH["partially_granted"] = [1, 0, 0, 0, 0, 0, 1]
TRUTH["unable_not_held"] = [2, 0, 0, 0, 0, 0, 2]
TRUTH["total_processed"] = [6, 1, 0, 0, 0, 0, 7]
HEAD = "二〇二一年某县人民政府政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
HEADS = [
    "申请人情况",
    "自然人",
    "商业",
    "企业",
    "科研",
    "机构",
    "社会",
    "公益",
    "组织",
    "法律",
    "服务",
    "机构",
    "其他",
    "总计",
]
TAIL = "四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n"


def _page(rows: list[str], heads_first: bool = True, page_number: str | None = None) -> list[str]:
    """One page as pdfminer writes it: labels (wrapped), heads, then column after column."""
    out: list[str] = []
    for code in rows:
        label = APPLICATION_ROW_LABELS[code]
        out += [label[:9], label[9:]] if len(label) > 9 else [label]
    out += HEADS if heads_first else []
    for c in range(7):
        out += [str(TRUTH[code][c]) for code in rows]
    return out + ([page_number] if page_number else [])


def _parse(lines: list[str]) -> dict:
    return parse_document(read_text((HEAD + "\n\n".join(lines) + "\n" + TAIL).encode(), "txt"))


def test_two_pages_written_column_by_column() -> None:
    rec = _parse(_page(ROWS[:13], page_number="- 4 -") + _page(ROWS[13:]))
    assert rec["applications"]["rows"] == {**{c: [None] * 7 for c in APPLICATION_ROWS}, **TRUTH}
    assert any("column by column" in r["why"] for r in rec["repairs"])


def test_a_bare_page_number_is_not_a_cell() -> None:
    rec = _parse(_page(ROWS[:13], page_number="4") + _page(ROWS[13:]))
    assert rec["applications"]["rows"]["new_received"] == TRUTH["new_received"]
    assert rec["applications"]["rows"]["carried_forward"] == TRUTH["carried_forward"]


def test_rows_written_one_number_a_line_are_not_transposed() -> None:
    """The same numbers row after row (a cell a line) satisfy the row identity as they stand."""
    lines: list[str] = []
    for code in ROWS:
        lines += [APPLICATION_ROW_LABELS[code], *map(str, TRUTH[code])]
    rec = _parse(lines)
    assert rec["applications"]["rows"]["new_received"] == TRUTH["new_received"]
    assert not any("column by column" in r["why"] for r in rec["repairs"])


def test_a_page_short_of_cells_is_left_to_the_ordinary_reader() -> None:
    """Blank cells (fewer than 7·n numbers): the columns cannot be told apart, nothing transposed."""
    page = _page(ROWS[:13])
    page.remove("6")  # the natural-person total of 一 lost
    rec = _parse(page + _page(ROWS[13:]))
    assert not any("column by column" in r["why"] for r in rec["repairs"])


def _row_lines(code: str) -> list[str]:
    return [APPLICATION_ROW_LABELS[code], *map(str, TRUTH[code])]


def test_column_heads_a_line_each_are_not_rows() -> None:
    """pdftotext (no -layout): the first two labels, the heads a line each with '其他' and '总计'
    among the first row's numbers, then both rows' numbers. A bare head names no row."""
    lines = [APPLICATION_ROW_LABELS["new_received"], APPLICATION_ROW_LABELS["carried_over"]]
    lines += ["商业", "企业", "科研", "机构", "其他", *map(str, TRUTH["new_received"][:6]), "总计"]
    lines += [str(TRUTH["new_received"][6]), *map(str, TRUTH["carried_over"])]
    for code in ROWS[2:]:
        lines += _row_lines(code)
    rows = _parse(lines)["applications"]["rows"]
    assert rows["new_received"] == TRUTH["new_received"]
    assert rows["carried_over"] == TRUTH["carried_over"]
    assert rows["other_other"] == TRUTH["other_other"]
    assert rows["total_processed"] == TRUTH["total_processed"]


def test_a_label_written_after_its_numbers() -> None:
    """'（七）总计 6 1 … 7 0 … 0 四、结转下年度继续办理': 14 numbers, the next row's label after
    them; dealt out 7 a row because each 7 then holds the row identity."""
    lines: list[str] = []
    for code in ROWS[:-1]:
        lines += _row_lines(code)
    lines += [*map(str, TRUTH["carried_forward"]), APPLICATION_ROW_LABELS["carried_forward"]]
    rows = _parse(lines)["applications"]["rows"]
    assert rows["total_processed"] == TRUTH["total_processed"]
    assert rows["carried_forward"] == TRUTH["carried_forward"]


def test_zeros_of_a_row_that_lost_cells_are_declared() -> None:
    """'10 0 0 0 10' for 7 cells (the tool dropped two blanks): the value of every zero cell is
    0 whichever cells were blank, but which were blank is not known, and the record says so."""
    lines: list[str] = []
    for code in ROWS:
        lines += _row_lines(code)
    lines[1 : 1 + 7] = ["5", "1", "0", "0", "6"]  # 一's row with two blank cells dropped
    rec = _parse(lines)
    assert rec["applications"]["rows"]["new_received"] == TRUTH["new_received"]
    declared = {r["where"] for r in rec["repairs"]}
    zeros = [c for c, v in zip(rec["applications"]["columns"], TRUTH["new_received"], strict=True) if v == 0]
    assert {f"applications.new_received.{c}" for c in zeros} <= declared
    assert "applications.new_received.natural_person" not in declared


def test_two_numbers_in_one_grid_cell_are_two_cells() -> None:
    """markitdown on a PDF merges two columns into one cell ('| 2 0 |'): two cells, not 20."""
    rows = []
    for code in ROWS:
        cells = [APPLICATION_ROW_LABELS[code], *map(str, TRUTH[code])]
        if code == "unable_not_held":
            cells[1:3] = [f"{cells[1]} {cells[2]}", ""]  # natural person and commercial merged
        rows.append("| " + " | ".join(cells) + " |")
    text = HEAD + "| 项目 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |\n"
    text += "|---|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n" + TAIL
    rec = parse_document(read_text(text.encode(), "md"))
    assert rec["applications"]["rows"]["unable_not_held"] == TRUTH["unable_not_held"]


def test_table2_label_written_under_its_row() -> None:
    """markitdown on a PDF: '| | 21 | 0 | 114 |' with no label, then '行政规范性文件' alone."""
    from pipeline.extract.text import read_text as _read
    from pipeline.parse.table2 import read_table2

    text = (
        "第二十条第（一）项\n"
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n| --- | --- | --- | --- |\n"
        "| 规章 | 0 | 0 | 3 |\n|  | 21 | 0 | 114 |\n行政规范性文件\n"
        "第二十条第（五）项\n| 信息内容 | 本年处理决定数量 |\n| --- | --- |\n"
        "|  | 412 |\n行政许可\n"
    )
    t2 = read_table2(_read(text.encode(), "md").lines, 2021)
    assert t2.items["regulation"] == {"issued": 0, "repealed": 0, "in_force": 3}
    assert t2.items["normative_document"] == {"issued": 21, "repealed": 0, "in_force": 114}
    assert t2.items["administrative_license"] == {"decisions": 412}


def test_rows_with_no_label_before_their_numbers() -> None:
    """pdftotext raw: （一）予以公开 and （二）部分公开 written after the page's numbers, so 二's
    label is followed by 21 numbers: the form's next two rows, each of which holds its identity."""
    lines = _row_lines("new_received") + _row_lines("carried_over")
    lines += [*map(str, TRUTH["granted"]), *map(str, TRUTH["partially_granted"])]
    for code in ROWS[4:]:
        lines += _row_lines(code)
    lines[-8:-8] = [APPLICATION_ROW_LABELS["granted"], APPLICATION_ROW_LABELS["partially_granted"]]
    rows = _parse(lines)["applications"]["rows"]
    for code in ("carried_over", "granted", "partially_granted", "carried_forward"):
        assert rows[code] == TRUTH[code], code


def test_numbers_that_fit_no_row_are_not_dealt_out() -> None:
    """Two labels, then 14 numbers that break the row identity dealt either way (a column cut by
    a page, its other half elsewhere): the rows stay null rather than take wrong numbers."""
    lines = [APPLICATION_ROW_LABELS["new_received"], APPLICATION_ROW_LABELS["carried_over"]]
    lines += ["1087", "51", "617", "49", "0", "0", "2", "10", "5", "9", "9", "0", "176", "11"]
    for code in ROWS[2:]:
        lines += _row_lines(code)
    rows = _parse(lines)["applications"]["rows"]
    assert 1087 not in rows["new_received"] and 1087 not in rows["carried_over"]


def test_a_last_page_short_of_cells_leaves_only_its_rows_unread() -> None:
    """Page 1 whole (19 rows × 7), page 2 short of cells: page 1 is read by column, page 2's rows
    stay null (or follow from the identities), never take page 1's or shifted numbers."""
    page2 = _page(ROWS[19:])
    page2.remove("7")  # a blank cell on page 2: its columns cannot be told apart
    rec = _parse(_page(ROWS[:19]) + page2)
    rows = rec["applications"]["rows"]
    for code in ROWS[:19]:
        assert rows[code] == TRUTH[code], code
    for code in ROWS[19:]:
        assert all(v in (None, t) for v, t in zip(rows[code], TRUTH[code], strict=True)), code


def _t2(text: str) -> dict:
    from pipeline.parse.table2 import read_table2

    return read_table2(read_text(text.encode(), "txt").lines, 2021).items


T2_LABELS = "第二十条第（一）项\n信息内容\n规章\n行政规范性文件\n"
T2_REST = "第二十条第（五）项\n信息内容\n行政许可\n第二十条第（六）项\n信息内容\n行政处罚\n行政强制\n"
T2_REST += "第二十条第（八）项\n信息内容\n本年收费金额（单位：万元）\n行政事业性收费\n"


def test_table2_labels_first_then_columns() -> None:
    """pdfminer: every label first, then each block's numbers column by column."""
    items = _t2(
        T2_LABELS
        + "本年制发件数\n本年废止件数 现行有效件数\n1\n8\n0\n26\n11\n66\n"
        + T2_REST
        + "447228\n- 3 -\n3985758\n88283\n96171.6\n"
    )
    assert items["regulation"] == {"issued": 1, "repealed": 0, "in_force": 11}
    assert items["normative_document"] == {"issued": 8, "repealed": 26, "in_force": 66}
    assert items["administrative_penalty"] == {"decisions": 3985758}
    assert items["administrative_fee"] == {"amount_10k_yuan": 96171.6}


def test_table2_heads_with_their_columns_anywhere() -> None:
    """pdftotext raw: each head with its column under it, the last one after the next blocks."""
    text = T2_LABELS + "本年制发件数\n0\n9\n本年废止件数\n0\n0\n"
    text += "第二十条第（五）项\n信息内容\n行政许可\n本年处理决定数量\n0\n第二十条第（六）项\n行政处罚\n行政强制\n"
    text += (
        "本年处理决定数量\n0\n0\n现行有效件数\n0\n69\n第二十条第（八）项\n本年收费金额（单位：万元）\n4965\n"
    )
    text += "信息内容\n行政事业性收费\n"
    items = _t2(text)
    assert items["normative_document"] == {"issued": 9, "repealed": 0, "in_force": 69}
    assert items["administrative_fee"] == {"amount_10k_yuan": 4965}


def test_table2_label_then_numbers_is_not_transposed() -> None:
    """A cell a line, each label followed by its own numbers: read as printed."""
    text = (
        "第二十条第（一）项\n规章\n1\n0\n11\n行政规范性文件\n8\n26\n66\n"
        + "行政许可\n5\n行政处罚\n6\n行政强制\n7\n行政事业性收费\n1.5\n"
    )
    items = _t2(text)
    assert items["regulation"] == {"issued": 1, "repealed": 0, "in_force": 11}
    assert items["normative_document"] == {"issued": 8, "repealed": 26, "in_force": 66}


def test_table2_by_column_refuses_a_stock_below_its_flow() -> None:
    """Numbers that would put fewer documents in force than issued this year: not read by column."""
    items = _t2(T2_LABELS + "5\n8\n0\n0\n1\n66\n" + T2_REST + "1\n2\n3\n4\n")
    assert items["regulation"]["in_force"] != 1 or items["regulation"]["issued"] != 5
