"""Parsers and tasks for the reliability tests, in a light module: the worker processes import it
by name ($OGI_PARSER, run_tasks targets), and the test module itself pulls in Dagster."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pipeline.report import parse_bytes


def hang_or_crash(data: bytes, path: str) -> dict:
    """Hangs on a file named *hang*, kills its worker on *crash*, parses the rest."""
    name = Path(path).name
    if "hang" in name:
        time.sleep(60)
    if "crash" in name:
        os._exit(11)
    return parse_bytes(data, path)


def sleepy_parse(data: bytes, path: str) -> dict:
    """Times out while the flag file named by $OGI_TEST_SLOW exists (a loaded machine)."""
    if os.path.exists(os.environ.get("OGI_TEST_SLOW", "/nonexistent")):
        time.sleep(30)
    return parse_bytes(data, path)


def allocate(mb: int) -> int:
    return len(bytearray(mb * 1024 * 1024))
