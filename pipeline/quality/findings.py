"""A finding: one failing (report, rule, cells), and the helpers that build one from a frame row
(cell order, ``kind``, message). The GX runner (``gx_runner.py``) is the one check path; the
warehouse and ``ogi check`` both go through it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from pipeline.form import identities
from pipeline.form.editions import EDITIONS
from pipeline.record import (
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    PROACTIVE_ITEMS,
    RL_COLUMNS,
    RL_GROUPS,
)

#: columns of ``quality_finding`` (docs/warehouse-contract.md), in order
FINDING_COLUMNS: tuple[str, ...] = (
    "report_id",
    "agency_id",
    "agency_name",
    "year",
    "rule_id",
    "severity",
    "kind",
    "cells",
    "column_code",
    "expected",
    "observed",
    "message",
)
#: a cell of the same agency's report of the year before is named with this prefix
PRIOR = "prior_year."
#: values above this in administrative_fee.amount_10k_yuan (万元) are likely printed in 元
FEE_MAX_10K_YUAN = identities.FEE_MAX_10K_YUAN
FIRST_YEAR = identities.FIRST_YEAR
KNOWN_FORMATS = EDITIONS


@dataclass(frozen=True)
class Finding:
    """One failing (report, rule, cells); ``cells`` are dotted cell paths in canonical order."""

    report_id: str | None
    agency_id: str | None
    agency_name: str | None
    year: int | None
    rule_id: str
    severity: str
    kind: str
    cells: tuple[str, ...]
    column_code: str | None
    expected: float | None
    observed: float | None
    message: str

    def row(self) -> dict[str, Any]:
        """The ``quality_finding`` row: cells comma-separated."""
        out = asdict(self)
        out["cells"] = ",".join(self.cells)
        return out

    def key(self) -> tuple[Any, ...]:
        """What makes two findings the same finding (used to de-duplicate and to compare paths)."""
        return (self.report_id, self.rule_id, self.cells, self.column_code)


# ----------------------------------------------------------------------------- numbers


def as_value(v: Any) -> float | None:
    """A table-二 value as the warehouse stores it (DOUBLE), or None."""
    if v is None or isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def na_to_none(v: Any) -> Any:
    """pandas missing values (NA, NaN, NaT) as None; anything else unchanged."""
    if v is None:
        return None
    try:
        import pandas as pd

        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def as_float(v: Any) -> float | None:
    """expected/observed as stored (DOUBLE); NaN/NA become None."""
    if v is None or isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


# ----------------------------------------------------------------------------- cells

_T3_ROWS = {c: i for i, c in enumerate(APPLICATION_ROWS)}
_T3_COLS = {c: i for i, c in enumerate(APPLICANT_COLUMNS)}
_T4_GROUPS = {c: i for i, c in enumerate(RL_GROUPS)}
_T4_COLS = {c: i for i, c in enumerate(RL_COLUMNS)}
_T2_ITEMS: dict[str, int] = {}
_T2_MEASURES: dict[str, int] = {}
for _fmt in (2021, 2019):
    for _item, (_label, _measures) in PROACTIVE_ITEMS[_fmt].items():
        _T2_ITEMS.setdefault(_item, len(_T2_ITEMS))
        for _m in _measures:
            _T2_MEASURES.setdefault(_m, len(_T2_MEASURES))
_SECTIONS = {
    "agency": 0,
    "year": 1,
    "format_version": 2,
    "report_id": 3,
    "narrative": 4,
    "proactive": 5,
    "applications": 6,
    "review_litigation": 7,
}
_BIG = 10_000


def _part_rank(table: str, i: int, part: str) -> int:
    if table == "applications":
        ranks = _T3_ROWS if i == 1 else _T3_COLS
    elif table == "review_litigation":
        ranks = _T4_GROUPS if i == 1 else _T4_COLS
    elif table == "proactive":
        ranks = _T2_ITEMS if i == 1 else _T2_MEASURES
    else:
        ranks = {}
    return ranks.get(part, _BIG)


def cell_sort_key(cell: str) -> tuple[Any, ...]:
    """Order cells as the form prints them: this report before the prior year's, then section,
    row, column; unknown codes last, by name."""
    prior = cell.startswith(PRIOR)
    parts = (cell[len(PRIOR) :] if prior else cell).split(".")
    table = parts[0]
    key: list[Any] = [prior, _SECTIONS.get(table, _BIG), table]
    for i, part in enumerate(parts[1:], start=1):
        key += [_part_rank(table, i, part), part]
    return tuple(key)


def canonical_cells(cells: Iterable[str]) -> tuple[str, ...]:
    """Distinct cells in canonical order."""
    return tuple(sorted({c for c in cells if c}, key=cell_sort_key))


@lru_cache(maxsize=65536)
def split_cells(cells: str | None) -> tuple[str, ...]:
    """The cells of a comma-separated string, in canonical order (cached: 10⁵ findings name a few
    hundred distinct cell lists)."""
    return canonical_cells((cells or "").split(","))


def is_repaired(cell: str, wheres: set[str]) -> bool:
    """True when a repair's ``where`` is the cell's path or a prefix of it (``applications.granted``
    covers ``applications.granted.total``)."""
    if not wheres:
        return False
    parts = cell.split(".")
    return any(".".join(parts[:i]) in wheres for i in range(1, len(parts) + 1))


def repair_wheres(repairs: Any, prefix: str = "") -> set[str]:
    """The ``where`` paths of a repair list (a list of dicts, or its JSON text)."""
    if repairs is None:
        return set()
    if isinstance(repairs, str | bytes):
        return set(_text_wheres(repairs, prefix))
    return _wheres(repairs, prefix)


@lru_cache(maxsize=4096)
def _text_wheres(text: str | bytes, prefix: str) -> frozenset[str]:
    """``repair_wheres`` of a JSON text (cached: a report's findings share its repairs)."""
    import json

    try:
        repairs = json.loads(text)
    except ValueError:
        return frozenset()
    return frozenset(_wheres(repairs, prefix))


def _wheres(repairs: Any, prefix: str) -> set[str]:
    out: set[str] = set()
    for r in repairs or []:
        where = r.get("where") if isinstance(r, dict) else None
        if where:
            out.add(prefix + str(where))
    return out


def finding_kind(cells: Iterable[str], wheres: set[str], blocking: bool) -> str:
    """``pipeline`` for a structural rule, ``parse_suspect`` when a repair touched a cell, else
    ``source`` (the report as published breaks the rule)."""
    if blocking:
        return "pipeline"
    return "parse_suspect" if any(is_repaired(c, wheres) for c in cells) else "source"


# ----------------------------------------------------------------------------- messages


def _n(v: float | None) -> str:
    if v is None:
        return "null"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def message(
    rule_id: str,
    cells: tuple[str, ...],
    column_code: str | None,
    year: int | None,
    expected: float | None,
    observed: float | None,
) -> str:
    """One English line saying what is wrong: the rule's ``message`` (``pipeline.form.identities``)
    filled from the finding's own fields."""
    e, o = _n(expected), _n(observed)
    first = cells[0] if cells else ""
    parts = first.split(".")
    rule = identities.RULE.get(rule_id)
    if rule is None:
        return f"{rule_id}: expected {e}, observed {o} at {','.join(cells)}"
    text = rule.message
    if isinstance(text, dict):  # one wording per first cell; the last one for any other cell
        text = text.get(first, list(text.values())[-1])
    return text.format(
        first=first,
        line=parts[1] if len(parts) > 1 else "",
        line_path=first.rsplit(".", 1)[0] if first.count(".") > 1 else first,
        column=column_code,
        expected=e,
        observed=o,
        prev=f"{year - 1}" if isinstance(year, int) else "the previous year",
    )
