"""Where parse shards leave their outcomes, so any worker can write them and the batch step read them.

A shard is a slice of one batch's files parsed on some worker (issue 12). Its outcomes (the
runner's ``Outcome`` per file: a parsed record and its flattened rows, or a timeout, a crash, an
error) are one Parquet file, written atomically: on a filesystem under a temporary name and
renamed into place, on an object store by a single put (an object is visible whole or not at all).
A half-written shard is never read; a shard written twice (a retried step) is simply replaced.

```
<url>/<run>/<batch>/shard-00000.parquet    key, kind, error, seconds, value (pickled)
```

The URL is a local path (the default: ``<warehouse_dir>/.shards``, or a shared mount) or anything
fsspec opens (``s3://bucket/ogi-shards``, ``gs://…``; the protocol's package must be installed).
``<run>`` is the run's root run id, so a re-execution of a failed run finds the shards its parent
already wrote.
"""

from __future__ import annotations

import io
import pickle
import posixpath
import uuid
from collections.abc import Iterable
from urllib.parse import quote, unquote

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.runner import Outcome

SHARD_SCHEMA = pa.schema(
    [
        ("key", pa.string()),
        ("kind", pa.string()),
        ("error", pa.string()),
        ("seconds", pa.float64()),
        ("value", pa.binary()),  # pickled: a parse worker's dict (packed record + flattened rows)
    ]
)
_PREFIX, _SUFFIX = "shard-", ".parquet"


class ShardStore:
    """Shard outcome files under one URL (see the module docstring)."""

    def __init__(self, url: str) -> None:
        from fsspec.core import url_to_fs

        self.url = url
        self.fs, self.root = url_to_fs(url)
        self.local = "file" in _protocols(self.fs)

    def _dir(self, run: str, batch: str) -> str:
        # batch names may hold any UTF-8 (Chinese, spaces): one safe path segment each
        return posixpath.join(self.root, quote(run, safe=""), quote(batch, safe=""))

    def shard_path(self, run: str, batch: str, index: int) -> str:
        return posixpath.join(self._dir(run, batch), f"{_PREFIX}{index:05d}{_SUFFIX}")

    def write(self, run: str, batch: str, index: int, outcomes: Iterable[Outcome]) -> str:
        """Write one shard's outcomes atomically; returns its path."""
        rows = [
            (str(o.key), o.kind, o.error, float(o.seconds), pickle.dumps(o.value, protocol=5))
            for o in outcomes
        ]
        table = pa.Table.from_arrays(
            [pa.array([r[i] for r in rows], SHARD_SCHEMA.field(i).type) for i in range(5)],
            schema=SHARD_SCHEMA,
        )
        buf = io.BytesIO()
        pq.write_table(table, buf, compression="zstd")
        final = self.shard_path(run, batch, index)
        self.fs.makedirs(posixpath.dirname(final), exist_ok=True)
        if self.local:  # same directory, then rename: a reader sees the old file or the whole new one
            tmp = f"{final}.tmp-{uuid.uuid4().hex[:8]}"
            with self.fs.open(tmp, "wb") as fh:
                fh.write(buf.getvalue())
            self.fs.mv(tmp, final)
        else:  # one put: object stores publish an object whole
            self.fs.pipe_file(final, buf.getvalue())
        return final

    def shards(self, run: str, batch: str) -> list[str]:
        """Paths of the complete shard files of a batch in a run, sorted."""
        d = self._dir(run, batch)
        try:
            names = self.fs.ls(d, detail=False)
        except FileNotFoundError:
            return []
        return sorted(
            n
            for n in names
            if posixpath.basename(n).startswith(_PREFIX) and posixpath.basename(n).endswith(_SUFFIX)
        )

    def read(self, run: str, batch: str) -> dict[str, Outcome]:
        """Every stored outcome of a batch in a run, by task key (a sha256)."""
        out: dict[str, Outcome] = {}
        for path in self.shards(run, batch):
            with self.fs.open(path, "rb") as fh:
                table = pq.read_table(fh)
            for key, kind, error, seconds, value in zip(
                *(table[c].to_pylist() for c in SHARD_SCHEMA.names), strict=True
            ):
                out[key] = Outcome(key, pickle.loads(value), error, kind, seconds)
        return out

    def runs(self) -> list[str]:
        """Run ids that have shard folders."""
        try:
            names = self.fs.ls(self.root, detail=False)
        except FileNotFoundError:
            return []
        return sorted(unquote(posixpath.basename(n.rstrip("/"))) for n in names)

    def drop_run(self, run: str) -> None:
        """Delete everything a run left (its merge never came: the run died or failed)."""
        d = posixpath.join(self.root, quote(run, safe=""))
        if self.fs.exists(d):
            self.fs.rm(d, recursive=True)

    def clear(self, run: str, batch: str) -> None:
        """Drop a batch's shards once its generation is written (they are in it now)."""
        d = self._dir(run, batch)
        if self.fs.exists(d):
            self.fs.rm(d, recursive=True)
        run_dir = posixpath.dirname(d)
        try:
            if self.fs.exists(run_dir) and not self.fs.ls(run_dir, detail=False):
                self.fs.rmdir(run_dir)
        except (FileNotFoundError, OSError):  # another batch's step is writing there: leave it
            pass


def _protocols(fs: object) -> tuple[str, ...]:
    proto = getattr(fs, "protocol", ())
    return (proto,) if isinstance(proto, str) else tuple(proto)
