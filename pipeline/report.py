"""Bytes in, report record out: the one entry point every caller uses (CLI, Dagster, tests).

Pure: reads nothing from disk and writes nothing; the caller hands over the bytes and the path.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

from pipeline.extract import read_document
from pipeline.parse import parse_document
from pipeline.record import PARSER_VERSION, empty_record
from pipeline.sanitize import sanitize_record

#: a DOCX (a zip) is refused before it is opened when it has more members than this …
MAX_ZIP_MEMBERS = 10_000
#: … or when its members would decompress to more than this many bytes (zip bombs)
MAX_ZIP_UNPACKED = 512 * 1024 * 1024


def zip_problem(data: bytes) -> str | None:
    """Why a zip container (DOCX) must not be opened, from its central directory alone (declared
    sizes bound what ``zipfile`` will inflate, so checking them is enough); None if it may be."""
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None  # not a readable zip: the reader says so in its own words
    if len(infos) > MAX_ZIP_MEMBERS:
        return f"the zip container has {len(infos)} members (limit {MAX_ZIP_MEMBERS}); not opened"
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_ZIP_UNPACKED:
        return f"the zip container would unpack to {unpacked} bytes (limit {MAX_ZIP_UNPACKED}); not opened"
    return None


def parse_bytes(data: bytes, path: str) -> dict[str, Any]:
    """Parse one source file's bytes into a report record. Never raises for bad input."""
    source = {
        "path": path,
        "sha256": hashlib.sha256(data).hexdigest(),
        "format": None,
        "encoding": None,
        "bytes": len(data),
    }
    refused = zip_problem(data)
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    if refused is None and name.startswith("~$") and len(data) < 4096:
        refused = "an Office lock file (~$…, written while a document is open), not a report"
    if refused is not None:
        record = empty_record()
        record["status"] = "failed"
        record["problems"] = [refused]
        source["format"] = "docx" if path.lower().endswith(".docx") else None
    else:
        try:
            doc = read_document(data, path)
            source["format"] = doc.format
            source["encoding"] = doc.encoding
            record = sanitize_record(parse_document(doc, name))
        except Exception as exc:  # a reader or parser bug must not stop a batch: keep the file, say why
            record = empty_record()
            record["status"] = "failed"
            record["problems"] = [f"internal error while parsing: {type(exc).__name__}: {exc}"]
    record["source"] = source
    record["parser_version"] = PARSER_VERSION
    return record


def failed_record(path: str, problem: str, data: bytes | None = None) -> dict[str, Any]:
    """The record of a file that could not be parsed at all (unreadable, timed out, crashed)."""
    record = empty_record(
        {
            "path": path,
            "sha256": hashlib.sha256(data).hexdigest() if data is not None else None,
            "format": None,
            "encoding": None,
            "bytes": len(data) if data is not None else 0,
        }
    )
    record["status"] = "failed"
    record["problems"] = [problem]
    return record
