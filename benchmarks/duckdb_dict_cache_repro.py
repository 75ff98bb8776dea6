"""DuckDB 2.0.0 internal error "dict-surviving cache", reduced from the 10⁵-report nightly run.

    .venv/bin/python benchmarks/duckdb_dict_cache_repro.py

At 10⁵ reports ``out_quality__findings`` (then ``quality_checks__core_ogi__facts``) died with
``INTERNAL Error: dict-surviving cache: global dictionary column 9 changed identity after being
seeded for dictionary caching``. The query was ``DuckDBFrames.rows`` (pipeline/quality/frames.py):
the ``carry_over_link`` check frame (a CTE aggregating fact_application, joined to report and to
the same agency's report of the year before), filtered to one year and to the report ids of the
failing rows with ``report_id in (select unnest($1::varchar[]))``; column 9 is
``p.repairs::varchar`` (report.repairs is a JSON column). The hash join that keeps dictionary
vectors alive ("dict-surviving", new in 2.0) sees the dictionary of the JSON → VARCHAR cast change
between chunks. It needs: a JSON column cast to VARCHAR on a join's build side, an aggregate over
a VARCHAR group key, the self join, and the IN-subquery semi join; at 10⁴ reports the tables fit
in too few chunks to show it. The same file and query work in duckdb 2.0.1, which the project now
pins (pyproject.toml). The script prints what the installed version does with default settings
and with two optimizers off: without filter pushdown 2.0.0 passes too, but every other query
would pay for it, so the fix is the version, not the setting.
"""

from __future__ import annotations

import os
import tempfile

import duckdb

SETUP = """
create table report as
select md5(i::varchar) as report_id, 'a' || (hash(i) % 42600) as agency_id, 2019 + hash(i + 1) % 7 as year,
       true as is_current, (case when hash(i) % 5 = 0 then '[1]' else '[]' end)::json as repairs
from range(100000) t(i) order by agency_id, year, report_id;
create table fact as
select report_id, 'applicant_' || c as code, 0 as n from report, range(7) t(c) order by report_id;
"""
QUERY = """
select * from (
  with cur as (select report_id, code, max(n) as t0 from fact group by report_id, code)
  select r.report_id, r.year, r.repairs::varchar as repairs
  from cur as c
  join report as r on c.report_id = r.report_id
  join report as p on r.agency_id = p.agency_id and r.year - 1 = p.year and p.is_current
) where year = 2022 and report_id in (select unnest($1::varchar[]))
"""


def run(path: str, setting: str | None = None) -> str:
    """The query on a fresh read-only connection (an internal error invalidates the database)."""
    con = duckdb.connect(path, read_only=True)
    try:
        if setting:
            con.execute(setting)
        ids = [
            r[0] for r in con.execute("select report_id from report where year = 2022 limit 200").fetchall()
        ]
        return f"ok, {len(con.execute(QUERY, [ids]).fetchall())} rows"
    except duckdb.Error as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    finally:
        con.close()


def main() -> None:
    path = os.path.join(tempfile.mkdtemp(prefix="ogi-dict-cache-"), "repro.duckdb")
    with duckdb.connect(path) as con:
        con.execute(SETUP)
        con.execute("checkpoint")
    print(f"duckdb {duckdb.__version__}")
    for label, setting in (
        ("default settings", None),
        ("disabled_optimizers = 'cte_inlining'", "set disabled_optimizers = 'cte_inlining'"),
        ("disabled_optimizers = 'filter_pushdown'", "set disabled_optimizers = 'filter_pushdown'"),
    ):
        print(f"  {label:42} {run(path, setting)}")
    os.remove(path)


if __name__ == "__main__":
    main()
