"""Words for the codes the marts use (capability areas, lexicon categories, phases, document kinds, user classes):
one table, pipelines/report/labels.csv, so no chart or table of the report shows a snake_case code.

`with_labels` adds a `<column>_label` column beside each labelled column of a frame; charts draw the label and
the CSV downloads keep the code. A code the table does not know is shown as words made from it ("space_lift" ->
"Space lift") rather than as the code, and `unknown` lists such codes for the tests.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import polars as pl

LABELS = Path(__file__).with_name("labels.csv")


@functools.cache
def table() -> dict[str, dict[str, str]]:
    """field -> code -> label."""
    labels: dict[str, dict[str, str]] = {}
    with LABELS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            labels.setdefault(row["field"], {})[row["code"]] = row["label"]
    return labels


def words(code: str) -> str:
    """A code as words, for one the table lacks: 'space_lift' -> 'Space lift'."""
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def label(field: str, code: str | None) -> str | None:
    if code is None:
        return None
    return table().get(field, {}).get(code) or words(code)


def with_labels(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with `<column>_label` beside every column the label table covers."""
    known = table()
    added = [
        pl.col(column).cast(pl.String).replace_strict(known[column], default=None).alias(f"{column}_label")
        for column in frame.columns
        if column in known and f"{column}_label" not in frame.columns
    ]
    frame = frame.with_columns(added) if added else frame
    # codes the table lacks: words made from the code
    return frame.with_columns(
        pl.coalesce(pl.col(f"{c}_label"), pl.col(c).cast(pl.String).map_elements(words, return_dtype=pl.String)).alias(
            f"{c}_label"
        )
        for c in frame.columns
        if c in known and frame.get_column(f"{c}_label").null_count() > frame.get_column(c).null_count()
    )


def unknown(frame: pl.DataFrame) -> dict[str, list[str]]:
    """Codes of the labelled columns of `frame` that the table does not know."""
    known = table()
    return {
        column: sorted(set(frame.get_column(column).drop_nulls().cast(pl.String)) - set(known[column]))
        for column in frame.columns
        if column in known and set(frame.get_column(column).drop_nulls().cast(pl.String)) - set(known[column])
    }
