"""Reader for CSV files described by a `datapackage.json` (milspace's starter and reference data).

Every cell is read as text first, then cast to the type the descriptor gives it. A cell that does not cast is
not guessed at: its row is rejected with the column, the rule ("type: number") and the offending text. A file
whose header does not match its descriptor, or that is not CSV at all, cannot be read and raises
`InputFileError` naming the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import polars as pl

from pipelines.errors import InputFileError
from pipelines.sources.datapackage import Resource

#: Row numbers count the header as row 1, as a spreadsheet shows the file.
ROW_COLUMN = "source_row"
FILE_COLUMN = "source_file"

#: The shape of a rejected row, from every reader and every contract.
REJECTED_SCHEMA = {
    "file": pl.String,
    "sheet": pl.String,
    "row": pl.Int64,
    "column": pl.String,
    "rule": pl.String,
    "value": pl.String,
}


def empty_rejected() -> pl.DataFrame:
    return pl.DataFrame(schema=REJECTED_SCHEMA)


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
        raise InputFileError(shown_path, "the file is empty")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputFileError(shown_path, f"not UTF-8 text (undecodable byte at line {line})", row=line) from None
    try:
        text = pl.read_csv(raw, infer_schema=False, has_header=True, raise_if_empty=True)
    except (pl.exceptions.PolarsError, OSError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputFileError(shown_path, f"not a readable CSV table ({first_line})") from None

    text = text.rename({c: c.lstrip("\ufeff").strip() for c in text.columns})
    expected = resource.field_names
    missing = [c for c in expected if c not in text.columns]
    extra = [c for c in text.columns if c not in expected]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing columns {missing}")
        if extra:
            parts.append(f"unexpected columns {extra}")
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
    for field in resource.fields:
        if field.type == "string":
            continue
        bad = text.get_column(field.name).is_not_null() & typed.get_column(field.name).is_null()
        if bad.any():
            failures.append(
                text.filter(bad).select(
                    pl.lit(shown_path).alias("file"),
                    pl.lit(None, dtype=pl.String).alias("sheet"),
                    pl.col(ROW_COLUMN).alias("row"),
                    pl.lit(field.name).alias("column"),
                    pl.lit(f"type: {field.type}").alias("rule"),
                    pl.col(field.name).alias("value"),
                )
            )
    rejected = pl.concat(failures) if failures else empty_rejected()
    if failures:
        typed = typed.filter(~pl.col(ROW_COLUMN).is_in(rejected.get_column("row").implode()))
    return ParsedFile(
        frame=typed,
        rejected=rejected.cast(REJECTED_SCHEMA),
        sha256=hashlib.sha256(raw).hexdigest(),
        rows_read=rows_read,
    )
