"""Column lineage of the warehouse's SQL files: for each column a file creates, the upstream columns it is computed
from, and whether it is a plain copy of one of them.

Each file is read as the warehouse runs it (`@columns(shape)` in place, `shapes.with_shapes`), parsed with sqlglot
in DuckDB's dialect and qualified once per statement: stars are expanded against the columns of the tables the
statement reads, and every column reference is tied to its source. The lineage is then traced through the query's
scopes (CTEs, subqueries, derived tables and set operations) down to columns of `staging` and `marts` tables. One
qualification per statement, not sqlglot's per-column `lineage()` (which qualifies the statement again for every
column: 20 to 35 s for all the files here, against under a second this way: benchmarks/column_lineage.py).

A column is a *plain copy* when, at every step down to a table column, it is a bare column reference (renamed or
not): the same value as its upstream column, whatever rows the query keeps. Anything else (arithmetic, a CASE, a
function, an aggregate, a window, a scalar subquery, a set operation whose branches read different columns, a
column one branch of a `UNION BY NAME` leaves NULL) is computed, with every column it reads as its upstream.

The tables a statement reads take their columns from `schema` when it is given (the warehouse writer passes the
live warehouse's columns), else from the SQL files beside the file (`sql/<schema>/<table>.sql`, the convention the
asset graph holds every file to), read in memory once per set of file versions: nothing is cached on disk. Nothing
here imports Dagster.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, build_scope
from sqlglot.schema import MappingSchema

from pipelines.errors import MilspaceError
from pipelines.shapes import with_shapes

#: The warehouse schemas whose columns are traced; a column read from anything else has no upstream here.
SCHEMAS = ("staging", "marts")

#: An upstream column: (schema, table, column).
Upstream = tuple[str, str, str]
#: Columns of the tables a statement may read: {schema: {table: [column, ...]}}.
Columns = Mapping[str, Mapping[str, Sequence[str]]]


class LineageError(MilspaceError):
    """A SQL file cannot be parsed, so the columns it creates are unknown."""


@dataclass(frozen=True)
class ColumnLineage:
    """Where one column's values come from: every upstream column it is computed from (sorted; empty when none is
    found: a literal, a column of a file or table function, a DDL column), and `copy_of`, the one upstream column
    when the column is a plain copy of it (same value, perhaps renamed), else None."""

    upstream: tuple[Upstream, ...]
    copy_of: Upstream | None = None

    @property
    def is_copy(self) -> bool:
        return self.copy_of is not None


_NOTHING = ColumnLineage(())


def column_lineage(path: Path) -> dict[str, dict[str, list[Upstream]]]:
    """For each table or view the SQL file creates ("schema.table"), each of its columns (in order) -> the upstream
    (schema, table, column) it is computed from, sorted; an empty list when none is found. `plain_copies` (or
    `file_lineage`) tells which columns are plain copies."""
    return {
        table: {column: list(found.upstream) for column, found in columns.items()}
        for table, columns in file_lineage(path).items()
    }


def plain_copies(path: Path) -> dict[str, dict[str, Upstream]]:
    """For each table or view the SQL file creates, its columns that are plain copies -> the column they copy."""
    return {
        table: {column: found.copy_of for column, found in columns.items() if found.copy_of is not None}
        for table, columns in file_lineage(path).items()
    }


def file_lineage(path: Path, schema: Columns | None = None) -> dict[str, dict[str, ColumnLineage]]:
    """The lineage of every column of every table or view the SQL file creates ("schema.table" -> column ->
    ColumnLineage). The tables it reads take their columns from `schema` if given, else from the SQL files beside
    it (sql/<schema>/<table>.sql)."""
    path = Path(path)
    if schema is not None:
        return sql_lineage(path.read_text(encoding="utf-8"), schema, name=str(path))
    with _LOCK:
        return _catalog(path.parent.parent).lineage(path)


def sql_lineage(text: str, schema: Columns, *, name: str = "SQL") -> dict[str, dict[str, ColumnLineage]]:
    """The lineage of the columns each table or view of a SQL text creates, the tables it reads having the columns
    `schema` gives. `name` names the text in errors."""
    return _statements_lineage(_parse(with_shapes(text, name), name), schema)


def _statements_lineage(statements: list[exp.Expr], schema: Columns) -> dict[str, dict[str, ColumnLineage]]:
    """sql_lineage of parsed statements (which it qualifies in place)."""
    known = {db: {table: list(columns) for table, columns in tables.items()} for db, tables in schema.items()}
    result: dict[str, dict[str, ColumnLineage]] = {}
    for statement in statements:
        if isinstance(statement, exp.Alter) and isinstance(statement.this, exp.Table):
            altered = result.get(f"{statement.this.db}.{statement.this.name}")
            if altered is not None:
                for action in statement.args.get("actions") or []:
                    if isinstance(action, exp.ColumnDef):
                        altered.setdefault(action.name, _NOTHING)
            continue
        made = _created(statement)
        if made is None:
            continue
        if isinstance(statement.expression, exp.Query):
            columns = _query_lineage(statement.expression, known)
        else:
            columns = dict.fromkeys(_defined_columns(statement), _NOTHING)
        result[".".join(made)] = columns
        known.setdefault(made[0], {})[made[1]] = list(columns)
    return result


# --- parsing -------------------------------------------------------------------------------------------------------


def _parse(text: str, name: str) -> list[exp.Expr]:
    try:
        return [s for s in sqlglot.parse(text, dialect="duckdb") if s is not None and not isinstance(s, exp.Semicolon)]
    except SqlglotError as error:
        raise LineageError(f"{name}: sqlglot cannot parse it, so its columns' lineage is unknown ({error})") from None


def _created(statement: exp.Expr) -> tuple[str, str] | None:
    """(schema, name) of the table or view a CREATE statement makes in staging or marts; None for anything else
    (a macro, a statement that is not a CREATE)."""
    if not isinstance(statement, exp.Create) or str(statement.args.get("kind") or "").upper() not in ("TABLE", "VIEW"):
        return None
    target = statement.this
    if isinstance(target, exp.Schema):
        target = target.this
    if isinstance(target, exp.Table) and target.db in SCHEMAS and target.name:
        return (target.db, target.name)
    return None


def _defined_columns(statement: exp.Expr) -> list[str]:
    """The columns a CREATE TABLE (...) statement defines, in order."""
    target = statement.this
    if not isinstance(target, exp.Schema):
        return []
    return [c.name for c in target.expressions if isinstance(c, exp.ColumnDef)]


def _reads(query: exp.Expr) -> set[tuple[str, str]]:
    """(schema, table) of every staging or marts table a query names."""
    return {(t.db, t.name) for t in query.find_all(exp.Table) if t.db in SCHEMAS and t.name}


# --- tracing -------------------------------------------------------------------------------------------------------


class _QuietScopes(logging.Filter):
    """sqlglot warns that it cannot walk into a DuckDB `UNPIVOT` statement used as a table; the columns it makes
    simply have no upstream here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Cannot traverse scope")


@contextmanager
def _quiet() -> Iterator[None]:
    logger = logging.getLogger("sqlglot")
    quiet = _QuietScopes()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


def _query_lineage(query: exp.Query, known: Mapping[str, Mapping[str, Sequence[str]]]) -> dict[str, ColumnLineage]:
    """Each output column of a query -> its lineage, the tables it reads having the `known` columns. The query is
    qualified in place."""
    for set_op in query.find_all(exp.SetOperation):
        # DuckDB's `UNION [ALL] BY NAME` outputs every name either side has (the other side gives NULL); sqlglot
        # reads that as BigQuery's FULL ... BY NAME, and as the left side's columns without `side`.
        if set_op.args.get("by_name") and not set_op.args.get("side"):
            set_op.set("side", "FULL")
    mapping: dict[str, object] = {
        db: {table: dict.fromkeys(columns, "UNKNOWN") for table, columns in tables.items()}
        for db, tables in known.items()
    }
    names = [name for name in query.named_selects if name and name != "*"]
    try:
        with _quiet():
            qualified = qualify(
                query,
                dialect="duckdb",
                schema=MappingSchema(mapping, dialect="duckdb"),
                validate_qualify_columns=False,
                identify=False,
            )
            root = build_scope(qualified)
    except SqlglotError:  # a query sqlglot cannot resolve: its columns, with no upstream found
        return dict.fromkeys(names, _NOTHING)
    if root is None:
        return dict.fromkeys(names, _NOTHING)
    tracer = _Tracer()
    return {column: tracer.trace(root, column) or _NOTHING for column in tracer.outputs(root)}


class _Tracer:
    """Traces output columns of one qualified query through its scopes, each (scope, column) once."""

    def __init__(self) -> None:
        self._traced: dict[tuple[int, str], ColumnLineage | None] = {}
        self._outputs: dict[int, list[str]] = {}
        self._projections: dict[int, dict[str, exp.Expr]] = {}

    def outputs(self, scope: Scope) -> list[str]:
        """The output column names of a scope's query, in order (a set operation BY NAME: every name either side
        has)."""
        key = id(scope)
        if key not in self._outputs:
            expression = scope.expression
            if isinstance(expression, exp.SetOperation):
                left, right = (self.outputs(side) for side in scope.set_operation_scopes)
                names = list(dict.fromkeys(left + right)) if expression.args.get("by_name") else left
            elif isinstance(expression, exp.Select):
                names = list(self._projected(scope))
            else:
                names = []
            self._outputs[key] = names
        return self._outputs[key]

    def _projected(self, scope: Scope) -> dict[str, exp.Expr]:
        key = id(scope)
        if key not in self._projections:
            projections: dict[str, exp.Expr] = {}
            expression = scope.expression
            for select in expression.selects if isinstance(expression, exp.Select) else []:
                name = select.alias_or_name
                if name and name != "*":
                    projections.setdefault(name, select)
            self._projections[key] = projections
        return self._projections[key]

    def trace(self, scope: Scope, column: str) -> ColumnLineage | None:
        """The lineage of output `column` of a scope's query; None when the query has no such column."""
        key = (id(scope), column)
        if key not in self._traced:
            self._traced[key] = None  # a column that reads itself (a recursive CTE) ends here
            self._traced[key] = self._trace(scope, column)
        return self._traced[key]

    def _trace(self, scope: Scope, column: str) -> ColumnLineage | None:
        expression = scope.expression
        if isinstance(expression, exp.SetOperation):
            return self._trace_set(scope, column)
        if not isinstance(expression, exp.Select):
            return None
        projection = self._projected(scope).get(column)
        if projection is None:
            return None
        value = projection.unalias()
        upstream: set[Upstream] = set()
        copied: Upstream | None = None
        nested: list[exp.Expr] = []
        for node in value.walk(prune=lambda n: isinstance(n, exp.Query)):
            if isinstance(node, exp.Query):
                nested.append(node)
            elif isinstance(node, exp.Column) and node.name:
                found = self._resolve(scope, node)
                upstream.update(found.upstream)
                if node is value:
                    copied = found.copy_of
        for query in nested:  # a scalar subquery, EXISTS or IN (SELECT ...): what it selects
            inner = next((s for s in scope.subquery_scopes if s.expression in (query, query.unnest())), None)
            names = self.outputs(inner) if inner is not None else []
            if inner is not None and names and (found_inner := self.trace(inner, names[0])) is not None:
                upstream.update(found_inner.upstream)
        return ColumnLineage(tuple(sorted(upstream)), copied)

    def _trace_set(self, scope: Scope, column: str) -> ColumnLineage | None:
        """A column of a UNION / INTERSECT / EXCEPT: BY NAME, the same name on each side; else the same position."""
        sides = scope.set_operation_scopes
        if scope.expression.args.get("by_name"):
            found = [self.trace(side, column) for side in sides]
        else:
            names = self.outputs(scope)
            if column not in names:
                return None
            position = names.index(column)
            found = []
            for side in sides:
                side_names = self.outputs(side)
                found.append(self.trace(side, side_names[position]) if position < len(side_names) else None)
        present = [f for f in found if f is not None]
        if not present:
            return None
        upstream = tuple(sorted({u for f in present for u in f.upstream}))
        copies = {None if f is None else f.copy_of for f in found}  # a side without the column gives NULL
        copy = copies.pop() if len(copies) == 1 and None not in copies and len(upstream) == 1 else None
        return ColumnLineage(upstream, copy)

    def _resolve(self, scope: Scope, reference: exp.Column) -> ColumnLineage:
        """Where a column reference of a scope reads from: a table's column, or an output of a CTE, derived table
        or outer query (correlated)."""
        owner: Scope | None = scope
        source = None
        while owner is not None and source is None:
            source = owner.sources.get(reference.table)
            owner = owner.parent
        if isinstance(source, exp.Table):
            if source.db in SCHEMAS and not isinstance(source.this, exp.Func) and not source.args.get("pivots"):
                found: Upstream = (source.db, source.name, reference.name)
                return ColumnLineage((found,), found)
            return _NOTHING
        if isinstance(source, Scope):
            return self.trace(source, reference.name) or _NOTHING
        return _NOTHING


# --- the files beside a file, read once per set of versions ----------------------------------------------------------


class _Catalog:
    """The SQL files of one sql/ folder, parsed and traced on demand, each once: the columns of every table the
    files create, by the convention that sql/<schema>/<name>.sql creates <schema>.<name>."""

    def __init__(self, sql_dir: Path, versions: tuple[tuple[str, int, int], ...]) -> None:
        self.sql_dir = sql_dir
        self.versions = versions
        self._lineage: dict[Path, dict[str, dict[str, ColumnLineage]]] = {}
        self._busy: set[Path] = set()

    def lineage(self, path: Path) -> dict[str, dict[str, ColumnLineage]]:
        path = path.resolve()
        if path not in self._lineage:
            if path in self._busy:  # a file that reads, through others, a table it makes itself
                return {}
            self._busy.add(path)
            try:
                self._lineage[path] = self._read(path)
            finally:
                self._busy.discard(path)
        return self._lineage[path]

    def _read(self, path: Path) -> dict[str, dict[str, ColumnLineage]]:
        text = path.read_text(encoding="utf-8")
        statements = _parse(with_shapes(text, str(path)), str(path))
        made = {_created(s) for s in statements} - {None}
        reads = set().union(*(_reads(s.expression) for s in statements if _created(s) and s.expression)) - made
        known: dict[str, dict[str, list[str]]] = {}
        for db, table in sorted(reads):
            columns = self.columns(db, table)
            if columns is not None:
                known.setdefault(db, {})[table] = columns
        return _statements_lineage(statements, known)

    def columns(self, db: str, table: str) -> list[str] | None:
        """The columns of db.table, from the file that creates it (None when no file here does)."""
        path = self.sql_dir / db / f"{table}.sql"
        if not path.is_file():
            return None
        made = self.lineage(path).get(f"{db}.{table}")
        return None if made is None else list(made)


_LOCK = threading.Lock()
_CATALOG: _Catalog | None = None


def _versions(sql_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """What identifies the current content of the folder's SQL files: each one's path, size and modification time."""
    found = []
    for schema in SCHEMAS:
        for path in sorted((sql_dir / schema).glob("*.sql")):
            stat = path.stat()
            found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def _catalog(sql_dir: Path) -> _Catalog:
    """The catalog of a sql/ folder, kept in memory while none of its files changes."""
    global _CATALOG
    sql_dir = sql_dir.resolve()
    versions = _versions(sql_dir)
    if _CATALOG is None or _CATALOG.sql_dir != sql_dir or _CATALOG.versions != versions:
        _CATALOG = _Catalog(sql_dir, versions)
    return _CATALOG
