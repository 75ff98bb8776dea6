"""Never stop a batch, never hang (issue 14): one case per class of bad input or bad moment.

Fast enough to run always; the long version (a generated corpus of thousands of malformed files,
kill -9 at random moments, concurrent runs, a full disk) is ``benchmarks/reliability.py``.
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import socket
import time
import zipfile
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.load import inventory, store
from pipeline.load.batch import MAX_ATTEMPTS, ParseSettings, update_batch
from pipeline.load.flatten import flatten
from pipeline.load.layout import Layout
from pipeline.record import PARSER_VERSION, empty_record
from pipeline.report import parse_bytes
from pipeline.run_cli import RunSummary, run_pipeline
from pipeline.runner import parse_files, run_tasks
from pipeline.sanitize import check_count, sanitize_record

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
SEED = SEEDS / "003_ce55108b2c7e5886.txt"
GRANTED = "（⼀）予以公开 6 0 3 0 2 0 11"  # the 予以公开 row of that seed, as printed
HELP = "reliability_support"  # the workers' parsers and tasks (a light module)
#: tables that describe the build itself (fingerprints of generation names): differ by design
BUILD_BOOKKEEPING = {"build_input"}
IGNORE_TIMES = {"parsed_at", "first_seen_at", "last_seen_at"}


def seed_with(cell: str) -> bytes:
    """The seed with the first cell of its 予以公开 row replaced."""
    text = SEED.read_text(encoding="utf-8")
    assert GRANTED in text
    return text.replace(GRANTED, GRANTED.replace(" 6 ", f" {cell} ", 1)).encode("utf-8")


def run(raw: Path, wh: Path, **config: Any) -> RunSummary:
    return run_pipeline(
        raw,
        wh,
        instance=dg.DagsterInstance.ephemeral(),
        resource_config={"parse_workers": 2, **config},
        quality=False,
    )


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


# ----------------------------------------------------------------------------- the runner

SLOW_IMPORT = """
import time
time.sleep(4)  # a worker's import on a loaded machine


def quick(n):
    return n + 1
"""


def test_the_clock_starts_when_the_worker_takes_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "slow_import_target.py").write_text(SLOW_IMPORT)
    monkeypatch.syspath_prepend(str(tmp_path))
    out = list(run_tasks("slow_import_target:quick", [(i, (i,)) for i in range(4)], workers=2, timeout=1.0))
    assert [(o.key, o.kind, o.value) for o in out] == [(i, "ok", i + 1) for i in range(4)]


def test_hung_and_crashed_files_are_records_in_input_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OGI_PARSER", f"{HELP}:hang_or_crash")
    names = ["a.txt", "hang.txt", "b.txt", "crash.txt", "c.txt", "d.txt"]
    for n in names:
        shutil.copy(SEED, tmp_path / n)
    t0 = time.perf_counter()
    recs = list(parse_files([tmp_path / n for n in names], timeout=1.5, workers=2))
    assert time.perf_counter() - t0 < 30
    assert [Path(r["source"]["path"]).name for r in recs] == names
    assert [r["status"] for r in recs] == ["ok", "failed", "ok", "failed", "ok", "ok"], [
        r["problems"] for r in recs
    ]
    assert "timed out after 1.5 s" in recs[1]["problems"][0]
    assert "crashed" in recs[3]["problems"][0] and "exit code 11" in recs[3]["problems"][0]


def test_a_worker_over_its_memory_cap_fails_the_file_not_the_machine() -> None:
    out = list(
        run_tasks(f"{HELP}:allocate", [("big", (2048,)), ("small", (1,))], 1, 30, memory_bytes=1 << 30)
    )
    assert out[0].kind == "error" and "MemoryError" in out[0].error
    assert out[1].kind == "ok" and out[1].value == 1024 * 1024  # the same worker goes on


def test_a_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    f = tmp_path / "big.txt"
    shutil.copy(SEED, f)
    (rec,) = parse_files([f], max_bytes=1000)
    assert rec["status"] == "failed" and "file too large" in rec["problems"][0]


# ----------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        ("100000000000000000000", "out of range"),
        (str(2**63), "out of range"),
        ("1.5", "fraction"),
        ("-1", "negative"),
    ],
)
def test_a_value_out_of_range_empties_the_cell_with_a_problem(cell: str, why: str) -> None:
    rec = parse_bytes(seed_with(cell), "seed.txt")
    assert rec["status"] == "partial"
    assert rec["applications"]["rows"]["granted"][0] is None
    assert rec["applications"]["rows"]["granted"][1:] == [0, 3, 0, 2, 0, 11]
    assert any(why in p and "applications.granted.natural_person" in p for p in rec["problems"])
    assert {"where": "applications.granted.natural_person"}.items() <= rec["repairs"][-1].items()


def test_the_sanitiser_keeps_valid_values() -> None:
    assert check_count(3.0) == (3, None) and check_count("12") == (12, None)
    assert check_count(-2, signed=True) == (-2, None)
    assert check_count(True)[0] is None and check_count(float("nan"))[1] is not None
    rec = empty_record()
    rec["status"] = "ok"
    rec["proactive"] = {"administrative_license": {"items_change": -3, "decisions": 2.5}}
    sanitize_record(rec)
    assert rec["proactive"]["administrative_license"] == {"items_change": -3, "decisions": None}
    assert rec["status"] == "partial"


def test_a_report_ok_but_with_a_lost_table_is_quarantined_alone() -> None:
    rec = parse_bytes(SEED.read_bytes(), "seed.txt")
    rec["applications"]["rows"] = {k: [None] * 7 for k in rec["applications"]["rows"]}
    out = flatten(rec, "b", "b/seed.txt", PARSER_VERSION)
    assert out["report"]["status"] == "partial"
    assert "no value at all in applications" in out["quarantine"]["reason"]


def test_a_docx_with_too_many_members_or_a_bomb_is_refused_unopened() -> None:
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(10_001):
            zf.writestr(f"m{i}", b"")
    rec = parse_bytes(many.getvalue(), "many.docx")
    assert rec["status"] == "failed" and "10001 members" in rec["problems"][0]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"\0" * (600 * 1024 * 1024))
    assert len(bomb.getvalue()) < 2_000_000
    rec = parse_bytes(bomb.getvalue(), "bomb.docx")
    assert rec["status"] == "failed" and "would unpack to" in rec["problems"][0]


# ----------------------------------------------------------------------------- the raw folder


def odd_raw(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A batch holding one of every kind of entry; returns the raw folder and, per entry (its
    warehouse path), the words its quarantine reason must hold ("" = a report)."""
    raw = tmp_path / "raw"
    b = raw / "odd"
    (b / ".hidden_dir").mkdir(parents=True)
    (b / "sub").mkdir()
    shutil.copy(SEED, b / "report.txt")
    shutil.copy(SEEDS / "000_4ac70b03785c0971.txt", b / ".hidden_report.txt")
    shutil.copy(SEEDS / "001_4ae15ee27879952d.txt", b / ".hidden_dir" / "in_dot_folder.txt")
    (b / "~$lock.docx").write_bytes(b"\x05owner" + b" " * 150)
    (b / "sub" / "huge_value.txt").write_bytes(seed_with("100000000000000000000"))
    (b / "sub" / "fraction.txt").write_bytes(seed_with("1.5"))
    os.mkfifo(b / "pipe.txt")
    (b / "zero.txt").symlink_to("/dev/zero")
    (b / "dangling.txt").symlink_to(b / "nowhere.txt")
    (b / "loop.txt").symlink_to(b / "loop.txt")
    outside = tmp_path / "outside.txt"
    shutil.copy(SEEDS / "002_8be41c244005adf4.txt", outside)
    (b / "escape.txt").symlink_to(outside)
    (b / "inside_link.txt").symlink_to(b / "report.txt")
    (b / "dir_link").symlink_to(b / "sub")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(b / "sock"))
    sock.close()
    bad_name = os.fsencode(b) + b"/gbk_\xd6\xd0\xce\xc4.txt"  # 中文 in GBK: not UTF-8
    with open(bad_name, "wb") as fh:
        fh.write(SEEDS.joinpath("004_80982073e3dd5082.txt").read_bytes())
    expected = {
        "odd/report.txt": "",
        "odd/.hidden_report.txt": "",
        "odd/.hidden_dir/in_dot_folder.txt": "",
        "odd/~$lock.docx": "an Office lock file",
        "odd/sub/huge_value.txt": "out of range",
        "odd/sub/fraction.txt": "fraction",
        "odd/pipe.txt": "FIFO",
        "odd/zero.txt": "out of the raw folder (to /dev/zero)",
        "odd/dangling.txt": "dangling symlink",
        "odd/loop.txt": "symlink loop",
        "odd/escape.txt": "out of the raw folder",
        "odd/inside_link.txt": "",  # same content as report.txt: one report, two paths
        "odd/dir_link": "a symlink to a folder",
        "odd/sock": "socket",
        "odd/gbk_\\xd6\\xd0\\xce\\xc4.txt": "",
    }
    return raw, expected


def test_every_entry_of_the_raw_folder_is_a_row_and_nothing_hangs(tmp_path: Path) -> None:
    raw, expected = odd_raw(tmp_path)
    t0 = time.perf_counter()
    inv = inventory.scan(Layout.of(raw, tmp_path / "wh"), "odd", PARSER_VERSION)
    assert time.perf_counter() - t0 < 10  # the FIFO and /dev/zero are never opened
    assert sorted(inv.table["path"].to_pylist()) == sorted(expected)
    problems = dict(zip(inv.table["path"].to_pylist(), inv.table["problem"].to_pylist(), strict=True))
    assert problems["odd/report.txt"] is None and problems["odd/inside_link.txt"] is None
    assert "FIFO" in problems["odd/pipe.txt"] and "out of the raw folder" in problems["odd/escape.txt"]

    wh = tmp_path / "wh"
    s = run(raw, wh)
    assert s.success, s.errors
    pub = wh / "ogi.duckdb"
    reports = {p for (p,) in rows(pub, "select path from report")}
    quarantined = dict(rows(pub, "select path, reason from quarantine"))
    # report.txt and the symlink to it hold one content: one report, under its first path
    assert set(expected) - (reports | set(quarantined)) == {"odd/report.txt"}
    shas = dict(zip(inv.table["path"].to_pylist(), inv.table["sha256"].to_pylist(), strict=True))
    assert shas["odd/report.txt"] == shas["odd/inside_link.txt"] is not None
    for path, words in expected.items():
        if words:
            assert words in quarantined[path], (path, quarantined[path])
    assert "odd/gbk_\\xd6\\xd0\\xce\\xc4.txt" in reports
    (problems_json,) = rows(pub, "select problems::varchar from report where path like 'odd/gbk%'")[0]
    assert "not valid UTF-8" in problems_json
    granted = rows(
        pub,
        "select f.count from fact_application f join report r using (report_id) "
        "where r.path = 'odd/sub/huge_value.txt' and disposition_code = 'granted' "
        "and applicant_code = 'natural_person'",
    )
    assert granted == [(None,)]


def test_ogi_parse_json_is_valid_utf8_for_a_name_that_is_not(tmp_path: Path) -> None:
    bad = os.fsencode(tmp_path) + b"/\xff\xfe.txt"
    with open(bad, "wb") as fh:
        fh.write(SEED.read_bytes())
    result = CliRunner().invoke(app, ["parse", "--json", str(tmp_path)])
    assert result.exit_code == 0
    rec = json.loads(result.stdout_bytes.decode("utf-8"))  # strict: raises on a bad byte
    assert rec["source"]["path"].endswith("\\xff\\xfe.txt") and rec["status"] == "ok"
    assert any("not valid UTF-8" in p for p in rec["problems"])


# ----------------------------------------------------------------------------- runs


def test_a_timeout_is_retried_on_later_runs_with_a_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw"
    (raw / "b").mkdir(parents=True)
    shutil.copy(SEED, raw / "b" / "r.txt")
    flag = tmp_path / "slow"
    flag.touch()
    monkeypatch.setenv("OGI_TEST_SLOW", str(flag))
    layout = Layout.of(raw, tmp_path / "wh")
    settings = ParseSettings(f"{HELP}:sleepy_parse", PARSER_VERSION, workers=1, timeout_s=1.0)

    def once() -> tuple[Any, list[str]]:
        inventory.save(layout, inventory.scan(layout, "b", PARSER_VERSION))
        res = update_batch(layout, "b", settings)
        gen = store.current(layout.batch_state("b"))
        return res, store.read_table(gen, "quarantine")["reason"].to_pylist()

    res, reasons = once()
    assert res.timeouts == 1 and "attempt 1 of 3; tried again on the next run" in reasons[0]
    res, reasons = once()
    assert res.parsed == 1 and "attempt 2 of 3" in reasons[0]  # not cached as final
    flag.unlink()  # the machine is quiet again
    res, reasons = once()
    assert res.parsed == 1 and res.timeouts == 0 and reasons == [] and res.reports == 1
    assert once()[0].parsed == 0  # and now it is cached
    assert MAX_ATTEMPTS == 3


def test_an_overwritten_file_keeps_its_earlier_version(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "b").mkdir(parents=True)
    target = raw / "b" / "r.txt"
    target.write_bytes(seed_with("7"))
    layout = Layout.of(raw, tmp_path / "wh")
    settings = ParseSettings(parser_version=PARSER_VERSION, workers=1)
    inventory.save(layout, inventory.scan(layout, "b", PARSER_VERSION))
    update_batch(layout, "b", settings)
    time.sleep(0.05)
    target.write_bytes(seed_with("8"))  # in place
    os.utime(target, ns=(time.time_ns(), time.time_ns()))
    inventory.save(layout, inventory.scan(layout, "b", PARSER_VERSION))
    update_batch(layout, "b", settings)
    gen = store.current(layout.batch_state("b"))
    report = pq.read_table(gen / "report.parquet").to_pylist()
    assert len(report) == 2 and {r["path"] for r in report} == {"b/r.txt"}
    old, new = sorted(report, key=lambda r: r["first_seen_at"])
    assert old["first_seen_at"] < new["first_seen_at"] and old["last_seen_at"] <= new["last_seen_at"]
    assert old["last_seen_at"] < new["last_seen_at"]  # the old one was last seen by the first run
    wh = tmp_path / "wh"
    run(raw, wh, rebuild=True)
    current = rows(wh / "ogi.duckdb", "select sha256, is_current from report order by first_seen_at")
    assert [c for _, c in current] == [False, True]  # the latest content is the current version


def test_full_and_incremental_builds_give_identical_tables(
    sample_raw: Path, tmp_path: Path, warehouse_content: Any
) -> None:
    """Two versions of one agency-year arrive in different runs incrementally, in one run from
    scratch; every table must come out the same (times aside)."""
    later = tmp_path / "later"
    later.mkdir()
    v2 = seed_with("9")  # a second version of 周口市人民政府办公室 2021
    files = sorted((sample_raw / "sample").iterdir())
    random.Random(3).shuffle(files)
    for f in files[:2]:
        shutil.move(f, later / f.name)
    (later / "v2_of_003.txt").write_bytes(v2)
    stamp = time.time() + 60  # the second version reaches the raw folder later
    os.utime(later / "v2_of_003.txt", (stamp, stamp))

    inc = tmp_path / "inc"
    assert run(sample_raw, inc).success
    for f in later.iterdir():
        shutil.copy2(f, sample_raw / "sample" / f.name)
    assert run(sample_raw, inc).success

    full_raw = tmp_path / "full" / "raw"
    shutil.copytree(sample_raw, full_raw)  # copy2: the same files with the same times
    assert run(full_raw, tmp_path / "full" / "wh").success

    a = warehouse_content(inc / "ogi.duckdb", IGNORE_TIMES)
    b = warehouse_content(tmp_path / "full" / "wh" / "ogi.duckdb", IGNORE_TIMES)
    assert a.keys() == b.keys()
    for table in a.keys() - BUILD_BOOKKEEPING:
        assert a[table] == b[table], table
    current = rows(
        inc / "ogi.duckdb",
        "select path from report where agency_name = '周口市人民政府办公室' and is_current",
    )
    assert current == [("sample/v2_of_003.txt",)]


def test_a_dead_runs_writer_slot_and_build_files_are_released(tmp_path: Path) -> None:
    from dagster._core.storage.dagster_run import DagsterRunStatus

    from pipeline.defs.ingest.recovery import RUN_PID, recover

    (tmp_path / "home").mkdir()
    with dg.instance_for_test(
        temp_dir=str(tmp_path / "home"), overrides={"concurrency": {"pools": {"default_limit": 1}}}
    ) as instance:
        dead = instance.create_run_for_job(
            dg.GraphDefinition("g", node_defs=[]).to_job(),
            tags={RUN_PID: f"{socket.gethostname()}:999999999:1"},
        )
        instance.handle_run_event(dead.run_id, _start_event(dead))
        storage = instance.event_log_storage
        storage.set_concurrency_slots("duckdb_write", 1)
        assert storage.claim_concurrency_slot("duckdb_write", dead.run_id, "core_ogi__facts").is_claimed
        layout = Layout.of(tmp_path / "raw", tmp_path / "wh")
        layout.build_dir.mkdir(parents=True)
        (layout.build_dir / f"{dead.run_id}.duckdb").write_bytes(b"x")
        said: list[str] = []
        released = recover(instance, layout, "new-run", log=said.append)
        assert released.runs == [dead.run_id] and released.files == [f"{dead.run_id}.duckdb"]
        assert "released the duckdb_write slot" in said[0]
        assert storage.get_concurrency_info("duckdb_write").claimed_slots == []
        assert instance.get_run_by_id(dead.run_id).status == DagsterRunStatus.FAILURE
        assert not recover(instance, layout, "next-run", log=said.append).runs  # nothing left
        half = layout.batch_state("b") / ".tmp-g-20260101T000000000000-abcdef"  # a half-written generation
        half.mkdir(parents=True)
        (half / "report.parquet").write_bytes(b"PAR1")
        old = time.time() - 3600
        os.utime(half / "report.parquet", (old, old))
        os.utime(half, (old, old))
        assert recover(instance, layout, "next-run", log=said.append).files == [f"b/{half.name}"]
        assert not half.exists()


def _start_event(run: Any) -> Any:
    from dagster._core.events import DagsterEvent, DagsterEventType

    return DagsterEvent(DagsterEventType.RUN_START.value, job_name=run.job_name, message="started")


def test_entries_outside_any_batch_are_named_and_the_sensor_survives_odd_entries(tmp_path: Path) -> None:
    from pipeline.load.layout import batch_signature, list_batches, outside_batches

    raw, _ = odd_raw(tmp_path)
    (raw / "loose.txt").write_bytes(b"x")
    (raw / "_private").mkdir()
    os.mkdir(os.fsencode(raw) + b"/\xff_batch")
    (raw / "odd" / "up").symlink_to(raw)  # a symlink to an ancestor: never walked into
    assert list_batches(raw) == ["odd"]
    assert outside_batches(raw) == ["\\xff_batch", "_private", "loose.txt"]
    n, _size, _newest = batch_signature(raw / "odd").split(":")
    assert (
        int(n) == 16
    )  # the 15 entries of odd_raw and the link up: every entry, special or not, counted once; no loop followed


def test_a_record_off_the_forms_shape_is_quarantined_alone_not_blocking_the_run() -> None:
    """What the blocking checks column_count and unknown_code would find in one report."""
    rec = parse_bytes(SEED.read_bytes(), "seed.txt")
    rec["applications"]["rows"]["granted"] = [1, 2, 3]
    rec["proactive"]["made_up_item"] = {"decisions": 4}
    out = flatten(rec, "b", "b/seed.txt", PARSER_VERSION)
    assert out["report"]["status"] == "partial"
    reason = out["quarantine"]["reason"]
    assert "table 三 row granted has 3 cells, the form has 7" in reason
    assert "made_up_item.decisions is not on the form" in reason
    app = out["fact_application"]
    granted = [c for d, c in zip(app["disposition_code"], app["count"], strict=True) if d == "granted"]
    assert granted == [1, 2, 3, None, None, None, None]
    assert "made_up_item" not in out["fact_proactive"]["item_code"]


def test_new_flattening_rules_reflatten_cached_records_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.load.schemas

    raw = tmp_path / "raw"
    (raw / "b").mkdir(parents=True)
    shutil.copy(SEED, raw / "b" / "r.txt")
    layout = Layout.of(raw, tmp_path / "wh")
    settings = ParseSettings(parser_version=PARSER_VERSION, workers=1)
    inventory.save(layout, inventory.scan(layout, "b", PARSER_VERSION))
    first = update_batch(layout, "b", settings)
    monkeypatch.setattr(pipeline.load.schemas, "LOAD_VERSION", "test-next")
    inventory.save(layout, inventory.scan(layout, "b", PARSER_VERSION))
    again = update_batch(layout, "b", settings)
    assert (first.parsed, again.parsed, again.reflattened, again.reports) == (1, 0, 1, 1)
    gen = store.current(layout.batch_state("b"))
    assert store.read_table(gen, "records")["outcome"].to_pylist() == ["ok"]
