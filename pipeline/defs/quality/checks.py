"""Asset checks of ``core_ogi__facts``: one per rule (check name = rule id), specs generated from the
suites when the code location loads.

Great Expectations runs **once** per run, in ``out_quality__findings``; these checks read what it
wrote (``quality_finding``, ``quality_check_outcome``) and present it: a compact Markdown table of
the failing reports (agency, year, file:line, rule, expected vs observed, kind) and the path of the
first failing file. The same presentation re-reports the published warehouse on a night where
nothing changed (``out_quality__in_force``), so Dagit shows the result of the data in force, never
"Skipped" over a known failure.

No spec is ``blocking`` in Dagster's sense: a blocking check of a step that is skipped on a no-op
night makes Dagster warn "emitted no result" for every gated step. Structural rules still stop the
marts: ``out_quality__findings`` fails the run when one of them fails (after reporting the checks).
"""

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg

from pipeline.defs.resources import DUCKDB_POOL, OgiResource
from pipeline.quality import catalog

if TYPE_CHECKING:
    import duckdb

FACTS = dg.AssetKey("core_ogi__facts")
FINDINGS = dg.AssetKey("out_quality__findings")
#: rows of the failing-reports table shown in a check's metadata
SHOWN = 30


def _spec(asset: str, rule: catalog.Rule) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        name=rule.rule_id,
        asset=asset,
        description=f"{rule.description} — {rule.rule_zh}"
        + (" Structural: a failure stops the marts (the run fails)." if rule.blocking else ""),
        blocking=False,
        additional_deps=[FINDINGS],
        metadata={"severity": rule.severity, "blocking": rule.blocking, "suites": ",".join(rule.suites)},
    )


def _cell(v: Any) -> str:
    from pipeline.review.findings import num

    n = num(v) if isinstance(v, int | float) else v
    return "" if n is None else str(n).replace("|", "\\|").replace("\n", " ")


def failing_markdown(rows: list[dict[str, Any]], shown: int = SHOWN, total: int | None = None) -> str:
    """The failing reports as a compact Markdown table (message and cells are left to the audit);
    ``total``: how many there are when ``rows`` holds only the first ones."""
    from pipeline.review.findings import file_ref

    header = "| agency 机关 | year | file | rule 规则 | expected | observed | kind |"
    lines = [header, "|---|---|---|---|---|---|---|"]
    for r in rows[:shown]:
        cells = (
            r["agency_name"],
            r["year"],
            file_ref(r),
            r["rule_zh"],
            r["expected"],
            r["observed"],
            r["kind"],
        )
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    total = len(rows) if total is None else total
    if total > min(shown, len(rows)):
        lines.append(f"\n… {total - min(shown, len(rows))} more: `ogi audit` lists every one.")
    return "\n".join(lines)


_TABLE_COLUMNS = ("agency", "year", "file", "rule", "expected", "observed", "kind")


def failing_table(rows: list[dict[str, Any]], shown: int = SHOWN) -> dg.MetadataValue:
    """The same rows as a compact table, shown inline in Dagit (seven short columns)."""
    from pipeline.review.findings import file_ref

    records = [
        dg.TableRecord(
            {
                "agency": r["agency_name"] or "",
                "year": r["year"] if r["year"] is not None else 0,
                "file": file_ref(r),
                "rule": r["rule_zh"],
                "expected": _cell(r["expected"]),
                "observed": _cell(r["observed"]),
                "kind": r["kind"],
            }
        )
        for r in rows[:shown]
    ]
    schema = dg.TableSchema(
        columns=[dg.TableColumn(c, "int" if c == "year" else "string") for c in _TABLE_COLUMNS]
    )
    return dg.MetadataValue.table(records=records, schema=schema)


def rule_results(
    con: "duckdb.DuckDBPyConnection",
    raw_dir: Path,
    rules: list[catalog.Rule],
    data: str,
    rows: list[dict[str, Any]] | None = None,
) -> list[tuple[catalog.Rule, bool, dg.AssetCheckSeverity, dict[str, dg.MetadataValue]]]:
    """(rule, passed, severity, metadata) for each rule, from the findings of a warehouse file
    (``rows``: its ``finding_rows``, when the caller has them); ``data`` says which data the result
    is about (shown in the metadata)."""
    from pipeline.review.findings import finding_rows, has_table

    outcomes: dict[str, tuple[int, str]] = {}
    if has_table(con, "quality_check_outcome"):
        outcomes = {
            r[0]: (int(r[1] or 0), r[2] or "")
            for r in con.execute("select rule_id, rows_checked, errors from quality_check_outcome").fetchall()
        }
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for row in finding_rows(con, per_rule=SHOWN) if rows is None else rows:
        by_rule.setdefault(row["rule_id"], []).append(row)
    counts = _rule_counts(con) if rows is None else _counts_of(by_rule)
    out = []
    for rule in rules:
        rows = by_rule.get(rule.rule_id, [])
        checked, errors = outcomes.get(rule.rule_id, (0, ""))
        n, reports, kinds = counts.get(rule.rule_id, (0, 0, {}))
        metadata: dict[str, dg.MetadataValue] = {
            "findings": dg.MetadataValue.int(n),
            "reports": dg.MetadataValue.int(reports),
            "rows_checked": dg.MetadataValue.int(checked),
            "source": dg.MetadataValue.int(kinds.get("source", 0)),
            "parse_suspect": dg.MetadataValue.int(kinds.get("parse_suspect", 0)),
            "pipeline": dg.MetadataValue.int(kinds.get("pipeline", 0)),
            "rule": dg.MetadataValue.text(f"{rule.description}\n{rule.rule_zh}"),
            "data": dg.MetadataValue.text(data),
        }
        if rows:
            metadata["failing_reports"] = failing_table(rows)
            metadata["failing"] = dg.MetadataValue.md(failing_markdown(rows, total=n))
            first = rows[0]
            if first.get("path"):
                metadata["source_file"] = dg.MetadataValue.path(str(raw_dir / first["path"]))
        if errors:
            metadata["errors"] = dg.MetadataValue.text(errors)
        passed = not n and not errors
        severity = dg.AssetCheckSeverity.ERROR if rule.blocking or errors else dg.AssetCheckSeverity.WARN
        out.append((rule, passed, severity, metadata))
    return out


_KINDS = ("source", "parse_suspect", "pipeline")


def _rule_counts(con: "duckdb.DuckDBPyConnection") -> dict[str, tuple[int, int, dict[str, int]]]:
    """rule → (findings, reports, findings per kind), counted in SQL (10⁵ findings)."""
    from pipeline.review.findings import has_table

    if not has_table(con, "quality_finding"):
        return {}
    rows = con.execute(
        "select rule_id, count(*), count(distinct report_id) + (count(*) filter (where report_id is null) > 0)::int, "
        + ", ".join(f"count(*) filter (where kind = '{k}')" for k in _KINDS)
        + " from quality_finding group by rule_id"
    ).fetchall()
    return {r[0]: (int(r[1]), int(r[2]), dict(zip(_KINDS, map(int, r[3:]), strict=True))) for r in rows}


def _counts_of(by_rule: dict[str, list[dict[str, Any]]]) -> dict[str, tuple[int, int, dict[str, int]]]:
    """The same counts from every finding row (a caller that has them all)."""
    return {
        rid: (
            len(rows),
            len({r["report_id"] for r in rows}),
            {k: sum(1 for r in rows if r["kind"] == k) for k in _KINDS},
        )
        for rid, rows in by_rule.items()
    }


def latest_target(instance: dg.DagsterInstance, key: dg.AssetKey = FACTS) -> Any:
    """The last materialization of ``key`` as a check's target (None if there is none)."""
    from dagster._core.definitions.asset_checks.asset_check_evaluation import (
        AssetCheckEvaluationTargetMaterializationData,
    )

    records = instance.fetch_materializations(key, limit=1).records
    if not records:
        return None
    rec = records[0]
    return AssetCheckEvaluationTargetMaterializationData(
        storage_id=rec.storage_id, run_id=rec.run_id, timestamp=rec.timestamp
    )


def log_evaluations(
    context: dg.AssetExecutionContext,
    results: list[tuple[catalog.Rule, bool, dg.AssetCheckSeverity, dict[str, dg.MetadataValue]]],
    asset: dg.AssetKey = FACTS,
) -> None:
    """Report check results from another step of the run (the re-report of a no-op night, or the
    findings step before it fails the run): the run's planned check executions get these."""
    target = latest_target(context.instance, asset)
    for rule, passed, severity, metadata in results:
        context.log_event(
            dg.AssetCheckEvaluation(
                asset_key=asset,
                check_name=rule.rule_id,
                passed=passed,
                metadata=metadata,
                severity=severity,
                target_materialization_data=target,
            )
        )


def build_checks(asset: str, rules: list[catalog.Rule]) -> dg.AssetChecksDefinition:
    """The multi-asset check of one asset: presents the findings GX wrote in this run."""

    @dg.multi_asset_check(
        specs=[_spec(asset, r) for r in rules],
        name=f"quality_checks__{asset}",
        description=f"The rules of expectations/ on {asset}, as found by out_quality__findings (one check per rule).",
        pool=DUCKDB_POOL,
        compute_kind="great_expectations",
    )
    def _checks(context: dg.AssetCheckExecutionContext, ogi: OgiResource) -> Iterator[dg.AssetCheckResult]:
        with ogi.working(context.op_execution_context) as con:
            results = rule_results(
                con,
                ogi.layout.raw_dir,
                rules,
                f"this run's build ({context.op_execution_context.run_id[:8]})",
            )
        failed = [r.rule_id for r, passed, _, _ in results if not passed]
        # the run shows "Success" even when source checks fail: the tag says which
        context.op_execution_context.instance.add_run_tags(
            context.op_execution_context.run_id, {"ogi/checks_failed": ",".join(failed) or "none"}
        )
        for rule, passed, severity, metadata in results:
            yield dg.AssetCheckResult(
                check_name=rule.rule_id, asset_key=asset, passed=passed, severity=severity, metadata=metadata
            )

    return _checks


@dg.definitions
def quality_checks() -> dg.Definitions:
    return dg.Definitions(
        asset_checks=[build_checks(asset, rules) for asset, rules in catalog.rules_by_asset().items()]
    )
