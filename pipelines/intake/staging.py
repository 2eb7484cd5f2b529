"""Load the checked inbox files into the run's working warehouse: budget lines, quarantine and sources.

The staging asset of the inbox (`pipelines/assets/inbox.py`) is this function; `benchmarks/scale.py` calls it
too, so the benchmark measures the code a build runs. Files read whole by their reader are loaded from memory;
files of a streamed format (milspace_lines) are read and checked here batch by batch (`LineStream`), so memory
holds one batch whatever the file's size; each checked batch is written to a Parquet file in the run's spool
folder, and DuckDB loads them all in one statement when the file has been read to its end. A streamed file that
fails part-way (a damaged row 5 million rows in) loads none of its lines and costs the other files none of
theirs: it is recorded as unreadable in marts.sources and marts.quarantine, and moved to
data_raw/inbox/rejected/ beside a note of the reason.

A streamed file's checked lines are content-addressed (staging.streamed_files): when the published warehouse holds
the lines of a file with the same name and intake key (the sha256 of its bytes, milspace's code and libraries, and the
known nations), they are copied from it with the file's rejected rows instead of being read and checked again, so a
build after one small new file does not read ten million unchanged lines. `milspace build --full` reads every file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.files import unchanged_since
from pipelines.intake.inbox import (
    UNREADABLE_RULE,
    CheckedFile,
    LineStream,
    changed_while_read,
    combined,
    combined_objects,
    set_aside,
)
from pipelines.shapes import FDP_PHASE, StreamedReader, empty_rejected, sources_frame
from pipelines.sources.registry import measure_table, readers
from pipelines.warehouse import ReusedFile, WarehouseRun

INBOX_FOLDER = "data_raw/inbox/"
#: The staging tables of the streamed formats (each reader's TABLE), made by every load even when empty, since
#: the view staging.budget_lines reads them all.
STREAMED_TABLES = ("milspace_lines",)
#: Metadata of the load's materialization (printed by `milspace build`): lines of unchanged streamed files copied
#: from the published warehouse instead of being read (count).
REUSED_LINES = "lines_reused"


@dataclass(frozen=True)
class Loaded:
    """What the load did: lines in staging.budget_lines, and every file as finally read."""

    rows: int
    files: list[CheckedFile]
    reconciliations: pl.DataFrame
    #: Lines of unchanged streamed files copied from the published warehouse instead of being read (count).
    reused_lines: int = 0

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)


def unreadable_rows(files: list[CheckedFile]) -> pl.DataFrame:
    """One quarantine row per file that could not be read at all, so the quarantine keeps it after it is fixed."""
    rows = [
        {"file": f.file, "sheet": None, "row": None, "column": "(file)", "rule": UNREADABLE_RULE, "value": f.error}
        for f in files
    ]
    return pl.DataFrame(rows, schema=empty_rejected().schema)


def _with_copies(file: CheckedFile, copies: pl.DataFrame) -> CheckedFile:
    """The file with its lines that copy another line of the same sheet counted out of its loaded lines."""
    mine = copies.filter(pl.col("file") == file.file)
    if mine.is_empty():
        return file
    rejected = pl.concat([file.rejected, mine.select(file.rejected.columns)])
    return dataclasses.replace(file, rejected=rejected, copies=mine.height)


def streamed_table(file: CheckedFile) -> str:
    """The staging table of a streamed file's format (its reader's TABLE)."""
    return next(r.TABLE for r in readers() if isinstance(r, StreamedReader) and r.FORMAT == file.source_format)


def _reused(file: CheckedFile, found: ReusedFile) -> CheckedFile:
    """The file as the build that read it found it: its lines, copies and rejected rows (copies among them)."""
    rejected = found.rejected.select(empty_rejected().columns).cast(empty_rejected().schema)
    return dataclasses.replace(file, rejected=rejected, streamed_rows=found.lines, copies=found.copies)


def _streamed_files(
    run: WarehouseRun, files: dict[str, CheckedFile], keys: dict[str, str], reused: dict[str, ReusedFile]
) -> None:
    """staging.streamed_files: each streamed file loaded, with its intake key and who read it."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = [
        {
            "file": name,
            "sha256": f.sha256,
            "intake_key": keys[name],
            "lines": f.streamed_rows or 0,
            "copies": f.copies,
            "reused": name in reused,
            "run_id": reused[name].run_id if name in reused else f.read_by[0] if f.read_by else run.run_id,
            "read_at": reused[name].read_at if name in reused else f.read_by[1] if f.read_by else now,
        }
        for name, f in files.items()
        if f.status == "loaded"
    ]
    text, count = pl.String, pl.Int64
    schema = {"file": text, "sha256": text, "intake_key": text, "lines": count, "copies": count, "reused": pl.Boolean}
    frame = pl.DataFrame(rows, schema={**schema, "run_id": text, "read_at": pl.Datetime("us")})
    run.load_staging("streamed_files", frame)


def load_inbox(
    run: WarehouseRun,
    files: list[CheckedFile],
    nation_codes: Collection[str],
    *,
    log: Callable[[str], None] = lambda _text: None,
    warn: Callable[[str], None] = lambda _text: None,
) -> Loaded:
    """Load every checked inbox file into staging.budget_lines, staging.reconciliations, staging.measures, and
    the inbox's rows of staging.quarantine and staging.sources (documents excepted: the strategy asset's)."""
    layout = run.warehouse.layout
    loaded = [f for f in files if f.status == "loaded"]
    lines, rejected, reconciliations = combined([f for f in loaded if not f.streamed])
    phases = pl.DataFrame({"phase": list(FDP_PHASE), "fdp_phase": list(FDP_PHASE.values())})
    run.load_staging("phases", phases)
    run.load_staging("published_lines", lines)
    run.load_staging("space_objects", combined_objects(loaded))
    keys = {f.file: f.store_key for f in loaded if f.streamed and f.store_key}
    reused = run.reusable(keys, STREAMED_TABLES[0]) if len(STREAMED_TABLES) == 1 else {}
    for name, found in reused.items():
        log(
            f"{name}: unchanged since run {found.run_id} read it (same SHA-256, code and nations): its "
            f"{found.lines - found.copies:,} checked lines are copied from the published warehouse"
        )
    # Read and checked by a worker of the distributed intake: its checked lines are loaded from the intake store.
    stored = [f for f in loaded if f.streamed and f.parts and f.file not in reused]
    streams = [
        LineStream(f, f.path or layout.root / f.file, nation_codes, progress=log)
        for f in loaded
        if f.streamed and not f.parts and f.file not in reused
    ]
    spool = run.spool()
    parts: dict[str, list[Path]] = {table: [] for table in STREAMED_TABLES}
    for f in stored:
        parts[streamed_table(f)].extend(f.parts)
        by = f" (run {f.read_by[0]})" if f.read_by else ""
        log(f"{f.file}: read and checked by the intake{by}: its {f.streamed_rows or 0:,} lines come from its store")
    for number, stream in enumerate(streams):
        written = []
        for index, batch in enumerate(stream):  # one batch in memory at a time
            written.append(spool / f"{number:04d}-{index:06d}.parquet")
            stream.reader.stored(batch).write_parquet(written[-1], compression="lz4", statistics=False)
        if stream.error is None and not unchanged_since(stream.path, stream.file.stamp):
            stream.changed = True  # written to or replaced while it was loaded: none of its lines, left in the inbox
            message = changed_while_read(stream.file).error
            assert message is not None  # changed_while_read always says why the file was not loaded
            warn(message)
        elif stream.error is None:
            parts[stream.reader.TABLE].extend(written)
        else:  # failed part-way: none of its lines are loaded, and it is set aside
            stream.set_aside_to = set_aside(
                layout, stream.file.file, reason=stream.error, run_id=run.run_id, path=stream.path
            )
            moved = stream.set_aside_to
            warn(f"{stream.error} " + (f"Moved to {moved}." if moved else "It could not be moved aside."))
    for table, table_parts in parts.items():
        run.load_staging_files(table, table_parts, reused=list(reused))
    shutil.rmtree(spool, ignore_errors=True)
    streamed = {s.file.file: s.checked() for s in streams} | {f.file: f for f in stored}
    streamed |= {f.file: _reused(f, reused[f.file]) for f in loaded if f.file in reused}
    _streamed_files(run, streamed, keys, reused)  # before the copies: their search leaves out the reused files
    run.create_view("budget_lines")
    copies = run.take_out_duplicates(list(reused))  # a figure stated twice in one sheet: every copy
    rows = run.create_view("budget_lines")
    files = [_with_copies(streamed.get(f.file, f), copies) for f in files]
    _streamed_files(run, {f.file: f for f in files if f.file in streamed}, keys, reused)
    unreadable = unreadable_rows([f for f in files if f.status == "unreadable"])
    copied = copies.select(rejected.columns)
    rejected = pl.concat([rejected, *(f.rejected for f in streamed.values()), unreadable, copied])
    run.load_staging("reconciliations", reconciliations)
    run.load_staging("measures", pl.DataFrame(measure_table()))
    documents = [f.file for f in files if f.status == "document"]
    starter = [f.file for f in files if f.origin == "starter"]
    run.replace_quarantine(starter, rejected, folder=INBOX_FOLDER, keep=documents)
    sources = sources_frame([f.source_record() for f in files if f.status != "document"])
    run.replace_rows("sources", sources, starter, folder=INBOX_FOLDER, keep=documents)
    return Loaded(rows, files, reconciliations, sum(r.lines - r.copies for r in reused.values()))
