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

Delimited text (`delimited_table`): the first records of a text file, parsed as CSV (quotes respected, so a
quoted header cell with line breaks is one field), tell whether it is a table and which delimiter it uses (comma,
tab, semicolon or pipe): most of its first 20 records have the same number (two or more) of fields. Prose is not a
table: a comma or semicolon followed by a space is punctuation, so a "table" whose fields mostly start with a space
is not one. Readers of text tables use it to accept any of these delimiters, and the registry to say which
delimiter a file it cannot read uses.

Text encodings (`decode_text`): published text files are read as UTF-8 (with or without a byte-order mark), as
UTF-16 or UTF-32 when they start with that encoding's byte-order mark (Excel's "Unicode text"), and otherwise as
Windows-1252, the encoding of CSV files saved by Excel on Windows. Every reader of text files uses it, so a file
reads the same whatever its encoding. (milspace's own starter files must be UTF-8: see described_csv.py.)
"""

from __future__ import annotations

import csv
import functools
import io
import warnings
import zipfile
import zlib
from collections import Counter
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
    def table(self) -> DelimitedTable | None:
        """What the first records of a text file say when they parse as a delimited table; None otherwise."""
        if self.is_zip:
            return None
        text = decode_head(self.head)
        return delimited_table(text) if text is not None else None

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


#: Delimiters of text tables, tried in this order, with their names.
DELIMITERS = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
#: Records looked at to tell whether text is a delimited table.
TABLE_RECORDS = 20


@dataclass(frozen=True)
class DelimitedTable:
    """How the first records of a text file parse as a table."""

    delimiter: str
    fields: int  # the number of fields most of the first records have
    header: tuple[str, ...]  # of the first five records with that many fields the fullest, whitespace collapsed

    @property
    def name(self) -> str:
        return DELIMITERS[self.delimiter]

    def describe(self, fields: int = 8) -> str:
        """ "semicolon-delimited text (12 fields a record) with header ['Land', 'Jahr', ...]"."""
        shown = [cell[:40] for cell in self.header[:fields]] + (["..."] if len(self.header) > fields else [])
        return f"{self.name}-delimited text ({self.fields} fields a record) with header {shown}"


def csv_records(text: str, delimiter: str, limit: int | None = None) -> list[list[str]]:
    """The records of delimited text (quotes respected); with `limit`, only the first non-blank ones. A record cut
    by the end of the text is kept as it is."""
    records = []
    try:
        for record in csv.reader(io.StringIO(text), delimiter=delimiter):
            if limit is not None and not any(cell.strip() for cell in record):
                continue
            records.append(record)
            if limit is not None and len(records) >= limit:
                break
    except csv.Error:  # a NUL byte, or a field over the csv module's size limit: not a table it can read
        pass
    return records


def delimited_table(text: str) -> DelimitedTable | None:
    """The delimiter of text whose first records parse as a table, or None (prose, one column, binary).

    A table: of its first TABLE_RECORDS non-blank records, at least half (and at least two) have the same number of
    fields, two or more (three or more when the text holds a single record). For a comma or semicolon, fewer than
    half of the fields after the first may start with a space: ", " and "; " are prose punctuation. When several
    delimiters qualify, the one most records agree on wins (then the one with more fields)."""
    text = text.lstrip("\ufeff")
    best: tuple[tuple[float, int], DelimitedTable] | None = None
    for delimiter in DELIMITERS:
        if delimiter not in text:
            continue
        records = csv_records(text, delimiter, TABLE_RECORDS)
        counts = Counter(len(record) for record in records)
        if not counts:
            continue
        fields, agreeing = counts.most_common(1)[0]
        if fields < 2 or agreeing < len(records) / 2 or (agreeing < 2 and (len(records) > 1 or fields < 3)):
            continue
        rows = [record for record in records if len(record) == fields]
        if delimiter in ",;":
            later = [cell for record in rows for cell in record[1:] if cell]
            if later and sum(cell.startswith(" ") for cell in later) >= len(later) / 2:
                continue
        score = (agreeing / len(records), fields)
        if best is None or score > best[0]:
            # the header: of the first few records of that width, the fullest (a banner row above it is sparser)
            fullest = max(rows[:5], key=lambda record: sum(1 for cell in record if cell.strip()))
            best = (score, DelimitedTable(delimiter, fields, tuple(" ".join(cell.split()) for cell in fullest)))
    return best[1] if best else None


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
