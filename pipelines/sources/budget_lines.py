"""The common shape every published-format reader returns: tidy budget lines plus rejected rows.

A budget line is one figure of one source line, for one period and one measure, with everything needed to
trace it back (file, edition, sheet, row, source column) and to compare it (nation, period type, measure, phase,
currency, unit factor, price basis) and the flags a source attaches (estimate, memo, classified, footnotes).

Readers build frames with the columns they have; `finalize` adds the others with their defaults and fixes
the types and the column order. The Pandera contract `pipelines.schemas.BudgetLine` checks the result.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.paths import REPO_ROOT
from pipelines.sources.described_csv import REJECTED_SCHEMA, empty_rejected

#: Column -> (type, default used when a reader does not set it).
BUDGET_LINE_COLUMNS: dict[str, tuple[pl.DataType, object]] = {
    # provenance
    "source": (pl.String, None),  # publisher and dataset, e.g. "SIPRI Military Expenditure Database"
    "source_format": (pl.String, None),  # reader id, e.g. "sipri_milex"
    "edition": (pl.String, None),  # e.g. "2025 release (data 1949-2024)", "FY2019 President's Budget"
    "file": (pl.String, None),  # the file as shown to users
    "sheet": (pl.String, None),  # NULL for CSV
    "row": (pl.Int64, None),  # 1-based row in the sheet or file
    "source_column": (pl.String, None),  # header of the column the value was read from
    # who and when
    "entity_code": (pl.String, None),  # ISO 3166-1 alpha-3, a documented non-ISO code, or an aggregate's code
    "entity_name": (pl.String, None),  # as the source writes it
    "entity_kind": (pl.String, "country"),  # country | historical_state | aggregate | region | organization
    "period": (pl.Int64, None),  # the year
    "period_type": (pl.String, "calendar_year"),  # calendar_year | fiscal_year
    "fiscal_year_start_month": (pl.Int64, None),  # 10 for the US federal fiscal year; NULL for calendar years
    # how a fiscal year is named: "start" (FY N begins in calendar year N, SIPRI's financial years) or "end" (FY N
    # ends in N: the US, the UK's 2024-25 is FY 2025 by this rule); NULL for calendar years or when unknown
    "fiscal_year_label": (pl.String, None),
    # what
    "measure": (pl.String, None),  # declared in the reader's MEASURES
    "phase": (pl.String, "actual"),  # request | enacted | actual | projection
    "fdp_phase": (pl.String, None),  # Fiscal Data Package: proposed | approved | executed (derived from phase)
    "funding_type": (pl.String, None),  # base | oco | emergency | reconciliation | mandatory | discretionary | total
    "category": (pl.String, None),  # a breakdown the source gives (NATO category, budget function, department)
    # classification (DoD exhibits and Green Book)
    "account": (pl.String, None),
    "account_title": (pl.String, None),
    "organization": (pl.String, None),
    "budget_activity": (pl.String, None),
    "budget_activity_title": (pl.String, None),
    "line_item": (pl.String, None),  # program element, line item or budget line number
    "line_item_title": (pl.String, None),
    "appropriation_title": (pl.String, None),  # public law title: military personnel, O&M, procurement, RDT&E ...
    "cost_type": (pl.String, None),
    # the figure
    "value": (pl.Float64, None),  # as published; NULL when missing (see missing_marker)
    "currency": (pl.String, None),  # ISO 4217, or NULL for ratios and counts
    "unit_factor": (pl.Float64, 1.0),  # value * unit_factor is in whole currency units (or persons, items)
    "unit": (pl.String, None),  # in words: "US$ millions, constant (2023) prices", "percent of GDP"
    "price_basis": (pl.String, None),  # current | constant_<year> | NULL for ratios and counts
    # flags
    "is_estimate": (pl.Boolean, False),
    "is_highly_uncertain": (pl.Boolean, False),
    "is_memo": (pl.Boolean, False),  # a memo ("Non-Add") line: shown, never summed
    "is_classified_aggregate": (pl.Boolean, False),
    "is_total": (pl.Boolean, False),  # a total or subtotal the source states: never summed with its parts
    "is_space": (pl.Boolean, False),  # Space Force or Space Development Agency line (documented rule per reader)
    "footnotes": (pl.String, None),  # footnote markers resolved to their text, "; "-separated
    "missing_marker": (pl.String, None),  # why value is NULL, as the source wrote it ("...", "xxx", ". .")
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
        name: pl.lit(default, dtype=dtype)
        for name, (dtype, default) in BUDGET_LINE_COLUMNS.items()
        if name not in frame.columns
    }
    out = frame.with_columns(**missing) if missing else frame
    out = out.with_columns(pl.col("phase").replace_strict(FDP_PHASE, default=None).alias("fdp_phase"))
    return out.select([pl.col(name).cast(dtype) for name, (dtype, _) in BUDGET_LINE_COLUMNS.items()])


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


# --- nation names ------------------------------------------------------------------------------------------

_FOOTNOTE_TAIL = re.compile(r"[\s*†‡§¶‖#]+$|(?<=[A-Za-z)])\d+$")


def normalize_name(name: str) -> str:
    """A name as publishers vary it, reduced for lookup: footnote marks and digits at the end, case, spaces."""
    text = unicodedata.normalize("NFC", str(name)).strip()
    text = _FOOTNOTE_TAIL.sub("", text).strip()
    return re.sub(r"\s+", " ", text).casefold()


@dataclass(frozen=True)
class NationNames:
    """Publishers' nation names -> milspace codes, from data_raw/reference/nation_names.csv."""

    codes: Mapping[str, str]

    @classmethod
    def from_csv(cls, path: Path) -> NationNames:
        with path.open(encoding="utf-8", newline="") as handle:
            return cls({normalize_name(r["name"]): r["code"] for r in csv.DictReader(handle)})

    @classmethod
    def from_pairs(cls, pairs) -> NationNames:
        """From (name, code) pairs, such as the rows of the validated nation_names reference."""
        return cls({normalize_name(name): code for name, code in pairs})

    def code(self, name: str | None) -> str | None:
        """The code for a name, or None if the name is not known."""
        if name is None:
            return None
        return self.codes.get(normalize_name(name))


@functools.cache
def default_names() -> NationNames:
    return NationNames.from_csv(REPO_ROOT / "data_raw" / "reference" / "nation_names.csv")
