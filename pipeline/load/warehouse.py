"""Build the DuckDB warehouse from the per-batch Parquet, then publish it by atomic rename.

Each run builds a fresh working file of its own (``.build/<run_id>.duckdb``) from ``sql/`` in
stages (core → dims → marts), and the last stage renames it over ``ogi.duckdb``. Analysts keep
reading the previous file until the rename, and a crash anywhere leaves it untouched. The file is
created through ``ATTACH … (STORAGE_VERSION 'v1.5.0')`` so DuckDB 1.x clients (the 1.5 CLI and the
drivers SQL tools bundle) can open what duckdb 2.0 writes; before publishing, the 1.x CLI, when
installed, is asked to open the file, so a file it cannot read is never published.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipeline.load import schemas, seeds, store
from pipeline.load.layout import REPO_ROOT, Layout

SQL_DIR = REPO_ROOT / "sql"
STORAGE_VERSION = "v1.5.0"
#: models per layer, in build order (one .sql file each under sql/<layer>/)
MODELS: dict[str, tuple[str, ...]] = {
    "staging": tuple(f"stg_{t}" for t in schemas.FACT_TABLES),
    "core": (
        "report",
        "quarantine",
        "fact_application",
        "fact_proactive",
        "fact_review_litigation",
        "quality_finding",
    ),
    "dims": (
        "dim_disposition",
        "dim_applicant",
        "dim_proactive_measure",
        "dim_review_litigation",
        "dim_agency",
    ),
    "marts": (
        "mart_agency_year",
        "mart_cross_agency",
        "mart_yoy",
        "mart_disposition_mix",
        "mart_disposition_group",
        "mart_repair_reason",
    ),
    "meta": ("warehouse_build", "publish"),
}
_STALE_BUILD_SECONDS = 24 * 3600


def one(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> tuple[Any, ...] | None:
    """The first row of a query, with its result read to the end: duckdb 2.0 keeps a result that
    ``fetchone()`` left unfinished open, and the connection's next ``con.sql()`` then raises
    ``ResourceInUseException``."""
    rows = con.execute(sql, params).fetchall() if params is not None else con.execute(sql).fetchall()
    return rows[0] if rows else None


def model_sql(layer: str, name: str) -> str:
    return (SQL_DIR / layer / f"{name}.sql").read_text(encoding="utf-8")


def run_model(con: duckdb.DuckDBPyConnection, layer: str, name: str) -> None:
    """Run one model file in one transaction (its COMMENT statements would each commit, and sync,
    on their own)."""
    con.execute("begin transaction")
    try:
        con.execute(model_sql(layer, name))
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


@contextmanager
def connect(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a warehouse file (created if missing) in storage v1.5.0."""
    con = duckdb.connect(config={"memory_limit": os.environ.get("OGI_DUCKDB_MEMORY", "1GB")})
    try:
        con.execute(f"set temp_directory = '{_quote(path.parent / 'spill')}'")
        con.execute(f"attach '{_quote(path)}' as ogi (storage_version '{STORAGE_VERSION}')")
        con.execute("use ogi")
        yield con
    finally:
        con.close()


@dataclass
class Snapshot:
    """The per-batch Parquet one build reads: each batch's current generation."""

    batches: list[str] = field(default_factory=list)
    generations: list[str] = field(default_factory=list)
    files: dict[str, list[str]] = field(default_factory=dict)


def snapshot(layout: Layout) -> Snapshot:
    """Current generations of the batches that still have a raw folder."""
    snap = Snapshot(files={t: [] for t in schemas.FACT_TABLES})
    for batch in layout.batches():
        gen = store.current(layout.batch_state(batch))
        if gen is None:
            continue
        snap.batches.append(batch)
        snap.generations.append(gen.name)
        for table in schemas.FACT_TABLES:
            snap.files[table].append(str(gen / f"{table}.parquet"))
    return snap


#: what a build depends on besides the Parquet: a change to any of these files rebuilds the warehouse
_BUILD_INPUTS = (("sql", "*.sql"), ("expectations", "*.json"), ("pipeline", "*.py"))


def fingerprint(snap: Snapshot, parser_version: str) -> str:
    """Identity of a build's inputs: the batches' generations, the versions, and the SQL, suites and
    code that turn them into tables. Equal to the published file's → nothing would change."""
    h = hashlib.sha256(
        json.dumps(
            [snap.batches, snap.generations, parser_version, schemas.LOAD_VERSION, STORAGE_VERSION]
        ).encode()
    )
    for folder, pattern in _BUILD_INPUTS:
        for path in sorted((REPO_ROOT / folder).rglob(pattern)):
            h.update(path.relative_to(REPO_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    from pipeline.review.corrections import digest  # reviewers' corrections are an input too

    h.update(digest())
    return h.hexdigest()


def published_build(path: Path) -> dict[str, Any]:
    """The ``warehouse_build`` row of a published file ({} if none or unreadable)."""
    if not path.exists():
        return {}
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            rel = con.execute("select * from warehouse_build")
            names = [d[0] for d in rel.description]
            rows = rel.fetchall()
            return dict(zip(names, rows[0] if rows else (), strict=False))
    except duckdb.Error:
        return {}  # an older file without warehouse_build, or unreadable: replace it


def _empty_parquet(layout: Layout, table: str) -> str:
    """A zero-row file with the table's schema, so staging works before any batch exists."""
    import pyarrow.parquet as pq

    path = layout.build_dir / "empty" / f"{table}.parquet"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(schemas.FACT_TABLES[table].empty_table(), path)
    return str(path)


def table_counts(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> dict[str, int]:
    return {t: one(con, f'select count(*) from "{t}"')[0] for t in tables}  # type: ignore[index]


def preview(con: duckdb.DuckDBPyConnection, sql: str, limit: int = 10) -> str:
    """A Markdown table of the first rows of a query (for Dagster metadata)."""
    rel = con.sql(f"select * from ({sql}) limit {limit}")
    cols = rel.columns
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in rel.fetchall():
        cells = [f"{v:.4g}" if isinstance(v, float) else "" if v is None else str(v) for v in row]
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ")[:60] for c in cells) + " |")
    return "\n".join(lines)


#: the per-batch tables kept from the published file by an incremental build (the big ones);
#: every other table is rebuilt as a full build builds it
INCREMENTAL_TABLES = ("fact_application", "fact_proactive", "fact_review_litigation")
#: tables an incremental build keeps for the quality step to bring up to date (it deletes the rows
#: of reports no longer wanted and reads the missing ones only); rows of removed reports go here
KEPT_FOR_QUALITY = ("cell_provenance",)
#: an incremental build is refused past these: many changed batches (a full build is as fast),
#: or a published file with too many free blocks (deleted rows pile up; a full build compacts)
_MAX_CHANGED_SHARE = 0.5
_MAX_FREE_SHARE, _MIN_FREE_BYTES = 0.3, 64 << 20


def code_fingerprint(parser_version: str) -> str:
    """Identity of everything but the batches: versions, SQL, suites, code. An incremental build
    starts from the published file only when this is the one that file was built with."""
    return fingerprint(Snapshot(), parser_version)


@dataclass
class Plan:
    """How a build starts: from nothing (full) or from a copy of the published file."""

    incremental: bool
    reason: str
    changed: list[str] = field(default_factory=list)
    """Batches whose rows are rewritten: new, changed (another generation) or removed."""


def plan_build(layout: Layout, snap: Snapshot, parser_version: str) -> Plan:
    """Full or incremental, and why. ``OGI_WAREHOUSE_FULL=1`` forces a full build."""
    if os.environ.get("OGI_WAREHOUSE_FULL", "") not in ("", "0"):
        return Plan(False, "OGI_WAREHOUSE_FULL is set")
    target = layout.published
    if not target.exists():
        return Plan(False, "no published warehouse yet")
    try:
        with duckdb.connect(str(target), read_only=True) as con:
            code = one(con, "select code_fingerprint from build_input")
            batches, generations = one(con, "select batches, generations from warehouse_build")  # type: ignore[misc]
            used, free, block = one(  # type: ignore[misc]
                con, "select used_blocks, free_blocks, block_size from pragma_database_size()"
            )
    except (duckdb.Error, TypeError) as exc:  # an older file, or unreadable: rebuild it whole
        return Plan(False, f"published file gives no build inputs ({type(exc).__name__})")
    if code is None or code[0] != code_fingerprint(parser_version):
        return Plan(False, "versions, SQL, suites or code changed since the published build")
    before = dict(zip(batches or [], generations or [], strict=False))
    now = dict(zip(snap.batches, snap.generations, strict=True))
    changed = sorted(b for b in before.keys() | now.keys() if before.get(b) != now.get(b))
    if len(changed) > _MAX_CHANGED_SHARE * max(len(now), 1):
        return Plan(False, f"{len(changed)} of {len(now)} batches changed", changed)
    if free > _MAX_FREE_SHARE * max(used + free, 1) and free * block > _MIN_FREE_BYTES:
        return Plan(False, f"published file is {free / (used + free):.0%} free blocks: compacting", changed)
    return Plan(True, f"{len(changed)} of {len(now)} batches changed", changed)


def _set_files(con: duckdb.DuckDBPyConnection, layout: Layout, files: dict[str, list[str]]) -> None:
    for table, paths in files.items():
        con.execute(
            f"set variable {table}_files = $files", {"files": paths or [_empty_parquet(layout, table)]}
        )


def _rewrite_batches(
    con: duckdb.DuckDBPyConnection, layout: Layout, snap: Snapshot, plan: Plan
) -> dict[str, int]:
    """In a copy of the published file: rebuild the small core tables from every batch, and in the
    fact tables replace only the rows of reports whose kept copy is new, moved, in a changed batch,
    or was corrected by a reviewer (corrections are applied again afterwards, on parsed values).
    The facts' own model SQL makes the new rows (run in a scratch schema on those reports only), so
    an incremental build gives the same tables as a full one."""
    con.execute("create or replace temp table _old_kept as select report_id, batch from report")
    fixed = "select null::varchar as report_id where false"
    if one(
        con,
        "select count(*) from duckdb_tables() where table_name = 'correction' and schema_name = 'main'"
        " and database_name = current_database()",
    )[0]:  # type: ignore[index]
        fixed = "select distinct report_id from main.correction"
    con.execute(f"create or replace temp table _fixed as {fixed}")
    con.execute(
        "create or replace temp table _changed as select unnest($b::varchar[]) as batch", {"b": plan.changed}
    )
    keep = set(INCREMENTAL_TABLES) | set(KEPT_FOR_QUALITY)
    for kind, name in con.execute(
        "select 'table', table_name from duckdb_tables() where database_name = current_database() "
        "and schema_name = 'main' union all select 'view', view_name from duckdb_views() "
        "where database_name = current_database() and schema_name = 'main' and not internal"
    ).fetchall():
        if name not in keep:
            con.execute(f'drop {kind} if exists main."{name}"')
    _set_files(con, layout, snap.files)
    for name in MODELS["staging"]:
        run_model(con, "staging", name)
    for name in MODELS["core"]:
        if name not in keep:
            run_model(con, "core", name)
    con.execute("""
        create or replace temp table _insert as
        select n.report_id, n.batch from report as n
        where n.batch in (select batch from _changed)
           or n.report_id in (select report_id from _fixed)
           or not exists (select 1 from _old_kept as o where o.report_id = n.report_id and o.batch = n.batch)
    """)
    con.execute("""
        create or replace temp table _stale as
        select report_id from _old_kept as o
        where o.batch in (select batch from _changed)
           or o.report_id in (select report_id from _fixed)
           or not exists (select 1 from report as n where n.report_id = o.report_id and n.batch = o.batch)
    """)
    rewritten = dict(
        con.execute(
            "select 'deleted', count(*) from _stale union all select 'inserted', count(*) from _insert"
        ).fetchall()
    )
    need = {b for (b,) in con.execute("select distinct batch from _insert").fetchall()}
    _set_files(
        con,
        layout,
        {
            t: [f for b, f in zip(snap.batches, snap.files[t], strict=True) if b in need]
            for t in INCREMENTAL_TABLES
        },
    )
    for name in INCREMENTAL_TABLES:
        run_model(con, "staging", f"stg_{name}")
    con.execute("create schema if not exists _inc")
    con.execute("create or replace view _inc.report as select report_id, batch from _insert")
    con.execute("use ogi._inc")
    try:
        for name in INCREMENTAL_TABLES:
            run_model(con, "core", name)
    finally:
        con.execute("use ogi.main")
    con.execute("begin transaction")
    for name in INCREMENTAL_TABLES:
        con.execute(f"delete from main.{name} where report_id in (select report_id from _stale)")
        con.execute(f"insert into main.{name} by name select * from _inc.{name}")
    for name in KEPT_FOR_QUALITY:
        if con.execute(
            "select count(*) from duckdb_tables() where table_name = ? and schema_name = 'main' "
            "and database_name = current_database()",
            [name],
        ).fetchall()[0][0]:
            con.execute(f"delete from main.{name} where report_id in (select report_id from _stale)")
    con.execute("drop schema _inc cascade")
    con.execute("commit")
    return rewritten


_BUILD_INPUT = """
create or replace table build_input as select getvariable('code_fingerprint') as code_fingerprint;
comment on table build_input is 'What besides the batches this file was built with; a later build may start from this file only with the same (构建输入)';
comment on column build_input.code_fingerprint is 'Hash of versions, SQL, suites, code and corrections (代码指纹)';
"""


def build_core(
    layout: Layout, run_id: str, parser_version: str, snap: Snapshot | None = None, fingerprint_: str = ""
) -> tuple[Snapshot, dict[str, int]]:
    """Start the working file: report, quarantine, fact tables, empty quality_finding.

    Full: a fresh file from every batch's Parquet. Incremental (``plan_build``): a copy of the
    published file in which only the changed batches' fact rows are rewritten; the published file
    is never written, and the copy is renamed over it at the end of a good run as before.
    """
    layout.build_dir.mkdir(parents=True, exist_ok=True)
    _cleanup_stale(layout)
    work = layout.working(run_id)
    for p in (work, work.with_name(work.name + ".wal")):
        p.unlink(missing_ok=True)
    snap = snap or snapshot(layout)
    plan = plan_build(layout, snap, parser_version)
    started_at = datetime.now(UTC).replace(tzinfo=None)
    if plan.incremental:
        shutil.copyfile(layout.published, work)
    with connect(work) as con:
        if plan.incremental:
            _rewrite_batches(con, layout, snap, plan)
        else:
            _set_files(con, layout, snap.files)
            for name in MODELS["staging"]:
                run_model(con, "staging", name)
            for name in MODELS["core"]:
                run_model(con, "core", name)
        from pipeline.review.corrections import apply_review_layer  # provenance, corrections

        apply_review_layer(con, [Path(f).parent for f in snap.files["report"]])
        for key, value in {
            "run_id": run_id,
            "started_at": started_at,
            "published_at": None,
            "parser_version": parser_version,
            "load_version": schemas.LOAD_VERSION,
            "batches": snap.batches,
            "generations": snap.generations,
            "fingerprint": fingerprint_ or fingerprint(snap, parser_version),
            "code_fingerprint": code_fingerprint(parser_version),
        }.items():
            con.execute(f"set variable {key} = $v", {"v": value})
        run_model(con, "meta", "warehouse_build")
        run_sql(con, _BUILD_INPUT)
        counts = table_counts(con, MODELS["core"])
        con.execute("checkpoint")
    return snap, counts


def run_sql(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Statements in one transaction (as ``run_model``)."""
    con.execute("begin transaction")
    try:
        con.execute(sql)
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def _require(work: Path) -> None:
    if not work.exists():
        raise FileNotFoundError(
            f"{work} does not exist: the warehouse stages must run in one run, starting with core_ogi__facts"
        )


def build_dims(layout: Layout, run_id: str) -> dict[str, int]:
    work = layout.working(run_id)
    _require(work)
    with connect(work) as con:
        for name, make in seeds.SEEDS.items():
            con.register(name, make())
        for name in MODELS["dims"]:
            run_model(con, "dims", name)
        counts = table_counts(con, MODELS["dims"])
        con.execute("checkpoint")
    return counts


def build_marts(layout: Layout, run_id: str) -> dict[str, int]:
    work = layout.working(run_id)
    _require(work)
    with connect(work) as con:
        for name in MODELS["marts"]:
            run_model(con, "marts", name)
        counts = table_counts(con, MODELS["marts"])
        con.execute("checkpoint")
    return counts


def missing_comments(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables and columns of the warehouse without a COMMENT (every one must have one)."""
    rows = con.execute("""
        select table_name from duckdb_tables()
        where database_name = current_database() and schema_name = 'main' and coalesce(comment, '') = ''
        union all
        select table_name || '.' || column_name from duckdb_columns()
        where database_name = current_database() and schema_name = 'main' and coalesce(comment, '') = ''
        order by 1
    """).fetchall()
    return [r[0] for r in rows]


def cli_binary() -> Path | None:
    """The DuckDB 1.x CLI analysts use (``duckdb-cli`` from PyPI), if installed."""
    here = Path(sys.executable).parent / "duckdb"
    found = here if here.exists() else shutil.which("duckdb")
    return Path(found) if found else None


def cli_check(path: Path) -> str | None:
    """Open ``path`` read-only with the 1.x CLI; return its version, or raise if it cannot."""
    cli = cli_binary()
    if cli is None:
        return None
    out = subprocess.run(
        [
            str(cli),
            "-readonly",
            "-noheader",
            "-list",
            str(path),
            "-c",
            "select version() || ' ' || (select count(*) from report)",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if out.returncode != 0 or "Error" in out.stderr:
        raise RuntimeError(f"{cli} cannot open {path}: {out.stderr.strip() or out.stdout.strip()}")
    return out.stdout.strip().split()[0]


@dataclass
class Published:
    path: Path
    published: bool
    reason: str = ""
    cli_version: str | None = None
    bytes: int = 0
    missing_comments: list[str] = field(default_factory=list)
    build: dict[str, Any] = field(default_factory=dict)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(layout: Layout, run_id: str) -> Published:
    """Stamp, check and rename the working file over ``ogi.duckdb`` — unless a run that started
    later already published (two runs may overlap; the newer data wins)."""
    work = layout.working(run_id)
    _require(work)
    with connect(work) as con:
        con.execute("set variable published_at = $v", {"v": datetime.now(UTC).replace(tzinfo=None)})
        run_model(con, "meta", "publish")
        rel = con.execute("select * from warehouse_build")
        names = [d[0] for d in rel.description]
        build = dict(
            zip(
                names,
                rel.fetchall()[0],
                strict=True,
            )
        )
        missing = missing_comments(con)
        con.execute("checkpoint")
    target = layout.published
    other = published_build(target).get("started_at")
    if other is not None and other > build["started_at"]:
        work.unlink(missing_ok=True)
        return Published(
            target,
            False,
            f"a newer build (started {other}) is already published",
            build=build,
            missing_comments=missing,
        )
    cli_version = cli_check(work)
    _fsync(work)
    target.with_name(target.name + ".wal").unlink(missing_ok=True)  # never replay a stale log
    os.replace(work, target)
    _fsync(target.parent)
    return Published(
        target,
        True,
        cli_version=cli_version,
        bytes=target.stat().st_size,
        build=build,
        missing_comments=missing,
    )


def _cleanup_stale(layout: Layout) -> None:
    """Working files of runs that died more than a day ago."""
    now = time.time()
    for p in layout.build_dir.glob("*.duckdb*"):
        if now - p.stat().st_mtime > _STALE_BUILD_SECONDS:
            p.unlink(missing_ok=True)
    if not any(layout.build_dir.glob("*.duckdb")):
        shutil.rmtree(layout.build_dir / "spill", ignore_errors=True)
