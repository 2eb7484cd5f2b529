"""The Pandera contracts, rule by rule, on small frames: what passes, what is rejected and how it is reported."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.errors import InputFileError
from pipelines.intake.contract import apply_contract, bind_references
from pipelines.schemas import SECONDARY_RULE, SpaceBudget, UsBudgetLine
from pipelines.shapes import empty_rejected

NATIONS = {"nations": ["USA", "FRA"]}


def space(**overrides) -> dict:
    row = {
        "entity_code": "USA",
        "programme": "NASA",
        "period": "FY2023",
        "year_start": 2023,
        "year_end": 2023,
        "category": "civil",
        "phase": "enacted",
        "amount_millions": 25383.7,
        "currency": "USD",
        "usd_millions": 25383.7,
        "is_estimate": False,
        "is_lower_bound": False,
        "note": None,
        "source": "Consolidated Appropriations Act, 2023",
        "source_url": "https://www.congress.gov/bill/117th-congress/house-bill/2617",
        "source_kind": "primary",
        "secondary_reason": None,
        "source_row": 2,
    }
    row.update(overrides)
    return row


def check(model, rows: list[dict]):
    frame = pl.DataFrame(rows, schema=_schema(model))
    return apply_contract(frame, empty_rejected(), bind_references(model, NATIONS), "f.csv", unique=model.Config.unique)


def _schema(model) -> dict:
    schema = model.to_schema()
    return {name: column.dtype.type for name, column in schema.columns.items()}


def test_a_good_row_passes():
    result = check(SpaceBudget, [space()])
    assert result.valid.height == 1 and result.rejected.height == 0


@pytest.mark.parametrize(
    "override, column, rule",
    [
        ({"amount_millions": -1.0}, "amount_millions", "greater_than_or_equal_to(0)"),
        ({"entity_code": "XYZ"}, "entity_code", "listed in data_raw/reference/nations.csv"),
        ({"year_start": 1900}, "year_start", "greater_than_or_equal_to(1957)"),
        ({"category": "secret"}, "category", "isin(['civil', 'military', 'mixed', 'not_split'])"),
        ({"currency": "dollars"}, "currency", "str_matches('^[A-Z]{3}$')"),
        ({"year_end": 2020}, "year_start, year_end", "year_end is not before year_start"),
        ({"source_url": "spacenews"}, "source_url", "str_matches('^https?://')"),
        ({"source_kind": "secondary"}, "source_kind, secondary_reason", SECONDARY_RULE),
        ({"secondary_reason": "because"}, "source_kind, secondary_reason", SECONDARY_RULE),
    ],
)
def test_each_rule_rejects_its_row_and_says_which(override, column, rule):
    bad = space(**{"entity_code": "FRA", "source_row": 3, **override})
    result = check(SpaceBudget, [space(), bad])
    assert result.valid.get_column("source_row").to_list() == [2]
    assert set(result.rejected.get_column("row")) == {3}
    assert (3, column, rule) in result.rejected.select("row", "column", "rule").rows()


def test_a_secondary_source_that_says_why_passes():
    row = space(source_kind="secondary", secondary_reason="China publishes no space budget", entity_code="FRA")
    assert check(SpaceBudget, [row]).valid.height == 1


def test_duplicate_keys_reject_every_copy():
    result = check(
        SpaceBudget, [space(), space(source_row=3, amount_millions=1.0), space(phase="request", source_row=4)]
    )
    assert result.valid.get_column("source_row").to_list() == [4]
    assert result.rejected.get_column("row").to_list() == [2, 3]
    [value] = set(result.rejected.get_column("value"))
    assert value.startswith("entity_code=USA; programme=NASA; period=FY2023; category=civil; phase=enacted; s")


def test_two_headline_totals_for_one_year_are_both_rejected():
    base = {
        "fiscal_year": 2023,
        "organization": "DoD",
        "phase": "request",
        "appropriation_title": "total",
        "amount_usd_millions": 773000.0,
        "is_headline_scope": True,
        "note": None,
        "source": "DoD",
        "source_url": "https://comptroller.defense.gov/Budget-Materials/Budget2023/",
        "source_kind": "primary",
        "secondary_reason": None,
    }
    rows = [
        {**base, "scope": "DoD (051)", "source_row": 2},
        {**base, "scope": "national defense (050)", "amount_usd_millions": 813300.0, "source_row": 3},
        {**base, "scope": "x", "fiscal_year": 2024, "source_row": 4},
    ]
    result = check(UsBudgetLine, rows)
    assert result.valid.get_column("source_row").to_list() == [4]
    assert set(result.rejected.get_column("rule")) == {
        "at most one headline-scope total per fiscal_year, organization and phase"
    }


def test_a_frame_missing_a_column_is_a_file_error_not_a_row_error():
    frame = pl.DataFrame([space()]).drop("currency")
    with pytest.raises(InputFileError, match="Cannot read file f.csv"):
        apply_contract(frame, empty_rejected(), bind_references(SpaceBudget, NATIONS), "f.csv")
