"""The identity registry: every rule the checks enforce, declared once.

A rule has a stable id, its severity and whether it blocks the marts (a structural failure of the
pipeline), and its wording in English and Chinese. An *identity* rule also says which cells it
relates: two sides, each a signed sum of terms, over one table of the record, per column (the sides
name rows: 一 + 二 = （七） + 四) or per line (the sides name columns: 总计 = the six applicants),
optionally reaching into the same agency's report of the year before. From that declaration come:
the SQL check frames (``pipeline.quality.templates``), the GX suites (``pipeline.quality.catalog``),
the renderers' consistency (``pipeline.synth.records``) and the equations the parser may solve.

Rules that are not identities (a value is in range, a code is known, a fact stored once) declare
their GX expectations on hand-written frames of ``sql/checks/``.

To add a rule: append a ``Rule`` to ``RULES`` (rule ids are stable: never reuse one) and run
``python -m pipeline.quality.generate`` to rewrite ``expectations/*.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.form import editions as form

SEVERITIES = ("error", "warn")
TABLES = ("applications", "review_litigation", "proactive")


@dataclass(frozen=True)
class Term:
    """One cell of a side, with its sign. ``line`` names a row/group/item (None on a per-line
    identity: the line the identity is about); ``column`` an applicant/outcome column or a
    measure (None on a per-column identity). ``prior``: the agency's report of the year before."""

    line: str | None = None
    column: str | None = None
    sign: int = 1
    prior: bool = False


@dataclass(frozen=True)
class Expect:
    """One GX expectation of a rule: the suite it belongs to, the frame it reads, its GX type and
    kwargs; ``finding`` says how an unexpected row becomes a finding (constant cells, a constant
    expected value, the frame column observed reads, a constant column code)."""

    suite: str
    frame: str
    type: str
    kwargs: dict[str, Any]
    finding: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    rule_id: str
    description: str  # English, one sentence ending with '.'
    rule_zh: str
    severity: str  # error | warn
    blocking: bool  # structural: the pipeline is broken, the marts are not built
    message: str | dict[str, str]  # English finding text: str.format fields below, or per first cell
    editions: tuple[int, ...] = form.EDITIONS
    # identity rules
    table: str | None = None
    over: str | None = None  # 'column' (sides name lines) | 'line' (sides name columns)
    expected: tuple[Term, ...] = ()
    observed: tuple[Term, ...] = ()
    suite: str | None = None  # the suite of an identity rule (its frame is named after the rule)
    formula: str = ""  # the identity in the form's own words, short: what a repair cites
    # other rules
    expects: tuple[Expect, ...] = ()

    @property
    def is_identity(self) -> bool:
        return self.table is not None

    @property
    def cross_year(self) -> bool:
        return any(t.prior for t in (*self.expected, *self.observed))

    def expectations(self) -> tuple[Expect, ...]:
        """Every GX expectation of the rule (an identity: expected = observed on its frame)."""
        if not self.is_identity:
            return self.expects
        pair = Expect(
            self.suite or "",
            self.rule_id,
            "expect_column_pair_values_to_be_equal",
            {"column_A": "expected", "column_B": "observed", "ignore_row_if": "either_value_is_missing"},
        )
        return (pair, *self.expects)


def _lines(*codes: str, sign: int = 1, prior: bool = False) -> tuple[Term, ...]:
    return tuple(Term(line=c, sign=sign, prior=prior) for c in codes)


def _columns(*codes: str, sign: int = 1) -> tuple[Term, ...]:
    return tuple(Term(column=c, sign=sign) for c in codes)


_SIX = tuple(c.code for c in form.APPLICANT_COLUMNS if c.code != "total")
_FOUR = tuple(c.code for c in form.RL_OUTCOMES if c.code != "total")
_DISPOSITION = tuple(r.code for r in form.APPLICATION_ROWS if r.disposition)
_PAIR = ("expect_column_pair_values_to_be_equal",)


def _proactive_codes() -> list[str]:
    return sorted(
        {f"{i.code}.{m}" for items in form.PROACTIVE_ITEMS.values() for i in items for m in i.measures}
    )


def _only_2019_items() -> list[str]:
    y21 = {i.code for i in form.PROACTIVE_ITEMS[2021]}
    return [i.code for i in form.PROACTIVE_ITEMS[2019] if i.code not in y21]


#: administrative_fee.amount_10k_yuan (万元) above this was probably printed in 元
FEE_MAX_10K_YUAN = 100_000.0
FIRST_YEAR = 2019
_IDENTITY = {
    "description": (
        "Every ok/partial report has an agency name, a year from 2019 to the current year and a known "
        "form (2019 or 2021)."
    ),
    "zh": "每份年报须有机关名称、2019年至今年之间的报告年度，以及可识别的报表格式（2019年试行格式或2021年修订格式）",
}
_UNKNOWN = (
    "Structural: every row, column, item and measure code of a fact is one the record contract defines.",
    "结构检查：事实表中的行、列、事项、指标代码均须为记录规范所定义",
)
_IN_SET = "expect_column_values_to_be_in_set"
_BETWEEN = "expect_column_values_to_be_between"

RULES: tuple[Rule, ...] = (
    Rule(
        "nonnegative_integer",
        "Every count is a non-negative integer (money may be a decimal, 本年增/减 may be negative).",
        "所有数量均为非负整数（金额可为小数，“本年增/减”可为负数）",
        "error",
        False,
        "{first} = {observed} is not a non-negative integer",
        expects=(
            Expect("fact_application", "fact_application", _BETWEEN, {"column": "count", "min_value": 0}),
            Expect(
                "fact_proactive", "fact_proactive", _BETWEEN, {"column": "nonnegative_value", "min_value": 0}
            ),
            Expect("fact_proactive", "fact_proactive", _BETWEEN, {"column": "fraction", "max_value": 0}),
            Expect(
                "fact_review_litigation",
                "fact_review_litigation",
                _BETWEEN,
                {"column": "count", "min_value": 0},
            ),
        ),
    ),
    Rule(
        "report_identity",
        _IDENTITY["description"],
        _IDENTITY["zh"],
        "error",
        False,
        {
            "agency.name": "no agency name",
            "year": "year {observed} is outside 2019..the current year",
            "format_version": "format_version {observed} is neither 2019 nor 2021",
        },
        expects=(
            Expect(
                "report",
                "report",
                _IN_SET,
                {"column": "agency_name_present", "value_set": [True]},
                {"cells": "agency.name"},
            ),
            Expect(
                "report",
                "report",
                _BETWEEN,
                {
                    "column": "year_value",
                    "min_value": FIRST_YEAR,
                    "max_value": {"$PARAMETER": "current_year"},
                },
                {"cells": "year", "observed": "year"},
            ),
            Expect(
                "report",
                "report",
                _IN_SET,
                {"column": "format_value", "value_set": list(form.EDITIONS)},
                {"cells": "format_version", "observed": "format_version"},
            ),
        ),
    ),
    Rule(
        "unknown_code",
        *_UNKNOWN,
        "error",
        True,
        "{first}: a code the record contract does not know",
        expects=(
            Expect(
                "fact_application",
                "fact_application",
                _IN_SET,
                {"column": "applicant_code", "value_set": [c.code for c in form.APPLICANT_COLUMNS]},
            ),
            Expect(
                "fact_application",
                "fact_application",
                _IN_SET,
                {"column": "disposition_code", "value_set": [r.code for r in form.APPLICATION_ROWS]},
            ),
            Expect(
                "fact_proactive",
                "fact_proactive",
                _IN_SET,
                {"column": "code", "value_set": _proactive_codes()},
            ),
            Expect(
                "fact_review_litigation",
                "fact_review_litigation",
                _IN_SET,
                {"column": "group_code", "value_set": [g.code for g in form.RL_GROUPS]},
            ),
            Expect(
                "fact_review_litigation",
                "fact_review_litigation",
                _IN_SET,
                {"column": "outcome_code", "value_set": [c.code for c in form.RL_OUTCOMES]},
            ),
        ),
    ),
    Rule(
        "duplicate_fact",
        "Structural: every report and every fact cell is stored once.",
        "结构检查：每份报告、每个事实单元格只存储一次",
        "error",
        True,
        "{first} is stored more than once",
        expects=(
            Expect(
                "fact_application",
                "fact_application",
                "expect_compound_columns_to_be_unique",
                {"column_list": ["report_id", "disposition_code", "applicant_code"]},
            ),
            Expect(
                "fact_proactive",
                "fact_proactive",
                "expect_compound_columns_to_be_unique",
                {"column_list": ["report_id", "item_code", "measure_code"]},
            ),
            Expect(
                "fact_review_litigation",
                "fact_review_litigation",
                "expect_compound_columns_to_be_unique",
                {"column_list": ["report_id", "group_code", "outcome_code"]},
            ),
            Expect(
                "report",
                "report",
                "expect_column_values_to_be_unique",
                {"column": "report_id"},
                {"cells": "report_id"},
            ),
        ),
    ),
    Rule(
        "t3_balance",
        "Table 三, every applicant column: new received + carried over = total processed + carried forward.",
        "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和（一＋二＝（七）总计＋四）",
        "error",
        False,
        "table 三 column {column}: 一 + 二 = {expected} but （七）总计 + 四 = {observed}",
        table="applications",
        over="column",
        expected=_lines("new_received", "carried_over"),
        observed=_lines("total_processed", "carried_forward"),
        suite="fact_application",
        formula="一 + 二 = （七）总计 + 四",
    ),
    Rule(
        "t3_disposition_sum",
        "Table 三, every applicant column: （七）总计 = the sum of the disposition rows of the report's form "
        "(21 rows in 2021, 19 in 2019).",
        "（七）总计＝（一）予以公开＋（二）部分公开＋（三）不予公开1–8＋（四）无法提供1–3＋（五）不予处理1–5＋（六）其他处理",
        "error",
        False,
        "table 三 column {column}: （七）总计 = {expected} but its disposition rows sum to {observed}",
        table="applications",
        over="column",
        expected=_lines("total_processed"),
        observed=_lines(*_DISPOSITION),
        suite="fact_application",
        formula="（七）总计 = sum of the disposition rows",
    ),
    Rule(
        "t3_row_total",
        "Table 三, every row: the 总计 column = the sum of the six applicant columns.",
        "每一行：总计＝自然人＋商业企业＋科研机构＋社会公益组织＋法律服务机构＋其他",
        "error",
        False,
        "table 三 row {line}: 总计 = {expected} but the six applicant columns sum to {observed}",
        table="applications",
        over="line",
        expected=_columns("total"),
        observed=_columns(*_SIX),
        suite="fact_application",
        formula="总计 = sum of the six applicant columns",
    ),
    Rule(
        "t4_group_total",
        "Table 四, every group (review, direct litigation, litigation after review): upheld + corrected + "
        "other + pending = total.",
        "行政复议、行政诉讼各组：结果维持＋结果纠正＋其他结果＋尚未审结＝总计",
        "error",
        False,
        "table 四 {line}: 总计 = {expected} but 维持 + 纠正 + 其他 + 尚未审结 = {observed}",
        table="review_litigation",
        over="line",
        expected=_columns("total"),
        observed=_columns(*_FOUR),
        suite="fact_review_litigation",
        formula="维持 + 纠正 + 其他 + 尚未审结 = 总计",
    ),
    Rule(
        "column_count",
        "Structural: every table 三 row has 7 columns and every table 四 group 5.",
        "结构检查：表三每行7列，表四每组5列",
        "error",
        True,
        "{line_path} has {observed} columns, the form has {expected}",
        expects=(
            Expect(
                "fact_application",
                "t3_row_total",
                _BETWEEN,
                {"column": "n_columns", "min_value": 7, "max_value": 7},
                {"expected": 7, "observed": "n_columns", "column_code": None},
            ),
            Expect(
                "fact_review_litigation",
                "t4_group_total",
                _BETWEEN,
                {"column": "n_columns", "min_value": 5, "max_value": 5},
                {"expected": 5, "observed": "n_columns", "column_code": None},
            ),
        ),
    ),
    Rule(
        "carry_over_link",
        "This year's carried-over applications = the same agency's carried-forward applications of the year "
        "before, per column.",
        "本年“上年结转政府信息公开申请数量”＝同一机关上一年度“结转下年度继续办理”（逐列）",
        "warn",
        False,
        "上年结转 ({column}) = {observed} but the {prev} report carried forward {expected}",
        table="applications",
        over="column",
        expected=_lines("carried_forward", prior=True),
        observed=_lines("carried_over"),
        suite="fact_application",
    ),
    Rule(
        "narrative_applications",
        "The applications received stated in the narrative = table 三 new received, total.",
        "总体情况中所述收到申请件数＝表三“本年新收政府信息公开申请数量”总计",
        "warn",
        False,
        "the narrative says {observed} applications received, table 三 一 总计 = {expected}",
        expects=(
            Expect(
                "report",
                "narrative_applications",
                *_PAIR,
                {"column_A": "expected", "column_B": "observed", "ignore_row_if": "either_value_is_missing"},
            ),
        ),
    ),
    Rule(
        "no_2019_rows_in_2021",
        "A 2021-form table 二 has no 2019-only rows (other external services, government procurement).",
        "2021年格式的主动公开表不应出现2019年试行格式才有的“其他对外管理服务事项”“政府集中采购”",
        "warn",
        False,
        "a 2021-format table 二 carries the 2019-only row {first}",
        editions=(2021,),  # informative: the frame reads 2021-form facts only
        expects=(
            Expect(
                "fact_proactive",
                "fact_proactive",
                "expect_column_values_to_not_be_in_set",
                {"column": "item_in_2021_form", "value_set": _only_2019_items()},
            ),
        ),
    ),
    Rule(
        "fee_unit_plausible",
        "Administrative fees are in 万元: a value above 100000 was probably printed in 元.",
        "行政事业性收费“本年收费金额”以万元为单位，超过100000多半是按元填报",
        "warn",
        False,
        "行政事业性收费 = {observed} 万元, above {expected}: probably printed in 元",
        editions=(2021,),  # informative: the frame reads 2021-form facts only
        expects=(
            Expect(
                "fact_proactive",
                "fact_proactive",
                _BETWEEN,
                {"column": "fee_10k_yuan", "max_value": int(FEE_MAX_10K_YUAN)},
                {"expected": int(FEE_MAX_10K_YUAN)},
            ),
        ),
    ),
    Rule(
        "normative_stock_flow",
        "2021 form: normative documents in force = last year's in force + issued - repealed.",
        "2021年格式：行政规范性文件现行有效件数＝上年现行有效件数＋本年制发件数－本年废止件数",
        "warn",
        False,
        "行政规范性文件 in force = {observed} but {prev} in force + issued - repealed = {expected}",
        editions=(2021,),
        table="proactive",
        over=None,
        expected=(
            Term("normative_document", "in_force", prior=True),
            Term("normative_document", "issued"),
            Term("normative_document", "repealed", sign=-1),
        ),
        observed=(Term("normative_document", "in_force"),),
        suite="fact_proactive",
    ),
    Rule(
        "lost_table",
        "Structural: a report parsed with status ok has at least one value in each of tables 二, 三 and 四.",
        "结构检查：解析状态为ok的报告，表二、表三、表四均至少有一个数值",
        "error",
        True,
        "status ok but {first} has no value at all",
        expects=(Expect("report", "lost_table", _BETWEEN, {"column": "observed", "min_value": 1}),),
    ),
)
RULE: dict[str, Rule] = {r.rule_id: r for r in RULES}


@dataclass(frozen=True)
class Suite:
    """A GX suite: the warehouse table it is about and the Dagster asset its checks hang on."""

    name: str
    asset: str
    description: str


SUITES: tuple[Suite, ...] = (
    Suite(
        "fact_application",
        "core_ogi__facts",
        "Table 三 (applications): identities per column and per row, carry-over across years, codes and shape.",
    ),
    Suite(
        "fact_proactive",
        "core_ogi__facts",
        "Table 二 (proactive disclosure): signs and units, rows of the right form, stock-flow across years, codes.",
    ),
    Suite(
        "fact_review_litigation",
        "core_ogi__facts",
        "Table 四 (administrative review and litigation): group totals, codes and shape.",
    ),
    Suite(
        "report",
        "core_ogi__facts",
        "Report-level rules: identity fields, the narrative against table 三, tables lost by the parse.",
    ),
)


# ----------------------------------------------------------------------------- equations
Cell = tuple[str, str, str]  # (table, line, column)


@dataclass(frozen=True)
class Equation:
    """One concrete instance of an identity within one report: sum(expected) = sum(observed)."""

    rule_id: str
    key: str  # the column (per-column identity) or the line (per-line identity)
    expected: tuple[tuple[int, Cell], ...]
    observed: tuple[tuple[int, Cell], ...]

    def residual(self, value: Any) -> Any:
        """sum(expected) - sum(observed) with ``value(cell)`` (None when a cell is unknown)."""
        total = 0
        for sign, side in ((1, self.expected), (-1, self.observed)):
            for s, cell in side:
                v = value(cell)
                if v is None:
                    return None
                total += sign * s * v
        return total


def table_lines(table: str, edition: int) -> list[str]:
    """The lines (rows, groups, items) a table of the edition has, in printed order."""
    if table == "applications":
        return [r.code for r in form.APPLICATION_ROWS if edition in r.editions]
    if table == "review_litigation":
        return [g.code for g in form.RL_GROUPS]
    return [i.code for i in form.PROACTIVE_ITEMS[edition]]


def table_columns(table: str) -> list[str]:
    if table == "applications":
        return [c.code for c in form.APPLICANT_COLUMNS]
    if table == "review_litigation":
        return [c.code for c in form.RL_OUTCOMES]
    return [m.code for m in form.MEASURES]


def _cells(terms: tuple[Term, ...], key: str, table: str, lines: set[str]) -> tuple[tuple[int, Cell], ...]:
    """The terms of a side as signed cells for one column/line; lines the edition lacks drop out."""
    out: list[tuple[int, Cell]] = []
    for t in terms:
        line = t.line if t.line is not None else key
        column = t.column if t.column is not None else key
        if t.prior or line in lines:
            out.append((t.sign, (("prior_year." if t.prior else "") + table, line, column)))
    return tuple(out)


def equations(edition: int, *, cross_year: bool = False) -> list[Equation]:
    """Every identity of one report of the edition as concrete equations (rows the edition does
    not print drop out of a side). Cross-year rules only when asked (they need last year)."""
    out: list[Equation] = []
    for rule in RULES:
        if not rule.is_identity or edition not in rule.editions or (rule.cross_year and not cross_year):
            continue
        table = rule.table or ""
        lines = set(table_lines(table, edition))
        if rule.over == "column":
            keys = table_columns(table)
        elif rule.over == "line":
            keys = table_lines(table, edition)
        else:
            keys = [""]

        for key in keys:
            out.append(
                Equation(
                    rule.rule_id,
                    key,
                    _cells(rule.expected, key, table, lines),
                    _cells(rule.observed, key, table, lines),
                )
            )
    return out
