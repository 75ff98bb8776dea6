"""The quality step: Great Expectations once per run, and the checks' state on a night with nothing new.

``out_quality__findings`` runs between the facts and the marts (``out_ogi__marts`` reads
``quality_finding``): it validates the suites on this run's working warehouse, writes the findings,
applies reviewers' confirmations and says what is new against the published warehouse. The asset
checks of ``core_ogi__facts`` then present those findings (``checks.py``).

``out_quality__in_force`` runs beside the warehouse stages: when the warehouse is up to date (they
are all skipped), it re-reports every check from the published warehouse, so the checks show the
result of the data in force, and carries the night's summary.
"""

import time
from pathlib import Path
from typing import Any

import dagster as dg

from pipeline.defs.ingest.assets import core_ogi__reports
from pipeline.defs.quality.checks import FACTS, log_evaluations, rule_results
from pipeline.defs.resources import DUCKDB_POOL, OgiResource
from pipeline.defs.warehouse.assets import WAREHOUSE_JOB, core_ogi__facts

DATA_DOCS = "data_docs"
SHOWN = 30


def _md(rows: list[tuple], header: tuple[str, ...]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = ["" if v is None else str(v).replace("|", "\\|") for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def new_findings_markdown(con: Any, new: set[tuple] | None, resolved: int) -> tuple[int, int, str]:
    """(new, resolved, Markdown of the new findings) against the published warehouse, given the
    keys of the new findings (``incremental.finding_changes``; None: every finding is new). Only
    the rows of the reports with a new finding are read."""
    from pipeline.defs.quality.checks import failing_markdown
    from pipeline.review.findings import finding_rows

    def key(r: dict[str, Any]) -> tuple:
        return (r["report_id"], r["rule_id"], r["cells"], r["column_code"] or "")

    if new is None:
        rows = finding_rows(con)
        return len({key(r) for r in rows}), 0, failing_markdown(rows) if rows else "no new finding"
    if not new:
        return 0, resolved, "no new finding"
    ids = sorted({k[0] for k in new if k[0] is not None})
    where = "f.report_id in (select unnest(?::varchar[]))" + (
        " or f.report_id is null" if any(k[0] is None for k in new) else ""
    )
    new_rows = [r for r in finding_rows(con, where, [ids]) if key(r) in new]
    return len(new), resolved, failing_markdown(new_rows)


def _corrections(con: Any) -> tuple[dict[str, int], str]:
    from pipeline.review.findings import has_table

    if not has_table(con, "correction"):
        return {}, "no correction table"
    rows = con.execute(
        "select status, agency_name, path, cell, rule_id, detail from correction order by status, path, cell"
    ).fetchall()
    counts: dict[str, int] = {}
    for r in rows:
        counts[r[0]] = counts.get(r[0], 0) + 1
    md = (
        _md(rows[:SHOWN], ("status", "agency", "file", "cell", "rule", "detail"))
        if rows
        else "no corrections"
    )
    return counts, md


def _provenance(con: Any, ogi: OgiResource) -> int:
    """cell_provenance for the reports with a finding, from the batches' parse cache."""
    from pipeline.load.warehouse import snapshot
    from pipeline.review.provenance import build_cell_provenance

    ids = {r[0] for r in con.execute("select distinct report_id from quality_finding").fetchall() if r[0]}
    gens = [Path(f).parent for f in snapshot(ogi.layout).files["report"]]
    return build_cell_provenance(con, gens, ids)


@dg.asset(
    deps=[core_ogi__facts],
    group_name="quality",
    kinds={"duckdb", "great_expectations"},
    pool=DUCKDB_POOL,
)
def out_quality__findings(context: dg.AssetExecutionContext, ogi: OgiResource) -> dg.MaterializeResult:
    """quality_finding (one row per failing report × rule × column, marked source / parse_suspect /
    pipeline), quality_rule, quality_check_outcome, mart_quality and mart_quality_rule, from the
    Great Expectations suites in expectations/ run once on this run's build. Reviewers'
    confirmations (data/corrections) mark findings as source errors. A failing structural rule
    fails this step, so the marts are not built and the last good warehouse stays published."""
    from pipeline.quality import catalog, incremental
    from pipeline.quality.store import SQL_DIR
    from pipeline.review.corrections import confirm_findings

    t0 = time.perf_counter()
    force = "a full rebuild was asked for" if ogi.rebuild else None
    with ogi.working(context) as con:
        quality = incremental.run(con, ogi.layout.published, force=force, log=context.log.info)
        validation, counts = quality.validation, quality.counts
        t_validated = time.perf_counter()
        confirmed = confirm_findings(con)
        if confirmed:  # kinds changed: the quality marts count them
            for name in ("mart_quality", "mart_quality_rule"):
                con.execute((SQL_DIR / f"{name}.sql").read_text(encoding="utf-8"))
        provenance = _provenance(con, ogi)
        t_sum = time.perf_counter()
        totals = dict(
            zip(
                ("findings_error", "findings_warn", "findings_parse_suspect", "reports_with_findings"),
                con.execute(
                    "select count(*) filter (where severity = 'error'), count(*) filter (where severity = 'warn'), "
                    "count(*) filter (where kind = 'parse_suspect'), count(distinct report_id) from quality_finding"
                ).fetchone(),
                strict=True,
            )
        )
        by_rule = con.execute(
            "select rule_id, severity, count(*) as findings, count(distinct report_id) as reports, "
            "count(*) filter (where kind = 'parse_suspect') as parse_suspect "
            "from quality_finding group by all order by severity, rule_id"
        ).fetchall()
        n_new, n_resolved, new_md = new_findings_markdown(
            con, *incremental.finding_changes(con, ogi.layout.published)
        )
        correction_counts, correction_md = _corrections(con)
        rules = list(catalog.rules().values())
        results = rule_results(con, ogi.layout.raw_dir, rules, f"this run's build ({context.run_id[:8]})")
        con.execute("checkpoint")
    t_checks = time.perf_counter()
    context.log.info(
        f"quality step seconds: validate and write {t_validated - t0:.1f}, confirmations and provenance "
        f"{t_sum - t_validated:.1f}, checks and summary {t_checks - t_sum:.1f}"
    )
    broken = [rule.rule_id for rule, passed, _, _ in results if rule.blocking and not passed]
    if broken:
        # the checks step is skipped after this failure: report the checks from here
        log_evaluations(context, results, FACTS)
        raise dg.Failure(
            description=f"structural rule(s) failed: {', '.join(broken)}; the marts are not built and "
            "the last good warehouse stays published",
            metadata={
                k: v
                for r, _, _, m in results
                if r.rule_id in broken
                for k, v in m.items()
                if k in ("failing", "errors")
            },
        )
    if any(correction_counts.get(k) for k in ("report_changed", "unknown_cell", "invalid")):
        context.log.warning(f"corrections that no longer apply: {correction_counts}; see table correction")
    docs_path = ogi.layout.warehouse_dir / DATA_DOCS
    docs: dg.MetadataValue = dg.MetadataValue.text("not built: nothing validated in this run")
    if validation is not None and validation.results:
        from pipeline.quality.gx_runner import write_data_docs

        try:  # the results of what this run validated (all reports, or the changed ones)
            index = write_data_docs(validation, docs_path, run_name=context.run_id)
            docs = dg.MetadataValue.path(str(index))
        except Exception as exc:  # Data Docs are a convenience: never fail the findings for them
            context.log.warning(f"Data Docs not built: {type(exc).__name__}: {exc}")
    plan = quality.plan
    seconds = validation.seconds if validation is not None else {}
    return dg.MaterializeResult(
        metadata={
            **{f"rows_{t}": dg.MetadataValue.int(n) for t, n in counts.items()},
            "dagster/row_count": dg.MetadataValue.int(counts["quality_finding"]),
            **{k: dg.MetadataValue.int(v) for k, v in totals.items()},
            "validation": dg.MetadataValue.text("incremental" if plan.incremental else "full"),
            "validation_reason": dg.MetadataValue.text(plan.reason),
            "reports_validated": dg.MetadataValue.int(plan.scope if plan.incremental else plan.reports),
            "findings_new": dg.MetadataValue.int(n_new),
            "findings_resolved": dg.MetadataValue.int(n_resolved),
            "findings_confirmed": dg.MetadataValue.int(confirmed),
            "rows_cell_provenance": dg.MetadataValue.int(provenance),
            "new_findings": dg.MetadataValue.md(new_md),
            "by_rule": dg.MetadataValue.md(
                _md(by_rule, ("rule", "severity", "findings", "reports", "parse_suspect"))
                if by_rule
                else "no findings"
            ),
            "corrections": dg.MetadataValue.md(correction_md),
            **{f"corrections_{k}": dg.MetadataValue.int(v) for k, v in correction_counts.items()},
            "data_docs": docs,
            "seconds": dg.MetadataValue.float(round(time.perf_counter() - t0, 3)),
            "seconds_validate_total": dg.MetadataValue.float(round(t_sum - t0, 3)),
            **{f"seconds_{k}": dg.MetadataValue.float(round(v, 3)) for k, v in seconds.items()},
        }
    )


def is_up_to_date(ogi: OgiResource) -> bool:
    """True when core_ogi__facts will find nothing to rebuild (the same test it makes)."""
    from pipeline.load.warehouse import fingerprint, published_build, snapshot

    layout = ogi.layout
    if ogi.rebuild or not layout.published.exists():
        return False
    fp = fingerprint(snapshot(layout), ogi.parse_settings().parser_version)
    return published_build(layout.published).get("fingerprint") == fp


@dg.asset(
    deps=[core_ogi__reports],
    group_name="quality",
    kinds={"duckdb"},
    output_required=False,
)
def out_quality__in_force(context: dg.AssetExecutionContext, ogi: OgiResource):
    """The quality of the warehouse in force, on a night where nothing changed: every check of
    core_ogi__facts is re-reported from the published ogi.duckdb (its last result on the data in
    force), and the night's summary says so. On a night that rebuilds, the checks run on the new
    build instead and this asset records nothing."""
    import duckdb

    from pipeline.quality import catalog
    from pipeline.review.summary import in_force_summary

    if context.job_name == WAREHOUSE_JOB or not is_up_to_date(ogi):
        context.log.info("the warehouse is rebuilt in this run: its checks run on the new build")
        return
    published = ogi.layout.published
    with duckdb.connect(str(published), read_only=True) as con:
        build = con.execute("select run_id, published_at from warehouse_build").fetchone()
        data = f"the published warehouse in force (run {str(build[0])[:8]}, published {build[1]:%Y-%m-%d %H:%M} UTC)"
        results = rule_results(con, ogi.layout.raw_dir, list(catalog.rules().values()), data)
        summary = in_force_summary(con, ogi.layout)
    log_evaluations(context, results, FACTS)
    failed = [r.rule_id for r, passed, _, _ in results if not passed]
    context.instance.add_run_tags(context.run_id, {"ogi/checks_failed": ",".join(failed) or "none"})
    yield dg.MaterializeResult(
        metadata={
            "up_to_date": dg.MetadataValue.bool(True),
            "checks_failed": dg.MetadataValue.text(", ".join(failed) or "none"),
            "summary": dg.MetadataValue.md(summary),
            "path": dg.MetadataValue.path(str(published)),
        }
    )
