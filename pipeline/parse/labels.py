"""Which row or item a piece of label text names: the form's vocabulary (``pipeline.form``) applied.

Exact official labels are rare in the wild (typos, dropped characters, '社会组织', ASCII quotes,
labels broken over lines), so each row is recognised by the few characters that only it has (the
form's row keys) or by a whole variant seen in real reports, tried on the label with numbering and
punctuation removed. The keys, variants, groups and item labels live in ``pipeline/form``; this
module adds only what matching needs beyond them: a fuzzy fallback for labels no key names (the
caller records it as a repair), and the numbering that names a row or a sub-row by its place.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline import form
from pipeline.form import clean_label, match_group
from pipeline.record import APPLICATION_ROW_LABELS, APPLICATION_ROWS

#: table 三's column heads as printed, numbering and all: '其他' and '总计' name columns, while the
#: rows are '3.其他' and '（七）总计'
APPLICANT_HEADS = frozenset(
    [
        *(c.label for c in form.APPLICANT_COLUMNS),
        form.editions.LEGAL_PERSON_HEAD,
        form.editions.APPLICANT_HEAD,
        "其它",
        "合计",
        "小计",
    ]
)

__all__ = [
    "GROUP_ROWS",
    "clean_label",
    "enumerator",
    "fuzzy_row",
    "match_group",
    "match_item",
    "match_rows",
    "numeral_row",
]

#: group code -> its numbered sub-rows (（三）不予公开 1–8, （四）无法提供 1–3, …)
GROUP_ROWS: dict[str, list[str]] = form.GROUP_ROWS


def match_rows(label: str) -> list[str]:
    """Row codes a label names (usually zero or one): a known variant, else the rows' keys."""
    return form.match_row(label)


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


@lru_cache(maxsize=4096)
def match_item(label: str) -> str | None:
    """Table 二 item named by a row label; a label with one character dropped or wrong still counts."""
    code = form.match_item(label)
    if code is not None:
        return code
    c = clean_label(label)
    if 3 <= len(c) <= 12:
        from rapidfuzz import fuzz, process

        best = process.extractOne(c, form.ITEM_MATCH_LABELS, scorer=fuzz.ratio)
        if best and best[1] >= 75:
            return best[2]
    return None


_ENUMERATOR = re.compile(r"^\s*(?:(\d{1,2})\s*[.、．)）]|[(（]\s*(\d{1,2})\s*[)）])")


def enumerator(label: str) -> int | None:
    """The sub-row number a label starts with ('1.', '2、', '（3）'), if any."""
    m = _ENUMERATOR.match(label)
    if not m:
        return None
    return int(m.group(1) or m.group(2))


# the rows the form numbers by themselves, read off their printed labels: （一）予以公开 → granted,
# 一、本年新收… → new_received, （七）总计, 四、结转下年度继续办理
_OWN_NUMBER = re.compile(r"^(?:（([一二三四五六七八九])）|([一二三四五六七八九])、)")
_NUMERAL_ROWS: dict[str, str] = {}
for _row in form.APPLICATION_ROWS:
    if (_m := _OWN_NUMBER.match(_row.label)) is not None:
        _NUMERAL_ROWS[f"（{_m.group(1)}）" if _m.group(1) else f"{_m.group(2)}、"] = _row.code
_ROW_NUMERAL = re.compile(r"^\s*(?:[(（]\s*([一二三四五六七八九])\s*[)）]|([一二三四五六七八九])\s*、)")


def numeral_row(label: str) -> str | None:
    """The row a label's own numbering names (（一）, （二）, （七）, 一、, 二、, 四、), if any."""
    m = _ROW_NUMERAL.match(label)
    if not m:
        return None
    return _NUMERAL_ROWS.get(f"（{m.group(1)}）" if m.group(1) else f"{m.group(2)}、")
