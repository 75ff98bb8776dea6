"""Review: the static site of report cards and the quality report, and the night's summary."""
