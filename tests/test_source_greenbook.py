"""US DoD Comptroller Green Book (National Defense Budget Estimates, FY 2017, FY 2020 and FY 2022 editions): the
real chapter workbooks in ../shared/data and small synthetic workbooks in the Green Book layout.

Expected values were read by hand from the real files (openpyxl, cell named next to each value)."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pipelines.errors import InputFileError
from pipelines.nations import default_names
from pipelines.sources import greenbook
from pipelines.sources.probe import Probe
from tests.conftest import SHARED_DATA, shared_file
from tests.source_helpers import contract_rejections

BOOK = "dod/greenbook_fy2022"
CHAPTER_6 = f"{BOOK}/FY22 PB Green Book Chap 6"
CHAPTERS = [f"{BOOK}/FY22 PB Green Book Chap {n}.xlsx" for n in (1, 2, 3, 4, 5, 7)]
TABLES_6 = [f"{CHAPTER_6}/FY22 PB Green Book Table 6-{n}.xlsx" for n in range(1, 27)]
BOOK_2017 = "dod/greenbook_fy2017"
CHAPTERS_2017 = [f"{BOOK_2017}/FY17 PB Green Book Chap {n}.xlsx" for n in (1, 2, 3, 4, 5, 7)]
TABLES_2017 = [
    f"{BOOK_2017}/FY17 {name}.xlsx"
    for name in (
        "6-1_DoD TOA by Title",
        "6-2_DoD TOA by Category",
        "6-3_DoD TOA by Mil Dept",
        "6-4_FYDP Current",
        "6-5_FYDP Constant",
        "6-6_Inyears Current",
        "6-6_Outyears Current",
        "6-7_Inyears Constant",
        "6-7_Outyears Constant",
        "6-8_DoD BA by Title",
        "6-9_DoD BA by Category",
        "6-10_DoD BA by Mil Dept",
        "6-11_DoD Outlays by Title",
        "6-12_DoD Outlays by Category",
        "6-13_DoD Outlays by Mil Dept",
        "6-14_CivPay Current",
        "6-15_CivPay Constant",
        "6-16_Army TOA by Title",
        "6-17_Navy TOA by Title",
        "6-18_Air Force TOA by Title",
        "6-19_Army BA by Title",
        "6-20_Navy BA by Title",
        "6-21_Air Force BA by Title",
        "6-22_Army Outlays by Title",
        "6-23_Navy Outlays by Title",
        "6-24_Air Force Outlays by Title",
        "6-25_DoD Base Disc BA by Title",
        "6-26_DoD Base Disc BA by Mil Dept",
    )
]
BOOK_2020 = "dod/greenbook_fy2020"
CHAPTER_6_2020 = f"{BOOK_2020}/FY20 PB Green Book Chap 6"
CHAPTERS_2020 = [f"{BOOK_2020}/FY20 PB Green Book Chap {n}.xlsx" for n in (1, 2, 3, 4, 5, 7)]
TABLES_2020 = [
    f"{CHAPTER_6_2020}/FY20 PB Green Book Table 6-{n}.xlsx"
    for n in [*range(1, 6), "6_Inyears", "6_Outyears", "7_Inyears", "7_Outyears", *range(8, 27)]
]
#: Every real Green Book file, by the edition it belongs to.
EDITIONS = {
    **{f: "FY 2017 President's Budget" for f in CHAPTERS_2017 + TABLES_2017},
    **{f: "FY 2020 President's Budget" for f in CHAPTERS_2020 + TABLES_2020},
    **{f: "FY 2022 President's Budget" for f in CHAPTERS + TABLES_6},
}
#: Files whose every table is of a kind the reader documents as skipped: read, no lines, notes naming them.
NO_LINES = {
    *(
        f"{book}/{chapter}"
        for book, ed in ((BOOK, 22), (BOOK_2017, 17), (BOOK_2020, 20))
        for chapter in (
            f"FY{ed} PB Green Book Chap 3.xlsx",
            f"FY{ed} PB Green Book Chap 4.xlsx",
        )
    ),
    f"{CHAPTER_6}/FY22 PB Green Book Table 6-14.xlsx",
    f"{CHAPTER_6}/FY22 PB Green Book Table 6-15.xlsx",
    f"{BOOK_2017}/FY17 6-14_CivPay Current.xlsx",
    f"{BOOK_2017}/FY17 6-15_CivPay Constant.xlsx",
    f"{CHAPTER_6_2020}/FY20 PB Green Book Table 6-14.xlsx",
    f"{CHAPTER_6_2020}/FY20 PB Green Book Table 6-15.xlsx",
}
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
    """Every real Green Book file of the three editions read once: relative path -> ReadResult."""
    return {relative: read(shared_file(relative), Path(relative).name) for relative in EDITIONS}


def line(result, sheet: str, row: int, column: str) -> dict:
    found = result.lines.filter(
        (pl.col("sheet") == sheet) & (pl.col("row") == row) & (pl.col("source_column") == column)
    )
    assert found.height == 1, f"{sheet} row {row} {column!r}: {found.height} lines"
    return found.row(0, named=True)


# --- real files --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("relative", sorted(EDITIONS))
def test_every_real_file_meets_the_contract(results, relative):
    result = results[relative]
    assert result.source_format == greenbook.FORMAT
    assert result.edition == EDITIONS[relative]
    assert result.notes[0].startswith(f"Edition {EDITIONS[relative]}: the budget year is from ")
    assert contract_rejections(result, measures=greenbook.MEASURES).height == 0
    assert result.rejected.height == 0
    assert not any("transition quarter" in note for note in result.notes)  # no edition prints one
    if relative in NO_LINES:
        assert result.lines.height == 0 and any(note.startswith("Skipped sheet(s)") for note in result.notes)
    else:
        assert result.lines.height > 0
        assert set(result.lines["edition"]) == {EDITIONS[relative]}


@pytest.mark.parametrize("relative", sorted(set(EDITIONS) - NO_LINES))
def test_phases_follow_the_budget_year_and_start_months_the_fiscal_year_calendar(results, relative):
    """No header of these editions says a phase: every year takes it from the budget year B (before B-1 actual,
    B-1 enacted, B request, after B projection); fiscal years start in July up to FY 1976, October from FY
    1977."""
    lines = results[relative].lines
    budget_year = int(EDITIONS[relative].split()[1])
    period = pl.col("period")
    expected = (
        pl.when(period < budget_year - 1)
        .then(pl.lit("actual"))
        .when(period == budget_year - 1)
        .then(pl.lit("enacted"))
        .when(period == budget_year)
        .then(pl.lit("request"))
        .otherwise(pl.lit("projection"))
    )
    month = pl.when(period <= 1976).then(7).otherwise(10)
    wrong = lines.filter((pl.col("phase") != expected) | (pl.col("fiscal_year_start_month") != month))
    assert wrong.height == 0, wrong.select("sheet", "row", "source_column", "period", "phase").head(5)


def test_skipped_names_every_sheet_and_column_not_read(results):
    chapter_1 = results[f"{BOOK_2017}/FY17 PB Green Book Chap 1.xlsx"].skipped
    change = "it gives the change between two fiscal years' figures, not one fiscal year's figure"
    total = "it gives a sum over several fiscal years, not one fiscal year's figure"
    assert chapter_1 == (
        f"column G ('Change FY 15-16') of sheet '1-1' skipped: {change}",
        f"column I ('Change FY 16-17') of sheet '1-1' skipped: {change}",
        f"column N ('Total / FY17-FY21') of sheet '1-11' skipped: {total}",
        f"column O ('Total / FY17-FY26') of sheet '1-11' skipped: {total}",
        "sheet '1-12' skipped: Table 1-12 compares past budget submissions (requests and deltas)",
    )
    assert results[f"{CHAPTER_6}/FY22 PB Green Book Table 6-14.xlsx"].skipped == (
        "sheet '6-14' skipped: Table 6-14 names no budget measure milspace reads (DEPARTMENT OF DEFENSE CIVILIAN PAY)",
    )
    assert results[f"{BOOK}/FY22 PB Green Book Chap 2.xlsx"].skipped == ()  # endnote sheets are read


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
        if relative not in (CHAPTERS[0], CHAPTERS_2017[1], CHAPTERS_2020[0]):
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


# --- the FY 2017 and FY 2020 editions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "row", "column", "period", "value"),
    [
        # FY 2017 Table 6-8: B16 "Total Current Dollars", BT5 "FY 2016", BT16 = 587101
        (f"{BOOK_2017}/FY17 6-8_DoD BA by Title.xlsx", 16, "FY 2016", 2016, 587101),
        # FY 2020 Table 6-8: B17 "Total Current Dollars", BW5 "FY 2019", BW17 = 693058
        (f"{CHAPTER_6_2020}/FY20 PB Green Book Table 6-8.xlsx", 17, "FY 2019", 2019, 693058),
    ],
)
def test_table_6_8_total_is_found_by_its_label_in_each_edition(results, relative, row, column, period, value):
    total = line(results[relative], "6-8", row, column)
    assert (total["value"], total["period"], total["phase"], total["is_total"]) == (value, period, "enacted", True)
    assert (total["line_item_title"], total["measure"], total["price_basis"]) == (
        "Total Current Dollars",
        "budget_authority",
        "current",
    )


@pytest.mark.parametrize("relative", [CHAPTERS_2017[5], CHAPTERS_2020[5], CHAPTERS[5]])
def test_chapter_7_national_defense_outlays_across_the_change_of_fiscal_year(results, relative):
    """Table 7-1, column C "National Defense" under "Federal Unified Budget": A8 "1946" C8 = 42681 and A9 "1947"
    C9 = 12808 (July-June years); A38 "1976" C38 = 89619, A39 "1977" C39 = 97241 (October-September). No
    transition-quarter row sits between 1976 and 1977, and no year is missing or doubled."""
    result = results[relative]
    column = "Federal Unified Budget / National Defense"
    found = [line(result, "7-1", row, column) for row in (8, 9, 38, 39)]
    assert [(f["period"], f["value"], f["fiscal_year_start_month"]) for f in found] == [
        (1946, 42681, 7),
        (1947, 12808, 7),
        (1976, 89619, 7),
        (1977, 97241, 10),
    ]
    assert {(f["measure"], f["price_basis"], f["unit_factor"]) for f in found} == {("outlays", "current", 1e6)}
    years = result.lines.filter((pl.col("sheet") == "7-1") & (pl.col("source_column") == column))["period"]
    assert years.to_list() == list(range(1945, years.max() + 1))


def test_fy2017_chapter_1_subtotals_without_the_word_total(results):
    """FY 2017 Tables 1-3 .. 1-10 write subtotals less indented than their lines and without "Total"."""
    result = results[CHAPTERS_2017[0]]
    # sheet 1-3: B13 "Department of Defense (No MERHFC)", F6 "Base" under F5 "FY 2016", F13 = 514996 = F8 .. F12
    subtotal = line(result, "1-3", 13, "FY 2016 / Base")
    assert (subtotal["value"], subtotal["is_total"]) == (514996, True)
    # sheet 1-1: C11 "053 / 054 - Energy and Defense-Related3" after D10 "Scoring and Rounding2": less indented
    # but no subtotal (F11 = 27548, F10 = 17), so still a line
    energy = line(result, "1-1", 11, "FY 20151")
    assert (energy["value"], energy["is_total"], energy["category"]) == (
        27548,
        False,
        "053/054 Atomic Energy Defense and Defense-Related Activities",
    )
    checks = result.reconciliations.filter(pl.col("check").str.contains("FY 2015 / Total"))

    def at(sheet: str, row: int) -> list[tuple]:
        found = checks.filter((pl.col("sheet") == sheet) & (pl.col("row") == row))
        return found.select("check", "stated", "computed", "passed").rows()

    # sheet 1-10: B29 "Department of Defense" E29 = 6563 (C24 .. C28), B32 "Military Construction" E32 = 13 (C31),
    # B36 "051 - Total DoD Mandatory (DoD Record)" E36 = 4523 = 6563 + 13 + 309 - 2289 - 74 (+1 rounding)
    assert at("1-10", 29) == [
        (
            "Table 1-10 'Department of Defense' = its more indented lines above it, as a subtotal (rows 24-28), "
            "FY 2015 / Total, current",
            6563.0,
            6563.0,
            True,
        )
    ]
    assert at("1-10", 36) == [
        (
            "Table 1-10 '051 - Total DoD Mandatory (DoD Record)' = everything open above it (rows 29, 32-35), "
            "FY 2015 / Total, current",
            4523.0,
            4522.0,
            True,
        )
    ]
    # sheet 1-10 (2): B22 "051 - Total Dept of Defense (DoD Record)" E22 = 562501 = E14 (Plus MERHFC) + E17
    # (Military Construction) + E18 .. E21
    assert at("1-10 (2)", 22) == [
        (
            "Table 1-10 '051 - Total Dept of Defense (DoD Record)' = everything open above it (rows 14, 17-21), "
            "FY 2015 / Total, current",
            562501.0,
            562502.0,
            True,
        )
    ]
    assert result.reconciliations.filter(~pl.col("passed")).height == 0


def test_fy2017_change_columns_and_multi_year_sums_are_no_fiscal_year(results):
    result = results[CHAPTERS_2017[0]]
    # sheet 1-1: G3 "Change FY 15-16" (G9 = 16257), I3 "Change FY 16-17"; sheet 1-11: N6 "Total" / N7
    # "FY17-FY21" (N9 = 2801051), O7 "FY17-FY26" (O9 = 5912050), right of M6 "FY 2026" (M9 = 647723)
    assert result.rejected.height == 0
    assert result.lines.filter(pl.col("source_column").str.contains("Change|FY17-")).height == 0
    assert line(result, "1-11", 9, "FY 2026")["value"] == 647723
    assert result.lines.filter((pl.col("sheet") == "1-11") & (pl.col("row") == 9))["value"].max() == 647723
    change = "Not read: columns giving the change between two fiscal years' figures (first: sheet '1-1' column G "
    assert change + "'Change FY 15-16')." in result.notes
    assert any(
        n.startswith("Not read: columns giving a sum over several fiscal years (first: sheet '1-11'")
        for n in result.notes
    )


def test_fy2020_misprinted_year_header_emergency_column_and_funding_headings(results):
    result = results[CHAPTERS_2020[0]]
    # sheet 1-2: E4 " FY 20181", F4 "XFY 2019" (sub-columns F5 Base, G5 OCO, H5 Total), I4 "FY 2020"; row 19
    # "051 - Total DoD Discretionary (DoD Record)": E19 = 670634, H19 = 684985
    fy2019 = line(result, "1-2", 19, "XFY 2019 / Total")
    assert (fy2019["period"], fy2019["value"], fy2019["phase"]) == (2019, 684985, "enacted")
    assert line(result, "1-2", 19, "FY 20181 / Total")["period"] == 2018
    assert any(
        n.startswith("A year header with a stray character before 'FY'") and "'XFY 2019'" in n for n in result.notes
    )
    # K5 "Emerg.3": K15 (Military Construction) = 9200, footnote 3 (A41)
    emergency = line(result, "1-2", 15, "FY 2020 / Emerg.3")
    assert (emergency["value"], emergency["funding_type"]) == (9200, "emergency")
    assert emergency["footnotes"].startswith("Requested as an emergency requirement")
    # sheet 1-6: A8 "National Defense Base Funding" (a heading with one 0 in F8), A12 "050 - Total National
    # Defense" D12 = 576172; A17 "National Defense Total Funding", A21 D21 = 750000
    base, total = line(result, "1-6", 12, "FY 2020"), line(result, "1-6", 21, "FY 2020")
    assert (base["value"], base["funding_type"], total["value"], total["funding_type"]) == (
        576172,
        "base",
        750000,
        "total",
    )
    assert result.lines.filter((pl.col("sheet") == "1-6") & (pl.col("row").is_in([8, 17]))).height == 0


def test_the_older_editions_fail_only_where_the_book_misprints_a_total(results):
    failing = {
        edition: sum(
            results[f].reconciliations.filter(~pl.col("passed")).height for f in EDITIONS if EDITIONS[f] == edition
        )
        for edition in set(EDITIONS.values())
    }
    assert failing == {
        "FY 2017 President's Budget": 1,
        "FY 2020 President's Budget": 1,
        "FY 2022 President's Budget": 4,
    }
    # FY 2017 chapter 2, sheet '11': K32 Base 63 + K33 Overseas Contingency Ops 0 under K34 "Total FY 2016 Air
    # Force" 65; the FY 2020 edition prints the same cells as 63, 3 and 65 (sheet '12', K28 .. K30)
    fy2017 = results[CHAPTERS_2017[1]]
    assert fy2017.reconciliations.filter(~pl.col("passed")).select("sheet", "row", "stated", "computed").rows() == [
        ("11", 34, 65.0, 63.0)
    ]
    assert line(results[CHAPTERS_2020[1]], "12", 29, "Revolving Funds & Other")["value"] == 3
    assert any("Reconciliation fails on sheet '11' row 34" in n and "OCO line as 3" in n for n in fy2017.notes)
    # FY 2020 chapter 1, sheet '1-3 (4)' (FY 2020 constant dollars): F22 (FY 2019 Base) = 665218, F14 + F17 +
    # F18 .. F20 = 585022; G20 Interfund Transactions OCO = 40098, G22 (OCO) = 0; H22 (Total) = 665218 reconciles
    fy2020 = results[CHAPTERS_2020[0]]
    assert fy2020.reconciliations.filter(~pl.col("passed")).select("sheet", "row", "stated", "computed").rows() == [
        ("1-3 (4)", 22, 665218.0, 585022.0)
    ]
    assert fy2020.reconciliations.filter(
        (pl.col("sheet") == "1-3 (4)") & (pl.col("row") == 22) & pl.col("check").str.contains("FY 2019 / Total, ")
    )["passed"].to_list() == [True]
    assert any(
        "Reconciliation fails on sheet '1-3 (4)' row 22" in n and "books all of FY 2019 under Base" in n
        for n in fy2020.notes
    )


@pytest.mark.parametrize(
    ("relative", "source"),
    [
        (f"{BOOK_2017}/FY17 6-6_Outyears Current.xlsx", "its title: the years after the budget year (FY 2018 on)"),
        (f"{CHAPTER_6_2020}/FY20 PB Green Book Table 6-6_Inyears.xlsx", "its title: the years up to the budget year"),
        (CHAPTERS_2017[3], "the workbook naming it ('FY17 Budget')"),
        (f"{CHAPTER_6_2020}/FY20 PB Green Book Table 6-4.xlsx", "the file name ('FY20 PB Green Book Table 6-4.xlsx')"),
        (CHAPTERS_2020[5], "the file name ('FY20 PB Green Book Chap 7.xlsx')"),
    ],
)
def test_where_the_edition_of_a_table_naming_no_budget_comes_from(results, relative, source):
    assert results[relative].notes[0].startswith(f"Edition {EDITIONS[relative]}: the budget year is from {source}")


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
    assert all(sniffs(shared_file(relative)) for relative in EDITIONS)


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


TRANSITION_NOTE = "Not read: rows of the transition quarter (July-September 1976, between FY 1976 and FY 1977)"


def test_a_transition_quarter_row_is_no_fiscal_year(tmp_path):
    path = workbook(
        tmp_path / "gb.xlsx",
        {
            "7-1": [
                ["Table 7-1:  TOTAL FEDERAL OUTLAYS"],
                ["CURRENT DOLLARS"],
                ["(Dollars in Millions)"],
                ["Fiscal Year", None, "National Defense", "Other", "Federal Total"],
                ["1975  ......", None, 86509, 245823, 332332],
                ["1976  ......", None, 89619, 282173, 371792],
                ["TQ  ......", None, 22269, 73706, 95975],
                ["1977  ......", None, 97241, 311977, 409218],
            ]
        },
    )
    result = read(path)
    assert result.rejected.height == 0
    defense = result.lines.filter(pl.col("source_column") == "National Defense").sort("period")
    assert defense.select("period", "value", "fiscal_year_start_month").rows() == [
        (1975, 86509.0, 7),
        (1976, 89619.0, 7),
        (1977, 97241.0, 10),
    ]
    note = f"{TRANSITION_NOTE}, which belongs to no fiscal year (first: sheet '7-1' row 7 'TQ ......')."
    assert note in result.notes
    assert result.reconciliations.height == 3 and result.reconciliations["passed"].all()


@pytest.mark.parametrize(
    ("header", "sub_header"),
    [
        (["FY 1976", "TQ", "FY 1977"], None),  # a column of its own
        (["FY 1976", "1976 TQ", "FY 1977"], None),  # named with the year it follows
        (["FY 1976", None, "FY 1977"], ["Total", "TQ", "Total"]),  # a sub-column of FY 1976
    ],
)
def test_a_transition_quarter_column_is_no_fiscal_year(tmp_path, header, sub_header):
    rows = [
        ["Table 6-8:  DEPARTMENT OF DEFENSE BUDGET AUTHORITY BY PUBLIC LAW TITLE"],
        ["(Dollars in Millions)"],
        ["Public Law Title", None, *header],
        *([[None, None, *sub_header]] if sub_header else []),
        ["Military Personnel", None, 100, 26, 110],
    ]
    result = read(workbook(tmp_path / "gb.xlsx", {"6-8": rows}))
    assert result.rejected.height == 0
    assert result.lines.sort("period").select("period", "value", "fiscal_year_start_month").rows() == [
        (1976, 100.0, 7),
        (1977, 110.0, 10),
    ]
    assert any(
        n.startswith("Not read: columns giving the transition quarter (July-September 1976), which belongs to no")
        and "column D" in n
        for n in result.notes
    )


def test_lines_under_a_transition_quarter_heading_are_not_read(tmp_path):
    path = workbook(
        tmp_path / "gb.xlsx",
        {
            "1": [
                ["Table 2-1:  BASE BUDGET, WAR FUNDING AND SUPPLEMENTALS BY MILITARY DEPARTMENT, BY PUBLIC LAW TITLE"],
                ["DISCRETIONARY BUDGET AUTHORITY"],
                ["(Dollars in Millions)"],
                [None, None, None, "Military Personnel", "O&M", "Total"],
                ["Army"],
                [None, "FY 1976"],
                [None, None, "Base  ......", 10, 20, 30],
                [None, "Total FY 1976 Army  ......", None, 10, 20, 30],
                [None, "TQ"],
                [None, None, "Base  ......", 3, 5, 8],
                [None, "Total TQ Army  ......", None, 3, 5, 8],
                [None, "FY 1977"],
                [None, None, "Base  ......", 11, 21, 32],
                [None, "Total FY 1977 Army  ......", None, 11, 21, 32],
            ]
        },
    )
    result = read(path)
    assert result.rejected.height == 0
    assert sorted(set(result.lines["row"])) == [7, 8, 13, 14]
    assert line(result, "1", 13, "O&M")["period"] == 1977
    assert f"{TRANSITION_NOTE}, which belongs to no fiscal year (first: sheet '1' row 10 'Base')." in result.notes
    assert result.reconciliations["passed"].all()


def mfp_table(path: Path, title: str = "DEPARTMENT OF DEFENSE TOA BY MAJOR FORCE PROGRAM") -> Path:
    """A current-dollar years-down table naming no budget year (Table 6-4 in the FY 2017 and FY 2020 style)."""
    return workbook(
        path,
        {
            "6-4": [
                [f"Table 6-4:  {title}"],
                ["CURRENT DOLLARS"],
                ["(Dollars in Millions)"],
                ["Fiscal Year", None, "Strategic Forces", "Total"],
                *[[f"{year}  ......", None, 10 + year - 2017, 100 + year - 2017] for year in range(2017, 2025)],
            ]
        },
    )


def test_the_edition_of_a_table_naming_no_budget_year(tmp_path):
    named = read(mfp_table(tmp_path / "FY20 PB Green Book Table 6-4.xlsx"), "FY20 PB Green Book Table 6-4.xlsx")
    assert named.edition == "FY 2020 President's Budget"
    assert named.notes[0] == (
        "Edition FY 2020 President's Budget: the budget year is from the file name ('FY20 PB Green Book Table "
        "6-4.xlsx'): the workbook names no budget year and no base year."
    )
    phases = named.lines.filter(pl.col("source_column") == "Total").sort("period")["phase"].to_list()
    assert phases == ["actual", "actual", "enacted", "request", "projection", "projection", "projection", "projection"]
    renamed = read(mfp_table(tmp_path / "mfp.xlsx"), "data_raw/inbox/mfp.xlsx")
    assert renamed.edition == "FY 2024 President's Budget"
    assert renamed.notes[0].endswith(
        "the last fiscal year shown, a guess: the workbook and its file name name no budget year."
    )
    outyears = read(mfp_table(tmp_path / "o.xlsx", "OUTYEARS"), "o.xlsx")
    assert outyears.edition == "FY 2016 President's Budget"  # the year before the first one shown (2017)


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
    books = (BOOK, BOOK_2017, BOOK_2020)
    on_disk = {str(p.relative_to(SHARED_DATA)) for book in books for p in (SHARED_DATA / book).rglob("*")}
    assert {f for f in on_disk if (SHARED_DATA / f).is_file()} == set(EDITIONS)
