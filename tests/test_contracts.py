"""The Pandera contracts, rule by rule, on small frames: what passes, what is rejected and how it is reported."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.errors import InputFileError
from pipelines.quality import apply_contract, bind_references
from pipelines.schemas import MilitaryExpenditure, UsBudgetLine
from pipelines.sources.described_csv import ParsedFile, empty_rejected

NATIONS = {"nations": ["USA", "FRA"]}


def milex(**overrides) -> dict:
    row = {
        "nation_iso3": "USA",
        "year": 2024,
        "measure": "current_usd",
        "value": 997309.0,
        "unit": "US$ millions, current prices and exchange rates",
        "is_estimate": False,
        "is_highly_uncertain": False,
        "missing_marker": None,
        "source": "SIPRI",
        "source_url": None,
        "source_row": 2,
    }
    row.update(overrides)
    return row


def check(model, rows: list[dict]):
    frame = pl.DataFrame(rows, schema=_schema(model))
    parsed = ParsedFile(frame=frame, rejected=empty_rejected(), sha256="", rows_read=frame.height)
    return apply_contract(parsed, bind_references(model, NATIONS), "f.csv", unique=model.Config.unique)


def _schema(model) -> dict:
    schema = model.to_schema()
    return {name: column.dtype.type for name, column in schema.columns.items()}


def test_a_good_row_passes():
    result = check(MilitaryExpenditure, [milex()])
    assert result.valid.height == 1 and result.rejected.height == 0


@pytest.mark.parametrize(
    "override, column, rule",
    [
        ({"value": -1.0}, "value", "greater_than_or_equal_to(0)"),
        ({"nation_iso3": "XYZ"}, "nation_iso3", "listed in data_raw/reference/nations.csv"),
        ({"year": 1900}, "year", "greater_than_or_equal_to(1949)"),
        (
            {"measure": "per_head"},
            "measure",
            "isin(['current_usd', 'constant_usd', 'share_of_gdp', 'share_of_government_spending', 'per_capita_usd', "
            "'local_currency'])",
        ),
        ({"value": None}, "value, missing_marker", "value is empty exactly when missing_marker says why"),
        (
            {"measure": "share_of_gdp", "unit": "percent of GDP", "value": 120.0},
            "measure, value",
            "a share is a percentage, at most 100",
        ),
        ({"measure": "constant_usd"}, "measure, unit", "unit agrees with measure"),
    ],
)
def test_each_rule_rejects_its_row_and_says_which(override, column, rule):
    bad = milex(**{"nation_iso3": "FRA", "source_row": 3, **override})
    result = check(MilitaryExpenditure, [milex(), bad])
    assert result.valid.get_column("source_row").to_list() == [2]
    assert set(result.rejected.get_column("row")) == {3}
    assert (3, column, rule) in result.rejected.select("row", "column", "rule").rows()


def test_duplicate_keys_reject_every_copy():
    result = check(MilitaryExpenditure, [milex(), milex(source_row=3, value=1.0), milex(year=2023, source_row=4)])
    assert result.valid.get_column("source_row").to_list() == [4]
    assert result.rejected.get_column("row").to_list() == [2, 3]
    assert set(result.rejected.get_column("value")) == {"nation_iso3=USA; year=2024; measure=current_usd"}


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
        "source_url": None,
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
    frame = pl.DataFrame([milex()]).drop("unit")
    parsed = ParsedFile(frame=frame, rejected=empty_rejected(), sha256="", rows_read=1)
    with pytest.raises(InputFileError, match="Cannot read file f.csv"):
        apply_contract(parsed, bind_references(MilitaryExpenditure, NATIONS), "f.csv")
