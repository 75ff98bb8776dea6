"""``cell_provenance``: where each table cell was read (page, line, raw text), in the warehouse.

The record keeps a provenance for every cell, but the flattened facts do not; a reviewer needs it
next to a finding ("第2页 第14行"). It is read from the parse cache (``records.parquet`` of each
batch's current generation) by the quality step, for the reports that have a finding only: a
record must be decompressed and decoded to get it (≈ 3 ms each), which every report of a large
batch would make a noticeable part of the night.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

RECORDS = "records.parquet"

_CREATE = """
create table if not exists cell_provenance (
    report_id varchar, cell varchar, page integer, line integer, raw varchar
);
comment on table cell_provenance is 'Where each table cell of a report with a finding was read: page (PDF) or line, and the raw text (单元格来源)';
comment on column cell_provenance.report_id is 'Report id, sha256 of the file (报告标识)';
comment on column cell_provenance.cell is 'Dotted cell path, e.g. applications.granted.total (单元格)';
comment on column cell_provenance.page is 'Page number in the source (PDF), else null (页码)';
comment on column cell_provenance.line is 'Line number in the extracted text (行号)';
comment on column cell_provenance.raw is 'Raw text of that line as extracted (原文)';
"""


def _int(v: Any) -> int | None:
    try:
        return None if v is None else int(v)
    except (TypeError, ValueError):
        return None


def provenance_rows(report_id: str, record: dict[str, Any]) -> list[tuple[Any, ...]]:
    """(report_id, cell, page, line, raw) for every cell the record says where it read."""
    out = []
    for cell, where in (record.get("provenance") or {}).items():
        if isinstance(where, dict):
            out.append((report_id, cell, _int(where.get("page")), _int(where.get("line")), where.get("raw")))
    return out


_COLUMNS = ("report_id", "cell", "page", "line", "raw")


def _insert(con: duckdb.DuckDBPyConnection, rows: list[tuple[Any, ...]]) -> None:
    """Append rows to cell_provenance (one generation's: the rows of 10⁵ reports are 10⁷)."""
    import pyarrow as pa

    if not rows:
        return
    report_id, cell, page, line, raw = zip(*rows, strict=True)
    arrow = pa.table(
        {
            "report_id": pa.array(report_id, pa.string()),
            "cell": pa.array(cell, pa.string()),
            "page": pa.array(page, pa.int32()),
            "line": pa.array(line, pa.int32()),
            "raw": pa.array(raw, pa.string()),
        }
    )
    con.register("_cell_provenance", arrow)
    try:
        con.execute("insert into cell_provenance select * from _cell_provenance")
    finally:
        con.unregister("_cell_provenance")


def build_cell_provenance(
    con: duckdb.DuckDBPyConnection, generation_dirs: Iterable[Path], report_ids: set[str] | None = None
) -> int:
    """Make ``cell_provenance`` hold the cells of ``report_ids`` (default: every report of the
    working warehouse); return its row count. Rows already there are kept for the reports still
    wanted (an incremental build starts from the published file: a report id is the hash of its
    file and the parser is the same, so its provenance is too) and only the missing reports are
    read. A generation without a parse cache (or an unreadable record) only loses its provenance."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from pipeline.load.work import unpack

    con.execute(_CREATE)
    wanted = (
        {r[0] for r in con.execute("select report_id from report").fetchall()}
        if report_ids is None
        else set(report_ids)
    )
    con.execute(
        "delete from cell_provenance where report_id not in (select unnest($1::varchar[]))", [sorted(wanted)]
    )
    seen = {r[0] for r in con.execute("select distinct report_id from cell_provenance").fetchall()}
    todo = pa.array(sorted(wanted - seen), pa.string())
    for gen in generation_dirs:
        path = Path(gen) / RECORDS
        if not path.exists() or len(todo) == 0:
            continue
        # only the wanted rows reach Python: a batch's records are ~4 KB each, packed
        table = pq.read_table(path, columns=["sha256", "record"])
        table = table.filter(pc.is_in(table.column("sha256"), value_set=todo))
        rows: list[tuple[Any, ...]] = []
        for sha, blob in zip(
            table.column("sha256").to_pylist(), table.column("record").to_pylist(), strict=True
        ):
            if sha in seen or blob is None:
                continue
            seen.add(sha)
            try:
                rows.extend(provenance_rows(sha, unpack(blob)))
            except ValueError:
                continue
        _insert(con, rows)
    return con.execute("select count(*) from cell_provenance").fetchall()[0][0]
