"""Mart assets, one per `sql/marts/*.sql` file; their upstream assets are the tables each file reads."""

import re

import dagster as dg

from pipelines.assets.inputs import INPUTS
from pipelines.assets.resource import MilspaceResource
from pipelines.paths import SQL_DIR
from pipelines.warehouse import header_comment

_TABLE_REFERENCE = re.compile(r"\b(staging|marts)\.([a-z_][a-z0-9_]*)\b")
_CREATED = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:TABLE|VIEW|MACRO)\s+(staging|marts)\.([a-z_][a-z0-9_]*)", re.IGNORECASE
)


def mart_names() -> list[str]:
    return sorted(p.stem for p in (SQL_DIR / "marts").glob("*.sql"))


def upstream_tables(name: str) -> list[tuple[str, str]]:
    """(schema, table) pairs that `sql/marts/<name>.sql` reads, itself excluded."""
    sql = (SQL_DIR / "marts" / f"{name}.sql").read_text(encoding="utf-8")
    sql = re.sub(r"--[^\n]*", "", sql)  # table names in comments are not reads
    created = {m.groups() for m in _CREATED.finditer(sql)}  # the file's own table and macros
    found = {m.groups() for m in _TABLE_REFERENCE.finditer(sql)}
    return sorted(found - created - {("marts", name)})


#: Staging tables every staging asset writes its own rows into, and the staging tables written by another one.
SHARED_STAGING = ("quarantine", "sources")
#: Staging tables the warehouse makes when a run starts, not an asset (the quarantine of earlier builds).
PREPARED = ("quarantine_history",)
WRITTEN_BY = {
    "reconciliations": "budget_lines",
    "measures": "budget_lines",
    "figure_identity": "budget_lines",
    "duplicate_lines": "budget_lines",
    "document_hits": "documents",
    "document_money": "documents",
}


def staging_assets() -> list[str]:
    return [resource for _, resource in INPUTS] + ["budget_lines", "documents"]


def upstream_assets(name: str) -> list[dg.AssetKey]:
    """The assets that write the tables a mart reads."""
    keys = []
    for schema, table in upstream_tables(name):
        if schema == "staging" and table in PREPARED:
            continue
        if schema == "staging" and table in SHARED_STAGING:
            keys.extend(dg.AssetKey(["staging", asset]) for asset in staging_assets())
        elif schema == "staging" and table in WRITTEN_BY:
            keys.append(dg.AssetKey(["staging", WRITTEN_BY[table]]))
        else:
            keys.append(dg.AssetKey([schema, table]))
    return sorted(set(keys), key=lambda k: k.path)


def _column_schema(con, name: str) -> dg.TableSchema:
    rows = con.execute(
        "SELECT column_name, data_type, comment FROM duckdb_columns() "
        "WHERE schema_name = 'marts' AND table_name = ? ORDER BY column_index",
        [name],
    ).fetchall()
    return dg.TableSchema(columns=[dg.TableColumn(name=c, type=t.lower(), description=d or None) for c, t, d in rows])


def _mart_asset(name: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=["marts", name],
        deps=upstream_assets(name),
        group_name="marts",
        description=header_comment(SQL_DIR / "marts" / f"{name}.sql"),
        kinds={"duckdb", "sql"},
    )
    def _asset(context: dg.AssetExecutionContext, milspace: MilspaceResource):
        warehouse = milspace.warehouse()
        rows = warehouse.build_mart(context.run_id, name, fresh=milspace.fresh)
        with warehouse.working(context.run_id, fresh=milspace.fresh) as con:
            schema = _column_schema(con, name)
        return dg.MaterializeResult(
            metadata={"dagster/row_count": rows, "table": f"marts.{name}", "dagster/column_schema": schema}
        )

    return _asset


def mart_assets() -> list[dg.AssetsDefinition]:
    return [_mart_asset(name) for name in mart_names()]
