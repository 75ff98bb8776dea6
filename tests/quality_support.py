"""Helpers for the quality tests: golden records, violations, and a small contract-shaped warehouse.

``warehouse(records)`` flattens records with the pipeline's own ``pipeline.load.flatten`` into an
in-memory DuckDB holding ``report`` and the ``fact_*`` tables of docs/warehouse-contract.md (the
columns the check frames read), so the GX path can run without the Dagster build.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipeline.load.flatten import flatten
from pipeline.record import PARSER_VERSION

GOLDEN = Path(__file__).parent / "fixtures" / "golden"

_TABLES = {
    "report": """report_id varchar, agency_id varchar, agency_name varchar, province varchar,
        city varchar, county varchar, admin_code varchar, agency_kind varchar, year integer,
        format_version integer, status varchar, problems json, repairs json,
        narrative_items_published bigint, narrative_applications_received bigint, is_current boolean""",
    "fact_application": """report_id varchar, agency_id varchar, year integer, format_version integer,
        disposition_code varchar, applicant_code varchar, "count" bigint, is_repaired boolean""",
    "fact_proactive": """report_id varchar, agency_id varchar, year integer, format_version integer,
        item_code varchar, measure_code varchar, value double, is_repaired boolean""",
    "fact_review_litigation": """report_id varchar, agency_id varchar, year integer, group_code varchar,
        outcome_code varchar, "count" bigint, is_repaired boolean""",
}


def as_record(golden: dict[str, Any], name: str) -> dict[str, Any]:
    """A golden file as a full record: source (sha256 of its name), status ok, no repairs."""
    rec = copy.deepcopy(golden)
    rec.pop("file", None)
    rec.pop("notes", None)
    rec["source"] = {
        "path": name,
        "sha256": hashlib.sha256(name.encode()).hexdigest(),
        "format": "txt",
        "encoding": "utf-8",
        "bytes": 0,
    }
    rec["agency"] = {"kind": None, "admin_code": None, **rec["agency"]}
    rec.setdefault("repairs", [])
    rec.setdefault("provenance", {})
    rec["status"] = rec.get("status") or "ok"
    rec.setdefault("problems", [])
    rec["parser_version"] = PARSER_VERSION
    return rec


def golden_records() -> list[dict[str, Any]]:
    """The five seed goldens as records."""
    return [
        as_record(json.loads(p.read_text(encoding="utf-8")), p.name) for p in sorted(GOLDEN.glob("*.json"))
    ]


def golden(prefix: str) -> dict[str, Any]:
    """One golden record by file-name prefix (``"000"``)."""
    return next(r for r in golden_records() if r["source"]["path"].startswith(prefix))


def renamed(record: dict[str, Any], tag: str) -> dict[str, Any]:
    """A copy of ``record`` with its own report id (another file content)."""
    rec = copy.deepcopy(record)
    rec["source"]["path"] = f"{tag}.txt"
    rec["source"]["sha256"] = hashlib.sha256(tag.encode()).hexdigest()
    return rec


def warehouse(
    records: list[dict[str, Any]], con: duckdb.DuckDBPyConnection | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with ``report`` and ``fact_*`` built from the records by ``flatten``.
    The current report of an agency-year is the last one given (as ``ogi check`` takes it)."""
    con = con or duckdb.connect()
    for table, cols in _TABLES.items():
        con.execute(f"create or replace table {table} ({cols})")
    reports: list[dict[str, Any]] = []
    facts: dict[str, list[pd.DataFrame]] = {t: [] for t in _TABLES if t != "report"}
    for rec in records:
        rows = flatten(rec, "test", rec["source"]["path"], PARSER_VERSION)
        if rows["report"] is not None:
            reports.append(rows["report"])
        for table in facts:
            facts[table].append(pd.DataFrame(rows[table]))
    current: dict[tuple[Any, Any], int] = {}
    for i, r in enumerate(reports):
        if r["agency_id"] is not None and r["year"] is not None:
            current[(r["agency_id"], r["year"])] = i
    for i, r in enumerate(reports):
        r["is_current"] = current.get((r["agency_id"], r["year"])) == i
    _insert(con, "report", reports)
    for table, frames in facts.items():
        frames = [f for f in frames if len(f)]
        if frames:
            _insert(con, table, pd.concat(frames, ignore_index=True).to_dict("records"))
    return con


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    cols = [c for c in con.table(table).columns]
    df = pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols).astype(object)
    con.register("_rows", df)
    quoted = ", ".join(f'"{c}"' for c in cols)
    con.execute(f"insert into {table} ({quoted}) select {quoted} from _rows")
    con.unregister("_rows")


def lossy_parse_bytes(data: bytes, path: str) -> dict[str, Any]:
    """The real parser, except that for a file whose name says ``lossy`` it loses table 四 and
    still says ``ok``: a structural parse failure (for the blocking-check test; runs in workers)."""
    from pipeline.report import parse_bytes

    record = parse_bytes(data, path)
    if "lossy" in Path(path).name:
        review = record["review_litigation"]
        for group in ("review", "litigation_direct", "litigation_after_review"):
            review[group] = [None] * 5
        record["status"] = "ok"
    return record
