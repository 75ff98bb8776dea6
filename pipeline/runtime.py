"""Process settings for the processes that parse many reports (CLI, pool workers, benchmarks).

Parsing allocates many short-lived small objects and keeps memo caches that grow to tens of
thousands of entries (label matches, word classes, readings of damaged row patterns). With
CPython's default thresholds (700, 10, 10) the cyclic garbage collector runs every few hundred
allocations and its older generations walk those caches again and again: measured here, about a
fifth of the parse time. Reference counting frees nearly all of the parser's garbage anyway, so
these processes collect far less often. The parsing core itself does
not touch the collector; the entry points call this once.
"""

from __future__ import annotations

import gc


def tune_gc_for_parsing() -> None:
    """Raise the collection thresholds (no gc.freeze: frozen extension objects are reported as
    leaks at exit, and the thresholds alone give the gain)."""
    gc.set_threshold(20_000, 50, 50)
