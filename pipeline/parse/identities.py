"""The form's accounting identities as the parser uses them: to choose readings and fill gaps.

Nothing here states an identity: every equation is compiled from the rule registry
(``pipeline.form.identities``), the same declarations the SQL check frames, the GX suites and the
renderers come from. What this module adds is how a parser *uses* an equation over counts:

- its residual (is a reading consistent?);
- deduction: one unknown cell is the difference of the sides; several unknown cells on a side whose
  known cells already make up the other side are all 0 (counts are non-negative);
- a fill is refused when it would break another identity through that cell, so a source error
  stays visible instead of being absorbed by a filled cell.

Only the identities within one report of tables 三 and 四 take part (cross-year rules need last
year's report; table 二's stock-flow rule concerns a count the parser reads, never fills).

Cells are ``Decimal | int | None`` (None = unknown). A residual is None when a cell it needs is
unknown. Table 三 rows are lists of the 7 applicant columns in record order; table 四 is the flat
list of 15 cells, group by group.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from pipeline.form import identities as registry

Rows = dict[str, list[Decimal | None]]
Value = Decimal | int | None

T3 = "applications"
T4 = "review_litigation"


@dataclass(frozen=True)
class Identity:
    """One registry rule, as index sides: ``sum(plus) = sum(minus)``.

    On a per-line rule (a row's total) the sides are column indexes; on a per-column rule they are
    the line codes the edition prints. A term with sign -1 is moved to the other side."""

    rule_id: str
    plus: tuple
    minus: tuple
    why: str  # what a fill cites

    def sides(self, get: Callable[[Hashable], Value]) -> tuple[list, list, Value, Value]:
        """(unknown plus terms, unknown minus terms, known plus sum, known minus sum)."""
        up, um, kp, km = [], [], 0, 0
        for t in self.plus:
            v = get(t)
            if v is None:
                up.append(t)
            else:
                kp += v
        for t in self.minus:
            v = get(t)
            if v is None:
                um.append(t)
            else:
                km += v
        return up, um, kp, km


def _compile(rule: registry.Rule, edition: int) -> Identity:
    table = rule.table or ""
    if rule.over == "line":
        order = registry.table_columns(table)
        key = [t.column for t in (*rule.expected, *rule.observed)]
        index: Callable[[str], object] = order.index
    else:
        printed = set(registry.table_lines(table, edition))
        key = [t.line for t in (*rule.expected, *rule.observed)]
        index = str
    plus: list = []
    minus: list = []
    terms = [(t, 1) for t in rule.expected] + [(t, -1) for t in rule.observed]
    for (t, side), name in zip(terms, key, strict=True):
        if rule.over != "line" and name not in printed:
            continue  # a row this edition does not print
        (plus if side * t.sign > 0 else minus).append(index(name or ""))
    return Identity(rule.rule_id, tuple(plus), tuple(minus), f"from {rule.formula or rule.description}")


@cache
def rules(table: str, over: str, edition: int = 2021) -> tuple[Identity, ...]:
    """The registry's identities within one report of ``table`` for the edition, compiled."""
    return tuple(
        _compile(r, edition)
        for r in registry.RULES
        if r.table == table and r.over == over and not r.cross_year and edition in r.editions
    )


def residual(identity: Identity, get: Callable[[Hashable], Value]) -> Value:
    """sum(plus) - sum(minus), or None when a cell is unknown."""
    up, um, kp, km = identity.sides(get)
    if up or um:
        return None
    return kp - km


def deduce(identity: Identity, get: Callable[[Hashable], Value]) -> list[tuple[Hashable, Value]]:
    """Cells the identity determines (see ``_settle``)."""
    return _settle(*identity.sides(get))


def _settle(up: list, um: list, kp: Value, km: Value) -> list[tuple[Any, Value]]:
    """What an equation's sides determine, given its unknown terms and known sums: one unknown is
    the difference of the sides (when that is a count, i.e. not negative); several unknowns on a
    side whose known part already equals the other side are all 0. Nothing when both sides have
    unknowns."""
    if (up and um) or not (up or um):
        return []
    unknown, own, other = (up, kp, km) if up else (um, km, kp)
    if len(unknown) == 1:
        v = other - own  # type: ignore[operator]
        return [(unknown[0], v)] if v >= 0 else []
    if own == other:
        return [(t, 0) for t in unknown]
    return []


# ----------------------------------------------------------------------------- one line (row)
@lru_cache(maxsize=16384)
def solve_line(table: str, vals: tuple) -> tuple[tuple, int]:
    """A line's cells with what its own identities determine filled, and whether one is broken
    (0/1). Memoised: it runs for every candidate reading of every row, and the same rows (all
    zeros, one cell lost) recur across a batch."""
    cells = list(vals)
    broken = 0
    for ident in rules(table, "line"):
        get = cells.__getitem__
        up, um, kp, km = ident.sides(get)
        if not (up or um):
            broken |= kp != km
            continue
        fills = deduce(ident, get)
        if fills:
            for i, v in fills:
                cells[i] = v  # type: ignore[index]
        elif not (up and um):
            # unknowns on one side only, and no count fills them: the known cells overshoot
            own, other = (kp, km) if up else (km, kp)
            broken |= own > other or len(up or um) == 1
    return tuple(cells), int(broken)


def row_residual(values: Sequence[Value]) -> Value:
    """Table 三: the row identity's residual (total - the six applicant columns)."""
    get = list(values).__getitem__
    for ident in rules(T3, "line"):
        return residual(ident, get)
    return None


def column_residuals(rows: Rows, fmt: int) -> list[Value]:
    """Known residuals of table 三's column identities, for every applicant column."""
    out: list[Value] = []
    for c in range(len(registry.table_columns(T3))):

        def get(code: Hashable, c: int = c) -> Value:
            v = rows.get(code)  # type: ignore[call-overload]
            return None if v is None else v[c]

        for ident in rules(T3, "column", fmt):
            r = residual(ident, get)
            if r is not None:
                out.append(r)
    return out


# ----------------------------------------------------------------------------- fills
Cell = tuple[Hashable, int]  # (line, column) of a grid: table 三's (row code, column)


@dataclass(frozen=True)
class Equation:
    """One identity over concrete cells: sum(plus) = sum(minus)."""

    plus: tuple[Cell, ...]
    minus: tuple[Cell, ...]
    why: str


def _sides(eq: Equation, grid: dict) -> tuple[list[Cell], list[Cell], Value, Value]:
    """``Identity.sides`` on concrete cells of ``grid`` (line -> list of values)."""
    up, kp = _unknown_and_sum(eq.plus, grid)
    um, km = _unknown_and_sum(eq.minus, grid)
    return up, um, kp, km


def _unknown_and_sum(cells: tuple[Cell, ...], grid: dict) -> tuple[list[Cell], Value]:
    """The cells of one side that are unknown, and the sum of the known ones."""
    unknown: list[Cell] = []
    known: Value = 0
    for c in cells:
        v = grid[c[0]][c[1]]
        if v is None:
            unknown.append(c)
        else:
            known += v
    return unknown, known


def _holds(eq: Equation, grid: dict) -> bool:
    """The equation holds or cannot be evaluated (a cell is unknown)."""
    up, um, kp, km = _sides(eq, grid)
    return bool(up or um) or kp == km


def _fill(
    equations: tuple[Equation, ...],
    through: dict[Cell, tuple[int, ...]],
    grid: dict,
    frozen: set | None = None,
) -> list[tuple[Cell, Value, str]]:
    """Fill unknown cells the equations determine, until nothing changes. A fill that would
    break another identity through the cell is refused: the source is inconsistent there and the
    cell stays unknown rather than absorbing the error. ``frozen`` cells stay unknown."""
    blocked: set = set(frozen or ())
    filled: list[tuple[Cell, Value, str]] = []
    changed = True
    while changed:
        changed = False
        for eq in equations:
            for c, v in _settle(*_sides(eq, grid)):
                line, col = c
                if c in blocked or grid[line][col] is not None:
                    continue
                grid[line][col] = v
                if not all(_holds(equations[k], grid) for k in through.get(c, ())):
                    grid[line][col] = None
                    blocked.add(c)
                    continue
                filled.append((c, v, eq.why))
                changed = True
    return filled


def _index(equations: list[Equation]) -> tuple[tuple[Equation, ...], dict[Cell, tuple[int, ...]]]:
    through: dict[Cell, list[int]] = {}
    for k, eq in enumerate(equations):
        for c in (*eq.plus, *eq.minus):
            through.setdefault(c, []).append(k)
    return tuple(equations), {c: tuple(ks) for c, ks in through.items()}


@lru_cache(maxsize=64)
def _t3_equations(fmt: int, lines: tuple[str, ...]) -> tuple[tuple[Equation, ...], dict]:
    """Table 三's identities over the cells of ``lines``: each row's, then each column's."""
    out: list[Equation] = []
    for ident in rules(T3, "line"):
        out += [
            Equation(tuple((code, i) for i in ident.plus), tuple((code, i) for i in ident.minus), ident.why)
            for code in lines
        ]
    for c in range(len(registry.table_columns(T3))):
        out += [
            Equation(tuple((r, c) for r in ident.plus), tuple((r, c) for r in ident.minus), ident.why)
            for ident in rules(T3, "column", fmt)
        ]
    return _index(out)


def fill_table3(
    rows: Rows, fmt: int, frozen: set[tuple[str, int]] | None = None
) -> list[tuple[str, int, Value, str]]:
    """Fill unknown table 三 cells that the identities determine. Returns (row, col, value, why).

    ``frozen`` cells stay unknown: cells two readings of the printed numbers disagree on. Filling
    them from the identities would replace a printed number with one that merely balances."""
    columns = range(len(registry.table_columns(T3)))
    for code in registry.table_lines(T3, fmt):
        rows.setdefault(code, [None] * len(columns))
    if not any(None in vals for vals in rows.values()):
        return []  # the common case: every cell was read
    equations, through = _t3_equations(fmt, tuple(rows))
    filled = _fill(equations, through, rows, frozen)
    return [(code, c, v, why) for (code, c), v, why in filled]  # type: ignore[misc]


def _t4_width() -> int:
    return len(registry.table_columns(T4))


def group_residuals(values: Sequence[Value]) -> list[Value]:
    """Table 四: known residuals of the group identities (15 cells, group by group)."""
    w, out = _t4_width(), []
    for g in range(len(registry.table_lines(T4, 2021))):
        get = values[g * w : g * w + w].__getitem__
        for ident in rules(T4, "line"):
            r = residual(ident, get)
            if r is not None:
                out.append(r)
    return out


def fill_table4(values: list[Value]) -> list[tuple[int, Value, str]]:
    """Fill unknown table 四 cells the group identities determine. Returns (index, value, why)."""
    equations, through = _t4_equations()
    filled = _fill(equations, through, {0: values})
    return [(c[1], v, why) for c, v, why in filled]


@cache
def _t4_equations() -> tuple[tuple[Equation, ...], dict]:
    """Table 四's group identities over its 15 cells (one grid line, group by group)."""
    w = _t4_width()
    return _index(
        [
            Equation(
                tuple((0, g * w + i) for i in ident.plus),
                tuple((0, g * w + i) for i in ident.minus),
                ident.why,
            )
            for g in range(len(registry.table_lines(T4, 2021)))
            for ident in rules(T4, "line")
        ]
    )
