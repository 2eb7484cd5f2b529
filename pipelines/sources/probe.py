"""Look inside a file before choosing a reader: formats are detected by content, never by file name.

`Probe` opens a file once, cheaply: its first bytes, whether it is a zip (an .xlsx is one), the sheet names and
first rows of a workbook, the first lines of a text file. Workbooks are opened only after a size check of
their decompressed contents, so a zip bomb is refused before it can exhaust memory.

Zip bombs: `check_zip` first reads only the zip's central directory (names and declared sizes) and refuses the
file, before a byte is decompressed, when one member over 10 MB would unpack more than MAX_RATIO times its
compressed size, or all members together more than MAX_UNPACKED_BYTES. Then it unpacks every member once, in
chunks of CHUNK_BYTES that are counted and thrown away, and refuses a member that does not unpack to exactly what
its header declares (a bad CRC, too many or too few bytes, a broken stream, encryption): a header that understates
its member's size would otherwise get past the caps, and `ZipFile.read`, which openpyxl uses, unpacks a whole
member in one call before cutting it to the declared size. This pass is cheap (all 40 published files milspace
is tested with unpack in 0.06 s) and runs once per file version (`_VERIFIED`).

Text encodings (`decode_text`): published text files are read as UTF-8 (with or without a byte-order mark), as
UTF-16 or UTF-32 when they start with that encoding's byte-order mark (Excel's "Unicode text"), and otherwise as
Windows-1252, the encoding of CSV files saved by Excel on Windows. Every reader of text files uses it, so a file
reads the same whatever its encoding. (milspace's own starter files must be UTF-8: see described_csv.py.)
"""

from __future__ import annotations

import functools
import io
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from pipelines.errors import InputFileError

HEAD_BYTES = 64 * 1024
#: A zip member smaller than this is never refused by its ratio (highly compressible XML is normal).
RATIO_MEMBER_BYTES = 10_000_000
#: Largest decompressed size accepted for a workbook or zip (a real DoD exhibit is under 20 MB unpacked).
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
#: Largest compression ratio accepted for one zip member before it is treated as a zip bomb.
MAX_RATIO = 200
#: Bytes unpacked at a time when members are checked against their headers.
CHUNK_BYTES = 1024 * 1024
#: Zips whose members were unpacked and matched their headers: (path, size, modification time in ns).
_VERIFIED: set[tuple[str, int, int]] = set()


def _verify_members(path: Path, archive: zipfile.ZipFile, shown: str) -> None:
    """Unpack every member in bounded chunks and check it against its header; InputFileError if one differs."""
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    except OSError:
        key = None
    if key in _VERIFIED:
        return
    for info in archive.infolist():
        if info.is_dir():
            continue
        unpacked = 0
        try:
            with archive.open(info) as member:
                while chunk := member.read(CHUNK_BYTES):
                    unpacked += len(chunk)
        except RuntimeError:  # zipfile's way of saying a member is encrypted
            raise InputFileError(shown, f"member {info.filename!r} is encrypted: milspace cannot read it") from None
        except NotImplementedError as exc:
            raise InputFileError(shown, f"member {info.filename!r} cannot be unpacked ({exc})") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise InputFileError(
                shown,
                f"refused: member {info.filename!r} does not unpack to what its header declares ({exc}); the file is "
                "damaged, or built to get past the zip bomb caps",
            ) from None
        if unpacked != info.file_size:
            raise InputFileError(
                shown,
                f"refused: member {info.filename!r} unpacks to {unpacked:,} bytes, not the {info.file_size:,} its "
                "header declares; the file is damaged, or built to get past the zip bomb caps",
            )
    if key is not None:
        _VERIFIED.add(key)


def check_zip(path: Path, shown: str) -> zipfile.ZipFile:
    """Open a zip after checking its members' declared sizes and ratios, then that each member unpacks to what its
    header declares; errors name the file."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise InputFileError(shown, "not a valid zip or .xlsx file (it may be truncated or corrupted)") from None
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_RATIO and info.file_size > RATIO_MEMBER_BYTES:
            archive.close()
            raise InputFileError(
                shown,
                f"refused as a likely zip bomb, before unpacking anything: member {info.filename!r} would unpack "
                f"{info.file_size:,} bytes from {info.compress_size:,} (a ratio of {ratio:,.0f} to 1, over the cap "
                f"of {MAX_RATIO} to 1 for members over {RATIO_MEMBER_BYTES:,} bytes)",
            )
    if total > MAX_UNPACKED_BYTES:
        archive.close()
        raise InputFileError(
            shown,
            f"refused as a likely zip bomb, before unpacking anything: it would unpack to {total:,} bytes, over the "
            f"cap of {MAX_UNPACKED_BYTES:,} bytes",
        )
    try:
        _verify_members(path, archive, shown)
    except InputFileError:
        archive.close()
        raise
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
        """The first lines of a text file, decoded as `decode_text` does; empty for binaries."""
        if self.is_zip:
            return []
        text = decode_head(self.head)
        return text.splitlines()[:40] if text is not None else []

    def close(self) -> None:
        if "workbook" in self.__dict__ and self.workbook is not None:
            self.workbook.close()


#: Byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)


def bom_encoding(raw: bytes) -> tuple[str, str] | None:
    """(Python codec, name) of the byte-order mark the bytes start with, if any."""
    return next(((codec, name) for bom, codec, name in BOMS if raw.startswith(bom)), None)


def decode_text(raw: bytes, shown: str) -> str:
    """A published text file's text: UTF-8, UTF-16 or UTF-32 by their byte-order mark, else UTF-8, else
    Windows-1252. Raises InputFileError naming the file when none of them decodes it."""
    marked = bom_encoding(raw)
    if marked is not None:
        codec, name = marked
        try:
            return raw.decode(codec)
        except UnicodeDecodeError as exc:
            raise InputFileError(
                shown, f"it starts with a {name} byte-order mark but is not {name} text (bad bytes at {exc.start:,})"
            ) from None
    for codec in ("utf-8", "cp1252"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    raise InputFileError(shown, "not text in UTF-8, UTF-16 (with its byte-order mark) or Windows-1252")


def decode_head(head: bytes) -> str | None:
    """The first bytes of a file as text (a character cut at the end is dropped); None for binary data."""
    marked = bom_encoding(head)
    if marked is None and b"\x00" in head[:4096]:
        return None  # NUL bytes: binary, or UTF-16 without a mark, which nothing here reads
    for codec in [marked[0]] if marked else ["utf-8", "cp1252"]:
        try:
            return head.decode(codec)
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:
                return head[: exc.start].decode(codec)
    return None


def zip_text_members(path: Path, shown: str) -> dict[str, str]:
    """The text files inside a zip, decoded (UTF-8 with BOM handled), by member name."""
    out = {}
    with check_zip(path, shown) as archive:
        for name in archive.namelist():
            if name.lower().endswith((".csv", ".txt")):
                out[name] = decode_text(archive.read(name), f"{shown} ({name})")
    return out
