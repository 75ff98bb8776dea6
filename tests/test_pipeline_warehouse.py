"""The whole asset graph, materialised in process on the sample batch: what the warehouse holds."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

from pipeline.load.run_cli import RunSummary, format_summary, run_pipeline
from pipeline.load.warehouse import MODELS, SQL_DIR, cli_binary, missing_comments
from pipeline.record import APPLICANT_COLUMNS, RL_COLUMNS, RL_GROUPS

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))


def golden(seed: Path) -> dict[str, Any]:
    return json.loads((FIXTURES / "golden" / f"{seed.stem}.json").read_text(encoding="utf-8"))


def report_id(seed: Path) -> str:
    return hashlib.sha256(seed.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunSummary, Path]:
    root = tmp_path_factory.mktemp("wh")
    shutil.copytree(Path(__file__).parents[1] / "data" / "raw" / "sample", root / "raw" / "sample")
    summary = run_pipeline(
        root / "raw",
        root / "warehouse",
        instance=dg.DagsterInstance.ephemeral(),  # never the developer's $DAGSTER_HOME
        resource_config={"parse_workers": 2},
    )
    assert summary.success, summary.errors
    return summary, root / "warehouse" / "ogi.duckdb"


@pytest.fixture
def con(built: tuple[RunSummary, Path]) -> duckdb.DuckDBPyConnection:
    with duckdb.connect(str(built[1]), read_only=True) as c:
        yield c


def test_run_metadata_counts(built: tuple[RunSummary, Path]) -> None:
    s, path = built
    assert s.value("raw_ogi__files", "new") == 5 and s.value("raw_ogi__files", "due") == 5
    assert s.value("core_ogi__reports", "parsed") == 5 and s.value("core_ogi__reports", "quarantined") == 0
    assert s.value("out_ogi__warehouse", "published") is True
    assert set(s.step_seconds) >= {
        "raw_ogi__files",
        "core_ogi__reports",
        "core_ogi__facts",
        "out_ogi__dims",
        "out_ogi__marts",
        "out_ogi__warehouse",
    }
    text = format_summary(s)
    assert str(path) in text and "fact_application" in text


def test_fact_counts(con: duckdb.DuckDBPyConnection) -> None:
    count = {
        t: con.execute(f"select count(*) from {t}").fetchone()[0]
        for t in ("report", "quarantine", "fact_application", "fact_proactive", "fact_review_litigation")
    }
    # five 2021-form reports: 25 rows x 7 columns of table 三, 15 cells of table 四, 10 of table 二
    assert count == {
        "report": 5,
        "quarantine": 0,
        "fact_application": 5 * 25 * 7,
        "fact_proactive": 5 * 10,
        "fact_review_litigation": 5 * 15,
    }
    assert con.execute("select count(*) from report where is_current").fetchone()[0] == 5
    dup = con.execute("""select count(*) from (select report_id, disposition_code, applicant_code
                         from fact_application group by all having count(*) > 1)""").fetchone()[0]
    assert dup == 0


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_seed_values_in_fact_application(con: duckdb.DuckDBPyConnection, seed: Path) -> None:
    gold = golden(seed)
    rows = con.execute(
        "select disposition_code, applicant_code, count from fact_application where report_id = ?",
        [report_id(seed)],
    ).fetchall()
    got = {(d, a): c for d, a, c in rows}
    expected = {
        (code, col): v
        for code, values in gold["applications"]["rows"].items()
        for col, v in zip(APPLICANT_COLUMNS, values, strict=True)
    }
    assert got == expected


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_seed_tables_two_and_four(con: duckdb.DuckDBPyConnection, seed: Path) -> None:
    gold, rid = golden(seed), report_id(seed)
    rl = {
        (g, o): c
        for g, o, c in con.execute(
            "select group_code, outcome_code, count from fact_review_litigation where report_id = ?", [rid]
        ).fetchall()
    }
    assert rl == {
        (g, o): v for g in RL_GROUPS for o, v in zip(RL_COLUMNS, gold["review_litigation"][g], strict=True)
    }
    pro = {
        (i, m): v
        for i, m, v in con.execute(
            "select item_code, measure_code, value from fact_proactive where report_id = ?", [rid]
        ).fetchall()
    }
    assert pro == {(i, m): float(v) for i, ms in gold["proactive"].items() for m, v in ms.items()}


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_rates_in_mart_agency_year(con: duckdb.DuckDBPyConnection, seed: Path) -> None:
    rows = golden(seed)["applications"]["rows"]
    total = {code: values[6] for code, values in rows.items()}
    got = con.execute(
        """select agency_name, year, new_received, total_processed, granted_rate,
                                granted_or_partly_rate, refused_rate, not_held_rate, not_processed_rate
                         from mart_agency_year where report_id = ?""",
        [report_id(seed)],
    ).fetchone()
    processed = total["total_processed"]

    def rate(x: int) -> float | None:
        return None if processed == 0 else x / processed

    denied = sum(v for c, v in total.items() if c.startswith("denied_"))
    rejected = sum(v for c, v in total.items() if c.startswith("rejected_"))
    gold = golden(seed)
    assert got[:4] == (gold["agency"]["name"], gold["year"], total["new_received"], processed)
    assert got[4:] == pytest.approx(
        (
            rate(total["granted"]),
            rate(total["granted"] + total["partially_granted"]),
            rate(denied),
            rate(total["unable_not_held"]),
            rate(rejected),
        )
    )


def test_review_correction_rate(con: duckdb.DuckDBPyConnection) -> None:
    # seed 000: review 维持 0, 纠正 0, 其他 3, 尚未审结 0, 总计 3 -> 0 of 3 decided cases corrected
    rid = report_id(SEEDS[0])
    rate, total = con.execute(
        "select review_correction_rate, review_total from mart_agency_year where report_id = ?", [rid]
    ).fetchone()
    assert (rate, total) == (0.0, 3)


def test_dims(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute("select count(*) from dim_disposition").fetchone()[0] == 25
    groups = {
        r[0] for r in con.execute("select group_zh from dim_disposition where is_disposition").fetchall()
    }
    assert groups == {"予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"}
    formats = dict(con.execute("select disposition_code, formats from dim_disposition").fetchall())
    assert formats["other_no_fee"] == [2021] and formats["granted"] == [2019, 2021]
    assert con.execute("select count(*) from dim_applicant").fetchone()[0] == 7
    agencies = dict(con.execute("select agency_id, kind from dim_agency").fetchall())
    assert agencies["411600:周口市政府办公室"] == "government_office"
    assert len(agencies) == 5


def test_marts_shapes(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute("select count(*) from mart_agency_year").fetchone()[0] == 5
    # five report-years, one of them (2024) alone in its year: no rank among peers but itself
    cross = con.execute("""select peer_n, rank_desc, percentile from mart_cross_agency
                           where metric = 'granted_rate' and peer_level = 'all' and year = 2024""").fetchall()
    assert cross == [(1, 1, 0.0)]
    n_2021 = con.execute("""select max(peer_n) from mart_cross_agency
                            where metric = 'granted_rate' and peer_level = 'province' and year = 2021""").fetchone()
    assert n_2021 == (3,)  # the 2021 report with 0 applications has no rate
    mix = con.execute("""select year, sum(share) from mart_disposition_mix group by year
                         having sum(count) > 0 order by 1""").fetchall()
    assert [y for y, _ in mix] == [2021, 2024]
    categories = con.execute("select count(distinct category_code) from mart_disposition_mix").fetchone()[0]
    assert categories == 19  # 21 disposition rows, the three 其他处理 rows summed into one
    assert con.execute("select count(*) from mart_yoy").fetchone()[0] == 0  # no agency has two years


def test_every_table_and_column_has_a_bilingual_comment(con: duckdb.DuckDBPyConnection) -> None:
    assert missing_comments(con) == []
    comments = [
        r[0]
        for r in con.execute(
            "select comment from duckdb_tables() where database_name = current_database() union all "
            "select comment from duckdb_columns() where database_name = current_database()"
        ).fetchall()
    ]
    assert len(comments) > 200
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in c) for c in comments)  # a Chinese label in each


def test_counts_are_bigint_not_hugeint(con: duckdb.DuckDBPyConnection) -> None:
    # DuckDB sums BIGINT into HUGEINT, which many client drivers cannot map; the models cast back
    wide = con.execute(
        "select table_name || '.' || column_name from duckdb_columns() "
        "where database_name = current_database() and data_type = 'HUGEINT'"
    ).fetchall()
    assert wide == []


def test_no_staging_views_or_build_leftovers(
    built: tuple[RunSummary, Path], con: duckdb.DuckDBPyConnection
) -> None:
    assert con.execute("select count(*) from duckdb_views() where not internal").fetchone()[0] == 0
    assert not list((built[1].parent / ".build").glob("*.duckdb"))


def test_sql_files_are_the_registered_models() -> None:
    on_disk = {
        p.relative_to(SQL_DIR).with_suffix("").as_posix()
        for layer in MODELS
        for p in (SQL_DIR / layer).glob("*.sql")
    }
    registered = {f"{layer}/{name}" for layer, names in MODELS.items() for name in names}
    assert on_disk == registered
    for p in (p for layer in MODELS for p in (SQL_DIR / layer).glob("*.sql")):
        code = "\n".join(line.split("--")[0] for line in p.read_text(encoding="utf-8").splitlines())
        code = code.split("comment on")[0]  # comments hold English sentences
        assert code == code.lower(), f"{p}: SQL is written lower-case"


def test_the_duckdb_1_5_cli_reads_the_published_file(built: tuple[RunSummary, Path]) -> None:
    cli = cli_binary()
    if cli is None:
        pytest.skip("duckdb-cli not installed")
    out = subprocess.run(
        [
            str(cli),
            "-readonly",
            "-csv",
            str(built[1]),
            "-c",
            "select count(*) as n from fact_application; "
            "select comment from duckdb_tables() where table_name = 'mart_agency_year'",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "875" in out.stdout and "机关年度指标" in out.stdout
    version = subprocess.run([str(cli), "--version"], capture_output=True, text=True).stdout
    assert version.startswith("v1.")


def test_mart_repair_reason_counts_the_repairs_json(con: duckdb.DuckDBPyConnection) -> None:
    """The README's question 5 reads the pre-counted mart; it must answer as the JSON does."""
    from_json = con.execute("""
        select m.agency_name, m.n_repairs, m.n_repaired_cells, m.n_findings_warn, r.why, count(*) as times
        from mart_agency_year as m
        inner join (
            select report_id, unnest(from_json(repairs, '[{"why": "varchar"}]')).why as why from report
        ) as r on m.report_id = r.report_id
        group by all order by all""").fetchall()
    from_mart = con.execute("""
        select m.agency_name, m.n_repairs, m.n_repaired_cells, m.n_findings_warn, r.why, sum(r.times)::bigint
        from mart_agency_year as m inner join mart_repair_reason as r on m.report_id = r.report_id
        group by all order by all""").fetchall()
    assert from_mart == from_json and len(from_mart) == 4
    assert ("辉县市人民政府", 46, 23, 0, "1 cell(s) lost in extraction", 23) in from_mart
    assert (
        con.execute("select sum(times) from mart_repair_reason").fetchone()[0]
        == con.execute("select sum(n_repairs) from report where is_current").fetchone()[0]
    )


def test_mart_disposition_group_pivots_as_the_mix(con: duckdb.DuckDBPyConnection) -> None:
    """The README's question 3 pivots the group mart; it must answer as the per-category mix does."""
    pivot = """pivot (select agency_name, year, group_zh, group_share from {} where {})
        on group_zh in ('予以公开', '部分公开', '不予公开', '无法提供', '不予处理', '其他处理')
        using round(max(group_share), 2) group by agency_name, year order by agency_name, year"""
    mix = con.execute(pivot.format("mart_disposition_mix", "share is not null")).fetchall()
    group = con.execute(pivot.format("mart_disposition_group", "has_share")).fetchall()
    assert group == mix and len(group) == 4
    assert ("辉县市人民政府", 2021, 0.27, 0.18, 0.05, 0.39, 0.03, 0.08) in group
    sums = con.execute("""select g.report_id, g.group_code, g.group_count, sum(m."count")::bigint
        from mart_disposition_group as g inner join mart_disposition_mix as m using (report_id, group_code)
        group by all having g.group_count is distinct from sum(m."count")::bigint""").fetchall()
    assert sums == []
    assert con.execute("select count(*) from mart_disposition_group").fetchone()[0] == 5 * 6


def test_one_row_leaves_no_result_open() -> None:
    """duckdb 2.0: a ``fetchone()`` result stays open and the next ``con.sql()`` raises; ``one``
    reads to the end, so the connection stays usable."""
    import duckdb

    from pipeline.load.warehouse import one

    con = duckdb.connect()
    con.execute("create table t as select range as i from range(3)")
    assert one(con, "select count(*) from t") == (3,)
    assert one(con, "select i from t where i > ?", [5]) is None
    assert con.sql("select max(i) from t").fetchall() == [(2,)]
