"""The PDF grid builder and cell text (pdf_grid.py, pdf_text.py) against pdfplumber's own rules.

The port must give pdfplumber's cells and text exactly: the hand-made cases say what a reader
sees (merged cells, a missing border, a cell on two lines, a table split over pages), and random
rulings and char sets compare the two implementations directly.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from pdfplumber import table as tb
from pdfplumber.utils import dedupe_chars, extract_text, filter_edges
from pdfplumber.utils.text import chars_to_textmap

from pipeline.extract.pdf import GLYPHLESS, edges_of, read_pdf
from pipeline.extract.pdf_grid import find_tables
from pipeline.extract.pdf_text import Char, cell_text, dedupe, prose_lines
from pipeline.synth.layout import Variant
from pipeline.synth.pdf import render_pdf
from pipeline.synth.records import random_record


# ----------------------------------------------------------------------------- pdfplumber's way
def plumber_tables(edges: list[dict[str, Any]]) -> list[tuple[list[Any], list[list[Any]]]]:
    """(cells, rows) of each table by pdfplumber's lines strategy on the same edges."""
    s = tb.TableSettings.resolve({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
    base = [*filter_edges(edges, "v", min_length=1), *filter_edges(edges, "h", min_length=1)]
    merged = tb.merge_edges(
        base, s.snap_x_tolerance, s.snap_y_tolerance, s.join_x_tolerance, s.join_y_tolerance
    )
    kept = filter_edges(merged, min_length=s.edge_min_length)
    points = tb.edges_to_intersections(kept, s.intersection_x_tolerance, s.intersection_y_tolerance)
    out = []
    for group in tb.cells_to_tables(tb.intersections_to_cells(points)):
        table = tb.Table(None, group)  # type: ignore[arg-type]
        out.append((table.cells, [(r.cells, r.bbox) for r in table.rows]))
    return out


def ours(edges: list[dict[str, Any]]) -> list[tuple[list[Any], list[list[Any]]]]:
    return [(t.cells, [(r.cells, r.bbox) for r in t.rows]) for t in find_tables(edges)]


def lines(segments: list[tuple[float, float, float, float]]) -> list[dict[str, Any]]:
    """Edges of straight ruling lines (x0, y0, x1, y1), as pdfium's paths give them."""
    return edges_of([[("m", (x0, y0)), ("l", (x1, y1))] for x0, y0, x1, y1 in segments])


def grid(
    xs: list[float], ys: list[float], skip: set[tuple[str, int, int]] = frozenset()
) -> list[dict[str, Any]]:  # type: ignore[assignment]
    """A ruled grid; ('v', i, j) in ``skip`` drops the vertical segment at xs[i] in row j,
    ('h', i, j) the horizontal one at ys[i] in column j."""
    segs = []
    for i, x in enumerate(xs):
        for j in range(len(ys) - 1):
            if ("v", i, j) not in skip:
                segs.append((x, ys[j], x, ys[j + 1]))
    for i, y in enumerate(ys):
        for j in range(len(xs) - 1):
            if ("h", i, j) not in skip:
                segs.append((xs[j], y, xs[j + 1], y))
    return lines(segs)


def chars(spec: list[tuple[str, float, float]], size: float = 10.0) -> list[Char]:
    """Chars (text, x0, top), each ``size`` wide and high."""
    return [Char(t, x, x + size, top, top + size, size) for t, x, top in spec]


def word(text: str, x: float, top: float, size: float = 10.0) -> list[tuple[str, float, float]]:
    return [(ch, x + k * size, top) for k, ch in enumerate(text)]


# ----------------------------------------------------------------------------- the cases
XS, YS = [50.0, 150.0, 250.0, 350.0], [100.0, 120.0, 140.0, 160.0]


def test_full_grid_gives_every_cell() -> None:
    (table,) = find_tables(grid(XS, YS))
    assert [len(r.cells) for r in table.rows] == [3, 3, 3]
    assert table.bbox == (50.0, 100.0, 350.0, 160.0)
    assert ours(grid(XS, YS)) == plumber_tables(grid(XS, YS))


def test_a_missing_inner_edge_merges_the_cells_it_separated() -> None:
    edges = grid(XS, YS, {("v", 1, 0), ("h", 2, 2)})  # row 0: columns 0-1 merged; rows 1-2 merged in column 2
    (table,) = find_tables(edges)
    rows = [r.cells for r in table.rows]
    assert rows[0] == [(50.0, 100.0, 250.0, 120.0), None, (250.0, 100.0, 350.0, 120.0)]
    assert rows[1][2] == (250.0, 120.0, 350.0, 160.0) and rows[2][2] is None
    assert ours(edges) == plumber_tables(edges)


def test_a_missing_outer_border_loses_that_column_as_pdfplumber_does() -> None:
    edges = grid(XS, YS, {("v", 0, j) for j in range(3)})  # no left border
    (table,) = find_tables(edges)
    assert [len(r.cells) for r in table.rows] == [2, 2, 2]
    assert table.bbox[0] == 150.0
    assert ours(edges) == plumber_tables(edges)


def test_nearby_lines_snap_and_pieces_join() -> None:
    segs = [(50.0, 100.0, 200.0, 100.0), (201.5, 100.4, 350.0, 100.4)]  # a top border drawn in two pieces
    segs += [(50.0, 160.0, 350.0, 160.0), (50.0, 130.0, 350.0, 130.0)]
    segs += [(50.2, 100.0, 50.2, 160.0), (200.0, 99.0, 200.0, 161.0), (349.0, 100.0, 349.0, 160.0)]
    edges = lines(segs)
    (table,) = find_tables(edges)
    assert [len(r.cells) for r in table.rows] == [2, 2]
    assert ours(edges) == plumber_tables(edges)


def test_text_on_two_lines_in_a_cell() -> None:
    cell = chars(word("本年新收", 60, 102) + word("申请", 60, 113))
    assert cell_text(cell) == "本年新收\n申请" == extract_text([c.as_dict() for c in cell])
    spaced = chars(word("ab", 60, 102) + word("cd", 100, 102.5) + word("e", 60, 115))
    assert cell_text(spaced) == "ab cd\ne" == extract_text([c.as_dict() for c in spaced])


def test_a_table_split_over_two_pages_is_read_on_both_by_pdfium() -> None:
    record = random_record(random.Random(7), 2021)
    doc = read_pdf(render_pdf(record, variant=Variant(split_t3="plain", split_after=6)))
    rows = [ln for ln in doc.lines if ln.cells and len(ln.cells) == 10 and ln.cells[-1].isdigit()]
    # pdfium, or pdfplumber on a machine without a CJK font for the unembedded STSong-Light
    readers = {ln.reader for ln in rows}
    assert len({ln.page for ln in rows}) == 2 and readers in ({"pdfium"}, {f"pdfplumber ({GLYPHLESS})"})
    assert len(rows) == 25  # every data row of table 三 once


# ----------------------------------------------------------------------------- random comparisons
@pytest.mark.parametrize("seed", range(40))
def test_random_rulings_give_pdfplumbers_cells(seed: int) -> None:
    rng = random.Random(seed)
    xs = sorted({round(rng.uniform(30, 550), rng.choice([0, 1, 2])) for _ in range(rng.randint(2, 9))})
    ys = sorted({round(rng.uniform(30, 800), rng.choice([0, 1, 2])) for _ in range(rng.randint(2, 14))})
    skip = {(rng.choice("vh"), rng.randrange(12), rng.randrange(12)) for _ in range(rng.randint(0, 12))}
    edges = grid(xs, ys, skip)
    for e in edges:  # jitter within the snap tolerance, as Word and WPS draw
        if rng.random() < 0.3:
            d = rng.uniform(-2.5, 2.5)
            for k in ("x0", "x1") if e["orientation"] == "v" else ("top", "bottom"):
                e[k] += d
    if len(xs) > 1 and len(ys) > 1:  # a second table below, sharing nothing
        edges += grid([x + 3 for x in xs], [y + 900 for y in ys])
    assert ours(edges) == plumber_tables(edges)


@pytest.mark.parametrize("seed", range(40))
def test_random_chars_give_pdfplumbers_text(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = "本年新收申请ab1 2.ﬁ"
    spec = [
        (
            rng.choice(alphabet),
            round(rng.uniform(0, 80), 1),
            round(rng.choice([0, 0, 2.5, 4, 11, 13]) + rng.uniform(0, 1), 2),
        )
        for _ in range(rng.randint(1, 25))
    ]
    cs = chars(spec, size=rng.choice([5.0, 8.0, 10.0]))
    dicts = [c.as_dict() for c in cs]
    assert cell_text(cs) == extract_text(dicts)
    theirs = [
        (ln["top"], ln["text"]) for ln in chars_to_textmap(dicts).extract_text_lines(return_chars=False)
    ]
    assert prose_lines(cs) == theirs
    doubled = cs + [c._replace(x0=c.x0 + 0.25, x1=c.x1 + 0.25) for c in cs if rng.random() < 0.5]
    assert [c.as_dict() for c in dedupe(doubled)] == dedupe_chars([c.as_dict() for c in doubled])
