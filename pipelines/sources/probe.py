"""Look inside a file before choosing a reader: formats are detected by content, never by file name.

`Probe` opens a file once, cheaply: its first bytes, whether it is a zip (an .xlsx is one), the sheet names and
first rows of a workbook, the first lines of a text file. Workbooks are opened only after a size check of
their decompressed contents, so a zip bomb is refused before it can exhaust memory.
"""

from __future__ import annotations

import functools
import io
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pipelines.errors import InputFileError

HEAD_BYTES = 64 * 1024
#: Largest decompressed size accepted for a workbook or zip (a real DoD exhibit is under 20 MB unpacked).
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
#: Largest compression ratio accepted for one zip member before it is treated as a zip bomb.
MAX_RATIO = 200


def check_zip(path: Path, shown: str) -> zipfile.ZipFile:
    """Open a zip after checking its members' declared sizes and ratios; errors name the file."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputFileError(shown, "not a valid zip or .xlsx file (it may be truncated or corrupted)") from None
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 10_000_000:
            raise InputFileError(
                shown,
                f"refused: member {info.filename!r} would unpack {info.file_size:,} bytes from "
                f"{info.compress_size:,} (a zip bomb?)",
            )
    if total > MAX_UNPACKED_BYTES:
        raise InputFileError(shown, f"refused: it would unpack to {total:,} bytes, over the {MAX_UNPACKED_BYTES:,} cap")
    return archive


def open_workbook(path: Path, shown: str, *, read_only: bool = True, data_only: bool = True):
    """An openpyxl workbook, after the zip checks; a file that is not a readable workbook raises InputFileError."""
    import openpyxl

    check_zip(path, shown).close()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not use
            # From bytes, not the path: openpyxl refuses a path whose name does not end in .xlsx, and formats
            # are told by content, whatever the file is called.
            return openpyxl.load_workbook(io.BytesIO(path.read_bytes()), read_only=read_only, data_only=data_only)
    except Exception as exc:  # zipfile, zlib, XML and openpyxl errors all mean the same: a damaged workbook
        raise InputFileError(shown, f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None


@dataclass
class Probe:
    """A cheap first look at one file."""

    path: Path
    shown: str

    @functools.cached_property
    def head(self) -> bytes:
        try:
            with self.path.open("rb") as handle:
                return handle.read(HEAD_BYTES)
        except FileNotFoundError:
            raise InputFileError(self.shown, "the file does not exist") from None
        except OSError as exc:
            raise InputFileError(self.shown, f"cannot be opened ({exc.strerror})") from None

    @property
    def is_zip(self) -> bool:
        return self.head.startswith(b"PK\x03\x04")

    @functools.cached_property
    def members(self) -> list[str]:
        """Names inside a zip (empty for other files)."""
        if not self.is_zip:
            return []
        with check_zip(self.path, self.shown) as archive:
            return archive.namelist()

    @property
    def is_xlsx(self) -> bool:
        return self.is_zip and "xl/workbook.xml" in self.members

    @functools.cached_property
    def workbook(self):
        """The workbook, read-only with cached values (only for .xlsx files)."""
        return open_workbook(self.path, self.shown) if self.is_xlsx else None

    @property
    def sheet_names(self) -> list[str]:
        return list(self.workbook.sheetnames) if self.workbook is not None else []

    def first_rows(self, sheet: str, rows: int = 12, columns: int = 16) -> list[tuple]:
        """Values of the first rows of a sheet (empty if there is no such sheet)."""
        if self.workbook is None or sheet not in self.workbook.sheetnames:
            return []
        worksheet = self.workbook[sheet]
        return [tuple(row) for row in worksheet.iter_rows(min_row=1, max_row=rows, max_col=columns, values_only=True)]

    @functools.cached_property
    def text_lines(self) -> list[str]:
        """The first lines of a text file, decoded (UTF-8 with or without BOM, else cp1252); empty for binaries."""
        if self.is_zip or b"\x00" in self.head[:4096]:
            return []
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = self.head.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            return []
        return text.splitlines()[:40]

    def close(self) -> None:
        if "workbook" in self.__dict__ and self.workbook is not None:
            self.workbook.close()


def zip_text_members(path: Path, shown: str) -> dict[str, str]:
    """The text files inside a zip, decoded (UTF-8 with BOM handled), by member name."""
    out = {}
    with check_zip(path, shown) as archive:
        for name in archive.namelist():
            if name.lower().endswith((".csv", ".txt")):
                raw = archive.read(name)
                out[name] = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig").read()
    return out
