"""One identity per agency across the ways reports print its name.

Reports of the same agency print its name differently from year to year: 周口市政府办公室 one
year, 周口市人民政府办公室 the next, sometimes with the province in front. ``agency_key`` folds
those variants so the marts can follow an agency across years, while keeping apart what really is
a different agency: a government (人民政府) and its general office (办公室/办公厅) stay distinct,
and namesakes in different places (鼓楼区 exists in four cities) are told apart by the region code.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["agency_key", "canonical_name"]

# characters that never distinguish two agencies: spacing and decorative punctuation
_NOISE = re.compile(r"[\s\u3000·•・\"'“”‘’「」《》〈〉]+")
# a government's general office is 办公厅 at province level and 办公室 below; one government
# has only one, so the two words name the same office
_OFFICE = re.compile(r"政府办公厅")
UNKNOWN_REGION = "000000"


@lru_cache(maxsize=4096)
def _ancestor_names(admin_code: str) -> tuple[str, ...]:
    """Full and short names of the regions above ``admin_code`` (province, then city)."""
    try:
        from pipeline.parse.gazetteer import places, short_name
    except ImportError:  # the gazetteer is optional for the key: without it no prefix is stripped
        return ()
    pl = places()
    codes = [admin_code[:2] + "0000", admin_code[:4] + "00"]
    names: list[str] = []
    for code in codes:
        if code == admin_code or code not in pl:
            continue
        full = pl[code].name
        names.extend(n for n in (full, short_name(full)) if n)
    return tuple(sorted(set(names), key=len, reverse=True))


def canonical_name(name: str, admin_code: str | None = None) -> str:
    """The name with variant spellings folded: NFKC, no spaces, 人民政府 → 政府, 办公厅 → 办公室,
    and the names of the regions above ``admin_code`` dropped from the front."""
    s = _NOISE.sub("", unicodedata.normalize("NFKC", name))
    s = s.replace("人民政府", "政府")
    s = _OFFICE.sub("政府办公室", s)
    if admin_code:
        changed = True
        while changed:  # 河南省周口市川汇区… → 川汇区…
            changed = False
            for prefix in _ancestor_names(admin_code):
                if s.startswith(prefix) and len(s) > len(prefix) + 1:
                    s = s[len(prefix) :]
                    changed = True
                    break
    return s


def agency_key(name: str | None, admin_code: str | None) -> str:
    """Stable agency id ``"<admin_code>:<canonical name>"``; ``""`` when the name is unknown.

    >>> agency_key("周口市政府办公室", "411600") == agency_key("周口市人民政府办公室", "411600")
    True
    >>> agency_key("周口市人民政府", "411600") == agency_key("周口市人民政府办公室", "411600")
    False
    """
    if not name or not name.strip():
        return ""
    code = admin_code if admin_code and re.fullmatch(r"\d{6}", admin_code) else UNKNOWN_REGION
    return f"{code}:{canonical_name(name, code if code != UNKNOWN_REGION else None)}"
