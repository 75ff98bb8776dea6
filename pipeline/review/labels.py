"""Chinese wording for reviewers: rule names, column headers and cell paths as the form prints them.

A reviewer in a 政务公开 office reads 表三（一）予以公开·自然人, not
``applications.granted.natural_person``; everything a person sees (workbook, pages, cards) goes
through here. Codes and labels come from ``pipeline.record`` (the record contract), never copied.
"""

from __future__ import annotations

from functools import cache

from pipeline.record import (
    APPLICANT_LABELS,
    APPLICATION_ROW_LABELS,
    PROACTIVE_ITEMS,
    PROACTIVE_MEASURE_LABELS,
    RL_COLUMN_LABELS,
    RL_GROUP_LABELS,
)

#: short Chinese rule names for a circular (the full wording is quality_rule.rule_zh)
RULE_ZH: dict[str, str] = {
    "t3_balance": "表三收支平衡（一＋二＝（七）＋四）",
    "t3_disposition_sum": "表三办理结果合计（（七）总计＝各项之和）",
    "t3_row_total": "表三行合计（总计＝六类申请人之和）",
    "t4_group_total": "表四复议诉讼合计",
    "nonnegative_integer": "数量须为非负整数",
    "report_identity": "年报基本信息（机关、年度、格式）",
    "carry_over_link": "上年结转与上年度结转下年衔接",
    "narrative_applications": "正文所述申请数与表三一致",
    "normative_stock_flow": "行政规范性文件存量衔接",
    "no_2019_rows_in_2021": "2021年格式不应有2019年格式的行",
    "fee_unit_plausible": "收费金额单位（万元）",
    "duplicate_fact": "结构：数据重复",
    "unknown_code": "结构：未知代码",
    "column_count": "结构：列数不符",
    "lost_table": "结构：表格缺失",
}
SEVERITY_ZH = {"error": "错误", "warn": "警告"}
KIND_ZH = {
    "source": "原文错误",
    "parse_suspect": "疑似解析问题",
    "pipeline": "流水线故障",
}
#: the audit workbook's columns, in order (Chinese header, finding key)
AUDIT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("机关名称", "agency_name"),
    ("报告年度", "year"),
    ("规则", "rule_zh"),
    ("严重程度", "severity_zh"),
    ("类型", "kind_zh"),
    ("涉及单元格", "cells_zh"),
    ("期望值", "expected"),
    ("实际值", "observed"),
    ("来源文件", "path"),
    ("页码/行号", "where"),
    ("原文", "raw"),
    ("说明", "message"),
    ("规则代码", "rule_id"),
)
AGENCY_KIND_ZH = {
    "government": "人民政府",
    "government_office": "政府办公室/办公厅",
    "department": "部门",
    "township": "乡镇街道",
    "other": "其他",
}
_SECTION_ZH = {"applications": "表三", "review_litigation": "表四", "proactive": "表二", "narrative": "正文"}
_ITEM_LABELS = {code: label for items in PROACTIVE_ITEMS.values() for code, (label, _) in items.items()}
_TOP_ZH = {
    "agency.name": "机关名称",
    "year": "报告年度",
    "format_version": "报表格式",
    "narrative.applications_received": "正文 所述收到申请件数",
    "narrative.items_published": "正文 所述主动公开信息条数",
}


def rule_zh(rule_id: str) -> str:
    return RULE_ZH.get(rule_id, rule_id)


@cache
def cell_zh(cell: str) -> str:
    """One dotted cell path in the form's words, e.g. 表三 三（一）予以公开·自然人."""
    prefix = ""
    if cell.startswith("prior_year."):
        prefix, cell = "上年度 ", cell[len("prior_year.") :]
    if cell in _TOP_ZH:
        return prefix + _TOP_ZH[cell]
    parts = cell.split(".")
    section = _SECTION_ZH.get(parts[0], parts[0])
    if parts[0] == "applications" and len(parts) == 3:
        return f"{prefix}{section} {APPLICATION_ROW_LABELS.get(parts[1], parts[1])}·{APPLICANT_LABELS.get(parts[2], parts[2])}"
    if parts[0] == "review_litigation" and len(parts) == 3:
        return f"{prefix}{section} {RL_GROUP_LABELS.get(parts[1], parts[1])}·{RL_COLUMN_LABELS.get(parts[2], parts[2])}"
    if parts[0] == "proactive" and len(parts) == 3:
        return f"{prefix}{section} {_ITEM_LABELS.get(parts[1], parts[1])}·{PROACTIVE_MEASURE_LABELS.get(parts[2], parts[2])}"
    if parts[0] == "narrative" and len(parts) == 2:
        return f"{prefix}{section} {parts[1]}"
    return prefix + cell


@cache
def cells_zh(cells: str | None, most: int = 0) -> str:
    """A finding's comma-separated cells, each in Chinese, joined by 、; with ``most``, a long list
    shows its first cells, … and the last (the total), and the count."""
    names = [cell_zh(c) for c in (cells or "").split(",") if c]
    if most and len(names) > most:
        return "、".join(names[: most - 1]) + f"…{names[-1]}（共{len(names)}格）"
    return "、".join(names)


def where_zh(page: int | None, line: int | None) -> str:
    """第3页 第12行 / 第12行 / '' for a cell's provenance."""
    out = []
    if page is not None:
        out.append(f"第{page}页")
    if line is not None:
        out.append(f"第{line}行")
    return " ".join(out)
