"""The offline quality report: every finding of ``quality_finding`` as the form prints it — the
rule, the cells with their values, both sides of the identity, the file and the page/line it came
from, and the raw line. GX Data Docs draw their index with scripts from a CDN (empty offline) and
name no agency or file; this page is plain HTML from Jinja2 and opens anywhere."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.review.findings import finding_rows
from pipeline.review.labels import KIND_ZH, SEVERITY_ZH, cell_zh

if TYPE_CHECKING:
    import duckdb

_VALUES = """
select 'applications.' || disposition_code || '.' || applicant_code as cell, "count" as v
from fact_application where report_id = $1
union all
select 'review_litigation.' || group_code || '.' || outcome_code, "count" from fact_review_litigation where report_id = $1
union all
select 'proactive.' || item_code || '.' || measure_code, value from fact_proactive where report_id = $1
union all
select 'narrative.applications_received', narrative_applications_received from report where report_id = $1
union all
select 'narrative.items_published', narrative_items_published from report where report_id = $1
"""


def cell_values(con: duckdb.DuckDBPyConnection, report_id: str) -> dict[str, Any]:
    return dict(con.execute(_VALUES, [report_id]).fetchall())


def with_cells(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each finding with ``cell_list``: (Chinese label, path, value) of every cell involved."""
    cache: dict[str, dict[str, Any]] = {}
    for r in rows:
        values = cache.setdefault(r["report_id"], cell_values(con, r["report_id"]) if r["report_id"] else {})
        r["cell_list"] = [(cell_zh(c), c, values.get(c)) for c in (r["cells"] or "").split(",") if c]
    return rows


def write_quality_report(con: duckdb.DuckDBPyConnection, path: Path, warehouse: str = "") -> int:
    """Write the report; return the number of findings in it."""
    from pipeline.review.render import render

    rows = with_cells(con, finding_rows(con))
    rules = con.execute(
        "select rule_id, severity, rule_zh, description from quality_rule order by severity, rule_id"
    ).fetchall()
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["rule_id"]] = counts.get(r["rule_id"], 0) + 1
    render(
        "quality.html.j2",
        path,
        rows=rows,
        rules=rules,
        counts=counts,
        severity_zh=SEVERITY_ZH,
        kind_zh=KIND_ZH,
        n_reports=con.execute("select count(*) from report").fetchone()[0],
        warehouse=warehouse,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    return len(rows)
