"""milspace budget lines: a tidy CSV or Parquet file of budget lines, one row per line and year, at any size.

The format for line-level data that no publisher's layout fits (program elements of every service for twenty
years, a year of obligation transactions, a curated extract): one header row, these ten columns, any order.

    source            who published the figure (a publisher and document, or a URL): the row's provenance
    nation_code       ISO 3166-1 alpha-3 code of the nation whose budget it is (data_raw/reference/nations.csv)
    fiscal_year       the nation's fiscal year, an integer
    phase             request | enacted | actual | projection
    organization      the service, agency or ministry (Army, Space Force, Ministry of Defence ...)
    account           the appropriation or budget account code
    program_element   the program element, line item or budget line number
    title             the line's title
    amount_thousands  the amount, in thousands of `currency` (negative for a rescission); a plain number
    currency          ISO 4217 code of the amount (USD, EUR, GBP ...)

CSV files are UTF-8 with a comma delimiter and double-quoted fields where needed; `row` is the record number
counting the header as row 1. Parquet files have the same column names (fiscal_year an integer and
amount_thousands a number, or both text); `row` is the 1-based record number. The file is recognised by its
header (CSV) or its schema (Parquet), never by its name: the columns nation_code and amount_thousands mark it.

Large files are read in batches of BATCH_ROWS rows (`batches`): each batch is mapped to budget lines, checked
against the BudgetLine contract and loaded before the next is read, so memory does not grow with the file. The
checked lines are stored as the file gives them (`stored`, staging.milspace_lines): writing the 40 budget-line
columns of ten million lines, 30 of them the same on every line, costs DuckDB three times what writing the
file's own columns does; the view staging.budget_lines adds the others back.

A fiscal year or amount that is not a number is a rejected row ("type: integer year", "type: number", or the
spreadsheet-error rule for #REF! and the like); every other rule (a known nation, a phase, a plausible US$
amount ...) is the BudgetLine contract's, applied by the caller. The quarantine names the file's own columns
(SOURCE_COLUMNS): nation_code, not entity_code.

Lines of organization "Space Force" or "Space Development Agency" are flagged is_space, as for DoD exhibits.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from pipelines.errors import InputFileError
from pipelines.nations import NationNames
from pipelines.shapes import REJECTED_SCHEMA, ReadResult, empty_rejected, finalize
from pipelines.sources.cells import figure_rule_expr
from pipelines.sources.probe import Probe

if TYPE_CHECKING:
    from polars._typing import PolarsDataType

FORMAT = "milspace_lines"
SOURCE = "milspace budget lines file"
EDITION = "milspace budget lines format 1"
#: Read the file in batches of this many rows; each batch is checked and loaded before the next is read.
STREAMED = True
BATCH_ROWS = 500_000
#: The staging table the checked lines are stored in, as `stored` gives them (sql/staging/milspace_lines.sql);
#: the view staging.budget_lines gives them the budget-line shape again.
TABLE = "milspace_lines"

COLUMNS = (
    "source",
    "nation_code",
    "fiscal_year",
    "phase",
    "organization",
    "account",
    "program_element",
    "title",
    "amount_thousands",
    "currency",
)
MEASURE = "budget_line_amount"
MEASURES = {MEASURE: "A budget line's amount as its source states it, in thousands of the row's currency"}
#: Every measure of this reader is its own conformed measure (marts.budget_facts.measure).
CONFORMED: dict[str, str] = {}
#: No measure of this reader is barred from being negative (a budget line may be a rescission).
NEVER_NEGATIVE: frozenset[str] = frozenset()
#: Budget-line columns -> this format's columns, so the quarantine names the file's own column.
SOURCE_COLUMNS = {
    "entity_code": "nation_code",
    "entity_name": "nation_code",
    "period": "fiscal_year",
    "phase": "phase",
    "fdp_phase": "phase",
    "line_item": "program_element",
    "line_item_title": "title",
}
SPACE_ORGANIZATIONS = ("Space Force", "Space Development Agency")
PARQUET_MAGIC = b"PAR1"


def _csv_header(probe: Probe) -> list[str] | None:
    lines = probe.text_lines
    if not lines:
        return None
    return [name.strip().strip('"').lstrip("\ufeff") for name in lines[0].split(",")]


def _parquet_columns(path: Path) -> list[str] | None:
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(path).names)
    except Exception:  # noqa: BLE001 - not a Parquet file this reader can open: not this format
        return None


def sniff(probe: Probe) -> bool:
    if probe.head.startswith(PARQUET_MAGIC):
        columns = _parquet_columns(probe.path)
    else:
        columns = _csv_header(probe)
    # Its two signature columns: a file with them and a column missing or extra is this format, badly made, and
    # is told so (`check_header`) rather than called a format milspace does not read.
    return columns is not None and {"nation_code", "amount_thousands"} <= set(columns)


def _is_parquet(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == PARQUET_MAGIC


def _scan(path: Path, shown: str) -> tuple[pl.LazyFrame, int]:
    """The file as a lazy frame of the format's columns, and the row number of its first record."""
    try:
        if _is_parquet(path):
            lazy, first_row = pl.scan_parquet(path), 1
        else:
            lazy, first_row = pl.scan_csv(path, infer_schema=False, encoding="utf8", quote_char='"'), 2
        columns = lazy.collect_schema().names()
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputFileError(shown, f"not a readable milspace budget-lines file ({str(exc).splitlines()[0]})") from None
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise InputFileError(shown, f"a milspace budget-lines file needs the columns {', '.join(missing)}", row=1)
    extra = [c for c in columns if c not in COLUMNS]
    if extra:
        raise InputFileError(
            shown, f"unknown columns {', '.join(extra)}: a milspace budget-lines file has exactly {COLUMNS}", row=1
        )
    return lazy.select(COLUMNS), first_row


def check_header(path: Path, shown: str) -> None:
    """InputFileError if the file cannot be opened or lacks the format's columns (read no rows)."""
    _scan(path, shown)


def _parsed(text: pl.Expr, dtype: PolarsDataType, is_text: bool) -> pl.Expr:
    return text.str.strip_chars().cast(dtype, strict=False) if is_text else text.cast(dtype, strict=False)


def _batch(chunk: pl.DataFrame, shown: str) -> ReadResult:
    """One batch of raw rows (with `row`) as finalized budget lines and the rows rejected by type."""
    year_text = chunk.schema["fiscal_year"] == pl.String
    amount_text = chunk.schema["amount_thousands"] == pl.String
    frame = chunk.with_columns(
        _parsed(pl.col("fiscal_year"), pl.Int64, year_text).alias("period"),
        _parsed(pl.col("amount_thousands"), pl.Float64, amount_text).alias("value"),
    )
    bad_year = pl.col("period").is_null()
    bad_amount = pl.col("value").is_null() & pl.col("amount_thousands").is_not_null()
    rejected = pl.concat(
        [
            frame.filter(bad_year).select(
                pl.lit(shown).alias("file"),
                pl.lit(None, dtype=pl.String).alias("sheet"),
                pl.col("row"),
                pl.lit("fiscal_year").alias("column"),
                pl.lit("type: integer year").alias("rule"),
                pl.col("fiscal_year").cast(pl.String).alias("value"),
            ),
            frame.filter(bad_amount & ~bad_year).select(
                pl.lit(shown).alias("file"),
                pl.lit(None, dtype=pl.String).alias("sheet"),
                pl.col("row"),
                pl.lit("amount_thousands").alias("column"),
                figure_rule_expr(pl.col("amount_thousands").cast(pl.String), "type: number").alias("rule"),
                pl.col("amount_thousands").cast(pl.String).alias("value"),
            ),
        ]
    ).cast(REJECTED_SCHEMA)  # type: ignore[arg-type]  # polars#14468: cast's key type is invariant
    kept = frame.filter(~bad_year & ~bad_amount)
    lines = kept.select(
        pl.col("source"),
        pl.lit(FORMAT).alias("source_format"),
        pl.lit(EDITION).alias("edition"),
        pl.lit(shown).alias("file"),
        pl.col("row").cast(pl.Int64),
        pl.lit("amount_thousands").alias("source_column"),
        pl.col("nation_code").alias("entity_code"),
        pl.col("nation_code").alias("entity_name"),
        pl.col("period"),
        pl.lit("fiscal_year").alias("period_type"),
        pl.lit(MEASURE).alias("measure"),
        pl.col("phase"),
        pl.col("account"),
        pl.col("organization"),
        pl.col("program_element").alias("line_item"),
        pl.col("title").alias("line_item_title"),
        pl.col("value"),
        pl.col("currency"),
        pl.lit(1e3).alias("unit_factor"),
        (pl.col("currency").fill_null("(no currency)") + pl.lit(" thousands")).alias("unit"),
        pl.lit("current").alias("price_basis"),
        pl.col("organization").is_in(SPACE_ORGANIZATIONS).fill_null(False).alias("is_space"),
    )
    return ReadResult(FORMAT, SOURCE, EDITION, finalize(lines), rejected if rejected.height else empty_rejected())


def stored(lines: pl.DataFrame) -> pl.DataFrame:
    """Checked budget lines of this format as staging.milspace_lines stores them: the columns that vary."""
    return lines.select(
        "file",
        "row",
        "source",
        pl.col("entity_code").alias("nation_code"),
        pl.col("period").cast(pl.Int32).alias("fiscal_year"),
        "phase",
        "organization",
        "account",
        pl.col("line_item").alias("program_element"),
        pl.col("line_item_title").alias("title"),
        pl.col("value").alias("amount_thousands"),
        "currency",
    )


def batches(path: Path, shown: str, batch_rows: int | None = None) -> Iterator[ReadResult]:
    """The file in batches of about `batch_rows` (BATCH_ROWS) rows, each read into budget lines and rejected rows."""
    batch_rows = batch_rows or BATCH_ROWS
    lazy, first_row = _scan(path, shown)
    try:
        for chunk in lazy.with_row_index("row", offset=first_row).collect_batches(chunk_size=batch_rows):
            yield _batch(chunk, shown)
    except pl.exceptions.PolarsError as exc:
        reason = str(exc).splitlines()[0]
        row, found = _first_bad_record(path) if not _is_parquet(path) else (None, None)
        raise InputFileError(
            shown,
            f"could not be read to the end ({found or reason}); none of its lines were loaded",
            row=row,
            rule="a UTF-8 CSV file with the same number of fields on every row",
        ) from None


def _first_bad_record(path: Path) -> tuple[int | None, str | None]:
    """After Polars refused a CSV file: the first record that is not UTF-8 or has the wrong number of fields,
    found by reading the file again line by line (slow, so only to say where the file is damaged). The row is the
    record number, as everywhere; a record with a quoted line break spans several lines of the file."""
    import csv

    state = {"line": 0}

    def lines():
        with path.open("rb") as raw:
            for state["line"], data in enumerate(raw, start=1):  # noqa: B020 - the line number is kept for errors
                yield data.decode("utf-8")

    records = csv.reader(lines())
    row = 0
    try:
        width = len(next(records))
        for row, record in enumerate(records, start=2):  # noqa: B007 - row is reported after the loop
            if len(record) != width:
                return row, f"row {row} has {len(record)} fields where the header has {width}"
    except UnicodeDecodeError:
        return row + 1, f"row {row + 1} (line {state['line']} of the file) is not UTF-8 text"
    except (csv.Error, StopIteration) as exc:
        return row + 1, f"row {row + 1}: {exc or 'no header'}"
    return None, None


def read(path: Path, shown: str, names: NationNames) -> ReadResult:
    """The whole file at once (for small files and `milspace inspect`); the pipeline reads it with `batches`."""
    parts = list(batches(path, shown))
    if not parts:
        return ReadResult(FORMAT, SOURCE, EDITION, finalize(pl.DataFrame(schema={"source": pl.String})))
    return ReadResult(
        FORMAT,
        SOURCE,
        EDITION,
        pl.concat([p.lines for p in parts]),
        pl.concat([p.rejected for p in parts]),
    )
