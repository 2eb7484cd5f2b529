"""Readers: one module per published format. Each turns a file into a typed polars frame plus rejected rows.

Readers are pure (no Dagster, no DuckDB): path in, frames out, `InputFileError` when a file cannot be read.
"""
