"""End-to-end scale of the nightly pipeline: N mixed reports in batches, run, re-run, add a batch.

    .venv/bin/python benchmarks/pipeline_scale.py                    # N = 1,000 and 10,000
    .venv/bin/python benchmarks/pipeline_scale.py --n 1000 10000 100000
    .venv/bin/python benchmarks/pipeline_scale.py --n 2000 --formats txt:50,pdf:50 --batch-size 500

For each N the reports are rendered (not timed) into ``raw/b0000``, ``raw/b0001`` … of
``--batch-size`` files each, formats mixed as ``--formats`` says (default text 60 %, HTML 25 %,
PDF 10 %, DOCX 5 %; a ninth of the text arrives as .md). Then, each ``ogi run`` a fresh process
(Python + Dagster start-up included, as ``make run`` pays it):

1. the first run (parse everything, full warehouse build, checks, publish);
2. the same again with nothing changed (the no-op re-run);
3. one more batch of ``--batch-size`` reports added (parse it, incremental warehouse build);

and the README's analyst queries on the result (``analyst_queries.py``). Printed per N: wall time,
reports/s, peak resident memory of the whole process tree (the run plus its parse workers, sampled
every 0.1 s from /proc), and the load average (the machine may be shared). Targets on the 2-core
project machine: 10⁵ reports <= 10 min, peak < 4 GB, no-op <= 15 s, adding a batch of 1,000
<= 60 s, each analyst query <= 100 ms.

``cpu s`` is the user + system CPU of a run and its parse workers (``getrusage`` of the children):
on a machine shared with other work, wall time stretches and CPU time much less. ``--raw DIR``
keeps the rendered reports in ``DIR/N`` and reuses them on the next call (rendering 10⁵ takes
longer than running them).

Text and HTML reports are each rendered from their own random record (``pipeline.synth``). PDF and
DOCX rendering costs ~50 ms a file, so at most ``--unique`` of each are rendered and the rest are
copies made distinct (a PDF comment after ``%%EOF``, a DOCX zip comment): every file is new content
and is really read and parsed.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
TARGETS = {"run_100k_s": 600, "peak_mb": 4096, "noop_s": 15, "add_batch_s": 60, "query_ms": 100}


# ----------------------------------------------------------------------------- rendering
def _render(task: tuple[str, int, int]) -> bytes:
    """One report in one format from the seed ``seed`` (a worker of the rendering pool)."""
    fmt, seed, variant = task
    from pipeline.synth.records import random_record

    rng = random.Random(seed)
    record = random_record(rng)
    if fmt == "txt":
        from pipeline.synth.text import LAYOUTS, render_text

        return render_text(record, LAYOUTS[variant % len(LAYOUTS)], rng=rng).encode("utf-8")
    module = __import__(f"pipeline.synth.{fmt}", fromlist=[f"render_{fmt}"])
    return getattr(module, f"render_{fmt}")(record, variant=variant)


def _distinct(fmt: str, data: bytes, i: int) -> bytes:
    """A copy of a rendered file that is a different file (its own sha256), read the same way."""
    if fmt == "pdf":
        return data + f"\n%ogi-bench copy {i}\n".encode()
    if fmt == "docx":
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                dst.writestr(item, src.read(item.filename))
            dst.comment = f"ogi-bench copy {i}".encode()
        return out.getvalue()
    return data


def parse_mix(spec: str) -> dict[str, int]:
    """'txt:60,html:25,pdf:10,docx:5' -> {'txt': 60, ...} (weights)."""
    out = {}
    for part in spec.split(","):
        fmt, _, weight = part.partition(":")
        out[fmt.strip()] = int(weight or 1)
    return out


def plan_files(n: int, mix: dict[str, int], seed: int) -> list[str]:
    """The format of each of ``n`` files, in the mix's proportions, shuffled."""
    total = sum(mix.values())
    formats = [f for f, w in mix.items() for _ in range(n * w // total)]
    formats += [next(iter(mix))] * (n - len(formats))
    random.Random(seed).shuffle(formats)
    return formats


def render(
    raw: Path,
    n: int,
    mix: dict[str, int],
    batch_size: int,
    first_batch: int,
    seed: int,
    unique: int,
    pool: multiprocessing.pool.Pool,
) -> dict[str, int]:
    """Write ``n`` reports into batches ``b{first_batch:04d}``…; return the count per format."""
    formats = plan_files(n, mix, seed)
    counts = {f: formats.count(f) for f in mix}
    tasks: dict[str, list[tuple[str, int, int]]] = {}
    for fmt, count in counts.items():
        k = count if fmt in ("txt", "html", "md") else min(count, unique)
        tasks[fmt] = [(fmt, seed * 1_000_003 + hash(fmt) % 997 * 100_003 + i, i) for i in range(k)]
    rendered = {fmt: pool.map(_render, ts, chunksize=16) for fmt, ts in tasks.items()}
    seen = dict.fromkeys(mix, 0)
    for i, fmt in enumerate(formats):
        j = seen[fmt]
        seen[fmt] += 1
        pool_ = rendered[fmt]
        data = pool_[j] if j < len(pool_) else _distinct(fmt, pool_[j % len(pool_)], j)
        ext = "md" if fmt == "txt" and i % 9 == 8 else fmt
        folder = raw / f"b{first_batch + i // batch_size:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"r{i:07d}.{ext}").write_bytes(data)
    return counts


# ----------------------------------------------------------------------------- measuring
def frozen_code(folder: Path) -> str:
    """The repository at HEAD, unpacked into ``folder`` (put first on PYTHONPATH for the runs).

    The warehouse fingerprint covers the code: in a checkout people are editing, a file saved
    between two runs turns the no-op re-run into a rebuild. The runs use this copy instead."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "HEAD"], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return str(folder)


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            pid, ppid, pages = int(entry.name), int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(pid)
        rss[pid] = pages * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def timed_run(raw: Path, warehouse: Path, env: dict[str, str]) -> dict[str, float | str]:
    """``ogi run`` in a fresh process: wall seconds, peak tree RSS, load average at the end."""
    peak = 0
    t0 = time.perf_counter()
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "ogi"),
            "run",
            "--raw-dir",
            str(raw),
            "--warehouse-dir",
            str(warehouse),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"ogi run failed:\n{out}")
    stages = {}  # the summary's "stage  seconds" table
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].islower() and parts[1].replace(".", "", 1).isdigit():
            stages[parts[0]] = float(parts[1])
    return {
        "wall_s": wall,
        # user + system CPU of the run and its parse workers: on a shared machine, what it cost
        "cpu_s": (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime),
        "peak_mb": peak / 2**20,
        "load": os.getloadavg()[0],
        "summary": out,
        "stages": stages,
    }


def site_s(run: dict) -> float:
    """Seconds of the review site (built after the warehouse is published)."""
    return float(run["stages"].get("out_review__site", 0.0))


def counts(warehouse: Path) -> tuple[int, int]:
    import duckdb

    with duckdb.connect(str(warehouse / "ogi.duckdb"), read_only=True) as con:
        reports = con.execute("select count(*) from report").fetchone()[0]
        ok = con.execute("select count(*) from report where status = 'ok'").fetchone()[0]
    return reports, ok


def slowest_query_ms(warehouse: Path) -> float:
    import duckdb
    from analyst_queries import readme_queries, time_query

    worst = 0.0
    with duckdb.connect() as con:
        con.sql("select 1").to_arrow_table()  # pyarrow's import out of the first query's time
    for sql in readme_queries():
        with duckdb.connect(str(warehouse / "ogi.duckdb"), read_only=True) as con:
            worst = max(worst, time_query(con, sql, 1)[0])
    return worst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--formats", default="txt:60,html:25,pdf:10,docx:5", help="format:weight,...")
    ap.add_argument("--batch-size", type=int, default=1000)
    ap.add_argument(
        "--unique", type=int, default=400, help="PDF/DOCX rendered per format; the rest are copies"
    )
    ap.add_argument("--keep", action="store_true", help="keep the temporary folders")
    ap.add_argument(
        "--raw",
        type=Path,
        help="a folder of rendered reports to reuse (rendered into it when it does not exist); "
        "the added batch is removed again at the end, so the folder can serve the next run",
    )
    ap.add_argument("--live-code", action="store_true", help="run the working tree, not a copy of HEAD")
    args = ap.parse_args()
    mix = parse_mix(args.formats)
    env = {**os.environ}
    env.pop("DAGSTER_HOME", None)  # ephemeral instance: measure the pipeline, not run history
    code = None
    if not args.live_code:
        code = Path(tempfile.mkdtemp(prefix="ogi-bench-code-"))
        env["PYTHONPATH"] = frozen_code(code)
    print(
        f"cores: {os.cpu_count()}, mix: {mix}, batches of {args.batch_size}, load now {os.getloadavg()[0]:.1f}"
    )
    print(
        "run s: the whole `ogi run`; site s: of which the review site, built after the warehouse is published"
    )
    print(
        f"{'N':>7} {'render s':>8} {'run s':>7} {'cpu s':>7} {'site s':>7} {'rep/s':>6} {'peak MB':>8} "
        f"{'load':>5} {'no-op s':>8} {'+batch s':>8} {'+b cpu':>7} {'site s':>7} {'+b MB':>6} {'query ms':>8} "
        f"{'reports':>8} {'ok':>7}",
        flush=True,
    )
    with multiprocessing.Pool(2) as pool:
        for n in args.n:
            tmp = Path(tempfile.mkdtemp(prefix=f"ogi-bench-{n}-"))
            raw, wh = (args.raw / str(n) if args.raw else tmp / "raw"), tmp / "warehouse"
            added_batch = raw / f"b{(n + args.batch_size - 1) // args.batch_size:04d}"
            try:
                t0 = time.perf_counter()
                if not raw.is_dir():  # rendered aside, then renamed: an interrupted render is not reused
                    part = raw.with_name(raw.name + ".part")
                    shutil.rmtree(part, ignore_errors=True)
                    render(part, n, mix, args.batch_size, 0, 7, args.unique, pool)
                    part.rename(raw)
                shutil.rmtree(added_batch, ignore_errors=True)  # left by an interrupted run
                render_s = time.perf_counter() - t0
                first = timed_run(raw, wh, env)
                again = timed_run(raw, wh, env)
                render(
                    raw,
                    args.batch_size,
                    mix,
                    args.batch_size,
                    (n + args.batch_size - 1) // args.batch_size,
                    8,
                    args.unique,
                    pool,
                )
                added = timed_run(raw, wh, env)
                reports, ok = counts(wh)
                query = slowest_query_ms(wh)
                print(
                    f"{n:>7} {render_s:>8.0f} {first['wall_s']:>7.1f} {first['cpu_s']:>7.0f} "
                    f"{site_s(first):>7.1f} {n / first['wall_s']:>6.0f} {first['peak_mb']:>8.0f} "
                    f"{first['load']:>5.1f} {again['wall_s']:>8.1f} {added['wall_s']:>8.1f} "
                    f"{added['cpu_s']:>7.1f} {site_s(added):>7.1f} "
                    f"{added['peak_mb']:>6.0f} {query:>8.1f} {reports:>8} {ok:>7}",
                    flush=True,
                )
                if os.environ.get("OGI_BENCH_VERBOSE"):
                    print(first["summary"], again["summary"], added["summary"], sep="\n")
            finally:
                if args.raw:
                    shutil.rmtree(added_batch, ignore_errors=True)
                if args.keep:
                    print(f"kept {tmp}")
                else:
                    shutil.rmtree(tmp, ignore_errors=True)
    if code is not None:
        shutil.rmtree(code, ignore_errors=True)
    print(json.dumps({"targets": TARGETS}))


if __name__ == "__main__":
    main()
