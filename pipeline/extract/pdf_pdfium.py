"""A page's char boxes from pdfium, with as few foreign calls per char as pdfium allows.

pdfium has no call that hands out the boxes of all chars at once, so a table page costs a few
calls per char. Through pypdfium2's bindings each call converts and checks its pointer arguments
and wraps a returned pointer in a Python object (a cast back to an address cost 3 µs); here the
same C functions are called with ready-made arguments and plain addresses returned, and what is
the same for a whole text object (its font size and scale) is asked once per object. A char that
pdfium generated (a space or line break it inferred) is only asked about where it can be one:
pdfium generates nothing but spaces and line breaks.
"""

from __future__ import annotations

import codecs
import ctypes
from typing import Any

from pipeline.extract.pdf_text import Char

_GENERATED_CODES = frozenset((0, 9, 10, 13, 32, 0xA0, 0xFFFE))
"""Codes that a char pdfium generated can have (it inserts spaces and line breaks); others are
never generated, so they skip the IsGenerated call."""


class _Ptr(ctypes.c_void_p):
    """A pdfium handle returned as it is (a c_void_p subclass is not turned into an int), so it
    goes back into the next call without conversion."""


class _Calls:
    """pdfium's text functions called with ready-made arguments (the library pypdfium2 loaded).

    Functions of a ctypes library without declared argument types take a ``c_void_p`` and ints
    as they are: about half the cost of pypdfium2's declared prototypes. Where pypdfium2 does not
    expose its library handle, prototypes built from the functions' addresses are used instead.
    """

    def __init__(self) -> None:
        import pypdfium2.raw as c

        try:
            from pypdfium2_raw import bindings

            shared = bindings._libs["pdfium"]
            lib: Any = ctypes.CDLL(shared._name, handle=shared._handle)  # own function objects
        except Exception:
            lib = None

        def fn(name: str, restype: Any, nargs: int = 2) -> Any:
            if lib is not None:
                out = lib[name]
                out.restype = restype
                return out
            args = (ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)[:nargs]
            return ctypes.CFUNCTYPE(restype, *args)(ctypes.cast(getattr(c, name), ctypes.c_void_p).value)

        self.unicode = fn("FPDFText_GetUnicode", ctypes.c_uint)
        self.generated = fn("FPDFText_IsGenerated", ctypes.c_int)
        self.map_error = fn("FPDFText_HasUnicodeMapError", ctypes.c_int)
        self.text_object = fn("FPDFText_GetTextObject", ctypes.c_void_p)
        self.font_size = fn("FPDFText_GetFontSize", ctypes.c_double)
        self.loose_box = fn("FPDFText_GetLooseCharBox", ctypes.c_int, 3)
        self.lib = lib
        self.count = c.FPDFText_CountChars
        self.matrix = c.FPDFPageObj_GetMatrix
        self.pageobject = c.FPDF_PAGEOBJECT
        self.FS_MATRIX = c.FS_MATRIX


_calls: _Calls | None = None


def pdfium_chars(textpage: Any, left: float, top: float) -> tuple[list[Char], int]:
    """The page's chars with pdfminer's box convention, and how many had no Unicode map.

    pdfium's loose box has the font's descent at the bottom, as pdfminer's has; pdfminer's box is
    then exactly one font size high, so the top is the bottom minus the char's size (the font
    size times the text object's scale). Chars pdfium generated (spaces, line breaks it inferred)
    are left out: pdfminer has none of them.
    """
    global _calls
    if _calls is None:
        _calls = _Calls()
    k = _calls
    raw = textpage.raw
    tp = ctypes.c_void_p(ctypes.cast(raw, ctypes.c_void_p).value)
    unicode, generated, map_error, text_object, font_size, loose_box = (
        k.unicode,
        k.generated,
        k.map_error,
        k.text_object,
        k.font_size,
        k.loose_box,
    )
    box = (ctypes.c_float * 4)()  # FS_RECTF: left, top, right, bottom
    box_at = ctypes.c_void_p(ctypes.addressof(box))
    new = tuple.__new__
    matrix = k.FS_MATRIX()
    sizes: dict[int, float] = {}  # text object -> its font size times its scale
    chars: list[Char] = []
    append = chars.append
    unmapped = 0
    for i in range(k.count(raw)):
        code = unicode(tp, i)
        if code in _GENERATED_CODES and generated(tp, i):
            continue
        if map_error(tp, i):
            unmapped += 1
            continue
        if code == 0 or code == 10 or code == 13:
            continue
        obj = text_object(tp, i)
        if obj is None:  # no text object: pdfium's default size, unscaled
            size = font_size(tp, i)
        else:
            size = sizes.get(obj)  # type: ignore[assignment]
            if size is None:
                factor = 1.0
                if k.matrix(ctypes.cast(obj, k.pageobject), matrix):
                    factor = (matrix.c * matrix.c + matrix.d * matrix.d) ** 0.5 or 1.0
                size = sizes[obj] = font_size(tp, i) * factor
        loose_box(tp, i, box_at)
        x0, _t, x1, b = box
        bottom = top - b
        append(new(Char, (chr(code), x0 - left, x1 - left, bottom - size, bottom, size, True, "", None)))
    return chars, unmapped


def glyphless(textpage: Any, sample: int = 48) -> bool:
    """Whether pdfium lacks the glyphs of the page's CJK text: a font the PDF does not embed
    (reportlab's STSong-Light, WPS's SimSun by name) and no system font to stand in for it.

    pdfium then knows no glyph outlines (every such char's tight box is zero high) and, building
    its text page, drops a char that repeats the one a line above at the same x as a duplicate
    ("商业企业" wrapped in a cell reads "商业企"). pdfminer reads the same chars from the PDF's own
    widths and CMaps, so such a page is read by pdfplumber. Up to ``sample`` CJK chars are asked."""
    import pypdfium2.raw as c

    raw = textpage.raw
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    asked = flat = 0
    for i in range(c.FPDFText_CountChars(raw)):
        if c.FPDFText_GetUnicode(raw, i) < 0x2E80:  # CJK radicals and up
            continue
        if not c.FPDFText_GetCharBox(raw, i, left, right, bottom, top):
            continue
        asked += 1
        flat += top.value - bottom.value < 0.1  # no outline: a box 0.01 pt high
        if asked >= sample:
            break
    return asked > 0 and flat * 2 >= asked


Subpath = list[tuple[str, tuple[float, float]]]


def pdfium_subpaths(page: Any, left: float, top: float) -> list[Subpath]:
    """Every path of the page (form XObjects included) as subpaths of (operator, point).

    Operators are pdfminer's: 'm', 'l', 'c' (a Bézier keeps only its end point, as pdfminer's
    point list does) and 'h' (close, back at the start); points are in page space, y downwards.
    pdfium's functions are called on its library handle without pypdfium2's conversions, or
    through pypdfium2's bindings where that handle is not at hand: the same walk either way.
    """
    global _calls
    if _calls is None:
        _calls = _Calls()
    import pypdfium2.raw as c

    lib = _calls.lib
    f = _path_functions(lib)
    count_objects, get_object, obj_type, obj_matrix = f[0], f[1], f[2], f[3]
    form_count, form_object, count_segments, get_segment = f[4], f[5], f[6], f[7]
    segment_type, segment_point, segment_close = f[8], f[9], f[10]
    path_kind, form_kind = c.FPDF_PAGEOBJ_PATH, c.FPDF_PAGEOBJ_FORM
    moveto, bezierto = c.FPDF_SEGMENT_MOVETO, c.FPDF_SEGMENT_BEZIERTO
    matrix = c.FS_MATRIX()
    matrix_ref = ctypes.byref(matrix)
    x, y = ctypes.c_float(), ctypes.c_float()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    out: list[Subpath] = []

    def walk(objects: list[Any], parent: tuple[float, ...] | None) -> None:
        for obj in objects:
            kind = obj_type(obj)
            if (kind != path_kind and kind != form_kind) or not obj_matrix(obj, matrix_ref):
                continue
            a, b, cc, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
            if parent is not None:
                pa, pb, pc, pd, pe, pf = parent
                a, b, cc, d, e, f = (
                    a * pa + b * pc,
                    a * pb + b * pd,
                    cc * pa + d * pc,
                    cc * pb + d * pd,
                    e * pa + f * pc + pe,
                    e * pb + f * pd + pf,
                )
            if kind == form_kind:
                walk([form_object(obj, j) for j in range(form_count(obj))], (a, b, cc, d, e, f))
                continue
            sub: Subpath = []
            bezier = 0
            for s in range(count_segments(obj)):
                seg = get_segment(obj, s)
                kind_s = segment_type(seg)
                segment_point(seg, x_ref, y_ref)
                px, py = x.value, y.value
                point = (a * px + cc * py + e - left, top - (b * px + d * py + f))
                if kind_s == moveto:
                    if sub:
                        out.append(sub)
                    sub = [("m", point)]
                elif kind_s == bezierto:
                    bezier += 1
                    if bezier % 3 == 0:  # two control points, then the end point
                        sub.append(("c", point))
                else:
                    sub.append(("l", point))
                if segment_close(seg) and sub:
                    sub.append(("h", sub[0][1]))
            if sub:
                out.append(sub)

    raw = _Ptr(ctypes.cast(page.raw, ctypes.c_void_p).value) if lib is not None else page.raw
    walk([get_object(raw, j) for j in range(count_objects(raw))], None)
    return out


_PATH_FUNCTIONS: tuple[tuple[str, Any], ...] = (  # name, return type on the library handle
    ("FPDFPage_CountObjects", ctypes.c_int),
    ("FPDFPage_GetObject", _Ptr),
    ("FPDFPageObj_GetType", ctypes.c_int),
    ("FPDFPageObj_GetMatrix", ctypes.c_int),
    ("FPDFFormObj_CountObjects", ctypes.c_int),
    ("FPDFFormObj_GetObject", _Ptr),
    ("FPDFPath_CountSegments", ctypes.c_int),
    ("FPDFPath_GetPathSegment", _Ptr),
    ("FPDFPathSegment_GetType", ctypes.c_int),
    ("FPDFPathSegment_GetPoint", ctypes.c_int),
    ("FPDFPathSegment_GetClose", ctypes.c_int),
)
_paths: tuple[Any, ...] | None = None


def _path_functions(lib: Any) -> tuple[Any, ...]:
    """The path functions on pdfium's library handle, or pypdfium2's declared ones (``lib`` None)."""
    if lib is None:
        import pypdfium2.raw as c

        return tuple(getattr(c, name) for name, _restype in _PATH_FUNCTIONS)
    global _paths
    if _paths is None:
        out = []
        for name, restype in _PATH_FUNCTIONS:
            fn = lib[name]
            fn.restype = restype
            out.append(fn)
        _paths = tuple(out)
    return _paths


# ----------------------------------------------------------------------------- pages
class RawTextPage:
    """pdfium's text of an open page, as pypdfium2's ``PdfTextPage`` gives it (count, text)."""

    def __init__(self, page: RawPage) -> None:
        import pypdfium2.raw as c

        self.raw = c.FPDFText_LoadPage(page.raw)
        if not self.raw:
            raise RuntimeError("Failed to load text page.")

    def count_chars(self) -> int:
        import pypdfium2.raw as c

        return int(c.FPDFText_CountChars(self.raw))

    def get_text_range(self) -> str:
        """All the page's text: pypdfium2's ``get_text_range()`` (chars pdfium leaves out of its
        text at either end are skipped the same way, UTF-16 decoded ignoring errors)."""
        import pypdfium2.raw as c

        index, count = 0, self.count_chars()
        first, last = 0, count - 1
        while first <= last and c.FPDFText_GetTextIndexFromCharIndex(self.raw, first) == -1:
            first += 1
        while first <= last and c.FPDFText_GetTextIndexFromCharIndex(self.raw, last) == -1:
            last -= 1
        if first > last:
            return ""
        t_start = c.FPDFText_GetTextIndexFromCharIndex(self.raw, first)
        t_end = c.FPDFText_GetTextIndexFromCharIndex(self.raw, last)
        index, count = first, last - first + 1
        size = t_end + 2 - t_start  # with the NUL terminator
        buffer = (ctypes.c_ushort * size)()
        written = c.FPDFText_GetText(self.raw, index, count, buffer)
        if written > size:
            raise RuntimeError(f"Buffer too small: {size} vs {written}")
        return codecs.decode(memoryview(buffer)[: written - 1], "utf-16-le", errors="ignore")

    def close(self) -> None:
        import pypdfium2.raw as c

        c.FPDFText_ClosePage(self.raw)


class RawPage:
    """An open pdfium page without pypdfium2's helper object, whose bookkeeping (a finalizer and
    a parent link per page and text page) cost a fifth of loading a page. The few calls the
    reader makes are pypdfium2's own, with the same results."""

    def __init__(self, pdf: Any, index: int) -> None:
        import pypdfium2.raw as c

        self.raw = c.FPDF_LoadPage(pdf.raw, index)
        if not self.raw:
            raise RuntimeError("Failed to load page.")

    def get_textpage(self) -> RawTextPage:
        return RawTextPage(self)

    def get_rotation(self) -> int:
        import pypdfium2.internal as pdfium_i
        import pypdfium2.raw as c
        from pypdfium2 import PdfiumError

        rotation = c.FPDFPage_GetRotation(self.raw)
        if rotation == -1:
            raise PdfiumError("Failed to get page rotation.")
        return int(pdfium_i.RotationToDegrees[rotation])

    def get_mediabox(self) -> tuple[float, float, float, float]:
        import pypdfium2.raw as c

        left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
        if not c.FPDFPage_GetMediaBox(self.raw, left, bottom, right, top):
            return (0, 0, 612, 792)
        return (left.value, bottom.value, right.value, top.value)

    def close(self) -> None:
        import pypdfium2.raw as c

        c.FPDF_ClosePage(self.raw)
