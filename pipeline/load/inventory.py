"""The file inventory of one batch: every file, its sha256, and what changed since last time.

Hashing is what makes the pipeline incremental by *content*, so every file is hashed once; a file
whose size and modification time (ns) are those of the last good run keeps its recorded sha256
without being read again, which keeps a no-op run over 10⁵ files to a directory walk.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.load import schemas, store
from pipeline.load.layout import Layout

_SKIP_PREFIXES = (".", "~$")  # hidden files, Office lock files


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


def _walk(root: Path) -> list[tuple[str, os.stat_result]]:
    out: list[tuple[str, os.stat_result]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith(_SKIP_PREFIXES):
                continue
            full = os.path.join(dirpath, name)
            try:
                out.append((full, os.stat(full)))
            except OSError:
                continue  # vanished between listing and stat
    out.sort()
    return out


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def scan(layout: Layout, batch: str, parser_version: str) -> Inventory:
    """Walk ``<raw>/<batch>``, hash what is new, and classify each file against the last good
    generation of the batch (not against the last scan: a run that crashed after scanning must
    not make the next one believe its files were already parsed)."""
    t0 = time.perf_counter()
    now = datetime.now(UTC).replace(tzinfo=None)
    gen = store.current(layout.batch_state(batch))
    previous: dict[str, tuple[int, int, str, datetime]] = {}
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
    rows: dict[str, list] = {name: [] for name in schemas.FILES.names}
    hashed = 0
    for full, st in _walk(root):
        path = f"{batch}/{Path(full).relative_to(root).as_posix()}"
        old = previous.get(path)
        if old is not None and old[0] == st.st_size and old[1] == st.st_mtime_ns:
            sha = old[2]
        else:
            try:
                sha = sha256_file(full)
            except OSError:
                continue
            hashed += 1
        status = "new" if old is None else "unchanged" if old[2] == sha else "changed"
        rows["path"].append(path)
        rows["size"].append(st.st_size)
        rows["mtime_ns"].append(st.st_mtime_ns)
        rows["sha256"].append(sha)
        rows["status"].append(status)
        rows["first_seen_at"].append(old[3] if old is not None and old[2] == sha else now)
    table = pa.table(rows, schema=schemas.FILES)
    seen = set(rows["path"])
    counts = {k: rows["status"].count(k) for k in ("new", "changed", "unchanged")}
    due = len(set(rows["sha256"]) - cached)
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
    return pq.read_table(layout.inventory(batch))
