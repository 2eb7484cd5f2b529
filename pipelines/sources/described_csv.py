"""Reader for CSV files described by a `datapackage.json` (milspace's starter and reference data).

Every cell is read as text first, then cast to the type the descriptor gives it. A cell that does not cast is
not guessed at: its row is rejected with the column, the rule ("type: number"; for a spreadsheet error value such
as #REF! pasted into a number column, `cells.SPREADSHEET_ERROR_RULE`) and the offending text. A cell
longer than MAX_CELL_CHARS characters is rejected too (rule "text at most 2,000 characters", the value shortened
in the quarantine): the longest cell milspace ships is 531 characters (an explanation in
data_raw/reference/source_differences.csv), so such a cell is a paste gone wrong, not a title.

A file that cannot be read raises `InputFileError` naming the file and saying how to fix it:
- empty (0 bytes) or blank;
- not UTF-8: the message says what it looks like instead (UTF-16 or UTF-32 by its byte-order mark or its NUL
  bytes, a binary file such as a zip or workbook, else Windows-1252, showing the first undecodable byte as
  Windows-1252 reads it) and how to save it as UTF-8;
- a header that does not match the descriptor; when the header splits on ';', tab or '|' into the descriptor's
  fields, the message says the delimiter looks like that character, not a comma;
- not CSV at all (ragged rows, unbalanced quotes).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import polars as pl

from pipelines.errors import InputFileError
from pipelines.shapes import REJECTED_SCHEMA, empty_rejected, shorten
from pipelines.sources.cells import figure_rule_expr
from pipelines.sources.datapackage import Resource
from pipelines.sources.probe import bom_encoding

#: Row numbers count the header as row 1, as a spreadsheet shows the file.
ROW_COLUMN = "source_row"
FILE_COLUMN = "source_file"
#: What those two columns hold in the staging table of a shipped file (its column comments).
PROVENANCE_DESCRIPTIONS = {
    FILE_COLUMN: (
        "The shipped file the row was read from, relative to the project root (data_raw/reference/... or "
        "data_raw/starter/...)"
    ),
    ROW_COLUMN: "Row number in that file, the header being row 1 (a spreadsheet's numbering)",
}
#: The longest text a cell may hold (the longest shipped cell is 531 characters).
MAX_CELL_CHARS = 2_000
LENGTH_RULE = f"text at most {MAX_CELL_CHARS:,} characters"
#: How to save a CSV file as UTF-8, for the error messages.
SAVE_AS_UTF8 = (
    "save it as UTF-8 (in Excel: Save As > 'CSV UTF-8 (Comma delimited)'; in LibreOffice: character set "
    "'Unicode (UTF-8)'; or iconv -f {encoding} -t UTF-8)"
)
#: Delimiters a spreadsheet may have used instead of the comma.
OTHER_DELIMITERS = {";": "';'", "\t": "a tab", "|": "'|'"}


@dataclass(frozen=True)
class ParsedFile:
    """A file read to typed columns: rows that cast, rows that did not, and the file's fingerprint."""

    frame: pl.DataFrame
    rejected: pl.DataFrame
    sha256: str
    rows_read: int


def _cast(field_type: str, text: pl.Expr) -> pl.Expr:
    if field_type == "integer":
        return text.cast(pl.Int64, strict=False)
    if field_type == "number":
        number = text.cast(pl.Float64, strict=False)
        return pl.when(number.is_finite()).then(number)
    if field_type == "boolean":
        lowered = text.str.to_lowercase()
        return pl.when(lowered == "true").then(True).when(lowered == "false").then(False).otherwise(None)
    if field_type == "date":
        return text.str.to_date("%Y-%m-%d", strict=False)
    return text


def _encoding_problem(raw: bytes) -> tuple[str, int | None] | None:
    """(what is wrong, the line of the first bad byte) for a file that is not UTF-8 text; None for UTF-8 text.

    Says what the file looks like instead (UTF-16 or UTF-32, a binary file, Windows-1252) and how to fix it."""
    problem = "not UTF-8 text"
    marked = bom_encoding(raw)
    if marked is not None and marked[1] != "UTF-8":
        name = marked[1]
        fix = SAVE_AS_UTF8.format(encoding=name)
        return f"{problem}: it looks like {name} (it starts with the {name} byte-order mark); {fix}", None
    sample = raw[:4096]
    if sample.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")):
        return f"{problem}: it looks like a binary file (a zip, a spreadsheet workbook or a PDF), not CSV text", None
    if b"\x00" in sample:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if max(even, odd) > len(sample) // 4 and min(even, odd) < len(sample) // 40:
            fix = SAVE_AS_UTF8.format(encoding="UTF-16LE" if odd > even else "UTF-16BE")
            return f"{problem}: it looks like UTF-16 without a byte-order mark (every other byte is 0); {fix}", None
        return f"{problem}: it looks like a binary file (it holds NUL bytes), not CSV text", None
    try:
        raw.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        start = exc.start
    line = raw[:start].count(b"\n") + 1
    problem = f"{problem} (undecodable byte at line {line})"
    byte = raw[start : start + 1]
    try:
        as_cp1252 = byte.decode("cp1252")
    except UnicodeDecodeError:
        fix = SAVE_AS_UTF8.format(encoding="<its encoding>")
        return f"{problem}: byte 0x{byte.hex().upper()} is text in neither UTF-8 nor Windows-1252; {fix}", line
    return (
        f"{problem}: it looks like Windows-1252 (cp1252, what Excel on Windows saves as 'CSV (Comma delimited)'), "
        f"where byte 0x{byte.hex().upper()} is {as_cp1252!r}; " + SAVE_AS_UTF8.format(encoding="CP1252"),
        line,
    )


def _other_delimiter(text: str, expected: list[str]) -> str | None:
    """The delimiter the header line uses when it is not the comma: ';', a tab or '|' (None if it looks like CSV)."""
    end = text.find("\n")
    header = (text if end < 0 else text[:end]).lstrip("\ufeff").strip()
    for delimiter, name in OTHER_DELIMITERS.items():
        names = [n.strip().strip('"') for n in header.split(delimiter)]
        if delimiter in header and len(set(names) & set(expected)) >= max(2, len(expected) // 2):
            return name
    return None


def read_described_csv(resource: Resource, shown_path: str) -> ParsedFile:
    """Read `resource.path`; `shown_path` is how the file is named in errors and in the quarantine."""
    path = resource.path
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(shown_path, "the file is missing (the data package lists it)") from None
    except OSError as exc:
        raise InputFileError(shown_path, f"cannot be opened ({exc.strerror})") from None
    if not raw.strip():
        what = "empty (0 bytes)" if not raw else "blank (it holds only whitespace)"
        raise InputFileError(shown_path, f"the file is {what}: it needs at least its header row")
    encoding_problem = _encoding_problem(raw)
    if encoding_problem is not None:
        raise InputFileError(shown_path, encoding_problem[0], row=encoding_problem[1])
    delimiter = _other_delimiter(raw.decode("utf-8"), resource.field_names)
    if delimiter is not None:
        raise InputFileError(
            shown_path,
            f"the header does not match datapackage.json: the delimiter looks like {delimiter}, not a comma (split "
            f"on {delimiter} the header gives the descriptor's fields); save the file comma-separated",
            row=1,
            rule="header matches the descriptor's fields",
        )
    try:
        text = pl.read_csv(raw, infer_schema=False, has_header=True, raise_if_empty=True)
    except (pl.exceptions.PolarsError, OSError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputFileError(shown_path, f"not a readable CSV table ({shorten(first_line)})") from None

    text = text.rename({c: c.lstrip("\ufeff").strip() for c in text.columns})
    expected = resource.field_names
    missing = [c for c in expected if c not in text.columns]
    extra = [c for c in text.columns if c not in expected]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing columns {missing}")
        if extra:
            parts.append(f"unexpected columns {[shorten(c) for c in extra]}")
        raise InputFileError(
            shown_path,
            "the header does not match datapackage.json: " + "; ".join(parts),
            row=1,
            rule="header matches the descriptor's fields",
        )

    rows_read = text.height
    text = text.select([pl.col(c).str.strip_chars().replace("", None).alias(c) for c in expected]).with_columns(
        pl.int_range(2, rows_read + 2, dtype=pl.Int64).alias(ROW_COLUMN)
    )
    typed = text.select([_cast(f.type, pl.col(f.name)).alias(f.name) for f in resource.fields] + [pl.col(ROW_COLUMN)])

    failures = []
    for name in expected:
        too_long = text.filter(pl.col(name).str.len_chars() > MAX_CELL_CHARS)
        if too_long.height:  # rare: shortened one by one, so the quarantine never holds the whole text
            failures.append(
                pl.DataFrame(
                    {
                        "file": shown_path,
                        "sheet": None,
                        "row": too_long.get_column(ROW_COLUMN),
                        "column": name,
                        "rule": LENGTH_RULE,
                        "value": [shorten(v) for v in too_long.get_column(name)],
                    },
                    schema=REJECTED_SCHEMA,
                )
            )
    for field in resource.fields:
        if field.type == "string":
            continue
        bad = text.get_column(field.name).is_not_null() & typed.get_column(field.name).is_null()
        bad = bad & (text.get_column(field.name).str.len_chars() <= MAX_CELL_CHARS)
        if bad.any():
            failures.append(
                text.filter(bad).select(
                    pl.lit(shown_path).alias("file"),
                    pl.lit(None, dtype=pl.String).alias("sheet"),
                    pl.col(ROW_COLUMN).alias("row"),
                    pl.lit(field.name).alias("column"),
                    figure_rule_expr(pl.col(field.name), f"type: {field.type}").alias("rule"),
                    pl.col(field.name).alias("value"),
                )
            )
    rejected = pl.concat(failures) if failures else empty_rejected()
    if failures:
        typed = typed.filter(~pl.col(ROW_COLUMN).is_in(rejected.get_column("row").implode()))
    return ParsedFile(
        frame=typed,
        rejected=rejected.cast(REJECTED_SCHEMA),  # type: ignore[arg-type]  # polars#14468: cast's key type is invariant
        sha256=hashlib.sha256(raw).hexdigest(),
        rows_read=rows_read,
    )
