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
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandera.polars as pa
import polars as pl

from pipelines.errors import InputFileError
from pipelines.paths import Layout
from pipelines.quality import Checked, apply_contract, bind_references
from pipelines.schemas import BudgetLine
from pipelines.sources.budget_lines import NationNames, ReadResult, empty_lines, empty_reconciliations
from pipelines.sources.described_csv import ParsedFile, empty_rejected
from pipelines.sources.probe import Probe
from pipelines.sources.registry import UnknownFormat, all_measures, companion, read_file, readers
from pipelines.text.extract import looks_like_document

#: Files in the inbox that are never read: notes, hidden files, and the folder of rejected files.
IGNORED = (".", "_", "README")
#: Where an inbox file that cannot be read is moved, beside a note of the reason (`<name>.reason.txt`).
REJECTED_FOLDER = "rejected"
#: The quarantine rule of a file that could not be read at all.
UNREADABLE_RULE = "a readable published file (a format milspace reads, not damaged)"


@dataclass(frozen=True)
class CheckedFile:
    """One published file after its reader and the BudgetLine contract."""

    file: str
    sha256: str
    bytes: int
    status: str  # loaded | companion (read with another file) | document (a strategy text) | unreadable
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
    origin: str = "inbox"
    #: Lines taken out after loading because another line of the same sheet states the same figure (quarantined).
    copies: int = 0

    @property
    def rows_loaded(self) -> int:
        return (self.streamed_rows if self.streamed_rows is not None else self.lines.height) - self.copies

    @property
    def rows_rejected(self) -> int:
        """Distinct rejected source rows (a row breaking two rules counts once)."""
        return self.rejected.select("sheet", "row").n_unique() if self.rejected.height else 0

    def source_record(self) -> dict:
        """This file's row of staging.sources."""
        return {
            "file": self.file,
            "origin": self.origin,
            "sha256": self.sha256,
            "bytes": self.bytes,
            "status": self.status,
            "source_format": self.source_format,
            "source": self.source,
            "edition": self.edition,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "error": self.error,
            "read_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
        }


#: What a path is, when it is not a regular file (`stat.S_IFMT` of its mode).
_NOT_REGULAR = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


class NotARegularFile(OSError):
    """The path is a directory, FIFO, device or socket: reading it could hang, or never end (/dev/zero)."""


def _fingerprint(path: Path) -> tuple[str, int]:
    """The SHA-256 and size of a regular file. Anything else raises NotARegularFile before a byte is read: the
    file is opened without blocking (a FIFO with no writer would wait forever) and checked on the open handle,
    so it cannot be swapped for a pipe between the check and the reading."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        kind = stat.S_IFMT(os.fstat(descriptor).st_mode)
        if kind != stat.S_IFREG:
            raise NotARegularFile(f"it is {_NOT_REGULAR.get(kind, 'not a regular file')}, not a regular file")
        os.set_blocking(descriptor, True)
        handle = os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
    digest = hashlib.sha256()
    size = 0
    with handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def check_file(
    path: Path,
    shown: str,
    names: NationNames,
    nation_codes: Collection[str],
) -> CheckedFile:
    """Detect, read and check one file. Unreadable files come back with status 'unreadable' and the error."""
    try:
        sha, size = _fingerprint(path)
    except NotARegularFile as exc:
        return CheckedFile(shown, "", 0, "unreadable", error=f"Cannot read {shown}: {exc}; give the path of a file")
    except OSError as exc:
        return CheckedFile(shown, "", 0, "unreadable", error=f"Cannot read file {shown}: {exc.strerror}")
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
    return CheckedFile(
        file=shown,
        sha256=sha,
        bytes=size,
        status="loaded",
        source_format=result.source_format,
        source=result.source,
        edition=result.edition,
        lines=checked.valid,
        rejected=checked.rejected,
        reconciliations=result.reconciliations,
        notes=result.notes,
    )


def contract(nation_codes: Collection[str]) -> pa.DataFrameSchema:
    """The BudgetLine contract, with the known nations and every reader's measures."""
    return bind_references(BudgetLine, {"nations": nation_codes, "measures": list(all_measures())})


def _contract(result: ReadResult, schema: pa.DataFrameSchema, shown: str) -> Checked:
    parsed = ParsedFile(frame=result.lines, rejected=result.rejected, sha256="", rows_read=result.lines.height)
    return apply_contract(
        parsed, schema, shown, unique=BudgetLine.Config.unique, row_column="row", sheet_column="sheet"
    )


def _streamed_reader(probe: Probe):
    """The reader of a format read in batches at load time (its rows are read then, not here), or None."""
    try:
        return next((r for r in readers() if getattr(r, "STREAMED", False) and r.sniff(probe)), None)
    except InputFileError:
        return None


class LineStream:
    """A streamed file's budget lines, batch by batch, each checked against the BudgetLine contract as it is
    read: iterate it for the valid lines of each batch (to load them); the rejected rows, the lines loaded and
    any error that stopped the reading are kept here. Memory holds one batch, whatever the file's size."""

    def __init__(self, file: CheckedFile, path: Path, nation_codes: Collection[str], progress=None):
        self.file, self.path, self.progress = file, path, progress
        self.reader = next(r for r in readers() if r.FORMAT == file.source_format)
        self.schema = contract(nation_codes)
        self.rows_loaded, self.rows_read, self.error = 0, 0, None
        self._rejected: list[pl.DataFrame] = []

    def __iter__(self) -> Iterator[pl.DataFrame]:
        reader = self.reader
        try:
            for batch in reader.batches(self.path, self.file.file):
                checked = _contract(batch, self.schema, self.file.file)
                renamed = getattr(reader, "SOURCE_COLUMNS", {})
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
        if self.error is not None:
            return dataclasses.replace(self.file, status="unreadable", error=self.error, streamed_rows=0)
        rejected = pl.concat(self._rejected) if self._rejected else empty_rejected()
        return dataclasses.replace(self.file, rejected=rejected, streamed_rows=self.rows_loaded)


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(IGNORED))


def inbox_files(layout: Layout) -> list[Path]:
    """The files of data_raw/inbox/ to read, in name order (subfolders and notes are not read)."""
    return _files(layout.data_raw / "inbox")


def starter_line_files(layout: Layout) -> list[Path]:
    """The shipped starter extracts (data_raw/starter/lines/): budget lines the readers made of published files,
    read by the same road as an inbox file (`pipelines/sources/extracts.py`)."""
    return [p for p in _files(layout.starter_lines) if p.suffix.lower() in (".csv", ".parquet")]


def read_inbox(layout: Layout, names: NationNames, nation_codes: Collection[str], progress=None) -> list[CheckedFile]:
    """The starter extracts and every inbox file, checked. `progress(text)` is told about each file as it is read."""
    results = []
    sources = [(p, "starter") for p in starter_line_files(layout)] + [(p, "inbox") for p in inbox_files(layout)]
    for path, origin in sources:
        checked = dataclasses.replace(check_file(path, layout.display(path), names, nation_codes), origin=origin)
        if progress is not None:
            progress(
                f"{checked.file}: {checked.status}"
                + (
                    f" as {checked.source_format}, "
                    + ("read in batches when loaded" if checked.streamed else f"{checked.lines.height:,} lines")
                    if checked.status == "loaded"
                    else ""
                )
            )
        results.append(checked)
    return results


def combined(files: list[CheckedFile]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """All files' lines, rejected rows and reconciliations, each as one frame (loaded files only)."""
    files = [f for f in files if f.status == "loaded"]
    lines = pl.concat([f.lines for f in files], how="vertical") if files else empty_lines()
    rejected = pl.concat([f.rejected for f in files], how="vertical") if files else empty_rejected()
    reconciliations = (
        pl.concat([f.reconciliations for f in files], how="vertical") if files else empty_reconciliations()
    )
    return lines, rejected, reconciliations


def set_aside(layout: Layout, shown: str, reason: str, run_id: str) -> str | None:
    """Move an inbox file that could not be read to data_raw/inbox/rejected/, with `<name>.reason.txt` beside it,
    so the next build does not trip on it again. Returns where it went (as shown to users), or None if the file
    is not in the inbox or could not be moved (the reason is still in marts.sources and marts.quarantine)."""
    path = layout.root / shown
    inbox = layout.data_raw / "inbox"
    if path.parent.resolve() != inbox.resolve() or not path.is_file():
        return None
    folder = inbox / REJECTED_FOLDER
    target = folder / path.name
    note = folder / f"{path.name}.reason.txt"
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = (
        f"{shown} could not be read by milspace build {run_id} ({when}) and was moved here.\n\n"
        f"Reason: {reason}\n\n"
        "The other inbox files were read and published as usual. To try again, fix or replace the file and move it "
        "back into data_raw/inbox/; the next build reads it.\n"
    )
    try:
        folder.mkdir(exist_ok=True)
        temporary = note.with_name(f".{note.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(path, target)  # same folder tree: an atomic rename, never a half-copied file
        os.replace(temporary, note)
    except OSError:
        return None
    return layout.display(target)
