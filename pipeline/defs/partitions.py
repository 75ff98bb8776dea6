"""Batches as partitions: one key per sub-folder of data/raw/ (a crawl, a province, a day).

Documents are rows in DuckDB, never partitions: the key count stays at the number of batches.
"""

import dagster as dg

batch_partitions = dg.DynamicPartitionsDefinition(name="batch")
