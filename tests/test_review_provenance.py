"""cell_provenance from the parse cache: only the reports asked for, rows already there kept (an
incremental build starts from the published file), rows of reports no longer asked for gone."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.load.work import pack
from pipeline.review.provenance import RECORDS, build_cell_provenance


def _cache(gen: Path, records: dict[str, dict]) -> Path:
    gen.mkdir(parents=True)
    pq.write_table(
        pa.table(
            {
                "sha256": list(records),
                "record": [pack(r) for r in records.values()],
            }
        ),
        gen / RECORDS,
    )
    return gen


def _record(line: int) -> dict:
    return {
        "provenance": {
            "applications.granted.total": {"line": line, "raw": f"（一）予以公开 {line}"},
            "applications.new_received.total": {"page": 2, "line": line + 1, "raw": "一、本年新收"},
            "note": "not a cell's provenance",
        }
    }


def test_only_wanted_reports_and_kept_rows(tmp_path: Path) -> None:
    g1 = _cache(tmp_path / "g1", {"a": _record(10), "b": _record(20), "c": _record(30)})
    g2 = _cache(tmp_path / "g2", {"b": _record(99), "d": _record(40)})  # b again: the first copy counts
    con = duckdb.connect()
    assert build_cell_provenance(con, [g1, g2], {"a", "b"}) == 4
    rows = con.execute("select report_id, cell, page, line, raw from cell_provenance order by all").fetchall()
    assert rows == [
        ("a", "applications.granted.total", None, 10, "（一）予以公开 10"),
        ("a", "applications.new_received.total", 2, 11, "一、本年新收"),
        ("b", "applications.granted.total", None, 20, "（一）予以公开 20"),
        ("b", "applications.new_received.total", 2, 21, "一、本年新收"),
    ]
    # the next build: a no longer has a finding, d has one; b's rows are kept as they are (marked
    # here to tell them from rows read again), a's deleted, d's read
    con.execute("update cell_provenance set raw = 'kept' where report_id = 'b'")
    assert build_cell_provenance(con, [g1, g2], {"b", "d"}) == 4
    rows = con.execute("select report_id, line, raw from cell_provenance order by all").fetchall()
    assert rows == [
        ("b", 20, "kept"),
        ("b", 21, "kept"),
        ("d", 40, "（一）予以公开 40"),
        ("d", 41, "一、本年新收"),
    ]


def test_worker_processes_read_the_same_rows(tmp_path: Path, monkeypatch) -> None:
    from pipeline.review import provenance

    gens = [
        _cache(tmp_path / "g1", {"a": _record(10), "b": _record(20)}),
        _cache(tmp_path / "g2", {"b": _record(99), "c": _record(30)}),
    ]
    serial = duckdb.connect()
    build_cell_provenance(serial, gens, {"a", "b", "c"})
    monkeypatch.setattr(provenance, "PARALLEL_MIN", 1)
    monkeypatch.setattr(provenance.os, "cpu_count", lambda: 2)
    parallel = duckdb.connect()
    assert build_cell_provenance(parallel, gens, {"a", "b", "c"}) == 6
    query = "select * from cell_provenance order by all"
    assert parallel.execute(query).fetchall() == serial.execute(query).fetchall()
    assert ("b", 20) in parallel.execute("select report_id, line from cell_provenance").fetchall()
