"""The report record: codes, Chinese labels and the empty record.

Mirrors ``spec/record.md`` (copied into the README). The codes here are a contract read by tests,
marts, checks and outside evaluators: never rename one, only add.
"""

from __future__ import annotations

import math
from typing import Any

PARSER_VERSION = "0.3.0"

# ----------------------------------------------------------------------------- table 三
APPLICANT_COLUMNS: list[str] = [
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
]
APPLICANT_LABELS: dict[str, str] = {
    "natural_person": "自然人",
    "commercial_enterprise": "商业企业",
    "research_institution": "科研机构",
    "social_welfare_org": "社会公益组织",
    "legal_service_org": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}

# (code, 2021 label, group, formats the row exists in)
_ROWS: list[tuple[str, str, str, tuple[int, ...]]] = [
    ("new_received", "一、本年新收政府信息公开申请数量", "收到", (2019, 2021)),
    ("carried_over", "二、上年结转政府信息公开申请数量", "收到", (2019, 2021)),
    ("granted", "（一）予以公开", "予以公开", (2019, 2021)),
    ("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "部分公开", (2019, 2021)),
    ("denied_state_secret", "1.属于国家秘密", "不予公开", (2019, 2021)),
    ("denied_law_prohibited", "2.其他法律行政法规禁止公开", "不予公开", (2019, 2021)),
    ("denied_three_safeties", "3.危及“三安全一稳定”", "不予公开", (2019, 2021)),
    ("denied_third_party", "4.保护第三方合法权益", "不予公开", (2019, 2021)),
    ("denied_internal_affairs", "5.属于三类内部事务信息", "不予公开", (2019, 2021)),
    ("denied_process_info", "6.属于四类过程性信息", "不予公开", (2019, 2021)),
    ("denied_enforcement_file", "7.属于行政执法案卷", "不予公开", (2019, 2021)),
    ("denied_admin_query", "8.属于行政查询事项", "不予公开", (2019, 2021)),
    ("unable_not_held", "1.本机关不掌握相关政府信息", "无法提供", (2019, 2021)),
    ("unable_needs_creation", "2.没有现成信息需要另行制作", "无法提供", (2019, 2021)),
    ("unable_unclear", "3.补正后申请内容仍不明确", "无法提供", (2019, 2021)),
    ("rejected_petition", "1.信访举报投诉类申请", "不予处理", (2019, 2021)),
    ("rejected_repeat", "2.重复申请", "不予处理", (2019, 2021)),
    ("rejected_publication", "3.要求提供公开出版物", "不予处理", (2019, 2021)),
    ("rejected_mass_repeat", "4.无正当理由大量反复申请", "不予处理", (2019, 2021)),
    ("rejected_confirm", "5.要求行政机关确认或重新出具已获取信息", "不予处理", (2019, 2021)),
    (
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "其他处理",
        (2021,),
    ),
    (
        "other_no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "其他处理",
        (2021,),
    ),
    ("other_other", "3.其他", "其他处理", (2019, 2021)),
    ("total_processed", "（七）总计", "总计", (2019, 2021)),
    ("carried_forward", "四、结转下年度继续办理", "结转", (2019, 2021)),
]
APPLICATION_ROWS: list[str] = [r[0] for r in _ROWS]
APPLICATION_ROW_LABELS: dict[str, str] = {r[0]: r[1] for r in _ROWS}
APPLICATION_ROW_GROUPS: dict[str, str] = {r[0]: r[2] for r in _ROWS}
APPLICATION_ROW_FORMATS: dict[str, tuple[int, ...]] = {r[0]: r[3] for r in _ROWS}
#: the disposition rows whose sum is （七）总计, per format
DISPOSITION_ROWS: dict[int, list[str]] = {
    fmt: [
        r[0]
        for r in _ROWS
        if fmt in r[3] and r[0] not in ("new_received", "carried_over", "total_processed", "carried_forward")
    ]
    for fmt in (2019, 2021)
}

# ----------------------------------------------------------------------------- table 四
RL_COLUMNS: list[str] = ["upheld", "corrected", "other", "pending", "total"]
RL_COLUMN_LABELS: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
RL_GROUPS: list[str] = ["review", "litigation_direct", "litigation_after_review"]
RL_GROUP_LABELS: dict[str, str] = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼·未经复议直接起诉",
    "litigation_after_review": "行政诉讼·复议后起诉",
}

# ----------------------------------------------------------------------------- table 二
#: item -> (Chinese label, [measures]) per format; order is the order the form prints them
PROACTIVE_ITEMS: dict[int, dict[str, tuple[str, list[str]]]] = {
    2021: {
        "regulation": ("规章", ["issued", "repealed", "in_force"]),
        "normative_document": ("行政规范性文件", ["issued", "repealed", "in_force"]),
        "administrative_license": ("行政许可", ["decisions"]),
        "administrative_penalty": ("行政处罚", ["decisions"]),
        "administrative_enforcement": ("行政强制", ["decisions"]),
        "administrative_fee": ("行政事业性收费", ["amount_10k_yuan"]),
    },
    2019: {
        "regulation": ("规章", ["new_made", "new_published", "total_published"]),
        "normative_document": ("规范性文件", ["new_made", "new_published", "total_published"]),
        "administrative_license": ("行政许可", ["items_last_year", "items_change", "decisions"]),
        "other_external_service": ("其他对外管理服务事项", ["items_last_year", "items_change", "decisions"]),
        "administrative_penalty": ("行政处罚", ["items_last_year", "items_change", "decisions"]),
        "administrative_enforcement": ("行政强制", ["items_last_year", "items_change", "decisions"]),
        "administrative_fee": ("行政事业性收费", ["items_last_year", "items_change"]),
        "government_procurement": ("政府集中采购", ["projects", "amount_yuan"]),
    },
}
PROACTIVE_MEASURE_LABELS: dict[str, str] = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount_10k_yuan": "本年收费金额（万元）",
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "items_last_year": "上一年项目数量",
    "items_change": "本年增/减",
    "projects": "采购项目数量",
    "amount_yuan": "采购总金额（元）",
}
#: measures that are money (decimal) rather than counts
MONEY_MEASURES = {"amount_10k_yuan", "amount_yuan"}
#: measures that may be negative
SIGNED_MEASURES = {"items_change"}

STATUSES = ("ok", "partial", "not_a_report", "legacy_format", "failed")
AGENCY_KINDS = ("government", "government_office", "department", "township", "other")
FORMATS = ("txt", "md", "html", "pdf", "docx")


def as_count(v: Any) -> int | None:
    """A count as the warehouse stores it: a whole number, else None (unreadable)."""
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return int(f) if math.isfinite(f) and f.is_integer() else None


def empty_record(source: dict[str, Any] | None = None) -> dict[str, Any]:
    """A record with every key of the contract present and nothing read yet."""
    return {
        "source": source or {"path": None, "sha256": None, "format": None, "encoding": None, "bytes": 0},
        "agency": {
            "name": None,
            "province": None,
            "city": None,
            "county": None,
            "admin_code": None,
            "kind": None,
        },
        "year": None,
        "format_version": None,
        "proactive": {},
        "applications": {"columns": list(APPLICANT_COLUMNS), "rows": {}},
        "review_litigation": {"columns": list(RL_COLUMNS), **{g: [None] * 5 for g in RL_GROUPS}},
        "narrative": {"items_published": None, "applications_received": None},
        "repairs": [],
        "provenance": {},
        "status": "failed",
        "problems": [],
        "parser_version": PARSER_VERSION,
    }
