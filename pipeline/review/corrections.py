"""Reviewers' corrections: a versioned CSV under ``data/corrections/``, applied as a layer over the
parsed values each time the warehouse is built.

A row either **corrects** a cell (``action = correct``: the value a person read in the source) or
**confirms** a finding as an error of the source (``action = confirm``: the finding stays, marked
``source`` instead of ``parse_suspect``). Corrections are keyed by ``report_id`` (the sha256 of the
file), so they survive a re-parse (a new parser version) and stop applying when the file changes.
Every row gets a status in the ``correction`` table of each build:

- ``applied``: the fact now holds ``value``; the parsed value is kept in ``parsed_value`` (and in
  the parse cache), the fact is marked ``is_corrected``;
- ``already_correct``: the parse now reads ``value`` itself: the correction is no longer needed;
- ``report_changed``: that report is no longer the version in force (its file changed or is gone);
- ``unknown_cell``: the report has no such cell;
- ``confirmed`` / ``no_finding``: a confirmation that matched a finding, or no longer does;
- ``invalid``: a row that cannot be used as written (``detail`` says why); it is left out.

The warehouse build calls :func:`apply_corrections` (``pipeline/load/warehouse.py``); the quality
step calls :func:`confirm_findings` after the findings are written.
"""

from __future__ import annotations

import csv
import hashlib
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

REPO_ROOT = Path(__file__).resolve().parents[2]
FILE_NAME = "corrections.csv"
FIELDS = (
    "report_id",
    "path",
    "agency_name",
    "year",
    "action",
    "cell",
    "rule_id",
    "value",
    "reason",
    "who",
    "when",
)
ACTIONS = ("correct", "confirm")
#: fact table, key columns and value column per section of a cell path
_FACTS = {
    "applications": ("fact_application", ("disposition_code", "applicant_code"), '"count"'),
    "review_litigation": ("fact_review_litigation", ("group_code", "outcome_code"), '"count"'),
    "proactive": ("fact_proactive", ("item_code", "measure_code"), "value"),
}


class CorrectionError(ValueError):
    """A correction row that cannot be used as written (says which row and why)."""


def corrections_dir() -> Path:
    """``$OGI_CORRECTIONS_DIR``, else ``data/corrections`` of the repo."""
    return Path(os.environ.get("OGI_CORRECTIONS_DIR") or REPO_ROOT / "data" / "corrections")


def corrections_file(directory: Path | None = None) -> Path:
    return (directory or corrections_dir()) / FILE_NAME


@dataclass
class Correction:
    report_id: str
    path: str = ""
    agency_name: str = ""
    year: str = ""
    action: str = "correct"
    cell: str = ""
    rule_id: str = ""
    value: str = ""
    reason: str = ""
    who: str = ""
    when: str = ""

    def validate(self, line: int) -> None:
        where = f"{FILE_NAME} line {line}"
        if not self.report_id:
            raise CorrectionError(f"{where}: report_id is empty")
        if self.action not in ACTIONS:
            raise CorrectionError(f"{where}: action {self.action!r} is not one of {', '.join(ACTIONS)}")
        if self.action == "correct":
            parts = self.cell.split(".")
            if len(parts) != 3 or parts[0] not in _FACTS:
                raise CorrectionError(
                    f"{where}: cell {self.cell!r} is not a table cell like applications.granted.total"
                )
            try:
                float(self.value)
            except ValueError:
                raise CorrectionError(f"{where}: value {self.value!r} is not a number") from None
        elif not self.rule_id:
            raise CorrectionError(f"{where}: a confirmation needs the finding's rule_id")
        if not self.reason or not self.who:
            raise CorrectionError(f"{where}: reason and who are required")


def read_corrections(path: Path | None = None) -> tuple[list[Correction], list[str]]:
    """The file's corrections, and one error line per row that cannot be used (kept out, named)."""
    rows, bad = _read(path)
    return rows, [msg for _, msg in bad]


def _read(path: Path | None = None) -> tuple[list[Correction], list[tuple[Correction, str]]]:
    """Usable rows, and the unusable ones with why (they go to ``correction`` as ``invalid``)."""
    path = path or corrections_file()
    if not path.exists():
        return [], []
    out, bad = [], []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [
                f
                for f in ("report_id", "cell", "value", "reason", "who")
                if f not in (reader.fieldnames or [])
            ]
            if missing:
                return [], [(Correction(report_id=""), f"{path}: missing columns {', '.join(missing)}")]
            for i, row in enumerate(reader, start=2):
                c = Correction(**{f: (row.get(f) or "").strip() for f in FIELDS})
                c.action = c.action or "correct"
                try:
                    c.validate(i)
                except CorrectionError as exc:
                    bad.append((c, str(exc)))
                    continue
                out.append(c)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return [], [(Correction(report_id=""), f"{path}: cannot be read as UTF-8 CSV: {exc}")]
    return out, bad


def digest(path: Path | None = None) -> bytes:
    """Bytes identifying the corrections in force (part of the warehouse fingerprint: editing the
    file rebuilds the warehouse on the next run)."""
    path = path or corrections_file()
    return hashlib.sha256(path.read_bytes()).digest() if path.exists() else b"no corrections"


def append_correction(c: Correction, path: Path | None = None) -> Path:
    """Add one row to the corrections file (created with its header if missing)."""
    path = path or corrections_file()
    c.when = c.when or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    c.validate(0)
    new = not path.exists() or path.stat().st_size == 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(FIELDS))
        if new:
            writer.writeheader()
        writer.writerow(asdict(c))
    return path


_CREATE = """
create or replace table correction (
    report_id varchar, path varchar, agency_name varchar, year varchar, action varchar, cell varchar,
    rule_id varchar, value double, parsed_value double, reason varchar, who varchar, "when" varchar,
    status varchar, detail varchar
);
comment on table correction is 'Reviewers'' corrections (data/corrections/corrections.csv) and what each did in this build (人工更正)';
comment on column correction.report_id is 'Report id the correction is for, sha256 of the file (报告标识)';
comment on column correction.path is 'Source file as the reviewer named it (来源文件)';
comment on column correction.agency_name is 'Agency as the reviewer named it (机关名称)';
comment on column correction.year is 'Report year as the reviewer named it (报告年度)';
comment on column correction.action is 'correct: replace a cell value; confirm: the finding is an error of the source (操作)';
comment on column correction.cell is 'Dotted cell path corrected or confirmed (单元格)';
comment on column correction.rule_id is 'Rule of the confirmed finding (规则)';
comment on column correction.value is 'Corrected value (更正值)';
comment on column correction.parsed_value is 'Value the parser read, kept next to the correction (解析值)';
comment on column correction.reason is 'Why, in the reviewer''s words (理由)';
comment on column correction.who is 'Reviewer (更正人)';
comment on column correction."when" is 'When the correction was recorded (更正时间)';
comment on column correction.status is 'applied, already_correct, report_changed, unknown_cell, confirmed, no_finding, invalid (状态)';
comment on column correction.detail is 'What the status means for this row, in English (说明)';
"""


def _add_flag(con: duckdb.DuckDBPyConnection, table: str) -> None:
    con.execute(f"alter table {table} add column if not exists is_corrected boolean default false")
    con.execute(
        f"comment on column {table}.is_corrected is "
        "'True when a reviewer corrected this cell (data/corrections); the parsed value is in correction.parsed_value (人工更正)'"
    )


def apply_corrections(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> dict[str, Any]:
    """Create ``correction`` and apply every ``correct`` row to the facts of the working warehouse.
    Returns counts by status and the unusable rows' errors (never raises for a bad row)."""
    rows, bad = _read(path)
    errors = [msg for _, msg in bad]
    con.execute(_CREATE)
    for table, _, _ in _FACTS.values():
        _add_flag(con, table)
    # a report version that is no longer current (its file changed) counts as changed
    reports = dict(con.execute("select report_id, path from report where is_current").fetchall())
    by_path = {p: r for r, p in reports.items()}
    out = []
    for c in rows:
        value = float(c.value) if c.action == "correct" else None
        parsed, status, detail = None, "pending", ""
        if c.report_id not in reports:
            status = "report_changed"
            now = by_path.get(c.path)
            detail = (
                f"report {c.report_id[:12]} is no longer in force: {c.path} is now report {now[:12]}; "
                "check the cell again and record the correction for the new report"
                if now
                else f"report {c.report_id[:12]} is no longer in force (file changed or removed)"
            )
        elif c.action == "correct":
            table, keys, col = _FACTS[c.cell.split(".")[0]]
            _, a, b = c.cell.split(".")
            where = f"report_id = ? and {keys[0]} = ? and {keys[1]} = ?"
            found = con.execute(f"select {col} from {table} where {where}", [c.report_id, a, b]).fetchall()
            if not found:
                status, detail = "unknown_cell", f"report has no cell {c.cell}"
            else:
                parsed = None if found[0][0] is None else float(found[0][0])
                if parsed == value:
                    status = "already_correct"
                    detail = f"the parse now reads {c.value} itself: the correction is no longer needed"
                else:
                    con.execute(
                        f"update {table} set {col} = ?, is_corrected = true where {where}",
                        [value, c.report_id, a, b],
                    )
                    status, detail = "applied", f"parsed {parsed} replaced by {c.value}"
        out.append(
            (
                c.report_id,
                c.path,
                c.agency_name,
                c.year,
                c.action,
                c.cell,
                c.rule_id,
                value,
                parsed,
                c.reason,
                c.who,
                c.when,
                status,
                detail,
            )  # fmt: skip
        )
    for c, msg in bad:  # kept, with why, so the run reports them
        out.append(
            (
                c.report_id,
                c.path,
                c.agency_name,
                c.year,
                c.action,
                c.cell,
                c.rule_id,
                None,
                None,
                c.reason,
                c.who,
                c.when,
                "invalid",
                msg,
            )  # fmt: skip
        )
    if out:
        con.executemany("insert into correction values (" + ", ".join("?" * 14) + ")", out)
    counts: dict[str, Any] = {}
    for _, *_rest, status, _detail in out:
        counts[status] = counts.get(status, 0) + 1
    return {"counts": counts, "errors": errors}


def confirm_findings(con: duckdb.DuckDBPyConnection) -> int:
    """Mark the findings reviewers confirmed as source errors (kind ``source``); set each
    confirmation's status. Returns the number of findings confirmed."""
    has = con.execute(
        "select count(*) from duckdb_tables() where table_name = 'correction' and database_name = current_database()"
    ).fetchall()[0][0]
    if not has:
        return 0
    match = """
        from correction as c
        where c.action = 'confirm' and c.status = 'pending'
          and f.report_id = c.report_id and f.rule_id = c.rule_id
          and (c.cell = '' or list_contains(string_split(f.cells, ','), c.cell))
    """
    n = con.execute(f"select count(*) from quality_finding as f where exists (select 1 {match})").fetchall()[
        0
    ][0]
    con.execute(f"update quality_finding as f set kind = 'source' where exists (select 1 {match})")
    con.execute("""
        update correction as c set
            status = case when exists (
                select 1 from quality_finding as f
                where f.report_id = c.report_id and f.rule_id = c.rule_id
                  and (c.cell = '' or list_contains(string_split(f.cells, ','), c.cell))
            ) then 'confirmed' else 'no_finding' end,
            detail = case when exists (
                select 1 from quality_finding as f
                where f.report_id = c.report_id and f.rule_id = c.rule_id
                  and (c.cell = '' or list_contains(string_split(f.cells, ','), c.cell))
            ) then 'finding confirmed as an error of the source'
            else 'the finding no longer exists: the confirmation is no longer needed' end
        where c.action = 'confirm' and c.status = 'pending'
    """)
    return int(n)


def apply_review_layer(con: duckdb.DuckDBPyConnection, generation_dirs: list[Path]) -> dict[str, Any]:
    """The warehouse build's hook: the corrections, on the core tables (``generation_dirs`` are the
    batches' Parquet generations the build reads; the quality step reads their parse cache)."""
    return apply_corrections(con)
