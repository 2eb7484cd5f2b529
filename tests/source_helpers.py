"""Helpers for reader tests: check a reader's output against the BudgetLine contract."""

from __future__ import annotations

import re

import polars as pl

from pipelines.intake.contract import apply_contract, bind_references
from pipelines.paths import REPO_ROOT
from pipelines.schemas import BudgetLine
from pipelines.shapes import ReadResult, empty_rejected
from pipelines.sources.registry import all_measures


def figure_identity_columns() -> list[str]:
    """The budget-line columns that make two lines one figure, read from the parameters of the SQL macro
    staging.figure_identity (sql/staging/budget_lines.sql), so reader tests follow the rule the warehouse applies.
    source_format, account_title and line_item_title are left out: the macro uses them only for the Green Book's
    labelled lines."""
    sql = (REPO_ROOT / "sql" / "staging" / "budget_lines.sql").read_text(encoding="utf-8")
    match = re.search(r"MACRO staging\.figure_identity\((.*?)\)\s+AS", sql, re.S)
    assert match, "staging.figure_identity not found in sql/staging/budget_lines.sql"
    names = [name.strip() for name in match.group(1).split(",")]
    return [name for name in names if name not in {"source_format", "account_title", "line_item_title"}]


def nation_codes() -> list[str]:
    return pl.read_csv(REPO_ROOT / "data_raw" / "reference" / "nations.csv", infer_schema=False)["code"].to_list()


def contract_rejections(result: ReadResult, measures: dict[str, str] | None = None) -> pl.DataFrame:
    """The lines of a reader's output that break the BudgetLine contract: empty when every line passes.

    `measures`: the measures allowed (default: every registered reader's MEASURES)."""
    allowed = list(measures if measures is not None else all_measures())
    schema = bind_references(BudgetLine, {"nations": nation_codes(), "measures": allowed})
    checked = apply_contract(
        result.lines,
        empty_rejected(),
        schema,
        "reader output",
        unique=BudgetLine.Config.unique,
        row_column="row",
        sheet_column="sheet",
    )
    return checked.rejected
