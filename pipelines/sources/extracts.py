"""milspace extracts: budget lines a milspace reader made of a published file, written out in the budget-line shape.

An extract is what `milspace inspect FILE --output lines.csv` (or `.parquet`) writes, whole or filtered to the
lines that matter: the shipped starter data in data_raw/starter/lines/ are extracts of this kind, made by
scripts/extract_*_starter.py with the readers themselves. An extract enters a build by the same road as any file
in the inbox (detected, read, checked against the BudgetLine contract, loaded into staging.published_lines), and
its lines keep the publisher, reader (`source_format`), edition, measure, phase, price basis and classification
that the publication's reader gave them, so a figure brought by an extract and by the publication itself is one
figure (`marts.budget_facts` keeps one of the two: see its identity rule).

Format: a CSV (UTF-8, comma-delimited, double quotes where needed, header row) or a Parquet file whose columns are
exactly the budget-line columns (`pipelines.shapes.BUDGET_LINE_COLUMNS`), in any order, with
`extracted_from` optional. It is recognised by its header (the columns source_format, edition, measure,
unit_factor and entity_code mark it); a file with them and a column missing or unknown is refused, naming the
columns. Booleans are true/false; numbers are plain ("1234.5", no separators); an empty cell is NULL.

Provenance: `file`, `sheet`, `row` and `source_column` in the extract say where the publication's reader read the
line; they are kept in `extracted_from` ("SIPRI-Milex-data-1949-2024_2.xlsx, sheet 'Current US$', row 190,
column '2024'"), and the line's own `file` and `row` become the extract's (row = record number, the header being
row 1), so the quarantine points at the extract's row. `source_column` is kept (it carries the exhibit column of a
DoD figure). A cell that is not of its column's type is a rejected row ("type: <type>").
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from pipelines.errors import InputFileError
from pipelines.nations import NationNames
from pipelines.shapes import BUDGET_LINE_COLUMNS, Column, ReadResult, finalize, rejected_rows
from pipelines.sources.cells import figure_rule_expr
from pipelines.sources.probe import Probe, decode_text

if TYPE_CHECKING:
    from polars._typing import PolarsDataType

FORMAT = "milspace_extract"
SOURCE = "milspace extract of a published file"
#: An extract's lines keep their own readers' measures (checked by the BudgetLine contract).
MEASURES: dict[str, str] = {}
#: Every measure of this reader is its own conformed measure (marts.budget_facts.measure).
CONFORMED: dict[str, str] = {}
#: No measure of this reader is barred from being negative (a budget line may be a rescission).
NEVER_NEGATIVE: frozenset[str] = frozenset()
#: Read whole by `read`, not in batches at load time.
STREAMED = False
SIGNATURE = frozenset({"source_format", "edition", "measure", "unit_factor", "entity_code"})
OPTIONAL = frozenset({"extracted_from"})
PARQUET_MAGIC = b"PAR1"
#: An extract is read whole, but takes about 5 bytes of memory per byte of CSV (a 49 MB extract of SIPRI's workbook:
#: 0.3 GB), not a published table's 100: it counts for this fraction of its size against $MILSPACE_MAX_FILE_MB.
CAP_DIVISOR = 20
_TYPE_NAMES: dict[PolarsDataType, str] = {
    pl.Int64: "integer",
    pl.Float64: "number",
    pl.Boolean: "true or false",
    pl.String: "text",
    pl.Date: "date (YYYY-MM-DD)",
    pl.Datetime("us"): "date and time (YYYY-MM-DDTHH:MM:SS)",
    pl.List(pl.String): "list of codes separated by ';'",
}
#: How a list cell is written in an extract's CSV (space objects' operator_parties: "ESA;USA").
LIST_SEPARATOR = ";"


def _columns(probe: Probe) -> list[str] | None:
    if probe.head.startswith(PARQUET_MAGIC):
        import pyarrow.parquet as pq

        try:
            return list(pq.read_schema(probe.path).names)
        except Exception:  # noqa: BLE001 - not a Parquet file this reader can open: not this format
            return None
    lines = probe.text_lines
    if not lines:
        return None
    return [name.strip().strip('"').lstrip("\ufeff") for name in lines[0].split(",")]


def cap_share(path: Path, size: int) -> tuple[int, str]:
    """How much of $MILSPACE_MAX_FILE_MB the extract uses (registry.check_size), and how that was counted: a CSV
    one CAP_DIVISOR-th of its size; a Parquet file, which may compress its lines a thousandfold, by its uncompressed
    size in the same way."""
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic != PARQUET_MAGIC:
        return size // CAP_DIVISOR, f", a milspace extract, counted as 1/{CAP_DIVISOR} of its size"
    import pyarrow.parquet as pq

    metadata = pq.read_metadata(path)
    unpacked = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    return (
        unpacked // CAP_DIVISOR,
        f", a Parquet extract of {unpacked:,} bytes uncompressed, counted as 1/{CAP_DIVISOR} of that",
    )


def sniff(probe: Probe) -> bool:
    columns = _columns(probe)
    return columns is not None and SIGNATURE <= set(columns)


def read_cells(
    path: Path, shown: str, columns: Mapping[str, Column] = BUDGET_LINE_COLUMNS, shape: str = "budget-line"
) -> pl.DataFrame:
    """Every cell as text (Parquet columns cast to text), the record number in `_record`; the file must have exactly
    the columns of `columns` (those in OPTIONAL may be absent)."""
    try:
        with path.open("rb") as handle:
            parquet = handle.read(4) == PARQUET_MAGIC
        if parquet:
            frame = pl.read_parquet(path)
            frame = frame.with_columns(pl.all().cast(pl.String))
            first = 1
        else:
            text = decode_text(path.read_bytes(), shown).lstrip("\ufeff")
            frame = pl.read_csv(text.encode("utf-8"), infer_schema=False)
            first = 2
    except InputFileError:
        raise
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputFileError(shown, f"cannot be read as a milspace extract ({type(exc).__name__}: {exc})") from None
    missing = [c for c in columns if c not in frame.columns and c not in OPTIONAL]
    unknown = [c for c in frame.columns if c not in columns]
    if missing or unknown:
        said = [f"missing columns {missing}" if missing else "", f"unknown columns {unknown}" if unknown else ""]
        raise InputFileError(
            shown,
            f"a milspace extract has exactly the {shape} columns "
            f"(pipelines/shapes.py); this one has {' and '.join(s for s in said if s)}",
        )
    return frame.with_row_index("_record", offset=first)


def typed_cells(
    frame: pl.DataFrame, shown: str, columns: Mapping[str, Column] = BUDGET_LINE_COLUMNS
) -> tuple[pl.DataFrame, list[dict]]:
    """Cast each column to its declared type; a cell that does not cast is a rejected row."""
    rejected: list[dict] = []
    casts = {}
    for name, column in columns.items():
        if name not in frame.columns or column.dtype == pl.String:
            continue
        text = pl.col(name).str.strip_chars()
        if column.dtype == pl.Boolean:
            lowered = text.str.to_lowercase()
            typed: pl.Expr = pl.when(lowered == "true").then(True).when(lowered == "false").then(False)
        elif column.dtype == pl.Date:
            typed = text.str.to_date("%Y-%m-%d", strict=False)
        elif column.dtype == pl.Datetime("us"):
            typed = text.str.to_datetime(time_unit="us", strict=False)
        elif column.dtype == pl.List(pl.String):
            typed = text.str.split(LIST_SEPARATOR)
        else:
            typed = text.cast(column.dtype, strict=False)
        casts[name] = typed
        bad = frame.filter(pl.col(name).is_not_null() & typed.is_null())
        if bad.height:
            rule = figure_rule_expr(pl.col(name), f"type: {_TYPE_NAMES[column.dtype]}")
            for record, value, text_rule in bad.select("_record", name, rule.alias("rule")).iter_rows():
                rejected.append(
                    {"file": shown, "sheet": None, "row": record, "column": name, "rule": text_rule, "value": value}
                )
    bad_rows = {r["row"] for r in rejected}
    return frame.with_columns(**casts).filter(~pl.col("_record").is_in(list(bad_rows))), rejected


def where_read(frame: pl.DataFrame) -> pl.Expr:
    """'file, sheet 'S', row R, column 'C'' from the publication's provenance columns (no column for a shape
    without source_column, such as the space object); an `extracted_from` already set is kept."""
    sheet = (
        pl.when(pl.col("sheet").is_not_null()).then(pl.format(", sheet '{}'", pl.col("sheet"))).otherwise(pl.lit(""))
    )
    parts = [pl.col("file"), sheet, pl.format(", row {}", pl.col("row").cast(pl.String))]
    if "source_column" in frame.columns:
        parts.append(
            pl.when(pl.col("source_column").is_not_null())
            .then(pl.format(", column '{}'", pl.col("source_column")))
            .otherwise(pl.lit(""))
        )
    where = pl.concat_str(parts)
    return pl.coalesce(pl.col("extracted_from"), where) if "extracted_from" in frame.columns else where


def read(path: Path, shown: str, names: NationNames) -> ReadResult:
    frame, rejected = typed_cells(read_cells(path, shown), shown)
    lines = frame.with_columns(where_read(frame).alias("extracted_from")).with_columns(
        file=pl.lit(shown), sheet=pl.lit(None, pl.String), row=pl.col("_record").cast(pl.Int64)
    )
    lines = finalize(lines.drop("_record"))
    sources = sorted(set(lines["source"].drop_nulls()))
    editions = sorted(set(lines["edition"].drop_nulls()))
    return ReadResult(
        source_format=FORMAT,
        source="; ".join(sources) or SOURCE,
        edition="; ".join(editions) or "no lines",
        lines=lines,
        rejected=rejected_rows(rejected),
        notes=(
            f"An extract of {len(set(lines['extracted_from'].str.extract(r'^([^,]*)')))} published file(s), read "
            "with the lines' own publisher, reader and edition (extracted_from says where each was read).",
        ),
    )
