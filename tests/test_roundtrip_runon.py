"""Round trips through crawler run-together text (issue 10, part 1; ``pipeline.synth.runon``).

A random record rendered as a crawler dump (metadata header, navigation, body on one line, table
cells run together) must parse back: every cell the renderer calls recoverable comes back equal; a
cell it calls unrecoverable comes back null or equal, never wrong. A record with a deliberate source
error must come back with the error kept, or with the cells null; a wrong value under status ``ok``
is the one thing never allowed. Seeds reproduce in one line:
``runon_rendering(random_record(random.Random(seed)), variant=seed)``.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from pipeline.record import RL_GROUPS
from pipeline.report import parse_bytes
from pipeline.synth.records import broken_identities, random_record, violate
from pipeline.synth.runon import (
    Rendering,
    diff_cells,
    row_readings,
    runon_rendering,
    t2_readings,
    t4_readings,
)

# derandomised and not shrunk, like the other round trips: a seed is the whole example
ROUNDTRIP = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
seeds = st.integers(min_value=0, max_value=2**32 - 1)


def _parse(rec: dict[str, Any], seed: int) -> tuple[dict[str, Any], Rendering]:
    r = runon_rendering(rec, variant=seed)
    note(f"seed={seed} notes={r.notes} unrecoverable={sorted(r.unrecoverable)}")
    return parse_bytes(r.data, "x.txt"), r


def _fail(diffs: list[str], got: dict[str, Any], r: Rendering) -> str:
    return "\n".join([*diffs[:12], f"status={got['status']} problems={got['problems'][:4]}", "---", r.text])


@ROUNDTRIP
@given(seed=seeds)
def test_runon_roundtrip(seed: int) -> None:
    rec = random_record(random.Random(seed))
    got, r = _parse(rec, seed)
    diffs = diff_cells(rec, got, r.unrecoverable)
    assert not diffs, _fail(diffs, got, r)


@ROUNDTRIP
@given(seed=seeds)
def test_runon_source_error_kept_or_null(seed: int) -> None:
    rng = random.Random(seed)
    bad, description = violate(random_record(rng), rng)
    note(description)
    got, r = _parse(bad, seed)
    wrong = [d for d in diff_cells(bad, got, r.unrecoverable) if not d.endswith("got None")]
    if got["status"] == "ok":
        assert not wrong, _fail([description, *wrong], got, r)
    # every table cell read right: then the parsed tables break what the source breaks
    if not diff_cells(bad, got, set()):
        assert broken_identities(got) == broken_identities(bad)


# ----------------------------------------------------------------------------- examples
def test_readings_count_splits_under_the_identities() -> None:
    assert row_readings("4100005") == 1  # 4|1|0|0|0|0|5
    assert row_readings("12300000123") == 1  # 123|0|0|0|0|0|123
    assert row_readings("3 0 0 0 0 03") == 1  # partly spaced
    assert row_readings("10100011") == 0  # no split sums
    assert t4_readings("000001000100000") == 1
    assert t2_readings("5-20", ["count", "signed", "count"]) == 1  # 5, −2, 0
    assert t2_readings("4126800", ["count", "money"]) == 2  # 4|126800 or 41|26800 …
    assert t2_readings("0126800", ["count", "money"]) == 1  # no leading zeros


def test_readings_count_with_the_registrys_identities() -> None:
    """The split counters encode the registry's row and table-四 identities: on fully spaced cells
    a row reads once exactly when ``broken_identities`` finds its identity holding, else never."""
    seen = {True: 0, False: 0}
    for seed in range(80):
        rng = random.Random(seed)
        rec = random_record(rng, consistent=seed % 2 == 0)
        if seed % 3 == 0:
            rec, _ = violate(rec, rng)
        broken = set(broken_identities(rec))
        for code, vals in rec["applications"]["rows"].items():
            if None in vals:
                continue
            holds = f"row:{code}" not in broken
            seen[holds] += 1
            assert row_readings(" ".join(map(str, vals))) == int(holds), (seed, code, vals)
        rl = rec["review_litigation"]
        t4 = " ".join(str(x) for g in RL_GROUPS for x in rl[g])
        assert t4_readings(t4) == int(not any(b.startswith("t4:") for b in broken)), (seed, t4)
    assert seen[True] > 100 and seen[False] > 20


def test_fixed_seed_renders_run_together_text() -> None:
    rec = random_record(random.Random(5), 2021)
    r = runon_rendering(rec, variant=5)
    text = r.text
    assert text.startswith(("标题", "首页"))
    assert "发布时间" in text and "原文链接" in text and "打印本页" in text
    body = max(text.splitlines(), key=len)
    assert "属于国家秘密" in body and "结转下年度继续办理" in body  # table 三 on one line


def _readable(rec: dict[str, Any], want: str = "") -> Rendering:
    """The first variant whose rendering contains ``want`` and leaves every table cell readable."""
    for v in range(300):
        r = runon_rendering(rec, variant=v)
        if want in r.text and not {p for p in r.unrecoverable if p != "agency.province"}:
            return r
    raise AssertionError(f"no variant renders {want!r} readably")


def test_fixed_seed_parses_concrete_values() -> None:
    rec = random_record(random.Random(11), 2019)
    rows = rec["applications"]["rows"]
    got = parse_bytes(_readable(rec).data, "x.txt")
    assert got["format_version"] == 2019
    assert got["year"] == rec["year"]
    assert got["applications"]["rows"]["new_received"] == rows["new_received"]
    assert got["applications"]["rows"]["total_processed"] == rows["total_processed"]
    assert got["review_litigation"]["review"] == rec["review_litigation"]["review"]


def test_busy_row_split_by_the_row_identity() -> None:
    """``123000015`` reads 12|3|0|0|0|0|15 (the only split whose six cells sum to the last)."""
    rec = random_record(random.Random(1), 2021)
    rows = rec["applications"]["rows"]
    for code in rows:
        if rows[code][0] is not None:
            rows[code] = [0] * 7
    for code in ("new_received", "granted", "total_processed"):
        rows[code] = [12, 3, 0, 0, 0, 0, 15]
    rec["narrative"]["applications_received"] = 15
    r = _readable(rec, "予以公开123000015")
    got = parse_bytes(r.data, "x.txt")
    assert got["applications"]["rows"]["granted"] == [12, 3, 0, 0, 0, 0, 15]
    assert got["applications"]["rows"]["new_received"] == [12, 3, 0, 0, 0, 0, 15]
    assert got["applications"]["rows"]["carried_forward"] == [0] * 7
    assert got["agency"]["name"] == "厦门市人民政府办公室"
    assert got["year"] == 2022
    assert got["status"] == "ok"
