"""Helpers for the quality tests: golden records, violations, and a small contract-shaped warehouse.

``warehouse(records)`` is ``pipeline.quality.memory.load_records``: the records flattened by the
pipeline's own ``pipeline.load.flatten`` into an in-memory DuckDB holding ``report`` and the
``fact_*`` tables the check frames read, so the one check path runs without the Dagster build.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb

from pipeline.quality.memory import load_records
from pipeline.record import PARSER_VERSION

GOLDEN = Path(__file__).parent / "fixtures" / "golden"


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
    """An in-memory DuckDB with ``report`` and ``fact_*`` built from the records by ``flatten``
    (``pipeline.quality.memory``, what ``ogi check`` uses). The current report of an agency-year is
    the last one given."""
    return load_records(records, con)


def findings(records: list[dict[str, Any]]) -> list[Any]:
    """Every finding of the records on the one check path: in-memory warehouse, check frames, GX."""
    from pipeline.quality.gx_runner import validate_warehouse

    validation = validate_warehouse(warehouse(records))
    assert all(not o.errors for o in validation.outcomes.values()), validation.outcomes
    return validation.findings


def lossy_parse_bytes(data: bytes, path: str) -> dict[str, Any]:
    """The real parser, run in a worker whose flattening has a bug: for a file whose name says
    ``lossy`` it writes a fact with a table-二 item code the form does not know. That is a fault of
    the pipeline's own code, not of a report (a report off the form's shape is quarantined alone
    by ``flatten``), so it must stop the marts (for the blocking-check test; runs in workers)."""
    from pipeline.load import work
    from pipeline.report import parse_bytes

    if not getattr(work.flatten, "lossy", False):
        real = work.flatten

        def faulty(record: dict[str, Any], batch: str, path: str, parser_version: str) -> dict[str, Any]:
            out = real(record, batch, path, parser_version)
            facts = out["fact_proactive"]
            if "lossy" in Path(path).name and facts["item_code"]:
                for column in facts.values():
                    column.append(column[-1])
                facts["item_code"][-1] = "administrative_reconsideration"
            return out

        faulty.lossy = True  # type: ignore[attr-defined]
        work.flatten = faulty
    return parse_bytes(data, path)
