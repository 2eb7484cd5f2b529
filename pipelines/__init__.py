"""milspace: military and space budget analytics on Dagster, Polars, Pandera, DuckDB and Altair."""

__version__ = "0.1.0"
