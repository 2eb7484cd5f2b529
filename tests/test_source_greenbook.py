"""US DoD Comptroller Green Book (National Defense Budget Estimates, FY 2022): the real chapter workbooks in
../shared/data and small synthetic workbooks in the Green Book layout.

Expected values were read by hand from the real files (openpyxl, cell named next to each value)."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pipelines.errors import InputFileError
from pipelines.sources import greenbook
from pipelines.sources.budget_lines import default_names
from pipelines.sources.probe import Probe
from tests.conftest import SHARED_DATA, shared_file
from tests.source_helpers import contract_rejections

BOOK = "dod/greenbook_fy2022"
CHAPTER_6 = f"{BOOK}/FY22 PB Green Book Chap 6"
CHAPTERS = [f"{BOOK}/FY22 PB Green Book Chap {n}.xlsx" for n in (1, 2, 3, 4, 5, 7)]
TABLES_6 = [f"{CHAPTER_6}/FY22 PB Green Book Table 6-{n}.xlsx" for n in range(1, 27)]
OTHER_FORMATS = [
    "sipri/SIPRI-Milex-data-1949-2024_2.xlsx",
    "sipri/SIPRI-Milex-data-2017-2025.xlsx",
    "worldbank/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip",
    "worldbank/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.csv",
    "owid/military-spending-as-a-share-of-gdp-sipri.csv",
    "nato/240617-def-exp-2024-TABLES-en.xlsx",
    "dod/fy2019_exhibits/M-1.xlsx",
    "dod/fy2019_exhibits/O-1.xlsx",
    "dod/fy2019_exhibits/P-1.xlsx",
    "dod/fy2019_exhibits/P-1R.xlsx",
    "dod/fy2019_exhibits/R-1.xlsx",
    "dod/fy2019_exhibits/RF-1.xlsx",
    "strategy/2018-01-19-national-defense-strategy-2018-summary.md",
]


def read(path: Path, shown: str = "greenbook.xlsx"):
    return greenbook.read(path, shown, default_names())


@pytest.fixture(scope="module")
def results():
    """Every real Green Book file read once: relative path -> ReadResult."""
    return {relative: read(shared_file(relative), Path(relative).name) for relative in CHAPTERS + TABLES_6}


def line(result, sheet: str, row: int, column: str) -> dict:
    found = result.lines.filter(
        (pl.col("sheet") == sheet) & (pl.col("row") == row) & (pl.col("source_column") == column)
    )
    assert found.height == 1, f"{sheet} row {row} {column!r}: {found.height} lines"
    return found.row(0, named=True)


# --- real files --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("relative", CHAPTERS + TABLES_6)
def test_every_real_file_meets_the_contract(results, relative):
    result = results[relative]
    assert result.source_format == greenbook.FORMAT
    assert result.edition == "FY 2022 President's Budget"
    assert contract_rejections(result, measures=greenbook.MEASURES).height == 0
    assert result.rejected.height == 0


def test_table_1_1_national_defense_budget_authority(results):
    result = results[CHAPTERS[0]]
    common = {"period": 2022, "phase": "request", "measure": "budget_authority", "price_basis": "current"}
    discretionary = line(result, "1-1", 7, "FY 2022")  # sheet 1-1, cell I7
    assert discretionary["value"] == 715000
    assert discretionary["category"] == "051 Department of Defense-Military, discretionary"
    assert discretionary["line_item_title"] == "Department of Defense (Discretionary)"  # E7, dot leader removed
    assert {k: discretionary[k] for k in common} == common
    dod = line(result, "1-1", 9, "FY 2022")  # I9: 051 - Total Department of Defense (DoD Record)
    national = line(result, "1-1", 13, "FY 2022")  # I13: "050 - Total National Defense2  ....."
    assert (dod["value"], dod["category"], dod["is_total"]) == (727880, "051 Department of Defense-Military", True)
    assert (national["value"], national["category"], national["is_total"]) == (768281, "050 National Defense", True)
    assert national["line_item_title"] == "050 - Total National Defense"
    assert national["footnotes"].startswith("From OMB Historical Table 3.2")  # footnote 2, cell A42
    assert (dod["unit_factor"], dod["currency"], dod["entity_code"], dod["fiscal_year_start_month"]) == (
        1e6,
        "USD",
        "USA",
        10,
    )
    scoring = line(result, "1-1", 10, "FY 2022")  # E10 "Scoring and Rounding1", I10 = 13
    assert scoring["value"] == 13 and scoring["footnotes"].startswith("DoD is reporting funding transactions")
    # row 14 "Total Obligational Authority" heading; I15 = 715115 in the current-dollar block
    toa = line(result, "1-1", 15, "FY 2022")
    assert (toa["measure"], toa["value"]) == ("total_obligational_authority", 715115)
    # C22 "FY 2022 Constant Dollars"; row 24 is BA discretionary again, G24 = 752699 for FY 2020
    constant = line(result, "1-1", 24, "FY 2020")
    assert (constant["price_basis"], constant["value"], constant["phase"]) == ("constant_2022", 752699, "actual")


def test_table_1_2_sub_columns_give_funding_type_and_totals(results):
    result = results[CHAPTERS[0]]
    war = line(result, "1-2", 7, "FY 2022 / Direct War1")  # K7 = 400, header K5 "Direct War1"
    total = line(result, "1-2", 7, "FY 2022 / Total")  # M7 = 157948
    assert (war["value"], war["funding_type"], war["is_total"]) == (400, "oco", False)
    assert war["footnotes"].startswith("FY 2020 amounts include war and supplemental funding")  # footnote 1, A39
    assert (total["value"], total["funding_type"], total["is_total"]) == (157948, "total", True)
    assert war["appropriation_title"] == "Military Personnel (No MERHFC)"
    assert war["category"] == "051 Department of Defense-Military, discretionary"  # group heading B6


def test_by_public_law_title_in_constant_dollars(results):
    result = results[f"{CHAPTER_6}/FY22 PB Green Book Table 6-8.xlsx"]
    # sheet 6-8: A17 "FY 2022 Constant Dollars", A18 "Military Personnel ....", BY5 "FY 2021", BY18 = 176458
    military = line(result, "6-8", 18, "FY 2021")
    assert military["value"] == 176458
    assert (military["appropriation_title"], military["organization"]) == (
        "Military Personnel",
        "Department of Defense",
    )
    assert (military["price_basis"], military["phase"], military["unit"]) == (
        "constant_2022",
        "enacted",
        "US$ millions, constant FY 2022 prices",
    )
    assert line(result, "6-8", 27, "FY 2022")["value"] == 727880  # BZ27 "Total Constant Dollars"


def test_by_military_department(results):
    result = results[f"{CHAPTER_6}/FY22 PB Green Book Table 6-10.xlsx"]
    army = line(result, "6-10", 7, "FY 2022")  # A7 "Army  .....", BZ7 = 172611
    assert (army["value"], army["organization"], army["measure"]) == (172611, "Army", "budget_authority")
    growth = line(result, "6-10", 21, "FY 2021")  # "Percent Real Growth (%)" block, A21 Air Force, BY21 = -2.5
    assert (growth["value"], growth["measure"], growth["price_basis"]) == (
        -2.5,
        "budget_authority_real_growth_pct",
        None,
    )


def test_chapter_6_toa_total_and_space_force_account(results):
    total = line(results[TABLES_6[0]], "6-1", 16, "FY 2022")  # Table 6-1, B16 "Total Current Dollars", BZ16
    assert (total["value"], total["is_total"], total["measure"]) == (715115, True, "total_obligational_authority")
    table_6_6 = results[f"{CHAPTER_6}/FY22 PB Green Book Table 6-6.xlsx"]
    space = line(table_6_6, "proc_rdte", 26, "TOA / FY 2022")  # A26 "Procurement, Space Force", D5 "TOA", F26
    assert (space["value"], space["is_space"], space["appropriation_title"]) == (2767, True, "Procurement")
    outlays = line(table_6_6, "proc_rdte", 26, "Outlays / FY 2022")  # L26 = 1122
    assert (outlays["value"], outlays["measure"]) == (1122, "outlays")


def test_chapter_5_deflators_and_rates(results):
    result = results[CHAPTERS[4]]
    # sheet 5-6: "DEFLATORS - BUDGET AUTHORITY BY PUBLIC LAW TITLE", "(Base Year = 2022)", A46 "2010  ....", C46
    deflator = line(result, "5-6", 46, "Military Personnel")
    assert (deflator["value"], deflator["period"], deflator["measure"]) == (79.58, 2010, "budget_authority_deflator")
    assert (deflator["unit"], deflator["price_basis"], deflator["appropriation_title"]) == (
        "index, FY 2022 = 100",
        None,
        "Military Personnel",
    )
    # sheet 5-2: B7 "Military Pay Raise", H5 "FY 2023", H7 "Not available."
    missing = line(result, "5-2", 7, "FY 2023")
    assert (missing["value"], missing["missing_marker"], missing["phase"]) == (None, "Not available.", "projection")
    other = line(result, "5-2", 13, "FY 2022")  # B13 "Other Purchases" + C14 "(Excludes Pay, Fuel and Medical)"
    assert (other["value"], other["line_item_title"]) == (1.8, "Other Purchases (Excludes Pay, Fuel and Medical)")


def test_table_2_1_year_headings_departments_and_endnotes(results):
    result = results[CHAPTERS[1]]
    # sheet "4": A7 "Total Dept of Defense (Continued)", B22 "FY 2022", C24 "Direct War35", F6 "O&M", F24 = 12078
    direct_war = line(result, "4", 24, "O&M")
    assert (direct_war["value"], direct_war["period"], direct_war["funding_type"]) == (12078, 2022, "oco")
    assert (direct_war["organization"], direct_war["appropriation_title"]) == ("Department of Defense", "O&M")
    # endnote 35 is on sheet "Endnotes (2)", B14
    assert direct_war["footnotes"] == "Direct War request, included in the FY 2022 base budget request."
    army = line(result, "4", 29, "Total")  # A27 "Army", B28 "FY 2001", C29 "Base", L29 = 75191
    assert (army["value"], army["organization"], army["period"], army["funding_type"]) == (75191, "Army", 2001, "base")
    assert result.lines.filter((pl.col("sheet") == "3") & (pl.col("row") == 18)).height == 0  # "FY 2015" + a zero


def test_reconciliations_pass_except_the_constant_dollar_omb_records(results):
    for relative, result in results.items():
        failed = result.reconciliations.filter(~pl.col("passed"))
        if relative != CHAPTERS[0]:
            assert failed.height == 0, failed.rows()
    chapter_1 = results[CHAPTERS[0]].reconciliations
    failed = chapter_1.filter(~pl.col("passed")).sort("sheet", "row", "stated")
    # 1-2 (3) F20/I20 (OMB record, constant $) vs F19/I19 (DoD record); 1-3 (3) F35/I35 vs F34/I34
    assert failed.select("sheet", "row", "stated", "computed").rows() == [
        ("1-2 (3)", 20, 716693.0, 719784.0),
        ("1-2 (3)", 20, 748991.0, 752699.0),
        ("1-3 (3)", 35, 8729.0, 8793.0),
        ("1-3 (3)", 35, 10502.0, 10457.0),
    ]
    assert any("OMB's own figure deflated" in note for note in results[CHAPTERS[0]].notes)
    # Table 6-6 milpers: D31 "Total Military Personnel (No MERHFC)" = 146333 sums the accounts without the
    # interleaved MERHFC accounts; D32 sums only those (7817)
    milpers = results[f"{CHAPTER_6}/FY22 PB Green Book Table 6-6.xlsx"].reconciliations.filter(
        (pl.col("sheet") == "milpers") & pl.col("check").str.contains("TOA / FY 2020")
    )
    assert milpers.select("row", "stated", "passed").sort("row").rows() == [
        (31, 146333.0, True),
        (32, 7817.0, True),
        (33, 154150.0, True),
    ]


def test_skipped_tables_are_named_in_the_notes(results):
    chapter_3 = results[CHAPTERS[2]]
    assert chapter_3.lines.height == 0
    assert any("Table 3-1 reconciles authorization" in n for n in chapter_3.notes)
    assert any("Table 3-2 names no budget measure" in n for n in chapter_3.notes)
    assert any("Table 1-7 compares past budget submissions" in n for n in results[CHAPTERS[0]].notes)


# --- detection ---------------------------------------------------------------------------------------------


def sniffs(path: Path) -> bool:
    probe = Probe(path, path.name)
    try:
        return greenbook.sniff(probe)
    finally:
        probe.close()


def test_sniff_takes_every_green_book_file():
    assert all(sniffs(shared_file(relative)) for relative in CHAPTERS + TABLES_6)


@pytest.mark.parametrize("relative", OTHER_FORMATS)
def test_sniff_refuses_other_formats(relative):
    assert not sniffs(shared_file(relative))


def test_sniff_refuses_a_binary_and_an_empty_file(tmp_path):
    (tmp_path / "random.bin").write_bytes(os.urandom(4096))
    (tmp_path / "empty.xlsx").write_bytes(b"")
    assert not sniffs(tmp_path / "random.bin")
    assert not sniffs(tmp_path / "empty.xlsx")


def test_a_truncated_file_is_a_clear_error(tmp_path):
    data = shared_file(CHAPTERS[0]).read_bytes()
    path = tmp_path / "chap1.xlsx"
    path.write_bytes(data[: len(data) // 2])
    assert not sniffs(path)
    with pytest.raises(InputFileError, match="chap1-truncated.xlsx"):
        read(path, "chap1-truncated.xlsx")


def test_a_sheet_removed_from_a_real_chapter_still_reads(tmp_path):
    workbook = openpyxl.load_workbook(shared_file(CHAPTERS[0]))
    for name in ("1-2", "1-2 (2)", "1-3"):
        del workbook[name]
    workbook.save(tmp_path / "chap1.xlsx")
    result = read(tmp_path / "chap1.xlsx")
    assert set(result.lines["sheet"]) == {"1-1", "1-2 (3)", "1-2 (4)", "1-3 (2)", "1-3 (3)", "1-3 (4)", "1-4", "1-5"}
    assert line(result, "1-1", 7, "FY 2022")["value"] == 715000


# --- synthetic workbooks -----------------------------------------------------------------------------------


def workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_blocks_in_another_order_numeric_years_and_glued_footnotes(tmp_path):
    path = workbook(
        tmp_path / "gb.xlsx",
        {
            "6-8": [
                ["Table 6-8:  DEPARTMENT OF DEFENSE BUDGET AUTHORITY BY PUBLIC LAW TITLE"],
                ["(Dollars in Millions)"],
                [],
                ["Public Law Title", None, None, 2021, 2022.0, 2023],
                ["Percent Real Growth (%)"],
                ["Military Personnel  ......", None, None, 1.5, 2.0, -0.5],
                ["Constant FY 2022 Dollars"],
                ["Military Personnel  ......", None, None, 170000, 167285, 166000],
                ["Procurement........1/", None, None, 140000, 133640, 130000],
                [None, "Total Constant Dollars  ....", None, 310000, 300925, 296000],
                ["Current Dollars"],
                ["Military Personnel", None, None, 162270, 167285, 170000],
                ["RDT&E", None, None, 100, 200, 300],
                ["Total Current Dollars 2", None, None, 162370, 167495, 170300],
                [],
                ["1/  Includes the procurement of one ship."],
                ["2.  Restated."],
            ]
        },
    )
    result = read(path)
    assert contract_rejections(result, measures=greenbook.MEASURES).height == 0
    assert result.edition == "FY 2022 President's Budget"  # from "Constant FY 2022 Dollars"
    growth = line(result, "6-8", 6, "2021")
    assert (growth["measure"], growth["value"], growth["phase"]) == ("budget_authority_real_growth_pct", 1.5, "enacted")
    procurement = line(result, "6-8", 9, "2022")
    assert procurement["line_item_title"] == "Procurement"
    assert procurement["footnotes"] == "Includes the procurement of one ship."
    assert (procurement["value"], procurement["price_basis"], procurement["phase"]) == (
        133640,
        "constant_2022",
        "request",
    )
    assert line(result, "6-8", 12, "2023")["phase"] == "projection"
    total = line(result, "6-8", 14, "2022")
    assert (total["line_item_title"], total["is_total"], total["footnotes"]) == (
        "Total Current Dollars",
        True,
        "Restated.",
    )
    checks = result.reconciliations.sort("row", "stated").select("row", "stated", "computed", "passed").rows()
    assert checks == [
        (10, 296000.0, 296000.0, True),
        (10, 300925.0, 300925.0, True),
        (10, 310000.0, 310000.0, True),
        (14, 162370.0, 162370.0, True),
        (14, 167495.0, 167485.0, False),  # a total off by 10 fails
        (14, 170300.0, 170300.0, True),
    ]


def test_year_labels_as_text_with_phase_words_and_an_added_sub_column(tmp_path):
    path = workbook(
        tmp_path / "gb.xlsx",
        {
            "1-2": [
                ["Table 1-2:  NATIONAL DEFENSE BUDGET AUTHORITY - DISCRETIONARY AND MANDATORY"],
                ["(Dollars in Millions)"],
                [None, "Function and Subfunction", None, "FY 2021 Enacted", None, None, None, "2022 Request"],
                [None, None, None, "Base", "War", "Emergency", "Total", "Total"],
                [None, "051 - Dept of Defense Discretionary"],
                [None, None, "Military Personnel  ....", 100, 10, 1, 111, 120],
                [None, None, "Procurement  ....", 200, 20, 2, 222, "n.a.x"],
                [None, "051 - Total DoD Discretionary  ....", None, 300, 30, 3, 333, ".........."],
            ]
        },
    )
    result = read(path)
    assert contract_rejections(result, measures=greenbook.MEASURES).height == 0
    emergency = line(result, "1-2", 6, "FY 2021 Enacted / Emergency")
    assert (emergency["funding_type"], emergency["phase"], emergency["period"]) == ("emergency", "enacted", 2021)
    assert emergency["category"] == "051 Department of Defense-Military, discretionary"
    request = line(result, "1-2", 6, "2022 Request / Total")
    assert (request["phase"], request["funding_type"], request["is_total"]) == ("request", "total", False)
    marker = line(result, "1-2", 8, "2022 Request / Total")
    assert (marker["value"], marker["missing_marker"]) == (None, "..........")
    assert result.rejected.select("row", "column", "value").rows() == [(7, "2022 Request / Total", "n.a.x")]
    across = result.reconciliations.filter(pl.col("check").str.contains("column 'FY 2021 Enacted / Total'"))
    assert across.select("row", "stated", "computed", "passed").sort("row").rows() == [
        (6, 111.0, 111.0, True),
        (7, 222.0, 222.0, True),
        (8, 333.0, 333.0, True),
    ]


def test_years_down_with_a_group_header_and_markers(tmp_path):
    path = workbook(
        tmp_path / "gb.xlsx",
        {
            "5-5": [
                ["Table 5-5:  DEPARTMENT OF DEFENSE DEFLATORS - TOA BY CATEGORY"],
                ["(Base Year = 2022)"],
                [],
                ["Fiscal Year", None, "Civilian Pay", "Excluding Pay, Fuel and Medical", None, "Total Dept of Defense"],
                [None, None, None, "Procurement", "RDT&E"],
                [2020.0, "", 96.31, 96.32, 96.43, 96.09],
                ["2021  ..........", "", "Not available.", 98.11, 98.15, 97.77],
                ["2022", "", 100, 100, 100, 100],
                [],
                ["1.  A footnote."],
            ]
        },
    )
    result = read(path)
    assert contract_rejections(result, measures=greenbook.MEASURES).height == 0
    rdte = line(result, "5-5", 6, "Excluding Pay, Fuel and Medical / RDT&E")
    assert (rdte["period"], rdte["value"], rdte["measure"]) == (2020, 96.43, "total_obligational_authority_deflator")
    assert (rdte["cost_type"], rdte["category"], rdte["unit"]) == (
        "RDT&E",
        "Excluding Pay, Fuel and Medical",
        "index, FY 2022 = 100",
    )
    missing = line(result, "5-5", 7, "Civilian Pay")
    assert (missing["period"], missing["missing_marker"]) == (2021, "Not available.")
    assert line(result, "5-5", 8, "Total Dept of Defense")["is_total"] is True
    assert result.lines.height == 12 and result.reconciliations.height == 0  # indices do not add


def test_a_table_without_its_year_header_or_unit_line_is_a_clear_error(tmp_path):
    title = ["Table 6-1:  DEPARTMENT OF DEFENSE TOA BY PUBLIC LAW TITLE"]
    no_header = workbook(tmp_path / "a.xlsx", {"6-1": [title, ["(Dollars in Millions)"], ["Procurement", None, 5]]})
    with pytest.raises(InputFileError, match=r"a\.xlsx, sheet '6-1'.*no fiscal-year header"):
        read(no_header, "a.xlsx")
    no_unit = workbook(tmp_path / "b.xlsx", {"6-1": [title, ["Public Law Title", None, "FY 2021", "FY 2022"]]})
    with pytest.raises(InputFileError, match=r"b\.xlsx, sheet '6-1'.*unit line"):
        read(no_unit, "b.xlsx")


def test_a_workbook_without_green_book_tables_is_refused(tmp_path):
    path = workbook(tmp_path / "x.xlsx", {"Sheet": [["Country", 2020], ["France", 1.0]]})
    assert not sniffs(path)
    with pytest.raises(InputFileError, match="no sheet holds a Green Book table title"):
        read(path, "x.xlsx")


def test_shared_data_listing_is_complete():
    if not (SHARED_DATA / BOOK).exists():
        pytest.skip("../shared/data is absent")
    on_disk = {str(p.relative_to(SHARED_DATA)) for p in (SHARED_DATA / BOOK).rglob("*.xlsx")}
    assert on_disk == set(CHAPTERS + TABLES_6)
