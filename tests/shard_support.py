"""Raw batches for the shard tests: three batches of distinct reports, one file that hangs and one
that kills its worker (parsed by ``reliability_support:hang_or_crash``)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from pipeline.synth.records import random_record
from pipeline.synth.text import render_text

REPO = Path(__file__).resolve().parents[1]
PARSER = "reliability_support:hang_or_crash"


def report(seed: int) -> bytes:
    rec = random_record(random.Random(seed), 2021)
    return render_text(rec, "spaces", rng=random.Random(seed)).encode("utf-8")


def three_batches(raw: Path) -> dict[str, int]:
    """``a``: the five seed reports; ``b``: six synthetic ones, a hang and a crash; ``c``: four
    synthetic ones and a copy of a seed. Returns the files per batch."""
    shutil.copytree(REPO / "data" / "raw" / "sample", raw / "a")
    (raw / "b").mkdir(parents=True)
    for i in range(6):
        (raw / "b" / f"r{i}.txt").write_bytes(report(100 + i))
    (raw / "b" / "hang_1.txt").write_bytes(report(200))
    (raw / "b" / "crash_1.txt").write_bytes(report(201))
    (raw / "c" / "sub").mkdir(parents=True)
    for i in range(4):
        (raw / "c" / "sub" / f"r{i}.txt").write_bytes(report(300 + i))
    seed = sorted((REPO / "data" / "raw" / "sample").iterdir())[0]
    shutil.copy(seed, raw / "c" / seed.name)
    return {"a": 5, "b": 8, "c": 5}
