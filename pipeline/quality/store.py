"""Write findings into the warehouse: ``quality_finding``, ``quality_rule`` and the quality marts.

``quality_finding`` is replaced as a whole (new findings, plus those an incremental run carries
over from the published build: ``incremental.py``); the marts are
``sql/quality/*.sql``. Runs on the one read-write connection of the quality step.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.quality import catalog
from pipeline.quality.findings import FINDING_COLUMNS, Finding

if TYPE_CHECKING:
    import duckdb

SQL_DIR = Path(__file__).resolve().parents[2] / "sql" / "quality"
#: tables the quality step writes, in order
TABLES = ("quality_finding", "quality_rule", "mart_quality", "mart_quality_rule")

_CREATE_FINDING = """
create table if not exists quality_finding (
    report_id varchar, agency_id varchar, agency_name varchar, year integer, rule_id varchar,
    severity varchar, kind varchar, cells varchar, column_code varchar, expected double,
    observed double, message varchar
)"""


def _sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def write_findings(
    con: duckdb.DuckDBPyConnection, findings: Iterable[Finding], carried: str | None = None
) -> dict[str, int]:
    """Replace ``quality_finding`` with ``findings`` (and the rows of the query ``carried``: the
    findings an incremental run keeps from the published build), rebuild ``quality_rule`` and the
    marts; return the row count of each table."""
    import pandas as pd

    rows = [f.row() for f in findings]
    con.execute(_CREATE_FINDING)
    con.execute("delete from quality_finding")
    if carried is not None:
        cols = ", ".join(FINDING_COLUMNS)
        con.execute(f"insert into quality_finding ({cols}) select {cols} from ({carried})")
    if rows:
        df = pd.DataFrame(rows, columns=list(FINDING_COLUMNS)).astype(object)
        con.register("_findings", df)
        try:
            cols = ", ".join(FINDING_COLUMNS)
            con.execute(f"insert into quality_finding ({cols}) select {cols} from _findings")
        finally:
            con.unregister("_findings")
    rules = pd.DataFrame(
        [
            {
                "rule_id": r.rule_id,
                "severity": r.severity,
                "blocking": r.blocking,
                "description": r.description,
                "rule_zh": r.rule_zh,
                "suites": ",".join(r.suites),
            }
            for r in catalog.rules().values()
        ]
    )
    con.register("_quality_rules", rules)
    try:
        con.execute(_sql("quality_rule"))
    finally:
        con.unregister("_quality_rules")
    con.execute(_sql("mart_quality"))
    con.execute(_sql("mart_quality_rule"))
    return {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in TABLES}
