"""Thin Dagster assets: each calls a reader, a contract or the warehouse, and reports metadata to the UI."""
