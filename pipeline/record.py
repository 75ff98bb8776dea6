"""The report record: codes, Chinese labels and the empty record.

Mirrors ``spec/record.md`` (copied into the README); the codes and labels come from the form
definition, ``pipeline.form``. The codes here are a contract read by tests,
marts, checks and outside evaluators: never rename one, only add.
"""

from __future__ import annotations

import math
from typing import Any

from pipeline.form import editions as form

PARSER_VERSION = "0.6.0"  # 0.6: tables written column by column (pdfminer), labels after their numbers (pdftotext raw), PDF pages without glyphs read by pdfplumber

# ----------------------------------------------------------------------------- table 三
# Every code list below is derived from the form definition (``pipeline.form.editions``); the
# names and values are the ones this module has always exported.
APPLICANT_COLUMNS: list[str] = [c.code for c in form.APPLICANT_COLUMNS]
APPLICANT_LABELS: dict[str, str] = {c.code: c.label for c in form.APPLICANT_COLUMNS}

_GROUP_LABEL = {g.code: g.label for g in form.GROUPS}
# (code, 2021 label, group, formats the row exists in)
_ROWS: list[tuple[str, str, str, tuple[int, ...]]] = [
    (r.code, r.label, _GROUP_LABEL[r.group], r.editions) for r in form.APPLICATION_ROWS
]
APPLICATION_ROWS: list[str] = [r[0] for r in _ROWS]
APPLICATION_ROW_LABELS: dict[str, str] = {r[0]: r[1] for r in _ROWS}
APPLICATION_ROW_GROUPS: dict[str, str] = {r[0]: r[2] for r in _ROWS}
APPLICATION_ROW_FORMATS: dict[str, tuple[int, ...]] = {r[0]: r[3] for r in _ROWS}
#: the disposition rows whose sum is （七）总计, per format
DISPOSITION_ROWS: dict[int, list[str]] = {
    fmt: [r.code for r in form.APPLICATION_ROWS if fmt in r.editions and r.disposition]
    for fmt in form.EDITIONS
}

# ----------------------------------------------------------------------------- table 四
RL_COLUMNS: list[str] = [c.code for c in form.RL_OUTCOMES]
RL_COLUMN_LABELS: dict[str, str] = {c.code: c.label for c in form.RL_OUTCOMES}
RL_GROUPS: list[str] = [g.code for g in form.RL_GROUPS]
RL_GROUP_LABELS: dict[str, str] = {g.code: g.label for g in form.RL_GROUPS}

# ----------------------------------------------------------------------------- table 二
#: item -> (Chinese label, [measures]) per format; order is the order the form prints them
PROACTIVE_ITEMS: dict[int, dict[str, tuple[str, list[str]]]] = {
    fmt: {i.code: (i.label, list(i.measures)) for i in form.PROACTIVE_ITEMS[fmt]} for fmt in (2021, 2019)
}
PROACTIVE_MEASURE_LABELS: dict[str, str] = {m.code: m.label for m in form.MEASURES}
#: measures that are money (decimal) rather than counts
MONEY_MEASURES = {m.code for m in form.MEASURES if m.money}
#: measures that may be negative
SIGNED_MEASURES = {m.code for m in form.MEASURES if m.signed}

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
