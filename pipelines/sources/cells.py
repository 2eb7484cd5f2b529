"""Cell values every reader treats alike: spreadsheet error values in a figure's place.

A spreadsheet shows an error value where a formula failed (`#REF!` after a deleted row, `#DIV/0!`, `#N/A` from a
lookup that found nothing, `#VALUE!` ...). Such a cell is neither a figure nor a publisher's statement that there
is no figure: every reader rejects it, with `SPREADSHEET_ERROR_RULE` and the error as written, so it lands in
marts.quarantine. It is never read as 0, as a missing value, or skipped.
"""

from __future__ import annotations

import polars as pl

#: Error values of Excel, LibreOffice and Google Sheets (compared upper-cased, spaces stripped).
SPREADSHEET_ERRORS = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#ERROR!",
        "ERR:502",
        "ERR:504",
        "ERR:522",
        "ERR:523",
    }
)

SPREADSHEET_ERROR_RULE = (
    "a figure is not a spreadsheet error cell (#REF!, #DIV/0!, #N/A, #VALUE! ...: a formula that failed in the file)"
)


def is_spreadsheet_error(value: object) -> bool:
    """Whether a cell holds a spreadsheet error value (as openpyxl returns it, or as text in a CSV export)."""
    return isinstance(value, str) and value.strip().upper() in SPREADSHEET_ERRORS


def figure_rule(value: object, otherwise: str) -> str:
    """The rule a cell that is not a figure breaks: the spreadsheet-error rule for an error value, else `otherwise`."""
    return SPREADSHEET_ERROR_RULE if is_spreadsheet_error(value) else otherwise


def figure_rule_expr(text: pl.Expr, otherwise: str) -> pl.Expr:
    """`figure_rule` over a text column."""
    is_error = text.str.strip_chars().str.to_uppercase().is_in(sorted(SPREADSHEET_ERRORS))
    return pl.when(is_error).then(pl.lit(SPREADSHEET_ERROR_RULE)).otherwise(pl.lit(otherwise))


def cell_text(value: object) -> str | None:
    """A cell as text, the one way every reader reads one: whitespace runs collapsed to one space and trimmed, a
    whole float without its '.0' (a year typed as 2024.0 reads '2024'); None for an empty cell or blank text."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split()) or None
