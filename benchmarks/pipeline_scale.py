"""End-to-end scale of the nightly pipeline: render N synthetic reports into a batch, run it.

    .venv/bin/python benchmarks/pipeline_scale.py                 # N = 1,000 and 10,000, text + HTML
    .venv/bin/python benchmarks/pipeline_scale.py --n 2000 --formats txt,html,docx

For each N: the reports are rendered into a fresh temporary ``raw/bench/`` (not timed), then
``ogi run`` is started as a fresh process (Python + Dagster start-up included, as ``make run``
pays it), then once more with nothing changed (the no-op re-run). Printed per run: wall time,
reports/s, and the peak resident memory of the whole process tree (the run plus its parse
workers, sampled every 0.1 s from /proc). Targets on the 2-core project machine: 10,000 text/HTML
reports in <= 120 s, no-op re-run <= 15 s, peak < 2 GB.

Text reports come from ``pipeline.synth.text.render_text`` when it exists, otherwise from the five
seed reports, each copy made unique by a trailing line (so every file is a distinct content and is
really parsed); HTML, DOCX and PDF from ``pipeline.synth``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))


# ----------------------------------------------------------------------------- rendering
def _text_renderer() -> Callable[[random.Random, int], bytes]:
    try:
        from pipeline.synth.records import random_record
        from pipeline.synth.text import LAYOUTS, render_text
    except ImportError:
        seeds = [p.read_bytes() for p in SEEDS]

        def from_seed(rng: random.Random, i: int) -> bytes:
            return seeds[i % len(seeds)] + f"\n（报告编号：{i:07d}）\n".encode()

        return from_seed

    def synth_text(rng: random.Random, i: int) -> bytes:
        layout = LAYOUTS[i // 2 % len(LAYOUTS)]
        return render_text(random_record(rng), layout, rng=rng).encode("utf-8")

    return synth_text


def _synth(fmt: str) -> Callable[[random.Random, int], bytes]:
    from pipeline.synth.records import random_record

    module = __import__(f"pipeline.synth.{fmt}", fromlist=[f"render_{fmt}"])
    render = getattr(module, f"render_{fmt}")
    return lambda rng, i: render(random_record(rng), variant=rng.randint(0, 1000))


def render_batch(folder: Path, n: int, formats: list[str], seed: int = 7) -> dict[str, int]:
    """Write ``n`` reports into ``folder``, formats in turn; return the count per format."""
    folder.mkdir(parents=True, exist_ok=True)
    renderers = {f: _text_renderer() if f == "txt" else _synth(f) for f in formats}
    rng = random.Random(seed)
    counts = dict.fromkeys(formats, 0)
    for i in range(n):
        fmt = formats[i % len(formats)]
        ext = "md" if fmt == "txt" and i % 9 == 8 else fmt  # some text arrives as markdown files
        (folder / f"r{i:07d}.{ext}").write_bytes(renderers[fmt](rng, i))
        counts[fmt] += 1
    return counts


# ----------------------------------------------------------------------------- measuring
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


def timed_run(raw: Path, warehouse: Path, env: dict[str, str]) -> dict[str, float]:
    """``ogi run`` in a fresh process: wall seconds and peak tree RSS."""
    peak = 0
    t0 = time.perf_counter()
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
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"ogi run failed:\n{out}")
    return {"wall_s": wall, "peak_mb": peak / 2**20, "summary": out}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--formats", default="txt,html", help="comma-separated: txt,html,docx,pdf")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folders")
    args = ap.parse_args()
    formats = args.formats.split(",")
    env = {**os.environ, "DAGSTER_HOME": ""}  # ephemeral instance: measure the pipeline, not run history
    env.pop("DAGSTER_HOME")
    print(f"cores: {os.cpu_count()}, formats: {formats}")
    print(
        f"{'N':>7} {'render s':>9} {'run s':>8} {'reports/s':>10} {'peak MB':>8} {'no-op s':>8} "
        f"{'no-op MB':>9} {'parsed':>7} {'ok':>7}"
    )
    for n in args.n:
        tmp = Path(tempfile.mkdtemp(prefix=f"ogi-bench-{n}-"))
        try:
            t0 = time.perf_counter()
            render_batch(tmp / "raw" / "bench", n, formats)
            render_s = time.perf_counter() - t0
            first = timed_run(tmp / "raw", tmp / "warehouse", env)
            again = timed_run(tmp / "raw", tmp / "warehouse", env)
            import duckdb

            with duckdb.connect(str(tmp / "warehouse" / "ogi.duckdb"), read_only=True) as con:
                ok = con.execute("select count(*) from report where status = 'ok'").fetchone()[0]
                parsed = (
                    con.execute("select count(*) from report").fetchone()[0]
                    + con.execute("select count(*) from quarantine where status <> 'partial'").fetchone()[0]
                )
            print(
                f"{n:>7} {render_s:>9.1f} {first['wall_s']:>8.1f} {n / first['wall_s']:>10.0f} "
                f"{first['peak_mb']:>8.0f} {again['wall_s']:>8.1f} {again['peak_mb']:>9.0f} {parsed:>7} {ok:>7}",
                flush=True,
            )
            if os.environ.get("OGI_BENCH_VERBOSE"):
                print(first["summary"], again["summary"], sep="\n")
        finally:
            if args.keep:
                print(f"kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps({"targets": {"10k_run_s": 120, "noop_s": 15, "peak_mb": 2048}}))


if __name__ == "__main__":
    main()
