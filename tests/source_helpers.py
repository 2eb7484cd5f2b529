"""Helpers for reader tests: check a reader's output against the BudgetLine contract."""

from __future__ import annotations

import polars as pl

from pipelines.intake.contract import apply_contract, bind_references
from pipelines.paths import REPO_ROOT
from pipelines.schemas import BudgetLine
from pipelines.shapes import ReadResult, empty_rejected
from pipelines.sources.registry import all_measures


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
