"""Asset checks generated from the suites: one ``multi_asset_check`` per checked asset, one check
per rule (check name = rule id), specs built when the code location loads.

All fact tables live in one asset today (``core_ogi__facts``), so its check runs every suite; a
suite names its asset in ``meta.asset``, and splitting the facts into one asset per table gives
one multi-asset check per table with no change here. Source findings are WARN and never block;
structural rules (``blocking`` in the suite) are ERROR and block the marts when they fail.
"""

from collections.abc import Iterator

import dagster as dg

from pipeline.defs.resources import DUCKDB_POOL, OgiResource
from pipeline.quality import catalog
from pipeline.quality.findings import Finding
from pipeline.quality.gx_runner import RuleOutcome

#: rows of the failing-reports table shown in a check's metadata
SHOWN = 50
_COLUMNS = ("agency", "year", "column", "expected", "observed", "kind", "cells", "message", "report_id")


def _spec(asset: str, rule: catalog.Rule) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        name=rule.rule_id,
        asset=asset,
        description=f"{rule.description} — {rule.rule_zh}",
        blocking=rule.blocking,
        metadata={"severity": rule.severity, "blocking": rule.blocking, "suites": ",".join(rule.suites)},
    )


def _num(v: float | None) -> str:
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _table(findings: list[Finding]) -> dg.MetadataValue:
    """The failing reports as a table (agency, year, column, expected vs observed, …)."""
    shown = sorted(findings, key=lambda f: (f.agency_name or "", f.year or 0, f.column_code or "", f.cells))[
        :SHOWN
    ]
    records = [
        dg.TableRecord(
            {
                "agency": f.agency_name or "",
                "year": f.year if f.year is not None else 0,
                "column": f.column_code or "",
                "expected": _num(f.expected),
                "observed": _num(f.observed),
                "kind": f.kind,
                "cells": ",".join(f.cells),
                "message": f.message,
                "report_id": (f.report_id or "")[:16],
            }
        )
        for f in shown
    ]
    schema = dg.TableSchema(columns=[dg.TableColumn(c, "int" if c == "year" else "string") for c in _COLUMNS])
    return dg.MetadataValue.table(records=records, schema=schema)


def _result(asset: str, rule: catalog.Rule, outcome: RuleOutcome) -> dg.AssetCheckResult:
    findings = outcome.findings
    kinds = {k: sum(1 for f in findings if f.kind == k) for k in ("source", "parse_suspect", "pipeline")}
    metadata: dict[str, dg.MetadataValue] = {
        "findings": dg.MetadataValue.int(len(findings)),
        "reports": dg.MetadataValue.int(len({f.report_id for f in findings})),
        "rows_checked": dg.MetadataValue.int(outcome.checked),
        "source": dg.MetadataValue.int(kinds["source"]),
        "parse_suspect": dg.MetadataValue.int(kinds["parse_suspect"]),
        "pipeline": dg.MetadataValue.int(kinds["pipeline"]),
        "rule": dg.MetadataValue.text(f"{rule.description}\n{rule.rule_zh}"),
    }
    if findings:
        metadata["failing_reports"] = _table(findings)
    if outcome.errors:
        metadata["errors"] = dg.MetadataValue.text("\n".join(outcome.errors))
    severity = dg.AssetCheckSeverity.ERROR if rule.blocking or outcome.errors else dg.AssetCheckSeverity.WARN
    return dg.AssetCheckResult(
        check_name=rule.rule_id, asset_key=asset, passed=outcome.passed, severity=severity, metadata=metadata
    )


def build_checks(asset: str, rules: list[catalog.Rule]) -> dg.AssetChecksDefinition:
    """The multi-asset check of one asset: validates its suites on this run's working warehouse."""

    @dg.multi_asset_check(
        specs=[_spec(asset, r) for r in rules],
        name=f"quality_checks__{asset}",
        description=f"Great Expectations suites of expectations/ on {asset} (one check per rule).",
        pool=DUCKDB_POOL,
        compute_kind="great_expectations",
    )
    def _checks(context: dg.AssetCheckExecutionContext, ogi: OgiResource) -> Iterator[dg.AssetCheckResult]:
        from pipeline.quality.gx_runner import validate_warehouse

        suites = [s for s in catalog.suites() if s.asset == asset]
        with ogi.working(context.op_execution_context) as con:
            validation = validate_warehouse(con, suites)
        context.log.info(f"{asset}: {len(validation.findings)} findings; seconds {validation.seconds}")
        for rule in rules:
            yield _result(asset, rule, validation.outcomes[rule.rule_id])

    return _checks


@dg.definitions
def quality_checks() -> dg.Definitions:
    return dg.Definitions(
        asset_checks=[build_checks(asset, rules) for asset, rules in catalog.rules_by_asset().items()]
    )
