"""The form definition (``pipeline.form``) as small Arrow tables the dimension SQL selects from.

The form is the one source of the codes, their Chinese labels and their groups; the dims are built
from it rather than from a second copy in SQL. Group codes are the record's own prefixes
(``denied``, ``unable``, ``rejected``, ``other``), the one naming used everywhere.
"""

from __future__ import annotations

import pyarrow as pa

from pipeline.form import editions as form
from pipeline.record import (
    APPLICANT_COLUMNS,
    APPLICANT_LABELS,
    APPLICATION_ROW_FORMATS,
    APPLICATION_ROW_GROUPS,
    APPLICATION_ROW_LABELS,
    APPLICATION_ROWS,
    DISPOSITION_ROWS,
    MONEY_MEASURES,
    PROACTIVE_ITEMS,
    PROACTIVE_MEASURE_LABELS,
    RL_COLUMN_LABELS,
    RL_COLUMNS,
    RL_GROUP_LABELS,
    RL_GROUPS,
    SIGNED_MEASURES,
)

#: group (Chinese, as in record.py) → code
GROUP_CODES: dict[str, str] = {g.label: g.code for g in form.GROUPS}
#: 2021 splits （六）其他处理 into three rows; 2019 has one. Charts compare the whole group.
_ONE_ROW = next(g for g in form.GROUPS if g.code == form.ONE_ROW_GROUP_2019)
COMPARABLE = {
    r.code: (f"{_ONE_ROW.code}_processing", _ONE_ROW.head)
    for r in form.APPLICATION_ROWS
    if r.group == _ONE_ROW.code
}


def disposition() -> pa.Table:
    in_total = set(DISPOSITION_ROWS[2019]) | set(DISPOSITION_ROWS[2021])
    rows = []
    for i, code in enumerate(APPLICATION_ROWS, start=1):
        group_zh = APPLICATION_ROW_GROUPS[code]
        comp_code, comp_zh = COMPARABLE.get(code, (code, APPLICATION_ROW_LABELS[code]))
        rows.append(
            {
                "disposition_code": code,
                "label_zh": APPLICATION_ROW_LABELS[code],
                "group_code": GROUP_CODES[group_zh],
                "group_zh": group_zh,
                "formats": list(APPLICATION_ROW_FORMATS[code]),
                "sort_order": i,
                "is_disposition": code in in_total,
                "comparable_code": comp_code,
                "comparable_zh": comp_zh,
            }
        )
    return pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [
                ("disposition_code", pa.string()),
                ("label_zh", pa.string()),
                ("group_code", pa.string()),
                ("group_zh", pa.string()),
                ("formats", pa.list_(pa.int32())),
                ("sort_order", pa.int32()),
                ("is_disposition", pa.bool_()),
                ("comparable_code", pa.string()),
                ("comparable_zh", pa.string()),
            ]
        ),
    )


def applicant() -> pa.Table:
    legal = {c.code for c in form.APPLICANT_COLUMNS if c.legal_person}
    return pa.table(
        {
            "applicant_code": APPLICANT_COLUMNS,
            "label_zh": [APPLICANT_LABELS[c] for c in APPLICANT_COLUMNS],
            "is_legal_person": [c in legal for c in APPLICANT_COLUMNS],
            "sort_order": pa.array(range(1, len(APPLICANT_COLUMNS) + 1), pa.int32()),
        }
    )


def proactive_measure() -> pa.Table:
    rows = []
    for fmt, items in sorted(PROACTIVE_ITEMS.items()):
        order = 0
        for item, (item_zh, measures) in items.items():
            for measure in measures:
                order += 1
                rows.append(
                    {
                        "format_version": fmt,
                        "item_code": item,
                        "item_zh": item_zh,
                        "measure_code": measure,
                        "measure_zh": PROACTIVE_MEASURE_LABELS[measure],
                        "is_money": measure in MONEY_MEASURES,
                        "is_signed": measure in SIGNED_MEASURES,
                        "sort_order": order,
                    }
                )
    return pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [
                ("format_version", pa.int32()),
                ("item_code", pa.string()),
                ("item_zh", pa.string()),
                ("measure_code", pa.string()),
                ("measure_zh", pa.string()),
                ("is_money", pa.bool_()),
                ("is_signed", pa.bool_()),
                ("sort_order", pa.int32()),
            ]
        ),
    )


def review_litigation() -> pa.Table:
    rows = [
        {
            "group_code": g,
            "group_zh": RL_GROUP_LABELS[g],
            "outcome_code": o,
            "outcome_zh": RL_COLUMN_LABELS[o],
            "sort_order": i * 10 + j,
        }
        for i, g in enumerate(RL_GROUPS, start=1)
        for j, o in enumerate(RL_COLUMNS, start=1)
    ]
    return pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [
                ("group_code", pa.string()),
                ("group_zh", pa.string()),
                ("outcome_code", pa.string()),
                ("outcome_zh", pa.string()),
                ("sort_order", pa.int32()),
            ]
        ),
    )


SEEDS = {
    "seed_disposition": disposition,
    "seed_applicant": applicant,
    "seed_proactive_measure": proactive_measure,
    "seed_review_litigation": review_litigation,
}
