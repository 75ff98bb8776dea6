"""``out_quality__findings``: every finding of the suites as rows of the warehouse, plus Data Docs.

Runs between the facts and the marts (``out_ogi__marts`` reads ``quality_finding``). It validates
the same suites as the asset checks, with the same code, so the table and the Dagster checks agree.
"""

import time

import dagster as dg

from pipeline.defs.resources import DUCKDB_POOL, OgiResource
from pipeline.defs.warehouse.assets import core_ogi__facts

DATA_DOCS = "data_docs"


def _md(rows: list[tuple], header: tuple[str, ...]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = ["" if v is None else str(v).replace("|", "\\|") for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


@dg.asset(
    deps=[core_ogi__facts],
    group_name="quality",
    kinds={"duckdb", "great_expectations"},
    pool=DUCKDB_POOL,
)
def out_quality__findings(context: dg.AssetExecutionContext, ogi: OgiResource) -> dg.MaterializeResult:
    """quality_finding (one row per failing report × rule × column, marked source / parse_suspect /
    pipeline), quality_rule (the rules), mart_quality (per agency-year) and mart_quality_rule (per
    rule and year), from the Great Expectations suites in expectations/ run on the check frames of
    sql/checks/. GX Data Docs go to data/warehouse/data_docs/ (a failure there only warns)."""
    from pipeline.quality.gx_runner import validate_warehouse, write_data_docs
    from pipeline.quality.store import write_findings

    t0 = time.perf_counter()
    with ogi.working(context) as con:
        validation = validate_warehouse(con)
        counts = write_findings(con, validation.findings)
        by_rule = con.execute(
            "select rule_id, severity, count(*) as findings, count(distinct report_id) as reports, "
            "count(*) filter (where kind = 'parse_suspect') as parse_suspect "
            "from quality_finding group by all order by severity, rule_id"
        ).fetchall()
        con.execute("checkpoint")
    docs_path = ogi.layout.warehouse_dir / DATA_DOCS
    docs: dg.MetadataValue = dg.MetadataValue.text("not built")
    try:
        t1 = time.perf_counter()
        index = write_data_docs(validation, docs_path, run_name=context.run_id)
        docs = dg.MetadataValue.path(str(index))
        context.log.info(f"Data Docs: {index} ({time.perf_counter() - t1:.1f} s)")
    except Exception as exc:  # Data Docs are a convenience: never fail the findings for them
        context.log.warning(f"Data Docs not built: {type(exc).__name__}: {exc}")
    findings = validation.findings
    return dg.MaterializeResult(
        metadata={
            **{f"rows_{t}": dg.MetadataValue.int(n) for t, n in counts.items()},
            "dagster/row_count": dg.MetadataValue.int(counts["quality_finding"]),
            "findings_error": dg.MetadataValue.int(sum(1 for f in findings if f.severity == "error")),
            "findings_warn": dg.MetadataValue.int(sum(1 for f in findings if f.severity == "warn")),
            "findings_parse_suspect": dg.MetadataValue.int(
                sum(1 for f in findings if f.kind == "parse_suspect")
            ),
            "reports_with_findings": dg.MetadataValue.int(len({f.report_id for f in findings})),
            "by_rule": dg.MetadataValue.md(
                _md(by_rule, ("rule", "severity", "findings", "reports", "parse_suspect"))
                if by_rule
                else "no findings"
            ),
            "data_docs": docs,
            "seconds": dg.MetadataValue.float(round(time.perf_counter() - t0, 3)),
            **{f"seconds_{k}": dg.MetadataValue.float(round(v, 3)) for k, v in validation.seconds.items()},
        }
    )
