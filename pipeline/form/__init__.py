"""The form as one definition: vocabulary (``editions``) and rules (``identities``), plus the
derived lookups every stage uses and the label matchers the parser reads.

The parser (``pipeline/parse``) has no vocabulary of its own: ``labels.py`` matches with
``match_row`` (``ROW_KEYS`` and ``ROW_VARIANTS``), ``match_item`` (``ITEM_KEYS``,
``ITEM_MATCH_LABELS``) and ``match_group`` (``GROUP_KEYS``, ``GROUP_NUMERALS``); table 二 detects
the edition by ``EDITION_MARKERS``; tables 三 and 四 end at ``TABLE3_STOP_WORDS`` /
``TABLE4_END_WORDS``; table 三's header rows are the form's column heads. ``extract/pdf.py`` still
keeps its own copy of ``TABLE_WORDS`` (equal contents, checked by a test).
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.form import identities
from pipeline.form.editions import (
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    EDITION_MARKERS,
    EDITIONS,
    GROUPS,
    ITEM_KEYS,
    ITEM_MATCH_LABELS,
    LABEL_VARIANTS,
    MEASURE,
    MEASURES,
    PROACTIVE_ITEMS,
    RL_GROUPS,
    RL_OUTCOMES,
    SECTION_TITLES,
    TABLE3_STOP_WORDS,
    TABLE4_END_WORDS,
    TABLE_WORDS,
)

__all__ = [
    "APPLICANT_COLUMNS",
    "APPLICATION_ROWS",
    "EDITIONS",
    "EDITION_MARKERS",
    "GROUPS",
    "GROUP_KEYS",
    "GROUP_NUMERALS",
    "GROUP_ROWS",
    "ITEM_KEYS",
    "ITEM_MATCH_LABELS",
    "MEASURE",
    "MEASURES",
    "PROACTIVE_ITEMS",
    "RL_GROUPS",
    "RL_OUTCOMES",
    "ROW",
    "ROW_KEYS",
    "ROW_VARIANTS",
    "SECTION_TITLES",
    "TABLE3_STOP_WORDS",
    "TABLE4_END_WORDS",
    "TABLE_WORDS",
    "clean_label",
    "edition_rows",
    "group_of",
    "identities",
    "match_group",
    "match_item",
    "match_row",
]

ROW = {r.code: r for r in APPLICATION_ROWS}
GROUP = {g.code: g for g in GROUPS}
#: row code -> regexes on the cleaned label
ROW_KEYS: dict[str, list[str]] = {r.code: list(r.keys) for r in APPLICATION_ROWS}
#: row code -> whole cleaned labels seen in real reports
ROW_VARIANTS: dict[str, list[str]] = {r.code: list(LABEL_VARIANTS.get(r.code, ())) for r in APPLICATION_ROWS}
#: group code -> its sub-rows, for the four groups whose sub-rows are numbered 1., 2., …
GROUP_ROWS: dict[str, list[str]] = {
    g.code: [r.code for r in APPLICATION_ROWS if r.group == g.code] for g in GROUPS if g.head
}
#: (group code, regex on the cleaned head label)
GROUP_KEYS: list[tuple[str, str]] = [(g.code, k) for g in GROUPS for k in g.head_keys]
#: （三）…（六） -> group code
GROUP_NUMERALS: dict[str, str] = {g.numeral: g.code for g in GROUPS if g.numeral}


def edition_rows(edition: int) -> list[str]:
    """Table-三 row codes the edition prints, in order."""
    return [r.code for r in APPLICATION_ROWS if edition in r.editions]


def group_of(code: str) -> str:
    """The group code of a table-三 row."""
    return ROW[code].group


# ----------------------------------------------------------------------------- matching
_ENUM = re.compile(
    r"^(?:[(（]?[一二三四五六七八九十]+[)）、.．]|[(（]\d+[)）]|\d+[.、．)]|[一二三四五六七八九十]+、)+"
)
_PUNCT = re.compile(r"[\s\"'“”‘’「」『』()（）\[\]【】,，、.．:：;；!！?？·•*#_|/\\-]+")


def clean_label(s: str) -> str:
    """Label text without leading numbering, spaces and punctuation."""
    return _PUNCT.sub("", _ENUM.sub("", s.strip()))


_ROW_PATTERNS = {code: [re.compile(p) for p in pats] for code, pats in ROW_KEYS.items()}
_VARIANTS = {clean_label(v): code for code, vs in ROW_VARIANTS.items() for v in vs}


@lru_cache(maxsize=8192)
def match_row(label: str) -> list[str]:
    """Row codes a table-三 label names: an exact known variant first, else every row whose key
    occurs in the cleaned label (usually zero or one)."""
    c = clean_label(label)
    if not c:
        return []
    if c in _VARIANTS:
        return [_VARIANTS[c]]
    return [code for code, pats in _ROW_PATTERNS.items() if any(p.search(c) for p in pats)]


_ITEM_PATTERNS = [(re.compile(p), code) for p, code in ITEM_KEYS]


def match_item(label: str) -> str | None:
    """Table-二 item a label names by its key (the parser adds a fuzzy fallback)."""
    c = clean_label(label)
    return next((code for pat, code in _ITEM_PATTERNS if pat.search(c)), None)


_GROUP_PATTERNS = [(code, re.compile(p)) for code, p in GROUP_KEYS]
_GROUP_NUMERAL = re.compile(r"^\s*[(（]\s*([" + "".join(GROUP_NUMERALS) + r"])\s*[)）]")


def match_group(label: str) -> str | None:
    """The disposition group a head label names: by its words, or by its numeral （三）…（六）."""
    c = clean_label(label)
    for code, pat in _GROUP_PATTERNS:
        if pat.search(c):
            return code
    m = _GROUP_NUMERAL.match(label)
    if m and not re.search(r"予以公开|部分公开|总计", c):
        return GROUP_NUMERALS[m.group(1)]
    return None
