"""Arrow schemas of the per-batch Parquet tables (the columns DuckDB's staging views read).

Column names and order are the contract in ``docs/warehouse-contract.md``; bump ``LOAD_VERSION``
(``flatten.py``) whenever a flattening rule or a column changes, so every batch is re-flattened
from its cached records instead of re-parsed.
"""

from __future__ import annotations

import pyarrow as pa

from pipeline.load.flatten import LOAD_VERSION  # noqa: F401  (re-exported next to the schemas it versions)

_TS = pa.timestamp("us")
# repeated strings (codes, ids) are dictionary-encoded: a batch of 10⁵ reports has 10⁷ fact rows,
# and plain strings would cost the parent process gigabytes while it assembles them
_CODE = pa.dictionary(pa.int32(), pa.string())

FILES = pa.schema(
    [
        ("path", pa.string()),
        ("size", pa.int64()),
        ("mtime_ns", pa.int64()),
        ("sha256", pa.string()),
        ("status", pa.string()),  # new | changed | unchanged
        ("first_seen_at", _TS),
        ("fs_path", pa.binary()),  # the name's bytes relative to the batch (path is UTF-8 text)
        ("problem", pa.string()),  # why the entry is not read (special file, symlink out…), else null
    ]
)

RECORDS = pa.schema(
    [
        ("sha256", pa.string()),
        ("parser_version", pa.string()),
        ("record", pa.binary()),  # the whole record as zlib-compressed JSON (see work.py)
        ("parsed_at", _TS),
        ("parse_seconds", pa.float64()),
        ("outcome", pa.string()),  # ok | error | timeout | crash: timeouts and crashes are retried
        ("attempts", pa.int32()),  # parse attempts in a row that timed out or crashed
    ]
)

REPORT = pa.schema(
    [
        ("report_id", pa.string()),
        ("batch", pa.string()),
        ("path", pa.string()),
        ("sha256", pa.string()),
        ("format", pa.string()),
        ("encoding", pa.string()),
        ("bytes", pa.int64()),
        ("agency_id", pa.string()),
        ("agency_name", pa.string()),
        ("province", pa.string()),
        ("city", pa.string()),
        ("county", pa.string()),
        ("admin_code", pa.string()),
        ("agency_kind", pa.string()),
        ("year", pa.int32()),
        ("format_version", pa.int32()),
        ("status", pa.string()),
        ("problems", pa.string()),
        ("repairs", pa.string()),
        ("n_repairs", pa.int32()),
        ("narrative_items_published", pa.int64()),
        ("narrative_applications_received", pa.int64()),
        ("parser_version", pa.string()),
        ("parsed_at", _TS),
        ("first_seen_at", _TS),
        ("last_seen_at", _TS),  # the last run that wrote the batch and found this version
    ]
)

QUARANTINE = pa.schema(
    [
        ("report_id", pa.string()),
        ("batch", pa.string()),
        ("path", pa.string()),
        ("sha256", pa.string()),
        ("format", pa.string()),
        ("status", pa.string()),
        ("reason", pa.string()),
        ("agency_name", pa.string()),
        ("year", pa.int32()),
        ("parser_version", pa.string()),
        ("parsed_at", _TS),
    ]
)

FACT_APPLICATION = pa.schema(
    [
        ("batch", _CODE),
        ("report_id", _CODE),
        ("agency_id", _CODE),
        ("year", pa.int32()),
        ("format_version", pa.int32()),
        ("disposition_code", _CODE),
        ("applicant_code", _CODE),
        ("count", pa.int64()),
        ("is_repaired", pa.bool_()),
    ]
)

FACT_PROACTIVE = pa.schema(
    [
        ("batch", _CODE),
        ("report_id", _CODE),
        ("agency_id", _CODE),
        ("year", pa.int32()),
        ("format_version", pa.int32()),
        ("item_code", _CODE),
        ("measure_code", _CODE),
        ("value", pa.float64()),
        ("is_repaired", pa.bool_()),
    ]
)

FACT_REVIEW_LITIGATION = pa.schema(
    [
        ("batch", _CODE),
        ("report_id", _CODE),
        ("agency_id", _CODE),
        ("year", pa.int32()),
        ("group_code", _CODE),
        ("outcome_code", _CODE),
        ("count", pa.int64()),
        ("is_repaired", pa.bool_()),
    ]
)

#: the per-batch tables the warehouse reads, in build order
FACT_TABLES: dict[str, pa.Schema] = {
    "report": REPORT,
    "quarantine": QUARANTINE,
    "fact_application": FACT_APPLICATION,
    "fact_proactive": FACT_PROACTIVE,
    "fact_review_litigation": FACT_REVIEW_LITIGATION,
}


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """A table written by an older version of this code, with the columns added since as nulls,
    in the schema's order and types."""
    for f in schema:
        if f.name not in table.column_names:
            table = table.append_column(f, pa.nulls(table.num_rows, f.type))
    return table.select(schema.names).cast(schema)


#: every table of a generation
GENERATION_TABLES: dict[str, pa.Schema] = {**FACT_TABLES, "files": FILES, "records": RECORDS}
