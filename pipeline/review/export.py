"""``ogi export``: a mart (or any warehouse table) as CSV, XLSX or Parquet, with Chinese headers on
request. CSV is written with a UTF-8 BOM so Excel opens it as UTF-8, not in the ANSI code page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

FORMATS = ("csv", "xlsx", "parquet")
_ZH = re.compile(r"[（(]([^()（）]*[\u4e00-\u9fff][^()（）]*)[）)]\s*$")


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where database_name = current_database() order by 1"
        ).fetchall()
    ]


def chinese_headers(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column → Chinese header, from the column comments' trailing (中文) part; the code otherwise.
    Duplicate Chinese names keep the code in brackets so every header stays unique."""
    rows = con.execute(
        "select column_name, comment from duckdb_columns() where table_name = ? and database_name = current_database()",
        [table],
    ).fetchall()
    out: dict[str, str] = {}
    for col, comment in rows:
        m = _ZH.search(comment or "")
        out[col] = m.group(1).strip() if m else col
    seen: dict[str, int] = {}
    for v in out.values():
        seen[v] = seen.get(v, 0) + 1
    return {c: (f"{v}({c})" if seen[v] > 1 else v) for c, v in out.items()}


def frame(con: duckdb.DuckDBPyConnection, table: str, zh: bool = False) -> pd.DataFrame:
    if table not in tables(con):
        raise ValueError(f"no table {table!r} in the warehouse; one of: {', '.join(tables(con))}")
    df = con.execute(f'select * from "{table}"').df()
    return df.rename(columns=chinese_headers(con, table)) if zh else df


def export(con: duckdb.DuckDBPyConnection, table: str, fmt: str, out: Path, zh: bool = False) -> Path:
    """Write ``table`` to ``out`` in ``fmt``; return the path."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    df = frame(con, table, zh)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        df.to_csv(out, index=False, encoding="utf-8-sig")
    elif fmt == "xlsx":
        for col in df.columns:  # Excel has no list type: lists become text
            if df[col].dtype == object and df[col].map(lambda v: isinstance(v, list | dict)).any():
                df[col] = df[col].map(lambda v: ", ".join(map(str, v)) if isinstance(v, list) else v)
        df.to_excel(out, index=False, sheet_name=table[:31], engine="openpyxl")
    else:
        df.to_parquet(out, index=False)
    return out
