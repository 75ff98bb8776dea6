"""Record-level value check: every cell the record carries fits the contract, or it is emptied.

The contract says every count is a non-negative integer, and the warehouse stores counts as
int64: a value above 2⁶³−1 raised ``OverflowError`` while a batch was written, and stopped that
batch and every one after it. A fraction where a count is expected, a negative count or a number
too large to be real is a fault of the source (or of a reading) that one cell should carry, not the
run: the cell becomes ``None``, the change is listed in ``repairs`` (where, why), a summary goes to
``problems``, and an ``ok`` record becomes ``partial``. This runs after the parser, on the record
(``pipeline/report.py``), so the parser's own choices are not touched.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any

from pipeline.record import APPLICANT_COLUMNS, MONEY_MEASURES, RL_COLUMNS, RL_GROUPS, SIGNED_MEASURES

INT64_MAX = 2**63 - 1
#: above this a count is not a count of anything an agency did in a year (the largest real ones
#: are administrative penalty decisions, about 10⁷)
COUNT_MAX = 10**12
#: money (元 or 万元) beyond this is not a real amount
MONEY_MAX = Decimal(10) ** 15
_YEARS = range(1990, 2101)
_FORMATS = (2019, 2021)


def _number(v: Any) -> Decimal | None:
    """A value as a Decimal, or None when it is not a number at all."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, float):
        return Decimal(v) if math.isfinite(v) else None
    if isinstance(v, Decimal):
        return v if v.is_finite() else None
    if isinstance(v, str):
        try:
            d = Decimal(v.strip())
        except (InvalidOperation, ValueError):
            return None
        return d if d.is_finite() else None
    return None


def check_count(v: Any, *, signed: bool = False) -> tuple[Any, str | None]:
    """``(value to keep, why it was refused)``: a whole number within range, else ``(None, why)``.
    An integral float (3.0) is kept as the int it is."""
    if v is None:
        return None, None
    if type(v) is int and (0 <= v <= COUNT_MAX or (signed and -COUNT_MAX <= v < 0)):
        return v, None  # the common case, without Decimal
    d = _number(v)
    if d is None:
        return None, f"{v!r} is not a number"
    if d != d.to_integral_value():
        return None, f"{v} is a fraction where a count is expected"
    if d < 0 and not signed:
        return None, f"{v} is a negative count"
    if abs(d) > COUNT_MAX:
        return None, f"{v} is out of range for a count (above 10^12)"
    return int(d), None


def check_money(v: Any) -> tuple[Any, str | None]:
    if v is None:
        return None, None
    d = _number(v)
    if d is None:
        return None, f"{v!r} is not a number"
    if d < 0:
        return None, f"{v} is a negative amount"
    if d > MONEY_MAX:
        return None, f"{v} is out of range for an amount"
    return v, None


def sanitize_record(record: dict[str, Any]) -> dict[str, Any]:
    """Empty every cell that is not a valid value (in place; also returned); see the module doc."""
    refused: list[tuple[str, str]] = []

    def fix_list(prefix: str, values: list[Any] | None, columns: list[str], signed: bool = False) -> None:
        if not isinstance(values, list):
            return
        for j, v in enumerate(values):
            kept, why = check_count(v, signed=signed)
            if why is not None:
                values[j] = None
                col = columns[j] if j < len(columns) else str(j)
                refused.append((f"{prefix}.{col}", why))
            elif kept is not v:
                values[j] = kept

    apps = record.get("applications") or {}
    columns = apps.get("columns") or APPLICANT_COLUMNS
    for code, values in (apps.get("rows") or {}).items():
        fix_list(f"applications.{code}", values, columns)
    review = record.get("review_litigation") or {}
    outcomes = review.get("columns") or RL_COLUMNS
    for group in RL_GROUPS:
        fix_list(f"review_litigation.{group}", review.get(group), outcomes)
    for item, measures in (record.get("proactive") or {}).items():
        if not isinstance(measures, dict):
            continue
        for measure, v in measures.items():
            if measure in MONEY_MEASURES:
                kept, why = check_money(v)
            else:
                kept, why = check_count(v, signed=measure in SIGNED_MEASURES)
            if why is not None:
                refused.append((f"proactive.{item}.{measure}", why))
            measures[measure] = kept if why is None else None
    narrative = record.get("narrative") or {}
    for key, v in list(narrative.items()):
        kept, why = check_count(v)
        if why is not None:
            refused.append((f"narrative.{key}", why))
        narrative[key] = kept if why is None else None

    problems: list[str] = []
    year, fmt = record.get("year"), record.get("format_version")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or year not in _YEARS):
        problems.append(f"the report year {year!r} is not a plausible year; left empty")
        record["year"] = None
    if fmt is not None and fmt not in _FORMATS:
        problems.append(f"the form version {fmt!r} is not 2019 or 2021; left empty")
        record["format_version"] = None
    if refused:
        record.setdefault("repairs", []).extend(
            {"where": where, "why": f"{why}; the cell is left empty"} for where, why in refused
        )
        examples = "; ".join(f"{w}: {why}" for w, why in refused[:3])
        more = f" (and {len(refused) - 3} more)" if len(refused) > 3 else ""
        problems.append(
            f"{len(refused)} value(s) are not valid counts or amounts, left empty: {examples}{more}"
        )
    if problems:
        record["problems"] = [*(record.get("problems") or []), *problems]
        if record.get("status") == "ok":
            record["status"] = "partial"
    return record
