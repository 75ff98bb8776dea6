"""Parse: Document -> report record. Pure functions: no I/O, no Dagster, no DuckDB."""

from __future__ import annotations

from typing import Any

from pipeline.extract.document import Document, Line
from pipeline.extract.normalize import normalize_cell
from pipeline.parse.gazetteer import locate, locate_in_text
from pipeline.parse.meta import (
    agency_kind,
    find_notice,
    find_publisher,
    find_sections,
    find_signature,
    find_title,
    find_year_in_text,
    mentions_legacy,
    narrative_numbers,
)
from pipeline.parse.segment import segment_lines
from pipeline.parse.table2 import read_table2
from pipeline.parse.table3 import find_start, read_table3
from pipeline.parse.table4 import read_table4
from pipeline.parse.tokens import json_number
from pipeline.record import (
    APPLICATION_ROWS,
    DISPOSITION_ROWS,
    PROACTIVE_ITEMS,
    RL_GROUPS,
    empty_record,
)

__all__ = ["parse_document"]

FIRST_YEAR, LAST_YEAR = 2019, 2100


def parse_document(doc: Document, file_name: str | None = None) -> dict[str, Any]:
    """Turn a Document into a report record (status and problems say what could not be read).

    ``file_name`` (the source's base name) is the last place the agency and year are looked for:
    a crawl often names the file by the title the text lost (an image, a metadata header)."""
    rec = empty_record()
    if doc.fatal:
        rec["status"] = "failed"
        rec["problems"] = list(doc.problems) or ["nothing could be read from the file"]
        return rec
    lines = segment_lines(doc.lines)
    if not lines:
        rec["status"] = "not_a_report"
        rec["problems"] = [*doc.problems, "the file holds no text"]
        return rec
    problems: list[str] = list(doc.problems)

    title = find_title(lines)
    sections = find_sections(lines)
    full_text = doc.text
    year = title.year
    if year is None:
        year = find_year_in_text(full_text)
        if year is not None:
            problems.append(f"report year not in the title; {year} taken from the text")
    name = title.name or find_signature(lines) or find_publisher(lines)
    if (name is None or year is None) and file_name:
        from_file = find_title(
            [Line(text=normalize_cell(file_name.rsplit(".", 1)[0]), lineno=0, raw=file_name)]
        )
        if name is None and from_file.name:
            name = from_file.name
            problems.append(f"agency name taken from the file name {file_name!r}")
        if year is None and from_file.year:
            year = from_file.year
            problems.append(f"report year taken from the file name {file_name!r}")
    if name is None:
        problems.append("agency name not found in the title, the signature or the page's 发布机构")

    t3_begin = sections.get(3, 0)
    grid_source = doc.format in ("html", "docx", "pdf")
    t3_start = find_start(lines, t3_begin)
    if t3_start is None and t3_begin:
        t3_start = find_start(lines, 0)
    year_fmt = 2021 if (year or 2021) >= 2021 else 2019
    t3 = read_table3(lines, t3_start, grid_source=grid_source, default_fmt=year_fmt)
    t4_begin = t3.end_line if t3.found else sections.get(4, sections.get(3, 0))
    t4 = read_table4(lines, t4_begin)
    t2_start = sections.get(2, 0)
    t2_end = t3_start if t3.found and t3_start is not None and t3_start >= t2_start else None
    if t2_end is None or t2_end <= t2_start:
        t2_end = sections.get(3, len(lines))
    t2 = read_table2(lines[t2_start:t2_end], t3.fmt if t3.found else year_fmt)

    n_start = sections.get(1, 0)
    n_end = sections.get(2, t2_start if t2_start > n_start else len(lines))
    # prose wraps anywhere (a PDF line break can split 新收): join lines without a separator
    prose = "".join(line.text for line in lines[n_start:n_end] if line.cells is None)
    items, apps = narrative_numbers(prose)
    rec["narrative"] = {"items_published": items, "applications_received": apps}

    notice = find_notice(lines, title.line)
    if notice is not None and not _any_value(t2, t3, t4):
        rec["status"] = "not_a_report"
        rec["problems"] = [
            *doc.problems,
            f"a letter or notice about 政务公开 work ({notice!r}), not an annual report: it fills none of the form's tables",
        ]
        _fill_meta(rec, find_signature(lines), year, full_text, None)
        return rec

    if not (t2.found or t3.found or t4.found):
        if year is not None and year < FIRST_YEAR:
            rec["status"] = "legacy_format"
            problems.append(f"report year {year} predates the 2019 national format; not parsed")
        elif title.line is not None or (mentions_legacy(full_text) and "年度报告" in full_text):
            rec["status"] = "partial" if (year or FIRST_YEAR) >= FIRST_YEAR else "legacy_format"
            problems.append("looks like an annual report, but none of tables 二, 三, 四 was found")
        else:
            rec["status"] = "not_a_report"
            problems = [
                *doc.problems,
                "not an OGI annual report: no title '…政府信息公开工作年度报告' and none of its tables",
            ]
        rec["problems"] = problems
        _fill_meta(rec, name, year, full_text, None)
        return rec

    fmt = t2.fmt or (t3.fmt if t3.found else year_fmt)
    _fill_meta(rec, name, year, full_text, fmt)

    # table 二
    rec["proactive"] = (
        t2.items
        if t2.found
        else {code: {m: None for m in measures} for code, (_l, measures) in PROACTIVE_ITEMS[fmt].items()}
    )
    if not t2.found:
        problems.append("table 二 (主动公开) not found")
    # table 三
    rows: dict[str, list] = {}
    for code in APPLICATION_ROWS:
        vals = (
            t3.rows.get(code)
            if code in DISPOSITION_ROWS[t3.fmt] or code not in DISPOSITION_ROWS[2021]
            else None
        )
        rows[code] = [json_number(v) for v in vals] if vals is not None else [None] * 7
    rec["applications"]["rows"] = rows
    if not t3.found:
        problems.append("table 三 (收到和处理政府信息公开申请) not found")
    elif t3.fmt != fmt:
        problems.append(
            f"table 三 is in the {t3.fmt} layout while table 二 is {fmt}: （六）其他处理 read as "
            + ("one row (other_other)" if t3.fmt == 2019 else "three sub-rows")
        )
    # table 四
    for g, group in enumerate(RL_GROUPS):
        rec["review_litigation"][group] = [json_number(v) for v in t4.values[g * 5 : g * 5 + 5]]
    if not t4.found:
        problems.append("table 四 (行政复议、行政诉讼) not found")
    elif 5 not in sections and 6 not in sections and t3.found:
        # every report closes with 五、存在的主要问题… and 六、其他需要报告的事项
        problems.append("the text ends after table 四 without sections 五 and 六: truncated?")

    for part in (t2, t3, t4):
        rec["repairs"].extend(part.repairs)
        rec["provenance"].update(part.provenance)
        problems.extend(part.problems)

    unresolved = [
        f"applications.{code}.{c}"
        for code, vals in rows.items()
        for c, v in zip(rec["applications"]["columns"], vals, strict=True)
        if v is None and (code in DISPOSITION_ROWS[t3.fmt] or code not in DISPOSITION_ROWS[2021])
    ]
    t2_unread = [
        f"proactive.{code}.{m}"
        for code, item in rec["proactive"].items()
        for m, v in item.items()
        if v is None
    ]
    if t2.found and t2_unread:
        problems.append(f"table 二: {len(t2_unread)} cell(s) could not be read: {', '.join(t2_unread[:6])}")
    if t3.found and unresolved:
        problems.append(f"table 三: {len(unresolved)} cell(s) could not be read: {', '.join(unresolved[:6])}")
    if year is not None and year < FIRST_YEAR:
        rec["status"] = "legacy_format"
        problems.append(f"report year {year} predates the 2019 national format")
    else:
        rec["status"] = "ok" if not problems else "partial"
    if rec["status"] == "partial":
        problems.insert(0, cells_read(rec, t3.fmt))
    rec["problems"] = problems
    return rec


def cells_read(rec: dict[str, Any], t3_fmt: int) -> str:
    """'cells read: table 二 10 of 10, table 三 0 of 175, table 四 15 of 15': first in a partial
    record's problems, so nobody takes an empty record for a report."""
    t2 = [v for item in rec["proactive"].values() for v in item.values()]
    t3 = [
        v
        for code in DISPOSITION_ROWS[t3_fmt]
        + ["new_received", "carried_over", "total_processed", "carried_forward"]
        for v in rec["applications"]["rows"][code]
    ]
    t4 = [v for group in RL_GROUPS for v in rec["review_litigation"][group]]
    parts = [
        f"table {name} {sum(v is not None for v in vals)} of {len(vals)}"
        for name, vals in (("二", t2), ("三", t3), ("四", t4))
    ]
    return "cells read: " + ", ".join(parts)


def _any_value(*tables: Any) -> bool:
    """Whether any table holds a number (a notice may reprint the empty form)."""
    t2, t3, t4 = tables
    if t2.found and any(v is not None for item in t2.items.values() for v in item.values()):
        return True
    if t3.found and any(v is not None for vals in t3.rows.values() for v in vals):
        return True
    return t4.found and any(v is not None for v in t4.values)


def _fill_meta(rec: dict, name: str | None, year: int | None, text: str, fmt: int | None) -> None:
    rec["year"] = year
    rec["format_version"] = fmt
    if name:
        region = locate(name, text[:3000])
        if region.province is None:
            region = locate_in_text(text[:3000])
        rec["agency"].update(
            name=name,
            province=region.province,
            city=region.city,
            county=region.county,
            admin_code=region.admin_code,
            kind=agency_kind(name),
        )
