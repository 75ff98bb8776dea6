"""The warehouse build at 10⁵ reports without parsing them: full build vs adding one batch.

    .venv/bin/python benchmarks/duckdb_incremental.py --from WAREHOUSE_DIR [--copies 100]

Takes the first batch of an existing warehouse folder (e.g. one made by ``ogi run`` on 1,000
reports, or ``pipeline_scale.py --keep``) and clones its Parquet generation ``--copies`` times
with new report, agency and file ids, into a temporary layout: 100 copies of 1,000 reports are
10⁵ reports and 1.7·10⁷ application facts, in a few seconds instead of an hour of parsing. Then,
timed: a full build (core, dims, marts, publish), one more batch added and built incrementally
(``plan_build`` picks it), and the README's analyst queries on the 10⁵ file. The quality step and
the review hook's provenance are not part of this (the clones carry no parse cache).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

IDS = ("report_id", "sha256", "agency_id", "path")


def clone_batch(source: Path, target_state: Path, k: int, name: str) -> None:
    """One copy of a batch generation: ids prefixed with ``k``, the batch renamed."""
    gen = source / (source / "CURRENT").read_text().strip()
    out = target_state / "g-clone"
    out.mkdir(parents=True, exist_ok=True)
    for path in gen.glob("*.parquet"):
        if path.stem in ("records", "files"):
            continue
        table = pq.read_table(path)
        cols = []
        for field in table.schema:
            col = table.column(field.name)
            if field.name in (*IDS, "batch"):
                is_dict = pa.types.is_dictionary(field.type)
                plain = col.cast(pa.string()) if is_dict else col
                if field.name == "batch":
                    plain = pc.if_else(pc.is_null(plain), plain, pa.scalar(name))
                else:
                    plain = pc.binary_join_element_wise(pa.scalar(f"{k:04d}"), plain, "")
                col = plain.dictionary_encode().cast(field.type) if is_dict else plain
            cols.append(col)
        pq.write_table(pa.table(cols, schema=table.schema), out / path.name, compression="zstd")
    (target_state / "CURRENT").write_text("g-clone\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="source", type=Path, required=True, help="a warehouse folder (has facts/)")
    ap.add_argument("--copies", type=int, default=100)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    import duckdb
    from analyst_queries import readme_queries, time_query

    from pipeline.load import warehouse
    from pipeline.load.layout import Layout
    from pipeline.record import PARSER_VERSION

    # the code part of the fingerprint left out: a working checkout's files may change between the
    # two builds (other people's edits), which would rightly make the second one full
    warehouse._BUILD_INPUTS = ()
    source = sorted(p for p in (args.source / "facts").iterdir() if (p / "CURRENT").exists())[0]
    tmp = Path(tempfile.mkdtemp(prefix="ogi-duckdb-inc-"))
    layout = Layout.of(tmp / "raw", tmp / "wh")
    try:
        t0 = time.perf_counter()
        for k in range(args.copies):
            name = f"c{k:04d}"
            (layout.raw_dir / name).mkdir(parents=True)
            clone_batch(source, layout.batch_state(name), k, name)
        print(
            f"{args.copies} copies of {source.name} in {time.perf_counter() - t0:.0f} s (not timed below); "
            f"load {os.getloadavg()[0]:.1f}"
        )

        def build(run_id: str) -> dict[str, float]:
            t: dict[str, float] = {}
            for stage, fn in (
                ("core", lambda: warehouse.build_core(layout, run_id, PARSER_VERSION)),
                ("dims", lambda: warehouse.build_dims(layout, run_id)),
                ("marts", lambda: warehouse.build_marts(layout, run_id)),
                ("publish", lambda: warehouse.publish(layout, run_id)),
            ):
                start = time.perf_counter()
                fn()
                t[stage] = time.perf_counter() - start
            return t

        plan = warehouse.plan_build(layout, warehouse.snapshot(layout), PARSER_VERSION)
        full = build("full")
        with duckdb.connect(str(layout.published), read_only=True) as con:
            reports, facts = con.execute(
                "select (select count(*) from report), (select count(*) from fact_application)"
            ).fetchone()
        size = layout.published.stat().st_size / 2**20
        print(f"full build ({plan.reason}): {reports} reports, {facts} application facts, {size:.0f} MB")
        print(
            "  "
            + ", ".join(f"{k} {v:.1f} s" for k, v in full.items())
            + f"; total {sum(full.values()):.1f} s"
        )

        name = f"c{args.copies:04d}"
        (layout.raw_dir / name).mkdir(parents=True)
        clone_batch(source, layout.batch_state(name), args.copies, name)
        plan = warehouse.plan_build(layout, warehouse.snapshot(layout), PARSER_VERSION)
        inc = build("inc")
        print(f"one batch added, {'incremental' if plan.incremental else 'full'} build ({plan.reason}):")
        print(
            "  " + ", ".join(f"{k} {v:.1f} s" for k, v in inc.items()) + f"; total {sum(inc.values()):.1f} s"
        )

        print(f"README analyst queries on the {reports:,}-report file (cold / best ms):")
        for i, sql in enumerate(readme_queries(), 1):
            with duckdb.connect(str(layout.published), read_only=True) as con:
                cold, best, rows = time_query(con, sql, 3)
            print(f"  {i}  {cold:7.1f} {best:7.1f}  {rows:>8} rows  {' '.join(sql.split())[:60]}")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
