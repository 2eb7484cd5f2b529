"""The asset graph's edges, declared by the SQL itself: which warehouse objects a SQL file reads and creates.

Each file is parsed with sqlglot (DuckDB dialect). A read is a schema-qualified table or view (`FROM staging.x`,
in any subquery or join), a table macro (`FROM marts.m(2015)`) or a scalar macro (`staging.f(...)`), in the
schemas `staging` and `marts`. What the file itself creates (its table, view or macros) is not a read, nor the
object a `COMMENT ON`, `ALTER` or `INSERT` targets; string literals and comments never are, and CTE names carry
no schema. Every object maps to one asset key by name: `staging.x` is ["staging", "x"], `marts.y` is
["marts", "y"], so there is nothing to keep by hand, and `require_producers` fails the definitions when a file
reads an object that no asset writes (Dagster would otherwise make it an external asset, silently).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

import dagster as dg
import sqlglot
from sqlglot import exp

from pipelines.errors import MilspaceError
from pipelines.warehouse import header_comment, with_shapes

#: The warehouse schemas whose objects are assets.
SCHEMAS = ("staging", "marts")

Table = tuple[str, str]

#: Statements a file may hold. Anything else sqlglot returns (a bare expression it made of a typo, or an opaque
#: `Command` it could not parse) would hide reads, so it is refused.
_STATEMENTS = (exp.Query, exp.Create, exp.Comment, exp.Alter, exp.Insert, exp.Delete, exp.Update, exp.Drop)
#: Statements whose target object is written, not read.
_WRITES = (exp.Create, exp.Comment, exp.Alter, exp.Insert, exp.Delete, exp.Update, exp.Drop)


class GraphError(MilspaceError):
    """A SQL file cannot be parsed, or reads what no asset writes."""


class Created(NamedTuple):
    """An object a SQL file creates: its kind (TABLE, VIEW, MACRO) and the comment above its CREATE statement."""

    kind: str
    comment: str


class SqlObjects(NamedTuple):
    """What a SQL text reads (less what it creates) and what it creates."""

    reads: frozenset[Table]
    created: Mapping[Table, Created]


def asset_key(table: Table) -> dg.AssetKey:
    """The asset that writes `schema.name`: ["schema", "name"]."""
    return dg.AssetKey(list(table))


def _statements(sql_text: str, name: str) -> list[exp.Expr]:
    try:
        parsed = sqlglot.parse(sql_text, dialect="duckdb")
    except sqlglot.errors.SqlglotError as error:
        details = getattr(error, "errors", None) or [{"description": str(error)}]
        where = "; ".join(
            f"{e.get('description')}" + (f" at line {e['line']}, column {e['col']}" if e.get("line") else "")
            for e in details
        )
        raise GraphError(f"{name}: sqlglot cannot parse it, so the tables it reads are unknown ({where})") from None
    statements: list[exp.Expr] = [s for s in parsed if s is not None and not isinstance(s, exp.Semicolon)]
    for statement in statements:
        if not isinstance(statement, _STATEMENTS):
            raise GraphError(
                f"{name}: sqlglot reads `{statement.sql(dialect='duckdb')[:80]}` as an expression "
                f"({type(statement).__name__}), not as a statement whose reads it knows, so the tables the file reads "
                "are unknown"
            )
    return statements


def _target(statement: exp.Expr) -> exp.Expr | None:
    """The node naming what a writing statement writes (a table, view, macro, or a column's table)."""
    if not isinstance(statement, _WRITES):
        return None
    node = statement.this
    while isinstance(node, (exp.UserDefinedFunction, exp.Schema)):  # a macro's name, a table's column list
        node = node.this
    return node if isinstance(node, (exp.Table, exp.Column)) else None


def _object(node: exp.Expr) -> Table | None:
    """(schema, name) of a table, table function, column's table or schema-qualified function call."""
    if isinstance(node, exp.Table):
        name = node.this.name if isinstance(node.this, exp.Func) else node.name
        return (node.db, name) if node.db in SCHEMAS and name else None
    if isinstance(node, exp.Column):  # COMMENT ON COLUMN schema.table.column
        return (node.db, node.table) if node.db in SCHEMAS and node.table else None
    if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Func):  # staging.figure_identity(...)
        schema = node.this
        if isinstance(schema, (exp.Identifier, exp.Column)) and schema.name in SCHEMAS:
            function = node.expression
            name = function.name if isinstance(function, exp.Anonymous) else function.sql_name().lower()
            return (schema.name, name)
    return None


def sql_objects(sql_text: str, *, name: str = "SQL") -> SqlObjects:
    """What a SQL text of one or more statements reads and creates; `name` names it in errors."""
    return _sql_objects(sql_text, name)


@cache  # the definitions ask about each mart file more than once (its asset, the report's deps)
def _sql_objects(sql_text: str, name: str) -> SqlObjects:
    reads: set[Table] = set()
    created: dict[Table, Created] = {}
    for statement in _statements(sql_text, name):
        target = _target(statement)
        if target is not None and (written := _object(target)) is not None and isinstance(statement, exp.Create):
            comment = "\n".join(line.strip() for line in statement.comments or []).strip()
            created[written] = Created(str(statement.args.get("kind") or "").upper(), comment)
        for node in statement.walk():
            if node is target:
                continue
            if isinstance(node, (exp.Table, exp.Dot)) and (found := _object(node)) is not None:
                reads.add(found)
    return SqlObjects(frozenset(reads - created.keys()), MappingProxyType(created))


def tables_read(sql_text: str, *, name: str = "SQL") -> set[Table]:
    """(schema, name) of every staging or marts object the SQL reads, less what it creates itself."""
    return set(sql_objects(sql_text, name=name).reads)


def tables_created(sql_text: str, *, name: str = "SQL") -> set[Table]:
    """(schema, name) of every staging or marts table, view or macro the SQL creates."""
    return set(sql_objects(sql_text, name=name).created)


def file_reads(path: Path) -> set[Table]:
    """What a SQL file reads (errors name the file)."""
    return tables_read(with_shapes(path.read_text(encoding="utf-8"), str(path)), name=str(path))


def file_objects(path: Path, schema: str) -> SqlObjects:
    """What the SQL file of the object `<schema>.<file's stem>` reads and creates; it must create that object."""
    objects = sql_objects(with_shapes(path.read_text(encoding="utf-8"), str(path)), name=str(path))
    if (schema, path.stem) not in objects.created:
        raise GraphError(f"{path} does not create {schema}.{path.stem}, so its asset would have nothing to build")
    return objects


#: The DuckDB catalog of the published warehouse (its file's stem): the first part of a `dagster/table_name`.
CATALOG = "warehouse"


def sql_reference(path: Path) -> dict[str, Any]:
    """Definition metadata pointing at the SQL file behind an asset (Dagster's code references, shown in the UI)."""
    label = f"sql/{path.parent.name}/{path.name}"
    return {
        "dagster/code_references": dg.CodeReferencesMetadataValue(
            code_references=[dg.LocalFileCodeReference(file_path=str(path), line_number=1, label=label)]
        )
    }


def table_spec_metadata(table: Table, path: Path) -> dict[str, Any]:
    """Definition metadata of a table or view asset: its name in the warehouse and the SQL file that makes it."""
    return {"dagster/table_name": ".".join((CATALOG, *table)), **sql_reference(path)}


def file_specs(path: Path, schema: str, **spec: Any) -> list[dg.AssetSpec]:
    """One AssetSpec per object the SQL file of `<schema>.<stem>` creates: that object first, described by the file's
    header comment, then any other (a macro beside a table), described by the comment above its CREATE. `spec`:
    the other AssetSpec arguments (deps, group_name, kinds), the same for each. Each carries the SQL file as its code
    reference, and each table or view its `dagster/table_name`."""
    created = file_objects(path, schema).created
    main = (schema, path.stem)
    others = sorted(set(created) - {main})

    def metadata(table: Table) -> dict[str, Any]:
        return table_spec_metadata(table, path) if created[table].kind != "MACRO" else sql_reference(path)

    return [
        dg.AssetSpec(key=asset_key(main), description=header_comment(path), metadata=metadata(main), **spec),
        *(
            dg.AssetSpec(
                key=asset_key(other),
                description=(
                    f"The {created[other].kind.lower()} {'.'.join(other)}, made by sql/{path.parent.name}/{path.name} "
                    f"with {'.'.join(main)}. {created[other].comment}"
                ).strip(),
                metadata=metadata(other),
                **spec,
            )
            for other in others
        ),
    ]


def created_metadata(path: Path, schema: str) -> dict[dg.AssetKey, dict[str, str]]:
    """Materialization metadata of each object the SQL file of `<schema>.<stem>` creates: its kind and name, as
    {"table": "staging.x"} or {"macro": "staging.f"}."""
    created = file_objects(path, schema).created
    return {asset_key(table): {made.kind.lower(): ".".join(table)} for table, made in created.items()}


def require_producers(reads: Mapping[str, Iterable[Table]], assets: Iterable[dg.AssetsDefinition]) -> None:
    """Raise, naming each reader and object, when something in `reads` (reader -> objects it reads) is written by
    no asset: Dagster would make it an external asset that no build ever materializes."""
    produced = {key for asset in assets for key in asset.keys}
    missing = [
        f"{reader} reads {schema}.{table}, which no asset writes (no asset has the key {schema}/{table})"
        for reader, tables in reads.items()
        for schema, table in sorted(tables)
        if asset_key((schema, table)) not in produced
    ]
    if missing:
        raise GraphError(
            "The asset graph has a dependency no asset produces; write it in an asset (each object a load makes is "
            "an AssetSpec of that load), or stop reading it:\n  " + "\n  ".join(missing)
        )
