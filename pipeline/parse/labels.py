"""Which row or item a piece of label text names.

Exact official labels are rare in the wild (typos, dropped characters, '社会组织', ASCII quotes,
labels broken over lines), so each row is recognised by the few characters that only it has
(``KEYS``), tried on the label with numbering and punctuation removed. Text that names no row by
key may still be a row label with a typo: ``fuzzy_row`` scores it against the official labels
with rapidfuzz, and the caller records that as a repair.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.record import APPLICATION_ROW_LABELS, APPLICATION_ROWS

# enumerators and punctuation that carry no meaning for matching
_ENUM = re.compile(
    r"^(?:[(（]?[一二三四五六七八九十]+[)）、.．]|[(（]\d+[)）]|\d+[.、．)]|[一二三四五六七八九十]+、)+"
)
_PUNCT = re.compile(r"[\s\"'“”‘’「」『』()（）\[\]【】,，、.．:：;；!！?？·•*#_|/\\-]+")


def clean_label(s: str) -> str:
    """Label text without leading numbering, spaces and punctuation."""
    s = s.strip()
    s = _ENUM.sub("", s)
    return _PUNCT.sub("", s)


# row code -> regexes on the cleaned label (most specific first in matching order below)
KEYS: dict[str, list[str]] = {
    "new_received": [r"本年新收", r"新收.*申请", r"本年.*收到.*申请数"],
    "carried_over": [r"上年结转"],
    "granted": [r"^予以公开", r"予以公开$"],
    "partially_granted": [r"^部分公开", r"区分处理"],
    "denied_state_secret": [r"国家秘密"],
    "denied_law_prohibited": [r"禁止公开"],
    "denied_three_safeties": [r"三安全", r"一稳定", r"^危及"],
    "denied_third_party": [r"第三方"],
    "denied_internal_affairs": [r"内部事务"],
    "denied_process_info": [r"过程性"],
    "denied_enforcement_file": [r"执法案卷"],
    "denied_admin_query": [r"行政查询", r"查询事项"],
    "unable_not_held": [r"不掌握"],
    "unable_needs_creation": [r"另行制作", r"没有现成"],
    "unable_unclear": [r"仍不明确", r"补正后"],
    "rejected_petition": [r"信访", r"举报投诉"],
    "rejected_repeat": [r"^重复申请"],
    "rejected_publication": [r"出版物"],
    "rejected_mass_repeat": [r"大量反复", r"反复申请"],
    "rejected_confirm": [r"确认或重新", r"重新出具", r"要求行政机关确认"],
    "other_no_correction": [r"不补正", r"逾期不补"],
    "other_no_fee": [r"缴纳费用", r"收费通知", r"未按.*缴纳"],
    "other_other": [r"^其他$", r"^其他处理$", r"^其他处理情形$", r"^其它$", r"^其它处理$"],
    "total_processed": [r"^总计$", r"^合计$"],
    "carried_forward": [r"结转下年", r"下年度继续"],
}
_COMPILED = {code: [re.compile(p) for p in pats] for code, pats in KEYS.items()}


@lru_cache(maxsize=8192)
def match_rows(label: str) -> list[str]:
    """Row codes whose key occurs in the label (usually zero or one)."""
    c = clean_label(label)
    if not c:
        return []
    return [code for code, pats in _COMPILED.items() if any(p.search(c) for p in pats)]


@lru_cache(maxsize=4096)
def fuzzy_row(label: str, threshold: float = 72.0) -> tuple[str, float] | None:
    """Best official row label for a label no key matched, if it is close enough."""
    from rapidfuzz import fuzz, process

    c = clean_label(label)
    if len(c) < 3:
        return None
    choices = {code: clean_label(APPLICATION_ROW_LABELS[code]) for code in APPLICATION_ROWS}
    best = process.extractOne(c, choices, scorer=fuzz.ratio)
    if best and best[1] >= threshold:
        return best[2], float(best[1])
    return None


# ----------------------------------------------------------------------------- table 二 items
# (regex on cleaned text, item code); longest labels first so 行政规范性文件 wins over 规章
PROACTIVE_ITEM_KEYS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?:行政)?规范性文件$|^行政规范性文件|^规范性文件"), "normative_document"),
    (re.compile(r"^规章$|^规章制度?$"), "regulation"),
    (re.compile(r"^其他对外管理服务事项|^其他对外管理|对外管理服务事项"), "other_external_service"),
    (re.compile(r"^行政许可$|^行政许可事项?$"), "administrative_license"),
    (re.compile(r"^行政处罚$|^行政处罚事项?$"), "administrative_penalty"),
    (re.compile(r"^行政强制$|^行政强制事项?$"), "administrative_enforcement"),
    (re.compile(r"^行政事业性收费|事业性收费$"), "administrative_fee"),
    (re.compile(r"^政府集中采购|集中采购$"), "government_procurement"),
]


_ITEM_LABELS = {
    "regulation": "规章",
    "normative_document": "行政规范性文件",
    "other_external_service": "其他对外管理服务事项",
    "administrative_license": "行政许可",
    "administrative_penalty": "行政处罚",
    "administrative_enforcement": "行政强制",
    "administrative_fee": "行政事业性收费",
    "government_procurement": "政府集中采购",
}


@lru_cache(maxsize=4096)
def match_item(label: str) -> str | None:
    """Table 二 item named by a row label; a label with one character dropped or wrong still counts."""
    c = clean_label(label)
    for pat, code in PROACTIVE_ITEM_KEYS:
        if pat.search(c):
            return code
    if 3 <= len(c) <= 12:
        from rapidfuzz import fuzz, process

        best = process.extractOne(c, _ITEM_LABELS, scorer=fuzz.ratio)
        if best and best[1] >= 75:
            return best[2]
    return None


# ----------------------------------------------------------------------------- row groups
# （三）不予公开 1-8, （四）无法提供 1-3, （五）不予处理 1-5, （六）其他处理 1-3: a sub-row whose
# words are lost is still named by its group and its number
GROUP_ROWS: dict[str, list[str]] = {
    "denied": [
        "denied_state_secret",
        "denied_law_prohibited",
        "denied_three_safeties",
        "denied_third_party",
        "denied_internal_affairs",
        "denied_process_info",
        "denied_enforcement_file",
        "denied_admin_query",
    ],
    "unable": ["unable_not_held", "unable_needs_creation", "unable_unclear"],
    "rejected": [
        "rejected_petition",
        "rejected_repeat",
        "rejected_publication",
        "rejected_mass_repeat",
        "rejected_confirm",
    ],
    "other": ["other_no_correction", "other_no_fee", "other_other"],
}
_GROUPS = [
    ("denied", re.compile(r"^不予公开")),
    ("unable", re.compile(r"^无法提供")),
    ("rejected", re.compile(r"^不予处理")),
    ("other", re.compile(r"^其[他它]处理")),
]
_ENUMERATOR = re.compile(r"^\s*(?:(\d{1,2})\s*[.、．)）]|[(（]\s*(\d{1,2})\s*[)）])")


_GROUP_NUMERAL = re.compile(r"^\s*[(（]\s*([三四五六])\s*[)）]")
_NUMERAL_GROUP = {"三": "denied", "四": "unable", "五": "rejected", "六": "other"}


@lru_cache(maxsize=4096)
def match_group(label: str) -> str | None:
    """The disposition group a label heads: by its words, or by its numeral （三）…（六） when the
    words are split over lines ('（六）其他' / '处理')."""
    c = clean_label(label)
    for name, pat in _GROUPS:
        if pat.search(c):
            return name
    m = _GROUP_NUMERAL.match(label)
    if m and not re.search(r"予以公开|部分公开|总计", c):
        return _NUMERAL_GROUP[m.group(1)]
    return None


def enumerator(label: str) -> int | None:
    """The sub-row number a label starts with ('1.', '2、', '（3）'), if any."""
    m = _ENUMERATOR.match(label)
    if not m:
        return None
    return int(m.group(1) or m.group(2))


# the rows table 三 numbers by themselves: '（二）' is 部分公开 wherever its words went
_NUMERAL_ROWS = {
    "（一）": "granted",
    "（二）": "partially_granted",
    "（七）": "total_processed",
    "一、": "new_received",
    "二、": "carried_over",
    "四、": "carried_forward",
}
_ROW_NUMERAL = re.compile(r"^\s*(?:[(（]\s*([一二七])\s*[)）]|([一二四])\s*、)")


def numeral_row(label: str) -> str | None:
    """The row a label's own numbering names (（一）, （二）, （七）, 一、, 二、, 四、), if any."""
    m = _ROW_NUMERAL.match(label)
    if not m:
        return None
    return _NUMERAL_ROWS[f"（{m.group(1)}）" if m.group(1) else f"{m.group(2)}、"]
