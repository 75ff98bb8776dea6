"""Ruled tables of a PDF page from its edges: cells from the ruling lines, without pdfplumber.

The rule is pdfplumber's ``lines`` table strategy, ported step by step so that the same edges give
the same cells, bit for bit (the records of every PDF stay what they were):

1. keep the horizontal and vertical edges at least 1 pt long;
2. snap edges lying within 3 pt of each other onto their mean position (the cluster of an edge
   coordinate grows while the next coordinate is within 3 pt of the previous one);
3. join the collinear pieces of a line that overlap or leave a gap of at most 3 pt;
4. drop what is shorter than 3 pt;
5. a vertex wherever a vertical and a horizontal edge meet (3 pt tolerance);
6. a cell at each vertex: the nearest vertex below and the nearest to the right joined to it by an
   edge, whose bottom-right corner is a vertex joined to both. Where an inner edge is missing the
   search goes on to the next vertex, so a merged cell spans the positions it covers;
7. cells sharing a corner form one table; a table of one cell is none.

pdfplumber does step 6 by scanning every later vertex for each vertex and comparing sets of edge
boxes built afresh for each pair, which cost most of a table page's time; here vertices are
indexed by column and row, and each vertex keeps its edge boxes as sets built once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Any

SNAP = 3.0
JOIN = 3.0
MIN_PREFILTER = 1.0
MIN_LENGTH = 3.0
INTERSECT = 3.0

Bbox = tuple[float, float, float, float]
"""x0, top, x1, bottom in points from the page's top left."""


@dataclass(slots=True)
class Row:
    """One row of a table: a box per column (None where a merged cell from the left or above covers it)."""

    cells: list[Bbox | None]
    bbox: Bbox


@dataclass(slots=True)
class Table:
    """The cells of one ruled table, and its rows (pdfplumber's ``Table.rows``)."""

    cells: list[Bbox]

    @property
    def bbox(self) -> Bbox:
        c = self.cells
        return (min(b[0] for b in c), min(b[1] for b in c), max(b[2] for b in c), max(b[3] for b in c))

    @property
    def rows(self) -> list[Row]:
        xs = sorted({b[0] for b in self.cells})
        out: list[Row] = []
        for _top, group in groupby(sorted(self.cells, key=lambda b: (b[1], b[0])), key=lambda b: b[1]):
            by_x = {b[0]: b for b in group}
            cells = [by_x.get(x) for x in xs]
            present = [b for b in cells if b is not None]
            bbox = (
                min(b[0] for b in present),
                min(b[1] for b in present),
                max(b[2] for b in present),
                max(b[3] for b in present),
            )
            out.append(Row(cells, bbox))
        return out


# an edge while it is worked on: [x0, top, x1, bottom, width, height]; orientation kept apart
_X0, _TOP, _X1, _BOTTOM, _W, _H = range(6)


def _clusters(values: Iterable[float], tolerance: float) -> dict[float, int]:
    """Value -> cluster number: sorted distinct values, a new cluster where the gap exceeds ``tolerance``."""
    out: dict[float, int] = {}
    last: float | None = None
    k = -1
    for v in sorted(set(values)):
        if last is None or v > last + tolerance:
            k += 1
        out[v] = k
        last = v
    return out


def _snap(edges: list[list[float]], at: int, tolerance: float) -> list[list[float]]:
    """Edges moved onto the mean of their cluster of coordinate ``at`` (pdfplumber's snap_objects).

    The same float operations in the same order as pdfplumber, so coordinates come out identical.
    """
    ids = _clusters((e[at] for e in edges), tolerance)
    groups: dict[int, list[list[float]]] = {}
    for e in sorted(edges, key=lambda e: ids[e[at]]):
        groups.setdefault(ids[e[at]], []).append(e)
    end = _X1 if at == _X0 else _BOTTOM
    out: list[list[float]] = []
    for _k, group in sorted(groups.items()):
        avg = sum(e[at] for e in group) / len(group)
        for e in group:
            shift = avg - e[at]
            moved = list(e)
            moved[at] = e[at] + shift
            moved[end] = e[end] + shift
            out.append(moved)
    return out


def _join(edges: list[list[float]], horizontal: bool) -> list[list[float]]:
    """Collinear pieces joined where they overlap or nearly touch (pdfplumber's join_edge_group)."""
    lo, hi, size = (_X0, _X1, _W) if horizontal else (_TOP, _BOTTOM, _H)
    ordered = sorted(edges, key=lambda e: e[lo])
    joined = [ordered[0]]
    for e in ordered[1:]:
        last = joined[-1]
        if e[lo] <= last[hi] + JOIN:
            if e[hi] > last[hi]:
                grown = list(last)
                if horizontal:
                    grown[_W] = e[hi] - last[_X0]
                else:
                    grown[_H] = last[_H] + (e[hi] - last[hi])
                grown[hi] = e[hi]
                joined[-1] = grown
        else:
            joined.append(e)
    return joined


def merged_edges(edges: list[dict[str, Any]]) -> tuple[list[list[float]], list[list[float]]]:
    """(vertical, horizontal) ruling edges after filter, snap, join and filter (steps 1-4)."""

    def pick(orientation: str, dim: str) -> list[list[float]]:
        return [
            [e["x0"], e["top"], e["x1"], e["bottom"], e["width"], e["height"]]
            for e in edges
            if e["orientation"] == orientation and e[dim] >= MIN_PREFILTER
        ]

    v = _snap(pick("v", "height"), _X0, SNAP)
    h = _snap(pick("h", "width"), _TOP, SNAP)
    out_h = [
        e
        for _k, group in groupby(sorted(h, key=lambda e: e[_TOP]), key=lambda e: e[_TOP])
        for e in _join(list(group), True)
        if e[_W] >= MIN_LENGTH
    ]
    out_v = [
        e
        for _k, group in groupby(sorted(v, key=lambda e: e[_X0]), key=lambda e: e[_X0])
        for e in _join(list(group), False)
        if e[_H] >= MIN_LENGTH
    ]
    return out_v, out_h


def _vertices(
    v_edges: list[list[float]], h_edges: list[list[float]]
) -> dict[tuple[float, float], tuple[set[Bbox], set[Bbox]]]:
    """Vertex -> (boxes of the vertical edges through it, boxes of the horizontal ones)."""
    out: dict[tuple[float, float], tuple[set[Bbox], set[Bbox]]] = {}
    hs = sorted(h_edges, key=lambda e: (e[_TOP], e[_X0]))
    for v in sorted(v_edges, key=lambda e: (e[_X0], e[_TOP])):
        vx, vtop, vbottom = v[_X0], v[_TOP], v[_BOTTOM]
        vbox = (v[_X0], v[_TOP], v[_X1], v[_BOTTOM])
        for h in hs:
            ht = h[_TOP]
            if (
                vtop <= ht + INTERSECT
                and vbottom >= ht - INTERSECT
                and h[_X0] - INTERSECT <= vx <= h[_X1] + INTERSECT
            ):
                pair = out.get((vx, ht))
                if pair is None:
                    pair = out[(vx, ht)] = (set(), set())
                pair[0].add(vbox)
                pair[1].add((h[_X0], h[_TOP], h[_X1], h[_BOTTOM]))
    return out


def _cells(vertices: dict[tuple[float, float], tuple[set[Bbox], set[Bbox]]]) -> list[Bbox]:
    """The smallest cell whose top-left corner is each vertex (step 6), in vertex order."""
    points = sorted(vertices)
    column: dict[float, list[tuple[float, float]]] = {}
    row: dict[float, list[tuple[float, float]]] = {}
    for p in points:  # sorted by x then y: each column list is by y, each row list by x
        column.setdefault(p[0], []).append(p)
        row.setdefault(p[1], []).append(p)
    at_col = {p: i for ps in column.values() for i, p in enumerate(ps)}
    at_row = {p: i for ps in row.values() for i, p in enumerate(ps)}
    out: list[Bbox] = []
    for pt in points:
        below = column[pt[0]][at_col[pt] + 1 :]
        right = row[pt[1]][at_row[pt] + 1 :]
        if not below or not right:
            continue
        pv, ph = vertices[pt]
        joined: dict[float, bool] = {}  # x of a vertex to the right -> joined to this one
        found = None
        for b in below:
            bv, bh = vertices[b]
            if pv.isdisjoint(bv):
                continue
            by = b[1]
            for r in right:
                rx = r[0]
                ok = joined.get(rx)
                if ok is None:
                    ok = joined[rx] = not ph.isdisjoint(vertices[r][1])
                if not ok:
                    continue
                corner = vertices.get((rx, by))
                if (
                    corner is not None
                    and not corner[0].isdisjoint(vertices[r][0])
                    and not corner[1].isdisjoint(bh)
                ):
                    found = (pt[0], pt[1], rx, by)
                    break
            if found is not None:
                break
        if found is not None:
            out.append(found)
    return out


def _group(cells: list[Bbox]) -> list[list[Bbox]]:
    """Cells in tables: those sharing a corner with the table so far, in pdfplumber's order."""
    remaining = list(cells)
    corners: set[tuple[float, float]] = set()
    current: list[Bbox] = []
    tables: list[list[Bbox]] = []
    while remaining:
        before = len(current)
        kept: list[Bbox] = []
        for cell in remaining:
            x0, top, x1, bottom = cell
            mine = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
            if not current or any(c in corners for c in mine):
                corners.update(mine)
                current.append(cell)
            else:
                kept.append(cell)
        remaining = kept
        if len(current) == before:
            tables.append(current)
            corners = set()
            current = []
    if current:
        tables.append(current)
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def find_tables(edges: list[dict[str, Any]]) -> list[Table]:
    """The ruled tables drawn by ``edges`` (pdfplumber's edge dicts), top to bottom."""
    v_edges, h_edges = merged_edges(edges)
    return [Table(cells) for cells in _group(_cells(_vertices(v_edges, h_edges)))]
