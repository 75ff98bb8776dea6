"""Records → an in-memory DuckDB shaped like the warehouse, so ``ogi check`` runs the very check
frames and GX suites the pipeline runs (one check path, no pure-Python copy of the rules).

The rows come from ``pipeline.load.flatten`` (what the pipeline stores); the tables hold the
columns of ``report`` and ``fact_*`` (docs/warehouse-contract.md) the check frames read. The
current report of an agency-year is the last one given, as in the warehouse.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

TABLES: dict[str, str] = {
    "report": """report_id varchar, agency_id varchar, agency_name varchar, province varchar,
        city varchar, county varchar, admin_code varchar, agency_kind varchar, year integer,
        format_version integer, status varchar, problems json, repairs json,
        narrative_items_published bigint, narrative_applications_received bigint, n_repairs integer,
        is_current boolean""",
    "fact_application": """report_id varchar, agency_id varchar, year integer, format_version integer,
        disposition_code varchar, applicant_code varchar, "count" bigint, is_repaired boolean""",
    "fact_proactive": """report_id varchar, agency_id varchar, year integer, format_version integer,
        item_code varchar, measure_code varchar, value double, is_repaired boolean""",
    "fact_review_litigation": """report_id varchar, agency_id varchar, year integer, group_code varchar,
        outcome_code varchar, "count" bigint, is_repaired boolean""",
}
FACT_TABLES = ("fact_application", "fact_proactive", "fact_review_litigation")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return list(con.table(table).columns)


def _insert(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, list[Any]]) -> None:
    """Insert column lists, cast by DuckDB to the table's types (missing columns are NULL)."""
    import pyarrow as pa

    n = len(next(iter(columns.values()), []))
    if n == 0:
        return
    cols = [c for c in _columns(con, table) if c in columns]
    arrays = {}
    for c in cols:
        try:
            arrays[c] = pa.array(columns[c])
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types in a hand-built record: text
            arrays[c] = pa.array([None if v is None else str(v) for v in columns[c]], pa.string())
    data = pa.table(arrays)
    con.register("_rows", data)
    try:
        types = dict(zip(_columns(con, table), con.table(table).types, strict=True))
        quoted = ", ".join(f'"{c}"' for c in cols)
        # a value of the wrong type (a hand-built record's year 'abc') is NULL, never a crash
        select = ", ".join(f'try_cast("{c}" as {types[c]})' for c in cols)
        con.execute(f"insert into {table} ({quoted}) select {select} from _rows")
    finally:
        con.unregister("_rows")


def load_records(
    records: Iterable[dict[str, Any]], con: duckdb.DuckDBPyConnection | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB (or ``con``, tables replaced) holding the records as the warehouse
    would: ``report`` for every ok/partial record, the facts of each."""
    import duckdb

    from pipeline.load.flatten import flatten
    from pipeline.record import PARSER_VERSION

    con = con or duckdb.connect()
    for table, ddl in TABLES.items():
        con.execute(f"create or replace table {table} ({ddl})")
    reports: list[dict[str, Any]] = []
    facts: dict[str, dict[str, list[Any]]] = {t: {} for t in FACT_TABLES}
    for rec in records:
        rows = flatten(rec, "check", (rec.get("source") or {}).get("path") or "", PARSER_VERSION)
        if rows["report"] is not None:
            reports.append(rows["report"])
        for table in FACT_TABLES:
            for col, values in rows[table].items():
                facts[table].setdefault(col, []).extend(values)
    current: dict[tuple[Any, Any], int] = {}
    for i, r in enumerate(reports):
        if r["agency_id"] is not None and r["year"] is not None:
            current[(r["agency_id"], r["year"])] = i
    for i, r in enumerate(reports):
        r["is_current"] = current.get((r["agency_id"], r["year"])) == i
    report_cols = _columns(con, "report")
    _insert(con, "report", {c: [r.get(c) for r in reports] for c in report_cols})
    for table in FACT_TABLES:
        if facts[table]:
            _insert(con, table, facts[table])
    return con
