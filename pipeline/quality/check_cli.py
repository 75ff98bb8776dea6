"""``ogi check FILE...``: the accounting-identity rules on files, without the warehouse.

For a reviewer checking reports before they are published: each file is parsed, the rules of
``rules.py`` run on it (cross-year rules across the files given), and the findings are printed per
file, or with ``--json`` one JSON object per finding. The exit code is 0 whatever the findings.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from pipeline.quality.findings import Finding
from pipeline.quality.rules import cross_year_by_record, findings_for_record, is_report


def _parse(path: Path) -> dict[str, Any]:
    from pipeline.report import failed_record, parse_bytes

    try:
        data = path.read_bytes()
    except OSError as exc:
        return failed_record(str(path), f"cannot read the file: {exc.strerror or exc}")
    return parse_bytes(data, str(path))


def check_records(records: list[dict[str, Any]]) -> list[list[Finding]]:
    """Findings per record (record order), cross-year ones across all of them included."""
    per = [findings_for_record(r) for r in records]
    for i, f in cross_year_by_record(records):
        per[i].append(f)
    return per


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
    if not findings:
        lines.append("  no findings")
    for f in sorted(findings, key=lambda f: (f.severity != "error", f.rule_id, f.cells)):
        lines.append(f"  {f.severity.upper():5} {f.rule_id} [{f.kind}] {f.message}")
        lines.append(
            f"        expected {_n(f.expected)}, observed {_n(f.observed)}; cells {', '.join(f.cells)}"
        )
    return "\n".join(lines)


def check_command(files: list[Path], as_json: bool, out: TextIO | None = None) -> None:
    """Parse the files, run the rules and print the findings (never raises for a bad file)."""
    out = out or sys.stdout
    records = [_parse(p) for p in files]
    per = check_records(records)
    counts = {"error": 0, "warn": 0}
    for path, record, findings in zip(files, records, per, strict=True):
        for f in findings:
            counts[f.severity] = counts.get(f.severity, 0) + 1
        if as_json:
            for f in findings:
                out.write(json_line(str(path), f) + "\n")
            if not is_report(record):
                sys.stderr.write(f"{path}: not checked, status {record.get('status')}\n")
        else:
            out.write(human(str(path), record, findings) + "\n")
    if not as_json:
        n_reports = sum(1 for r in records if is_report(r))
        out.write(
            f"{len(files)} files, {n_reports} reports checked: {counts['error']} error and "
            f"{counts['warn']} warn findings\n"
        )
