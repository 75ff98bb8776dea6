"""Validate only what changed: the reports whose inputs differ from the published build's, and
carry every other finding over from the findings stored in that build.

A report's findings depend on its own rows (``report`` and the ``fact_*`` rows of its report id)
and, for the cross-year rules (``cross_year.sql``), on the rows of the same agency's current
report of the year before. So a run validates again (``plan``):

- every report of a batch whose Parquet generation changed (new, changed or removed batches),
- every report whose ``report`` row differs from the published one (its kept copy moved to another
  batch, its ``is_current`` or ``n_copies`` changed because of another batch, …),
- every report of the year after one of those, of the same agency (its comparison partner changed),

and keeps the stored findings and per-report frame rows of all others. Anything that invalidates
the stored findings gives a full validation, with the reason: no published build or no stored
state, other versions / SQL / suites / code / reviewers' corrections (the build's code
fingerprint), another ``current_year`` (``report_identity``'s bound), check errors last time,
rows without a report id, or more than half the reports to validate.

``quality_frame_rows`` stores how many rows of each check frame every report gave, so that
``quality_check_outcome.rows_checked`` of an incremental run equals a full run's.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.quality import catalog

if TYPE_CHECKING:
    import duckdb

    from pipeline.quality.gx_runner import Validation

PREV = "_quality_prev"
SCOPE = "_quality_scope"
#: a larger share of reports to validate again is validated in full (no cheaper, and simpler)
MAX_SCOPE_SHARE = 0.5
FACT_TABLES = ("fact_application", "fact_proactive", "fact_review_litigation")

_STATE = """
create or replace table quality_state as select
    getvariable('q_code_fingerprint')::varchar as code_fingerprint,
    getvariable('q_current_year')::integer as current_year,
    getvariable('q_mode')::varchar as mode,
    getvariable('q_reason')::varchar as reason,
    getvariable('q_validated')::bigint as reports_validated;
comment on table quality_state is 'What the findings of this file were validated with; a later run validates only the changed reports when these match (检查状态)';
comment on column quality_state.code_fingerprint is 'Code fingerprint of the build validated (build_input) (代码指纹)';
comment on column quality_state.current_year is 'Latest report year accepted by report_identity (当前年度)';
comment on column quality_state.mode is 'full or incremental (检查方式)';
comment on column quality_state.reason is 'Why this mode (原因)';
comment on column quality_state.reports_validated is 'Reports Great Expectations validated in this run (本次检查报告数)';
"""
_FRAME_ROWS = """
create or replace table quality_frame_rows (report_id varchar, frame varchar, n_rows bigint);
comment on table quality_frame_rows is 'Rows of each check frame per report, so an incremental validation counts rows_checked as a full one (检查行数明细)';
comment on column quality_frame_rows.report_id is 'Report id (报告标识)';
comment on column quality_frame_rows.frame is 'Check frame (sql/checks) (检查框架)';
comment on column quality_frame_rows.n_rows is 'Rows of the frame for the report (行数)';
"""
_OUTCOME = """
create or replace table quality_check_outcome (rule_id varchar, rows_checked bigint, findings bigint, errors varchar);
comment on table quality_check_outcome is 'What each rule''s check saw in this build: rows checked, findings, errors of the check itself (检查结果)';
comment on column quality_check_outcome.rule_id is 'Rule id (规则)';
comment on column quality_check_outcome.rows_checked is 'Check-frame rows the rule was evaluated on (检查行数)';
comment on column quality_check_outcome.findings is 'Findings of the rule (问题数)';
comment on column quality_check_outcome.errors is 'Errors raised by the check itself, if any (检查错误)';
"""


@dataclass
class Plan:
    """Full or incremental validation, why, and (incremental) how many reports are validated."""

    incremental: bool
    reason: str
    changed_batches: list[str] = field(default_factory=list)
    affected: int = 0
    """Report ids whose stored findings are dropped (validated again, or gone)."""
    scope: int = 0
    """Reports of this build validated again."""
    reports: int = 0


@dataclass
class Result:
    """What the quality step validated and wrote."""

    plan: Plan
    validation: Validation | None
    counts: dict[str, int]
    outcomes: list[tuple[str, int, int, str | None]]


def _table_exists(con: duckdb.DuckDBPyConnection, catalog_name: str, name: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where database_name = ? and schema_name = 'main' "
            "and table_name = ?",
            [catalog_name, name],
        ).fetchall()[0][0]
    )


def _code_fingerprint(con: duckdb.DuckDBPyConnection, db: str) -> str | None:
    if not _table_exists(con, db, "build_input"):
        return None
    rows = con.execute(f"select code_fingerprint from {db}.main.build_input").fetchall()
    return rows[0][0] if rows else None


def _full_reason(con: duckdb.DuckDBPyConnection, current_year: int, force: str | None) -> str | None:
    """Why the stored findings cannot be used (None when they can); ``PREV`` is attached."""
    if force:
        return force
    if not _table_exists(con, PREV, "quality_state") or not _table_exists(con, PREV, "quality_frame_rows"):
        return "the published warehouse has no stored validation state"
    code, year = con.execute(
        f"select code_fingerprint, current_year from {PREV}.main.quality_state"
    ).fetchall()[0]
    now = _code_fingerprint(con, con.execute("select current_database()").fetchall()[0][0])
    if code is None or code != now or code != _code_fingerprint(con, PREV):
        return "versions, SQL, suites, code or reviewers' corrections changed since the last validation"
    if year != current_year:
        return f"the current year changed ({year} → {current_year}): report_identity's bound moved"
    if con.execute(
        f"select count(*) from {PREV}.main.quality_check_outcome where coalesce(errors, '') <> ''"
    ).fetchall()[0][0]:
        return "the last validation had check errors"
    if con.execute(
        f"select (select count(*) from {PREV}.main.quality_finding where report_id is null)"
        f" + (select count(*) from {PREV}.main.quality_frame_rows where report_id is null)"
    ).fetchall()[0][0]:
        return "the stored findings have rows without a report id"
    return None


def _changed_batches(con: duckdb.DuckDBPyConnection) -> list[str]:
    before = con.execute(f"select batches, generations from {PREV}.main.warehouse_build").fetchall()[0]
    now = con.execute("select batches, generations from main.warehouse_build").fetchall()[0]
    old = dict(zip(before[0] or [], before[1] or [], strict=False))
    new = dict(zip(now[0] or [], now[1] or [], strict=False))
    return sorted(b for b in old.keys() | new.keys() if old.get(b) != new.get(b))


def _affected(con: duckdb.DuckDBPyConnection, changed: list[str]) -> None:
    """Temp tables ``_q_affected`` (report ids whose stored findings go) and ``_q_scope`` (those
    of this build to validate)."""
    con.execute(
        "create or replace temp table _q_changed as select unnest($b::varchar[]) as batch", {"b": changed}
    )
    con.execute(f"""
        create or replace temp table _q_direct as
        select report_id from {PREV}.main.report where batch in (select batch from _q_changed)
        union select report_id from main.report where batch in (select batch from _q_changed)
        union select report_id from (select * from main.report except select * from {PREV}.main.report)
        union select report_id from (select * from {PREV}.main.report except select * from main.report)
    """)
    # the cross-year rules compare a report with its agency's report of the year before
    con.execute(f"""
        create or replace temp table _q_affected as
        with moved as (
            select agency_id, year from main.report where report_id in (select report_id from _q_direct)
            union
            select agency_id, year from {PREV}.main.report where report_id in (select report_id from _q_direct)
        )
        select report_id from _q_direct
        union
        select r.report_id from main.report as r
        inner join moved as m on r.agency_id = m.agency_id and r.year = m.year + 1
    """)
    con.execute(
        "create or replace temp table _q_scope as select distinct report_id from main.report "
        "where report_id in (select report_id from _q_affected)"
    )


def plan(con: duckdb.DuckDBPyConnection, current_year: int, force: str | None = None) -> Plan:
    """Full or incremental, and why; with ``PREV`` attached (else full). Incremental leaves the
    temp tables of ``_affected``."""
    reports = con.execute("select count(*) from main.report").fetchall()[0][0]
    if not _attached(con):
        return Plan(False, force or "no published warehouse to carry findings from", reports=reports)
    reason = _full_reason(con, current_year, force)
    if reason is not None:
        return Plan(False, reason, reports=reports)
    try:
        changed = _changed_batches(con)
        _affected(con, changed)
    except Exception as exc:  # noqa: BLE001 - another table shape: the stored state is unusable
        return Plan(
            False, f"cannot compare with the published build ({type(exc).__name__}: {exc})", reports=reports
        )
    affected = con.execute("select count(*) from _q_affected").fetchall()[0][0]
    scope = con.execute("select count(*) from _q_scope").fetchall()[0][0]
    if scope > MAX_SCOPE_SHARE * max(reports, 1):
        return Plan(
            False,
            f"{scope} of {reports} reports to validate: a full validation is as cheap",
            changed,
            affected,
            scope,
            reports,
        )
    return Plan(
        True,
        f"{len(changed)} batch(es) changed: {scope} of {reports} reports to validate",
        changed,
        affected,
        scope,
        reports,
    )


def _attached(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute("select count(*) from duckdb_databases() where database_name = ?", [PREV]).fetchall()[0][
            0
        ]
    )


def _validate_scope(con: duckdb.DuckDBPyConnection, current_year: int) -> Any:
    """GX on the reports of ``_q_scope`` only: their rows (and their agencies' other reports, the
    cross-year partners) copied into a scratch schema the check frames read."""
    from pipeline.quality.gx_runner import validate_warehouse_runner

    db = con.execute("select current_database()").fetchall()[0][0]
    con.execute(f"drop schema if exists {SCOPE} cascade")
    con.execute(f"create schema {SCOPE}")
    con.execute(f"""
        create table {SCOPE}.scope_ids as select report_id from _q_scope;
        create table {SCOPE}.report as select * from main.report
        where report_id in (select report_id from _q_scope)
           or agency_id in (select agency_id from main.report where report_id in (select report_id from _q_scope))
    """)
    for t in FACT_TABLES:
        con.execute(
            f"create table {SCOPE}.{t} as select * from main.{t} "
            f"where report_id in (select report_id from {SCOPE}.report)"
        )
    con.execute(f"use {db}.{SCOPE}")
    try:
        return validate_warehouse_runner(
            con,
            current_year=current_year,
            where=f"report_id in (select report_id from {db}.{SCOPE}.scope_ids)",
        )
    finally:
        con.execute(f"use {db}.main")
        con.execute(f"drop schema if exists {SCOPE} cascade")


def _write_frame_rows(
    con: duckdb.DuckDBPyConnection, frame_rows: dict[str, dict[str | None, int]], carry: bool
) -> None:
    """quality_frame_rows: the rows counted in this validation, and (incremental) those of every
    report not validated again, copied from the published build in DuckDB."""
    import pyarrow as pa

    con.execute(_FRAME_ROWS)
    if carry:
        con.execute(
            f"insert into quality_frame_rows select report_id, frame, n_rows from {PREV}.main.quality_frame_rows "
            "where report_id not in (select report_id from _q_affected)"
        )
    ids, frames, rows = [], [], []
    for frame, counts in frame_rows.items():
        for rid, n in counts.items():
            ids.append(rid)
            frames.append(frame)
            rows.append(n)
    if not ids:
        return
    new = pa.table(
        {
            "report_id": pa.array(ids, pa.string()),
            "frame": pa.array(frames, pa.string()),
            "n_rows": pa.array(rows, pa.int64()),
        }
    )
    con.register("_q_rows_new", new)
    try:
        con.execute("insert into quality_frame_rows select report_id, frame, n_rows from _q_rows_new")
    finally:
        con.unregister("_q_rows_new")


def _rows_checked(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """rows_checked per rule from ``quality_frame_rows``: each expectation of the rule counts the
    rows of the frame it reads (what GX reports as element_count)."""
    per_frame = dict(
        con.execute("select frame, sum(n_rows)::bigint from quality_frame_rows group by frame").fetchall()
    )
    out: dict[str, int] = {}
    for suite in catalog.suites():
        for exp in suite.expectations:
            meta = exp["meta"]
            out[meta["rule_id"]] = out.get(meta["rule_id"], 0) + int(per_frame.get(meta["frame"], 0))
    return out


def _rule_ids() -> list[str]:
    """Every rule some suite checks, in the order the runner reports them."""
    return list(dict.fromkeys(e["meta"]["rule_id"] for s in catalog.suites() for e in s.expectations))


def _write_outcomes(
    con: duckdb.DuckDBPyConnection, validation: Validation | None, incremental: bool
) -> list[tuple[str, int, int, str | None]]:
    found = dict(con.execute("select rule_id, count(*) from quality_finding group by rule_id").fetchall())
    checked = _rows_checked(con) if incremental else {}
    rows = []
    for rid in _rule_ids():
        outcome = validation.outcomes.get(rid) if validation is not None else None
        errors = "\n".join(outcome.errors) if outcome is not None and outcome.errors else None
        n = checked.get(rid, 0) if incremental else (outcome.checked if outcome is not None else 0)
        rows.append((rid, n, int(found.get(rid, 0)), errors))
    con.execute(_OUTCOME)
    con.executemany("insert into quality_check_outcome values (?, ?, ?, ?)", rows)
    return rows


def run(
    con: duckdb.DuckDBPyConnection,
    published: Path,
    *,
    force: str | None = None,
    current_year: int | None = None,
    log: Callable[[str], None] = print,
) -> Result:
    """Validate this run's working warehouse (``con``) — only the changed reports when the
    published build's stored findings allow it — and write quality_finding, quality_rule, the
    quality marts, quality_check_outcome, quality_frame_rows and quality_state."""
    from pipeline.quality.store import write_findings

    year = current_year or date.today().year
    if force is None and os.environ.get("OGI_QUALITY_FULL", "") not in ("", "0"):
        force = "OGI_QUALITY_FULL is set"
    attached = False
    if published.exists():
        try:
            con.execute(f"attach '{_quote(published)}' as {PREV} (read_only)")
            attached = True
        except Exception as exc:  # noqa: BLE001 - an unreadable published file: validate in full
            force = force or f"the published warehouse cannot be read ({type(exc).__name__})"
    try:
        p = plan(con, year, force)
        log(f"quality: {'incremental' if p.incremental else 'full'} validation: {p.reason}")
        if p.incremental:
            runner = _validate_scope(con, year) if p.scope else None
            validation = runner.validation if runner is not None else None
            counts = write_findings(
                con,
                validation.findings if validation is not None else [],
                carried=f"select * from {PREV}.main.quality_finding "
                "where report_id not in (select report_id from _q_affected)",
            )
            _write_frame_rows(con, runner.frame_rows if runner is not None else {}, carry=True)
            validated = p.scope
        else:
            from pipeline.quality.gx_runner import validate_warehouse_runner

            runner = validate_warehouse_runner(con, current_year=year)
            validation = runner.validation
            counts = write_findings(con, validation.findings)
            _write_frame_rows(con, runner.frame_rows, carry=False)
            validated = p.reports
        outcomes = _write_outcomes(con, validation, p.incremental)
        for key, value in {
            "q_code_fingerprint": _code_fingerprint(
                con, con.execute("select current_database()").fetchall()[0][0]
            ),
            "q_current_year": year,
            "q_mode": "incremental" if p.incremental else "full",
            "q_reason": p.reason,
            "q_validated": validated,
        }.items():
            con.execute(f"set variable {key} = $v", {"v": value})
        con.execute(_STATE)
    finally:
        if attached:
            con.execute(f"detach {PREV}")
    return Result(p, validation, counts, outcomes)


_KEY = "report_id, rule_id, cells, coalesce(column_code, '')"


def finding_changes(con: duckdb.DuckDBPyConnection, published: Path) -> tuple[set[tuple] | None, int]:
    """The keys of this build's findings that the published build does not have (None when there
    is no published build to compare with: all are new), and how many of its findings are gone.
    Compared in DuckDB: 10⁵ keys read into Python cost seconds."""
    import duckdb

    if not published.exists():
        return None, 0
    try:
        con.execute(f"attach '{_quote(published)}' as {PREV} (read_only)")
    except duckdb.Error:
        return None, 0
    try:
        if not _table_exists(con, PREV, "quality_finding"):
            return None, 0
        new = set(
            con.execute(
                f"select {_KEY} from main.quality_finding except select {_KEY} from {PREV}.main.quality_finding"
            ).fetchall()
        )
        resolved = con.execute(
            f"select count(*) from (select {_KEY} from {PREV}.main.quality_finding "
            f"except select {_KEY} from main.quality_finding)"
        ).fetchall()[0][0]
    finally:
        con.execute(f"detach {PREV}")
    return new, int(resolved)


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
