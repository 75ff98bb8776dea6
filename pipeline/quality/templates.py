"""Check frames of the identity rules, generated from three SQL templates and the registry.

The pattern is PUDL's ``expect_sum_close_to_total_column``: one template per *shape* of identity,
filled with the cells a rule names, instead of one hand-written frame per rule. Shapes:

- ``per_column.sql``: the sides name lines (rows), the identity holds in every column
  (一 + 二 = （七） + 四; （七） = the disposition rows);
- ``per_line.sql``: the sides name columns, the identity holds on every line (总计 = the six
  applicants; 维持 + 纠正 + 其他 + 尚未审结 = 总计);
- ``cross_year.sql``: some terms are cells of the agency's report of the year before
  (上年结转 = last year's 结转下年度; the stock-flow of 行政规范性文件).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template

from pipeline.form import editions as form
from pipeline.form.identities import RULE, Rule, Term

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "sql" / "checks" / "templates"


@dataclass(frozen=True)
class Fact:
    """How a record table is stored: fact table, line and column code columns, value column."""

    fact: str
    line: str
    column: str
    value: str


FACTS: dict[str, Fact] = {
    "applications": Fact("fact_application", "disposition_code", "applicant_code", '"count"'),
    "review_litigation": Fact("fact_review_litigation", "group_code", "outcome_code", '"count"'),
    "proactive": Fact("fact_proactive", "item_code", "measure_code", "value"),
}


def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _in(codes: list[str]) -> str:
    return ", ".join(_q(c) for c in dict.fromkeys(codes))


def _signed_sum(terms: tuple[Term, ...], attr: str, code_col: str, value: str) -> str:
    """``value`` when every term is +, else a CASE giving each code its sign."""
    if all(t.sign == 1 for t in terms):
        return value
    cases = " ".join(f"when {_q(getattr(t, attr))} then {t.sign}" for t in terms)
    return f"{value} * (case {code_col} {cases} end)"


@cache
def _template(name: str) -> Template:
    return Template((TEMPLATES_DIR / f"{name}.sql").read_text(encoding="utf-8"))


def _header(rule: Rule, shape: str) -> str:
    return (
        f"-- Check frame `{rule.rule_id}`, generated from sql/checks/templates/{shape}.sql and the rule\n"
        f"-- of pipeline/form/identities.py: {rule.description}\n"
    )


def _per_column(rule: Rule, f: Fact) -> str:
    e = [t.line or "" for t in rule.expected]
    o = [t.line or "" for t in rule.observed]
    sql = _template("per_column").substitute(
        table=rule.table,
        fact=f.fact,
        line=f.line,
        column=f.column,
        value=f.value,
        expected_lines=_in(e),
        observed_lines=_in(o),
        all_lines=_in(e + o),
        expected_sum=_signed_sum(rule.expected, "line", f.line, f.value),
        observed_sum=_signed_sum(rule.observed, "line", f.line, f.value),
    )
    return _header(rule, "per_column") + sql


def _per_line(rule: Rule, f: Fact) -> str:
    e = [t.column or "" for t in rule.expected]
    o = [t.column or "" for t in rule.observed]
    sql = _template("per_line").substitute(
        table=rule.table,
        fact=f.fact,
        line=f.line,
        column=f.column,
        value=f.value,
        expected_columns=_in(e),
        observed_columns=_in(o),
        expected_sum=_signed_sum(rule.expected, "column", f.column, f.value),
        observed_sum=_signed_sum(rule.observed, "column", f.column, f.value),
        column_code=_q(e[0]) if len(e) == 1 else "null::varchar",
    )
    return _header(rule, "per_line") + sql


def _cross_year(rule: Rule, f: Fact) -> str:
    per_column = rule.over == "column"
    terms = [*rule.expected, *rule.observed]
    cur = list(dict.fromkeys((t.line, t.column) for t in terms if not t.prior))
    prev = list(dict.fromkeys((t.line, t.column) for t in terms if t.prior))

    def select(cells: list[tuple[str | None, str | None]], prefix: str) -> str:
        out = []
        for i, (line, column) in enumerate(cells):
            cond = f"{f.line} = {_q(line or '')}"
            if column is not None:
                cond += f" and {f.column} = {_q(column)}"
            out.append(f"max({f.value}) filter (where {cond}) as {prefix}{i}")
        return ",\n        ".join(out)

    def side(side_terms: tuple[Term, ...]) -> str:
        parts = []
        for t in side_terms:
            key = (t.line, t.column)
            name = f"pv.p{prev.index(key)}" if t.prior else f"c.t{cur.index(key)}"
            parts.append(("- " if t.sign < 0 else "+ ") + name)
        return " ".join(parts).removeprefix("+ ")

    def cell(t: Term) -> str:
        path = ("prior_year." if t.prior else "") + f"{rule.table}.{t.line}."
        return f"{_q(path)} || c.column_code" if t.column is None else _q(path + (t.column or ""))

    cells = " || ',' || ".join(cell(t) for t in (*rule.observed, *rule.expected))
    observed_column = rule.observed[0].column
    where = "true"
    if set(rule.editions) != set(form.EDITIONS):
        editions = ", ".join(str(e) for e in rule.editions)
        where = f"r.format_version in ({editions}) and p.format_version in ({editions})"
    sql = _template("cross_year").substitute(
        fact=f.fact,
        line=f.line,
        per_column=" and column" if per_column else "",
        editions_note=f" (both of the {'/'.join(map(str, rule.editions))} form)" if where != "true" else "",
        column_select=f",\n        {f.column} as column_code" if per_column else "",
        column_group=f", {f.column}" if per_column else "",
        column_join=" and c.column_code = pv.column_code" if per_column else "",
        current_terms=select(cur, "t"),
        prior_terms=select(prev, "p"),
        current_lines=_in([line or "" for line, _ in cur]),
        prior_lines=_in([line or "" for line, _ in prev]),
        column_code="c.column_code" if per_column else _q(observed_column or ""),
        cells=cells,
        expected=side(rule.expected),
        observed=side(rule.observed),
        where=where,
    )
    return _header(rule, "cross_year") + sql


def identity_frame_sql(rule_id: str) -> str:
    """The check frame SQL of one identity rule."""
    rule = RULE[rule_id]
    if not rule.is_identity or rule.table not in FACTS:
        raise KeyError(f"{rule_id} is not an identity rule")
    f = FACTS[rule.table]
    if rule.cross_year:
        return _cross_year(rule, f)
    if rule.over == "column":
        return _per_column(rule, f)
    if rule.over == "line":
        return _per_line(rule, f)
    raise ValueError(f"{rule_id}: an identity without prior-year terms must hold per column or per line")


def form_values() -> dict[str, str]:
    """Form-derived lists the hand-written frames of ``sql/checks/`` read as ``${name}``."""
    only_2019 = [
        i.code
        for i in form.PROACTIVE_ITEMS[2019]
        if i.code not in {x.code for x in form.PROACTIVE_ITEMS[2021]}
    ]
    return {
        "signed_measures": _in([m.code for m in form.MEASURES if m.signed]),
        "money_measures": _in([m.code for m in form.MEASURES if m.money]),
        "only_2019_items": _in(only_2019),
    }
