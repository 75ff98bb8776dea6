"""Run-together text -> one logical line per heading and table row.

A crawler dump or a browser copy of a government page flattens the report: the whole body on one
line (or one line per block), table cells with no separators, the next row's label straight after
the previous row's digits (``…国家秘密00000002.其他法律…``). The table readers work line by
line, so such a line is cut back into the lines the form has, at the form's own landmarks:
metadata keys of the crawl header, section headings 一…六, table 三's row heads (一、本年新收,
（一）予以公开, the sub-row enumerators 1.–8.), table 二's article blocks and items, and the digit
run under table 四's header. A sub-row enumerator glued to the digits before it is the last digit
of that run (the form's enumerators are single digits), so ``00000002.其他`` is cut after ``0000000``.

Only long lines with several landmarks are cut: an ordinary text layout is left as it is.
"""

from __future__ import annotations

import re

from pipeline import form
from pipeline.extract.document import Line

# a line this long holding this many landmarks is a flattened report
MIN_LENGTH = 120
MIN_LANDMARKS = 3

_CJK = "\u4e00-\u9fff"
_LANDMARKS = re.compile(
    "|".join(
        [
            # crawl metadata header and page furniture
            r"(?:标\s*题|发布时间|发布日期|成文日期|发布机构|发文机关|来\s*源|信息来源|文\s*号|索引号|栏\s*目|"
            r"原文链接|本地目录|浏览次数|访问量|主题分类)\s*[:：]",
            r"首\s*页\s*[>＞»]",
            r"(?:附件下载|打印本页|关闭窗口|【打印】|【关闭】|扫一扫在手机打开当前页)",
            # section headings and table 三's numbered rows (a doubled numeral '二二、' included)
            r"[一二三四五六]{1,2}、\s*(?=总体情况|主动公开政府信息|收到和处理|政府信息公开行政复议|"
            r"政府信息公开工作存在|存在的主要问题|其他需要报告|本年新收|上年结转|本年度办理结果|结转下年度)",
            r"[(（]\s*[一二三四五六七]\s*[)）]\s*(?=予以公开|部分公开|不予公开|无法提供|不予处理|其[他它]处理|总\s*计)",
            # table 三 sub-rows: '1.属于国家秘密', '（2）重复申请'
            rf"\d\s*[.、．]\s*(?=[{_CJK}“\"])",
            rf"[(（]\d[)）]\s*(?=[{_CJK}])",
            # table 二 article blocks
            r"第二十条第",
        ]
    )
)
# table 二 items, cut where numbers touch them (in prose they stay whole)
_ITEM_LABELS = sorted(
    {i.label for items in form.PROACTIVE_ITEMS.values() for i in items}, key=len, reverse=True
)
_ITEMS = re.compile(
    "|".join(("(?<!行政)" if label == "规范性文件" else "") + re.escape(label) for label in _ITEM_LABELS)
)
_NUMERIC = re.compile(r"[\d+\-]")
# table 四's numbers after its last header word; table 三's （七）总计 digits likewise
_AFTER_TOTAL = re.compile(r"(?<=总计)\s*(?=\d)")
# a title followed by more text on the same line
_AFTER_TITLE = re.compile(r"(?<=年度报告)(?=\s*\S)")
# a section heading followed by its text on the same line: the heading is a line of its own
_HEADING = re.compile(
    r"[一二三四五六]{1,2}、\s*(?:总体情况|主动公开政府信息情况|收到和处理政府信息公开申请情况|"
    r"政府信息公开行政复议、?行政诉讼情况|(?:政府信息公开工作)?存在的主要问题及改进情况|其他需要报告的事项)"
)


def _cut_points(text: str) -> list[int]:
    cuts: set[int] = set()
    for m in _LANDMARKS.finditer(text):
        cuts.add(m.start())
    for m in _ITEMS.finditer(text):
        before = text[: m.start()].rstrip()
        after = text[m.end() :].lstrip()
        if (before and before[-1].isdigit()) or (after and _NUMERIC.match(after)):
            cuts.add(m.start())
    for m in _AFTER_TOTAL.finditer(text):
        cuts.add(m.start())
    for m in _AFTER_TITLE.finditer(text):
        cuts.add(m.start())
    for m in _HEADING.finditer(text):
        cuts.add(m.end())
    cuts.discard(0)
    cuts.discard(len(text))
    return sorted(cuts)


def is_run_on(line: Line) -> bool:
    """A long free-text line holding several of the form's landmarks."""
    if line.cells is not None or len(line.text) < MIN_LENGTH:
        return False
    return sum(1 for _ in _LANDMARKS.finditer(line.text)) >= MIN_LANDMARKS


def split_line(line: Line) -> list[Line]:
    """The pieces of a run-together line, each keeping the source line number."""
    text = line.text
    pieces: list[Line] = []
    start = 0
    for cut in [*_cut_points(text), len(text)]:
        piece = text[start:cut].strip()
        if piece:
            pieces.append(Line(text=piece, lineno=line.lineno, raw=piece, page=line.page))
        start = cut
    return pieces or [line]


def segment_lines(lines: list[Line]) -> list[Line]:
    """The document's lines with every run-together line cut at the form's landmarks."""
    if not any(is_run_on(line) for line in lines):
        return lines
    out: list[Line] = []
    for line in lines:
        out.extend(split_line(line) if is_run_on(line) else [line])
    return out
