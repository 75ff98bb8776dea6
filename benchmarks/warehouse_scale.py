"""The warehouse stages at 10⁵ reports without parsing 10⁵ files: the batches of a smaller run,
copied as distinct reports, then the warehouse job (facts → quality → marts → publish → site).

    .venv/bin/python benchmarks/pipeline_scale.py --n 10000 --keep        # a parsed run to copy
    .venv/bin/python benchmarks/warehouse_scale.py /tmp/ogi-bench-10000-xxxx --copies 10

The parse is the one stage that scales with CPU per file (``parse_throughput.py`` measures it);
everything after it reads the batches' Parquet. Each copy of a batch is a new batch whose reports
have new ids (sha256 of id and copy), agencies of their own (id and name suffixed with the copy
number), the same numbers and the same parse cache, so the warehouse holds ``copies`` × the reports
with the same mix of findings. Printed: the full build, then one more batch (incremental), with
each stage's seconds, peak memory of this process, the README queries (and those of the Markdown
files in ``OGI_README``, colon-separated), and the load average. The code run is a copy of HEAD
(as in ``pipeline_scale.py``; ``--live-code`` runs the working tree). (The warehouse job always builds:
the no-op night, which skips every warehouse stage, is ``pipeline_scale.py``'s.)

``--ogi-run`` times what ``pipeline_scale.py`` times, at 10⁵ without parsing 10⁵ files: the copied
batches get their raw files hard-linked (same size and mtime, paths rewritten in the Parquet, so
the inventory reads nothing and nothing is parsed again), then ``ogi run`` three times, each a
fresh process: the first run, the no-op re-run, and one more batch of ``--batch-size`` new
reports (step 3 of ``pipeline_scale.py``), then a no-op again. Each run's summary is kept in
``<folder>/run-*.log`` (with ``--keep``)::

    .venv/bin/python benchmarks/warehouse_scale.py /tmp/ogi-bench-10000-xxxx --copies 10 --ogi-run
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

_ID_COLUMNS = ("report_id", "sha256")


def _remap(col: pa.ChunkedArray, mapping: dict[str, str]) -> pa.Array:
    """``col`` with every value replaced through ``mapping`` (dictionary-encoded kept as such)."""
    dictionary = pa.types.is_dictionary(col.type)
    plain = col.cast(pa.string()) if dictionary else col
    keys = pa.array(list(mapping), pa.string())
    values = pa.array(list(mapping.values()), pa.string())
    out = pc.take(values, pc.index_in(plain, value_set=keys))
    return pc.dictionary_encode(out) if dictionary else out


def _suffix(col: pa.ChunkedArray, suffix: str) -> pa.Array:
    dictionary = pa.types.is_dictionary(col.type)
    plain = col.cast(pa.string()) if dictionary else col
    out = pc.binary_join_element_wise(plain, pa.scalar(suffix), "")
    return pc.dictionary_encode(out) if dictionary else out


def _reprefix(col: pa.ChunkedArray, old: str, new: str) -> pa.Array:
    """Paths ``<old batch>/…`` as ``<new batch>/…`` (the inventory matches the linked raw files)."""
    dictionary = pa.types.is_dictionary(col.type)
    plain = col.cast(pa.string()) if dictionary else col
    out = pc.replace_substring_regex(plain, pattern=f"^{old}/", replacement=f"{new}/")
    return pc.dictionary_encode(out) if dictionary else out


def copy_batch(src_gen: Path, dst_batch: Path, batch: str, copy: int) -> None:
    """One generation of a batch as batch ``batch`` with distinct reports and agencies."""
    src_batch = src_gen.parent.name
    ids: dict[str, str] = {}
    for name in ("report", "quarantine", "records"):
        path = src_gen / f"{name}.parquet"
        if path.exists():
            t = pq.read_table(path, columns=[c for c in _ID_COLUMNS if c in pq.read_schema(path).names])
            for c in t.columns:
                for v in c.to_pylist():
                    if v is not None and v not in ids:
                        ids[v] = hashlib.sha256(f"{v}:{copy}".encode()).hexdigest()
    gen = dst_batch / src_gen.name
    gen.mkdir(parents=True)
    for path in sorted(src_gen.glob("*.parquet")):
        t = pq.read_table(path)
        schema = t.schema
        cols = []
        for name, col in zip(t.column_names, t.columns, strict=True):
            if name in _ID_COLUMNS and len(t):
                col = _remap(col, ids)
            elif name == "batch" and len(t):
                col = pa.array([batch] * len(t), pa.string()).cast(col.type)
            elif name in ("agency_id", "agency_name") and len(t):
                col = _suffix(col, f"·{copy:03d}")
            elif name == "path" and len(t):
                col = _reprefix(col, src_batch, batch)
            cols.append(col)
        pq.write_table(pa.Table.from_arrays(cols, schema=schema), gen / path.name)
    if (src_gen / "generation.json").exists():
        meta = json.loads((src_gen / "generation.json").read_text(encoding="utf-8"))
        meta["batch"] = batch
        (gen / "generation.json").write_text(json.dumps(meta), encoding="utf-8")
    (dst_batch / "CURRENT").write_text(src_gen.name + "\n")


def _link_raw(src: Path, dst: Path) -> None:
    """The raw files of a batch, hard-linked (same size and mtime: the inventory reads none)."""
    for path in src.rglob("*"):
        if path.is_file():
            target = dst / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)


def replicate(
    src_wh: Path, dst: Path, copies: range, limit: int | None = None, src_raw: Path | None = None
) -> list[str]:
    """Every batch of ``src_wh`` once per copy number in ``copies`` into ``dst`` (raw folders
    empty, or with ``src_raw``'s files hard-linked), numbered after the batches already there; at
    most ``limit`` batches."""
    srcs = sorted(p for p in (src_wh / "facts").iterdir() if (p / "CURRENT").exists())
    facts = dst / "warehouse" / "facts"
    n = len(list(facts.iterdir())) if facts.exists() else 0
    names: list[str] = []
    for copy in copies:
        for src in srcs:
            if limit is not None and len(names) >= limit:
                return names
            batch = f"b{n + len(names):04d}"
            copy_batch(src / (src / "CURRENT").read_text().strip(), facts / batch, batch, copy)
            (dst / "raw" / batch).mkdir(parents=True, exist_ok=True)
            if src_raw is not None:
                _link_raw(src_raw / src.name, dst / "raw" / batch)
            names.append(batch)
    return names


def run_warehouse_job(dst: Path) -> tuple[float, dict[str, float], bool]:
    """The warehouse job in process (an ephemeral Dagster instance): wall s, step s, success."""
    import dagster as dg

    from pipeline.definitions import defs

    job = defs().resolve_job_def("ogi_warehouse_job")
    config = {
        "resources": {
            "ogi": {"config": {"raw_dir": str(dst / "raw"), "warehouse_dir": str(dst / "warehouse")}}
        },
        "loggers": {"console": {"config": {"log_level": "WARNING"}}},
    }
    t0 = time.perf_counter()
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(run_config=config, instance=instance, raise_on_error=True)
        steps = {
            e.step_key: e.event_specific_data.duration_ms / 1000
            for e in result.all_events
            if e.event_type == dg.DagsterEventType.STEP_SUCCESS
        }
    return time.perf_counter() - t0, steps, result.success


def _run_frozen() -> None:
    """Re-run this script from a copy of HEAD (``pipeline_scale.frozen_code``): the warehouse
    fingerprint covers the code, and a file saved in the checkout between the full build and the
    added batch would turn the incremental build into a full one."""
    from pipeline_scale import frozen_code

    code = Path(tempfile.mkdtemp(prefix="ogi-whscale-code-"))
    frozen_code(code)
    env = {**os.environ, "OGI_BENCH_FROZEN": str(code)}
    env.pop("DAGSTER_HOME", None)
    script = code / "benchmarks" / Path(__file__).name
    os.execve(sys.executable, [sys.executable, str(script), *sys.argv[1:]], env)


def ogi_runs(bench: Path, dst: Path, batch_size: int) -> None:
    """``pipeline_scale.py``'s three ``ogi run`` (fresh processes) on the copied warehouse: the
    first run (every batch already parsed: warehouse, quality, site in full), the no-op re-run,
    and one more batch of ``batch_size`` new reports (parse it, incremental warehouse). Each run's
    stage seconds and its ``quality:`` log lines (``dst/run-*.log``) are printed."""
    from pipeline_scale import parse_mix, render, timed_run

    env = {**os.environ}
    env.pop("DAGSTER_HOME", None)
    code = os.environ.get("OGI_BENCH_FROZEN")
    if code:
        env["PYTHONPATH"] = code
    raw, wh = dst / "raw", dst / "warehouse"

    def one(label: str) -> None:
        cpu0 = os.times()
        run = timed_run(raw, wh, env)
        cpu = os.times()
        child_cpu = (cpu.children_user - cpu0.children_user) + (cpu.children_system - cpu0.children_system)
        (dst / f"run-{label}.log").write_text(str(run["summary"]), encoding="utf-8")
        print(
            f"{label}: {run['wall_s']:.1f} s wall, {child_cpu:.1f} s CPU (run + workers), "
            f"peak {run['peak_mb']:.0f} MB, load {run['load']:.1f}",
            flush=True,
        )
        for stage, sec in sorted(run["stages"].items(), key=lambda kv: -kv[1])[:8]:
            print(f"    {stage:40s} {sec:8.2f}")

    one("first")
    one("noop")
    first = len([p for p in raw.iterdir() if p.is_dir()])
    with multiprocessing.Pool(2) as pool:
        render(raw, batch_size, parse_mix("txt:60,html:25,pdf:10,docx:5"), batch_size, first, 8, 400, pool)
    one("add-batch")
    one("noop-after-add")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bench", type=Path, help="a kept pipeline_scale.py folder (raw/, warehouse/)")
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--live-code", action="store_true", help="run the working tree, not a copy of HEAD")
    ap.add_argument(
        "--ogi-run",
        action="store_true",
        help="instead of the in-process warehouse job: raw files linked, then pipeline_scale.py's "
        "first run, no-op run and one added batch, each `ogi run` a fresh process",
    )
    ap.add_argument("--batch-size", type=int, default=1000, help="reports in the added batch (--ogi-run)")
    args = ap.parse_args()
    if not args.live_code and not os.environ.get("OGI_BENCH_FROZEN"):
        _run_frozen()
    dst = Path(tempfile.mkdtemp(prefix="ogi-whscale-"))
    try:
        t0 = time.perf_counter()
        src_raw = args.bench / "raw" if args.ogi_run else None
        batches = replicate(args.bench / "warehouse", dst, range(args.copies), src_raw=src_raw)
        print(
            f"{len(batches)} batches copied in {time.perf_counter() - t0:.0f} s; load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        if args.ogi_run:
            ogi_runs(args.bench, dst, args.batch_size)
            return
        import duckdb
        from analyst_queries import readme_queries, time_query

        def report(label: str, wall: float, steps: dict[str, float]) -> None:
            with duckdb.connect(str(dst / "warehouse" / "ogi.duckdb"), read_only=True) as con:
                n = con.execute("select count(*) from report").fetchone()[0]
                cards = con.execute("select count(*) from mart_agency_year").fetchone()[0]
                findings = con.execute("select count(*) from quality_finding").fetchone()[0]
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"{label}: {wall:.1f} s wall, {n} reports, {cards} agency-years, {findings} findings, "
                f"peak RSS {peak:.0f} MB, load {os.getloadavg()[0]:.1f}"
            )
            for step, s in sorted(steps.items(), key=lambda kv: -kv[1]):
                print(f"    {step:40s} {s:8.2f}")

        wall, steps, ok = run_warehouse_job(dst)
        report("full build", wall, steps)
        extra = replicate(args.bench / "warehouse", dst, range(args.copies, args.copies + 1), limit=1)
        wall, steps, ok = run_warehouse_job(dst)
        report(f"+ batch {extra[0]}", wall, steps)
        with duckdb.connect() as con:
            con.sql("select 1").to_arrow_table()
        for readme in (
            ROOT / "README.md",
            *[Path(p) for p in os.environ.get("OGI_README", "").split(":") if p],
        ):
            print(f"README queries of {readme}:")
            for i, sql in enumerate(readme_queries(readme), 1):
                with duckdb.connect(str(dst / "warehouse" / "ogi.duckdb"), read_only=True) as con:
                    cold, best, rows = time_query(con, sql, 3)
                print(f"  {i} cold {cold:7.1f} ms  best {best:7.1f} ms  {rows:>7} rows")
    finally:
        if args.keep:
            print(f"kept {dst}")
        else:
            shutil.rmtree(dst, ignore_errors=True)


if __name__ == "__main__":
    main()
