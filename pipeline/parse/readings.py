"""Every plausible way to read a run of number tokens as exactly ``n`` cells.

Extraction damages numeric rows in a few known ways: cells run together (``452001048``), one
number split in two (``1 2``), a cell lost (6 numbers for 7 columns), stray extra numbers.
``readings`` enumerates the readings that undo such damage, each with a cost (how much it
changed) and the notes a repair record needs. It does not choose: the table readers choose with
the accounting identities, so a reading is only picked because the form's own arithmetic says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import accumulate
from math import comb

from pipeline.extract.document import Line
from pipeline.parse.tokens import Tok, parse_number

MAX_READINGS = 400


@dataclass(frozen=True, slots=True)
class Costs:
    """What each repair of a reading costs: the last criterion when readings are compared, after
    identities broken, cells unknown and residual. One place, so the ranking can be read whole."""

    split_free: int = 1  # one cut in a digit run of free text ('452001048')
    split_in_cell: int = 3  # one cut inside a real grid cell, where run-together digits are unlikely
    join_space: int = 2  # two numbers joined: one number split by a space ('1 2' = 12)
    lost_cell: int = 2  # a cell taken as lost in extraction, per cell
    dropped: int = 3  # a stray number taken as an extra column (a non-official 小计)
    stray_window: int = 3  # a window of n numbers out of more; plus its distance from the middle
    positional_in_text: int = 1  # reading by column in tab text (a lost tab shifts cells)
    unread_row: int = 10  # a row whose numbers give no reading at all
    # table 三: where a row's lost cells most likely were. A row printed short with its cells'
    # places gone ('11 11', a lone '0') most likely kept its total and its natural persons (who
    # make most applications) and left the organisations' columns empty
    lost_total: int = 1
    lost_natural_person: int = 1


COSTS = Costs()
_NOWHERE = Line(text="", lineno=0, raw="")  # stand-in line of the cached pattern tokens


@dataclass(frozen=True, slots=True)
class Reading:
    values: tuple[Decimal | None, ...]
    sources: tuple[Tok | None, ...]
    cost: int
    notes: tuple[str, ...]
    gaps: tuple[int, ...] = ()  # positions of cells taken as lost in extraction
    dropped: tuple[int, ...] = ()  # positions of tokens taken as an extra column (e.g. 小计)
    prior: int = 0  # the last tie-break: how unlikely the reading's shape is (see table3)


def _splits(digits: str, k: int) -> list[list[str]]:
    """Ways to cut a digit string into k numbers with no leading zeros."""
    if k == 1:
        return [[digits]] if (digits == "0" or not digits.startswith("0")) else []
    out: list[list[str]] = []
    first_max = len(digits) - (k - 1)
    for i in range(1, first_max + 1):
        head = digits[:i]
        if len(head) > 1 and head.startswith("0"):
            break
        for rest in _splits(digits[i:], k - 1):
            out.append([head, *rest])
            if len(out) > MAX_READINGS:
                return out
    return out


_SPLITTABLE = re.compile(r"^([+\-]?)(\d+)(\.\d+)?(?:万元|元)?$")


MAX_SUM_SPLITS = 64


@lru_cache(maxsize=16384)
def sum_splits(digits: str, n: int, group: int, bounds: tuple[int, ...] = ()) -> list[tuple[int, ...]]:
    """Cuts of a digit string into ``n`` numbers (no leading zeros) in groups of ``group`` whose
    last number is the sum of the group's others. Enumerated lazily with pruning: the last total
    is a suffix of the string; every part is at most its group's total; a group's total is
    forced once its parts are chosen. ``bounds``: positions that must be cuts (spaces the source
    printed between digit runs). Returns [] when there is none (or the search is too big: then
    nothing is guessed)."""
    out: list[tuple[int, ...]] = []

    if len(digits) == n and n % group == 0:
        # one digit a cell: the only cut; it stands if the totals hold
        cells = tuple(int(d) for d in digits)
        ok = all(sum(cells[g : g + group - 1]) == cells[g + group - 1] for g in range(0, n, group))
        return [cells] if ok else []

    def crosses(a: int, b: int) -> bool:
        return bool(bounds) and any(a < x < b for x in bounds)

    budget = [50_000]  # nodes visited; a pathological run gives up rather than stall

    def last_group(pos: int, acc: list[int]) -> None:
        rest = digits[pos:]
        for lt in range(1, len(rest) - (group - 1) + 1):
            t = rest[len(rest) - lt :]
            if (len(t) > 1 and t[0] == "0") or crosses(len(digits) - lt, len(digits)):
                continue
            total = int(t)
            fill(pos, len(digits) - lt, group - 1, total, len(t), [], acc)
            if len(out) > MAX_SUM_SPLITS or budget[0] <= 0:
                return

    def fill(
        pos: int, stop: int, left: int, remaining: int, width: int, parts: list[int], acc: list[int]
    ) -> None:
        budget[0] -= 1
        if budget[0] <= 0 or len(out) > MAX_SUM_SPLITS:
            return
        if left == 1:
            piece = digits[pos:stop]
            if (
                piece
                and not (len(piece) > 1 and piece[0] == "0")
                and not crosses(pos, stop)
                and int(piece) == remaining
            ):
                out.append(tuple([*acc, *parts, remaining, sum(parts) + remaining]))
            return
        for end in range(pos + 1, min(stop - left + 1, pos + width) + 1):
            piece = digits[pos:end]
            if (len(piece) > 1 and piece[0] == "0") or crosses(pos, end):
                break
            v = int(piece)
            if v > remaining:
                break
            if stop - end > (left - 1) * width:
                continue
            fill(end, stop, left - 1, remaining - v, width, [*parts, v], acc)

    def first_groups(pos: int, groups_left: int, acc: list[int]) -> None:
        if groups_left == 1:
            last_group(pos, acc)
            return
        chosen: list[int] = []

        def parts(p: int, left: int) -> None:
            budget[0] -= 1
            if budget[0] <= 0 or len(out) > MAX_SUM_SPLITS:
                return
            if left == 0:
                t = str(sum(chosen))
                if digits.startswith(t, p) and not crosses(p, p + len(t)):
                    first_groups(p + len(t), groups_left - 1, [*acc, *chosen, int(t)])
                return
            widest = max((len(str(c)) for c in chosen), default=1)
            after = left - 1 + widest + (groups_left - 1) * group
            for end in range(p + 1, len(digits) - after + 1):
                piece = digits[p:end]
                if (len(piece) > 1 and piece[0] == "0") or crosses(p, end):
                    break
                chosen.append(int(piece))
                parts(end, left - 1)
                chosen.pop()

        parts(pos, group - 1)

    if n % group == 0 and len(digits) >= n:
        first_groups(0, n // group, [])
    return out if budget[0] > 0 else []


def _owner(toks: list[Tok], parts: tuple[int, ...]) -> list[Tok]:
    """The token each cut part came from (for provenance)."""
    out, k, used = [], 0, 0
    for p in parts:
        while k < len(toks) - 1 and used >= len(toks[k].text):
            k, used = k + 1, 0
        out.append(toks[k])
        used += len(str(p))
    return out


def _is_int_tok(t: Tok) -> bool:
    """A number token that may be several cells run together: digits, with a sign ('+50' is
    +5|0 in a 本年增/减 row) or a unit ('4126800元') allowed around them."""
    return t.kind == "num" and _SPLITTABLE.match(t.text) is not None


def _digits(t: Tok) -> tuple[str, str, str]:
    """(sign, integer digits, decimal part): a run's sign belongs to its first cell, its decimals
    to its last ('070167303.35' = 0 projects | 70167303.35 元)."""
    m = _SPLITTABLE.match(t.text)
    assert m is not None
    return m.group(1), m.group(2), m.group(3) or ""


def _value(s: str) -> int | Decimal:
    return Decimal(s) if "." in s else int(s)


def readings(toks: list[Tok], n: int, *, max_missing: int = 2, group: int = 0) -> list[Reading]:
    """Readings of ``toks`` (num and blank tokens, in order) as exactly ``n`` cells.

    A blank token is a cell that is empty in the source (None). Each repair costs what ``COSTS``
    says (a cut in free text less than one inside a real cell, a lost cell, a dropped number). ``group``: the cells fall in groups of that size whose last cell is the sum of
    the others (table 三's row total: 7; table 四's groups: 5); a whole row run together into one
    digit string is then cut only where those sums hold, however long the string.
    """
    toks = [t for t in toks if t.kind in ("num", "blank")]
    if len(toks) == n:
        # the common case: one token per cell. Re-cutting digits here would only ever "explain
        # away" a real inconsistency of the source, so the plain reading is the only one.
        return [Reading(tuple(t.value if t.kind == "num" else None for t in toks), tuple(toks), 0, ())]
    if group and len(toks) < n and all(t.kind == "num" and t.text.isdigit() and t.pos < 0 for t in toks):
        # digit runs that must be cut into n cells: cut only where the totals hold, however long
        digits = "".join(t.text for t in toks)
        bounds = tuple(accumulate(len(t.text) for t in toks[:-1]))
        cuts = sum_splits(digits, n, group, bounds) if len(digits) >= n else []
        if cuts:
            note = "the only cut" if len(cuts) == 1 else f"one of {len(cuts)} cuts"
            shown = " ".join(t.text for t in toks)
            return [
                Reading(
                    tuple(parts),
                    tuple(_owner(toks, parts)),
                    COSTS.split_free * (n - len(toks)),
                    (
                        f"digits {shown!r} read as {'|'.join(map(str, parts))} (cells run together; {note} "
                        f"that satisfies the totals)",
                    ),
                )
                for parts in cuts
            ]
        if group == n and len(toks) == 1 and len(digits) >= 2:
            # empty cells print nothing: the run holds fewer cells than the row, its total last
            short = _short_row_cuts(toks, digits, n)
            if short:
                return short
        if len(toks) == 1 and comb(len(digits) - 1, n - 1) > MAX_READINGS:
            return []  # a long run that no cut makes add up: unreadable, not guessed
    # damaged rows repeat (a lost column leaves '0 0 0 0 0 0' in row after row, report after
    # report): enumerate once per token pattern, then point the readings at these tokens
    sig = tuple((t.kind, t.text, t.cell, t.gap_before) for t in toks)
    out = []
    for vals, idx, cost, notes, gaps, dropped in _readings_of_pattern(sig, n, max_missing):
        out.append(Reading(vals, tuple(toks[i] if i >= 0 else None for i in idx), cost, notes, gaps, dropped))
    return out


def _short_row_cuts(toks: list[Tok], digits: str, n: int) -> list[Reading]:
    """A row run together whose empty cells printed nothing ('30111134' = 30|1|_|1|1|1|34): the
    most cells that still add up to the last, each placement of the lost cells a reading (the
    identities choose among them)."""
    from itertools import combinations

    for k in range(n - 1, 1, -1):
        cuts = sum_splits(digits, k, k)
        if not cuts:
            continue
        out = []
        for parts in cuts:
            for lost in combinations(range(n - 1), n - k):
                vals: list = list(parts[:-1])
                for p in lost:
                    vals.insert(p, None)
                vals.append(parts[-1])
                out.append(
                    Reading(
                        tuple(vals),
                        tuple(None if v is None else toks[0] for v in vals),
                        COSTS.split_free * (k - 1) + COSTS.lost_cell * (n - k),
                        (
                            f"digits {toks[0].text!r} read as {'|'.join(map(str, parts))} (cells run together, "
                            f"{n - k} empty cell(s) printed nothing; the cut satisfies the total)",
                        ),
                        lost,
                    )
                )
                if len(out) > MAX_READINGS:
                    return []
        return out
    return []


@lru_cache(maxsize=8192)
def _readings_of_pattern(sig: tuple, n: int, max_missing: int) -> tuple:
    proto = [
        Tok(kind, text, _NOWHERE, cell, parse_number(text)[0] if kind == "num" else None, None, gap)
        for kind, text, cell, gap in sig
    ]
    where = {id(t): i for i, t in enumerate(proto)}
    return tuple(
        (
            r.values,
            tuple(where[id(s)] if s is not None else -1 for s in r.sources),
            r.cost,
            r.notes,
            r.gaps,
            r.dropped,
        )
        for r in _readings(proto, n, max_missing=max_missing)
    )


def _readings(toks: list[Tok], n: int, *, max_missing: int = 2) -> list[Reading]:
    if len(toks) == n:
        return [Reading(tuple(t.value if t.kind == "num" else None for t in toks), tuple(toks), 0, ())]
    results: dict[tuple, Reading] = {}

    def emit(vals: list, srcs: list, cost: int, notes: list[str], gaps: tuple[int, ...] = ()) -> None:
        key = (tuple(vals), gaps)
        old = results.get(key)
        if old is None or cost < old.cost:
            results[key] = Reading(tuple(vals), tuple(srcs), cost, tuple(notes), gaps)

    def walk(i: int, vals: list, srcs: list, cost: int, notes: list[str]) -> None:
        if len(results) > MAX_READINGS or len(vals) > n or cost > 2 * n + 2:
            return
        if i == len(toks):
            if len(vals) == n:
                emit(vals, srcs, cost, notes)
            return
        t = toks[i]
        if t.kind == "blank":
            walk(i + 1, [*vals, None], [*srcs, t], cost, notes)
            return
        sign, digits, decimals = _digits(t) if _is_int_tok(t) else ("", "", "")
        if not (len(digits) > 1 and digits[0] == "0" and not t.cell):
            # in free text '00' is two cells run together, never a number with a leading zero
            walk(i + 1, [*vals, t.value], [*srcs, t], cost, notes)
        if len(digits) > 1:
            room = n - len(vals) - (len(toks) - i - 1)  # cells this token may stand for
            for k in range(2, min(len(digits), max(room, 0)) + 1):
                for parts in _splits(digits, k):
                    parts = [sign + parts[0], *parts[1:-1], parts[-1] + decimals]
                    walk(
                        i + 1,
                        [*vals, *(_value(p) for p in parts)],
                        [*srcs, *([t] * k)],
                        cost + (COSTS.split_in_cell if t.cell else COSTS.split_free) * (k - 1),
                        [*notes, f"digits {t.text!r} read as {'|'.join(parts)} (cells run together)"],
                    )
        if (
            i + 1 < len(toks)
            and t.kind == "num"
            and t.text.isdigit()
            and toks[i + 1].kind == "num"
            and toks[i + 1].text.isdigit()
            and toks[i + 1].gap_before == " "
            and toks[i + 1].line is t.line
            and not t.text.startswith("0")
        ):
            joined = t.text + toks[i + 1].text
            walk(
                i + 2,
                [*vals, int(joined)],
                [*srcs, t],
                cost + COSTS.join_space,
                [
                    *notes,
                    f"numbers {t.text!r} {toks[i + 1].text!r} read as one number {joined} (split by a space)",
                ],
            )

    walk(0, [], [], 0, [])
    count = len(toks)
    if count < n and max_missing:
        # lost cells: insert a gap anywhere (the identities will say where, and may fill it)
        for missing in range(1, max_missing + 1):
            if count + missing > n:
                break
            if count + missing < n:
                continue
            for base in _readings(toks, n - missing, max_missing=0):
                if base.cost:
                    continue  # a lost cell on top of re-cut digits is too much guessing
                for pos in _positions(n, missing):
                    vals = list(base.values)
                    srcs = list(base.sources)
                    for p in pos:
                        vals.insert(p, None)
                        srcs.insert(p, None)
                    emit(
                        vals,
                        srcs,
                        base.cost + COSTS.lost_cell * missing,
                        [*base.notes, f"{missing} cell(s) lost in extraction"],
                        pos,
                    )
    if count == n + 1:
        # one number too many: an extra column (a non-official 小计) or a stray number
        for p in range(count):
            rest = toks[:p] + toks[p + 1 :]
            results.setdefault(
                (tuple(t.value if t.kind == "num" else None for t in rest), ("drop", p)),
                Reading(
                    tuple(t.value if t.kind == "num" else None for t in rest),
                    tuple(rest),
                    COSTS.dropped,
                    (f"an extra number {toks[p].text!r} (column {p + 1} of {count}) ignored",),
                    (),
                    (p,),
                ),
            )
    if not results and count > n:
        nums = toks
        for start in range(0, count - n + 1):
            window = nums[start : start + n]
            emit(
                [t.value if t.kind == "num" else None for t in window],
                window,
                COSTS.stray_window + min(start, count - n - start),
                [f"{count - n} stray number(s) ignored ({count} numbers for {n} cells)"],
            )
    return sorted(results.values(), key=lambda r: r.cost)


def _positions(n: int, missing: int) -> list[tuple[int, ...]]:
    from itertools import combinations

    return list(combinations(range(n), missing))
