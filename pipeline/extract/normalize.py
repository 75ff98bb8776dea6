"""Unicode normalisation shared by every reader.

NFKC folds full-width digits and punctuation and the Kangxi radicals (U+2F00..U+2FD5) that PDF
fonts emit instead of ordinary characters, but it leaves the CJK Radicals Supplement
(U+2E80..U+2EF3, e.g. ⺠ ⻔ ⻅) alone. ``RADICAL_SUPPLEMENT`` maps those to the unified ideograph
that Unicode's EquivalentUnifiedIdeograph.txt names for them (only the ones with a BMP target).
"""

from __future__ import annotations

import re
import unicodedata

# U+2E80 block -> unified ideograph (EquivalentUnifiedIdeograph.txt, BMP targets only)
RADICAL_SUPPLEMENT: dict[str, str] = {
    "\u2e81": "厂",
    "\u2e82": "乛",
    "\u2e83": "乚",
    "\u2e84": "乙",
    "\u2e85": "亻",
    "\u2e86": "冂",
    "\u2e89": "刂",
    "\u2e8a": "卜",
    "\u2e8b": "㔾",
    "\u2e8c": "小",
    "\u2e8d": "小",
    "\u2e8e": "兀",
    "\u2e8f": "尣",
    "\u2e90": "尢",
    "\u2e92": "巳",
    "\u2e93": "幺",
    "\u2e94": "彑",
    "\u2e95": "彐",
    "\u2e96": "忄",
    "\u2e97": "心",
    "\u2e98": "扌",
    "\u2e99": "攵",
    "\u2e9b": "旡",
    "\u2e9c": "日",
    "\u2e9d": "月",
    "\u2e9e": "歺",
    "\u2e9f": "母",
    "\u2ea0": "民",
    "\u2ea1": "氵",
    "\u2ea2": "氺",
    "\u2ea3": "灬",
    "\u2ea4": "爫",
    "\u2ea5": "爫",
    "\u2ea6": "丬",
    "\u2ea7": "牛",
    "\u2ea8": "犭",
    "\u2ea9": "王",
    "\u2eaa": "疋",
    "\u2eab": "罒",
    "\u2eac": "示",
    "\u2ead": "礻",
    "\u2eae": "竹",
    "\u2eaf": "糸",
    "\u2eb0": "纟",
    "\u2eb1": "罓",
    "\u2eb2": "罒",
    "\u2eb3": "网",
    "\u2eb4": "网",
    "\u2eb5": "罓",
    "\u2eb6": "羊",
    "\u2eb7": "羊",
    "\u2eb8": "羋",
    "\u2eb9": "耂",
    "\u2eba": "肀",
    "\u2ebb": "聿",
    "\u2ebc": "肉",
    "\u2ebd": "臼",
    "\u2ebe": "艹",
    "\u2ebf": "艹",
    "\u2ec0": "艹",
    "\u2ec1": "虎",
    "\u2ec2": "衤",
    "\u2ec3": "覀",
    "\u2ec4": "西",
    "\u2ec5": "见",
    "\u2ec6": "角",
    "\u2ec8": "讠",
    "\u2ec9": "贝",
    "\u2eca": "足",
    "\u2ecb": "车",
    "\u2ecc": "辶",
    "\u2ecd": "辶",
    "\u2ece": "辶",
    "\u2ecf": "阝",
    "\u2ed0": "钅",
    "\u2ed1": "長",
    "\u2ed2": "镸",
    "\u2ed3": "长",
    "\u2ed4": "门",
    "\u2ed5": "阜",
    "\u2ed6": "阝",
    "\u2ed7": "雨",
    "\u2ed8": "青",
    "\u2ed9": "韦",
    "\u2eda": "页",
    "\u2edb": "风",
    "\u2edc": "飞",
    "\u2edd": "食",
    "\u2edf": "飠",
    "\u2ee0": "饣",
    "\u2ee2": "马",
    "\u2ee3": "骨",
    "\u2ee4": "鬼",
    "\u2ee5": "鱼",
    "\u2ee6": "鸟",
    "\u2ee7": "卤",
    "\u2ee8": "麦",
    "\u2ee9": "黄",
    "\u2eea": "黾",
    "\u2eeb": "斉",
    "\u2eec": "齐",
    "\u2eed": "歯",
    "\u2eee": "齿",
    "\u2eef": "竜",
    "\u2ef0": "龙",
    "\u2ef1": "龜",
    "\u2ef2": "亀",
    "\u2ef3": "龟",
}
_TRANSLATE = str.maketrans(
    {
        **RADICAL_SUPPLEMENT,
        # invisible characters that break label matching
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",
        "\u00ad": "",
        "\u2060": "",
        "\xa0": " ",
        "\u3000": " ",
    }
)
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’"
# a space between two CJK characters (or CJK and CJK punctuation) is layout, not content
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")
_SPACES = re.compile(r"[ \u2002-\u200a]+")
_NEEDS_NFKC = re.compile(r"[^\x00-\x7f\u4e00-\u9fff]")


def normalize_text(s: str) -> str:
    """NFKC + radical map + invisible-character removal; keeps tabs and line structure."""
    if _NEEDS_NFKC.search(s):
        s = unicodedata.normalize("NFKC", s.translate(_TRANSLATE))
    return s


def normalize_cell(s: str) -> str:
    """Normalise one cell or token run: ``normalize_text``, spaces folded, no CJK-CJK gaps."""
    if not s or (s.isascii() and s.isdigit()):
        return s  # the commonest cells: empty, or a plain number
    s = normalize_text(s).replace("\t", " ")
    s = _SPACES.sub(" ", s).strip()
    if " " in s:
        s = _CJK_GAP.sub("", s)
    return s


def compact(s: str) -> str:
    """A label reduced for matching: normalised, every space removed."""
    return re.sub(r"\s+", "", normalize_text(s))
