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
                blob = zf.read(partname[1:])
                ext = posixpath.splitext(partname)[1]
                ext = ext[1:] if ext.startswith(".") else ext
                key = partname.lower()
                content_type = overrides[key] if key in overrides else defaults[ext.lower()]
                if partname == main_name:
                    main_part = (content_type, etree.fromstring(blob, _PARSER))
                elif reltype != _IMAGE and content_type in _XML_PARTS:
                    etree.fromstring(blob, _CHECKER)  # raises where python-docx would
                todo.append((partname, _rels(zf, partname)))
    if main_part is None or main_part[0] != _DOCUMENT_MAIN:
        return None
    return main_part[1].find(f"{W}body")
