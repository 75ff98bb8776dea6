"""Moved: ``ogi run`` lives with the CLI, in ``pipeline/run_cli.py``; this name stays for callers."""

from pipeline.run_cli import RunSummary, format_summary, run_command, run_pipeline

__all__ = ["RunSummary", "format_summary", "run_command", "run_pipeline"]
