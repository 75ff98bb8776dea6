"""The quality report renders again only the findings of reports whose findings changed: the
pages assembled from the cache equal the pages rendered from nothing."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.review import quality_report
from pipeline.synth.records import random_record
from pipeline.synth.text import render_text


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse of twelve reports whose identities fail (findings in several provinces)."""
    from pipeline.load.run_cli import run_pipeline

    tmp = tmp_path_factory.mktemp("qr")
    (tmp / "raw" / "b1").mkdir(parents=True)
    for i in range(12):
        rec = random_record(random.Random(500 + i), 2021, consistent=False)
        text = render_text(rec, "spaces", rng=random.Random(i)).encode("utf-8")
        (tmp / "raw" / "b1" / f"r{i}.txt").write_bytes(text)
    with dg.instance_for_test() as instance:
        s = run_pipeline(tmp / "raw", tmp / "wh", instance=instance, resource_config={"parse_workers": 2})
    assert s.success, s.errors
    return tmp / "wh" / "ogi.duckdb"


def pages(site: Path) -> dict[str, str]:
    """Every page of the report, its generation time left out."""
    out = {}
    for p in [site / "quality.html", *sorted((site / "quality").glob("*.html"))]:
        out[p.name] = re.sub(r"生成于 [^。<]*", "", p.read_text(encoding="utf-8"))
    return out


def test_cached_pages_equal_pages_rendered_from_nothing(
    published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work.duckdb"
    shutil.copy(published, work)
    rendered: list[str] = []
    real = quality_report.finding_block

    def counting(i: int, r: dict) -> str:
        rendered.append(r["report_id"])
        return real(i, r)

    monkeypatch.setattr(quality_report, "finding_block", counting)
    with duckdb.connect(str(work)) as con:
        n = quality_report.write_quality_report(con, tmp_path / "site" / "quality.html")
        assert n == len(rendered) > 0
        provinces = {p for p in pages(tmp_path / "site") if p != "quality.html"}
        assert len(provinces) > 1
        first = pages(tmp_path / "site")
        rendered.clear()
        quality_report.write_quality_report(con, tmp_path / "site" / "quality.html")
        assert rendered == []  # nothing changed: every block from the cache
        assert pages(tmp_path / "site") == first

        # one report loses its findings, one gets another message, one moves to another file
        ids = [
            r[0] for r in con.execute("select distinct report_id from quality_finding order by 1").fetchall()
        ]
        con.execute("delete from quality_finding where report_id = ?", [ids[0]])
        con.execute(
            "update quality_finding set message = message || ' (changed)' where report_id = ?", [ids[1]]
        )
        con.execute("update report set path = 'b1/moved.txt' where report_id = ?", [ids[2]])
        quality_report.write_quality_report(con, tmp_path / "site" / "quality.html")
        assert set(rendered) == {ids[1], ids[2]}
        quality_report.write_quality_report(con, tmp_path / "fresh" / "quality.html")
    assert pages(tmp_path / "site") == pages(tmp_path / "fresh")
    assert pages(tmp_path / "site") != first
    assert "b1/moved.txt" in "".join(pages(tmp_path / "site").values())
