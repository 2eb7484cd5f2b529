"""Mart assets, one per `sql/marts/*.sql` file, with one asset key per object the file creates (its table, and any
macro beside it); their upstream assets are the objects the file reads, as sqlglot finds them (graph.py)."""

from pathlib import Path

import dagster as dg

from pipelines.assets.graph import SqlObjects, Table, asset_key, created_metadata, file_objects, file_specs
from pipelines.assets.resource import MilspaceResource
from pipelines.assets.shared import table_metadata
from pipelines.lineage import column_lineage
from pipelines.paths import SQL_DIR


def mart_names() -> list[str]:
    return sorted(p.stem for p in (SQL_DIR / "marts").glob("*.sql"))


def _path(name: str) -> Path:
    return SQL_DIR / "marts" / f"{name}.sql"


def mart_sql(name: str) -> SqlObjects:
    """What `sql/marts/<name>.sql` reads and creates (it must create `marts.<name>`)."""
    return file_objects(_path(name), "marts")


def upstream_tables(name: str) -> list[Table]:
    """(schema, name) pairs that `sql/marts/<name>.sql` reads, less what it creates."""
    return sorted(mart_sql(name).reads)


def mart_reads() -> dict[str, set[Table]]:
    """Every mart file (as sql/marts/<name>.sql) and what it reads."""
    return {f"sql/marts/{name}.sql": set(mart_sql(name).reads) for name in mart_names()}


def mart_keys() -> list[dg.AssetKey]:
    """The key of every object a mart file creates."""
    return [asset_key(table) for name in mart_names() for table in sorted(mart_sql(name).created)]


def column_lineage_of(path: Path, table: Table) -> dict[str, dg.TableColumnLineage]:
    """Dagster's column lineage of `table` as its SQL file makes it (pipelines/lineage.py, read with sqlglot): each
    column and the upstream table columns it is computed from; {} when the parser finds none."""
    found = column_lineage(path).get(".".join(table), {})
    deps = {
        column: [dg.TableColumnDep(asset_key=asset_key((schema, name)), column_name=c) for schema, name, c in upstream]
        for column, upstream in found.items()
        if upstream
    }
    return {"dagster/column_lineage": dg.TableColumnLineage(deps)} if deps else {}


def _mart_asset(name: str) -> dg.AssetsDefinition:
    path = _path(name)
    objects = mart_sql(name)
    others = sorted(set(objects.created) - {("marts", name)})
    deps = [asset_key(read) for read in sorted(objects.reads)]
    specs = file_specs(path, "marts", deps=deps, group_name="marts", kinds={"duckdb", "sql"})
    made = created_metadata(path, "marts")

    @dg.multi_asset(name=f"marts__{name}", specs=specs)
    def _asset(context: dg.AssetExecutionContext, milspace: MilspaceResource):
        run = milspace.run
        run.build_mart(name)
        with run.working() as con:
            metadata = {**table_metadata(con, "marts", name), **column_lineage_of(path, ("marts", name))}
        for other in others:  # a macro the file makes beside its table
            yield dg.MaterializeResult(asset_key=asset_key(other), metadata=made[asset_key(other)])
        yield dg.MaterializeResult(
            asset_key=["marts", name],
            metadata=metadata,
        )

    return _asset


def mart_assets() -> list[dg.AssetsDefinition]:
    return [_mart_asset(name) for name in mart_names()]
