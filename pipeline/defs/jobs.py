"""Jobs: everything (per batch or a range of batches), and the warehouse alone."""

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from pipeline.defs.warehouse.assets import core_ogi__facts

#: ingest the batches of the run, then rebuild and publish the warehouse (and run the checks)
ogi_job = dg.define_asset_job(
    "ogi_job",
    selection=dg.AssetSelection.all(),
    description="Ingest the run's batches, rebuild and publish the warehouse.",
)

#: rebuild and publish the warehouse from the Parquet already there, parsing nothing
ogi_warehouse_job = dg.define_asset_job(
    "ogi_warehouse_job",
    selection=dg.AssetSelection.assets(core_ogi__facts).downstream(),
    description="Rebuild and publish the warehouse from the per-batch Parquet, without parsing.",
)


def batch_range_tags(first: str, last: str) -> dict[str, str]:
    """Run tags for one run over a range of batch partitions (single-run backfill policy)."""
    return {ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last}
