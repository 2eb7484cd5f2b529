"""Published files (SIPRI, World Bank, OWID, NATO, DoD exhibits, Green Book): detect, read, check, without Dagster.

`check_file` takes one file through its reader and the BudgetLine contract; `read_inbox` does it for every
file in data_raw/inbox/. A file that cannot be read is recorded with its error, never a traceback, and the
other files go on; rows that break the contract are rejected with their rule, never dropped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import stat
import time
import traceback
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandera.polars as pa
import polars as pl

from pipelines.errors import InputFileError, MilspaceError
from pipelines.files import FileChanged, NotARegularFile, fingerprint, stamp_of, unchanged_since
from pipelines.intake import store
from pipelines.intake.contract import Checked, apply_contract, bind_references
from pipelines.nations import NationNames
from pipelines.paths import Layout
from pipelines.schemas import NOT_NEGATIVE_RULE, BudgetLine, SpaceObject
from pipelines.shapes import (
    Origin,
    ReadResult,
    SourceRecord,
    Status,
    StreamedReader,
    empty_lines,
    empty_objects,
    empty_reconciliations,
    empty_rejected,
)
from pipelines.sources.probe import Probe
from pipelines.sources.registry import (
    UnknownFormat,
    all_measures,
    companion,
    never_negative_measures,
    read_file,
    readers,
)
from pipelines.text.extract import looks_like_document

#: Files in the inbox that are never read: notes, hidden files, and the folder of rejected files.
IGNORED = (".", "_", "README")
#: Where an inbox file that cannot be read is moved, beside a note of the reason (`<name>.reason.txt`).
REJECTED_FOLDER = "rejected"
#: The quarantine rule of a file that could not be read at all.
UNREADABLE_RULE = "a readable published file (a format milspace reads, not damaged)"
#: Status of an inbox file that changed while it was read, or was still being written: left for the next build.
CHANGED: Status = "changed"
#: Status of an inbox entry that is not read: a symbolic link, a special file, or a second copy of a file.
SKIPPED: Status = "skipped"
#: A file modified less than this many seconds ago may still be being copied in: the build (and the sensor) wait
#: until it has stopped changing.
SETTLE_SECONDS = 10
#: How long a build waits, at most, for the inbox's files to stop changing ($MILSPACE_SETTLE_WAIT_SECONDS); a file
#: still changing then is left in the inbox for the next build.
SETTLE_WAIT_SECONDS = 60.0


#: Metadata of the asset inbox/budget_lines: {inbox file name: SHA-256} of the inbox files a build read, which the
#: inbox sensor takes as read once that build has succeeded (pipelines/automation.py).
INBOX_READ = "inbox_read"


@dataclass(frozen=True)
class CheckedFile:
    """One published file after its reader and the BudgetLine contract."""

    file: str
    sha256: str
    bytes: int
    status: Status  # loaded | companion (read with another file) | document (a strategy text) | unreadable ...
    source_format: str | None = None
    source: str | None = None
    edition: str | None = None
    lines: pl.DataFrame = field(default_factory=empty_lines)
    rejected: pl.DataFrame = field(default_factory=empty_rejected)
    reconciliations: pl.DataFrame = field(default_factory=empty_reconciliations)
    notes: tuple[str, ...] = ()
    error: str | None = None
    #: Read in batches when it is loaded (a format with STREAMED, such as milspace_lines), not held in `lines`.
    streamed: bool = False
    #: Lines loaded from a streamed file, known once it has been loaded (`LineStream`).
    streamed_rows: int | None = None
    #: Where the file came from: "inbox" (a user's download) or "starter" (a shipped extract, data_raw/starter/lines/).
    origin: Origin = "inbox"
    #: Lines taken out after loading because another line of the same sheet states the same figure (quarantined).
    copies: int = 0
    #: The file on disk (its name may not be printable as `file` shows it); None when only `file` is known.
    path: Path | None = None
    #: The file's identity when it was fingerprinted (inode, size, modification and change times), to tell
    #: whether it was replaced or written to while it was read.
    stamp: tuple[int, ...] | None = None
    #: Where the file was moved when it could not be read (data_raw/inbox/rejected/...), as shown to users.
    set_aside_to: str | None = None
    #: Sheets and columns the reader left out, each with the reason (`ReadResult.skipped`).
    skipped: tuple[str, ...] = ()
    #: The objects of a satellite catalogue, after the SpaceObject contract (empty for a budget publication).
    objects: pl.DataFrame = field(default_factory=empty_objects)
    #: The file's key in the intake store (`store.store_key`): what decides its checked rows. Empty when unknown.
    store_key: str = ""
    #: A streamed file's checked lines as Parquet files of the intake store, in the form its staging table holds
    #: them (read and checked by a worker of the distributed intake): loaded instead of reading the file.
    parts: tuple[Path, ...] = ()
    #: The Dagster run that read and checked the file and when (UTC), when that was not this build (`parts`).
    read_by: tuple[str, dt.datetime] | None = None

    @property
    def rows_loaded(self) -> int:
        lines = self.streamed_rows if self.streamed_rows is not None else self.lines.height
        return lines - self.copies + self.objects.height

    @property
    def rows_rejected(self) -> int:
        """Distinct rejected source rows (a row breaking two rules counts once)."""
        return self.rejected.select("sheet", "row").n_unique() if self.rejected.height else 0

    def source_record(self) -> SourceRecord:
        """This file's row of staging.sources."""
        return SourceRecord(
            file=self.file,
            origin=self.origin,
            sha256=self.sha256,
            bytes=self.bytes,
            status=self.status,
            source_format=self.source_format,
            source=self.source,
            edition=self.edition,
            rows_loaded=self.rows_loaded,
            rows_rejected=self.rows_rejected,
            error=self.error,
            skipped=self.skipped,
            set_aside_to=self.set_aside_to,
        )

    @property
    def on_disk(self) -> Path:
        return self.path if self.path is not None else Path(self.file)


def changed_while_read(checked: CheckedFile) -> CheckedFile:
    """The file, recorded as not read because it changed between its fingerprint and the end of its reading:
    left in the inbox (not set aside) for the next build, which reads the new content whole."""
    return dataclasses.replace(
        checked,
        status=CHANGED,
        lines=empty_lines(),
        objects=empty_objects(),
        rejected=empty_rejected(),
        reconciliations=empty_reconciliations(),
        streamed=False,
        streamed_rows=0,
        error=(
            f"{checked.file} changed while it was being read (it was replaced or written to): nothing of it was "
            "loaded, and it stays in the inbox for the next build"
        ),
    )


def check_file(
    path: Path,
    shown: str,
    names: NationNames,
    nation_codes: Collection[str],
    *,
    layout: Layout | None = None,
    reuse: bool = True,
) -> CheckedFile:
    """Detect, read and check one file. Unreadable files come back with status 'unreadable' and the error; a
    file that changed while it was read, with status 'changed'. With a `layout`, a file read whole is kept in the
    intake store (pipelines/intake/store.py) once checked, and, if `reuse`, a file the store holds is taken from
    there instead of being read."""
    try:
        found = fingerprint(path)
    except FileChanged:
        return changed_while_read(CheckedFile(shown, "", 0, CHANGED, path=path))
    except NotARegularFile as exc:
        return CheckedFile(
            shown, "", 0, "unreadable", path=path, error=f"Cannot read {shown}: {exc}; give the path of a file"
        )
    except OSError as exc:
        return CheckedFile(shown, "", 0, "unreadable", path=path, error=f"Cannot read file {shown}: {exc.strerror}")
    key = store.store_key(shown, found.sha256, nation_codes, names.codes)
    if layout is not None and reuse:
        base = CheckedFile(shown, found.sha256, found.bytes, "loaded", path=path, stamp=found.stamp, store_key=key)
        kept = store.load(layout, key, base)
        if kept is not None:
            return kept
    checked = _check(path, shown, names, nation_codes, found.sha256, found.bytes)
    checked = dataclasses.replace(checked, path=path, stamp=found.stamp, store_key=key)
    if not unchanged_since(path, found.stamp):
        return changed_while_read(checked)
    if layout is not None and store.storable(checked):
        store.save(layout, key, checked)
    return checked


def _check(path: Path, shown: str, names: NationNames, nation_codes: Collection[str], sha: str, size: int):
    probe = Probe(path, shown)
    try:
        paired = companion(probe)
    except InputFileError:
        paired = None
    try:
        streamed = _streamed_reader(probe) if paired is None else None
    finally:
        probe.close()
    if paired is not None:
        reader, described = paired
        return CheckedFile(
            shown, sha, size, "companion", source_format=reader.FORMAT, source=reader.SOURCE, notes=(described,)
        )
    if streamed is not None:
        try:
            streamed.check_header(path, shown)
        except InputFileError as exc:
            return CheckedFile(shown, sha, size, "unreadable", source_format=streamed.FORMAT, error=str(exc))
        return CheckedFile(
            shown,
            sha,
            size,
            "loaded",
            source_format=streamed.FORMAT,
            source=streamed.SOURCE,
            edition=streamed.EDITION,
            streamed=True,
        )
    try:
        result = read_file(path, shown, names)
    except UnknownFormat as exc:
        if looks_like_document(Probe(path, shown).head):
            return CheckedFile(shown, sha, size, "document", notes=("read as a strategy document",))
        return CheckedFile(shown, sha, size, "unreadable", error=str(exc))
    except InputFileError as exc:
        return CheckedFile(shown, sha, size, "unreadable", error=str(exc))
    checked = _contract(result, contract(nation_codes), shown)
    objects = _object_contract(result.objects, nation_codes, shown)
    return CheckedFile(
        file=shown,
        sha256=sha,
        bytes=size,
        status="loaded",
        source_format=result.source_format,
        source=result.source,
        edition=result.edition,
        lines=checked.valid,
        objects=objects.valid,
        rejected=pl.concat([checked.rejected, objects.rejected]),
        reconciliations=result.reconciliations,
        notes=result.notes,
        skipped=result.skipped,
    )


def contract(nation_codes: Collection[str]) -> pa.DataFrameSchema:
    """The BudgetLine contract, with the known nations, every reader's measures, and the measures that cannot be
    negative (a negative total or share is quarantined; a rescission in a budget line is kept)."""
    schema = bind_references(BudgetLine, {"nations": nation_codes, "measures": list(all_measures())})
    signed = sorted(never_negative_measures())

    def not_negative(data) -> pl.LazyFrame:
        value = pl.col(data.key)
        return data.lazyframe.select(value.is_null() | (value >= 0) | ~pl.col("measure").is_in(signed))

    check = pa.Check(not_negative, name="not_negative", error=NOT_NEGATIVE_RULE)
    return schema.update_column("value", checks=[*schema.columns["value"].checks, check])


def _contract(result: ReadResult, schema: pa.DataFrameSchema, shown: str) -> Checked:
    return apply_contract(
        result.lines,
        result.rejected,
        schema,
        shown,
        unique=BudgetLine.Config.unique,  # type: ignore[arg-type]  # model made at run time (mypy: str | list | None)
        row_column="row",
        sheet_column="sheet",
    )


def _object_contract(objects: pl.DataFrame, nation_codes: Collection[str], shown: str) -> Checked:
    """A catalogue's objects through the SpaceObject contract, with the known nations and bodies (its rows already
    rejected by the reader are in the budget-line contract's result, which every file has)."""
    if not objects.height:
        return Checked(objects, empty_rejected())
    schema = bind_references(SpaceObject, {"nations": nation_codes})
    return apply_contract(
        objects,
        empty_rejected(),
        schema,
        shown,
        unique=SpaceObject.Config.unique,  # type: ignore[arg-type]  # model made at run time (mypy: str | list | None)
        row_column="row",
        sheet_column="sheet",
    )


def _streamed_reader(probe: Probe) -> StreamedReader | None:
    """The reader of a format read in batches at load time (its rows are read then, not here), or None."""
    try:
        return next((r for r in readers() if isinstance(r, StreamedReader) and r.sniff(probe)), None)
    except InputFileError:
        return None


class LineStream:
    """A streamed file's budget lines, batch by batch, each checked against the BudgetLine contract as it is
    read: iterate it for the valid lines of each batch (to load them); the rejected rows, the lines loaded and
    any error that stopped the reading are kept here. Memory holds one batch, whatever the file's size."""

    def __init__(self, file: CheckedFile, path: Path, nation_codes: Collection[str], progress=None):
        self.file, self.path, self.progress = file, path, progress
        self.reader = next(r for r in readers() if isinstance(r, StreamedReader) and r.FORMAT == file.source_format)
        self.schema = contract(nation_codes)
        self.rows_loaded, self.rows_read = 0, 0
        self.error: str | None = None
        #: Set by the loader: the file changed while it was loaded, or where it was moved when it failed.
        self.changed = False
        self.set_aside_to: str | None = None
        self._rejected: list[pl.DataFrame] = []

    def __iter__(self) -> Iterator[pl.DataFrame]:
        reader = self.reader
        try:
            for batch in reader.batches(self.path, self.file.file):
                checked = _contract(batch, self.schema, self.file.file)
                renamed = reader.SOURCE_COLUMNS
                if checked.rejected.height and renamed:  # name the file's own column, not the budget-line one
                    column = pl.col("column").replace(renamed)
                    checked = Checked(checked.valid, checked.rejected.with_columns(column))
                self.rows_read += batch.lines.height + batch.rejected.select("row").n_unique()
                self.rows_loaded += checked.valid.height
                self._rejected.append(checked.rejected)
                if self.progress is not None:
                    self.progress(f"{self.file.file}: {self.rows_read:,} rows read, {self.rows_loaded:,} lines loaded")
                yield checked.valid
        except InputFileError as exc:
            self.error = str(exc)

    def checked(self) -> CheckedFile:
        """The file as loaded: its lines counted and its rejected rows (or unreadable, with the error)."""
        if self.changed:
            return changed_while_read(self.file)
        if self.error is not None:
            return dataclasses.replace(
                self.file, status="unreadable", error=self.error, streamed_rows=0, set_aside_to=self.set_aside_to
            )
        rejected = pl.concat(self._rejected) if self._rejected else empty_rejected()
        return dataclasses.replace(self.file, rejected=rejected, streamed_rows=self.rows_loaded)


def _files(folder: Path) -> list[Path]:
    """The regular files of a folder, in name order (not its subfolders, symbolic links or special files)."""
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if not p.name.startswith(IGNORED) and _regular(p)), key=lambda p: p.name)


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def printable(name: str) -> str:
    """A file name as text that can be stored and shown: bytes that are not UTF-8 written as \\xNN."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def inbox_files(layout: Layout) -> list[Path]:
    """The files of data_raw/inbox/ to read, in name order: regular files only (subfolders, notes, symbolic links
    and special files are not read; `inbox_entries` says why)."""
    return _files(layout.data_raw / "inbox")


def inbox_entries(layout: Layout) -> tuple[list[Path], list[CheckedFile]]:
    """The inbox's regular files to read, and a record of each other entry that is not read and why: a symbolic
    link (followed, it could bring a file from anywhere, or one already read, into the marts), a FIFO, a device
    or a socket (reading one would never end). Subfolders (such as rejected/) and notes are passed over silently."""
    inbox = layout.data_raw / "inbox"
    if not inbox.is_dir():
        return [], []
    files, skipped = [], []
    for path in sorted(inbox.iterdir(), key=lambda p: p.name):
        if path.name.startswith(IGNORED):
            continue
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            continue  # removed while we looked
        if stat.S_ISREG(mode):
            files.append(path)
        elif stat.S_ISDIR(mode):
            continue
        else:
            kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file (a FIFO, device or socket)"
            shown = printable(layout.display(path) if not stat.S_ISLNK(mode) else _display_link(layout, path))
            skipped.append(
                CheckedFile(
                    shown,
                    "",
                    0,
                    SKIPPED,
                    path=path,
                    error=f"{shown} is {kind}: milspace reads only regular files in the inbox. Copy the file itself "
                    "into data_raw/inbox/ to have it read.",
                )
            )
    return files, skipped


def _display_link(layout: Layout, path: Path) -> str:
    try:
        return str(path.parent.resolve().relative_to(layout.root.resolve()) / path.name)
    except ValueError:
        return str(path)


def starter_line_files(layout: Layout) -> list[Path]:
    """The shipped starter extracts (data_raw/starter/lines/): budget lines the readers made of published files,
    read by the same road as an inbox file (`pipelines/sources/extracts.py`)."""
    return [p for p in _files(layout.starter_lines) if p.suffix.lower() in (".csv", ".parquet")]


def settle_wait_seconds() -> float:
    raw = os.environ.get("MILSPACE_SETTLE_WAIT_SECONDS", "").strip()
    if not raw:
        return SETTLE_WAIT_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86400:
        raise MilspaceError(
            f"MILSPACE_SETTLE_WAIT_SECONDS={raw!r} is not a number of seconds from 0 to 86400 (how long a build "
            "waits for inbox files that are still being copied in)"
        )
    return seconds


def wait_until_settled(paths: list[Path], progress=None, *, quiet: float = 2.0) -> set[Path]:
    """Wait until every file modified less than SETTLE_SECONDS ago (or dated in the future) has kept its size and
    times for `quiet` seconds, at most `settle_wait_seconds()`; the files still changing then."""
    deadline = time.monotonic() + settle_wait_seconds()
    young = {}
    for path in paths:
        try:
            found = os.stat(path)
        except OSError:
            continue
        age = time.time() - found.st_mtime
        if age < SETTLE_SECONDS:  # also a modification time in the future (a negative age)
            young[path] = stamp_of(found)
    if young and progress is not None:
        progress(f"waiting for {len(young)} inbox file(s) modified in the last {SETTLE_SECONDS} s to stop changing")
    quiet_since = {path: time.monotonic() for path in young}
    while young:
        now = time.monotonic()
        for path in list(young):
            try:
                current = stamp_of(os.stat(path))
            except OSError:
                del young[path]  # gone: nothing to read
                continue
            if current != young[path]:
                young[path], quiet_since[path] = current, now
            elif now - quiet_since[path] >= quiet:
                del young[path]
        if not young or now >= deadline:
            break
        time.sleep(0.25)
    return set(young)


def read_inbox(
    layout: Layout, names: NationNames, nation_codes: Collection[str], progress=None, *, reuse: bool = True
) -> list[CheckedFile]:
    """The starter extracts and every inbox file, checked, each file once (taken from the intake store when it holds
    the file's key and `reuse`; `milspace build --full` reads every file). `progress(text)` is told about each file
    as it is read. Any failure to read one file is that file's (recorded as unreadable, with the reason), never
    the build's; a file still being written, or written to while it is read, is left for the next build; a symbolic
    link or special file is not read; a second copy of a file already read (a hard link, or the same bytes) is
    recorded as skipped, naming the first."""
    results = []
    inbox, others = inbox_entries(layout)
    still_changing = wait_until_settled(inbox, progress)
    starter: list[tuple[Path, Origin]] = [(p, "starter") for p in starter_line_files(layout)]
    sources = starter + [(p, "inbox") for p in inbox]
    seen: dict[object, str] = {}
    for path, origin in sources:
        shown = printable(layout.display(path))
        if path in still_changing:
            checked = changed_while_read(CheckedFile(shown, "", 0, CHANGED, path=path))
            checked = dataclasses.replace(
                checked,
                error=f"{shown} was still being written after the build waited for it: it stays in the inbox "
                "for the next build",
            )
        else:
            checked = _checked_once(layout, path, shown, names, nation_codes, seen, reuse)
        checked = dataclasses.replace(checked, origin=origin)
        if progress is not None:
            progress(
                f"{checked.file}: {checked.status}"
                + (
                    f" as {checked.source_format}, "
                    + (
                        "read in batches when loaded"
                        if checked.streamed
                        else f"{checked.objects.height:,} objects"
                        if checked.objects.height
                        else f"{checked.lines.height:,} lines"
                    )
                    if checked.status == "loaded"
                    else ""
                )
            )
        results.append(checked)
    return results + [dataclasses.replace(f, origin="inbox") for f in others]


def _checked_once(
    layout: Layout, path: Path, shown: str, names, nation_codes, seen: dict, reuse: bool = True
) -> CheckedFile:
    """check_file, or a skipped record when the same file (inode) or the same bytes (sha256) were read already;
    an unexpected exception is the file's error (with its traceback in data_marts/logs/), not the build's."""
    try:
        found = os.stat(path)
        first = seen.get(("inode", found.st_dev, found.st_ino))
        if first is None:
            checked = check_file(path, shown, names, nation_codes, layout=layout, reuse=reuse)
            first = seen.get(("sha256", checked.sha256)) if checked.sha256 else None
        else:
            checked = CheckedFile(shown, "", found.st_size, SKIPPED, path=path)
    except Exception as exc:  # noqa: BLE001 (one file's failure, whatever it is, must not stop the build)
        return _unexpected(layout, path, shown, exc)
    if first is not None:
        return CheckedFile(
            shown,
            checked.sha256,
            checked.bytes,
            SKIPPED,
            path=path,
            error=f"{shown} is the same file as {first}, which was read: its figures are counted once",
        )
    seen[("inode", found.st_dev, found.st_ino)] = shown
    if checked.sha256:
        seen[("sha256", checked.sha256)] = shown
    return checked


def _unexpected(layout: Layout, path: Path, shown: str, exc: BaseException) -> CheckedFile:
    details = "".join(traceback.format_exception(exc))
    log = None
    try:
        layout.logs.mkdir(parents=True, exist_ok=True)
        log = layout.logs / f"read-{hashlib.sha256(shown.encode()).hexdigest()[:12]}.log"
        log.write_text(f"{shown}\n\n{details}", encoding="utf-8")
    except OSError:
        pass
    where = f"; details in {layout.display(log)}" if log else ""
    return CheckedFile(
        shown,
        "",
        0,
        "unreadable",
        path=path,
        error=f"Cannot read file {shown}: an unexpected {type(exc).__name__} in its reader ({exc}){where}",
    )


def combined(files: list[CheckedFile]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """All files' lines, rejected rows and reconciliations, each as one frame (loaded files only)."""
    files = [f for f in files if f.status == "loaded"]
    lines = pl.concat([f.lines for f in files], how="vertical") if files else empty_lines()
    rejected = pl.concat([f.rejected for f in files], how="vertical") if files else empty_rejected()
    reconciliations = (
        pl.concat([f.reconciliations for f in files], how="vertical") if files else empty_reconciliations()
    )
    return lines, rejected, reconciliations


def combined_objects(files: list[CheckedFile]) -> pl.DataFrame:
    """All loaded files' space objects as one frame."""
    frames = [f.objects for f in files if f.status == "loaded" and f.objects.height]
    return pl.concat(frames, how="vertical") if frames else empty_objects()


def set_aside(layout: Layout, shown: str, *, reason: str, run_id: str, path: Path | None = None) -> str | None:
    """Move an inbox file that could not be read to data_raw/inbox/rejected/, with `<name>.reason.txt` beside it,
    so the next build does not trip on it again. A file rejected earlier under the same name is kept: the new one
    is named `<stem> (2)<suffix>` (3, 4 ...). Returns where it went (as shown to users), or None if the file is not
    in the inbox or could not be moved (the reason is still in marts.sources and marts.quarantine)."""
    path = path if path is not None else layout.root / shown
    inbox = layout.data_raw / "inbox"
    if path.parent.resolve() != inbox.resolve() or not _regular(path):
        return None
    folder = inbox / REJECTED_FOLDER
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = (
        f"{shown} could not be read by milspace build {run_id} ({when}) and was moved here.\n\n"
        f"Reason: {reason}\n\n"
        "The other inbox files were read and published as usual. To try again, fix or replace the file and move it "
        "back into data_raw/inbox/; the next build reads it.\n"
    )
    try:
        folder.mkdir(exist_ok=True)
        target = _free_name(folder, path.name)
        note = folder / f"{target.name}.reason.txt"
        temporary = note.with_name(f".{note.name}.tmp")
        temporary.write_text(text, encoding="utf-8", errors="backslashreplace")
        os.replace(path, target)  # same folder tree: an atomic rename, never a half-copied file
        os.replace(temporary, note)
    except OSError:
        return None
    return printable(layout.display(target))


def _free_name(folder: Path, name: str) -> Path:
    """`folder/name`, or `folder/<stem> (N)<suffix>` with the smallest N from 2 that names no file (nor note)."""
    target = folder / name
    number = 2
    stem, suffix = Path(name).stem, Path(name).suffix
    while target.exists() or (folder / f"{target.name}.reason.txt").exists():
        target = folder / f"{stem} ({number}){suffix}"
        number += 1
    return target
