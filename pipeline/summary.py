"""One readable paragraph per record for `ogi parse` without --json."""

from __future__ import annotations

from typing import Any

from pipeline.parse.identities import column_residuals, row_residual


def identity_counts(record: dict[str, Any]) -> tuple[int, int]:
    """(held, broken) over the table-三 row and column identities that can be evaluated."""
    from decimal import Decimal

    rows = {
        k: [None if v is None else Decimal(str(v)) for v in vals]
        for k, vals in record["applications"]["rows"].items()
    }
    if not any(v is not None for vals in rows.values() for v in vals):
        return 0, 0
    # table 三's own layout decides the disposition rows: （六） as three sub-rows or as one
    layout = 2021 if any(v is not None for v in rows.get("other_no_correction", [None])) else 2019
    res = [row_residual(v) for v in rows.values()] + column_residuals(rows, layout)
    known = [r for r in res if r is not None]
    return sum(1 for r in known if r == 0), sum(1 for r in known if r != 0)


def _source(source: dict[str, Any]) -> str:
    """'txt/utf-8', 'pdf' (binary formats have no text encoding), '?' when the file was not read."""
    fmt, enc = source.get("format"), source.get("encoding")
    return "/".join(x for x in (fmt or "?", enc) if x)


def summarize_record(record: dict[str, Any]) -> str:
    a = record["agency"]
    held, broken = identity_counts(record)
    lines = [
        f"{record['source']['path']}",
        f"  agency  {a.get('name') or '?'}  ({a.get('province') or '?'} {a.get('city') or ''} {a.get('county') or ''}"
        f" {a.get('admin_code') or ''}, {a.get('kind') or '?'})",
        f"  year    {record.get('year') or '?'}   format {record.get('format_version') or '?'}"
        f"   source {_source(record['source'])}",
        f"  status  {record['status']}   identities held {held}, broken {broken}"
        f"   repairs {len(record['repairs'])}",
    ]
    lines += [f"  problem: {p}" for p in record["problems"]]
    lines += [f"  repair:  {r['where']}: {r['why']}" for r in record["repairs"][:10]]
    if len(record["repairs"]) > 10:
        lines.append(f"  … {len(record['repairs']) - 10} more repairs")
    return "\n".join(lines)
