"""Report record → rows of the warehouse tables. Pure Python: runs inside the parse workers.

The rules (also in ``docs/warehouse-contract.md``):
- ``report``: one row per distinct file content that is a report (status ``ok`` or ``partial``);
- ``quarantine``: one row per file whose status is not ``ok`` — what a person should look at;
- ``fact_application``: one row per (row code, applicant column) of table 三 when the report has
  the table; rows the report's form does not have (2019: other_no_correction, other_no_fee) are
  omitted, rows it should have but the parser could not read are present with ``count`` NULL;
- ``fact_proactive`` / ``fact_review_litigation``: every cell the record carries.
A cell is ``is_repaired`` when a repair's ``where`` is the cell's dotted path or a prefix of it.
"""

from __future__ import annotations

import json
from typing import Any

from pipeline.load.agency import agency_key
from pipeline.record import (
    APPLICANT_COLUMNS,
    APPLICATION_ROW_FORMATS,
    APPLICATION_ROWS,
    PROACTIVE_ITEMS,
    RL_COLUMNS,
    RL_GROUPS,
    as_count,
)

#: version of these rules and of the Parquet columns: bump it and every batch is re-flattened
LOAD_VERSION = "2"  # 2: last_seen_at; reports off the form's shape quarantined alone
REPORT_STATUSES = ("ok", "partial")

Row = dict[str, Any]
_INT64_MAX = 2**63 - 1
#: the tables a report with status ok must hold values for (the structural check ``lost_table``)
_TABLES = ("proactive", "applications", "review_litigation")
#: every table 二 cell of either form, as "item.measure"
_PROACTIVE_CODES = {
    f"{item}.{measure}"
    for items in PROACTIVE_ITEMS.values()
    for item, (_l, ms) in items.items()
    for measure in ms
}


def _count(v: Any) -> int | None:
    """A count the warehouse can store (int64): records cached before the sanitiser
    (``pipeline/sanitize.py``) may still carry a value out of range, and one such value must
    not stop the batch."""
    n = as_count(v)
    return n if n is None or 0 <= n <= _INT64_MAX else None


def _value(v: Any) -> float | None:
    if v is None or isinstance(v, bool):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


class _Repaired:
    """Answers "was this cell repaired?" from the record's repair list."""

    def __init__(self, repairs: list[dict[str, Any]]) -> None:
        self.wheres = {str(r.get("where")) for r in repairs or [] if r.get("where")}

    def __call__(self, path: str) -> bool:
        if not self.wheres:
            return False
        parts = path.split(".")
        return any(".".join(parts[:i]) in self.wheres for i in range(1, len(parts) + 1))


def _reason(record: dict[str, Any]) -> str:
    problems = [str(p) for p in record.get("problems") or []]
    return "; ".join(problems) if problems else f"status {record.get('status')}"


def flatten(record: dict[str, Any], batch: str, path: str, parser_version: str) -> dict[str, Any]:
    """Rows of every table for one record: ``report``/``quarantine`` as one dict or None, facts as
    column lists. Timestamps are filled in by the caller, which knows when a file was first seen."""
    src = record.get("source") or {}
    agency = record.get("agency") or {}
    status = record.get("status") or "failed"
    report_id = src.get("sha256")
    name = agency.get("name")
    aid = agency_key(name, agency.get("admin_code")) or None
    year = record.get("year")
    fmt = record.get("format_version")
    narrative = record.get("narrative") or {}
    repairs = record.get("repairs") or []
    out: dict[str, Any] = {"report": None, "quarantine": None}
    shape: list[str] = []  # the record's tables do not have the form's shape

    if status in REPORT_STATUSES:
        out["report"] = {
            "report_id": report_id,
            "batch": batch,
            "path": path,
            "sha256": report_id,
            "format": src.get("format"),
            "encoding": src.get("encoding"),
            "bytes": src.get("bytes"),
            "agency_id": aid,
            "agency_name": name,
            "province": agency.get("province"),
            "city": agency.get("city"),
            "county": agency.get("county"),
            "admin_code": agency.get("admin_code"),
            "agency_kind": agency.get("kind"),
            "year": year,
            "format_version": fmt,
            "status": status,
            "problems": json.dumps(record.get("problems") or [], ensure_ascii=False),
            "repairs": json.dumps(repairs, ensure_ascii=False, default=str),
            "n_repairs": len(repairs),
            "narrative_items_published": _count(narrative.get("items_published")),
            "narrative_applications_received": _count(narrative.get("applications_received")),
            "parser_version": parser_version,
        }
    if status != "ok":
        out["quarantine"] = _quarantine_row(record, batch, path, parser_version, status, _reason(record))

    app: dict[str, list[Any]] = {
        k: [] for k in ("disposition_code", "applicant_code", "count", "is_repaired")
    }
    pro: dict[str, list[Any]] = {k: [] for k in ("item_code", "measure_code", "value", "is_repaired")}
    rl: dict[str, list[Any]] = {k: [] for k in ("group_code", "outcome_code", "count", "is_repaired")}
    if out["report"] is not None:
        repaired = _Repaired(repairs)
        rows = (record.get("applications") or {}).get("rows") or {}
        columns = (record.get("applications") or {}).get("columns") or APPLICANT_COLUMNS
        if list(columns) != APPLICANT_COLUMNS:
            shape.append(f"table 三 has columns {list(columns)}, not the form's {len(APPLICANT_COLUMNS)}")
        if rows:
            for code in APPLICATION_ROWS:
                if fmt in (2019, 2021):
                    if fmt not in APPLICATION_ROW_FORMATS[code]:
                        continue  # not a row of this form, even if the record carries nulls for it
                elif code not in rows:
                    continue
                values = _fit(rows.get(code), len(APPLICANT_COLUMNS), f"table 三 row {code}", shape)
                for col, v in zip(APPLICANT_COLUMNS, values, strict=True):
                    app["disposition_code"].append(code)
                    app["applicant_code"].append(col)
                    app["count"].append(_count(v))
                    app["is_repaired"].append(repaired(f"applications.{code}.{col}"))
        for item, measures in (record.get("proactive") or {}).items():
            for measure, v in (measures or {}).items():
                if f"{item}.{measure}" not in _PROACTIVE_CODES:
                    shape.append(f"table 二 cell {item}.{measure} is not on the form; left out")
                    continue
                pro["item_code"].append(item)
                pro["measure_code"].append(measure)
                pro["value"].append(_value(v))
                pro["is_repaired"].append(repaired(f"proactive.{item}.{measure}"))
        review = record.get("review_litigation") or {}
        outcomes = review.get("columns") or RL_COLUMNS
        if list(outcomes) != RL_COLUMNS:
            shape.append(f"table 四 has columns {list(outcomes)}, not the form's {len(RL_COLUMNS)}")
        for group in RL_GROUPS:
            values = review.get(group)
            if not values or all(v is None for v in values):
                continue  # table 四 not read
            values = _fit(values, len(RL_COLUMNS), f"table 四 row {group}", shape)
            for col, v in zip(RL_COLUMNS, values, strict=True):
                rl["group_code"].append(group)
                rl["outcome_code"].append(col)
                rl["count"].append(_count(v))
                rl["is_repaired"].append(repaired(f"review_litigation.{group}.{col}"))

    if out["report"] is not None:
        # what the blocking structural checks (lost_table, column_count, unknown_code) would find
        # in this report alone: the report is quarantined with the reason, the run goes on
        if status == "ok":
            filled = {
                "proactive": sum(v is not None for v in pro["value"]),
                "applications": sum(v is not None for v in app["count"]),
                "review_litigation": sum(v is not None for v in rl["count"]),
            }
            lost = [t for t in _TABLES if not filled[t]]
            if lost:
                shape.append(f"status ok but no value at all in {', '.join(lost)}")
        if shape:
            problems = [*(record.get("problems") or []), *shape]
            out["report"]["status"] = "partial"
            out["report"]["problems"] = json.dumps(problems, ensure_ascii=False)
            out["quarantine"] = _quarantine_row(
                record, batch, path, parser_version, "partial", "; ".join(problems)
            )
    keys = {"batch": batch, "report_id": report_id, "agency_id": aid, "year": year}
    out["fact_application"] = _with_keys(app, {**keys, "format_version": fmt})
    out["fact_proactive"] = _with_keys(pro, {**keys, "format_version": fmt})
    out["fact_review_litigation"] = _with_keys(rl, keys)
    return out


def _fit(values: Any, n: int, what: str, shape: list[str]) -> list[Any]:
    """A table row with exactly the form's ``n`` cells (padded with nulls or cut), saying so."""
    values = list(values) if isinstance(values, list | tuple) else [None] * n
    if len(values) != n:
        shape.append(f"{what} has {len(values)} cells, the form has {n}")
        values = (values + [None] * n)[:n]
    return values


def _quarantine_row(
    record: dict[str, Any], batch: str, path: str, parser_version: str, status: str, reason: str
) -> Row:
    src = record.get("source") or {}
    return {
        "report_id": src.get("sha256"),
        "batch": batch,
        "path": path,
        "sha256": src.get("sha256"),
        "format": src.get("format"),
        "status": status,
        "reason": reason,
        "agency_name": (record.get("agency") or {}).get("name"),
        "year": record.get("year"),
        "parser_version": parser_version,
    }


def _with_keys(cols: dict[str, list[Any]], keys: dict[str, Any]) -> dict[str, list[Any]]:
    n = len(next(iter(cols.values())))
    return {**{k: [v] * n for k, v in keys.items()}, **cols}
