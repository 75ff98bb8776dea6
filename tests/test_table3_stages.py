"""Table 三's stages one at a time: edition, candidate readings, choice, ties, narration."""

from __future__ import annotations

from pipeline.extract.document import Line
from pipeline.parse import table3 as t3
from pipeline.parse.readings import COSTS
from pipeline.parse.tokens import tokenize_line
from pipeline.record import APPLICATION_ROWS, DISPOSITION_ROWS


def _nums(rows: dict[str, str]) -> dict[str, list]:
    """row -> number tokens of a printed line of cells."""
    out = {}
    for n, (code, text) in enumerate(rows.items(), 1):
        out[code] = [t for t in tokenize_line(Line(text=text, lineno=n, raw=text)) if t.kind == "num"]
    return out


def _wanted(fmt: int) -> list[str]:
    return [c for c in APPLICATION_ROWS if c in DISPOSITION_ROWS[fmt] or c not in DISPOSITION_ROWS[2021]]


def _consistent(fmt: int, run_together: str | None = None) -> dict[str, str]:
    """A table where 10 applications came in from natural persons and all were granted."""
    rows = {code: "0 0 0 0 0 0 0" for code in _wanted(fmt)}
    for code in ("new_received", "granted", "total_processed"):
        rows[code] = "10 0 0 0 0 0 10"
    if run_together:
        rows[run_together] = "100000010"  # the same row, its cells run together
    return rows


def test_edition_from_the_other_rows() -> None:
    assert t3._edition(_nums({"other_no_fee": "0 0 0 0 0 0 0"}), 2019) == 2021
    assert t3._edition(_nums({"other_other": "1 0 0 0 0 0 1"}), 2021) == 2019
    assert t3._edition({}, 2021) == 2021  # nothing to tell: the caller's guess


def test_candidates_plain_rows_have_one_reading_and_missing_rows_are_named() -> None:
    rows = _consistent(2021)
    del rows["carried_over"]
    cands, missing, problems = t3._candidates(_nums(rows), _wanted(2021), grid_source=False)
    assert missing == ["carried_over"] and problems == []
    assert [len(cands[c]) for c in ("new_received", "granted")] == [1, 1]
    assert cands["carried_over"][0][2].cost == COSTS.unread_row
    vals, broken, reading = cands["granted"][0]
    assert vals == (10, 0, 0, 0, 0, 0, 10) and broken == 0 and reading.cost == 0


def test_candidates_of_a_run_together_row_are_the_cuts_where_the_total_holds() -> None:
    cands, _missing, _problems = t3._candidates(
        _nums(_consistent(2021, run_together="granted")), _wanted(2021), grid_source=False
    )
    readings = {vals for vals, broken, _r in cands["granted"] if not broken}
    assert (10, 0, 0, 0, 0, 0, 10) in readings
    assert all(sum(v[:6]) == v[6] for v in readings)


def test_choose_takes_the_reading_the_column_identities_prefer() -> None:
    cands, _m, _p = t3._candidates(_nums(_consistent(2021, "granted")), _wanted(2021), grid_source=False)
    ev, optima, _locked = t3._choose(cands, 2021)
    chosen = cands["granted"][ev.choice["granted"]][0]
    assert chosen == (10, 0, 0, 0, 0, 0, 10)
    assert ev.objective()[0] == 0  # no identity broken


def test_ties_leave_the_disputed_cells_null() -> None:
    """Two readings of 'granted' that the identities cannot tell apart: only the cells they
    disagree on become null, and they are frozen against fills."""
    rows = _consistent(2021)
    rows["granted"] = "10 0 0 0 0 0 10"
    cands, _m, _p = t3._candidates(_nums(rows), _wanted(2021), grid_source=False)
    alt = ((0, 10, 0, 0, 0, 0, 10), 0, cands["granted"][0][2])
    cands["granted"].append(alt)
    ev = t3._Choice(cands, 2021)
    optima = [dict(ev.choice), {**ev.choice, "granted": 1}]
    table, frozen, disputed = t3._resolve_ties(cands, ev, optima, set())
    assert table["granted"] == [None, None, 0, 0, 0, 0, 10]
    assert frozen == {("granted", 0), ("granted", 1)} and disputed == {"granted": 2}


def test_narration_names_unfound_rows_and_settled_ties() -> None:
    out = t3.Table3()
    full = {code: [0] * 7 for code in _wanted(2021)}
    gap = {**full, "carried_over": [None] * 7}
    t3._narrate_gaps(gap, {}, ["carried_over"], out)
    assert out.problems == ["table 三 row carried_over not found"]
    out = t3.Table3()
    t3._narrate_gaps(full, {"granted": 2}, ["carried_over"], out)
    assert out.problems == []
    assert [r["why"] for r in out.repairs] == [
        "2 readings fit equally well; the identities settled the cells",
        "row label not found; every cell follows from the identities",
    ]
