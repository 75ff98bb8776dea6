"""Title, report year, agency name and kind, section headings, narrative numbers.

Titles in the wild: '川汇区人民政府2021年政府信息公开工作年度报告', '川汇区政府办公室 2024 年…',
'2021年度周口市X局政府信息公开工作年度报告', 'X局关于2021年度政府信息公开工作的年度报告', a
title on the second line after '一、总体情况', a markdown '# ' before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.document import Line

_Y = r"(?P<year>(?:19|20)\d{2}|[二〇零一二三四五六七八九○]{4})\s*年\s*度?"
_TITLE_PATTERNS = [
    # name before the year
    re.compile(
        rf"^(?P<name>[^\s，。:：]{{2,40}}?)\s*(?:关于)?\s*{_Y}\s*(?:的)?\s*政府信息公开(?:工作)?(?:的)?年度?报告"
    ),
    # year before the name
    re.compile(rf"^{_Y}\s*(?P<name>[^\s，。:：]{{2,40}}?)\s*政府信息公开(?:工作)?(?:的)?年度?报告"),
    # name, then 政府信息公开工作 then year
    re.compile(rf"^(?P<name>[^\s，。:：]{{2,40}}?)\s*政府信息公开(?:工作)?\s*{_Y}\s*报告"),
]
_CN_DIGITS = str.maketrans("〇零○一二三四五六七八九", "00012345678" + "9")
_TITLE_HINT = re.compile(r"政府信息公开.{0,6}报告")
_LEGACY_HINT = re.compile(r"政府信息公开")

SECTION_KEYS = {
    1: re.compile(r"总体情况"),
    2: re.compile(r"主动公开政府信息(?:的)?情况"),
    3: re.compile(r"收到和处理政府信息公开申请(?:的)?情况"),
    4: re.compile(r"行政复议.{0,4}行政诉讼|复议.{0,2}诉讼情况"),
    5: re.compile(r"存在的?主要问题|问题及改进"),
    6: re.compile(r"其他需要报告的事项|其他需要报告"),
}
# top-level numbering only: '（一）主动公开情况' inside 一、总体情况 is not section 二
_HEADING_NUM = re.compile(r"^(?:#+\s*)?(?:[一二三四五六七八九十]+[、.．,，]|\d+[、.．])")


@dataclass
class Title:
    name: str | None
    year: int | None
    line: Line | None


def _year(s: str) -> int | None:
    s = s.translate(_CN_DIGITS)
    return int(s) if s.isdigit() else None


_TITLE_PREFIX = re.compile(
    r"^(?:(?:标\s*题|题\s*目|名\s*称)\s*[:：]\s*|【[^】]{0,20}】\s*|\[[^\]]{0,20}\]\s*)+"
)


# a crawler's English chrome glued before the title ('- no title specified浏阳市…')
_LATIN_PREFIX = re.compile(r"^[^\u4e00-\u9fff]*[A-Za-z][^\u4e00-\u9fff]*(?=[\u4e00-\u9fff])")


def _clean_name(name: str) -> str:
    name = re.sub(r"^[#*\s>]+", "", name)
    name = re.sub(r"^关于", "", name)
    name = re.sub(r"(关于|的)$", "", name)
    name = re.sub(r"\s+", "", name)
    return name.strip("《》〈〉<>“”\"'【】[]")


_AGENCY_LINE = re.compile(
    r"^[\u4e00-\u9fff（）()]{2,30}(人民政府|政府|办公室|办公厅|局|委员会|委|厅|中心|办事处|管委会|管理委员会|院|署)$"
)


def find_title(lines: list[Line], limit: int = 40) -> Title:
    """The report's title line: agency name and report year."""
    best: Title | None = None
    for i, line in enumerate(lines[:limit]):
        text = re.sub(r"^[#*\s>]+", "", line.text).replace("\t", "")
        text = _LATIN_PREFIX.sub("", _TITLE_PREFIX.sub("", text))
        if not _TITLE_HINT.search(text) and i + 1 < len(lines) and len(lines[i + 1].text) <= 12:
            # a title wrapped over two lines ('…政府信息公开工作年' / '度报告')
            text += lines[i + 1].text.replace(" ", "")
        if not _TITLE_HINT.search(text):
            continue
        for pat in _TITLE_PATTERNS:
            m = pat.search(text)
            if m:
                year = _year(m.group("year"))
                name = _clean_name(m.group("name"))
                if name and not re.fullmatch(r"[\d年度]+", name):
                    return Title(name, year, line)
                best = best or Title(None, year, line)
        if best is None:
            m = re.search(_Y, text)
            best = Title(None, _year(m.group("year")) if m else None, line)
        if best.name is None:
            # '周口市统计局' on the line above (or below) '2021年度政府信息公开工作年度报告'
            for j in (i - 1, i + 1):
                if 0 <= j < len(lines):
                    cand = re.sub(r"^[#*\s>]+", "", lines[j].text).replace(" ", "")
                    if _AGENCY_LINE.match(cand):
                        best = Title(cand, best.year, line)
                        break
    return best or Title(None, None, None)


_DATE_LINE = re.compile(
    r"^(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$|^[二〇零○一三四五六七八九十]{4}年"
)


# the title of a letter, notice or plan (about 政务公开 work, or quoting the annual report's name)
_NOTICE = re.compile(
    r"(?:关于.{2,80}?的(?:函|复函|通知|补充通知|意见|实施意见|方案|实施方案|批复|通报|公告|决定|请示)|"
    r"(?:工作要点|实施方案|工作方案|任务分工))$"
)


def find_notice(lines: list[Line], title: Line | None, limit: int = 12) -> str | None:
    """The title if the document is a letter or notice rather than an annual report."""
    cands = [title] if title is not None else []
    cands += [line for line in lines[:limit] if line.cells is None and len(line.text) <= 100]
    for line in cands:
        t = _TITLE_PREFIX.sub("", re.sub(r"^[#*\s>]+", "", line.text)).replace(" ", "").rstrip("。.")
        t = t.strip('《》“”"')
        if _NOTICE.search(t):
            return t
    return None


_PUBLISHER = re.compile(
    r"^(?:发布机构|发文机关|发布单位|信息来源|来\s*源)\s*[:：]\s*(?P<name>[^\s，。,:：|]{2,40})"
)


def find_publisher(lines: list[Line], limit: int = 30) -> str | None:
    """The issuing agency named in a crawl's metadata header ('发布机构: 某市某局')."""
    for line in lines[:limit]:
        m = _PUBLISHER.match(line.text.strip())
        if m:
            name = re.sub(r"(?:门户)?网站$|网$", "", m.group("name"))
            if _AGENCY_LINE.match(name):
                return name
    return None


def find_signature(lines: list[Line]) -> str | None:
    """The issuing agency as signed at the end ('周口市X局' above '2022年1月20日')."""
    tail = lines[-12:]
    for i, line in enumerate(tail):
        t = line.text.replace(" ", "").replace("\t", "")
        if _AGENCY_LINE.match(t):
            nxt = tail[i + 1].text.replace(" ", "") if i + 1 < len(tail) else ""
            prev = tail[i - 1].text.replace(" ", "") if i else ""
            if _DATE_LINE.match(nxt) or _DATE_LINE.match(prev) or i == len(tail) - 1:
                return t
    return None


def find_year_in_text(text: str) -> int | None:
    """The statistics year stated in the prose ('2021年，我局…'), for titles without one."""
    years = [int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)", text[:4000])]
    if not years:
        return None
    return max(set(years), key=years.count)


def is_heading(line: Line, key: int) -> bool:
    t = line.text.replace("\t", " ").strip()
    m = SECTION_KEYS[key].search(t)
    if m is None:
        return False
    if len(t) > 45:
        # a heading with its text run on ('五、存在的主要问题及改进情况 一是…'): numbered, key up front
        return bool(_HEADING_NUM.match(t)) and m.start() <= 12
    return bool(_HEADING_NUM.match(t)) or len(t) <= 20


def find_sections(lines: list[Line]) -> dict[int, int]:
    """Line index of each section heading 一…六 found, in document order."""
    found: dict[int, int] = {}
    last = -1
    for key in range(1, 7):
        for i in range(last + 1, len(lines)):
            if is_heading(lines[i], key):
                found[key] = i
                last = i
                break
    return found


_N = r"(?P<n>\d[\d,]*|[零〇一二两三四五六七八九十百千万]+)"
_ITEMS = re.compile(
    r"(?:主动)?(?:公开|发布)[^。；;！!？?]{0,30}?(?:政府)?信息(?:共计|共|合计|总计)?\s*" + _N + r"\s*条"
)
_APPS = re.compile(
    r"(?:收到|新收|受理|接收|接到|办理)[^。；;！!？?]{0,25}?申请[^。；;，,！!？?\d]{0,8}?(?:共计|共|合计)?\s*"
    + _N
    + r"\s*(?:件|个|份|条)"
)


def _count(m: re.Match[str] | None) -> int | None:
    if m is None:
        return None
    n = m.group("n").replace(",", "")
    if n.isdigit():
        return int(n)
    import cn2an  # lazy: rare in practice

    try:
        return int(cn2an.cn2an(n, "smart"))
    except (ValueError, KeyError):
        return None


def narrative_numbers(text: str) -> tuple[int | None, int | None]:
    """(items_published, applications_received) as stated in the prose of 一、总体情况."""
    return _count(_ITEMS.search(text)), _count(_APPS.search(text))


def agency_kind(name: str | None) -> str | None:
    if not name:
        return None
    if re.search(r"(乡|镇|街道|街道办事处|苏木)(人民政府|政府|办事处)?$", name) or name.endswith(
        "街道办事处"
    ):
        return "township"
    if re.search(r"(人民政府|政府)(办公室|办公厅)$", name):
        return "government_office"
    if re.search(r"(人民政府|政府)$", name):
        return "government"
    if re.search(r"(局|委员会|委|厅|办公室|办|中心|署|院|部|队|所|站|处|馆|会|司|行|社)$", name):
        return "department"
    return "other"


def mentions_legacy(text: str) -> bool:
    return bool(_LEGACY_HINT.search(text))
