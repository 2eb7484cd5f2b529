"""The common shape every published-format reader returns: tidy budget lines plus rejected rows.

A budget line is one figure of one source line, for one period and one measure, with everything needed to
trace it back (file, edition, sheet, row, source column) and to compare it (nation, period type, measure, phase,
currency, unit factor, price basis) and the flags a source attaches (estimate, memo, classified, footnotes).

Readers build frames with the columns they have; `finalize` adds the others with their defaults and fixes
the types and the column order. The Pandera contract `pipelines.schemas.BudgetLine` checks the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from pipelines.sources.described_csv import REJECTED_SCHEMA, empty_rejected


@dataclass(frozen=True)
class Column:
    """One budget-line column: its type, the default used when a reader does not set it, and what it holds."""

    dtype: pl.DataType
    default: object
    description: str


def _c(dtype: pl.DataType, default: object, description: str) -> Column:
    return Column(dtype, default, description)


#: The budget-line shape, declared once: every reader's output, the staging table, the extract files.
BUDGET_LINE_COLUMNS: dict[str, Column] = {
    # provenance
    "source": _c(pl.String, None, "Publisher and dataset, e.g. SIPRI Military Expenditure Database"),
    "source_format": _c(pl.String, None, "The reader that read the publication, e.g. sipri_milex"),
    "edition": _c(pl.String, None, "The publication's edition, e.g. April 2025 release, FY2019 President's Budget"),
    "file": _c(pl.String, None, "The file milspace read, as shown to users (relative to the project root)"),
    "sheet": _c(pl.String, None, "Worksheet of the file; empty for text files"),
    "row": _c(pl.Int64, None, "1-based row in the sheet or file (a CSV header is row 1)"),
    "source_column": _c(pl.String, None, "Header of the column the value was read from, as published"),
    "extracted_from": _c(
        pl.String,
        None,
        "For a line of a milspace extract: the published file, sheet, row and column its reader read it from; "
        "empty for a line read from the publication itself",
    ),
    # who and when
    "entity_code": _c(pl.String, None, "ISO 3166-1 alpha-3, a documented historical or aggregate code"),
    "entity_name": _c(pl.String, None, "The entity's name as the source writes it"),
    "entity_kind": _c(pl.String, "country", "country, historical_state, aggregate, region or organization"),
    "period": _c(pl.Int64, None, "The year: a calendar year, or a fiscal year named as fiscal_year_label says"),
    "period_type": _c(pl.String, "calendar_year", "calendar_year or fiscal_year"),
    "fiscal_year_start_month": _c(
        pl.Int64, None, "Month the fiscal year starts in (10 for the US federal year from FY 1977); empty otherwise"
    ),
    "fiscal_year_label": _c(
        pl.String,
        None,
        "How a fiscal year is named: start (FY N begins in calendar year N, SIPRI's financial years) or end "
        "(FY N ends in N, the US government); empty for calendar years or when unknown",
    ),
    # what
    "measure": _c(pl.String, None, "What the figure measures, as its reader declares it (see marts.measures)"),
    "phase": _c(pl.String, "actual", "request, enacted, actual or projection: never summed across"),
    "fdp_phase": _c(pl.String, None, "Fiscal Data Package phase: proposed, approved or executed (from phase)"),
    "funding_type": _c(
        pl.String, None, "base, oco, emergency, reconciliation, mandatory, discretionary or total; empty if not split"
    ),
    "category": _c(pl.String, None, "A breakdown the source gives (NATO category, budget function, sub-activity)"),
    # classification (DoD exhibits and Green Book)
    "account": _c(pl.String, None, "Appropriation or budget account code"),
    "account_title": _c(pl.String, None, "Account title"),
    "organization": _c(pl.String, None, "Service, agency or department"),
    "budget_activity": _c(pl.String, None, "Budget activity code"),
    "budget_activity_title": _c(pl.String, None, "Budget activity title"),
    "line_item": _c(pl.String, None, "Program element, line item or budget line number (Green Book: table)"),
    "line_item_title": _c(pl.String, None, "Title of the line item (Green Book: the series label)"),
    "appropriation_title": _c(pl.String, None, "Public law title: military personnel, O&M, procurement, RDT&E ..."),
    "cost_type": _c(pl.String, None, "Cost type or category of the line"),
    # the figure
    "value": _c(pl.Float64, None, "The figure as published, in `unit`; empty when missing (see missing_marker)"),
    "currency": _c(pl.String, None, "ISO 4217 code of a money figure; empty for ratios and counts"),
    "unit_factor": _c(pl.Float64, 1.0, "value x unit_factor is in whole currency units (or persons, items)"),
    "unit": _c(pl.String, None, "The unit in words, e.g. US$ millions, constant (2023) prices; percent of GDP"),
    "price_basis": _c(pl.String, None, "current or constant_YYYY (prices of year YYYY); empty for ratios, counts"),
    # flags
    "is_estimate": _c(pl.Boolean, False, "The source marks the figure as an estimate"),
    "is_highly_uncertain": _c(pl.Boolean, False, "The source marks the figure as highly uncertain"),
    "is_memo": _c(pl.Boolean, False, "A memo (Non-Add) line: shown, never summed"),
    "is_classified_aggregate": _c(pl.Boolean, False, "Classified programs aggregated under one line"),
    "is_total": _c(pl.Boolean, False, "A total or subtotal the source states: never summed with its parts"),
    "is_space": _c(pl.Boolean, False, "A military space line by the reader's documented rule"),
    "footnotes": _c(pl.String, None, "Footnote markers resolved to their text, separated by '; '"),
    "missing_marker": _c(pl.String, None, "Why value is empty, as the source wrote it (..., xxx, . .)"),
}

PHASES = ("request", "enacted", "actual", "projection")
FDP_PHASE = {"request": "proposed", "enacted": "approved", "actual": "executed", "projection": "proposed"}
ENTITY_KINDS = ("country", "historical_state", "aggregate", "region", "organization")

#: The column to quote in the quarantine for each kind of problem a reader finds.
RECONCILIATION_SCHEMA = {
    "file": pl.String,
    "sheet": pl.String,
    "row": pl.Int64,
    "check": pl.String,  # what is compared, e.g. "NATO Total = sum of members, current US$, 2024"
    "stated": pl.Float64,  # the total the file states
    "computed": pl.Float64,  # the sum milspace computes from the file's own lines
    "tolerance": pl.Float64,  # the largest difference accepted, in the same unit
    "passed": pl.Boolean,
}


def finalize(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the missing budget-line columns with their defaults; fix types, order and fdp_phase."""
    unknown = [c for c in frame.columns if c not in BUDGET_LINE_COLUMNS]
    if unknown:
        raise ValueError(f"not budget-line columns: {unknown}")
    missing = {
        name: pl.lit(column.default, dtype=column.dtype)
        for name, column in BUDGET_LINE_COLUMNS.items()
        if name not in frame.columns
    }
    out = frame.with_columns(**missing) if missing else frame
    out = out.with_columns(pl.col("phase").replace_strict(FDP_PHASE, default=None).alias("fdp_phase"))
    return out.select([pl.col(name).cast(column.dtype) for name, column in BUDGET_LINE_COLUMNS.items()])


def empty_lines() -> pl.DataFrame:
    return finalize(pl.DataFrame(schema={"source": pl.String}))


def empty_reconciliations() -> pl.DataFrame:
    return pl.DataFrame(schema=RECONCILIATION_SCHEMA)


def rejected_rows(rows: list[dict]) -> pl.DataFrame:
    """Rejected rows from dicts with keys file, sheet, row, column, rule, value."""
    if not rows:
        return empty_rejected()
    return pl.DataFrame(
        [{k: (None if r.get(k) is None else r[k]) for k in REJECTED_SCHEMA} for r in rows],
        schema=REJECTED_SCHEMA,
    )


@dataclass(frozen=True)
class ReadResult:
    """What a reader makes of one file."""

    source_format: str
    source: str
    edition: str
    lines: pl.DataFrame  # finalized budget lines
    rejected: pl.DataFrame = field(default_factory=empty_rejected)
    reconciliations: pl.DataFrame = field(default_factory=empty_reconciliations)
    notes: tuple[str, ...] = ()  # what the reader chose to skip, and why (shown by `milspace inspect`)
    #: Every sheet or column of the file the reader did not read, one human sentence each naming it and saying why
    #: ("sheet 'Sheet7' skipped: its title row does not say what it measures"): nothing is dropped unannounced.
    skipped: tuple[str, ...] = ()
