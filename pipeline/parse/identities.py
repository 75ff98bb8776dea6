"""The form's accounting identities, as the parser uses them: to choose readings and fill gaps.

Table 三, per applicant column c:  new_received + carried_over = total_processed + carried_forward
                                   total_processed = sum of the disposition rows of the format
Table 三, per row:                 total = sum of the six applicant columns
Table 四, per group:               upheld + corrected + other + pending = total

Cells are ``Decimal | None`` (None = unknown). A residual is None when a cell it needs is unknown.
"""

from __future__ import annotations

from decimal import Decimal

from pipeline.record import DISPOSITION_ROWS

Rows = dict[str, list[Decimal | None]]


def sum_eq_residual(total: Decimal | None, parts: list[Decimal | None]) -> Decimal | None:
    """total - sum(parts), or None when any cell is unknown."""
    if total is None or any(p is None for p in parts):
        return None
    return total - sum(parts, 0)  # type: ignore[arg-type]


def row_residual(values: tuple | list) -> Decimal | None:
    return sum_eq_residual(values[6], list(values[:6]))


def _get(rows: Rows, code: str, c: int) -> Decimal | None:
    v = rows.get(code)
    return None if v is None else v[c]


def column_residuals(rows: Rows, fmt: int) -> list[Decimal]:
    """Known residuals of the two column identities, for every applicant column."""
    out: list[Decimal] = []
    disp = DISPOSITION_ROWS[fmt]
    for c in range(7):
        a = [_get(rows, "new_received", c), _get(rows, "carried_over", c)]
        b = [_get(rows, "total_processed", c), _get(rows, "carried_forward", c)]
        if None not in a and None not in b:
            out.append(a[0] + a[1] - b[0] - b[1])  # type: ignore[operator]
        r = sum_eq_residual(_get(rows, "total_processed", c), [_get(rows, d, c) for d in disp])
        if r is not None:
            out.append(r)
    return out


def _solve(total: Decimal | None, parts: list[Decimal | None]) -> tuple[str, int, Decimal] | None:
    """One deduction from total = sum(parts): ('total', -1, v) or ('part', i, v) or zero-forcing."""
    unknown = [i for i, p in enumerate(parts) if p is None]
    known = sum((p for p in parts if p is not None), 0)
    if total is None:
        if not unknown:
            return ("total", -1, known)
        return None
    if not unknown:
        return None
    if len(unknown) == 1 and total - known >= 0:
        return ("part", unknown[0], total - known)
    if total == known:  # counts are non-negative: every unknown part must be 0
        return ("zero", unknown[0], 0)
    return None


def fill_table3(
    rows: Rows, fmt: int, frozen: set[tuple[str, int]] | None = None
) -> list[tuple[str, int, Decimal, str]]:
    """Fill unknown cells that the identities determine uniquely. Returns (row, col, value, why).

    ``frozen`` cells stay unknown: cells two readings of the printed numbers disagree on. Filling
    them from the identities would replace a printed number with one that merely balances."""
    filled: list[tuple[str, int, Decimal, str]] = []
    disp = DISPOSITION_ROWS[fmt]
    for code in ["new_received", "carried_over", "total_processed", "carried_forward", *disp]:
        rows.setdefault(code, [None] * 7)

    if not any(None in vals for vals in rows.values()):
        return filled  # the common case: every cell was read
    blocked: set[tuple[str, int]] = set(frozen or ())
    balance = ("new_received", "carried_over", "total_processed", "carried_forward")

    def consistent(code: str, c: int) -> bool:
        """No identity through (code, c) that is now fully known is broken."""
        if (r := row_residual(rows[code])) is not None and r != 0:
            return False
        if code in balance:
            a, b, t, f = (rows[k][c] for k in balance)
            if None not in (a, b, t, f) and a + b != t + f:
                return False
        if code in disp or code == "total_processed":
            r = sum_eq_residual(rows["total_processed"][c], [rows[d][c] for d in disp])
            if r is not None and r != 0:
                return False
        return True

    def put(code: str, c: int, v: Decimal, why: str) -> bool:
        """Fill a cell unless that would break another identity (then the source is inconsistent
        there and the cell stays unknown rather than absorbing the error)."""
        if (code, c) in blocked:
            return False
        rows[code][c] = v
        if not consistent(code, c):
            rows[code][c] = None
            blocked.add((code, c))
            return False
        filled.append((code, c, v, why))
        return True

    changed = True
    while changed:
        changed = False
        for code, vals in rows.items():  # row identity
            s = _solve(vals[6], list(vals[:6]))
            if s:
                kind, i, v = s
                if kind == "total":
                    changed |= put(code, 6, v, "total = sum of the six applicant columns")
                else:
                    changed |= put(
                        code, i, v, "from the row identity: total = sum of the six applicant columns"
                    )
        for c in range(7):  # disposition sum
            s = _solve(rows["total_processed"][c], [rows[d][c] for d in disp])
            if s:
                kind, i, v = s
                if kind == "total":
                    changed |= put("total_processed", c, v, "（七）总计 = sum of the disposition rows")
                else:
                    changed |= put(disp[i], c, v, "from （七）总计 = sum of the disposition rows")
            # 一 + 二 = （七） + 四: when one side is known, solve the other (one unknown, or
            # zero-forcing when the known part already makes up the total)
            left, right = ("new_received", "carried_over"), ("total_processed", "carried_forward")
            why = "from 一 + 二 = （七）总计 + 四"
            for known_side, other in ((left, right), (right, left)):
                kv = [rows[k][c] for k in known_side]
                ov = [rows[k][c] for k in other]
                if None in kv or None not in ov:
                    continue
                s = _solve(kv[0] + kv[1], ov)
                if s:
                    _kind, i, v = s
                    changed |= put(other[i], c, v, why)
            a, b = rows["new_received"][c], rows["carried_over"][c]
            if a is not None and b is not None and a + b == 0:
                # nothing came in for this column: everything in it is 0
                for code in ["total_processed", "carried_forward", *disp]:
                    if rows[code][c] is None:
                        changed |= put(code, c, 0, "column has 一 + 二 = 0, so every count in it is 0")
    return filled


def group_residuals(values: list[Decimal | None]) -> list[Decimal]:
    """Table 四: known residuals of the three group identities (15 cells)."""
    out = []
    for g in range(3):
        r = sum_eq_residual(values[g * 5 + 4], values[g * 5 : g * 5 + 4])
        if r is not None:
            out.append(r)
    return out


def fill_table4(values: list[Decimal | None]) -> list[tuple[int, Decimal, str]]:
    filled = []
    for g in range(3):
        while True:
            s = _solve(values[g * 5 + 4], values[g * 5 : g * 5 + 4])
            if not s:
                break
            kind, i, v = s
            idx = g * 5 + 4 if kind == "total" else g * 5 + i
            values[idx] = v
            filled.append((idx, v, "from 维持 + 纠正 + 其他 + 尚未审结 = 总计"))
    return filled
