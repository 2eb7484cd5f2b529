"""Apply a Pandera contract to a parsed file: rows that pass go on, rows that fail become quarantine rows.

Nothing is dropped silently: every failing row is returned with the file, row, column, rule and offending
value. A row breaking several rules appears once per rule. Rows sharing a duplicate key are all rejected,
since nothing says which of them is right. A failure that concerns the whole file (a missing column, a wrong
type) is not a row problem: it raises `InputFileError`.

A field whose metadata names `reported_at` (BudgetLine.value: `source_column`) is reported at that column of the
row, the header of the spreadsheet column the figure was read from, so the quarantine points at the cell. An
offending value longer than SHOWN_CHARS characters is shortened in the quarantine, with its length.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pandera.polars as pa
import polars as pl

from pipelines.errors import InputFileError
from pipelines.schemas import REFERENCE_LABELS, ROW_RULE_COLUMNS, RejectedRow
from pipelines.shapes import REJECTED_SCHEMA, SHOWN_CHARS, shorten
from pipelines.sources.described_csv import ROW_COLUMN


@dataclass(frozen=True)
class Checked:
    """The outcome of a contract: loadable rows and rejected rows."""

    valid: pl.DataFrame
    rejected: pl.DataFrame


def _known_values(target: str, values: Collection[str], when: tuple[str, tuple[str, ...]] | None) -> pa.Check:
    allowed = sorted(values)

    def check(data) -> pl.LazyFrame:
        known = pl.col(data.key).is_in(allowed)
        if when is not None:
            known = known | ~pl.col(when[0]).is_in(list(when[1]))
        return data.lazyframe.select(known)

    label = REFERENCE_LABELS.get(target, target)
    scope = f" (where {when[0]} is {' or '.join(when[1])})" if when else ""
    return pa.Check(check, name=f"known_{target}", error=f"listed in {label}{scope}")


def bind_references(model: type[pa.DataFrameModel], references: Mapping[str, Collection[str]]) -> pa.DataFrameSchema:
    """The model's schema, with each `references=` field checked against the known values given here."""
    schema = model.to_schema()
    for name, column in schema.columns.items():
        target = (column.metadata or {}).get("references")
        if target is None:
            continue
        if target not in references:
            raise KeyError(f"{model.__name__}.{name} references {target!r}, but no values were given for it")
        when = (column.metadata or {}).get("when")
        schema = schema.update_column(name, checks=[*column.checks, _known_values(target, references[target], when)])
    return schema


def _describe(frame: pl.DataFrame, indexes: pl.Series, columns: tuple[str, ...]) -> pl.Series:
    """'col=value; col=value' for the given rows: the offending values of a rule across columns."""
    rows = frame[indexes.to_list()]
    parts = [pl.lit(f"{c}=") + pl.col(c).cast(pl.String).fill_null("") for c in columns]
    return rows.select(pl.concat_str(parts, separator="; ")).to_series()


def _reported_column(schema: pa.DataFrameSchema, frame: pl.DataFrame, column: str, indexes: pl.Series):
    """The column to name in the quarantine for a failure of `column`: itself, or the row's `reported_at`."""
    field = schema.columns.get(column)
    reported_at = (field.metadata or {}).get("reported_at") if field is not None else None
    if reported_at is None or reported_at not in frame.columns:
        return column
    return frame[reported_at].gather(indexes).cast(pl.String).fill_null(column)


def _shortened(values: pl.Series) -> pl.Series:
    """Offending values as text, long ones cut to SHOWN_CHARS characters with their length."""
    text = values.cast(pl.String)
    if not (text.str.len_chars() > SHOWN_CHARS).any():
        return text
    return pl.Series(values.name, [shorten(v) for v in text], dtype=pl.String)


def apply_contract(
    frame: pl.DataFrame,
    rejected: pl.DataFrame,
    schema: pa.DataFrameSchema,
    shown_path: str,
    *,
    unique: Collection[str] = (),
    row_column: str = ROW_COLUMN,
    sheet_column: str | None = None,
) -> Checked:
    """Validate `frame` lazily (all failures at once) and split it into valid and rejected rows; `rejected` holds the
    rows already rejected on the way (by the reader), kept ahead of the contract's.

    A rejected row is reported at the file row in `row_column` (and the sheet in `sheet_column`, if given)."""
    try:
        valid = schema.validate(frame, lazy=True)
        return Checked(valid=valid, rejected=rejected)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases

    whole_file = cases.filter(pl.col("index").is_null())
    if whole_file.height:
        first = whole_file.row(0, named=True)
        raise InputFileError(
            shown_path,
            f"does not have the shape its contract {schema.name} expects: {first['failure_case']}",
            column=first["column"],
            rule=first["check"],
        )

    unique_rule = f"unique key ({', '.join(unique)})"
    pieces = []
    for (context, column, check), group in cases.group_by(["schema_context", "column", "check"], maintain_order=True):
        indexes = group.get_column("index").cast(pl.Int64)
        if context == "Column":
            involved, rule, values = _reported_column(schema, frame, column, indexes), check, group["failure_case"]
        else:
            names = tuple(unique) if check == "multiple_fields_uniqueness" else ROW_RULE_COLUMNS.get(check, ())
            rule = unique_rule if check == "multiple_fields_uniqueness" else check
            involved = ", ".join(names) if names else "(row)"
            values = _describe(frame, indexes, names) if names else group.get_column("failure_case")
        pieces.append(
            pl.DataFrame(
                {
                    "file": shown_path,
                    "sheet": frame[sheet_column].gather(indexes) if sheet_column else None,
                    "row": frame[row_column].gather(indexes),
                    "column": involved,
                    "rule": rule,
                    "value": _shortened(values),
                },
                schema=REJECTED_SCHEMA,
            )
        )
    rejected_rows = pl.concat(pieces)
    bad = cases.get_column("index").drop_nulls().unique().cast(pl.Int64)
    keep = ~pl.int_range(0, frame.height, dtype=pl.Int64).is_in(bad.implode())
    valid = frame.filter(keep)
    rejected = pl.concat([rejected, rejected_rows]).sort(["row", "column"])
    return Checked(valid=valid, rejected=RejectedRow.validate(rejected))
