"""The shipped starter data: described, sourced row by row, consistent with its contracts, and true to SIPRI."""

from __future__ import annotations

import csv
import importlib.util
import json

import duckdb
import polars as pl
import pytest

from pipelines.assets.inputs import INPUTS
from pipelines.nations import default_names
from pipelines.paths import REPO_ROOT
from pipelines.schemas import CONTRACTS
from pipelines.shapes import BUDGET_LINE_COLUMNS, SPACE_OBJECT_COLUMNS
from pipelines.sources import extracts, object_extracts
from pipelines.sources.sipri import SOURCE as SIPRI
from pipelines.warehouse import sql_text
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
    con.execute(sql_text("staging", name))
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


STARTER_NATIONS = {
    "USA", "CHN", "RUS", "GBR", "FRA", "DEU", "JPN", "IND", "AUS", "BHR", "BRA", "CAN", "COL", "ISR", "ITA", "KOR",
    "LUX", "MEX", "NZL", "POL", "ROU", "SGP", "UKR", "ARE",
}  # fmt: skip
#: Each shipped extract, the script that makes it, and the published files it reads.
EXTRACTS = {
    "sipri_milex": ("extract_sipri_starter", ["sipri/SIPRI-Milex-data-1949-2024_2.xlsx"]),
    "worldbank_milex_share_of_gdp": (
        "extract_worldbank_starter",
        ["worldbank/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip"],
    ),
    "dod_space_lines": ("extract_dod_space_starter", [f"dod/fy2019_exhibits/{n}.xlsx" for n in ("R-1", "P-1", "O-1")]),
    "space_military_objects": (
        "extract_space_starter",
        [
            *(f"space/ucs/UCS-Satellite-Database-{d}" for d in ("8-1-2020.xls", "9-1-2021.xls", "5-1-2022.xls")),
            "space/ucs/UCS-Satellite-Database-1-1-2023.csv",
            "space/gcat/psatcat_2025-04-13.tsv",
        ],
    ),
}
#: The extracts of space objects (pipelines/sources/object_extracts.py); the others are budget lines.
OBJECT_EXTRACTS = {"space_military_objects"}
LINES = DATA_RAW / "starter" / "lines"


def _extract(name: str) -> pl.DataFrame:
    if name in OBJECT_EXTRACTS:
        shown = f"data_raw/starter/lines/{name}.csv"
        return object_extracts.read(LINES / f"{name}.csv", shown, default_names()).objects
    return extracts.read(LINES / f"{name}.csv", f"data_raw/starter/lines/{name}.csv", default_names()).lines


def _script(module: str):
    spec = importlib.util.spec_from_file_location(module, REPO_ROOT / "scripts" / f"{module}.py")
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


def test_the_starter_extracts_are_described_in_their_declared_shape():
    package = json.loads((LINES / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in package["resources"]} == set(EXTRACTS) == {p.stem for p in LINES.glob("*.csv")}
    for resource in package["resources"]:
        fields = resource["schema"]["fields"]
        shape = SPACE_OBJECT_COLUMNS if resource["name"] in OBJECT_EXTRACTS else BUDGET_LINE_COLUMNS
        assert [(f["name"], f["description"]) for f in fields] == [
            (name, column.description) for name, column in shape.items()
        ]
        assert resource["sources"][0]["path"].startswith("https://")
        assert resource["rows"] == _extract(resource["name"]).height


def test_the_sipri_extract_covers_the_nations_years_and_sheets_asked_for():
    lines = _extract("sipri_milex")
    assert set(lines["entity_code"]) == STARTER_NATIONS
    assert set(lines["period"]) == set(range(2000, 2025))
    assert set(lines["source_format"]) == {"sipri_milex"} and set(lines["source"]) == {SIPRI}
    assert set(lines["measure"]) >= {
        "milex_current_usd", "milex_constant_usd", "milex_share_of_gdp", "milex_per_capita_usd",
        "milex_share_of_government_spending", "milex_local_currency",
    }  # fmt: skip
    # every line says where in the workbook its reader read it
    assert lines["extracted_from"].str.starts_with("SIPRI-Milex-data-1949-2024_2.xlsx, sheet '").all()


def test_headline_figures_typed_from_sipri():
    """Values in ../shared/reference/headline_figures.md (current US$ billions, read from the SIPRI 2025 release)."""
    lines = _extract("sipri_milex")
    current = {
        (code, year): value
        for code, year, value in lines.filter(pl.col("measure") == "milex_current_usd")
        .select("entity_code", "period", "value")
        .iter_rows()
    }
    expected = {
        ("GBR", 2024): 81.76,
        ("CHN", 2015): 196.54,
        ("RUS", 2022): 102.37,
        ("JPN", 2022): 43.20,
        ("IND", 2019): 71.47,
        ("FRA", 2021): 58.73,
        ("USA", 2024): 997.31,
        ("DEU", 2024): 88.46,
    }
    for (nation, year), billions in expected.items():
        assert round(current[(nation, year)] / 1000, 2) == billions, (nation, year)
    china = lines.filter((pl.col("entity_code") == "CHN") & (pl.col("period") == 2024))
    assert china.filter(pl.col("measure") == "milex_current_usd")["is_estimate"].to_list() == [True]
    usa = lines.filter((pl.col("entity_code") == "USA") & (pl.col("period") == 2024))
    assert round(usa.filter(pl.col("measure") == "milex_share_of_gdp")["value"].item(), 4) == 3.4192


@pytest.mark.parametrize("name", sorted(EXTRACTS))
def test_each_starter_extract_is_exactly_what_its_reader_makes_of_the_published_files(name):
    module, files = EXTRACTS[name]
    paths = [shared_file(f) for f in files]
    script = _script(module)
    lines = script.extract(paths[0]) if len(paths) == 1 else script.extract(paths)
    shipped = (LINES / f"{name}.csv").read_text(encoding="utf-8")
    shape = "space_object" if name in OBJECT_EXTRACTS else "budget_line"
    assert _script("starter_extract").csv_text(lines, shape) == shipped


def test_the_dod_extract_holds_the_space_lines_and_only_them():
    lines = _extract("dod_space_lines")
    assert lines["is_space"].all()
    assert set(lines["source"]) == {f"US DoD Comptroller, budget exhibit {x}" for x in ("R-1", "P-1", "O-1")}
    fy2019 = lines.filter(
        (pl.col("period") == 2019) & (pl.col("source_column").str.starts_with("FY 2019 Total")) & ~pl.col("is_memo")
    )
    by_title = dict(fy2019.group_by("appropriation_title").agg(pl.col("value").sum() / 1000).iter_rows())
    assert round(by_title["procurement"], 1) == 2527.5 and round(by_title["operation and maintenance"], 1) == 627.2


@pytest.mark.parametrize("name", ["us_budget_lines", "space_budgets"])
def test_every_curated_row_cites_an_address_and_says_whether_its_source_is_primary(name):
    rows = _rows("starter", name)
    assert all(r["source_url"].startswith(("https://", "http://")) for r in rows)
    assert {r["source_kind"] for r in rows} <= {"primary", "secondary"}
    for row in rows:
        assert bool(row["secondary_reason"].strip()) == (row["source_kind"] == "secondary"), row["source"]


def test_the_department_totals_cite_the_comptrollers_budget_materials():
    """The DoD requests (the headline scope) cite the Comptroller's own budget overview, not news reports."""
    rows = [r for r in _rows("starter", "us_budget_lines") if r["organization"] == "DoD" and r["phase"] == "request"]
    headline = [r for r in rows if r["is_headline_scope"] == "true"]
    assert headline and all(r["source_kind"] == "primary" for r in headline)
    assert all("comptroller.defense.gov" in r["source_url"] or "crsreports" in r["source_url"] for r in headline)


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


def test_the_space_extract_holds_military_satellites_with_where_each_was_read():
    objects = _extract("space_military_objects")
    assert objects["is_military"].all()
    assert set(objects["source_format"]) == {"ucs_satellites", "gcat_payloads"}
    ucs = objects.filter(pl.col("source_format") == "ucs_satellites")
    # data README: users exactly "Military" in the four editions, 358 / 402 / 424 / 444
    exactly = ucs.filter(pl.col("users") == "Military").group_by("edition_date").len().sort("edition_date")
    assert exactly["len"].to_list() == [358, 402, 424, 444]
    # 1HOPSAT-TD is commercial (row 2 of every edition): not in the extract; NRO's Advanced Orion 10 is
    [orion] = ucs.filter((pl.col("norad_id") == 47237) & (pl.col("edition_date") == pl.date(2022, 12, 28))).iter_rows(
        named=True
    )
    assert orion["extracted_from"] == "UCS-Satellite-Database-1-1-2023.csv, row 13"
    assert (orion["operator_code"], orion["cospar_id"]) == ("USA", "2020-095A")
    assert ucs.filter(pl.col("norad_id") == 44859).is_empty()
