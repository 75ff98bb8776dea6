"""The DuckDB warehouse: core tables, dims, marts, and the publish step (single writer)."""
