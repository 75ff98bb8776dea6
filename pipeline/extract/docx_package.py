"""The body of a DOCX's main document, read with lxml alone where python-docx would read it too.

python-docx opens a package by walking its relationships from ``_rels/.rels``: every internal
target must be in the archive and have a content type in ``[Content_Types].xml``, and the parts
it models as XML (document, styles, numbering, settings, headers, footers, comments, core
properties) are parsed, so a damaged one makes the file unreadable. The same walk is done here
with a plain lxml parser of the same settings (blank text between elements dropped, entities
not resolved), which gives the same element text without python-docx's per-element classes.

``document_body`` returns None where it has any doubt (an error on the way, a main part that is
not a plain Word document such as a .docm): the reader then asks python-docx, so such a file's
record and problem stay exactly what they were.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import zipfile
from typing import Any

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_XML_PARTS = frozenset(
    (
        "application/vnd.openxmlformats-package.core-properties+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
        _DOCUMENT_MAIN,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml",
    )
)
"""Content types python-docx parses when it opens a package (its PartFactory's XML parts)."""

_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)


class _NoTree:
    """A parser target that builds nothing: the other XML parts are only checked to parse
    (a tree of styles.xml, 350 kB in Word's template, cost 5 ms; this check 2 ms)."""

    def close(self) -> None:
        return None


_CHECKER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, target=_NoTree())

_READABLE: set[tuple[tuple[bytes, int, int, int], bool]] = set()
"""Members already read (and, for parts python-docx parses, parsed) without error, by a digest
of their compressed bytes: the same bytes decompress to the same part, so the many reports made
from one template (its 350 kB styles.xml) are not inflated and parsed again."""
_MAX_READABLE = 512


def _member_key(data: bytes, info: zipfile.ZipInfo) -> tuple[bytes, int, int, int] | None:
    """Digest of a member's compressed bytes (from its local header), with how it is stored."""
    at = info.header_offset
    if data[at : at + 4] != b"PK\x03\x04" or info.flag_bits & 0x1:
        return None
    name_len = int.from_bytes(data[at + 26 : at + 28], "little")
    extra_len = int.from_bytes(data[at + 28 : at + 30], "little")
    start = at + 30 + name_len + extra_len
    raw = data[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        return None
    digest = hashlib.blake2b(raw, digest_size=16).digest()
    return digest, info.compress_type, info.file_size, info.CRC


def _check(zf: zipfile.ZipFile, data: bytes, name: str, parse: bool) -> None:
    """Raise where python-docx would fail to read (or, ``parse``, to parse) the member."""
    info = zf.getinfo(name)
    key = _member_key(data, info)
    if key is not None and (key, parse) in _READABLE:
        return
    blob = zf.read(info)
    if parse:
        etree.fromstring(blob, _CHECKER)
    if key is not None and len(_READABLE) < _MAX_READABLE:
        _READABLE.add((key, parse))


def _rels(zf: zipfile.ZipFile, partname: str) -> list[tuple[str, str, str]]:
    """(type, target, mode) of the part's relationships; none where it has no rels item."""
    base, name = posixpath.split(partname)
    try:
        blob = zf.read(posixpath.join(base, "_rels", f"{name}.rels")[1:])
    except KeyError:
        return []
    out = []
    for rel in etree.fromstring(blob, _PARSER).iterchildren(f"{_RELS}Relationship"):
        rid, reltype, target = rel.get("Id"), rel.get("Type"), rel.get("Target")
        if rid is None or reltype is None or target is None:
            raise ValueError("relationship without Id, Type or Target")
        out.append((reltype, target, rel.get("TargetMode", "Internal")))
    return out


def document_body(data: bytes) -> Any:
    """The w:body element of the main document, or None where python-docx must decide."""
    try:
        return _body(data)
    except Exception:  # python-docx reads it again and says what is wrong in its own words
        return None


def _body(data: bytes) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        types = etree.fromstring(zf.read("[Content_Types].xml"), _PARSER)
        overrides = {
            o.get("PartName").lower(): o.get("ContentType") for o in types.iterchildren(f"{_CT}Override")
        }
        defaults = {
            d.get("Extension").lower(): d.get("ContentType") for d in types.iterchildren(f"{_CT}Default")
        }
        package_rels = _rels(zf, "/")
        main = [t for reltype, t, _m in package_rels if reltype == _OFFICE_DOCUMENT]
        if len(main) != 1:
            return None
        main_name = posixpath.abspath(posixpath.join("/", main[0]))
        main_part: tuple[str, Any] | None = None
        visited: set[str] = set()
        todo = [("/", package_rels)]
        while todo:  # python-docx's walk (order does not matter: any failure hands over)
            source, rels = todo.pop()
            base = posixpath.split(source)[0]
            for reltype, target, mode in rels:
                if mode == "External":
                    continue
                partname = posixpath.abspath(posixpath.join(base, target))
                if partname in visited:
                    continue
                visited.add(partname)
                ext = posixpath.splitext(partname)[1]
                ext = ext[1:] if ext.startswith(".") else ext
                key = partname.lower()
                content_type = overrides[key] if key in overrides else defaults[ext.lower()]
                if partname == main_name:
                    main_part = (content_type, etree.fromstring(zf.read(partname[1:]), _PARSER))
                else:  # raises where python-docx would
                    _check(zf, data, partname[1:], reltype != _IMAGE and content_type in _XML_PARTS)
                todo.append((partname, _rels(zf, partname)))
    if main_part is None or main_part[0] != _DOCUMENT_MAIN:
        return None
    return main_part[1].find(f"{W}body")
