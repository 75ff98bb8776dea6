"""Bytes in, report record out: the one entry point every caller uses (CLI, Dagster, tests).

Pure: reads nothing from disk and writes nothing; the caller hands over the bytes and the path.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pipeline.extract import read_document
from pipeline.parse import parse_document
from pipeline.record import PARSER_VERSION, empty_record


def parse_bytes(data: bytes, path: str) -> dict[str, Any]:
    """Parse one source file's bytes into a report record. Never raises for bad input."""
    source = {
        "path": path,
        "sha256": hashlib.sha256(data).hexdigest(),
        "format": None,
        "encoding": None,
        "bytes": len(data),
    }
    try:
        doc = read_document(data, path)
        source["format"] = doc.format
        source["encoding"] = doc.encoding
        record = parse_document(doc)
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
