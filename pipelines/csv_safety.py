"""CSV cells that a spreadsheet would run as formulas, defused: the report's data files, `milspace sql --format csv`
and `milspace inspect --output FILE.csv` all write through here (each command's `--raw` turns it off).

A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is what Excel, LibreOffice and Google
Sheets run as a formula (`=HYPERLINK(...)` from a hostile input file would become a live link); such a cell gets a
leading apostrophe, which spreadsheets show as text. Numbers, dates and empty cells are never touched, so a
negative figure stays a number.
"""

from __future__ import annotations

import re

import polars as pl

#: A text cell starting with one of these would be run as a formula by a spreadsheet.
FORMULA_START = r"^[=+\-@\t\r]"
_FORMULA = re.compile(FORMULA_START)


def safe_for_spreadsheets(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells that a spreadsheet would run as formulas get a leading apostrophe (numbers are untouched)."""
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_START)).then("'" + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c, dtype in frame.schema.items()
        if dtype == pl.String
    )


def safe_cell(value: object) -> object:
    """One cell: text a spreadsheet would run as a formula, with a leading apostrophe; anything else as it is."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value
