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
from pipeline.review.rows_html import finding_blocks

if TYPE_CHECKING:
    import duckdb

_FINDING_CELLS = """
with fc as (
    select distinct report_id, unnest(string_split(cells, ',')) as cell
    from quality_finding where report_id is not null
),
v as (
    select report_id, 'applications.' || disposition_code || '.' || applicant_code as cell, "count"::double as v
    from fact_application semi join fc using (report_id)
    union all
    select report_id, 'review_litigation.' || group_code || '.' || outcome_code, "count"::double
    from fact_review_litigation semi join fc using (report_id)
    union all
    select report_id, 'proactive.' || item_code || '.' || measure_code, value
    from fact_proactive semi join fc using (report_id)
    union all
    select report_id, 'narrative.applications_received', narrative_applications_received::double
    from report semi join fc using (report_id)
    union all
    select report_id, 'narrative.items_published', narrative_items_published::double
    from report semi join fc using (report_id)
)
select fc.report_id, fc.cell, v.v from fc inner join v using (report_id, cell)
"""


def cell_values(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], Any]:
    """(report_id, cell) → value for every cell a finding involves, in one query."""
    return {(r, c): v for r, c, v in con.execute(_FINDING_CELLS).fetchall()}


def with_cells(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each finding with ``cell_list``: (Chinese label, path, value) of every cell involved."""
    values = cell_values(con)
    for r in rows:
        r["cell_list"] = [
            (cell_zh(c), c, values.get((r["report_id"], c))) for c in (r["cells"] or "").split(",") if c
        ]
    return rows


def write_quality_report(con: duckdb.DuckDBPyConnection, path: Path, warehouse: str = "") -> int:
    """Write the report — ``path`` (the rules, findings per province) and one page of findings per
    province in ``quality/`` beside it; return the number of findings."""
    from pipeline.review.cards import slug
    from pipeline.review.render import render

    rows = with_cells(con, finding_rows(con))
    rules = con.execute(
        "select rule_id, severity, rule_zh, description from quality_rule order by severity, rule_id"
    ).fetchall()
    counts: dict[str, int] = {}
    by_province: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        counts[r["rule_id"]] = counts.get(r["rule_id"], 0) + 1
        by_province.setdefault(r["province"] or "（未识别）", []).append(r)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    folder = path.parent / "quality"
    folder.mkdir(parents=True, exist_ok=True)
    pages = {p: f"quality/{slug(p)}.html" for p in by_province}
    for province, prows in by_province.items():
        tmp = folder / f".{slug(province)}.html.tmp"
        render(
            "quality_findings.html.j2",
            tmp,
            province=province,
            rows=prows,
            findings_html=finding_blocks(prows),
            generated=generated,
        )
        tmp.replace(path.parent / pages[province])
    for old in folder.glob("*.html"):
        if f"quality/{old.name}" not in pages.values():
            old.unlink()
    render(
        "quality.html.j2",
        path,
        provinces=[
            (p, pages[p], len(pr), sum(1 for r in pr if r["severity"] == "error"))
            for p, pr in by_province.items()
        ],
        n_findings=len(rows),
        rules=rules,
        counts=counts,
        severity_zh=SEVERITY_ZH,
        kind_zh=KIND_ZH,
        n_reports=con.execute("select count(*) from report").fetchone()[0],
        warehouse=warehouse,
        generated=generated,
    )
    return len(rows)
