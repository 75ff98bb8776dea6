"""A report record read the way the warehouse stores it (``pipeline.load.flatten``), raw values kept.

Table 三 holds only the rows of the report's form (all rows present when the form is unknown),
table 四 only groups with a value, table 二 every item the record carries. The pure rules look at
exactly the cells the warehouse check frames see.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pipeline.quality.findings import KNOWN_FORMATS, repair_wheres
from pipeline.record import (
    APPLICANT_COLUMNS,
    APPLICATION_ROW_FORMATS,
    APPLICATION_ROWS,
    RL_COLUMNS,
    RL_GROUPS,
)

REPORT_STATUSES = ("ok", "partial")


def _agency_id(name: str | None, admin_code: str | None) -> str | None:
    """The warehouse's agency id (``pipeline.load.agency``), None without a name."""
    from pipeline.load.agency import agency_key

    return agency_key(name, admin_code) or None


def is_report(record: dict[str, Any]) -> bool:
    """Records the rules apply to: status ok/partial (a hand-built record without one counts)."""
    return (record.get("status") or "ok") in REPORT_STATUSES


@dataclass
class View:
    """The cells of one record as the warehouse holds them, raw values kept."""

    report_id: str | None
    agency_id: str | None
    agency_name: str | None
    year: Any
    fmt: Any
    status: str
    wheres: set[str]
    t3: dict[str, dict[str, Any]] = field(default_factory=dict)  # row → column → raw value
    t3_unknown_rows: list[str] = field(default_factory=list)
    t4: dict[str, dict[str, Any]] = field(default_factory=dict)  # group → outcome → raw value
    t2: dict[str, dict[str, Any]] = field(default_factory=dict)  # item → measure → raw value
    narrative_applications: Any = None

    def cells(self) -> Iterator[tuple[str, str, str, str, Any]]:
        """(table, line, column, path, raw value) of every cell."""
        for table, lines in (
            ("applications", self.t3),
            ("review_litigation", self.t4),
            ("proactive", self.t2),
        ):
            for line, cols in lines.items():
                for col, v in cols.items():
                    yield table, line, col, f"{table}.{line}.{col}", v


def view(record: dict[str, Any]) -> View:
    """Read a record into a :class:`View` (mirrors ``pipeline.load.flatten``)."""
    agency = record.get("agency") or {}
    name = agency.get("name")
    fmt = record.get("format_version")
    v = View(
        report_id=(record.get("source") or {}).get("sha256"),
        agency_id=_agency_id(name, agency.get("admin_code")),
        agency_name=name,
        year=record.get("year"),
        fmt=fmt,
        status=record.get("status") or "ok",
        wheres=repair_wheres(record.get("repairs")),
        narrative_applications=(record.get("narrative") or {}).get("applications_received"),
    )
    apps = record.get("applications") or {}
    rows = apps.get("rows") or {}
    columns = apps.get("columns") or APPLICANT_COLUMNS
    if rows:
        for code in APPLICATION_ROWS:
            if fmt in KNOWN_FORMATS:
                if fmt not in APPLICATION_ROW_FORMATS[code]:
                    continue
            elif code not in rows:
                continue
            values = rows.get(code) or [None] * len(columns)
            v.t3[code] = dict(zip(columns, values, strict=False))
        v.t3_unknown_rows = [c for c in rows if c not in APPLICATION_ROW_FORMATS]
    review = record.get("review_litigation") or {}
    outcomes = review.get("columns") or RL_COLUMNS
    for group in RL_GROUPS:
        values = review.get(group)
        if values and any(x is not None for x in values):
            v.t4[group] = dict(zip(outcomes, values, strict=False))
    for item, measures in (record.get("proactive") or {}).items():
        if measures:
            v.t2[item] = dict(measures)
    return v
