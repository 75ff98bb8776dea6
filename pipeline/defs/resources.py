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

    @property
    def layout(self) -> Layout:
        return Layout.of(self.raw_dir or None, self.warehouse_dir or None)

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


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"ogi": OgiResource()})
