"""Per-batch assets: the file inventory and the parse (partitioned by batch)."""
