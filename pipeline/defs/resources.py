"""The one resource every asset uses: where batches and the warehouse live, how files are parsed.

There is no ``DuckDBResource``: each run writes its own working file (``.build/<run_id>.duckdb``)
so overlapping runs never share a writer, and the path therefore depends on the run. Open the
working file with ``ogi.working(context)`` (read-write, only inside the ``duckdb_write`` pool).
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import dagster as dg

from pipeline.load.layout import Layout

if TYPE_CHECKING:
    import duckdb

    from pipeline.load.batch import ParseSettings
    from pipeline.load.shard_store import ShardStore

#: every step that opens a warehouse file read-write runs in this pool (limit 1, dagster.yaml)
DUCKDB_POOL = "duckdb_write"
DEFAULT_TIMEOUT_S = 60.0


class OgiResource(dg.ConfigurableResource):
    """Paths and parse settings. Empty/zero values fall back to the environment, then defaults."""

    raw_dir: str = ""  # $OGI_RAW_DIR, else <repo>/data/raw
    warehouse_dir: str = ""  # $OGI_WAREHOUSE_DIR, else <repo>/data/warehouse
    parse_workers: int = 0  # $OGI_PARSE_WORKERS, else one per core
    parse_timeout_s: float = 0.0  # $OGI_PARSE_TIMEOUT_S, else 60 s per file
    parser: str = "pipeline.report:parse_bytes"  # "module:function", bytes + path -> record
    rebuild: bool = False  # rebuild the warehouse even when its inputs did not change
    # the parse in shards (issue 12): 0 parses each batch inside core_ogi__reports, as always;
    # N > 0 cuts it into shards of N files, each a step of its own (any Celery worker runs it)
    shard_files: int = -1  # $OGI_SHARD_FILES, else 0
    shard_url: str = ""  # $OGI_SHARD_URL, else <warehouse_dir>/.shards; s3://… etc. through fsspec

    @property
    def layout(self) -> Layout:
        return Layout.of(self.raw_dir or None, self.warehouse_dir or None)

    def shard_size(self) -> int:
        """Files per shard; 0: no shards (the parse runs inside the batch step)."""
        if self.shard_files >= 0:
            return self.shard_files
        return int(os.environ.get("OGI_SHARD_FILES", "0") or 0)

    def shard_store(self) -> "ShardStore":
        from pipeline.load.shard_store import ShardStore

        url = self.shard_url or os.environ.get("OGI_SHARD_URL") or str(self.layout.warehouse_dir / ".shards")
        return ShardStore(url)

    def parse_settings(self) -> "ParseSettings":
        from pipeline import record
        from pipeline.load.batch import ParseSettings

        return ParseSettings(
            parser=self.parser,
            parser_version=record.PARSER_VERSION,  # read at run time: a new parser re-parses all
            workers=self.parse_workers or int(os.environ.get("OGI_PARSE_WORKERS", "0")),
            timeout_s=self.parse_timeout_s or float(os.environ.get("OGI_PARSE_TIMEOUT_S", DEFAULT_TIMEOUT_S)),
        )

    @contextmanager
    def working(self, context: Any) -> Iterator["duckdb.DuckDBPyConnection"]:
        """Read-write connection to this run's working warehouse (for the quality step)."""
        from pipeline.load.warehouse import connect

        path = self.layout.working(context.run_id)
        if not path.exists():
            raise FileNotFoundError(f"{path}: core_ogi__facts has not run in this run")
        with connect(path) as con:
            yield con


#: $OGI_EXECUTOR: how a launched run executes its steps (``ogi run``/``make run`` execute in process)
EXECUTORS = ("multiprocess", "celery")
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"


def executor_def() -> dg.ExecutorDefinition:
    """The executor runs launched from the UI, the schedule or the sensor use, chosen by config:
    ``multiprocess`` (default: two steps at a time on this machine's two cores) or ``celery``
    (each step a Celery task on any worker listening on $OGI_CELERY_BROKER, results in
    $OGI_CELERY_BACKEND, else the broker; the broker defaults to the Redis on 127.0.0.1). Read when the definitions load,
    so the code location and the workers must see the same environment."""
    kind = os.environ.get("OGI_EXECUTOR", "multiprocess") or "multiprocess"
    if kind not in EXECUTORS:
        raise ValueError(f"OGI_EXECUTOR={kind!r}: expected one of {', '.join(EXECUTORS)}")
    if kind == "multiprocess":
        return dg.multiprocess_executor.configured({"max_concurrent": 2})
    from dagster_celery import celery_executor

    broker = os.environ.get("OGI_CELERY_BROKER") or DEFAULT_BROKER
    return celery_executor.configured(
        {"broker": broker, "backend": os.environ.get("OGI_CELERY_BACKEND") or broker},
        name="celery",
    )


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"ogi": OgiResource()})
