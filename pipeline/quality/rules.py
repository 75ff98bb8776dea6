"""The accounting identities as pure functions over report records (no GX, no DuckDB, no I/O).

``ogi check`` and the tests call these; the warehouse path states the same rules as GX suites over
check frames (``expectations/``, ``sql/checks/``) and ``tests/test_quality_gx.py`` asserts the
two give equal findings. A record is read the way ``pipeline.load.flatten`` stores it — table 三
only the rows of the report's form, table 四 only groups with a value — so both paths look at the
same cells. Rule ids, severities and wording come from the suites (``catalog.py``).

An identity is checked only when every cell it involves holds a value: a blank cell is "not read",
never silently 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from pipeline.quality import catalog
from pipeline.quality.findings import (
    FEE_MAX_10K_YUAN,
    FIRST_YEAR,
    KNOWN_FORMATS,
    PRIOR,
    Finding,
    as_value,
    canonical_cells,
    finding_kind,
    message,
)
from pipeline.quality.view import View, is_report, view
from pipeline.record import (
    APPLICANT_COLUMNS,
    MONEY_MEASURES,
    PROACTIVE_ITEMS,
    RL_COLUMNS,
    SIGNED_MEASURES,
    as_count,
)

__all__ = ["all_findings", "cross_year_by_record", "cross_year_findings", "findings_for_record", "is_report"]

_FLOWS = ("new_received", "carried_over", "total_processed", "carried_forward")
_KNOWN_T2 = {(i, m) for f in KNOWN_FORMATS for i, (_, ms) in PROACTIVE_ITEMS[f].items() for m in ms}
_ONLY_2019_ITEMS = ("other_external_service", "government_procurement")


class _Out:
    """Collects findings for one report, filling what every finding of it shares."""

    def __init__(self, v: View) -> None:
        self.v = v
        self.items: list[Finding] = []

    def add(
        self,
        rule_id: str,
        cells: Iterable[str],
        column_code: str | None = None,
        expected: float | None = None,
        observed: float | None = None,
        prior_wheres: set[str] | None = None,
    ) -> None:
        rule = catalog.rule(rule_id)
        cs = canonical_cells(cells)
        wheres = self.v.wheres | (prior_wheres or set())
        year = self.v.year if isinstance(self.v.year, int) else None
        self.items.append(
            Finding(
                report_id=self.v.report_id,
                agency_id=self.v.agency_id,
                agency_name=self.v.agency_name,
                year=year,
                rule_id=rule_id,
                severity=rule.severity,
                kind=finding_kind(cs, wheres, rule.blocking),
                cells=cs,
                column_code=column_code,
                expected=None if expected is None else float(expected),
                observed=None if observed is None else float(observed),
                message=message(rule_id, cs, column_code, year, expected, observed),
            )
        )


def _sum(values: Iterable[int | None]) -> int | None:
    """Sum of counts, None when there is none or one is blank."""
    vals = list(values)
    if not vals or any(x is None for x in vals):
        return None
    return sum(vals)  # type: ignore[arg-type]


def _t3_columns(v: View) -> list[str]:
    return list(dict.fromkeys(c for cols in v.t3.values() for c in cols))


# ----------------------------------------------------------------------------- hard identities


def _t3_balance(v: View, out: _Out) -> None:
    if not all(r in v.t3 for r in _FLOWS):
        return
    for col in _t3_columns(v):
        if not all(col in v.t3[r] for r in _FLOWS):
            continue
        c = {r: as_count(v.t3[r][col]) for r in _FLOWS}
        lhs = _sum([c["new_received"], c["carried_over"]])
        rhs = _sum([c["total_processed"], c["carried_forward"]])
        if lhs is not None and rhs is not None and lhs != rhs:
            out.add("t3_balance", [f"applications.{r}.{col}" for r in _FLOWS], col, lhs, rhs)


def _t3_disposition_sum(v: View, out: _Out) -> None:
    rows = [r for r in v.t3 if r not in _FLOWS]
    for col in _t3_columns(v):
        total = as_count(v.t3.get("total_processed", {}).get(col))
        present = [r for r in rows if col in v.t3[r]]
        observed = _sum(as_count(v.t3[r][col]) for r in present)
        if total is not None and observed is not None and total != observed:
            cells = [f"applications.{r}.{col}" for r in [*present, "total_processed"]]
            out.add("t3_disposition_sum", cells, col, total, observed)


def _t3_row_total(v: View, out: _Out) -> None:
    for row, cols in v.t3.items():
        cells = [f"applications.{row}.{c}" for c in cols]
        if len(cols) != len(APPLICANT_COLUMNS):
            out.add("column_count", cells, None, len(APPLICANT_COLUMNS), len(cols))
        total = as_count(cols.get("total"))
        observed = _sum(as_count(x) for c, x in cols.items() if c != "total")
        if total is not None and observed is not None and total != observed:
            out.add("t3_row_total", cells, "total", total, observed)


def _t4_group_total(v: View, out: _Out) -> None:
    for group, cols in v.t4.items():
        cells = [f"review_litigation.{group}.{c}" for c in cols]
        if len(cols) != len(RL_COLUMNS):
            out.add("column_count", cells, None, len(RL_COLUMNS), len(cols))
        total = as_count(cols.get("total"))
        observed = _sum(as_count(x) for c, x in cols.items() if c != "total")
        if total is not None and observed is not None and total != observed:
            out.add("t4_group_total", cells, "total", total, observed)


def _nonnegative_integer(v: View, out: _Out) -> None:
    for table, _line, col, path, raw in v.cells():
        if raw is None:
            continue
        x = as_value(raw)
        measure = col if table == "proactive" else None
        signed = measure in SIGNED_MEASURES
        money = measure in MONEY_MEASURES
        bad = x is None or (not signed and x < 0) or (not money and not float(x).is_integer())
        if bad:
            out.add("nonnegative_integer", [path], col, None, x)


def _report_identity(v: View, out: _Out) -> None:
    if not (isinstance(v.agency_name, str) and v.agency_name.strip()):
        out.add("report_identity", ["agency.name"])
    year = v.year
    if not (isinstance(year, int) and FIRST_YEAR <= year <= date.today().year):
        out.add("report_identity", ["year"], None, None, as_value(year))
    if v.fmt not in KNOWN_FORMATS:
        out.add("report_identity", ["format_version"], None, None, as_value(v.fmt))


# ----------------------------------------------------------------------------- structural


def _unknown_code(v: View, out: _Out) -> None:
    for row in v.t3_unknown_rows:
        out.add("unknown_code", [f"applications.{row}"])
    for table, line, col, path, raw in v.cells():
        if table == "applications":
            known = col in APPLICANT_COLUMNS
            observed = as_count(raw)
        elif table == "review_litigation":
            known = col in RL_COLUMNS
            observed = as_count(raw)
        else:
            known = (line, col) in _KNOWN_T2
            observed = as_value(raw)
        if not known:
            out.add("unknown_code", [path], col, None, observed)


def _lost_table(v: View, out: _Out) -> None:
    if v.status != "ok":
        return
    counts = {"proactive": 0, "applications": 0, "review_litigation": 0}
    for table, _line, _col, _path, raw in v.cells():
        value = as_value(raw) if table == "proactive" else as_count(raw)
        counts[table] += value is not None
    for table, n in counts.items():
        if n == 0:
            out.add("lost_table", [table], None, None, 0)


# ----------------------------------------------------------------------------- soft rules


def _narrative_applications(v: View, out: _Out) -> None:
    said = as_count(v.narrative_applications)
    table = as_count(v.t3.get("new_received", {}).get("total"))
    if "total" in v.t3.get("new_received", {}) and said is not None and table is not None and said != table:
        cells = ["narrative.applications_received", "applications.new_received.total"]
        out.add("narrative_applications", cells, "total", table, said)


def _no_2019_rows_in_2021(v: View, out: _Out) -> None:
    if v.fmt != 2021:
        return
    for item in _ONLY_2019_ITEMS:
        for measure, raw in (v.t2.get(item) or {}).items():
            x = as_value(raw)
            if x is not None:
                out.add("no_2019_rows_in_2021", [f"proactive.{item}.{measure}"], measure, None, x)


def _fee_unit_plausible(v: View, out: _Out) -> None:
    x = as_value((v.t2.get("administrative_fee") or {}).get("amount_10k_yuan"))
    if x is not None and x > FEE_MAX_10K_YUAN:
        cells = ["proactive.administrative_fee.amount_10k_yuan"]
        out.add("fee_unit_plausible", cells, "amount_10k_yuan", FEE_MAX_10K_YUAN, x)


_RECORD_RULES = (
    _report_identity,
    _lost_table,
    _unknown_code,
    _nonnegative_integer,
    _t3_balance,
    _t3_disposition_sum,
    _t3_row_total,
    _t4_group_total,
    _narrative_applications,
    _no_2019_rows_in_2021,
    _fee_unit_plausible,
)


def findings_for_record(record: dict[str, Any]) -> list[Finding]:
    """Every finding of one record's own rules (all but the cross-year ones)."""
    if not is_report(record):
        return []
    v = view(record)
    out = _Out(v)
    for rule in _RECORD_RULES:
        rule(v, out)
    return out.items


# ----------------------------------------------------------------------------- cross-year


def _current(views: list[View]) -> dict[tuple[str, int], View]:
    """The current report per agency and year: the last one given."""
    out: dict[tuple[str, int], View] = {}
    for v in views:
        if v.agency_id and isinstance(v.year, int):
            out[(v.agency_id, v.year)] = v
    return out


def _carry_over_link(v: View, prior: View, out: _Out) -> None:
    now = v.t3.get("carried_over") or {}
    before = prior.t3.get("carried_forward") or {}
    pw = {PRIOR + w for w in prior.wheres}
    for col, raw in now.items():
        if col not in before:
            continue
        observed, expected = as_count(raw), as_count(before[col])
        if observed is not None and expected is not None and observed != expected:
            cells = [f"applications.carried_over.{col}", f"{PRIOR}applications.carried_forward.{col}"]
            out.add("carry_over_link", cells, col, expected, observed, pw)


def _normative_stock_flow(v: View, prior: View, out: _Out) -> None:
    if v.fmt != 2021 or prior.fmt != 2021:
        return
    now = v.t2.get("normative_document")
    before = prior.t2.get("normative_document")
    if not now or not before:
        return
    in_force, issued, repealed = (as_value(now.get(m)) for m in ("in_force", "issued", "repealed"))
    last = as_value(before.get("in_force"))
    if None in (in_force, issued, repealed, last):
        return
    expected = last + issued - repealed  # type: ignore[operator]
    if in_force != expected:
        cells = [f"proactive.normative_document.{m}" for m in ("in_force", "issued", "repealed")]
        cells.append(f"{PRIOR}proactive.normative_document.in_force")
        pw = {PRIOR + w for w in prior.wheres}
        out.add("normative_stock_flow", cells, "in_force", expected, in_force, pw)


def cross_year_by_record(records: list[dict[str, Any]]) -> list[tuple[int, Finding]]:
    """Cross-year findings with the index of the record each one is about."""
    views = {i: view(r) for i, r in enumerate(records) if is_report(r)}
    current = _current(list(views.values()))
    found: list[tuple[int, Finding]] = []
    for i, v in views.items():
        if not v.agency_id or not isinstance(v.year, int):
            continue
        prior = current.get((v.agency_id, v.year - 1))
        if prior is None:
            continue
        out = _Out(v)
        _carry_over_link(v, prior, out)
        _normative_stock_flow(v, prior, out)
        found.extend((i, f) for f in out.items)
    return found


def cross_year_findings(records: Iterable[dict[str, Any]]) -> list[Finding]:
    """Findings of the rules that compare an agency's report with its report of the year before.
    When several records are the same agency-year, the last one given is the current one."""
    return [f for _, f in cross_year_by_record(list(records))]


def all_findings(records: list[dict[str, Any]]) -> list[Finding]:
    """Per-record and cross-year findings of a set of records."""
    found = [f for r in records for f in findings_for_record(r)]
    return found + cross_year_findings(records)
