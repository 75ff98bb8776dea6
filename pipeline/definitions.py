"""Dagster entry point: everything under pipeline/defs/; steps run two at a time on two cores, or on
Celery workers with ``OGI_EXECUTOR=celery`` (pipeline/defs/resources.py)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipeline.defs.resources import executor_def


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=Path(__file__).parent),
        dg.Definitions(executor=executor_def()),
    )
