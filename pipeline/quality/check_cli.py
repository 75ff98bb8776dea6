"""``ogi check FILE...``: the accounting-identity rules on files, without the warehouse.

For a reviewer checking reports before they are published. The files are parsed in worker
processes (``pipeline.runner.parse_files``: per-file time limit, a crash is a failed record), the
records are loaded into an in-memory DuckDB shaped like the warehouse (``memory.py``), and the same
check frames and GX suites as the pipeline run on it (cross-year rules across the files given).
Findings are printed per file, or with ``--json`` one JSON object per finding. Exit code 0
whatever the findings.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from pipeline.quality.findings import Finding

REPORT_STATUSES = ("ok", "partial")


def is_report(record: dict[str, Any]) -> bool:
    """Records the rules apply to: status ok/partial (a hand-built record without one counts)."""
    return (record.get("status") or "ok") in REPORT_STATUSES


def parse_all(
    files: list[Path], *, timeout: float = 60, workers: int | None = None
) -> Iterator[dict[str, Any]]:
    """One record per file, in order, parsed by the process runner."""
    from pipeline.runner import parse_files

    yield from parse_files(files, timeout=timeout, workers=workers)


def check_records(records: list[dict[str, Any]]) -> list[list[Finding]]:
    """Findings per record (record order), cross-year ones across all of them included: the
    records are loaded into an in-memory warehouse and the GX suites run on its check frames."""
    from pipeline.quality.gx_runner import validate_warehouse
    from pipeline.quality.memory import load_records

    reports = [r for r in records if is_report(r)]
    if not reports:
        return [[] for _ in records]
    for r in reports:  # a hand-built record may lack a status: the warehouse stores reports only
        r.setdefault("status", "ok")
    unique = {(r.get("source") or {}).get("sha256"): r for r in reports}  # same content: the last
    con = load_records(unique.values())
    try:
        findings = validate_warehouse(con).findings
    finally:
        con.close()
    by_report: dict[str | None, list[Finding]] = {}
    for f in findings:
        by_report.setdefault(f.report_id, []).append(f)
    out: list[list[Finding]] = []
    seen: set[str | None] = set()
    for r in records:
        rid = (r.get("source") or {}).get("sha256")
        if not is_report(r) or rid in seen:  # the same content twice: its findings once
            out.append([])
            continue
        seen.add(rid)
        out.append(by_report.get(rid, []))
    return out


def json_line(path: str, f: Finding) -> str:
    """One finding as the ``--json`` output prints it."""
    return json.dumps(
        {
            "file": path,
            "rule": f.rule_id,
            "severity": f.severity,
            "kind": f.kind,
            "cells": list(f.cells),
            "column": f.column_code,
            "expected": f.expected,
            "observed": f.observed,
            "message": f.message,
        },
        ensure_ascii=False,
    )


def _n(v: float | None) -> str:
    if v is None:
        return "-"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _order(f: Finding) -> tuple[Any, ...]:
    return (f.severity != "error", f.rule_id, f.cells)


def stored_as(record: dict[str, Any]) -> str | None:
    """Why the warehouse would not keep this ok report as ok (flatten quarantines, e.g., a report
    with a table that holds no value at all), or None. Such a report is no finding, so say it."""
    from pipeline.load.flatten import flatten
    from pipeline.record import PARSER_VERSION

    if record.get("status", "ok") != "ok":
        return None
    quarantine = flatten(record, "check", (record.get("source") or {}).get("path") or "", PARSER_VERSION)[
        "quarantine"
    ]
    return f"stored as {quarantine['status']}: {quarantine['reason']}" if quarantine else None


def human(path: str, record: dict[str, Any], findings: list[Finding]) -> str:
    """A file's block of the human-readable output."""
    agency = (record.get("agency") or {}).get("name") or "?"
    head = (
        f"{path}: {agency} {record.get('year') or '?'} "
        f"(form {record.get('format_version') or '?'}), status {record.get('status')}"
    )
    lines = [head]
    if not is_report(record):
        why = "; ".join(record.get("problems") or []) or "not a report"
        lines.append(f"  not checked: {why}")
        return "\n".join(lines)
    if (note := stored_as(record)) is not None:
        lines.append(f"  {note}")
    if not findings:
        lines.append("  no findings")
    for f in sorted(findings, key=_order):
        lines.append(f"  {f.severity.upper():5} {f.rule_id} [{f.kind}] {f.message}")
        lines.append(
            f"        expected {_n(f.expected)}, observed {_n(f.observed)}; cells {', '.join(f.cells)}"
        )
    return "\n".join(lines)


def check_command(
    files: list[Path],
    as_json: bool,
    out: TextIO | None = None,
    *,
    timeout: float = 60,
    workers: int | None = None,
) -> None:
    """Parse the files, run the checks and print the findings (never raises for a bad file)."""
    out = out or sys.stdout
    files = list(files)
    records = list(parse_all(files, timeout=timeout, workers=workers))
    per = check_records(records)
    counts = {"error": 0, "warn": 0}
    for path, record, findings in zip(files, records, per, strict=True):
        for f in findings:
            counts[f.severity] = counts.get(f.severity, 0) + 1
        if as_json:
            for f in sorted(findings, key=_order):
                out.write(json_line(str(path), f) + "\n")
            if not is_report(record):
                sys.stderr.write(f"{path}: not checked, status {record.get('status')}\n")
            elif (note := stored_as(record)) is not None:
                sys.stderr.write(f"{path}: {note}\n")
        else:
            out.write(human(str(path), record, findings) + "\n")
    if not as_json:
        n_reports = sum(1 for r in records if is_report(r))
        out.write(
            f"{len(files)} files, {n_reports} reports checked: {counts['error']} error and "
            f"{counts['warn']} warn findings\n"
        )
