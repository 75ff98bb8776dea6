"""The file inventory of one batch: every file, its sha256, and what changed since last time.

Hashing is what makes the pipeline incremental by *content*, so every file is hashed once; a file
whose size and modification time (ns) are those of the last good run keeps its recorded sha256
without being read again, which keeps a no-op run over 10⁵ files to a directory walk.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.load import schemas, store
from pipeline.load.layout import Layout
from pipeline.runner import FileRefused, display_path, max_file_bytes, path_problem


@dataclass
class Inventory:
    batch: str
    table: pa.Table  # schemas.FILES
    removed: int = 0
    hashed: int = 0
    due: int = 0  # distinct contents not in the parse cache for this parser version
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def files(self) -> int:
        return self.table.num_rows


def _walk(root: Path) -> list[tuple[str, str | None]]:
    """Every entry under ``root`` that is not a real folder, sorted: files, hidden files, Office
    ``~$`` lock files, files in dot-folders, symlinks (to files, to folders, dangling, looping),
    FIFOs, sockets, devices. Nothing is skipped: each one becomes a row. A folder that cannot be
    listed is an entry too, with the reason (the second item; else None)."""
    out: list[tuple[str, str | None]] = []

    def unlisted(exc: OSError) -> None:
        if exc.filename and os.path.abspath(exc.filename) != os.path.abspath(root):
            out.append((exc.filename, f"a folder that cannot be listed: {exc.strerror or exc}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unlisted):  # never follows symlinks
        real = []
        for d in dirnames:
            full = os.path.join(dirpath, d)
            if os.path.islink(full):
                out.append((full, None))  # a symlink to a folder: accounted for, not followed
            else:
                real.append(d)
        dirnames[:] = sorted(real)
        out.extend((os.path.join(dirpath, name), None) for name in filenames)
    out.sort(key=lambda e: os.fsencode(e[0]))
    return out


def sha256_file(path: str, max_bytes: int | None = None) -> str:
    """Hash a regular file, opened without blocking and checked on the descriptor, up to the size
    limit: a FIFO or a device swapped in after the check cannot make the inventory hang."""
    max_bytes = max_file_bytes() if max_bytes is None else max_bytes
    h = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileRefused("not a regular file any more; not read")
        left = max_bytes + 1
        with os.fdopen(fd, "rb", closefd=False) as fh:
            while left > 0:
                chunk = fh.read(min(1 << 20, left))
                if not chunk:
                    break
                h.update(chunk)
                left -= len(chunk)
        if left <= 0:
            raise FileRefused(f"file too large: more than {max_bytes} bytes")
    finally:
        os.close(fd)
    return h.hexdigest()


def _seen(mtime_ns: int, now: datetime) -> datetime:
    """When a content was first seen: the modification time of the file that brought it (when the
    crawl wrote it; ``wget -N`` sets it to the server's Last-Modified), never later than now. A
    property of the input, not of the run, so a from-scratch build and an incremental build of the
    same files choose the same current version of an agency-year (latest content seen first)."""
    if mtime_ns <= 0:
        return now
    return min(now, datetime.fromtimestamp(mtime_ns / 1e9, UTC).replace(tzinfo=None))


def unread_id(path: str) -> str:
    """The id of a file that is never read (no content hash): stable per path."""
    return "unread-" + hashlib.sha256(path.encode("utf-8")).hexdigest()[:32]


def scan(layout: Layout, batch: str, parser_version: str) -> Inventory:
    """Walk ``<raw>/<batch>``, hash what is new, and classify each file against the last good
    generation of the batch (not against the last scan: a run that crashed after scanning must
    not make the next one believe its files were already parsed). An entry that must not be read
    (special file, symlink out of the raw folder or to a device, loop, too large) gets a
    ``problem`` and no hash; a name that is not UTF-8 is kept as ``\\xNN`` text in ``path`` and
    as its bytes in ``fs_path``."""
    t0 = time.perf_counter()
    now = datetime.now(UTC).replace(tzinfo=None)
    gen = store.current(layout.batch_state(batch))
    previous: dict[str, tuple[int, int, str | None, datetime]] = {}
    cached: set[str] = set()
    if gen is not None:
        prev = store.read_table(gen, "files").to_pylist()
        previous = {r["path"]: (r["size"], r["mtime_ns"], r["sha256"], r["first_seen_at"]) for r in prev}
        rec = store.read_table(gen, "records", columns=["sha256", "parser_version"])
        cached = {
            s
            for s, v in zip(rec["sha256"].to_pylist(), rec["parser_version"].to_pylist(), strict=True)
            if v == parser_version
        }
    root = layout.batch_raw(batch)
    limit = max_file_bytes()
    rows: dict[str, list] = {name: [] for name in schemas.FILES.names}
    hashed = 0
    for full, listing_problem in _walk(root):
        rel = os.path.relpath(full, root)
        path = f"{batch}/{display_path(rel).replace(os.sep, '/')}"
        problem = listing_problem or path_problem(full, root=layout.raw_dir, max_bytes=limit)
        try:
            st = os.stat(full) if problem is None else os.lstat(full)
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                continue  # vanished between listing and stat: not a file of this run
            problem, st = problem or f"cannot read the file: {exc.strerror or exc}", None
        size, mtime = (st.st_size, st.st_mtime_ns) if st is not None else (0, 0)
        old = previous.get(path)
        sha: str | None = None
        if problem is None:
            if old is not None and old[2] is not None and old[0] == size and old[1] == mtime:
                sha = old[2]
            else:
                try:
                    sha = sha256_file(full, limit)
                    hashed += 1
                except OSError as exc:
                    problem = f"cannot read the file: {exc.strerror or exc}"
        status = "new" if old is None else "unchanged" if old[2] == sha else "changed"
        rows["path"].append(path)
        rows["size"].append(size)
        rows["mtime_ns"].append(mtime)
        rows["sha256"].append(sha)
        rows["status"].append(status)
        rows["first_seen_at"].append(old[3] if old is not None and old[2] == sha else _seen(mtime, now))
        rows["fs_path"].append(os.fsencode(rel))
        rows["problem"].append(problem)
    table = pa.table(rows, schema=schemas.FILES)
    seen = set(rows["path"])
    counts = {k: rows["status"].count(k) for k in ("new", "changed", "unchanged")}
    counts["refused"] = sum(p is not None for p in rows["problem"])
    due = len({s for s in rows["sha256"] if s is not None} - cached)
    return Inventory(
        batch,
        table,
        removed=len(set(previous) - seen),
        hashed=hashed,
        due=due,
        seconds=time.perf_counter() - t0,
        counts=counts,
    )


def save(layout: Layout, inv: Inventory) -> Path:
    """Hand the inventory to the parse step (written atomically: temp file, then rename)."""
    path = layout.inventory(inv.batch)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    pq.write_table(inv.table, tmp)
    os.replace(tmp, path)
    return path


def load(layout: Layout, batch: str) -> pa.Table:
    return schemas.conform(pq.read_table(layout.inventory(batch)), schemas.FILES)
