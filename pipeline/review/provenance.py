"""``cell_provenance``: where each table cell was read (page, line, raw text), in the warehouse.

The record keeps a provenance for every cell, but the flattened facts do not; a reviewer needs it
next to a finding ("第2页 第14行"). It is read from the parse cache (``records.parquet`` of each
batch's current generation) by the quality step, for the reports that have a finding only: a
record must be decompressed and decoded to get it (≈ 3 ms each), which every report of a large
batch would make a noticeable part of the night.
"""

from __future__ import annotations

import os
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
            page, line = where.get("page"), where.get("line")
            out.append(
                (
                    report_id,
                    cell,
                    page if page is None or type(page) is int else _int(page),  # the common case first
                    line if line is None or type(line) is int else _int(line),
                    where.get("raw"),
                )
            )
    return out


_COLUMNS = ("report_id", "cell", "page", "line", "raw")


#: from this many reports to read, the records are decoded in worker processes
PARALLEL_MIN = 2000
MAX_WORKERS = 4


def _arrow(rows: list[tuple[Any, ...]]) -> Any:
    """Rows as an Arrow table of cell_provenance's columns."""
    import pyarrow as pa

    report_id, cell, page, line, raw = zip(*rows, strict=True) if rows else ((),) * 5
    return pa.table(
        {
            "report_id": pa.array(report_id, pa.string()),
            "cell": pa.array(cell, pa.string()),
            "page": pa.array(page, pa.int32()),
            "line": pa.array(line, pa.int32()),
            "raw": pa.array(raw, pa.string()),
        }
    )


def read_generation(path: str, shas: list[str]) -> Any:
    """The provenance rows of the records ``shas`` of one parse cache, as Arrow (a worker's task:
    decompressing and decoding a record is most of the cost). A record that cannot be read gives
    no rows."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from pipeline.load.work import unpack

    table = pq.read_table(path, columns=["sha256", "record"])
    table = table.filter(pc.is_in(table.column("sha256"), value_set=pa.array(shas, pa.string())))
    rows: list[tuple[Any, ...]] = []
    done: set[str] = set()
    for sha, blob in zip(table.column("sha256").to_pylist(), table.column("record").to_pylist(), strict=True):
        if sha in done or blob is None:
            continue
        done.add(sha)
        try:
            rows.extend(provenance_rows(sha, unpack(blob)))
        except ValueError:
            continue
    return _arrow(rows)


def _insert(con: duckdb.DuckDBPyConnection, arrow: Any) -> None:
    """Append one generation's rows (the rows of 10⁵ reports are 10⁷: never all in Python)."""
    if arrow.num_rows == 0:
        return
    con.register("_cell_provenance", arrow)
    try:
        con.execute("insert into cell_provenance select * from _cell_provenance")
    finally:
        con.unregister("_cell_provenance")


def _assign(generation_dirs: Iterable[Path], todo: set[str]) -> list[tuple[str, list[str]]]:
    """(parse cache, the wanted reports read from it): each report from the first cache that has
    its record (a file content in several batches counts once)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    out = []
    left = set(todo)
    for gen in generation_dirs:
        path = Path(gen) / RECORDS
        if not left or not path.exists():
            continue
        table = pq.read_table(path, columns=["sha256", "record"])
        present = table.filter(pc.is_valid(table.column("record"))).column("sha256").to_pylist()
        mine = sorted(left.intersection(present))
        if mine:
            out.append((str(path), mine))
            left.difference_update(mine)
    return out


def build_cell_provenance(
    con: duckdb.DuckDBPyConnection, generation_dirs: Iterable[Path], report_ids: set[str] | None = None
) -> int:
    """Make ``cell_provenance`` hold the cells of ``report_ids`` (default: every report of the
    working warehouse); return its row count. Rows already there are kept for the reports still
    wanted (an incremental build starts from the published file: a report id is the hash of its
    file and the parser is the same, so its provenance is too) and only the missing reports are
    read, in worker processes when they are many. A generation without a parse cache (or an
    unreadable record) only loses its provenance."""
    con.execute(_CREATE)
    wanted = (
        {r[0] for r in con.execute("select report_id from report").fetchall()}
        if report_ids is None
        else set(report_ids)
    )
    con.execute(
        "delete from cell_provenance where report_id not in (select unnest($1::varchar[]))", [sorted(wanted)]
    )
    have = {r[0] for r in con.execute("select distinct report_id from cell_provenance").fetchall()}
    tasks = _assign(generation_dirs, wanted - have)
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if sum(len(shas) for _, shas in tasks) >= PARALLEL_MIN and workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # spawned: the caller holds DuckDB connections and threads
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            for arrow in pool.map(read_generation, *zip(*tasks, strict=True)):
                _insert(con, arrow)
    else:
        for path, shas in tasks:
            _insert(con, read_generation(path, shas))
    return con.execute("select count(*) from cell_provenance").fetchall()[0][0]
