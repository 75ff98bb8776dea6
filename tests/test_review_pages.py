"""The reviewer's outputs on a warehouse of the sample batch plus a planted error: the audit
workbook and printable page, report cards (two years of one agency), the offline quality report,
exports. One pipeline run for the module; every output is read back and its values asserted."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "data" / "raw" / "sample" / "000_4ac70b03785c0971.txt"
PLANTED = "henan_2022/chuanhui_2022.txt"
AGENCY = "川汇区人民政府"


def plant_second_year(raw: Path) -> Path:
    """川汇区人民政府's 2021 seed re-dated 2022 with 9 applications, and one planted identity error:
    （一）予以公开 prints 8 … 9 (row total 9 ≠ 8), so （七）总计 9 ≠ the dispositions' 10 too."""
    text = SEED.read_text(encoding="utf-8").replace("2021", "2022")
    for old, new in (
        ("一、本年新收政府信息公开申请数量 4 0 0 0 0 0 4", "一、本年新收政府信息公开申请数量 9 0 0 0 0 0 9"),
        ("（一）予以公开 3 0 0 0 0 0 3", "（一）予以公开 8 0 0 0 0 0 9"),
        ("（七）总计 4 0 0 0 0 0 4", "（七）总计 9 0 0 0 0 0 9"),
    ):
        assert old in text
        text = text.replace(old, new)
    out = raw / PLANTED
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def build_warehouse(tmp: Path) -> tuple[Path, Path]:
    import dagster as dg

    from pipeline.load.run_cli import run_pipeline

    raw = tmp / "raw"
    shutil.copytree(SEED.parent, raw / "sample")
    plant_second_year(raw)
    with dg.instance_for_test() as instance:
        s = run_pipeline(raw, tmp / "wh", instance=instance, resource_config={"parse_workers": 1})
    assert s.success, s.errors
    return raw, tmp / "wh"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("review")
    mp = pytest.MonkeyPatch()
    mp.setenv("OGI_CORRECTIONS_DIR", str(tmp / "corrections"))
    try:
        _, wh = build_warehouse(tmp)
    finally:
        mp.undo()
    return wh


@pytest.fixture
def con(warehouse: Path):
    with duckdb.connect(str(warehouse / "ogi.duckdb"), read_only=True) as c:
        yield c


def test_audit_workbook_has_the_planted_finding_with_file_and_line(con, tmp_path: Path):
    from openpyxl import load_workbook

    from pipeline.review.audit import Scope, collect, write_html, write_xlsx

    audit = collect(con, Scope(region="河南省", year=2022))
    assert audit.n_reports == 1
    wb = load_workbook(write_xlsx(audit, tmp_path / "a.xlsx"))
    assert wb.sheetnames == ["错误", "警告", "说明"]
    errors = wb["错误"]
    header = [c.value for c in errors[1]]
    assert header[:3] == ["机关名称", "报告年度", "规则"] and "来源文件" in header and "页码/行号" in header
    rows = [dict(zip(header, [c.value for c in r], strict=True)) for r in errors.iter_rows(min_row=2)]
    assert [(r["机关名称"], r["报告年度"], r["规则代码"]) for r in rows] == [
        (AGENCY, 2022, "t3_disposition_sum"),
        (AGENCY, 2022, "t3_row_total"),
    ]
    row_total = rows[1]
    assert row_total["规则"] == "表三行合计（总计＝六类申请人之和）"
    assert (row_total["期望值"], row_total["实际值"]) == (9, 8)
    assert row_total["来源文件"] == PLANTED
    assert row_total["页码/行号"] == "第92行" and "予以公开 8 0 0 0 0 0 9" in row_total["原文"]
    assert row_total["类型"] == "原文错误"
    warn = [[c.value for c in r] for r in wb["警告"].iter_rows(min_row=2)]
    assert [(r[0], r[-1]) for r in warn] == [(AGENCY, "narrative_applications")]

    html = write_html(audit, tmp_path / "a.html").read_text(encoding="utf-8")
    assert "河南省2022年度政府信息公开工作年度报告审核情况" in html
    assert PLANTED in html and "第92行" in html and "表三行合计" in html


def test_audit_by_agency_list_and_empty_region(con):
    from pipeline.review.audit import Scope, collect

    assert collect(con, Scope(region="福建省", year=2024)).rows == []
    rows = collect(con, Scope(agencies=[AGENCY])).rows
    assert {(r["agency_name"], r["year"]) for r in rows} == {(AGENCY, 2022)}


def test_card_shows_tables_failing_cell_peers_and_trend(con, tmp_path: Path):
    from pipeline.review.cards import find_agency, write_card

    found = find_agency(con, AGENCY)
    assert [y for _, y in found] == [2021, 2022]
    agency_id = found[0][0]
    html = write_card(con, agency_id, 2022, tmp_path / "card.html").read_text(encoding="utf-8")
    assert '<table id="t3">' in html and '<table id="t4">' in html and '<table id="t2">' in html
    # the planted row: 8 … 9, the total cell highlighted as failing
    assert 'class="num fail">9</td>' in html
    assert "与同类机关比较（同省、同类型）" in html and "予以公开率" in html
    assert '<div id="trend"><svg' in html and "申请数量趋势" in html
    assert "发现的问题（3）" in html


def test_quality_report_and_site(con, warehouse: Path, tmp_path: Path):
    from pipeline.review.cards import write_site

    counts = write_site(con, tmp_path / "site")
    assert counts == {"cards": 6, "rendered": 6, "kept": 0, "findings": 3}
    # nothing changed: no card is rendered again; a card that went missing is
    (tmp_path / "site" / "cards" / "411602_川汇区政府_2021.html").unlink()
    assert write_site(con, tmp_path / "site")["rendered"] == 1
    q = (tmp_path / "site" / "quality.html").read_text(encoding="utf-8")
    assert '<a href="quality/河南省.html">河南省</a></td><td class="num">3</td><td class="num">2</td>' in q
    q = (tmp_path / "site" / "quality" / "河南省.html").read_text(encoding="utf-8")
    assert "来源文件 <code>henan_2022/chuanhui_2022.txt</code> · 第92行" in q
    assert "（一）予以公开 8 0 0 0 0 0 9" in q
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert (
        '<a href="provinces/河南省.html">河南省</a></td><td class="num">6</td><td class="num">1</td>' in index
    )
    henan = (tmp_path / "site" / "provinces" / "河南省.html").read_text(encoding="utf-8")
    assert henan.count('href="../cards/') == 6 and "../cards/411602_川汇区政府_2022.html" in henan
    # the pipeline built the same site itself (out_review__site)
    assert (warehouse / "site" / "quality.html").is_file()
    assert len(list((warehouse / "site" / "cards").glob("*.html"))) == 6


def test_exports_csv_with_bom_and_chinese_headers(con, tmp_path: Path):
    import pandas as pd
    from openpyxl import load_workbook

    from pipeline.review.export import export

    csv = export(con, "mart_agency_year", "csv", tmp_path / "m.csv", zh=True)
    raw = csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw[3:].decode("utf-8").splitlines()[0].split(",")
    assert header[:2] == ["机关标识", "机关名称"] and len(header) == len(set(header))
    df = pd.read_csv(csv, encoding="utf-8-sig")
    assert len(df) == 6 and AGENCY in set(df["机关名称"])
    xlsx = export(con, "mart_agency_year", "xlsx", tmp_path / "m.xlsx")
    assert load_workbook(xlsx).active["A1"].value == "agency_id"
    pq = export(con, "quality_finding", "parquet", tmp_path / "f.parquet")
    assert len(pd.read_parquet(pq)) == 3
    with pytest.raises(ValueError, match="no table"):
        export(con, "mart_nope", "csv", tmp_path / "x.csv")


def test_cli_audit_writes_both_files(warehouse: Path, tmp_path: Path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    res = CliRunner().invoke(
        app,
        [
            "audit",
            "--region",
            "河南省",
            "--year",
            "2022",
            "--out",
            str(tmp_path),
            "--warehouse",
            str(warehouse / "ogi.duckdb"),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "1 reports, 3 findings" in res.output
    assert (tmp_path / "河南省_2022.xlsx").is_file() and (tmp_path / "河南省_2022.html").is_file()


def test_card_dom_in_headless_chromium(con, tmp_path: Path):
    """The card as a browser builds it (DOM text), when chromium is installed."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk); DOM check skipped")
    from pipeline.review.cards import find_agency, write_card

    page = write_card(con, find_agency(con, AGENCY)[0][0], 2022, tmp_path / "card.html")
    dom = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    assert "川汇区人民政府 · 2022年度政府信息公开工作年度报告" in dom
    assert "申请数量趋势" in dom and "<svg" in dom


def test_site_renders_in_worker_processes(con, warehouse: Path, tmp_path: Path, monkeypatch):
    from pipeline.review import cards

    monkeypatch.setattr(cards, "PARALLEL_MIN", 1)
    monkeypatch.setattr(cards.os, "cpu_count", lambda: 2)
    counts = cards.write_site(con, tmp_path / "site", db_path=warehouse / "ogi.duckdb")
    assert counts["rendered"] == 6
    page = (tmp_path / "site" / "cards" / "411602_川汇区政府_2022.html").read_text(encoding="utf-8")
    assert '<div id="trend"><svg' in page and 'class="num fail">9</td>' in page


def test_audit_prints_to_pdf(con, tmp_path: Path):
    """The circular as PDF (A4 landscape), when chromium is installed; its text names the finding."""
    import unicodedata

    import pypdfium2 as pdfium

    from pipeline.review.audit import Scope, chromium_binary, collect, write_html, write_pdf

    if chromium_binary() is None:
        pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk); PDF check skipped")
    html = write_html(collect(con, Scope(region="河南省", year=2022)), tmp_path / "a.html")
    pdf = pdfium.PdfDocument(write_pdf(html, tmp_path / "a.pdf"))
    width, height = pdf[0].get_size()
    assert width > height  # landscape
    text = unicodedata.normalize("NFKC", pdf[0].get_textpage().get_text_range())
    assert "河南省2022年度政府信息公开工作年度报告审核情况" in text and "第92行" in text
