"""Reports as real tools turn them into text: crawlers, PDF/DOCX→markdown converters, OCR.

``tests/fixtures/realworld/<family>/`` holds what each tool made of the corpus, the seeds and the
real PDF (``benchmarks/real_world_conversions.py`` regenerates them), with the truth records.
Each family must keep at least the score it has now: a floor per family, measured when the
reading that earned it was written. Where a tool itself lost the numbers (OCR of ruled tables,
text run together with no separator) the floor is what is recoverable, not 1.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from pipeline.report import parse_bytes

REALWORLD = Path(__file__).parent / "fixtures" / "realworld"

#: family -> the cell accuracy it had when its reading was written (2026-12-06), less 0.001
FLOORS = {
    "bs4_newline": 0.975,
    "bs4_nosep": 0.932,
    "copypaste_none": 0.95,
    "copypaste_space": 0.975,
    "docx2txt": 0.999,
    "html2text_md": 0.987,
    "lo_pdf": 0.999,
    "lo_txt": 0.999,
    "lo_word_html": 0.999,
    "lynx_dump": 0.995,
    "lynx_dump80": 0.977,
    "markitdown_docx_html": 0.998,
    "markitdown_pdf": 0.974,
    "ocr_default": 0.904,
    "ocr_psm6": 0.325,
    "pandoc_gfm": 0.996,
    "pandoc_plain": 0.995,
    "pdfminer_text": 0.864,
    "pdfplumber_text": 0.984,
    "pdftotext_layout": 0.983,
    "pdftotext_raw": 0.885,
    "pymupdf4llm_md": 0.986,
    "pymupdf_text": 0.984,
    "python_docx": 0.999,
    "trafilatura_md": 0.999,
    "trafilatura_txt": 0.999,
    "w3m_dump": 0.999,
}
FAMILIES = sorted(p.name for p in REALWORLD.iterdir() if (p / "expected").is_dir())


def _scorer():
    spec = importlib.util.spec_from_file_location("ogi_score", REALWORLD.parent / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCORE = _scorer()


def test_every_family_has_a_floor() -> None:
    assert FAMILIES and set(FAMILIES) <= set(FLOORS), sorted(set(FAMILIES) - set(FLOORS))


@pytest.mark.parametrize("family", FAMILIES)
def test_family_keeps_its_score(family: str) -> None:
    folder = REALWORLD / family
    matched = compared = 0
    worst: list[tuple[float, str]] = []
    for exp_path in sorted((folder / "expected").glob("*.json")):
        exp = json.loads(exp_path.read_text("utf-8"))
        src = folder / exp["file"]
        rec = parse_bytes(src.read_bytes(), str(src))
        res = SCORE.score_doc(exp, rec)
        matched += res["matched"]
        compared += res["compared"]
        worst.append((res["matched"] / max(res["compared"], 1), exp["file"]))
    assert compared > 0
    accuracy = matched / compared
    assert accuracy >= FLOORS[family] - 1e-9, (family, round(accuracy, 4), sorted(worst)[:3])
