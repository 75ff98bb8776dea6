"""Rows from a real grid (HTML/DOCX/PDF table) keep a blank data cell in its column."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline.extract.document import Document, Line
from pipeline.extract.text import lines_from_text
from pipeline.parse import parse_document

FIX = Path(__file__).parent / "fixtures"


def test_blank_cells_at_the_row_edges_stay_in_their_column():
    src = (FIX / "seeds" / "003_ce55108b2c7e5886.txt").read_text(encoding="utf-8")
    gold = json.loads((FIX / "golden" / "003_ce55108b2c7e5886.json").read_text(encoding="utf-8"))
    out = []
    for line in lines_from_text(src):
        m = re.match(r"^(.*?)((?: \d+){7})$", line.text)
        if (
            not m
            or "本年" not in line.text
            and not re.match(r"^[(（\d]", line.text)
            and "结转" not in line.text
        ):
            out.append(line)
            continue
        nums = m.group(2).split()
        if "予以公开" in line.text:
            nums[6] = ""  # total left blank
        if "国家秘密" in line.text:
            nums[0] = "—"  # first column a dash
        cells = [m.group(1), "", "", *nums]
        out.append(Line(text="\t".join(cells), lineno=line.lineno, raw=line.raw, cells=cells))
    rec = parse_document(Document(lines=out, format="html"))
    assert rec["applications"]["rows"] == gold["applications"]["rows"]
    filled = [r for r in rec["repairs"] if r["where"] == "applications.granted.total"]
    assert filled and "11" in filled[0]["why"]
