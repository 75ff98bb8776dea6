"""Per-batch Parquet generations, replaced atomically.

A batch's output (facts, quarantine, inventory, parse cache) is one *generation* directory. A new
generation is written under a temporary name, renamed into place, and only then made current by
atomically replacing the one-line ``CURRENT`` pointer file. A reader (the warehouse build) reads
``CURRENT`` once and then a complete generation; a crash at any point leaves the previous
generation current. The generation before the current one is kept so that a reader which read the
pointer just before a swap still finds its files.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

POINTER = "CURRENT"
_TMP = ".tmp-"
_STALE_TMP_SECONDS = 3600


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def current(state_dir: Path) -> Path | None:
    """The batch's current generation directory, or None if it has none yet."""
    try:
        name = (state_dir / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    gen = state_dir / name
    return gen if name and gen.is_dir() else None


def start(state_dir: Path) -> Path:
    """A fresh temporary directory to write a new generation into."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    tmp = state_dir / f"{_TMP}g-{stamp}-{uuid.uuid4().hex[:6]}"
    tmp.mkdir(parents=True)
    return tmp


def write_table(gen: Path, name: str, table: pa.Table) -> None:
    path = gen / f"{name}.parquet"
    pq.write_table(table, path, compression="zstd", row_group_size=1 << 20)
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


def read_table(gen: Path, name: str, columns: list[str] | None = None) -> pa.Table:
    return pq.read_table(gen / f"{name}.parquet", columns=columns)


def commit(state_dir: Path, tmp: Path) -> Path:
    """Make the generation written in ``tmp`` the current one; return its final path."""
    previous = current(state_dir)
    final = state_dir / tmp.name[len(_TMP) :]
    os.rename(tmp, final)
    pointer_tmp = state_dir / f"{_TMP}{POINTER}-{uuid.uuid4().hex[:6]}"
    pointer_tmp.write_text(final.name + "\n", encoding="utf-8")
    with pointer_tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(pointer_tmp, state_dir / POINTER)
    _fsync_dir(state_dir)
    _cleanup(state_dir, keep={final.name, previous.name if previous else ""})
    return final


def abandon(tmp: Path) -> None:
    shutil.rmtree(tmp, ignore_errors=True)


def _cleanup(state_dir: Path, keep: set[str]) -> None:
    """Drop generations older than the previous one, and temp dirs a crashed run left behind."""
    now = time.time()
    for entry in state_dir.iterdir():
        if not entry.is_dir() or entry.name in keep:
            continue
        if (
            entry.name.startswith("g-")
            or entry.name.startswith(_TMP)
            and now - entry.stat().st_mtime > _STALE_TMP_SECONDS
        ):
            shutil.rmtree(entry, ignore_errors=True)
