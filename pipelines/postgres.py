"""The shared warehouse: every build's marts published to a PostgreSQL database a team reads (issue 20).

One setting chooses it: `MILSPACE_SHARED_WAREHOUSE`, a libpq connection string or URI
(`postgresql://milspace@db.example.org:5432/milspace`; a password is best left to `~/.pgpass` or `PGPASSWORD`).
Unset, milspace publishes the DuckDB file only, as always. Set, each successful build also writes every table of
its `marts` schema to the schema `marts` of that database, with the same table and column names and the same
table and column comments (units included), before the DuckDB file is published. The marts are computed in
DuckDB as always; PostgreSQL receives what the build publishes.

One transaction per build, so readers never see half a build:

1. the new tables are created in a schema of their own (`milspace_build_<run>`), each filled by `COPY ... FROM
   STDIN (FORMAT csv)` from a CSV file DuckDB writes (psycopg 3's COPY: no row inserts);
2. the tables of the schema `marts` are dropped (views an analyst made on them stop the build with their names,
   nothing changed), the new tables moved into `marts`, and the build's schema dropped;
3. commit. Until then every other session sees the previous build's tables, unchanged and unlocked through step 1
   (the long one); step 2 takes the old tables' locks for the moment of the swap.

A database that cannot be reached, a role that may not create schemas, or a failure part-way stops the build with
one sentence naming the database (never its password) and the step; PostgreSQL rolls the transaction back, so the
shared warehouse keeps the previous build, and the DuckDB file is not published either.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from pipelines.errors import WarehouseError

#: The setting that chooses the shared warehouse (a libpq connection string or URI); unset: DuckDB only.
SETTING = "MILSPACE_SHARED_WAREHOUSE"
#: The schema the marts are published to, as in the DuckDB file.
SCHEMA = "marts"
#: How long to wait for the database to answer a connection (seconds).
CONNECT_TIMEOUT = 10

#: DuckDB column types and the PostgreSQL types they are published as (DuckDB's unsigned and 128-bit integers,
#: which PostgreSQL lacks, as exact numerics).
_SCALAR_TYPES = {
    "VARCHAR": "text",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "BOOLEAN": "boolean",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "TINYINT": "smallint",
    "UTINYINT": "smallint",
    "USMALLINT": "integer",
    "UINTEGER": "bigint",
    "UBIGINT": "numeric(20, 0)",
    "HUGEINT": "numeric(39, 0)",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
}
_DECIMAL = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$")


def shared_target() -> str | None:
    """The shared warehouse's connection string, or None when milspace publishes the DuckDB file only."""
    return os.environ.get(SETTING, "").strip() or None


def shown(conninfo: str) -> str:
    """The database as a person may see it: host, port, database and user, never the password."""
    try:
        parts = conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        return "(a connection string libpq cannot read)"
    where = f"{parts.get('host', 'localhost')}:{parts.get('port', 5432)}/{parts.get('dbname', '')}"
    return f"postgresql://{parts['user']}@{where}" if parts.get("user") else f"postgresql://{where}"


def postgres_type(duck_type: str, table: str, column: str) -> str:
    """The PostgreSQL type a DuckDB column is published as; a type without one stops the build, named."""
    if duck_type in _SCALAR_TYPES:
        return _SCALAR_TYPES[duck_type]
    if decimal := _DECIMAL.match(duck_type):
        return f"numeric({decimal[1]}, {decimal[2]})"
    if duck_type.endswith("[]") and duck_type[:-2] in _SCALAR_TYPES:
        return f"{_SCALAR_TYPES[duck_type[:-2]]}[]"
    raise WarehouseError(
        f"marts.{table}.{column} is of DuckDB type {duck_type}, which milspace does not know how to publish to "
        "PostgreSQL (pipelines/postgres.py): nothing was published."
    )


def _exported(name: str, duck_type: str) -> str:
    """The SELECT expression giving a column as PostgreSQL's CSV COPY reads it (a list as an array literal)."""
    quoted = '"' + name.replace('"', '""') + '"'
    if not duck_type.endswith("[]"):
        return quoted
    element = (
        "CASE WHEN x IS NULL THEN 'NULL' ELSE '\"' || replace(replace(CAST(x AS VARCHAR), '\\', '\\\\'), '\"', "
        "'\\\"') || '\"' END"
    )
    return f"CASE WHEN {quoted} IS NULL THEN NULL ELSE '{{' || array_to_string(list_transform({quoted}, x -> {element}), ',') || '}}' END AS {quoted}"  # noqa: E501


@dataclass(frozen=True)
class Column:
    name: str
    duck_type: str
    comment: str | None


@dataclass(frozen=True)
class Table:
    name: str
    comment: str | None
    columns: tuple[Column, ...]


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[Table]:
    """The tables of the DuckDB warehouse's schema marts, with their columns' types and comments, in order."""
    tables = con.execute(
        "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = ? AND database_name = current_database() "
        "ORDER BY table_name",
        [SCHEMA],
    ).fetchall()
    found = []
    for name, comment in tables:
        columns = con.execute(
            "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
            "AND database_name = current_database() ORDER BY column_index",
            [SCHEMA, name],
        ).fetchall()
        found.append(Table(name, comment, tuple(Column(*c) for c in columns)))
    return found


def publish_marts(
    warehouse: Path,
    conninfo: str,
    run_id: str,
    *,
    log: Callable[[str], None] = lambda _text: None,
    before_swap: Callable[[], None] | None = None,
) -> dict[str, int]:
    """Publish every table of `warehouse`'s schema marts to the PostgreSQL database `conninfo`, in one transaction
    (see the module's docstring); rows by table. `before_swap` is called once every new table is filled, before the
    old ones are replaced (a test looks at the database from another session then)."""
    where = shown(conninfo)
    build_schema = "milspace_build_" + re.sub(r"[^a-z0-9]", "_", run_id.lower())[:40]
    step = f"connecting to {where}"
    try:
        with duckdb.connect(str(warehouse), read_only=True) as duck:
            tables = mart_tables(duck)
            types = {(t.name, c.name): postgres_type(c.duck_type, t.name, c.name) for t in tables for c in t.columns}
            with (
                psycopg.connect(conninfo, connect_timeout=CONNECT_TIMEOUT, application_name="milspace build") as pg,
                tempfile.TemporaryDirectory(prefix="milspace-copy-") as scratch,
            ):
                counts: dict[str, int] = {}
                step = f"creating the schema {build_schema}"
                pg.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(build_schema)))
                for table in tables:
                    step = f"writing marts.{table.name}"
                    counts[table.name] = _copy_table(duck, pg, table, types, build_schema, Path(scratch))
                    log(f"{where}: marts.{table.name}, {counts[table.name]:,} rows")
                if before_swap is not None:
                    before_swap()
                step = "replacing the previous build's tables"
                _swap(pg, build_schema, [t.name for t in tables])
                step = "committing"
            return counts  # the connection's block committed the transaction
    except psycopg.Error as exc:
        diag = getattr(exc, "diag", None)
        detail = ((diag.message_primary if diag else None) or str(exc)).strip()
        if diag is not None and diag.message_detail:
            detail += f" ({diag.message_detail.strip()})"
        if isinstance(exc, psycopg.errors.DependentObjectsStillExist):
            detail += (
                "; milspace replaces the tables of schema marts at every build, so a view on them must be dropped "
                "before the build and made again after it"
            )
        raise WarehouseError(
            f"The shared warehouse {where} ({SETTING}) failed while {step}: {detail}. It keeps the previous build "
            "(the transaction was rolled back), and the DuckDB warehouse was not published either."
        ) from None


def _copy_table(
    duck: duckdb.DuckDBPyConnection,
    pg: psycopg.Connection,
    table: Table,
    types: dict[tuple[str, str], str],
    schema: str,
    scratch: Path,
) -> int:
    target = sql.Identifier(schema, table.name)
    columns = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(c.name), sql.SQL(types[(table.name, c.name)])) for c in table.columns
    )
    pg.execute(sql.SQL("CREATE TABLE {} ({})").format(target, columns))
    if table.comment:
        pg.execute(sql.SQL("COMMENT ON TABLE {} IS {}").format(target, sql.Literal(table.comment)))
    for column in table.columns:
        if column.comment:
            pg.execute(
                sql.SQL("COMMENT ON COLUMN {}.{} IS {}").format(
                    target, sql.Identifier(column.name), sql.Literal(column.comment)
                )
            )
    csv = scratch / f"{table.name}.csv"
    select = ", ".join(_exported(c.name, c.duck_type) for c in table.columns)
    duck.execute(f"COPY (SELECT {select} FROM {SCHEMA}.\"{table.name}\") TO '{csv}' (FORMAT csv, HEADER false)")
    with pg.cursor() as cursor:
        with cursor.copy(sql.SQL("COPY {} FROM STDIN (FORMAT csv)").format(target)) as copy, open(csv, "rb") as data:
            while block := data.read(1 << 20):
                copy.write(block)
        rows = cursor.rowcount
    csv.unlink()
    return rows


def _swap(pg: psycopg.Connection, build_schema: str, names: list[str]) -> None:
    """Within the open transaction: drop the tables of schema marts, move the new ones in, drop the build's schema.
    A view that depends on an old table stops it, named (PostgreSQL's error lists the dependents)."""
    pg.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(SCHEMA)))
    old = pg.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'",
        [SCHEMA],
    ).fetchall()
    for (name,) in old:
        pg.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(SCHEMA, name)))
    for name in names:
        pg.execute(
            sql.SQL("ALTER TABLE {} SET SCHEMA {}").format(sql.Identifier(build_schema, name), sql.Identifier(SCHEMA))
        )
    pg.execute(sql.SQL("DROP SCHEMA {}").format(sql.Identifier(build_schema)))
