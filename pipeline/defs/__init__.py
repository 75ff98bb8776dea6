"""Dagster objects only (autoloaded by ``load_from_defs_folder``); the logic lives in pipeline.load."""
