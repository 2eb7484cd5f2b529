"""Nations' fiscal-year calendars, from data_raw/reference/fiscal_years.csv: the month a fiscal year starts and
how the nation names it, by range of fiscal years (the US federal year ran July-June up to FY 1976 and runs
October-September from FY 1977; the transition quarter of July-September 1976 belongs to no fiscal year).

Readers of a government's own publications (DoD exhibits, the Green Book) and of a publisher's statement about
one (SIPRI's footnote that US figures are fiscal years) take the start month from here, so the rule lives in one
documented, sourced table; `marts.budget_facts` fills a fiscal-year line that states no month from the same table
(staging.fiscal_years).
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass

import polars as pl

from pipelines.paths import SHIPPED_REFERENCE

PATH = SHIPPED_REFERENCE / "fiscal_years.csv"


@dataclass(frozen=True)
class FiscalCalendar:
    nation_code: str
    first: int | None  # first fiscal year the rule applies to (None: since records began)
    last: int | None  # last fiscal year (None: to date)
    start_month: int  # 1 = January ... 12 = December
    named_by: str  # "end": FY N ends in calendar year N; "start": FY N begins in N

    def covers(self, fiscal_year: int) -> bool:
        return (self.first is None or fiscal_year >= self.first) and (self.last is None or fiscal_year <= self.last)


@functools.cache
def calendars() -> tuple[FiscalCalendar, ...]:
    with PATH.open(encoding="utf-8", newline="") as handle:
        return tuple(
            FiscalCalendar(
                row["nation_code"],
                int(row["first_fiscal_year"]) if row["first_fiscal_year"] else None,
                int(row["last_fiscal_year"]) if row["last_fiscal_year"] else None,
                int(row["start_month"]),
                row["named_by"],
            )
            for row in csv.DictReader(handle)
        )


def calendar(nation_code: str, fiscal_year: int) -> FiscalCalendar | None:
    """The calendar of a nation's fiscal year (as the nation names it), or None when the table has none."""
    return next((c for c in calendars() if c.nation_code == nation_code and c.covers(fiscal_year)), None)


def start_month(nation_code: str, fiscal_year: int) -> int | None:
    found = calendar(nation_code, fiscal_year)
    return found.start_month if found else None


def start_month_expr(nation_code: str, fiscal_year: pl.Expr) -> pl.Expr:
    """A Polars expression: the start month of `fiscal_year` (a column of fiscal years) for one nation, NULL
    where the table has no calendar."""
    expression = pl.lit(None, dtype=pl.Int64)
    for found in reversed([c for c in calendars() if c.nation_code == nation_code]):
        condition = pl.lit(True)
        if found.first is not None:
            condition = condition & (fiscal_year >= found.first)
        if found.last is not None:
            condition = condition & (fiscal_year <= found.last)
        expression = pl.when(condition).then(pl.lit(found.start_month, dtype=pl.Int64)).otherwise(expression)
    return expression
