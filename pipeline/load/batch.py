"""Bring one batch's Parquet facts up to date with its files, parsing only what is new.

A distinct file content is parsed when its sha256 is not in the batch's parse cache for the
current parser version; everything else is carried over from the previous generation (its rows
are copied, not recomputed). If ``LOAD_VERSION`` changed, cached records are re-flattened without
being re-parsed. The result is written as a new generation and swapped in atomically
(``store.py``), or not written at all when nothing changed.

Never stop a batch (issue 14): an entry the inventory refused to read (special file, symlink out
of the raw folder, loop, too large) becomes a quarantine row with its reason; a timeout or a crash
is cached with its outcome and parsed again on the next runs (``MAX_ATTEMPTS`` in a row, the
attempt counted in the reason), since the machine's load may have caused it; a content that left a
path still present (overwritten in place) is kept as an earlier version, with its first and last
seen times (a removed file takes its versions with it).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.load import inventory, schemas, store
from pipeline.load.flatten import flatten
from pipeline.load.layout import Layout
from pipeline.load.work import DEFAULT_PARSER, pack, unpack
from pipeline.runner import Outcome, run_tasks

_GEN_META = "generation.json"
_TS = pa.timestamp("us")
#: outcomes that may be the machine's fault rather than the file's: retried on later runs …
_RETRIED = ("timeout", "crash")
#: … this many times in a row, then kept until the file or the parser changes
MAX_ATTEMPTS = 3


@dataclass
class ParseSettings:
    parser: str = DEFAULT_PARSER
    parser_version: str = ""
    workers: int = 0  # 0: one per core
    timeout_s: float = 60.0

    def n_workers(self) -> int:
        return self.workers or os.cpu_count() or 1


@dataclass
class BatchResult:
    batch: str
    written: bool = False
    generation: str | None = None
    files: int = 0
    contents: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    parsed: int = 0
    reflattened: int = 0
    reused: int = 0
    timeouts: int = 0
    crashes: int = 0
    refused: int = 0  # entries not read (special files, symlinks out of raw, too large, …)
    newly_quarantined: int = 0
    quarantined: int = 0
    reports: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


class _Columns:
    """Rows of one table, collected as Python lists and moved into Arrow every ``FLUSH_ROWS`` rows
    (Arrow with dictionary-encoded codes is ~10x smaller than the lists)."""

    FLUSH_ROWS = 100_000

    def __init__(self, schema: pa.Schema) -> None:
        self.schema = schema
        self.batches: list[pa.RecordBatch] = []
        self.cols: dict[str, list[Any]] = {n: [] for n in schema.names}

    def add_row(self, row: dict[str, Any]) -> None:
        for name, col in self.cols.items():
            col.append(row.get(name))
        self._maybe_flush()

    def add_columns(self, cols: dict[str, list[Any]]) -> None:
        for name, col in self.cols.items():
            col.extend(cols[name])
        self._maybe_flush()

    def _maybe_flush(self, force: bool = False) -> None:
        n = len(next(iter(self.cols.values())))
        if n and (force or n >= self.FLUSH_ROWS):
            self.batches.append(pa.RecordBatch.from_pydict(self.cols, schema=self.schema))
            self.cols = {name: [] for name in self.schema.names}

    def table(self) -> pa.Table:
        self._maybe_flush(force=True)
        return pa.Table.from_batches(self.batches, schema=self.schema)


def _failed_record(sha: str | None, path: str, size: int, reason: str, parser_version: str) -> dict[str, Any]:
    from pipeline.record import empty_record

    rec = empty_record({"path": path, "sha256": sha, "format": None, "encoding": None, "bytes": size})
    rec["status"] = "failed"
    rec["problems"] = [reason]
    rec["parser_version"] = parser_version
    return rec


def _generation_meta(gen: Any) -> dict[str, Any]:
    try:
        return json.loads((gen / _GEN_META).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def update_batch(
    layout: Layout,
    batch: str,
    settings: ParseSettings,
    log: Callable[[str], None] = lambda _m: None,
    run: Callable[..., Iterator[Outcome]] = run_tasks,
) -> BatchResult:
    """Parse what is new in ``batch`` and replace its facts atomically; see the module docstring.

    ``run`` runs the parse tasks (``runner.run_tasks``); the sharded run passes one that captures
    the plan or replays the shards' stored outcomes (``pipeline/load/sharded.py``)."""
    t_start = time.perf_counter()
    secs: dict[str, float] = {}
    now = datetime.now(UTC).replace(tzinfo=None)
    state = layout.batch_state(batch)
    state.mkdir(parents=True, exist_ok=True)
    if not layout.inventory(batch).exists():  # the inventory step did not run: scan now
        inventory.save(layout, inventory.scan(layout, batch, settings.parser_version))
    files = inventory.load(layout, batch)
    res = BatchResult(batch=batch, files=files.num_rows)
    status = files["status"].to_pylist()
    res.new, res.changed, res.unchanged = (status.count(k) for k in ("new", "changed", "unchanged"))

    # distinct contents of the batch: first path (sorted) and earliest first-seen per sha256;
    # entries that must not be read (special files, symlinks out of raw, …) are kept apart
    content: dict[str, dict[str, Any]] = {}
    unread: dict[str, dict[str, Any]] = {}
    for row in files.to_pylist():
        if row["problem"] is not None or row["sha256"] is None:
            unread[inventory.unread_id(row["path"])] = row
            continue
        c = content.setdefault(
            row["sha256"],
            {
                "path": row["path"],
                "fs_path": row["fs_path"],
                "size": row["size"],
                "first_seen_at": row["first_seen_at"],
            },
        )
        c["first_seen_at"] = min(c["first_seen_at"], row["first_seen_at"])
    res.contents = len(content)
    res.refused = len(unread)

    gen = store.current(state)
    meta = _generation_meta(gen) if gen else {}
    # only the keys here: the packed records are read when a new generation is written
    prev_keys = _read(gen, "records", ["sha256", "parser_version", "outcome", "attempts"])
    prev_files = _read(gen, "files")
    res.removed = len(set(prev_files["path"].to_pylist()) - set(files["path"].to_pylist()))
    same_load = meta.get("load_version") == schemas.LOAD_VERSION
    cached: dict[str, tuple[str, str | None, int]] = {
        s: (v, o, a or 0)
        for s, v, o, a in zip(*(prev_keys[c].to_pylist() for c in prev_keys.column_names), strict=True)
    }
    keep = {s for s in content if cached.get(s, ("",))[0] == settings.parser_version}
    # a timeout or a crash may be the machine's load, not the file: parse it again on the next
    # runs (counting the attempts), up to MAX_ATTEMPTS in a row
    retry = {s for s in keep if cached[s][1] in _RETRIED and cached[s][2] < MAX_ATTEMPTS}
    keep -= retry
    attempts = {s: cached[s][2] for s in retry}
    reflatten = set() if same_load else set(keep)
    keep -= reflatten
    to_parse = [s for s in content if s not in keep and s not in reflatten]
    # versions: a content that left a path still present (the file was overwritten in place) is
    # kept as an earlier version of that report, with its first and last seen times
    here = set(files["path"].to_pylist())
    history = set()
    for name in ("report", "quarantine"):
        prev = _read(gen, name, ["report_id", "path"])
        history |= {
            r
            for r, p in zip(prev["report_id"].to_pylist(), prev["path"].to_pylist(), strict=True)
            if r not in content and p in here and r in cached and not r.startswith("unread-")
        }
    secs["load_previous"] = time.perf_counter() - t_start

    def key_set(t: pa.Table) -> set[tuple[Any, ...]]:
        cols = ("path", "sha256", "size", "mtime_ns", "problem")
        return set(zip(*(t[c].to_pylist() for c in cols), strict=True))

    if gen is not None and not to_parse and not reflatten and key_set(files) == key_set(prev_files):
        res.reused = len(keep)
        _fill_totals(res, gen)
        res.generation = gen.name
        res.seconds = {**secs, "total": time.perf_counter() - t_start}
        return res

    # --- parse what is new, in worker processes with a time limit per file
    t0 = time.perf_counter()
    builders = {
        name: _Columns(schema) for name, schema in schemas.GENERATION_TABLES.items() if name != "files"
    }
    parsed_ids: set[str] = set()

    def absorb(
        sha: str,
        record: bytes,
        rows: dict[str, Any],
        parsed_at: datetime,
        seconds: float,
        parsed: bool = True,
        outcome: str = "ok",
        tries: int = 0,
    ) -> None:
        c = content.get(sha) or unread.get(sha) or {"path": None, "first_seen_at": now}
        for name in ("report", "quarantine"):
            row = rows[name]
            if row is not None:
                row["parsed_at"] = parsed_at
                row["first_seen_at"] = c["first_seen_at"]
                row["last_seen_at"] = now
                builders[name].add_row(row)
        for name in ("fact_application", "fact_proactive", "fact_review_litigation"):
            builders[name].add_columns(rows[name])
        builders["records"].add_row(
            {
                "sha256": sha,
                "parser_version": settings.parser_version,
                "record": record,
                "parsed_at": parsed_at,
                "parse_seconds": seconds,
                "outcome": outcome,
                "attempts": tries,
            }
        )
        if parsed:
            parsed_ids.add(sha)

    tasks = [
        (
            sha,
            (
                os.fsdecode(os.path.join(os.fsencode(layout.batch_raw(batch)), content[sha]["fs_path"])),
                content[sha]["path"],
                batch,
                settings.parser,
                settings.parser_version,
            ),
        )
        for sha in to_parse
    ]
    outcomes = run(
        "pipeline.load.work:parse_file",
        tasks,
        settings.n_workers(),
        settings.timeout_s,
        ordered=False,
        preload=("pipeline.report", settings.parser.partition(":")[0]),  # before any file's clock
    )
    for done, out in enumerate(outcomes, start=1):
        _absorb_outcome(out, content, batch, settings, absorb, res, attempts.get(out.key, 0))
        if done % 1000 == 0:
            log(f"{batch}: parsed {done}/{len(tasks)}")
    res.parsed = len(tasks)
    secs["parse"] = time.perf_counter() - t0

    # --- entries that are not read: one quarantine row each, with the reason
    for uid, row in unread.items():
        record = _failed_record(None, row["path"], row["size"], row["problem"], settings.parser_version)
        rows = flatten(record, batch, row["path"], settings.parser_version)
        rows["quarantine"]["report_id"] = uid
        absorb(uid, pack(record), rows, now, 0.0, parsed=False, outcome="refused")

    # --- re-flatten cached records when only the flattening changed
    t0 = time.perf_counter()
    prev_records = _read(gen, "records")
    if reflatten:
        mask = pc.is_in(prev_records["sha256"], pa.array(sorted(reflatten)))
        for r in prev_records.filter(mask).to_pylist():
            rows = flatten(unpack(r["record"]), batch, content[r["sha256"]]["path"], settings.parser_version)
            absorb(
                r["sha256"],
                r["record"],
                rows,
                r["parsed_at"],
                r["parse_seconds"],
                parsed=False,
                outcome=r["outcome"] or "ok",
                tries=r["attempts"] or 0,
            )
        res.reflattened = len(reflatten)

    # --- assemble the new generation: carried-over rows + new rows
    tmp = store.start(state)
    try:
        carried = keep | history
        keep_ids = pa.array(sorted(carried), pa.string())
        path_of = {s: c["path"] for s, c in content.items()}
        for name in schemas.FACT_TABLES:
            new_rows = builders[name].table()
            if gen is not None and carried:
                old = _read(gen, name)
                old = old.filter(pc.is_in(old["report_id"], keep_ids))
                if name in ("report", "quarantine") and old.num_rows:
                    ids = old["report_id"].to_pylist()
                    paths = [path_of.get(s, p) for s, p in zip(ids, old["path"].to_pylist(), strict=True)]
                    old = old.set_column(
                        old.schema.get_field_index("path"), "path", pa.array(paths, pa.string())
                    )
                    # a version still here was seen now; an earlier one keeps its last time seen
                    seen = [
                        now if s in keep else t
                        for s, t in zip(ids, old["last_seen_at"].to_pylist(), strict=True)
                    ]
                    old = old.set_column(
                        old.schema.get_field_index("last_seen_at"), "last_seen_at", pa.array(seen, _TS)
                    )
                table = pa.concat_tables([old, new_rows])
            else:
                table = new_rows
            store.write_table(tmp, name, table)
        old_rec = prev_records.filter(pc.is_in(prev_records["sha256"], keep_ids)) if carried else None
        records = builders["records"].table()
        if old_rec is not None and old_rec.num_rows:
            records = pa.concat_tables([old_rec, records])
        store.write_table(tmp, "records", records)
        store.write_table(tmp, "files", files.cast(schemas.FILES))
        (tmp / _GEN_META).write_text(
            json.dumps(
                {
                    "batch": batch,
                    "parser_version": settings.parser_version,
                    "load_version": schemas.LOAD_VERSION,
                    "written_at": now.isoformat(),
                    "files": res.files,
                    "contents": res.contents,
                }
            ),
            encoding="utf-8",
        )
        secs["flatten_write"] = time.perf_counter() - t0
        final = store.commit(state, tmp)
    except BaseException:
        store.abandon(tmp)
        raise
    res.written = True
    res.generation = final.name
    res.reused = len(keep)
    _fill_totals(res, final)
    res.newly_quarantined = sum(
        1
        for s in store.read_table(final, "quarantine", ["report_id"])["report_id"].to_pylist()
        if s in parsed_ids
    )
    res.seconds = {**secs, "total": time.perf_counter() - t_start}
    return res


def _read(gen: Any, name: str, columns: list[str] | None = None) -> pa.Table:
    """A table of a generation in today's schema (columns added since are null), or an empty one."""
    schema = schemas.GENERATION_TABLES[name]
    if gen is None:
        table = schema.empty_table()
    else:
        have = set(pq.read_schema(gen / f"{name}.parquet").names)
        want = [c for c in (columns or schema.names) if c in have]
        table = schemas.conform(store.read_table(gen, name, want), schema)
    return table.select(columns) if columns else table


def _absorb_outcome(
    out: Outcome,
    content: dict[str, dict[str, Any]],
    batch: str,
    settings: ParseSettings,
    absorb: Callable[..., None],
    res: BatchResult,
    tried: int = 0,
) -> None:
    sha = out.key
    parsed_at = datetime.now(UTC).replace(tzinfo=None)
    if out.kind == "ok":
        value = out.value
        rows = value["rows"]
        real_sha = (rows["report"] or rows["quarantine"] or {}).get("report_id") or sha
        absorb(real_sha, value["record"], rows, parsed_at, value["seconds"])
        return
    tries = tried + 1 if out.kind in _RETRIED else 0
    again = (
        f"attempt {tries} of {MAX_ATTEMPTS}; tried again on the next run"
        if tries < MAX_ATTEMPTS
        else f"attempt {tries} of {MAX_ATTEMPTS}; not retried until the file or the parser changes"
    )
    if out.kind == "timeout":
        res.timeouts += 1
        reason = f"parse timed out: {out.error} ({again})"
    elif out.kind == "crash":
        res.crashes += 1
        reason = f"parse crashed: {out.error} ({again})"
    else:
        reason = f"parse raised {out.error}"
    c = content[sha]
    record = _failed_record(sha, c["path"], c["size"], reason, settings.parser_version)
    absorb(
        sha,
        pack(record),
        flatten(record, batch, c["path"], settings.parser_version),
        parsed_at,
        out.seconds,
        outcome=out.kind,
        tries=tries,
    )


def _fill_totals(res: BatchResult, gen: Any) -> None:
    rep = store.read_table(gen, "report", ["status"])["status"].to_pylist()
    qua = store.read_table(gen, "quarantine", ["status"])["status"].to_pylist()
    res.reports = len(rep)
    res.quarantined = len(qua)
    statuses: dict[str, int] = {}
    for s in rep:
        statuses[s] = statuses.get(s, 0) + 1
    for s in qua:
        if s not in ("ok", "partial"):
            statuses[s] = statuses.get(s, 0) + 1
    res.statuses = dict(sorted(statuses.items()))
