"""What one parse worker does with one file: read, parse, serialise, flatten.

Runs in a worker process, so the JSON encoding and the flattening are spread over the cores too;
the parent only concatenates rows.
"""

from __future__ import annotations

import importlib
import json
import time
import zlib
from functools import cache
from typing import Any

from pipeline.load.flatten import flatten
from pipeline.report import failed_record
from pipeline.runner import name_is_utf8, read_limited

DEFAULT_PARSER = "pipeline.report:parse_bytes"


def pack(record: dict[str, Any]) -> bytes:
    """A record for the parse cache: JSON, zlib-compressed (a record with its provenance is ~30 KB
    of JSON, ~4 KB packed; 10⁵ of them must fit in memory while a batch is assembled)."""
    return zlib.compress(json.dumps(record, ensure_ascii=False, default=str).encode("utf-8"), 1)


def unpack(blob: bytes) -> dict[str, Any]:
    return json.loads(zlib.decompress(blob).decode("utf-8"))


@cache
def _parser(target: str) -> Any:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def parse_file(abs_path: str, path: str, batch: str, parser: str, parser_version: str) -> dict[str, Any]:
    """Parse one file; ``path`` is what the record and the warehouse call it (relative to raw)."""
    t0 = time.perf_counter()
    try:
        data = read_limited(abs_path)  # regular files only, up to the size limit
    except OSError as exc:
        record = failed_record(path, f"cannot read the file: {exc.strerror or exc}")
    else:
        record = _parser(parser)(data, path)
    if not name_is_utf8(abs_path):
        record.setdefault("problems", []).append(
            "the file name is not valid UTF-8; its bytes are shown as \\xNN escapes"
        )
    record["parser_version"] = parser_version  # the run's version is the cache key; see batch.py
    return {
        "record": pack(record),
        "rows": flatten(record, batch, path, parser_version),
        "seconds": time.perf_counter() - t0,
    }
