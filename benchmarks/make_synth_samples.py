"""Write rendered samples of the issue-10 families with their expected records, for the scorer.

    .venv/bin/python benchmarks/make_synth_samples.py            # both families, 10 each
    .venv/bin/ogi parse --json tests/fixtures/runon > OUT.jsonl
    python3 ../shared/tools/score.py OUT.jsonl --expected tests/fixtures/runon

Each sample is ``NNN_<family>.<ext>`` next to ``NNN_<family>.json``: the record in the shape of
``shared/golden/*.json`` with ``file`` naming the sample (the scorer matches on it) and ``uncertain``
listing the cells the rendering made unreadable, in the scorer's paths (skipped, not scored).
Seeds are fixed, so the files only change when a renderer does. The JSON files are parsed too by
``ogi parse`` (they are no reports); the scorer ignores records without an expected document.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.synth.records import random_record, violate
from pipeline.synth.runon import Rendering, runon_rendering, scorer_path

ROOT = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def _converted(record: dict[str, Any], rng: random.Random) -> Rendering:
    from pipeline.synth.converted import converted_rendering  # written after runon

    return converted_rendering(record, variant=rng)


#: family -> (file extension, renderer)
FAMILIES: dict[str, tuple[str, Callable[[dict[str, Any], random.Random], Rendering]]] = {
    "runon": (".txt", lambda rec, rng: runon_rendering(rec, variant=rng)),
    "converted": (".md", _converted),
}


def expected_record(record: dict[str, Any], file: str, r: Rendering, note: str) -> dict[str, Any]:
    """The golden-file shape of ``record`` for sample ``file``."""
    keys = ("agency", "year", "format_version", "proactive", "applications", "review_litigation", "narrative")
    return {
        "file": file,
        **{k: record[k] for k in keys},
        "uncertain": sorted(scorer_path(p) for p in r.unrecoverable),
        "notes": "; ".join([note, *r.notes]),
    }


def write_family(family: str, count: int, out_dir: Path) -> list[Path]:
    """``count`` samples: both formats, one in five with a planted source error."""
    ext, render = FAMILIES[family]
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for n in range(count):
        rng = random.Random(f"{family}-{n}")
        record = random_record(rng, 2019 if n % 3 == 2 else 2021)
        note = "consistent"
        if n % 5 == 4:
            record, note = violate(record, rng)
        r = render(record, rng)
        name = f"{n:03d}_{family}{ext}"
        (out_dir / name).write_bytes(r.data)
        exp = expected_record(record, name, r, note)
        path = out_dir / f"{n:03d}_{family}.json"
        path.write_text(json.dumps(exp, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("families", nargs="*", help=f"any of {', '.join(FAMILIES)} (default: all)")
    ap.add_argument("--count", type=int, default=10)
    args = ap.parse_args()
    for family in args.families or list(FAMILIES):
        if family not in FAMILIES:
            ap.error(f"unknown family {family!r}")
        paths = write_family(family, args.count, ROOT / family)
        print(f"{family}: {len(paths)} samples in {ROOT / family}")


if __name__ == "__main__":
    main()
