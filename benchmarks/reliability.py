"""Never stop a batch, never hang (issue 14), the long version: run by hand, prints its figures.

    .venv/bin/python benchmarks/reliability.py                       # 2,000+ files, 5 kills
    .venv/bin/python benchmarks/reliability.py --files 3000 --kills 20 --timeout 10

1. **Malformed corpus**: ``--files`` files of 40+ kinds (broken encodings, truncations, values out
   of range, fractions, zip bombs, deep HTML, FIFOs, symlinks out of the raw folder, loops, names
   that are not UTF-8, …) in a fresh raw folder; one ``ogi run`` as a fresh process. Figures:
   tracebacks, hang (the run must end within ``--run-limit``), files missing from
   ``report`` ∪ ``quarantine``, the largest per-file parse time against the limit.
2. **kill -9 at random moments**: ``--kills`` times, a new small batch is added and ``ogi run`` is
   killed (its whole process group) at a random moment, then an ordinary run follows; its
   warehouse must equal the one of a reference instance that was never killed (times aside), with
   no manual cleanup and no stray build file.
3. **Two concurrent runs** on one Dagster home and warehouse: both end, the warehouse equals the
   reference.
4. **Disk full**: the warehouse folder on a small tmpfs (needs root); a run that cannot fit fails,
   and the last good warehouse stays intact and openable.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SEEDS = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))
GRANTED = "（⼀）予以公开 6 0 3 0 2 0 11"
SEED3 = ROOT / "tests" / "fixtures" / "seeds" / "003_ce55108b2c7e5886.txt"
VOLATILE = {"parsed_at", "first_seen_at", "last_seen_at"}
#: build bookkeeping: run ids, times, fingerprints of generation names — differ between any two builds
VOLATILE_TABLES = {"warehouse_build", "build_input"}


# ----------------------------------------------------------------------------- the corpus


def _seed(rng: random.Random) -> str:
    return rng.choice(SEEDS).read_text(encoding="utf-8")


def _cell(v: str) -> bytes:
    return SEED3.read_text(encoding="utf-8").replace(GRANTED, GRANTED.replace(" 6 ", f" {v} ", 1)).encode()


def _unique(b: bytes, i: int) -> bytes:
    return b + f"\n\n{i}\n".encode()


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _renderers() -> dict[str, Any]:
    """The synthetic renderers, when the package has them (they may move to a dev extra)."""
    out: dict[str, Any] = {}
    try:
        from pipeline.synth.docx import render_docx
        from pipeline.synth.html import render_html
        from pipeline.synth.pdf import render_pdf
        from pipeline.synth.records import random_record

        out = {"record": random_record, "html": render_html, "docx": render_docx, "pdf": render_pdf}
    except ImportError:
        pass
    return out


def content_kinds(rng: random.Random) -> dict[str, Any]:
    """Kinds of file content: name -> (extension, maker(i) -> bytes)."""
    r = _renderers()
    kinds: dict[str, Any] = {
        "seed_utf8": ("txt", lambda i: _unique(_seed(rng).encode(), i)),
        "seed_gbk": ("txt", lambda i: _unique(_seed(rng).encode("gbk", "replace"), i)),
        "seed_utf16": ("txt", lambda i: _unique(_seed(rng).encode("utf-16"), i)),
        "seed_crlf": ("txt", lambda i: _unique(_seed(rng).replace("\n", "\r\n").encode(), i)),
        "truncated_half": ("txt", lambda i: _unique(_seed(rng).encode()[: rng.randint(200, 4000)], i)),
        "truncated_table3": ("txt", lambda i: _unique(_seed(rng).split("（四）")[0].encode(), i)),
        "empty": ("txt", lambda i: b"" if i == 0 else b" " * i),
        "random_bytes": ("bin", lambda i: rng.randbytes(rng.randint(1, 20000))),
        "zeros": ("txt", lambda i: b"\0" * (1000 + i)),
        "value_over_int64": ("txt", lambda i: _unique(_cell("100000000000000000000"), i)),
        "value_2_63": ("txt", lambda i: _unique(_cell(str(2**63)), i)),
        "negative_count": ("txt", lambda i: _unique(_cell("-1"), i)),
        "fraction": ("txt", lambda i: _unique(_cell("1.5"), i)),
        "all_minus_one": (
            "txt",
            lambda i: _unique(
                "\n".join(
                    " ".join("-1" if w.isdigit() else w for w in line.split(" "))
                    for line in SEED3.read_text(encoding="utf-8").splitlines()
                ).encode(),
                i,
            ),
        ),
        "nul_bytes": ("txt", lambda i: _unique(_seed(rng).encode().replace(b"\n", b"\0\n", 50), i)),
        "control_chars": ("txt", lambda i: _unique(_seed(rng).replace("。", "\x07\x1b。").encode(), i)),
        "long_line": ("txt", lambda i: _unique(_seed(rng).replace("\n", " ").encode() * 20, i)),
        "markdown": ("md", lambda i: _unique(("# 报告\n\n" + _seed(rng)).encode(), i)),
        "html_no_tables": ("html", lambda i: f"<html><body><p>公告 {i}</p></body></html>".encode()),
        "html_truncated": (
            "html",
            lambda i: f"<html><body><h1>2021年政府信息公开工作年度报告</h1><table><tr><td>{i}".encode(),
        ),
        "html_deep": ("html", lambda i: b"<html><body>" + b"<div>" * 100_000 + str(i).encode() + b"</body>"),
        "html_binary": ("html", lambda i: b"<html>" + rng.randbytes(5000) + str(i).encode()),
        "pdf_garbage": ("pdf", lambda i: b"%PDF-1.7\n" + rng.randbytes(3000) + str(i).encode()),
        "pdf_header_only": ("pdf", lambda i: f"%PDF-1.4\n%%EOF {i}".encode()),
        "zip_not_docx": ("docx", lambda i: _zip({"a.txt": f"not a docx {i}".encode()})),
        "docx_truncated_zip": (
            "docx",
            lambda i: _zip({"word/document.xml": b"<w/>" * 500})[:300] + bytes([i % 256]),
        ),
        "docx_many_members": (
            "docx",
            lambda i: _zip({f"m{k}": b"" for k in range(10_001 + i)}, zipfile.ZIP_STORED),
        ),
        "docx_bomb": ("docx", lambda i: _zip({"word/document.xml": b"\0" * (600 * 1024 * 1024 + i)})),
        "legacy_2008_form": (
            "txt",
            lambda i: (
                f"某县人民政府2012年政府信息公开工作年度报告\n一、概述\n本年度共受理申请{i}件。\n".encode()
            ),
        ),
    }
    if r:
        kinds["html_valid"] = ("html", lambda i: r["html"](r["record"](random.Random(i), 2021)))
        kinds["docx_valid"] = ("docx", lambda i: r["docx"](r["record"](random.Random(i), 2021)))
        kinds["pdf_valid"] = ("pdf", lambda i: r["pdf"](r["record"](random.Random(i), 2021)))
        kinds["pdf_truncated"] = ("pdf", lambda i: r["pdf"](r["record"](random.Random(i), 2019))[:-400])
    return kinds


#: kinds that are slow to make or to parse: a few of each is enough
_FEW = {
    "docx_many_members": 3,
    "docx_bomb": 2,
    "html_deep": 5,
    "pdf_valid": 12,
    "pdf_truncated": 8,
    "long_line": 20,
}


def make_corpus(raw: Path, n_files: int, seed: int = 7) -> Counter[str]:
    """About ``n_files`` entries of every kind below under ``raw/<batch>/``; the kinds made."""
    rng = random.Random(seed)
    kinds = content_kinds(rng)
    made: Counter[str] = Counter()
    few = {k: n for k, n in _FEW.items() if k in kinds}
    per = max(1, -(-(n_files - sum(few.values()) - 65) // (len(kinds) - len(few))))  # 65 special entries
    batches = [raw / f"b{k}" for k in range(4)]
    for b in batches:
        b.mkdir(parents=True, exist_ok=True)
    for name, (ext, make) in kinds.items():
        for i in range(_FEW.get(name, per)):
            b = batches[i % len(batches)]
            (b / f"{name}_{i:04d}.{ext}").write_bytes(make(i))
            made[name] += 1
    b = batches[0]
    outside = raw.parent / "outside.txt"
    outside.write_bytes(SEEDS[0].read_bytes())
    (b / ".dot_dir").mkdir(exist_ok=True)
    specials = {
        "hidden_file": lambda k: (b / f".hidden_{k}.txt").write_bytes(_unique(SEEDS[1].read_bytes(), k)),
        "office_lock": lambda k: (b / f"~$lock_{k}.docx").write_bytes(b"\x05owner" + bytes(150)),
        "in_dot_folder": lambda k: (b / ".dot_dir" / f"r{k}.txt").write_bytes(
            _unique(SEEDS[2].read_bytes(), k)
        ),
        "fifo": lambda k: os.mkfifo(b / f"fifo_{k}.txt"),
        "symlink_dev_zero": lambda k: (b / f"zero_{k}.txt").symlink_to("/dev/zero"),
        "symlink_dangling": lambda k: (b / f"dangling_{k}.txt").symlink_to(b / f"nowhere_{k}"),
        "symlink_loop": lambda k: (b / f"loop_{k}.txt").symlink_to(b / f"loop_{k}.txt"),
        "symlink_outside": lambda k: (b / f"escape_{k}.txt").symlink_to(outside),
        "symlink_inside": lambda k: (b / f"inside_{k}.txt").symlink_to(b / "seed_utf8_0000.txt"),
        "symlink_to_folder": lambda k: (b / f"dirlink_{k}").symlink_to(b / ".dot_dir"),
        "socket": lambda k: _socket(b / f"sock_{k}"),
        "name_not_utf8": lambda k: _bad_name(b, k),
        "too_large": lambda k: os.truncate(_touch(b / f"large_{k}.txt"), 9 * 1024 * 1024),
    }
    for name, make in specials.items():
        for k in range(5):
            make(k)
            made[name] += 1
    return made


def _touch(p: Path) -> Path:
    p.write_bytes(b"")
    return p


def _socket(p: Path) -> None:
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(p))
    s.close()


def _bad_name(b: Path, k: int) -> None:
    with open(os.fsencode(b) + f"/gbk_{k}_".encode() + "报告".encode("gbk") + b".txt", "wb") as fh:
        fh.write(_unique(SEEDS[3].read_bytes(), 1000 + k))


# ----------------------------------------------------------------------------- running


def env_for(home: Path, raw: Path, wh: Path, timeout: float) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    return {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "OGI_RAW_DIR": str(raw),
        "OGI_WAREHOUSE_DIR": str(wh),
        "OGI_PARSE_TIMEOUT_S": str(timeout),
        "OGI_MAX_FILE_BYTES": str(8 * 1024 * 1024),
    }


def ogi_run(env: dict[str, str], limit: float, kill_after: float | None = None) -> dict[str, Any]:
    """``ogi run`` as a fresh process group; killed (-9, the whole group) after ``kill_after`` s."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "run"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        hung = killed = False
        try:
            p.wait(timeout=kill_after if kill_after is not None else limit)
        except subprocess.TimeoutExpired:
            killed = kill_after is not None
            hung = not killed
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        leftovers = _group_alive(p.pid)
        for _ in range(50):  # multiprocessing's resource tracker exits about a second after its parent
            if not leftovers:
                break
            time.sleep(0.1)
            leftovers = _group_alive(p.pid)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    return {
        "rc": p.returncode,
        "seconds": time.perf_counter() - t0,
        "hung": hung,
        "killed": killed,
        "orphans": leftovers,
        "tracebacks": stderr.count("Traceback") + stdout.count("Traceback"),
        "stdout": stdout,
        "stderr": stderr,
    }


def _group_alive(pgid: int) -> int:
    n = 0
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if os.getpgid(int(d.name)) == pgid:
                    n += 1
            except OSError:
                pass
    return n


def content(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of a warehouse, rows sorted, times aside (as tests/conftest.py compares)."""
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        out = {}
        for (t,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'main' order by 1"
        ).fetchall():
            if t in VOLATILE_TABLES:
                continue
            cols = [
                c
                for (c,) in con.execute(
                    "select column_name from duckdb_columns() where table_name = ? order by column_index", [t]
                ).fetchall()
                if c not in VOLATILE
            ]
            rows = con.execute(
                f'select {", ".join(chr(34) + c + chr(34) for c in cols)} from "{t}"'
            ).fetchall()
            out[t] = sorted(rows, key=repr)
    return out


def diff(a: Path, b: Path) -> None:
    """Print what differs between two warehouses (tables, a few rows each way)."""
    ca, cb = content(a), content(b)
    for t in sorted(set(ca) | set(cb)):
        ra, rb = ca.get(t, []), cb.get(t, [])
        if ra != rb:
            only_a = [r for r in ra if r not in rb][:3]
            only_b = [r for r in rb if r not in ra][:3]
            print(
                f"    {t}: {len(ra)} vs {len(rb)} rows; only in the first {only_a}; only in the second {only_b}"
            )


def accounted(raw: Path, wh: Path) -> tuple[int, int, float, int]:
    """(entries under raw, entries missing from report ∪ quarantine, max parse seconds, stray build files)."""
    import duckdb
    import pyarrow.parquet as pq

    from pipeline.load import inventory, store
    from pipeline.load.layout import Layout

    layout = Layout.of(raw, wh)
    with duckdb.connect(str(wh / "ogi.duckdb"), read_only=True) as con:
        ids = {
            r
            for (r,) in con.execute(
                "select report_id from report union select report_id from quarantine"
            ).fetchall()
        }
    entries = missing = 0
    worst = 0.0
    for batch in layout.batches():
        gen = store.current(layout.batch_state(batch))
        files = pq.read_table(gen / "files.parquet").to_pylist()
        entries += len(files)
        for f in files:
            key = inventory.unread_id(f["path"]) if f["problem"] or f["sha256"] is None else f["sha256"]
            missing += key not in ids
        worst = max(
            [
                worst,
                *pq.read_table(gen / "records.parquet", columns=["parse_seconds"])[
                    "parse_seconds"
                ].to_pylist(),
            ]
        )
    stray = len(list(layout.build_dir.glob("*.duckdb*"))) if layout.build_dir.exists() else 0
    walked = sum(1 for _ in _walk_all(raw))
    assert walked == entries, (walked, entries)
    return entries, missing, worst, stray


def _walk_all(raw: Path) -> Any:
    for dirpath, dirnames, filenames in os.walk(raw):
        for d in list(dirnames):
            if os.path.islink(os.path.join(dirpath, d)):
                dirnames.remove(d)
                yield d
        yield from filenames


# ----------------------------------------------------------------------------- the four parts


def part_corpus(work: Path, n_files: int, timeout: float, limit: float) -> None:
    raw, wh = work / "corpus" / "raw", work / "corpus" / "wh"
    t0 = time.perf_counter()
    made = make_corpus(raw, n_files)
    print(
        f"corpus: {sum(made.values())} entries of {len(made)} kinds, made in {time.perf_counter() - t0:.0f} s"
    )
    r = ogi_run(env_for(work / "corpus" / "home", raw, wh, timeout), limit)
    entries, missing, worst, stray = accounted(raw, wh)
    print(
        f"  ogi run: rc {r['rc']}, {r['seconds']:.0f} s, tracebacks {r['tracebacks']}, hung {r['hung']}, "
        f"orphan processes {r['orphans']}"
    )
    print(
        f"  entries {entries}, missing from report ∪ quarantine {missing}, max per-file parse "
        f"{worst:.2f} s (limit {timeout:g} s), stray build files {stray}"
    )
    import duckdb

    with duckdb.connect(str(wh / "ogi.duckdb"), read_only=True) as con:
        print(
            "  statuses:",
            dict(con.execute("select status, count(*) from quarantine group by 1 order by 1").fetchall()),
            "reports",
            con.execute("select count(*) from report").fetchone()[0],
        )
    if r["rc"] != 0:
        print(r["stdout"][-3000:], r["stderr"][-3000:])


def part_kills(work: Path, kills: int, timeout: float, limit: float, seed: int) -> None:
    rng = random.Random(seed)
    raw = work / "kills" / "raw"
    (raw / "base").mkdir(parents=True)
    for i, s in enumerate(SEEDS):
        shutil.copy(s, raw / "base" / f"{i}.txt")
    env_k = env_for(work / "kills" / "home", raw, work / "kills" / "wh", timeout)
    env_r = env_for(work / "kills" / "ref_home", raw, work / "kills" / "ref_wh", timeout)
    base = ogi_run(env_r, limit)
    ogi_run(env_k, limit)
    full = base["seconds"]
    same = finished = 0
    stray_total = orphans = 0
    for k in range(kills):
        batch = raw / f"k{k:02d}"
        batch.mkdir()
        for j in range(rng.randint(5, 40)):
            (batch / f"r{j}.txt").write_bytes(_unique(rng.choice(SEEDS).read_bytes(), 10_000 * k + j))
        if rng.random() < 0.3:  # and sometimes a file overwritten in place
            victim = rng.choice(sorted((raw / "base").iterdir()))
            victim.write_bytes(_unique(victim.read_bytes(), 99_000 + k))
        at = rng.uniform(0.5, full * 1.2)
        killed = ogi_run(env_k, limit, kill_after=at)
        orphans += killed["orphans"]
        after = ogi_run(env_k, limit)
        finished += after["rc"] == 0 and not after["hung"]
        ref = ogi_run(env_r, limit)
        equal = ref["rc"] == 0 and content(work / "kills" / "wh" / "ogi.duckdb") == content(
            work / "kills" / "ref_wh" / "ogi.duckdb"
        )
        same += equal
        if ref["rc"] != 0:
            print(
                "    the reference run failed:",
                [ln for ln in ref["stdout"].splitlines() if ln.startswith("error")][:3],
            )
        elif not equal:
            diff(work / "kills" / "wh" / "ogi.duckdb", work / "kills" / "ref_wh" / "ogi.duckdb")
        stray = len(list((work / "kills" / "wh" / ".build").glob("*.duckdb*")))
        stray_total += stray
        said = [ln for ln in after["stdout"].splitlines() + after["stderr"].splitlines() if "released" in ln]
        print(
            f"  kill {k + 1}: at {at:.1f} s ({'killed' if killed['killed'] else 'had ended'}), re-run rc "
            f"{after['rc']} in {after['seconds']:.0f} s, identical to reference: {equal}, stray build files "
            f"{stray}{', ' + said[0].strip()[:120] if said else ''}"
        )
    print(
        f"kills: {kills}, re-runs finished without manual cleanup {finished}/{kills}, warehouse identical "
        f"to the never-killed reference {same}/{kills}, stray build files after re-runs {stray_total}, "
        f"orphan processes after kills {orphans}"
    )
    clean = ogi_run(env_for(work / "kills" / "clean_home", raw, work / "kills" / "clean_wh", timeout), limit)
    killed_wh, clean_wh = work / "kills" / "wh" / "ogi.duckdb", work / "kills" / "clean_wh" / "ogi.duckdb"
    equal = clean["rc"] == 0 and content(clean_wh) == content(killed_wh)
    print(f"  from-scratch clean run equals the killed-and-recovered warehouse: {equal}")
    if not equal:
        # a file overwritten in place leaves its earlier content as an earlier version: a build
        # from scratch never saw it. Everything else must agree.
        import duckdb

        with duckdb.connect(str(killed_wh), read_only=True) as con:
            earlier = {
                r for (r,) in con.execute("select report_id from report where not is_current").fetchall()
            }
        with duckdb.connect(str(clean_wh), read_only=True) as con:
            known = {r for (r,) in con.execute("select report_id from report").fetchall()}
        print(
            f"    earlier versions (overwritten in place) only the incremental warehouse keeps: {len(earlier - known)}"
        )
        diff(killed_wh, clean_wh)


def part_concurrent(work: Path, timeout: float, limit: float) -> None:
    raw = work / "kills" / "raw"
    (raw / "concurrent").mkdir()
    for j in range(30):
        (raw / "concurrent" / f"c{j}.txt").write_bytes(_unique(SEEDS[j % 5].read_bytes(), 500_000 + j))
    env_k = env_for(work / "kills" / "home", raw, work / "kills" / "wh", timeout)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "run"],
            env=env_k,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        for _ in range(2)
    ]
    t0 = time.perf_counter()
    rcs = []
    for p in procs:
        try:
            _out, err = p.communicate(timeout=limit)
            rcs.append((p.returncode, err.decode("utf-8", "replace").count("Traceback")))
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            rcs.append(("hung", 0))
    ref = ogi_run(env_for(work / "kills" / "ref_home", raw, work / "kills" / "ref_wh", timeout), limit)
    equal = ref["rc"] == 0 and content(work / "kills" / "wh" / "ogi.duckdb") == content(
        work / "kills" / "ref_wh" / "ogi.duckdb"
    )
    print(
        f"two concurrent runs: (rc, tracebacks) {rcs} in {time.perf_counter() - t0:.0f} s; warehouse identical "
        f"to the reference: {equal}"
    )


def part_disk_full(work: Path, timeout: float, limit: float, size_mb: int) -> None:
    mnt = work / "tmpfs"
    mnt.mkdir()
    try:
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(mnt)],
            check=True,
            capture_output=True,
        )
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        print(f"disk full: skipped, cannot mount a tmpfs here ({exc})")
        return
    try:
        raw = work / "disk" / "raw"
        (raw / "a").mkdir(parents=True)
        for i, s in enumerate(SEEDS):
            shutil.copy(s, raw / "a" / f"{i}.txt")
        env = env_for(work / "disk" / "home", raw, mnt / "wh", timeout)
        first = ogi_run(env, limit)
        good = content(mnt / "wh" / "ogi.duckdb")
        r = _renderers()
        (raw / "big").mkdir()
        for i in range(4000):  # enough facts to overflow the tmpfs while building
            rec = r["record"](random.Random(i), 2021) if r else None
            data = r["html"](rec) if r else _unique(SEEDS[i % 5].read_bytes(), 700_000 + i)
            (raw / "big" / f"{i}.html").write_bytes(data)
        full = ogi_run(env, limit)
        try:
            intact = content(mnt / "wh" / "ogi.duckdb") == good
            opens = True
        except Exception as exc:  # the point of the test: say what broke
            intact, opens = False, f"{type(exc).__name__}: {exc}"
        used = shutil.disk_usage(mnt)
        print(
            f"disk full ({size_mb} MB tmpfs): first run rc {first['rc']}; the run that does not fit rc {full['rc']} "
            f"(hung {full['hung']}); last good warehouse openable {opens}, intact {intact}; "
            f"free {used.free // 1024} KB"
        )
        tail = [ln for ln in full["stdout"].splitlines() if ln.startswith(("error", "warehouse"))]
        print("  " + "\n  ".join(tail[:4]))
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=2100)
    ap.add_argument("--kills", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=10.0, help="per-file parse limit, s")
    ap.add_argument("--run-limit", type=float, default=1800.0, help="a run longer than this is a hang, s")
    ap.add_argument("--tmpfs-mb", type=int, default=12)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--parts", default="corpus,kills,concurrent,disk")
    args = ap.parse_args()
    parts = set(args.parts.split(","))
    with tempfile.TemporaryDirectory(prefix="ogi-reliability-") as tmp:
        work = Path(tmp)
        if "corpus" in parts:
            part_corpus(work, args.files, args.timeout, args.run_limit)
        if "kills" in parts:
            part_kills(work, args.kills, args.timeout, args.run_limit, args.seed)
            if "concurrent" in parts:
                part_concurrent(work, args.timeout, args.run_limit)
        if "disk" in parts:
            part_disk_full(work, args.timeout, args.run_limit, args.tmpfs_mb)


if __name__ == "__main__":
    main()
