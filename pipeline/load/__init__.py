"""Load: records -> per-batch Parquet -> the DuckDB warehouse. Plain Python; pipeline/defs wires it into Dagster."""
