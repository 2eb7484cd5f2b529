"""Australian Government Department of Finance: program expense line items of the Portfolio Budget Statements.

With each Budget, the Department of Finance publishes on data.gov.au ("Budget <year> - Portfolio Budget Statements
program expense line items", Creative Commons Attribution 4.0) one CSV of every portfolio's program expenses, as
the entities' PBS tables state them: for 2024-25, "2024-25-pbs-program-expense-line-items.csv", 1,882 line items
of 16 portfolios, in thousands of Australian dollars.

Detection (by content): a comma-separated header holding Portfolio, Department/Agency, Outcome, Program, Expense
type, Appropriation type and two or more fiscal-year columns ("2023-24" ... "2027-28").

Encoding: the file is Windows-1252, not UTF-8 (curly apostrophes "Veterans’", dashes "—"); `probe.decode_text`
reads UTF-8 when it can and Windows-1252 otherwise, so either reads the same.

Columns: `REQUIRED` must all be there; the fiscal-year columns are read; "Description", "Source document",
"Source table" and "URL" are kept where they help (the description joins the line item; the source document gives
the budget year) and named in `skipped` otherwise. Any other header is an InputFileError naming it.

Lines: one per line item and fiscal year. organization = Department/Agency; account = "Outcome <n>" (the
outcome's number), account_title = the outcome's statement; line_item = the program's number ("2.5"),
line_item_title = the program as written; appropriation_title = Expense type ("Departmental Expenses",
"Administered Expenses"); cost_type = Appropriation type (the line item as written, with the Description after
" - " when there is one; the second and later lines of one entity's program and expense type written with the
same words, which the PBS tell apart by sub-headings the CSV lacks, get " (occurrence 2)" ... so each line keeps
an identity of its own). budget_activity_title = the portfolio (the file's Portfolio column; the budget line has
no column of its own for it, and Australia's PBS give no function code). category "program expense line items";
rows of Expense type "Program Component" restate a program's expenses by its components (PBS table 2.1.2), so they
get category "program component line items" and are never summed with the program lines.

Phase: the year columns carry no phase words, so the phase follows from the budget year, which the Source document
column names ("2024-25 PB Statement - Defence.xlsx"; all rows must name the same one): the year before the budget
year is the estimated actual (phase actual, is_estimate), the budget year is the request (the Budget estimates the
Appropriation Bills ask Parliament for), later years are forward estimates (projection); an earlier year is an
actual. Fiscal year "2024-25" -> period 2025 (fiscal_year_label "end", fiscal_year_start_month 7).

Cells: plain integers (thousands of dollars); "nfp" (not for publication), "-" and empty cells are missing markers
(value NULL); anything else (a decimal comma "1.234,5", words) is a rejected row naming its row and column.
edition "Budget FY<year> program expense line items" (FY2025 for the 2024-25 Budget), which the warehouse's vintage
rule 'FY ?(\\d{4})' reads.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import polars as pl

from pipelines.errors import InputFileError
from pipelines.nations import NationNames
from pipelines.shapes import ReadResult, empty_lines, finalize, rejected_rows
from pipelines.sources.au_pbs import COMMONWEALTH_BUDGET
from pipelines.sources.cells import figure_rule
from pipelines.sources.probe import Probe, decode_text

FORMAT = "au_program_expenses"
SOURCE = "Australian Government Department of Finance, program expense line items"

MEASURES = {
    "program_expenses": "Expenses of a program line item as the Portfolio Budget Statements state them, AUD "
    "(thousands in the file)",
}
CONFORMED = {"program_expenses": "expenses"}
NEVER_NEGATIVE: frozenset[str] = frozenset()
STREAMED = False

REQUIRED = ("Portfolio", "Department/Agency", "Outcome", "Program", "Expense type", "Appropriation type")
#: Known columns that are not figures: what becomes of each.
OTHER = {
    "Description": "joined to the line item (cost_type)",
    "Source document": "read for the budget year only",
    "Source table": "not read: the PBS table the line comes from",
    "URL": "not read: empty in the 2024-25 file",
}
FISCAL_YEAR = re.compile(r"^(?P<start>(?:19|20)\d{2})-(?P<end>\d{2})$")
SOURCE_DOCUMENT = re.compile(r"^(?P<start>(?:19|20)\d{2})-(?P<end>\d{2})\s+PB Statement", re.I)
MISSING = {"nfp": "nfp", "-": "-"}
NUMBER = re.compile(r"^-?\d+$")
OUTCOME = re.compile(r"^\s*Outcome\s+(\d+)", re.I)
PROGRAM = re.compile(r"^\s*(\d+(?:\.\d+)+)|Program\s+(\d+(?:\.\d+)+)", re.I)
COMPONENT = "Program Component"


def sniff(probe: Probe) -> bool:
    table = probe.table
    if table is None or table.delimiter != ",":
        return False
    header = set(table.header)
    years = [h for h in table.header if FISCAL_YEAR.match(h)]
    return set(REQUIRED) <= header and len(years) >= 2


def _records(path: Path, shown: str) -> list[list[str]]:
    text = decode_text(path.read_bytes(), shown).lstrip("\ufeff")
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise InputFileError(shown, f"not a readable CSV ({exc})") from None


def _occurrence(seen: dict[tuple[str, ...], int], item: str, where: tuple[str, ...]) -> str | None:
    """The line item's name, with " (occurrence n)" for the n-th (n >= 2) line of one entity's program and expense
    type that the file describes with the same words (the PBS tell them apart by sub-headings the CSV lacks)."""
    key = (*where, item)
    seen[key] = seen.get(key, 0) + 1
    if seen[key] == 1:
        return item or None
    return f"{item} (occurrence {seen[key]})"


def read(path: Path, shown: str, names: NationNames) -> ReadResult:
    records = _records(path, shown)
    if not records:
        raise InputFileError(shown, "the file is empty")
    header = [" ".join(h.split()) for h in records[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputFileError(shown, f"the header lacks the columns {missing}", row=1)
    years: dict[int, int] = {}  # column index -> period
    for index, name in enumerate(header):
        match = FISCAL_YEAR.match(name)
        if match:
            period = int(match["start"]) + 1
            if int(match["end"]) != period % 100:
                raise InputFileError(shown, f"{name!r} is not one fiscal year (YYYY-YY)", row=1, column=name)
            years[index] = period
        elif name not in REQUIRED and name not in OTHER:
            raise InputFileError(
                shown,
                f"the column {name!r} is not one this reader knows (expected {list(REQUIRED)}, fiscal years such as "
                f"'2024-25', or {sorted(OTHER)})",
                row=1,
                column=name,
            )
    at = {name: header.index(name) for name in header if not FISCAL_YEAR.match(name)}

    def get(record: list[str], name: str) -> str:
        index = at.get(name)
        return " ".join(record[index].split()) if index is not None and index < len(record) else ""

    budget_years = {
        int(m["start"]) + 1 for record in records[1:] if (m := SOURCE_DOCUMENT.match(get(record, "Source document")))
    }
    if len(budget_years) != 1:
        raise InputFileError(
            shown,
            f"the Source document column names {len(budget_years)} budget years ({sorted(budget_years)}); the reader "
            "needs exactly one ('2024-25 PB Statement ...') to tell estimated actuals, budget and forward estimates "
            "apart",
            column="Source document",
        )
    budget_year = budget_years.pop()
    edition = f"Budget FY{budget_year} program expense line items"

    lines: list[dict] = []
    rejected: list[dict] = []
    seen: dict[tuple[str, ...], int] = {}
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        outcome, program = get(record, "Outcome"), get(record, "Program")
        outcome_match, program_match = OUTCOME.match(outcome), PROGRAM.search(program)
        code = (program_match.group(1) or program_match.group(2)) if program_match else program or None
        item, description = get(record, "Appropriation type"), get(record, "Description")
        kind = get(record, "Expense type")
        base = {
            "row": number,
            "organization": get(record, "Department/Agency"),
            "budget_activity_title": get(record, "Portfolio"),
            "account": f"Outcome {outcome_match.group(1)}" if outcome_match else outcome or None,
            "account_title": outcome or None,
            "line_item": code,
            "line_item_title": program or None,
            "appropriation_title": kind or None,
            "cost_type": _occurrence(
                seen,
                f"{item} - {description}" if description else item,
                (get(record, "Department/Agency"), outcome, code or "", kind),
            ),
            "category": "program component line items" if kind == COMPONENT else "program expense line items",
        }
        for index, period in years.items():
            raw = record[index].strip() if index < len(record) else ""
            value, marker = None, None
            if not raw:
                marker = "empty"
            elif raw.lower() in MISSING:
                marker = MISSING[raw.lower()]
            elif NUMBER.match(raw):
                value = float(raw)
            else:
                rejected.append(
                    {
                        "file": shown,
                        "row": number,
                        "column": header[index],
                        "rule": figure_rule(raw, "type: whole number of thousands of dollars"),
                        "value": raw,
                    }
                )
                continue
            if period < budget_year - 1:
                phase, estimate = "actual", False
            elif period == budget_year - 1:
                phase, estimate = "actual", True
            elif period == budget_year:
                phase, estimate = "request", False
            else:
                phase, estimate = "projection", False
            lines.append(
                {
                    **base,
                    "source_column": header[index],
                    "period": period,
                    "phase": phase,
                    "is_estimate": estimate,
                    "value": value,
                    "missing_marker": marker,
                }
            )
    if lines:
        frame = finalize(
            pl.DataFrame(lines, infer_schema_length=None).with_columns(
                source=pl.lit(SOURCE),
                source_format=pl.lit(FORMAT),
                edition=pl.lit(edition),
                file=pl.lit(shown),
                measure=pl.lit("program_expenses"),
                **{column: pl.lit(value) for column, value in COMMONWEALTH_BUDGET.items()},
            )
        )
    else:
        frame = empty_lines()
    skipped = tuple(
        f"column {name!r} {OTHER[name]}"
        for name in header
        if name in OTHER and not OTHER[name].startswith(("joined", "read"))
    )
    return ReadResult(
        source_format=FORMAT,
        source=SOURCE,
        edition=edition,
        lines=frame,
        rejected=rejected_rows(rejected),
        skipped=skipped,
    )
