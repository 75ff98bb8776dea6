"""The night's summary as Markdown (Dagster metadata of the last asset): what changed, what was
quarantined and why, the new findings — not only counts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pipeline.review.findings import has_table
from pipeline.review.labels import rule_zh

if TYPE_CHECKING:
    import duckdb

    from pipeline.load.layout import Layout

SHOWN = 30


def _esc(v: Any) -> str:
    return "" if v is None else str(v).replace("|", "\\|").replace("\n", " ")


def table_md(header: tuple[str, ...], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_esc(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def quarantine_md(con: duckdb.DuckDBPyConnection, shown: int = SHOWN, since: datetime | None = None) -> str:
    """The quarantined files with their reason; with ``since``, those parsed since then first,
    marked new."""
    rows = con.execute(
        "select case when parsed_at >= $since then 'new' else '' end, path, status, reason from quarantine "
        "order by parsed_at >= $since desc nulls last, status, path limit $shown",
        {"shown": shown, "since": since},
    ).fetchall()
    n = con.execute("select count(*) from quarantine").fetchall()[0][0]
    if not n:
        return "no file in quarantine"
    more = f"\n\n… {n - shown} more in table quarantine" if n > shown else ""
    return table_md(("", "file 文件", "status", "reason 原因"), rows) + more


def findings_by_rule_md(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        "select rule_id, severity, count(*), count(distinct report_id), "
        "count(*) filter (where kind = 'parse_suspect') from quality_finding group by all order by 2, 1"
    ).fetchall()
    if not rows:
        return "no findings"
    return table_md(
        ("rule", "规则", "severity", "findings", "reports", "parse_suspect"),
        [(r[0], rule_zh(r[0]), *r[1:]) for r in rows],
    )


def corrections_md(con: duckdb.DuckDBPyConnection) -> str:
    if not has_table(con, "correction"):
        return "no corrections"
    rows = con.execute(
        "select status, count(*), string_agg(distinct path, ', ') from correction group by 1 order by 1"
    ).fetchall()
    return table_md(("status", "corrections", "files"), rows) if rows else "no corrections"


def raw_notes(layout: Layout | None) -> list[str]:
    """What in the raw folder is not in the warehouse: entries outside any batch (ignored) and
    batches whose folder is gone (left out)."""
    if layout is None:
        return []
    from pipeline.load.layout import outside_batches

    notes = []
    loose = outside_batches(layout.raw_dir)
    if loose:
        shown = ", ".join(f"`{n}`" for n in loose[:SHOWN]) + (" …" if len(loose) > SHOWN else "")
        notes.append(
            f"**Not ingested**: {len(loose)} entr{'y' if len(loose) == 1 else 'ies'} directly in "
            f"`{layout.raw_dir}` (a batch is a sub-folder): {shown}"
        )
    if layout.facts_dir.is_dir():
        batches = set(layout.batches())
        gone = sorted(d.name for d in layout.facts_dir.iterdir() if d.is_dir() and d.name not in batches)
        if gone:
            notes.append(
                "**Batches removed** from the raw folder, left out of the warehouse: "
                + ", ".join(f"`{b}`" for b in gone)
            )
    return notes


def in_force_summary(con: duckdb.DuckDBPyConnection, layout: Layout | None = None) -> str:
    """Summary of a night where nothing changed: the warehouse in force and its open findings."""
    reports = con.execute("select count(*) from report").fetchall()[0][0]
    return "\n\n".join(
        [
            *raw_notes(layout),
            f"**Nothing changed**: no new, changed or removed file; the published warehouse "
            f"({reports} reports) stays in force and its checks are re-reported.",
            "**Findings in force**\n\n" + findings_by_rule_md(con),
            "**Quarantine in force**\n\n" + quarantine_md(con),
            "**Corrections**\n\n" + corrections_md(con),
        ]
    )


def run_summary(
    con: duckdb.DuckDBPyConnection,
    changes: dict[str, Any],
    new_findings: str,
    layout: Layout | None = None,
    since: datetime | None = None,
) -> str:
    """Summary of a night that rebuilt: files changed, quarantine, new findings, corrections."""
    files = changes.get("raw_ogi__files", {})
    parsed = changes.get("core_ogi__reports", {})
    changed = (
        f"files {files.get('files', '?')}: new {files.get('new', 0)}, changed {files.get('changed', 0)}, "
        f"removed {files.get('removed', 0)}, unchanged {files.get('unchanged', 0)}; "
        f"parsed {parsed.get('parsed', 0)}, quarantined this run {parsed.get('new_in_quarantine', 0)}"
    )
    batches = files.get("batches")
    parts = ["**What changed**\n\n" + changed + (f"\n\n{batches}" if isinstance(batches, str) else "")]
    parts += raw_notes(layout)
    parts.append("**Quarantined (not in the facts), and why**\n\n" + quarantine_md(con, since=since))
    parts.append("**New findings** (not in the previous warehouse)\n\n" + new_findings)
    parts.append("**All findings in force**\n\n" + findings_by_rule_md(con))
    parts.append("**Corrections**\n\n" + corrections_md(con))
    return "\n\n".join(parts)
