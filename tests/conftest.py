"""Shared fixtures. Keep this small: helpers used by one module live in that module."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE_BATCH = REPO / "data" / "raw" / "sample"

#: columns that differ between two runs that both parsed (timestamps), and the build log table
VOLATILE_COLUMNS = {"parsed_at", "first_seen_at"}
VOLATILE_TABLES = {"warehouse_build", "build_input"}  # bookkeeping of when and from what code a build ran


@pytest.fixture
def sample_raw(tmp_path: Path) -> Path:
    """A raw folder holding a copy of the sample batch (the five seed reports)."""
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLE_BATCH, raw / "sample")
    return raw


def _content(path: Path, ignore_columns: set[str] = frozenset()) -> dict[str, list[tuple[Any, ...]]]:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'main' order by 1"
            ).fetchall()
        ]
        out = {}
        for t in tables:
            if t in VOLATILE_TABLES:
                continue
            cols = [
                r[0]
                for r in con.execute(
                    "select column_name from duckdb_columns() where table_name = ? order by column_index", [t]
                ).fetchall()
                if r[0] not in ignore_columns
            ]
            select = ", ".join(f'"{c}"' for c in cols)
            rows = con.execute(f'select {select} from "{t}"').fetchall()
            out[t] = sorted(rows, key=repr)
        return out


@pytest.fixture
def warehouse_content() -> Callable[..., dict[str, list[tuple[Any, ...]]]]:
    """Every table of a warehouse file as sorted rows, for comparing two builds by content."""
    return _content
