"""Time the README's analyst queries on a published warehouse (target: <= 100 ms each).

    .venv/bin/python benchmarks/analyst_queries.py [WAREHOUSE] [--repeat 5] [--readme FILE]

The queries are read from the README's "Analyst session" section (every ```sql block), so the
benchmark always times what the README shows (``--readme`` reads another Markdown file with such a
section: a proposed edit, timed before it goes in). Each runs on a fresh read-only connection, as an
analyst's client would: the first run (cold: the file's blocks not yet in DuckDB's buffer) and the
best of ``--repeat`` further runs are printed with the rows returned (the whole result is fetched).
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 100.0


def readme_queries(readme: Path = ROOT / "README.md") -> list[str]:
    """The ```sql blocks of the README's "Analyst session" section, in order."""
    text = readme.read_text(encoding="utf-8")
    start = text.index("## Analyst session")
    end = text.find("\n## ", start + 1)
    section = text[start : end if end > 0 else None]
    return [q.strip().rstrip(";") for q in re.findall(r"```sql\n(.*?)```", section, flags=re.S)]


def time_query(con: duckdb.DuckDBPyConnection, sql: str, repeat: int) -> tuple[float, float, int]:
    """(cold ms, best warm ms, rows) of one query, its whole result fetched as Arrow (as SQL tools
    and dataframe clients take it; ``fetchall`` of 75,000 rows would time Python tuples instead)."""
    t0 = time.perf_counter()
    rows = con.sql(sql).to_arrow_table().num_rows
    cold = (time.perf_counter() - t0) * 1000
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        con.sql(sql).to_arrow_table()
        best = min(best, (time.perf_counter() - t0) * 1000)
    return cold, best, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("warehouse", nargs="?", type=Path, default=ROOT / "data" / "warehouse" / "ogi.duckdb")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--readme", type=Path, default=ROOT / "README.md")
    args = ap.parse_args()
    queries = readme_queries(args.readme)
    with duckdb.connect(str(args.warehouse), read_only=True) as con:
        con.sql("select 1").to_arrow_table()  # pyarrow's import out of the first query's time
        reports = con.execute("select count(*) from report").fetchone()[0]
        facts = con.execute("select count(*) from fact_application").fetchone()[0]
    print(f"{args.warehouse}: {reports} reports, {facts} application facts; {len(queries)} README queries")
    print(f"{'#':>2} {'cold ms':>8} {'best ms':>8} {'rows':>7}  query")
    worst = 0.0
    for i, sql in enumerate(queries, 1):
        with duckdb.connect(str(args.warehouse), read_only=True) as con:
            cold, best, rows = time_query(con, sql, args.repeat)
        worst = max(worst, cold)
        first = " ".join(sql.split())[:70]
        flag = "" if cold <= TARGET_MS else "  > target"
        print(f"{i:>2} {cold:>8.1f} {best:>8.1f} {rows:>7}  {first}{flag}")
    print(f"slowest (cold) {worst:.1f} ms; target <= {TARGET_MS:.0f} ms each")


if __name__ == "__main__":
    main()
