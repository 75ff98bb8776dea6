"""Report cards: one HTML page per agency-year — its three tables as the form prints them (repaired,
corrected and failing cells marked), its rates against its peers (same province, same kind), and a
trend over its years as static inline SVG (``chart.py``, no browser, no script). The static site
(``data/warehouse/site/``) holds a card for every agency-year, an index and the quality report.
Reads the published warehouse read-only; the cards of a night are read in chunks, one query per
table per chunk (``CardData``), and rendered in worker processes."""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import escape

from pipeline.record import (
    APPLICANT_COLUMNS,
    APPLICANT_LABELS,
    APPLICATION_ROW_FORMATS,
    APPLICATION_ROW_LABELS,
    APPLICATION_ROWS,
    PROACTIVE_ITEMS,
    PROACTIVE_MEASURE_LABELS,
    RL_COLUMN_LABELS,
    RL_COLUMNS,
    RL_GROUP_LABELS,
    RL_GROUPS,
)
from pipeline.review.chart import line_chart_svg
from pipeline.review.findings import finding_rows, has_table
from pipeline.review.labels import AGENCY_KIND_ZH
from pipeline.review.rows_html import CellValue, grid_rows, measure_rows

if TYPE_CHECKING:
    import duckdb

#: the rates a card compares with peers (column of mart_agency_year, Chinese label)
RATES = (
    ("granted_rate", "予以公开率"),
    ("granted_or_partly_rate", "公开及部分公开率"),
    ("refused_rate", "不予公开率"),
    ("not_held_rate", "本机关不掌握率"),
    ("not_processed_rate", "不予处理率"),
    ("review_correction_rate", "复议纠错率"),
    ("litigation_correction_rate", "诉讼纠错率"),
)
PEER_LEVEL = "province_kind"


def slug(agency_id: str, year: int | None = None) -> str:
    """A file name for an agency(-year): the id with characters unsafe in paths replaced."""
    base = re.sub(r"[\\/:*?\"<>|\s]+", "_", agency_id).strip("_")
    return f"{base}_{year}" if year is not None else base


_FACT_TABLES = ("fact_application", "fact_review_litigation", "fact_proactive")


def _has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_columns() where table_name = ? and column_name = ? "
            "and database_name = current_database()",
            [table, column],
        ).fetchall()[0][0]  # fetchone leaves the result open: a later con.sql() would refuse
    )


@cache
def _layout(fmt: int) -> dict[str, Any]:
    """The three tables of a form edition: row labels (escaped HTML) and the cell path of each
    number, in the form's order."""
    return {
        "t3": [
            (str(escape(APPLICATION_ROW_LABELS[r])), [f"applications.{r}.{c}" for c in APPLICANT_COLUMNS])
            for r in APPLICATION_ROWS
            if fmt in APPLICATION_ROW_FORMATS[r]
        ],
        "t4": [
            (str(escape(RL_GROUP_LABELS[g])), [f"review_litigation.{g}.{c}" for c in RL_COLUMNS])
            for g in RL_GROUPS
        ],
        "t2": [
            (
                str(escape(label)),
                [(str(escape(PROACTIVE_MEASURE_LABELS[m])), f"proactive.{item}.{m}") for m in measures],
            )
            for item, (label, measures) in PROACTIVE_ITEMS.get(fmt, PROACTIVE_ITEMS[2021]).items()
        ],
    }


def _tables(cells: dict[str, CellValue], failing: set[str], fmt: int | None) -> dict[str, Any]:
    """The three tables in the form's layout: headers, and rows as HTML (``rows_html``)."""
    layout = _layout(fmt or 2021)
    return {
        "t2_rows": measure_rows(layout["t2"], cells, failing),
        "t3_header": [APPLICANT_LABELS[c] for c in APPLICANT_COLUMNS],
        "t3_rows": grid_rows(layout["t3"], cells, failing),
        "t4_header": [RL_COLUMN_LABELS[c] for c in RL_COLUMNS],
        "t4_rows": grid_rows(layout["t4"], cells, failing),
    }


TREND_TITLE = "申请数量趋势"


def trend_svg(years: list[tuple[Any, ...]]) -> str | None:
    """Applications received and handled per year as one SVG line chart (None with one year);
    ``years`` are (year, new_received, total_processed, …) in year order. The rates' trend is in
    the table under it."""
    if len(years) < 2:
        return None
    return line_chart_svg(
        TREND_TITLE,
        [str(y[0]) for y in years],
        {"本年新收": [y[1] for y in years], "办理总计": [y[2] for y in years]},
    )


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.1%}"


_REPORT = """
select r.agency_id, r.year, r.report_id, r.agency_name, r.province, r.city, r.county, r.agency_kind,
       r.format_version, r.path, r.status, r.n_repairs
from report as r semi join _card_todo as t on r.agency_id = t.agency_id and r.year = t.year
where r.is_current
"""


class CardData:
    """Everything the cards of a set of agency-years show, read with one query per table (a query
    per card scans the fact tables once per card: quadratic in a national night)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, todo: list[tuple[str, int]]) -> None:
        import pyarrow as pa

        self.generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        con.register(
            "_card_todo",
            pa.table(
                {
                    "agency_id": pa.array([a for a, _ in todo], pa.string()),
                    "year": pa.array([y for _, y in todo], pa.int64()),
                }
            ),
        )
        try:
            self.reports: dict[tuple[str, int], tuple[Any, ...]] = {}
            for row in con.execute(_REPORT).fetchall():
                self.reports.setdefault((row[0], row[1]), row[2:])
            ids = pa.table({"report_id": pa.array([r[0] for r in self.reports.values()], pa.string())})
            con.register("_card_reports", ids)
            try:
                self._load(con)
            finally:
                con.unregister("_card_reports")
        finally:
            con.unregister("_card_todo")

    def _load(self, con: duckdb.DuckDBPyConnection) -> None:
        flag = {t: "is_corrected" if _has_column(con, t, "is_corrected") else "false" for t in _FACT_TABLES}
        cells = con.sql(
            f"""
            select report_id, list(path) as paths, list(v) as vs, list(rep) as reps, list(cor) as cors
            from (
                select report_id, 'applications.' || disposition_code || '.' || applicant_code as path,
                       "count" as v, is_repaired as rep, {flag["fact_application"]} as cor
                from fact_application semi join _card_reports using (report_id)
                union all
                select report_id, 'review_litigation.' || group_code || '.' || outcome_code, "count",
                       is_repaired, {flag["fact_review_litigation"]}
                from fact_review_litigation semi join _card_reports using (report_id)
                union all
                select report_id, 'proactive.' || item_code || '.' || measure_code, value, is_repaired,
                       {flag["fact_proactive"]}
                from fact_proactive semi join _card_reports using (report_id)
            )
            group by report_id
            """
        ).to_arrow_table()
        # one dict per report from its lists (a Python loop over every cell cost a second per 10⁵)
        self.cells: dict[str, dict[str, CellValue]] = {
            rid: dict(zip(paths, zip(vs, map(bool, reps), map(bool, cors), strict=True), strict=True))
            for rid, paths, vs, reps, cors in zip(*(c.to_pylist() for c in cells.columns), strict=True)
        }
        self.findings: dict[str, list[dict[str, Any]]] = {}
        for f in finding_rows(con, "f.report_id in (select report_id from _card_reports)"):
            self.findings.setdefault(f["report_id"], []).append(f)
        self.years: dict[str, list[tuple[Any, ...]]] = {}
        for row in con.execute(
            "select agency_id, year, new_received, total_processed, granted_rate, not_held_rate "
            "from mart_agency_year semi join (select distinct agency_id from _card_todo) using (agency_id) "
            "order by agency_id, year"
        ).fetchall():
            self.years.setdefault(row[0], []).append(row[1:])
        self.peers: dict[tuple[str, int], dict[str, tuple[Any, ...]]] = {}
        for a, y, *rest in con.execute(
            "select m.agency_id, m.year, m.metric, m.value, m.rank_desc, m.peer_n, m.peer_median, m.peer_group "
            "from mart_cross_agency as m semi join _card_todo as t on m.agency_id = t.agency_id "
            "and m.year = t.year where m.peer_level = ?",
            [PEER_LEVEL],
        ).fetchall():
            self.peers.setdefault((a, y), {})[rest[0]] = tuple(rest)
        self.corrections: dict[str, list[tuple[Any, ...]]] = {}
        if has_table(con, "correction"):
            for rid, *rest in con.execute(
                "select report_id, cell, parsed_value, value, status, reason, who from correction "
                "where action = 'correct' and report_id in (select report_id from _card_reports) "
                "order by report_id, cell"
            ).fetchall():
                self.corrections.setdefault(rid, []).append(tuple(rest))
        self.trends: dict[str, str | None] = {}

    def _peers(self, agency_id: str, year: int) -> list[dict[str, Any]]:
        by = self.peers.get((agency_id, year), {})
        out = []
        for metric, label in RATES:
            r = by.get(metric)
            out.append(
                {
                    "metric": label,
                    "value": None if not r or r[1] is None else f"{r[1]:.1%}",
                    "rank": f"{r[2]} / {r[3]}" if r and r[2] is not None else "",
                    "median": None if not r or r[4] is None else f"{r[4]:.1%}",
                    "group": r[5] if r else "",
                }
            )
        return out

    def context(self, agency_id: str, year: int) -> dict[str, Any] | None:
        """Everything one card shows (None if the agency has no current report that year)."""
        rep = self.reports.get((agency_id, year))
        if rep is None:
            return None
        report_id, name, province, city, county, kind, fmt, path, status, n_repairs = rep
        years = self.years.get(agency_id, [])
        if agency_id not in self.trends:  # one chart per agency, shared by its years
            self.trends[agency_id] = trend_svg(years)
        cells = self.cells.get(report_id, {})
        findings = self.findings.get(report_id, [])
        failing: set[str] = set()
        for f in findings:
            involved = [c for c in (f["cells"] or "").split(",") if c]
            # a sum over a whole column (（七）= 21 rows) marks its total only, not every zero in it
            failing.update(c for c in (involved if len(involved) <= 8 else involved[-1:]) if c in cells)
        return {
            "agency_id": agency_id,
            "name": name,
            "year": year,
            "years": [y[0] for y in years],
            "region": " ".join(p for p in (province, city, county) if p),
            "kind": AGENCY_KIND_ZH.get(kind, kind),
            "format_version": fmt,
            "path": path,
            "status": status,
            "n_repairs": n_repairs,
            "tables": _tables(cells, failing, fmt),
            "findings": findings,
            "peers": self._peers(agency_id, year),
            "rate_trend": [(y[0], _pct(y[3]), _pct(y[4])) for y in years],
            "trend_svg": self.trends[agency_id],
            "corrections": self.corrections.get(report_id, []),
            "slug": slug,
            "generated": self.generated,
        }


def card_context(con: duckdb.DuckDBPyConnection, agency_id: str, year: int) -> dict[str, Any] | None:
    """Everything one card shows (None if the agency has no current report that year)."""
    return CardData(con, [(agency_id, year)]).context(agency_id, year)


def write_card(con: duckdb.DuckDBPyConnection, agency_id: str, year: int, path: Path) -> Path | None:
    from pipeline.review.render import render

    ctx = card_context(con, agency_id, year)
    return None if ctx is None else render("card.html.j2", path, **ctx)


def find_agency(con: duckdb.DuckDBPyConnection, agency: str) -> list[tuple[str, int]]:
    """(agency_id, year) of the current reports of an agency named by id or (part of) its name."""
    return con.execute(
        "select agency_id, year from report where is_current and (agency_id = $1 or agency_name = $1 "
        "or agency_name like '%' || $1 || '%') order by agency_id, year",
        [agency],
    ).fetchall()


MANIFEST = "manifest.json"


def _code_version() -> str:
    """Templates and this module: a change re-renders every card."""
    from pipeline.review.render import TEMPLATES

    h = hashlib.sha256()
    for f in [*sorted(TEMPLATES.glob("*.j2")), Path(__file__)]:
        h.update(f.read_bytes())
    return h.hexdigest()


def card_keys(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, int], str]:
    """For every agency-year card, a hash of everything it shows: its report and parser version,
    the agency's years, its findings, corrections and peer ranks. An unchanged key means an
    unchanged card, so a night re-renders only the cards its data touched."""
    version = _code_version()
    years = {
        a: (ys, rs)
        for a, ys, rs in con.execute(
            "select agency_id, list(year order by year), list(report_id order by year) from mart_agency_year group by 1"
        ).fetchall()
    }
    findings = dict(
        con.execute(
            "select report_id, string_agg(concat_ws('|', rule_id, cells, column_code, kind, expected, observed), ';' "
            "order by rule_id, cells, column_code) from quality_finding group by 1"
        ).fetchall()
    )
    corrections: dict[str, str] = {}
    if has_table(con, "correction"):
        corrections = dict(
            con.execute(
                "select report_id, string_agg(concat_ws('|', cell, value, status, reason, who), ';' order by cell) "
                "from correction group by 1"
            ).fetchall()
        )
    peers = {
        (a, y): v
        for a, y, v in con.execute(
            "select agency_id, year, string_agg(concat_ws('|', metric, value, rank_desc, peer_n, peer_median), ';' "
            "order by metric) from mart_cross_agency where peer_level = ? group by 1, 2",
            [PEER_LEVEL],
        ).fetchall()
    }
    out = {}
    for a, y, r, pv in con.execute(
        "select m.agency_id, m.year, m.report_id, r.parser_version from mart_agency_year as m "
        "left join report as r on r.report_id = m.report_id"
    ).fetchall():
        blob = json.dumps(
            [version, r, pv, years.get(a), findings.get(r), corrections.get(r), peers.get((a, y))],
            default=str,
        )
        out[(a, y)] = hashlib.sha256(blob.encode()).hexdigest()
    return out


def _replace(tmp: Path, target: Path) -> None:
    os.replace(tmp, target)


#: a first build (every card) renders in worker processes from this many cards on
PARALLEL_MIN = 200
MAX_WORKERS = 4
#: cards whose data is read together (one query per table): bounds the memory of a chunk
CHUNK = 2000


def render_cards(
    con: duckdb.DuckDBPyConnection, todo: list[tuple[str, int]], cards_dir: Path, chunk: int = CHUNK
) -> list[tuple[str, int]]:
    """Render the cards of ``todo`` (written aside, renamed into place); return those written.
    An agency's years should be adjacent in ``todo``: its chart is drawn once per chunk."""
    from pipeline.review.render import env

    template = env().get_template("card.html.j2")
    done = []
    for i in range(0, len(todo), chunk):
        part = todo[i : i + chunk]
        data = CardData(con, part)
        for agency_id, year in part:
            ctx = data.context(agency_id, year)
            if ctx is None:
                continue
            name = f"{slug(agency_id, year)}.html"
            tmp = cards_dir / f".{name}.tmp"
            tmp.write_text(template.render(**ctx), encoding="utf-8")
            _replace(tmp, cards_dir / name)
            done.append((agency_id, year))
    return done


def _render_worker(db_path: str, todo: list[tuple[str, int]], cards_dir: str) -> list[tuple[str, int]]:
    import duckdb

    with duckdb.connect(db_path, read_only=True) as con:
        return render_cards(con, todo, Path(cards_dir))


def _render_parallel(
    db_path: Path, todo: list[tuple[str, int]], cards_dir: Path, workers: int
) -> list[tuple[str, int]]:
    """Cards in worker processes (spawned: the caller may hold DuckDB connections and threads),
    an agency's years in one worker so its trend chart is drawn once."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    by_agency: dict[str, list[tuple[str, int]]] = {}
    for a, y in todo:
        by_agency.setdefault(a, []).append((a, y))
    chunks: list[list[tuple[str, int]]] = [[] for _ in range(workers * 4)]
    for i, items in enumerate(by_agency.values()):
        chunks[i % len(chunks)].extend(items)
    done: list[tuple[str, int]] = []
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        for part in pool.map(
            _render_worker, [str(db_path)] * len(chunks), chunks, [str(cards_dir)] * len(chunks)
        ):
            done.extend(part)
    return done


def write_site(
    con: duckdb.DuckDBPyConnection, site: Path, warehouse: str = "", db_path: Path | None = None
) -> dict[str, int]:
    """Cards, an index and the quality report into ``site``. Only the cards whose key changed are
    rendered again (``manifest.json``); every page is written aside and renamed into place. With
    ``db_path`` (the warehouse file ``con`` reads), many cards render in worker processes."""
    from pipeline.review.quality_report import write_quality_report
    from pipeline.review.render import render

    cards_dir = site / "cards"
    cards_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = site / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    keys = card_keys(con)
    new_manifest: dict[str, str] = {}
    kept = 0
    todo: list[tuple[str, int]] = []
    for (agency_id, year), key in keys.items():
        name = f"{slug(agency_id, year)}.html"
        if manifest.get(name) == key and (cards_dir / name).exists():
            new_manifest[name] = key
            kept += 1
        else:
            todo.append((agency_id, year))
    todo.sort()  # an agency's years together: its chart is drawn once
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if db_path is not None and len(todo) >= PARALLEL_MIN and workers > 1:
        done = _render_parallel(db_path, todo, cards_dir, workers)
    else:
        done = render_cards(con, todo, cards_dir)
    for agency_id, year in done:
        new_manifest[f"{slug(agency_id, year)}.html"] = keys[(agency_id, year)]
    rendered = len(done)
    for name in set(manifest) - set(new_manifest):  # agency-years no longer in the warehouse
        (cards_dir / name).unlink(missing_ok=True)
    rows = con.execute(
        "select agency_id, agency_name, year, coalesce(province, '（未识别）'), city, agency_kind, "
        "n_findings_error, n_findings_warn from mart_agency_year order by 4, city, agency_name, year"
    ).fetchall()
    n_findings = write_quality_report(con, site / ".quality.html.tmp", warehouse)
    _replace(site / ".quality.html.tmp", site / "quality.html")
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    by_province: dict[str, list[tuple]] = {}
    for r in rows:
        by_province.setdefault(r[3], []).append(r)
    # one page per province: the index of 10⁵ agency-years would not open
    (site / "provinces").mkdir(exist_ok=True)
    pages = {}
    for province, prows in by_province.items():
        pages[province] = f"provinces/{slug(province)}.html"
        tmp = site / "provinces" / f".{slug(province)}.html.tmp"
        render(
            "province.html.j2",
            tmp,
            province=province,
            rows=prows,
            slug=slug,
            kinds=AGENCY_KIND_ZH,
            generated=generated,
        )
        _replace(tmp, site / pages[province])
    for old_page in (site / "provinces").glob("*.html"):
        if f"provinces/{old_page.name}" not in pages.values():
            old_page.unlink()
    summary = [
        (
            p,
            pages[p],
            len(pr),
            sum(1 for r in pr if r[6]),
            sum(r[6] or 0 for r in pr),
            sum(r[7] or 0 for r in pr),
        )
        for p, pr in by_province.items()
    ]
    render(
        "index.html.j2",
        site / ".index.html.tmp",
        provinces=summary,
        n_cards=len(rows),
        n_findings=n_findings,
        warehouse=warehouse,
        generated=generated,
    )
    _replace(site / ".index.html.tmp", site / "index.html")
    manifest_path.write_text(json.dumps(new_manifest, ensure_ascii=False, indent=0), encoding="utf-8")
    return {"cards": len(new_manifest), "rendered": rendered, "kept": kept, "findings": n_findings}
