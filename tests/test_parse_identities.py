"""The parser's identities are the registry's: compiled from ``pipeline.form.identities``, not
restated. Fills recover blanked cells of consistent records and never invent a value."""

from __future__ import annotations

import dataclasses
import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.form import identities as registry
from pipeline.parse import identities as ident
from pipeline.record import APPLICANT_COLUMNS, DISPOSITION_ROWS
from pipeline.synth.records import random_record


def test_compiled_sides_are_the_registry_declarations() -> None:
    cols = {i.rule_id: i for i in ident.rules("applications", "column", 2021)}
    assert set(cols) == {"t3_balance", "t3_disposition_sum"}
    assert set(cols["t3_balance"].plus) == {"new_received", "carried_over"}
    assert set(cols["t3_balance"].minus) == {"total_processed", "carried_forward"}
    assert set(cols["t3_disposition_sum"].minus) == set(DISPOSITION_ROWS[2021])
    # the 2019 edition prints （六）其他处理 as one row: its identity has that row, not three
    disp_2019 = next(
        i for i in ident.rules("applications", "column", 2019) if i.rule_id == "t3_disposition_sum"
    )
    assert set(disp_2019.minus) == set(DISPOSITION_ROWS[2019])
    (row,) = ident.rules("applications", "line")
    assert row.plus == (APPLICANT_COLUMNS.index("total"),) and sorted(row.minus) == list(range(6))
    (group,) = ident.rules("review_litigation", "line")
    assert group.plus == (4,) and group.minus == (0, 1, 2, 3)
    assert group.why == "from 维持 + 纠正 + 其他 + 尚未审结 = 总计"


def test_a_rule_added_to_the_registry_reaches_the_parser(monkeypatch) -> None:
    """Declare a (fictitious) per-column rule once: the parser's residuals see it, no parser edit."""
    extra = dataclasses.replace(
        registry.RULE["t3_balance"],
        rule_id="t3_test_only",
        expected=(registry.Term(line="new_received"),),
        observed=(registry.Term(line="total_processed"),),
        formula="一 = （七）",
    )
    rows = {code: [Decimal(0)] * 7 for code in registry.table_lines("applications", 2021)}
    rows["new_received"] = [Decimal(1), *[Decimal(0)] * 5, Decimal(1)]
    rows["carried_forward"] = list(rows["new_received"])  # 一 + 二 = （七） + 四 holds
    assert all(r == 0 for r in ident.column_residuals(rows, 2021))
    monkeypatch.setattr(registry, "RULES", (*registry.RULES, extra))
    ident.rules.cache_clear()
    try:
        assert sorted(ident.column_residuals(rows, 2021)).count(1) == 2  # 一 - （七） in columns 0 and 6
    finally:
        monkeypatch.undo()
        ident.rules.cache_clear()


def test_solve_line_fills_and_flags() -> None:
    solve = ident.solve_line
    assert solve("applications", (1, 2, 0, 0, 0, 0, None)) == ((1, 2, 0, 0, 0, 0, 3), 0)
    assert solve("applications", (1, None, 0, 0, 0, 0, 3)) == ((1, 2, 0, 0, 0, 0, 3), 0)
    assert solve("applications", (None, None, 0, 0, 0, 0, 0)) == ((0, 0, 0, 0, 0, 0, 0), 0)
    assert solve("applications", (5, None, 0, 0, 0, 0, 3)) == ((5, None, 0, 0, 0, 0, 3), 1)
    assert solve("applications", (1, 2, 0, 0, 0, 0, 4)) == ((1, 2, 0, 0, 0, 0, 4), 1)
    assert solve("applications", (None, None, 0, 0, 0, 0, 4)) == ((None, None, 0, 0, 0, 0, 4), 0)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), fmt=st.sampled_from([2019, 2021]), k=st.integers(1, 12))
def test_fills_recover_blanked_cells_of_consistent_records(seed: int, fmt: int, k: int) -> None:
    rng = random.Random(seed)
    truth = random_record(rng, fmt)["applications"]["rows"]
    rows = {code: [None if v is None else Decimal(str(v)) for v in vals] for code, vals in truth.items()}
    cells = [(code, c) for code in rows for c in range(7)]
    for code, c in rng.sample(cells, k):
        rows[code][c] = None
    for code, c, v, why in ident.fill_table3(rows, fmt):
        assert v == Decimal(str(truth[code][c])), (code, c, why)
        assert why.startswith("from ")
    # whatever was filled is right, and every identity still holds where it can be evaluated
    assert all(r == 0 for r in ident.column_residuals(rows, fmt))
    assert all(ident.row_residual(v) in (0, None) for v in rows.values())


def test_a_fill_that_would_break_another_identity_is_refused() -> None:
    truth = random_record(random.Random(7), 2021)["applications"]["rows"]
    rows = {code: [Decimal(str(v)) for v in vals] for code, vals in truth.items()}
    rows["granted"][0] = None
    rows["granted"][6] += 1  # a source error in the row's total: the row and column disagree
    filled = ident.fill_table3(rows, 2021)
    assert ("granted", 0) not in {(code, c) for code, c, _v, _w in filled}
    assert rows["granted"][0] is None


def test_table4_fill_and_residuals() -> None:
    values: list = [1, 2, 0, 0, None, 0, 0, 0, 0, 0, None, 1, 0, 0, 1]
    filled = ident.fill_table4(values)
    assert values[4] == 3 and values[10] == 0
    assert [i for i, _v, _w in filled] == [4, 10]
    assert ident.group_residuals(values) == [0, 0, 0]
