"""The only code that writes DuckDB.

A run never writes the published warehouse. It writes a working copy, `data_marts/build/<run id>.duckdb`,
made on first use from the published file (or empty, for a fresh build), and publishes it at the end with an
atomic rename. Readers (an analyst's `make sql`, the report) always see a complete database and never block a
build; a run that fails or is killed leaves the published file exactly as it was.

Tables are created by the SQL files in `sql/` (one per table), run in the working copy.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from pipelines.errors import InputFileError, WarehouseError
from pipelines.lineage import sql_lineage
from pipelines.paths import SQL_DIR, Layout
from pipelines.shapes import SHAPES, declared_shape, with_shapes
from pipelines.sources.datapackage import load_package
from pipelines.sources.described_csv import PROVENANCE_DESCRIPTIONS

SCHEMAS = ("staging", "marts")
_SAFE_RUN_ID = re.compile(r"^[A-Za-z0-9_.-]+$")


def sql_file(kind: str, name: str) -> Path:
    """`sql/<kind>/<name>.sql`, or a clear error if it is missing."""
    path = SQL_DIR / kind / f"{name}.sql"
    if not path.is_file():
        raise WarehouseError(f"No SQL for {kind}.{name}: expected {path}")
    return path


def sql_text(kind: str, name: str) -> str:
    """The statements of `sql/<kind>/<name>.sql`, with the declared shapes' columns in place (`with_shapes`)."""
    return with_shapes(sql_file(kind, name).read_text(encoding="utf-8"), f"sql/{kind}/{name}.sql")


def describe_columns(
    con: duckdb.DuckDBPyConnection, table: str, sql: str, *, fields: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Give each column of `table` ("schema.name", a table or a view) that has no comment after its SQL file ran a
    description, the first there is of (`sql`: the file's text as written, `@columns(...)` and all):

    a. the file's own `COMMENT ON COLUMN` (it ran with the file: such a column is not touched here);
    b. the declared description of the shape that describes the table (`@columns(shape)` in its CREATE TABLE, or
       `-- Described by: shape` in its header; pipelines/shapes.py);
    c. `fields`: for the staging table of a shipped input, its datapackage.json field's description with its unit,
       and the provenance columns every such table has (`shipped_descriptions`);
    d. for a plain copy of one upstream column (pipelines/lineage.py: the same value, perhaps renamed), that
       column's comment in this warehouse.

    Runs in the caller's transaction; the descriptions given here, by column."""
    schema, name = table.split(".")
    columns = con.execute(
        "SELECT column_name, comment FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = ? AND table_name = ? ORDER BY column_index",
        [schema, name],
    ).fetchall()
    bare = [column for column, comment in columns if not comment]
    given: dict[str, str] = {}
    shape = declared_shape(sql, table)
    if shape is not None and shape in SHAPES:
        given |= {c: SHAPES[shape][c].description for c in bare if c in SHAPES[shape]}
    given |= {c: fields[c] for c in bare if c not in given and fields and fields.get(c)}
    if rest := [c for c in bare if c not in given]:
        given |= _inherited(con, table, sql, rest)
    for column, description in given.items():
        quoted_column = column.replace('"', '""')
        quoted = description.replace("'", "''")
        con.execute(f"COMMENT ON COLUMN {schema}.{name}.\"{quoted_column}\" IS '{quoted}'")
    return given


def _inherited(con: duckdb.DuckDBPyConnection, table: str, sql: str, columns: list[str]) -> dict[str, str]:
    """The comments of the upstream columns that `columns` of `table` are plain copies of, where they have one."""
    rows = con.execute(
        "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name IN ('staging', 'marts') ORDER BY column_index"
    ).fetchall()
    known: dict[str, dict[str, list[str]]] = {}
    comments: dict[tuple[str, str, str], str] = {}
    for db, source, column, comment in rows:
        known.setdefault(db, {}).setdefault(source, []).append(column)
        if comment:
            comments[(db, source, column)] = comment
    lineage = sql_lineage(sql, known, name=table).get(table, {})
    inherited = {}
    for column in columns:
        found = lineage.get(column)
        if found is not None and found.copy_of is not None and found.copy_of in comments:
            inherited[column] = comments[found.copy_of]
    return inherited


def shipped_descriptions(layout: Layout, table: str) -> dict[str, str]:
    """For `staging.<table>` when it holds a shipped input (the resource of that name in data_raw/reference/ or
    data_raw/starter/datapackage.json): each field's description with its unit, and the provenance columns every
    such table adds (source_file, source_row); empty for any other table."""
    for folder in (layout.reference, layout.starter):
        try:
            package = load_package(folder)
        except InputFileError:
            continue
        if table in package:
            return {f.name: f.described for f in package[table].fields} | dict(PROVENANCE_DESCRIPTIONS)
    return {}


def _row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """The rows in `table` (schema-qualified)."""
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None  # count(*) always gives one row
    return row[0]


def header_comment(path: Path) -> str:
    """The leading `--` comment of a SQL file (its grain, units and sources), as plain text."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    return "\n".join(lines).strip()


#: DuckDB's memory for each connection of a build (it spills to a temporary folder beside the working copy past
#: it, so a build of ten million lines stays within about 2.5 GB). $MILSPACE_DUCKDB_MEMORY changes it, e.g. "4GB".
MEMORY_LIMIT = "1.5GB"


def connect(path: Path | str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with milspace's memory limit (see MEMORY_LIMIT)."""
    limit = os.environ.get("MILSPACE_DUCKDB_MEMORY", "").strip() or MEMORY_LIMIT
    try:
        return duckdb.connect(str(path), config={"memory_limit": limit})
    except (duckdb.InvalidInputException, duckdb.ParserException) as exc:
        raise WarehouseError(f"MILSPACE_DUCKDB_MEMORY={limit!r} is not a memory size DuckDB reads ({exc})") from None


#: Where a build moves what it must not publish beside the warehouse (a stale write-ahead log), under data_marts/.
SET_ASIDE_FOLDER = "set_aside"
#: Report sites being drawn are folders under reports/ named with this prefix (see Warehouse.staged_report).
STAGED_SITE_PREFIX = ".site-"


#: The name under which a run attaches the warehouse it started from (`WarehouseRun._attached_start`).
_START = "start_warehouse"


@dataclass(frozen=True)
class ReusedFile:
    """A streamed file whose checked lines a run copies from the warehouse it started from (`WarehouseRun.reusable`):
    what the build that read it found."""

    file: str
    lines: int  # lines that passed the contract, before copies were taken out
    copies: int  # lines taken out as copies of another line of the file
    run_id: str  # the build that read and checked it
    read_at: dt.datetime
    rejected: pl.DataFrame  # its rows of staging.quarantine (contract rejections and copies)


@dataclass(frozen=True)
class Published:
    """What publishing did: row counts by table, and where a stale write-ahead log was moved (or None)."""

    counts: dict[str, int]
    stale_log: Path | None = None


def _open_problem(path: Path) -> str | None:
    """Why a DuckDB file cannot be opened read-only (damaged, not DuckDB, locked by a writer), or None."""
    try:
        with connect() as con:
            quoted = str(path).replace("'", "''")
            con.execute(f"ATTACH '{quoted}' AS probe (READ_ONLY)")
            con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'probe'").fetchone()
    except duckdb.Error as exc:
        return str(exc).splitlines()[0]
    return None


@dataclass(frozen=True)
class Warehouse:
    layout: Layout

    @property
    def published(self) -> Path:
        return self.layout.warehouse

    def run(self, run_id: str, *, fresh: bool = False, reuse: bool = True) -> WarehouseRun:
        """The working warehouse of run `run_id` (a full rebuild from empty when `fresh`; every file read again,
        none of its checked lines copied from the last build, unless `reuse`)."""
        self.working_path(run_id)  # checks the run id
        return WarehouseRun(self, run_id, fresh, reuse)

    def working_path(self, run_id: str) -> Path:
        if not _SAFE_RUN_ID.match(run_id):
            raise WarehouseError(f"Unusable run id for a file name: {run_id!r}")
        return self.layout.build_dir / f"{run_id}.duckdb"

    def _prepare(self, path: Path, fresh: bool) -> Path | None:
        """Create the run's working copy (empty when `fresh`, else a copy of the last good warehouse) with the
        quarantine history carried on; the last good warehouse it started from (None: there is none)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        # A run holds the build lock (pipelines/lock.py), so any other working copy or staged site here was left
        # by a run that failed or was killed: nothing will ever publish it.
        for old in path.parent.iterdir():
            if not old.name.startswith(path.stem):
                shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
        sweep_staged_sites(self.layout.reports, builds_too=True)
        start = self._last_good()
        if not fresh and start is not None:
            shutil.copyfile(start, path)
        with connect(path) as con:
            for schema in SCHEMAS:
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            self._carry_quarantine(con, start)
        return start

    @property
    def previous(self) -> Path:
        """The build published before the current one (a hard link: no copy), kept so that a published file
        found damaged can be recovered without a person."""
        return self.published.with_name(f"{self.published.stem}.previous{self.published.suffix}")

    def _last_good(self) -> Path | None:
        """The published warehouse if it opens; if it is damaged, it is moved to data_marts/set_aside/ and the
        previous build is used (its quarantine history is carried on); None when there is neither. A published
        file held by another process's read-write session is an error naming that process: no build can replace
        it while it is held."""
        if not self.published.exists():
            return None
        problem = _open_problem(self.published)
        if problem is None:
            return self.published
        if "lock" in problem.lower():
            holder = lock_holder(problem) or "another process"
            raise WarehouseError(
                f"The published warehouse {self.published} is held open for writing by {holder}, so this build can "
                f"neither read its quarantine history nor replace it ({problem}). Close that session (quit that "
                "DuckDB shell or program; `milspace sql` and `make sql` open the warehouse read-only and never block "
                "a build) and build again; the published warehouse is unchanged."
            )
        folder = self.layout.data_marts / SET_ASIDE_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        damaged = folder / f"{self.published.name}.damaged.{stamp}"
        os.replace(self.published, damaged)
        usable = self.previous.exists() and _open_problem(self.previous) is None
        note = f"The published warehouse could not be opened ({problem}): it was moved here, and the build that " + (
            f"replaced it carried on the quarantine history of the build before it ({self.previous.name})."
            if usable
            else "replaced it started its quarantine history afresh (no earlier build could be opened)."
        )
        Path(f"{damaged}.reason.txt").write_text(note + "\n", encoding="utf-8")
        return self.previous if usable else None

    def _carry_quarantine(self, con: duckdb.DuckDBPyConnection, start: Path | None) -> None:
        """Copy the last good warehouse's marts.quarantine into staging.quarantine_history, so that the new
        marts.quarantine keeps every row earlier builds rejected (a fresh build starts from an empty file)."""
        con.execute("DROP TABLE IF EXISTS staging.quarantine_history")
        con.execute(sql_text("staging", "quarantine_history"))
        describe_columns(
            con, "staging.quarantine_history", sql_file("staging", "quarantine_history").read_text(encoding="utf-8")
        )
        if start is None:
            return
        quoted = str(start).replace("'", "''")
        try:
            con.execute(f"ATTACH '{quoted}' AS published (READ_ONLY)")
        except duckdb.Error as exc:
            raise WarehouseError(
                f"Cannot open the published warehouse {start} to carry its quarantine history into this build ({exc})."
            ) from None
        try:
            columns = {
                name
                for (name,) in con.execute(
                    "SELECT column_name FROM duckdb_columns() "
                    "WHERE database_name = 'published' AND schema_name = 'marts' AND table_name = 'quarantine'"
                ).fetchall()
            }
            if not columns:
                return
            # Warehouses published before the history columns existed have only run_id and quarantined_at.
            first_run = "first_run_id" if "first_run_id" in columns else "run_id"
            first_at = "first_quarantined_at" if "first_quarantined_at" in columns else "quarantined_at"
            con.execute(
                'INSERT INTO staging.quarantine_history SELECT file, sheet, "row", "column", rule, value, '
                f"{first_run}, {first_at}, run_id, quarantined_at FROM published.marts.quarantine"
            )
        finally:
            con.execute("DETACH published")

    def _set_aside_stale_log(self) -> Path | None:
        """Move the published warehouse's write-ahead log, if any, to data_marts/set_aside/ (kept, not deleted:
        it holds what a dead read-write session wrote); where it went, or None."""
        wal = Path(f"{self.published}.wal")
        if not wal.exists():
            return None
        folder = self.layout.data_marts / SET_ASIDE_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = folder / f"{wal.name}.{stamp}"
        try:
            os.replace(wal, target)
            Path(f"{target}.reason.txt").write_text(
                "A write-ahead log left beside the published warehouse by a read-write session that ended without "
                "saving (a killed `duckdb` shell, for example). DuckDB would have replayed it onto the newly "
                "published build, so it was moved here instead; it was not applied.\n",
                encoding="utf-8",
            )
        except OSError as exc:
            raise WarehouseError(
                f"A write-ahead log was left beside the published warehouse ({wal}) by a read-write session that "
                f"ended without saving; DuckDB would replay it onto the new build, and it could not be moved aside "
                f"({exc.strerror}). Nothing was published."
            ) from None
        return target

    def staged_report(self, run_id: str) -> Path:
        """The folder where this run draws its report site before publishing it with the warehouse: inside
        reports/, so that each of its files is renamed into place on the same file system (a reports/ on another
        disk than data_marts/ works), and a reports/ that cannot be written stops the build before the warehouse
        is replaced."""
        self.working_path(run_id)  # checks the run id
        return self.layout.reports / f"{STAGED_SITE_PREFIX}{run_id}"

    def discard(self, run_id: str) -> None:
        """Remove this run's working copy and staged report (after a failure); what was published is untouched."""
        path = self.working_path(run_id)
        for leftover in (path, Path(str(path) + ".wal")):
            leftover.unlink(missing_ok=True)
        for folder in (".tmp", ".spool"):  # DuckDB's spill folder, and files on their way in
            shutil.rmtree(Path(str(path) + folder), ignore_errors=True)
        shutil.rmtree(self.staged_report(run_id), ignore_errors=True)


@dataclass
class WarehouseRun:
    """One run's working warehouse, bound once to the run: its id (which names the working copy) and whether it
    starts empty (`fresh`) instead of from the published warehouse. The Dagster resource holds one for the run
    (pipelines/assets/resource.py), so no call passes the run id or `fresh`; the read-write connection it keeps open
    for the run lives here, and is let go by `release` (before the report reads the copy, at publish, at the end)."""

    warehouse: Warehouse
    run_id: str
    fresh: bool = False
    #: Copy a streamed file's checked lines from the warehouse the run started from when its intake key is the one
    #: they were loaded with (`reusable`); False reads every file again (`milspace build --full`).
    reuse: bool = True
    _held: duckdb.DuckDBPyConnection | None = field(default=None, repr=False, compare=False)
    #: The last good warehouse the working copy was started from (set when the copy is made; None: none, or unknown).
    _start: Path | None = field(default=None, repr=False, compare=False)

    @property
    def path(self) -> Path:
        """The run's working copy."""
        return self.warehouse.working_path(self.run_id)

    def release(self) -> None:
        """Close the connection held open for the run (the working copy stays); the next use opens it again."""
        held, self._held = self._held, None
        if held is not None:
            held.close()

    def staged_report(self) -> Path:
        return self.warehouse.staged_report(self.run_id)

    def discard(self) -> None:
        """Remove this run's working copy and staged report (after a failure); what was published is untouched."""
        self.release()
        self.warehouse.discard(self.run_id)

    @contextmanager
    def working(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to this run's working copy, created on first use."""
        path = self.path
        if not path.exists():
            self._start = self.warehouse._prepare(path, self.fresh)
        if self._held is None:
            # Held open until the run publishes, is discarded or ends: DuckDB then shares this database with every
            # later connection of the run instead of opening the file and writing a checkpoint at each step.
            self._held = connect(path)
        con = connect(path)
        try:
            yield con
        finally:
            con.close()

    def _describe(self, con: duckdb.DuckDBPyConnection, schema: str, name: str) -> None:
        """Describe the columns of `schema.name` that its SQL file leaves without a comment (`describe_columns`)."""
        fields = shipped_descriptions(self.warehouse.layout, name) if schema == "staging" else None
        describe_columns(con, f"{schema}.{name}", sql_file(schema, name).read_text(encoding="utf-8"), fields=fields)

    def load_staging(
        self,
        table: str,
        frames: pl.DataFrame | Iterable[pl.DataFrame],
    ) -> int:
        """(Re)create `staging.<table>` from its SQL file and insert the rows of a frame, or of each frame an
        iterable yields (a file read in batches: one batch in memory at a time), by column name, in one
        transaction."""
        ddl = sql_text("staging", table)
        frames = [frames] if isinstance(frames, pl.DataFrame) else frames
        with self.working() as con:
            con.execute("BEGIN")
            con.execute(ddl)
            self._describe(con, "staging", table)
            for frame in frames:
                if frame.height:
                    con.register("incoming", frame)  # DuckDB scans the Polars frame through Arrow, no copy
                    con.execute(f"INSERT INTO staging.{table} BY NAME SELECT * FROM incoming")
                    con.unregister("incoming")
            con.execute("COMMIT")
            return _row_count(con, f"staging.{table}")

    def replace_rows(
        self,
        table: str,
        frame: pl.DataFrame,
        files: list[str],
        *,
        folder: str | None = None,
        keep: list[str] | None = None,
    ) -> int:
        """In a staging table shared by several inputs (created once by its SQL file), replace the rows of the
        given files (and of every file under `folder`, if given, but those in `keep`, which another asset owns)
        with `frame`'s: delete, then insert, so a re-run never duplicates and a file removed from a folder leaves
        no rows behind."""
        ddl = sql_text("staging", table)
        with self.working() as con:
            con.execute("BEGIN")
            con.execute(ddl)
            self._describe(con, "staging", table)
            where = "file IN (SELECT unnest(?::VARCHAR[]))"
            params: list[object] = [files]
            if folder is not None:
                where = where + " OR (starts_with(file, ?) AND file NOT IN (SELECT unnest(?::VARCHAR[])))"
                params = [files, folder, keep or []]
            con.execute(f"DELETE FROM staging.{table} WHERE {where}", params)
            if frame.height:
                con.register("incoming", frame)
                con.execute(f"INSERT INTO staging.{table} BY NAME SELECT * FROM incoming")
                con.unregister("incoming")
            con.execute("COMMIT")
        return frame.height

    def spool(self) -> Path:
        """A folder for this run's files on their way into the warehouse (removed with the working copy)."""
        folder = Path(str(self.path) + ".spool")
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def load_staging_files(self, table: str, files: list[Path], *, reused: Collection[str] = ()) -> int:
        """(Re)create `staging.<table>` from its SQL file and load these Parquet files into it, by column name,
        in one statement: DuckDB reads them in parallel, within its memory limit, and writes the table's row
        groups as it goes (the rows need not keep an order: each carries its file and row). The rows of the
        `reused` files (`reusable`) are copied from the same table of the warehouse the run started from."""
        ddl = sql_text("staging", table)
        with self.working() as con, self._attached_start(con, bool(reused)):
            con.execute("SET preserve_insertion_order = false")
            con.execute("BEGIN")
            con.execute(ddl)
            self._describe(con, "staging", table)
            if reused:
                con.execute(
                    f"INSERT INTO staging.{table} BY NAME SELECT * FROM {_START}.staging.{table} "
                    "WHERE file IN (SELECT unnest(?::VARCHAR[]))",
                    [sorted(reused)],
                )
            if files:
                con.execute(
                    f"INSERT INTO staging.{table} BY NAME SELECT * FROM read_parquet(?)", [[str(f) for f in files]]
                )
            con.execute("COMMIT")
            return _row_count(con, f"staging.{table}")

    @contextmanager
    def _attached_start(self, con: duckdb.DuckDBPyConnection, wanted: bool = True) -> Iterator[bool]:
        """The warehouse this run started from, attached read-only as `start` while the block runs (when
        `wanted`); whether it is."""
        if not wanted or self._start is None or not self._start.exists():
            yield False
            return
        quoted = str(self._start).replace("'", "''")
        try:
            con.execute(f"ATTACH '{quoted}' AS {_START} (READ_ONLY)")
        except duckdb.Error as exc:
            raise WarehouseError(
                f"Cannot open the published warehouse {self._start} to copy the lines of unchanged files ({exc}); "
                "`milspace build --full` reads every file again."
            ) from None
        try:
            yield True
        finally:
            con.execute(f"DETACH {_START}")

    def reusable(self, keys: Mapping[str, str], table: str) -> dict[str, ReusedFile]:
        """Of these streamed files ({file: intake key}), those whose lines the warehouse the run started from holds
        in staging.<table>, loaded under the same key (staging.streamed_files): what that load found, with the
        file's rejected rows from its staging.quarantine. Empty when the run does not reuse, or started from no
        warehouse or one built before keys were kept."""
        if not (self.reuse and keys):
            return {}
        with self.working() as con, self._attached_start(con) as attached:
            if not attached:
                return {}
            present = con.execute(
                "SELECT count(DISTINCT table_name) FROM duckdb_tables() WHERE database_name = ? "
                "AND schema_name = 'staging' AND table_name IN ('streamed_files', 'quarantine', ?)",
                [_START, table],
            ).fetchone()
            if present is None or present[0] < 3:
                return {}
            wanted = pl.DataFrame({"file": list(keys), "intake_key": list(keys.values())})
            con.register("wanted", wanted)
            try:
                found = con.execute(
                    f"SELECT s.file, s.lines, s.copies, s.run_id, s.read_at FROM {_START}.staging.streamed_files AS s "
                    "JOIN wanted USING (file, intake_key)"
                ).fetchall()
                rejected = con.execute(
                    'SELECT q.file, q.sheet, q."row", q."column", q.rule, q.value '
                    f"FROM {_START}.staging.quarantine AS q WHERE q.file IN (SELECT unnest(?::VARCHAR[]))",
                    [[row[0] for row in found]],
                ).pl()
            finally:
                con.unregister("wanted")
        return {
            file: ReusedFile(file, lines, copies, run_id, read_at, rejected.filter(pl.col("file") == file))
            for file, lines, copies, run_id, read_at in found
        }

    def create_view(self, name: str) -> int:
        """(Re)create the view `staging.<name>` from its SQL file (replacing a table of that name that a warehouse
        built before it became a view may hold); the rows it shows."""
        ddl = sql_text("staging", name)
        with self.working() as con:
            con.execute("BEGIN")
            kind = con.execute(
                "SELECT table_type FROM information_schema.tables WHERE table_schema = 'staging' AND table_name = ?",
                [name],
            ).fetchone()
            if kind is not None and kind[0] == "BASE TABLE":
                con.execute(f"DROP TABLE staging.{name}")
            con.execute(ddl)
            self._describe(con, "staging", name)
            con.execute("COMMIT")
            return _row_count(con, f"staging.{name}")

    def take_out_duplicates(self, reused: Collection[str] = ()) -> pl.DataFrame:
        """Find the lines of staging.budget_lines that copy another line of the same sheet
        (sql/staging/duplicate_lines.sql), delete every copy from the staging tables behind the view, and return
        them as rejected rows (file, sheet, row, column, rule, value) for the quarantine. The copies of `reused`
        files, which are not searched again, are added to staging.duplicate_lines from the warehouse the run
        started from (they were taken out of its lines then, and are in the file's rejected rows already)."""
        ddl = sql_text("staging", "duplicate_lines")
        with self.working() as con, self._attached_start(con, bool(reused)):
            con.execute("BEGIN")
            con.execute(ddl)
            self._describe(con, "staging", "duplicate_lines")
            copies = con.execute('SELECT file, sheet, "row", "column", rule, value FROM staging.duplicate_lines').pl()
            if reused:
                con.execute(
                    f"INSERT INTO staging.duplicate_lines BY NAME SELECT * FROM {_START}.staging.duplicate_lines "
                    "WHERE file IN (SELECT unnest(?::VARCHAR[]))",
                    [sorted(reused)],
                )
            if copies.height:
                con.execute(
                    "DELETE FROM staging.published_lines AS p USING staging.duplicate_lines AS d "
                    'WHERE p.file = d.file AND p.sheet IS NOT DISTINCT FROM d.sheet AND p."row" = d."row" '
                    "AND p.source_column IS NOT DISTINCT FROM d.source_column"
                )
                con.execute(
                    "DELETE FROM staging.milspace_lines AS m USING staging.duplicate_lines AS d "
                    'WHERE m.file = d.file AND m."row" = d."row"'
                )
            con.execute("COMMIT")
        return copies

    def replace_quarantine(
        self,
        files: list[str],
        rejected: pl.DataFrame,
        *,
        folder: str | None = None,
        keep: list[str] | None = None,
    ) -> int:
        """Replace the quarantined rows of these files (or folder) with this run's, stamped with the run."""
        rows = rejected.with_columns(
            pl.lit(self.run_id).alias("run_id"),
            pl.lit(dt.datetime.now(dt.UTC).replace(tzinfo=None)).alias("quarantined_at"),
        )
        return self.replace_rows("quarantine", rows, files, folder=folder, keep=keep)

    def build_mart(self, name: str) -> int:
        """Run `sql/marts/<name>.sql` in the working copy; the number of rows in `marts.<name>`."""
        sql = sql_text("marts", name)
        with self.working() as con:
            try:
                con.execute("BEGIN")
                con.execute(sql)
                self._describe(con, "marts", name)
                con.execute("COMMIT")
            except duckdb.Error as exc:
                raise WarehouseError(f"sql/marts/{name}.sql failed: {exc}") from None
            return _row_count(con, f"marts.{name}")

    def query(self, sql: str) -> pl.DataFrame:
        """Run a read query in the working copy (asset checks)."""
        with self.working() as con:
            return con.execute(sql).pl()

    def publish(self) -> Published:
        """Atomically replace the published warehouse with this run's working copy; row counts by table.

        A write-ahead log beside the published file (`warehouse.duckdb.wal`, left by an analyst's read-write session
        that was killed) would be replayed by DuckDB onto the new file the next time it is opened: it is moved to
        data_marts/set_aside/ first, then the new file is renamed into place. A reader between the two renames sees
        the previous build without the dead session's unsaved changes, never the new build with them."""
        path = self.path
        if not path.exists():
            raise WarehouseError(f"Nothing to publish: this run has no working copy at {path}")
        self.release()
        with connect(path) as con:
            con.execute("CHECKPOINT")
            tables = con.execute(
                "SELECT schema_name || '.' || table_name, estimated_size FROM duckdb_tables() ORDER BY 1"
            ).fetchall()
            counts = {name: _row_count(con, name) for name, _ in tables}
        wal = Path(str(path) + ".wal")
        if wal.exists():
            raise WarehouseError(f"{path} still has a write-ahead log after checkpoint; not publishing it")
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
        self.warehouse.published.parent.mkdir(parents=True, exist_ok=True)
        stale = self.warehouse._set_aside_stale_log()
        if self.warehouse.published.exists():  # keep the build being replaced, as the last good one
            link = self.warehouse.previous.with_name(f".{self.warehouse.previous.name}.{self.run_id}")
            link.unlink(missing_ok=True)
            os.link(self.warehouse.published, link)
            os.replace(link, self.warehouse.previous)
        os.replace(path, self.warehouse.published)
        for folder in (".tmp", ".spool"):  # DuckDB's spill folder, and files on their way in
            shutil.rmtree(Path(str(path) + folder), ignore_errors=True)
        directory = os.open(self.warehouse.published.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        return Published(counts, stale)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_staged_sites(reports: Path, *, builds_too: bool) -> None:
    """Remove report sites left half-drawn under reports/ by a killed `milspace report` (`.site-pid<N>-...`, whose
    process N is gone) and, when the caller holds the build lock (`builds_too`), by a killed build
    (`.site-<run id>`: no other build can be drawing one)."""
    if not reports.is_dir():
        return
    for folder in reports.glob(f"{STAGED_SITE_PREFIX}*"):
        name = folder.name[len(STAGED_SITE_PREFIX) :]
        if name.startswith("pid"):
            pid = name[3:].split("-", 1)[0]
            if pid.isdigit() and _alive(int(pid)):
                continue
        elif not builds_too:
            continue
        shutil.rmtree(folder, ignore_errors=True)


#: What an analyst's session may not do (`read_only(..., analyst=True)`): touch any file but the warehouse (COPY,
#: read_csv and every other file reader, ATTACH, EXPORT DATABASE, INSTALL and LOAD), or change a setting. Run after
#: the warehouse is attached: with external access off, ATTACH of a file is refused.
ANALYST_RESTRICTIONS = ("SET enable_external_access = false", "SET lock_configuration = true")


@contextmanager
def read_only(path: Path, *, analyst: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to a published warehouse; many may be open while a build runs.

    The file is attached to a private in-memory database rather than opened with duckdb.connect(path): DuckDB
    shares one database per path within a process, so a connection opened before a build published would keep
    serving the old file to every later connection of the same process. Attached, each connection reads the
    file that was published when it opened, and a new connection sees the newest build.

    `analyst`: the connection runs queries someone typed (`milspace sql`), so DuckDB itself refuses anything
    beyond reading the warehouse (ANALYST_RESTRICTIONS). The build and the report leave it off."""
    if not path.exists():
        raise WarehouseError(f"No warehouse at {path}: run `make build` (or `milspace build`) first.")
    con = connect()
    try:
        quoted = str(path).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS warehouse (READ_ONLY)")
        con.execute("USE warehouse")
        for statement in ANALYST_RESTRICTIONS if analyst else ():
            con.execute(statement)
    except duckdb.Error as exc:
        con.close()
        holder = lock_holder(exc)
        close = f" It is held open for writing by {holder}: close that session and try again." if holder else ""
        raise WarehouseError(f"Cannot open the warehouse {path}: {exc}{close}") from None
    try:
        yield con
    finally:
        con.close()


_HOLDER_PID = re.compile(r"\(PID (\d+)\)")


def lock_holder(error: Exception | str) -> str | None:
    """The process DuckDB says holds a database file's lock ("Conflicting lock is held in ... (PID 123)"), as
    "process 123 (its command line)", or None when the error is not a lock conflict. The command line is read from
    /proc where there is one, and left out where it cannot be read."""
    found = _HOLDER_PID.search(str(error))
    if found is None:
        return None
    pid = found.group(1)
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return f"process {pid}"
    command = " ".join(raw.replace(b"\0", b" ").decode(errors="replace").split())  # one line, however it was typed
    if len(command) > 300:
        command = command[:297] + "..."
    return f"process {pid} ({command})" if command else f"process {pid}"
