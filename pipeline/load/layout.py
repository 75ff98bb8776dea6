"""Where everything lives on disk: raw batches in, per-batch Parquet and the DuckDB files out.

```
<raw_dir>/<batch>/**                    input files; a batch is a sub-folder
<warehouse_dir>/ogi.duckdb              the published warehouse (analysts open it read-only)
<warehouse_dir>/facts/<batch>/CURRENT   name of the batch's current generation (atomic pointer)
<warehouse_dir>/facts/<batch>/g-…/      one generation: report, quarantine, fact_* tables, the file
                                        inventory and the parse cache, as Parquet
<warehouse_dir>/facts/<batch>/inventory.parquet   the latest scan, handed from inventory to parse
<warehouse_dir>/.build/<run_id>.duckdb  a warehouse being built (renamed over ogi.duckdb when good)
```
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PUBLISHED_NAME = "ogi.duckdb"
# Dagster refuses these in partition keys; a folder named so is skipped with a warning
_BAD_KEY = re.compile(r"\.\.\.|[\a\b\f\n\r\t\v\0]")


def default_raw_dir() -> Path:
    return Path(os.environ.get("OGI_RAW_DIR") or REPO_ROOT / "data" / "raw")


def default_warehouse_dir() -> Path:
    return Path(os.environ.get("OGI_WAREHOUSE_DIR") or REPO_ROOT / "data" / "warehouse")


def is_batch_name(name: str) -> bool:
    """A sub-folder is a batch unless hidden/private (``.x``, ``_x``) or unusable as a key (a
    name that is not UTF-8 cannot be a partition key or a Parquet string)."""
    return bool(name) and name[0] not in "._" and not _BAD_KEY.search(name) and _utf8(name)


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def outside_batches(raw_dir: Path) -> list[str]:
    """Entries of the raw folder that no batch holds (files at its top, folders that cannot be
    batches), so a run can say they are not ingested instead of passing over them in silence."""
    if not raw_dir.is_dir():
        return []
    out = []
    for e in os.scandir(raw_dir):
        if not (e.is_dir(follow_symlinks=False) and is_batch_name(e.name)):
            out.append(os.fsencode(e.name).decode("utf-8", "backslashreplace"))
    return sorted(out)


def list_batches(raw_dir: Path) -> list[str]:
    """Batch names (sub-folders of the raw folder), sorted."""
    if not raw_dir.is_dir():
        return []
    return sorted(e.name for e in os.scandir(raw_dir) if e.is_dir() and is_batch_name(e.name))


def batch_signature(path: Path) -> str:
    """Cheap fingerprint of a batch folder: file count, total size, newest mtime (files and
    folders, so a deletion or rename shows too). Changes whenever the batch may have changed."""
    n = size = 0
    newest = path.stat().st_mtime_ns
    stack = [path]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for e in entries:  # hidden entries too (they are ingested); symlinks not followed
                st = e.stat(follow_symlinks=False)
                newest = max(newest, st.st_mtime_ns)
                if e.is_dir(follow_symlinks=False):
                    stack.append(Path(e.path))
                else:
                    n += 1
                    size += st.st_size
    return f"{n}:{size}:{newest}"


@dataclass(frozen=True)
class Layout:
    """Paths of one deployment (a raw folder and a warehouse folder)."""

    raw_dir: Path
    warehouse_dir: Path

    @classmethod
    def of(cls, raw_dir: Path | str | None = None, warehouse_dir: Path | str | None = None) -> Layout:
        raw = Path(raw_dir) if raw_dir else default_raw_dir()
        wh = Path(warehouse_dir) if warehouse_dir else default_warehouse_dir()
        return cls(raw.resolve(), wh.resolve())

    @property
    def published(self) -> Path:
        return self.warehouse_dir / PUBLISHED_NAME

    @property
    def facts_dir(self) -> Path:
        return self.warehouse_dir / "facts"

    @property
    def build_dir(self) -> Path:
        return self.warehouse_dir / ".build"

    def batch_raw(self, batch: str) -> Path:
        return self.raw_dir / batch

    def batch_state(self, batch: str) -> Path:
        return self.facts_dir / batch

    def inventory(self, batch: str) -> Path:
        return self.batch_state(batch) / "inventory.parquet"

    def working(self, run_id: str) -> Path:
        """The working DuckDB file of one run: each run builds its own, so runs never collide."""
        return self.build_dir / f"{run_id}.duckdb"

    def batches(self) -> list[str]:
        return list_batches(self.raw_dir)
