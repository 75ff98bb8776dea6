"""Write ``expectations/*.json`` from the registry: ``python -m pipeline.quality.generate [--check]``.

The suites the checks run are generated in memory (``catalog.suites``); the files are the same
suites for people and tools that read GX JSON. ``--check`` only reports stale files (exit 1).
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.quality import catalog


def stale(directory: Path = catalog.EXPECTATIONS_DIR) -> list[Path]:
    """Suite files whose text differs from the registry's (or that no suite writes)."""
    out = [
        s.path
        for s in catalog.suites(directory)
        if not s.path.is_file() or s.path.read_text("utf-8") != s.json()
    ]
    names = {s.path.name for s in catalog.suites(directory)}
    return out + [p for p in sorted(directory.glob("*.json")) if p.name not in names]


def write(directory: Path = catalog.EXPECTATIONS_DIR) -> list[Path]:
    """Rewrite every suite file; remove files of suites that no longer exist."""
    directory.mkdir(parents=True, exist_ok=True)
    old = stale(directory)
    names = {s.path.name for s in catalog.suites(directory)}
    for s in catalog.suites(directory):
        s.path.write_text(s.json(), encoding="utf-8")
    for p in directory.glob("*.json"):
        if p.name not in names:
            p.unlink()
    return old


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--check" in args:
        bad = stale()
        for p in bad:
            print(f"stale: {p} (run python -m pipeline.quality.generate)")
        return 1 if bad else 0
    for p in write():
        print(f"wrote {p}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
