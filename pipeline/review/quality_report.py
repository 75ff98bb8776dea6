"""The offline quality report: every finding of ``quality_finding`` as the form prints it — the
rule, the cells with their values, both sides of the identity, the file and the page/line it came
from, and the raw line. GX Data Docs draw their index with scripts from a CDN (empty offline) and
name no agency or file; this page is plain HTML from Jinja2 and opens anywhere."""

from __future__ import annotations

import hashlib
import os
import pickle
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from pipeline.review.findings import finding_rows
from pipeline.review.labels import KIND_ZH, SEVERITY_ZH, cell_zh
from pipeline.review.rows_html import finding_block

if TYPE_CHECKING:
    import duckdb

_FINDING_CELLS = """
with fc as (
    select distinct report_id, unnest(string_split(cells, ',')) as cell
    from quality_finding where report_id is not null and ({where})
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


def cell_values(con: duckdb.DuckDBPyConnection, ids: list[str] | None = None) -> dict[tuple[str, str], Any]:
    """(report_id, cell) → value for every cell a finding involves (of the reports ``ids``, or
    all), in one query."""
    if ids is None:
        return {(r, c): v for r, c, v in con.execute(_FINDING_CELLS.format(where="true")).fetchall()}
    sql = _FINDING_CELLS.format(where="report_id in (select unnest(?::varchar[]))")
    return {(r, c): v for r, c, v in con.execute(sql, [ids]).fetchall()}


def with_cells(
    con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]], ids: list[str] | None = None
) -> list[dict[str, Any]]:
    """Each finding with ``cell_list``: (Chinese label, path, value) of every cell involved
    (``ids``: the reports of ``rows``, when they are not all)."""
    values = cell_values(con, ids)
    for r in rows:
        r["cell_list"] = [
            (cell_zh(c), c, values.get((r["report_id"], c))) for c in (r["cells"] or "").split(",") if c
        ]
    return rows


CACHE = ".blocks.pickle"
_CODE = ("quality_report.py", "rows_html.py", "labels.py", "findings.py", "render.py")
#: per report, a hash of everything its finding blocks show (the finding_rows columns and values)
_DIGEST = """
with v as (
    select report_id, sum(hash(cell, v))::varchar as d
    from ({cells}) group by report_id
)
select f.report_id, sum(hash(
        f.agency_id, f.agency_name, f.year, f.rule_id, f.severity, f.kind, f.cells, f.column_code,
        f.expected, f.observed, f.message, r.path, r.batch, r.province, r.city, r.county,
        r.agency_kind, r.format, {prov}
    ))::varchar || ':' || count(*) || ':' || coalesce(any_value(v.d), '') as digest
from quality_finding as f
left join report as r on r.report_id = f.report_id
{join}
left join v on v.report_id = f.report_id
where f.report_id is not null
group by f.report_id
"""


def _code_version() -> str:
    """The review code that shapes a block: another version renders every block again."""
    h = hashlib.sha256()
    here = Path(__file__).parent
    for name in _CODE:
        h.update((here / name).read_bytes())
    return h.hexdigest()


def _digests(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    from pipeline.review.findings import _provenance_join

    cols, join = _provenance_join(con)
    prov = "p.page, p.line, p.raw" if join else "null, null, null"
    sql = _DIGEST.format(cells=_FINDING_CELLS.format(where="true"), prov=prov, join=join)
    return dict(con.execute(sql).fetchall())


def _sort_key(r: dict[str, Any]) -> tuple[Any, ...]:
    """finding_rows' order (agency, year, rule, cells, column; nulls last) as a flat Python key
    (a flat tuple sorts 135k findings in 0.1 s, nested ones in 0.6 s)."""
    out: list[Any] = []
    for k in ("agency_name", "year", "rule_id", "cells", "column_code"):
        v = r[k]
        out += (1, 0) if v is None else (0, v)
    return tuple(out)


#: a cached finding: (sort key, province, severity, rule_id, block HTML without its opening tag)
Entry = tuple[tuple[Any, ...], str, str, str, str]
_OPEN = '<div class="finding" id="f{}">\n'


def _entry(r: dict[str, Any]) -> Entry:
    block = finding_block(0, r)
    head = _OPEN.format(0)
    assert block.startswith(head)
    return (_sort_key(r), r["province"] or "（未识别）", r["severity"], r["rule_id"], block[len(head) :])


def _load_cache(path: Path, version: str) -> dict[str, tuple[str, list[Entry]]]:
    try:
        with path.open("rb") as fh:
            data = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != version:
        return {}
    return data.get("reports", {})


def _save_cache(path: Path, version: str, reports: dict[str, tuple[str, list[Entry]]]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        pickle.dump({"version": version, "reports": reports}, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def _entries(con: duckdb.DuckDBPyConnection, folder: Path) -> tuple[list[Entry], int]:
    """Every finding's entry, sorted as finding_rows sorts; the reports rendered again."""
    version = _code_version()
    cache_path = folder / CACHE
    cache = _load_cache(cache_path, version)
    digests = _digests(con)
    todo = sorted(rid for rid, d in digests.items() if cache.get(rid, ("",))[0] != d)
    again = set(todo)
    entries: list[Entry] = []
    kept: dict[str, tuple[str, list[Entry]]] = {}
    for rid in digests:
        if rid not in again:
            kept[rid] = cache[rid]
            entries.extend(cache[rid][1])
    fresh: dict[str, list[Entry]] = {}
    if todo:
        rows = finding_rows(con, "f.report_id in (select unnest(?::varchar[]))", [todo])
        for r in with_cells(con, rows, todo):
            fresh.setdefault(r["report_id"], []).append(_entry(r))
    for rid in todo:
        kept[rid] = (digests[rid], fresh.get(rid, []))
        entries.extend(kept[rid][1])
    # findings without a report id are never cached
    nulls = finding_rows(con, "f.report_id is null")
    entries.extend(_entry(r) for r in with_cells(con, nulls, []))
    entries.sort(key=lambda e: e[0])
    _save_cache(cache_path, version, kept)
    return entries, len(todo)


def write_quality_report(con: duckdb.DuckDBPyConnection, path: Path, warehouse: str = "") -> int:
    """Write the report — ``path`` (the rules, findings per province) and one page of findings per
    province in ``quality/`` beside it; return the number of findings. Findings of unchanged
    reports come from the previous run's cache (the module docstring)."""
    from pipeline.review.cards import slug
    from pipeline.review.render import render

    folder = path.parent / "quality"
    folder.mkdir(parents=True, exist_ok=True)
    entries, _rendered = _entries(con, folder)
    rules = con.execute(
        "select rule_id, severity, rule_zh, description from quality_rule order by severity, rule_id"
    ).fetchall()
    counts: dict[str, int] = {}
    by_province: dict[str, list[Entry]] = {}
    for e in entries:
        counts[e[3]] = counts.get(e[3], 0) + 1
        by_province.setdefault(e[1], []).append(e)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    pages = {p: f"quality/{slug(p)}.html" for p in by_province}
    for province, pentries in by_province.items():
        tmp = folder / f".{slug(province)}.html.tmp"
        html = "".join(_OPEN.format(i) + e[4] for i, e in enumerate(pentries, 1))
        render(
            "quality_findings.html.j2",
            tmp,
            province=province,
            rows=pentries,
            findings_html=Markup(html),
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
            (p, pages[p], len(pe), sum(1 for e in pe if e[2] == "error")) for p, pe in by_province.items()
        ],
        n_findings=len(entries),
        rules=rules,
        counts=counts,
        severity_zh=SEVERITY_ZH,
        kind_zh=KIND_ZH,
        n_reports=con.execute("select count(*) from report").fetchone()[0],
        warehouse=warehouse,
        generated=generated,
    )
    return len(entries)
