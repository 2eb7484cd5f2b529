"""The shipped starter data: described, sourced row by row, consistent with its contracts, and true to SIPRI."""

from __future__ import annotations

import csv
import importlib.util
import json

import duckdb
import pytest

from pipelines.assets.inputs import INPUTS
from pipelines.paths import REPO_ROOT, SQL_DIR
from pipelines.schemas import CONTRACTS
from tests.conftest import query, shared_file

DATA_RAW = REPO_ROOT / "data_raw"


def _descriptor(package: str) -> dict:
    return json.loads((DATA_RAW / package / "datapackage.json").read_text(encoding="utf-8"))


def _rows(package: str, name: str) -> list[dict]:
    with (DATA_RAW / package / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_data_packages_list_exactly_the_shipped_files():
    described = {(p, r["name"]) for p in ("reference", "starter") for r in _descriptor(p)["resources"]}
    assert described == set(INPUTS)
    files = {(p, f.stem) for p in ("reference", "starter") for f in (DATA_RAW / p).glob("*.csv")}
    assert files == set(INPUTS)


@pytest.mark.parametrize("package, name", INPUTS)
def test_descriptor_contract_and_staging_table_agree_on_columns(package, name):
    resource = next(r for r in _descriptor(package)["resources"] if r["name"] == name)
    described = [f["name"] for f in resource["schema"]["fields"]]
    contract = set(CONTRACTS[name].to_schema().columns)
    assert set(described) | {"source_row"} == contract
    assert list(csv.reader((DATA_RAW / package / resource["path"]).open(encoding="utf-8")))[0] == described
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging")
    con.execute((SQL_DIR / "staging" / f"{name}.sql").read_text())
    staged = {r[0] for r in con.execute(f"DESCRIBE staging.{name}").fetchall()}
    assert staged == contract | {"source_file"}
    for field in resource["schema"]["fields"]:
        assert field.get("description"), (name, field["name"])


@pytest.mark.parametrize("package, name", INPUTS)
def test_every_row_names_its_source(package, name):
    """Figures and facts name their source; the lexicon, written for milspace, gives each term its rationale."""
    rows = _rows(package, name)
    column = "source" if "source" in rows[0] else "rationale"
    assert rows and all(row[column].strip() for row in rows)


def test_military_expenditure_covers_the_nations_years_and_measures_asked_for():
    rows = _rows("starter", "military_expenditure")
    nations = {r["nation_iso3"] for r in rows}
    assert nations == {
        "USA",
        "CHN",
        "RUS",
        "GBR",
        "FRA",
        "DEU",
        "JPN",
        "IND",
        "AUS",
        "BHR",
        "BRA",
        "CAN",
        "COL",
        "ISR",
        "ITA",
        "KOR",
        "LUX",
        "MEX",
        "NZL",
        "POL",
        "ROU",
        "SGP",
        "UKR",
        "ARE",
    }
    assert {int(r["year"]) for r in rows} == set(range(2000, 2025))
    assert len(rows) == 24 * 25 * 6  # six measures
    assert all("SIPRI" in r["source"] and "2025" in r["source"] for r in rows)


def test_headline_figures_typed_from_sipri():
    """Values in ../shared/reference/headline_figures.md (current US$ billions, read from the SIPRI 2025 release)."""
    rows = {(r["nation_iso3"], r["year"], r["measure"]): r for r in _rows("starter", "military_expenditure")}
    expected = {
        ("GBR", "2024"): 81.76,
        ("CHN", "2015"): 196.54,
        ("RUS", "2022"): 102.37,
        ("JPN", "2022"): 43.20,
        ("IND", "2019"): 71.47,
        ("FRA", "2021"): 58.73,
        ("USA", "2024"): 997.31,
        ("DEU", "2024"): 88.46,
    }
    for (nation, year), billions in expected.items():
        assert round(float(rows[(nation, year, "current_usd")]["value"]) / 1000, 2) == billions, (nation, year)
    assert rows[("CHN", "2024", "current_usd")]["is_estimate"] == "true"
    assert rows[("USA", "2024", "share_of_gdp")]["value"] == "3.4192"


def test_starter_military_expenditure_is_exactly_what_the_sipri_workbook_says():
    workbook = shared_file("sipri/SIPRI-Milex-data-1949-2024_2.xlsx")
    spec = importlib.util.spec_from_file_location("extract", REPO_ROOT / "scripts" / "extract_sipri_starter.py")
    extract = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(extract)
    from_workbook = [{k: str(v) for k, v in row.items()} for row in extract.extract(workbook)]
    shipped = _rows("starter", "military_expenditure")
    assert shipped == from_workbook


def test_strategy_register_has_enough_documents_and_nations(built):
    [(documents, nations)] = query(
        built.layout, "select count(*), count(distinct nation_code) from marts.strategy_register"
    )
    assert documents >= 12 and nations >= 6
    kinds = {k for (k,) in query(built.layout, "select distinct kind from marts.strategy_register")}
    assert {"defense_strategy", "white_paper", "space_strategy", "doctrine"} <= kinds
    [(with_money,)] = query(built.layout, "select count(*) from marts.strategy_register where commitments > 0")
    assert with_money >= 8


def test_space_budgets_cover_several_nations_by_category(built):
    rows = query(built.layout, "select entity_code, category from marts.space_budgets")
    nations = {code for code, _ in rows if len(code) == 3 and code != "WLD"}
    assert len(nations) >= 6
    assert {c for _, c in rows} >= {"civil", "military", "mixed"}
