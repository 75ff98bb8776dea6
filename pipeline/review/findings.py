"""Findings as a reviewer reads them: with the file, the page/line and the raw text of the first
cell involved, the rule in Chinese. One query, used by the Dagster checks, the audit workbook and
the quality report, on a working or a published warehouse."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipeline.review.labels import KIND_ZH, SEVERITY_ZH, cells_zh, rule_zh, where_zh

if TYPE_CHECKING:
    import duckdb


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where table_name = ? and database_name = current_database()",
            [name],
        ).fetchone()[0]
    )


def _provenance_join(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """(select columns, join) for the first cell's provenance; nulls on a warehouse without it."""
    if not has_table(con, "cell_provenance"):
        return "null::integer as page, null::integer as line, null::varchar as raw", ""
    return (
        "p.page, p.line, p.raw",
        "left join cell_provenance as p on p.report_id = f.report_id "
        "and p.cell = split_part(f.cells, ',', 1)",
    )


_ORDER = "f.agency_name, f.year, f.rule_id, f.cells, f.column_code"


def finding_rows(
    con: duckdb.DuckDBPyConnection,
    where: str = "true",
    params: list[Any] | None = None,
    per_rule: int | None = None,
) -> list[dict[str, Any]]:
    """Every finding matching ``where`` (SQL over ``f`` = quality_finding, ``r`` = report), sorted
    the way a circular is written: agency, year, rule, cells. ``per_rule``: only the first so many
    of each rule (a check shows a few; 10⁵ findings read whole cost seconds)."""
    cols, join = _provenance_join(con)
    qualify = (
        f"qualify row_number() over (partition by f.rule_id order by {_ORDER}) <= {int(per_rule)}"
        if per_rule is not None
        else ""
    )
    rel = con.execute(
        f"""
        select f.report_id, f.agency_id, f.agency_name, f.year, f.rule_id, f.severity, f.kind, f.cells,
               f.column_code, f.expected, f.observed, f.message, r.path, r.batch, r.province, r.city,
               r.county, r.agency_kind, r.format, {cols}
        from quality_finding as f
        left join report as r on r.report_id = f.report_id
        {join}
        where {where}
        {qualify}
        order by {_ORDER}
        """,
        params or [],
    )
    names = [d[0] for d in rel.description]
    out = []
    for values in rel.fetchall():
        row = dict(zip(names, values, strict=True))
        row["rule_zh"] = rule_zh(row["rule_id"])
        row["severity_zh"] = SEVERITY_ZH.get(row["severity"], row["severity"])
        row["kind_zh"] = KIND_ZH.get(row["kind"], row["kind"])
        row["cells_zh"] = cells_zh(row["cells"])
        row["cells_short"] = cells_zh(row["cells"], most=4)
        row["where"] = where_zh(row["page"], row["line"])
        row["expected"] = num(row["expected"])
        row["observed"] = num(row["observed"])
        out.append(row)
    return out


def num(v: Any) -> int | float | None:
    """A DOUBLE as a reviewer expects to see it: 12, not 12.0."""
    if v is None:
        return None
    f = float(v)
    return int(f) if f.is_integer() else f


def file_ref(row: dict[str, Any]) -> str:
    """``batch/file.txt:39`` (or ``:p2``): a link-free pointer into the source."""
    path = row.get("path") or "?"
    if row.get("page") is not None:
        return f"{path}:p{row['page']}"
    if row.get("line") is not None:
        return f"{path}:{row['line']}"
    return path
