"""Staging tables no single load owns: staging.quarantine and staging.sources, into which many loads write their own
rows, and staging.quarantine_history, which the warehouse makes when a run starts. Each is one asset that owns the
table: it runs after every asset that writes into it (each declares so with `writes_rows_into`) and reports the
table's rows and columns, so a mart reading the table depends on the whole table, not on one of its writers."""

from collections.abc import Iterable
from typing import Any

import dagster as dg

from pipelines.assets.graph import table_spec_metadata
from pipelines.assets.resource import MilspaceResource
from pipelines.errors import WarehouseError
from pipelines.warehouse import header_comment, sql_file

#: Definition metadata of an asset that writes its own rows into shared staging tables (their names, "staging.x").
WRITES_ROWS_INTO = "writes_rows_into"
#: The table the warehouse makes when a run starts (Warehouse._carry_quarantine), written by no asset.
PREPARED = "quarantine_history"


def writes_rows_into(*tables: str) -> dict[str, dg.MetadataValue]:
    """Metadata declaring the shared staging tables an asset writes its own rows into."""
    return {WRITES_ROWS_INTO: dg.MetadataValue.json([f"staging.{t}" for t in tables])}


def column_schema(con, schema: str, table: str) -> dg.TableSchema:
    rows = con.execute(
        "SELECT column_name, data_type, comment FROM duckdb_columns() "
        "WHERE schema_name = ? AND table_name = ? ORDER BY column_index",
        [schema, table],
    ).fetchall()
    return dg.TableSchema(columns=[dg.TableColumn(name=c, type=t.lower(), description=d or None) for c, t, d in rows])


def table_metadata(con, schema: str, table: str) -> dict[str, Any]:
    """Materialization metadata of a table or view of the run's working warehouse: its rows and its columns with
    their descriptions (the warehouse's column comments, with units)."""
    (rows,) = con.execute(f"SELECT count(*) FROM {schema}.{table}").fetchone() or (0,)
    return {"dagster/row_count": rows, "dagster/column_schema": column_schema(con, schema, table)}


_TABLE_TYPES = {"Int": "int", "UInt": "int", "Float": "float", "Boolean": "bool"}


def frame_table(frame, *, limit: int = 10) -> dg.TableMetadataValue:
    """The first `limit` rows of a Polars frame as Dagster's table metadata (the UI draws it as a table; cells
    other than numbers and flags as text)."""
    import polars as pl

    kinds = {
        name: next((kind for prefix, kind in _TABLE_TYPES.items() if str(dtype).startswith(prefix)), "string")
        for name, dtype in frame.schema.items()
    }
    head = frame.head(limit).with_columns(
        pl.col(name).cast(pl.String) for name, kind in kinds.items() if kind == "string"
    )
    records = [dg.TableRecord(row) for row in head.iter_rows(named=True)]
    schema = dg.TableSchema(columns=[dg.TableColumn(name, kind) for name, kind in kinds.items()])
    return dg.MetadataValue.table(records, schema=schema)


def _writers(assets: Iterable[dg.AssetsDefinition]) -> dict[str, list[dg.AssetKey]]:
    """Shared table (its name in staging) -> the keys of the assets that declare writing rows into it."""
    writers: dict[str, list[dg.AssetKey]] = {}
    for asset in assets:
        for spec in asset.specs:
            declared = spec.metadata.get(WRITES_ROWS_INTO)
            tables = declared.value if isinstance(declared, dg.JsonMetadataValue) else None
            for table in tables if isinstance(tables, list) else []:
                writers.setdefault(str(table).removeprefix("staging."), []).append(spec.key)
    return {table: sorted(keys, key=dg.AssetKey.to_user_string) for table, keys in writers.items()}


def _table_asset(table: str, writers: list[dg.AssetKey]) -> dg.AssetsDefinition:
    made_by = (
        "Made by the warehouse when a run starts; no asset writes it."
        if not writers
        else f"Owned here; {len(writers)} assets write their own rows into it first: "
        + ", ".join(k.to_user_string() for k in writers)
        + "."
    )

    @dg.asset(
        key=["staging", table],
        deps=writers,
        group_name="staging",
        description=f"{header_comment(sql_file('staging', table))}\n\n{made_by}",
        kinds={"duckdb"},
        metadata=table_spec_metadata(("staging", table), sql_file("staging", table)),
    )
    def _asset(context: dg.AssetExecutionContext, milspace: MilspaceResource) -> dg.MaterializeResult:
        with milspace.run.working() as con:
            schema = column_schema(con, "staging", table)
            if not schema.columns:
                raise WarehouseError(
                    f"staging.{table} is not in this run's working warehouse: materialize the assets that write it "
                    f"({', '.join(k.to_user_string() for k in writers)}) in the same run, or start from the published "
                    "warehouse (fresh: false)."
                )
            metadata = table_metadata(con, "staging", table)
        return dg.MaterializeResult(metadata=metadata)

    return _asset


def shared_table_assets(assets: Iterable[dg.AssetsDefinition]) -> list[dg.AssetsDefinition]:
    """One asset per shared staging table the `assets` declare writing into, and one for the prepared table."""
    writers = _writers(assets)
    return [_table_asset(table, keys) for table, keys in sorted(writers.items())] + [_table_asset(PREPARED, [])]
