"""Markdown whose tables are bare HTML (what PDF converters such as MinerU write) reads like the page.

Each HTML report of the independent corpus is turned into such markdown — prose as lines, every
table kept as one line of HTML — and must score exactly as the corpus truth says.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from pipeline.extract.html import _decode
from pipeline.report import parse_bytes

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
PAGES = sorted((CORPUS / "raw").glob("*html*"))


def as_converter_markdown(page: bytes) -> str:
    src, _ = _decode(page)
    body = re.sub(r"<script.*?</script>|<style.*?</style>|<head.*?</head>", "", src, flags=re.S | re.I)
    md = re.sub(
        r"<table.*?</table>",
        lambda m: "\n\n" + re.sub(r"\s*\n\s*", "", m.group(0)) + "\n\n",
        body,
        flags=re.S | re.I,
    )
    md = re.sub(r"<(?!/?(table|tr|td|th|tbody|thead)\b)[^>]+>", "\n", md).replace("&nbsp;", " ")
    return re.sub(r"\n\s*\n+", "\n\n", md)


def _score_doc():
    spec = importlib.util.spec_from_file_location(
        "ogi_score", Path(__file__).parent / "fixtures" / "score.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.score_doc


def test_there_are_html_pages():
    assert len(PAGES) == 8


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_markdown_with_html_tables_reads_every_cell(page: Path):
    md = as_converter_markdown(page.read_bytes())
    assert "<table" in md and "<tr" in md and "<html" not in md
    rec = parse_bytes(md.encode("utf-8"), page.stem + ".md")
    assert rec["source"]["format"] in ("md", "html")  # a table in the first kilobyte sniffs as HTML
    exp = json.loads((CORPUS / "expected" / f"{page.stem}.json").read_text(encoding="utf-8"))
    res = _score_doc()(exp, rec)
    assert res["mismatches"] == [], res["mismatches"][:5]


def test_inline_html_in_markdown_cells_is_markup_not_text():
    md = (
        "# 某县财政局2023年政府信息公开工作年度报告\n\n三、收到和处理政府信息公开申请情况\n\n"
        "| 项目 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |\n"
        "|---|---|---|---|---|---|---|---|\n"
        "| 一、本年新收政府信息<br>公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n"
        "| 二、上年结转政府信息公开申请数量 | 0&nbsp; | 0 | 0 | 0 | 0 | 0 | 0 |\n"
    )
    rec = parse_bytes(md.encode(), "br.md")
    assert rec["applications"]["rows"]["new_received"] == [1, 0, 0, 0, 0, 0, 1]
    assert rec["applications"]["rows"]["carried_over"] == [0] * 7
