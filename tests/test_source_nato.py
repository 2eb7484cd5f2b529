"""NATO "Defence Expenditure of NATO Countries" tables, on the real workbook in ../shared/data and synthetic ones.

Expected values of the real file were read by hand with openpyxl (data_only=True); the sheet and cell are named
next to each one.
"""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pipelines.errors import InputFileError
from pipelines.nations import default_names
from pipelines.sources import nato
from pipelines.sources.cells import SPREADSHEET_ERROR_RULE
from pipelines.sources.probe import Probe
from tests.conftest import SHARED_DATA, shared_file
from tests.source_helpers import contract_rejections

NATO_FILE = "nato/240617-def-exp-2024-TABLES-en.xlsx"


@pytest.fixture(scope="module")
def result():
    return nato.read(shared_file(NATO_FILE), "nato.xlsx", default_names())


def figure(result, sheet: str, row: int, column: str) -> dict:
    """The one line read from a sheet cell (row and column header)."""
    found = result.lines.filter(
        (pl.col("sheet") == sheet) & (pl.col("row") == row) & (pl.col("source_column") == column)
    )
    assert found.height == 1, (sheet, row, column, found.height)
    return found.row(0, named=True)


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def read_synthetic(tmp_path: Path, sheets: dict[str, list[list]]):
    path = write_workbook(tmp_path / "tables.xlsx", sheets)
    return nato.read(path, "tables.xlsx", default_names())


# --- the real workbook ------------------------------------------------------------------------------------------


def test_every_table_read_and_the_contract_holds(result):
    assert result.source_format == nato.FORMAT and result.edition.endswith("(2014-2024)")
    # Countries x years x blocks per sheet, counted by hand from the sheets (31 Allies with defence figures,
    # Iceland too in the GDP tables, two aggregates where the sheet has them; Table 4 has 5 figure columns).
    per_sheet = dict(result.lines.group_by("sheet").len().iter_rows())
    assert per_sheet == {
        "TABLE1": 31 * 11 * 2,
        "TABLE2": 33 * 11 * 2,
        "TABLE3": 33 * 11 * 2,
        "TABLE4": 31 * 5,
        "TABLE5": 34 * 11 * 2,
        "TABLE6": 34 * 11 + 33 * 11,
        "TABLE7": 33 * 11,
        "TABLE8a": 31 * 11 * 2,
        "TABLE8b": 31 * 11 * 2,
    }
    assert result.rejected.height == 0
    assert contract_rejections(result, measures=nato.MEASURES).height == 0
    assert set(result.lines["measure"]) <= set(nato.MEASURES)
    assert set(result.lines["phase"]) == {"actual"}


def test_current_and_constant_us_dollars(result):
    albania = figure(result, "TABLE2", 11, "2014")  # TABLE2 C11 'Albania', D11
    assert albania["value"] == pytest.approx(178.3589837425897)
    assert (albania["entity_code"], albania["measure"], albania["price_basis"]) == (
        "ALB",
        "defence_expenditure_current_usd",
        "current",
    )
    assert (albania["currency"], albania["unit_factor"], albania["is_estimate"]) == ("USD", 1e6, False)
    usa = figure(result, "TABLE2", 41, "2024e")  # TABLE2 N41, header N8 '2024e'
    assert usa["value"] == 967707 and usa["period"] == 2024 and usa["is_estimate"] is True
    # The second block, under B44 'Constant 2015 prices and exchange rates': TABLE2 D75, United States 2014.
    constant = figure(result, "TABLE2", 75, "2014")
    assert constant["value"] == pytest.approx(660020.6437915997)
    assert (constant["measure"], constant["price_basis"]) == ("defence_expenditure_constant_usd", "constant_2015")
    assert constant["unit"] == "US$ millions, constant (2015) prices and exchange rates"


def test_national_currency_split_from_the_label(result):
    albania = figure(result, "TABLE1", 11, "2014")  # TABLE1 C11 'Albania   (Leks)', D11
    assert albania["value"] == pytest.approx(18788.017032)
    assert (albania["entity_name"], albania["entity_code"], albania["currency"]) == ("Albania", "ALB", "ALL")
    assert albania["measure"] == "defence_expenditure_current_local_currency"
    assert albania["unit"] == "national currency millions (ALL, Leks), current prices"
    # 'Kroner' is two currencies: TABLE1 C17 'Denmark   (Kroner)' and C31 'Norway   (Kroner)'.
    assert figure(result, "TABLE1", 17, "2014")["currency"] == "DKK"
    assert figure(result, "TABLE1", 31, "2014")["currency"] == "NOK"
    # Constant block: TABLE1 C65 'Poland*   (Zlotys)', N65 (2024e).
    poland = figure(result, "TABLE1", 65, "2024e")
    assert poland["value"] == pytest.approx(101236.31045295653)
    assert (poland["entity_code"], poland["currency"], poland["price_basis"]) == ("POL", "PLN", "constant_2015")
    currencies = dict(
        result.lines.filter(pl.col("sheet") == "TABLE1").select("entity_code", "currency").unique().rows()
    )
    assert (currencies["TUR"], currencies["ROU"], currencies["CZE"], currencies["USA"]) == ("TRY", "RON", "CZK", "USD")


def test_footnote_marks_resolved_to_the_sheet_notes(result):
    czechia = figure(result, "TABLE2", 16, "2014")  # TABLE2 C16 'Czechia*'; the '*' note is in C81
    assert czechia["entity_name"] == "Czechia" and czechia["entity_code"] == "CZE"
    assert czechia["footnotes"].startswith("These Allies have national laws or political agreements")
    assert figure(result, "TABLE2", 11, "2014")["footnotes"] is None  # Albania has no mark


def test_shares_changes_per_capita_and_personnel(result):
    france = figure(result, "TABLE3", 20, "2020")  # TABLE3 J20 is the integer 2, under B10 'Share of real GDP (%)'
    assert france["value"] == 2.0 and france["measure"] == "defence_expenditure_share_of_real_gdp"
    assert france["unit"] == "percent of real GDP (2015 prices)" and france["currency"] is None
    usa = figure(result, "TABLE3", 41, "2014")  # TABLE3 D41
    assert usa["value"] == pytest.approx(3.7139172994177043)
    assert figure(result, "TABLE3", 45, "2014")["measure"] == "defence_expenditure_real_change_pct"  # B44 block
    span = figure(result, "TABLE4", 23, "Real change 2014-2024e (%)")  # TABLE4 F23, header F20
    assert span["value"] == pytest.approx(106.27433754829055)
    assert (span["measure"], span["period"], span["is_estimate"]) == (
        "defence_expenditure_real_change_pct_over_span",
        2024,
        True,
    )
    gdp_per_head = figure(result, "TABLE6", 11, "2014")  # TABLE6 D11 under 'GDP per capita (thousand US dollars)'
    assert gdp_per_head["value"] == pytest.approx(3.8564859325683414)
    assert (gdp_per_head["measure"], gdp_per_head["unit_factor"]) == ("gdp_per_capita_constant_usd", 1000.0)
    defence_per_head = figure(result, "TABLE6", 46, "2014")  # TABLE6 D46
    assert defence_per_head["value"] == pytest.approx(51.92823317107186) and defence_per_head["unit_factor"] == 1.0
    iceland = figure(result, "TABLE5", 24, "2014")  # TABLE5 D24: Iceland has GDP figures only
    assert iceland["entity_code"] == "ISL" and iceland["value"] == pytest.approx(17867.9966402394)
    personnel = figure(result, "TABLE7", 53, "2014")  # TABLE7 D53 'United States', E53; labels in column D
    assert personnel["value"] == pytest.approx(1338.184)
    assert (personnel["measure"], personnel["unit_factor"], personnel["unit"]) == (
        "military_personnel",
        1000.0,
        "thousands of military personnel",
    )
    total = figure(result, "TABLE7", 55, "2024e")  # TABLE7 C55 'NATO Total', O55 (header O20 '2024e')
    assert total["value"] == pytest.approx(3418.608983079151)
    assert (total["entity_code"], total["entity_kind"], total["is_total"]) == ("NATO:TOTAL", "aggregate", True)


def test_distribution_by_category(result):
    equipment = figure(result, "TABLE8a", 20, "2014")  # TABLE8a D20 France, block B10 'Equipment (a)'
    assert equipment["value"] == pytest.approx(24.641842689984205)
    assert (equipment["measure"], equipment["category"]) == ("defence_expenditure_share_by_category", "equipment")
    assert equipment["footnotes"].startswith("Equipment expenditure includes major equipment")  # note (a), C79
    finland = figure(result, "TABLE8b", 19, "2014")  # TABLE8b D19: a published zero, not a missing figure
    assert (finland["value"], finland["missing_marker"], finland["category"]) == (0.0, None, "infrastructure")
    categories = result.lines.filter(pl.col("measure") == "defence_expenditure_share_by_category")["category"]
    assert set(categories) == {"equipment", "personnel", "infrastructure", "other"}


def test_aggregates(result):
    aggregates = result.lines.filter(pl.col("entity_kind") == "aggregate")
    assert set(aggregates["entity_code"]) == {"NATO:TOTAL", "NATO:EUROPE_AND_CANADA"}
    assert aggregates["is_total"].all()
    assert aggregates["footnotes"].str.contains("from 2017 onwards include Montenegro").all()
    assert not result.lines.filter(pl.col("entity_kind") == "country")["is_total"].any()


def test_unlabelled_formula_rows_are_skipped_with_a_note(result):
    # TABLE1 D42 holds '#REF!' with no label in B42 or C42: it names no country.
    assert result.lines.filter((pl.col("sheet") == "TABLE1") & (pl.col("row") == 42)).height == 0
    assert any("TABLE1 rows 42, 75" in note and "TABLE8b rows 42, 75" in note for note in result.notes)


def test_reconciliations(result):
    checks = result.reconciliations
    # 110 sums (TABLE2 and TABLE5: 2 blocks, TABLE7: 1 block; x 2 aggregates x 11 years), 341 category sums
    # (31 countries x 11 years), 22 aggregate shares of real GDP (2 aggregates x 11 years). All pass.
    assert checks.height == 110 + 341 + 22
    assert checks["passed"].all()
    total_2014 = checks.filter(
        (pl.col("sheet") == "TABLE2") & (pl.col("row") == 43) & pl.col("check").str.ends_with(", 2014")
    ).row(0, named=True)
    assert total_2014["stated"] == pytest.approx(943217.5834091387)  # TABLE2 D43 'NATO Total'
    # The NATO Total of 2014 leaves out the Allies that joined later: Montenegro (D28), North Macedonia (D30),
    # Finland (D19) and Sweden (D38); the sum of all 31 countries in D11:D41 is 953607.2207476982.
    later = 69.13084916502807 + 123.83835030542187 + 3991.2436896527006 + 6205.424449436261
    assert total_2014["computed"] == pytest.approx(953607.2207476982 - later)
    europe_2024 = checks.filter(
        (pl.col("sheet") == "TABLE2") & (pl.col("row") == 42) & pl.col("check").str.ends_with(", 2024")
    ).row(0, named=True)
    # TABLE2 N42 'NATO Europe and Canada' = N43 'NATO Total' 1474399.4765734388 - N41 United States 967707.
    assert europe_2024["stated"] == pytest.approx(1474399.4765734388 - 967707)
    montenegro_2024 = checks.filter(pl.col("check").str.contains(r"100 percent, Montenegro, 2024")).row(0, named=True)
    # TABLE8a N28 + N61 + TABLE8b N28 + N61: 35.7611 + 39.6223 + 9.2773 + 15.3366, a little under 100.
    assert montenegro_2024["computed"] == pytest.approx(
        35.761082798473254 + 39.62233724971746 + 9.277312514659785 + 15.336602021451267
    )
    assert montenegro_2024["sheet"] == "TABLE8a, TABLE8b"


# --- detection --------------------------------------------------------------------------------------------------


def other_formats() -> list[Path]:
    if not SHARED_DATA.exists():
        return []
    return sorted(p for p in SHARED_DATA.rglob("*") if p.is_file() and "nato" not in p.parts)


def sniff(path: Path) -> bool:
    probe = Probe(path, path.name)
    try:
        return nato.sniff(probe)
    finally:
        probe.close()


def test_sniff_recognises_the_nato_workbook():
    assert sniff(shared_file(NATO_FILE))


def test_sniff_rejects_every_other_real_format():
    files = other_formats()
    if not files:
        pytest.skip(f"{SHARED_DATA} is absent: the real published files live in ../shared/data (present in CI)")
    names = {p.name for p in files}
    assert {"SIPRI-Milex-data-1949-2024_2.xlsx", "M-1.xlsx", "FY22 PB Green Book Chap 1.xlsx"} <= names
    assert {p.name for p in files if sniff(p)} == set()


def test_sniff_rejects_a_binary_and_an_empty_file(tmp_path):
    binary, empty = tmp_path / "random.bin", tmp_path / "empty.xlsx"
    binary.write_bytes(os.urandom(4096))
    empty.write_bytes(b"")
    assert not sniff(binary) and not sniff(empty)


# --- other editions (synthetic workbooks) -----------------------------------------------------------------------

TITLE_2 = [None, "Table 2 : Defence expenditure"]
UNIT_2 = [None, "Million US dollars"]
NOTES = [None, None, "Notes: Figures for 2023 are estimates. The NATO Total aggregates include Iceland."]


def test_blocks_in_another_order_text_years_extra_country_and_an_error_cell(tmp_path):
    result = read_synthetic(
        tmp_path,
        {
            "TABLE2": [
                TITLE_2,
                UNIT_2,
                [None, None, None, "2022", "2023e"],  # every year as text
                [None, "Constant 2020 prices and exchange rates"],  # constant block first
                [None, None, "Albania", 100.0, 110.0],
                [None, None, "United States", 1000.0, "#DIV/0!"],
                [None, None, "Iceland", 5.0, 6.0],  # a country the 2024 tables do not have in Table 2
                [None, "NATO Europe and Canada", None, 105.0, 116.0],
                [None, "NATO Total", None, 1105.0, 1116.0],
                [None, "Current prices and exchange rates"],
                [None, None, None, "2021", "2022", "2023e"],  # the block's own header, one more year
                [None, None, "Albania", 80.0, 90.0, 95.0],
                [None, None, "United States", 900.0, 950.0, 990.0],
                [None, "NATO Total", None, 980.0, 1040.0, 1085.0],
                [],
                NOTES,
                [None, "-8-"],
            ]
        },
    )
    lines = result.lines
    # the error cell is the one rejected figure: a failed formula is not read as 0 nor as a missing figure
    assert result.rejected.select("sheet", "row", "column", "rule", "value").rows() == [
        ("TABLE2", 6, "2023e", SPREADSHEET_ERROR_RULE, "#DIV/0!")
    ]
    assert contract_rejections(result, measures=nato.MEASURES).height == 0
    constant = lines.filter(pl.col("row") == 5)
    assert constant["measure"].to_list() == ["defence_expenditure_constant_usd"] * 2
    assert constant["price_basis"].to_list() == ["constant_2020"] * 2
    assert constant["period"].to_list() == [2022, 2023] and constant["is_estimate"].to_list() == [False, True]
    assert lines.filter(pl.col("row") == 6)["period"].to_list() == [2022]
    assert lines.filter(pl.col("row") == 7)["entity_code"].to_list() == ["ISL", "ISL"]
    current = lines.filter(pl.col("row") == 12)
    assert current["period"].to_list() == [2021, 2022, 2023]
    assert set(current["measure"]) == {"defence_expenditure_current_usd"}
    total = lines.filter(pl.col("row") == 9).row(0, named=True)
    assert total["footnotes"] == "The NATO Total aggregates include Iceland."

    checks = {(r["row"], r["check"].rsplit(", ", 1)[1]): r for r in result.reconciliations.iter_rows(named=True)}
    assert checks[(9, "2022")]["passed"] and checks[(9, "2022")]["computed"] == 1105.0
    assert checks[(8, "2022")]["passed"]  # Albania + Iceland
    # 2023: the United States figure is an error cell, so the members add up to 116, not the 1116 stated.
    assert (checks[(9, "2023")]["computed"], checks[(9, "2023")]["passed"]) == (116.0, False)
    assert checks[(14, "2021")]["passed"] and checks[(14, "2023")]["passed"]


def test_national_currency_labels_markers_and_unknown_names(tmp_path):
    result = read_synthetic(
        tmp_path,
        {
            "TABLE1": [
                [None, "Table 1 : Defence expenditure"],
                [None, "Million national currency units"],
                [None, None, None, 2009, 2010],
                [None, "Current prices"],
                [None, None, "Slovak Republic   (Koruny)", 10.0, None],  # a blank cell in a labelled row
                [None, None, "Norway*   (Kroner)", 20.0, "21.5"],  # a number written as text
                [None, None, "Ruritania   (Crowns)", 1.0, 2.0],
                [None, None, "Albania   (Lek notes)", 1.0, 2.0],
                [None, None, "Greece   (Euros)", "n.a.", "x"],  # words only: still a data row, not a heading
                [None, None, "Croatia   (Kuna)", 3.0, "n/a"],
                [None, None, "*  Allies with a 2% rule."],
            ]
        },
    )
    lines = result.lines
    slovakia = lines.filter(pl.col("row") == 5)
    assert slovakia["currency"].to_list() == ["SKK", "SKK"]
    assert slovakia["missing_marker"].to_list() == [None, "empty"]
    norway = lines.filter(pl.col("row") == 6)
    assert norway["value"].to_list() == [20.0, 21.5] and set(norway["currency"]) == {"NOK"}
    assert set(norway["footnotes"]) == {"Allies with a 2% rule."}
    croatia = lines.filter(pl.col("row") == 10).row(0, named=True)  # the 'n/a' cell of 2010 is rejected
    assert (croatia["period"], croatia["currency"], croatia["measure"]) == (
        2009,
        "HRK",
        "defence_expenditure_current_local_currency",
    )
    number_rule = "type: number"
    assert result.rejected.select("row", "column", "rule", "value").rows() == [
        (7, "row label", nato.NATION_RULE, "Ruritania   (Crowns)"),
        (8, "row label", "currency named in the label and known (nato.CURRENCY_NAMES)", "Albania   (Lek notes)"),
        (9, "2009", number_rule, "n.a."),
        (9, "2010", number_rule, "x"),
        (10, "2010", number_rule, "n/a"),
    ]


def test_shares_before_changes_and_a_nominal_share_of_gdp(tmp_path):
    result = read_synthetic(
        tmp_path,
        {
            "TABLE3": [
                [None, "Table 3 : Defence expenditure as a share of GDP and annual real change"],
                [None, "Based on 2020 prices"],
                [None, None, None, 2022, "2023e"],
                [None, "Annual real change (%)"],
                [None, None, "France", 1.5, 2.5],
                [None, "Share of GDP (%)"],
                [None, None, "France", 1.9, 2.1],
            ]
        },
    )
    measures = dict(result.lines.select("row", "measure").unique().iter_rows())
    assert measures == {5: "defence_expenditure_real_change_pct", 7: "defence_expenditure_share_of_gdp"}


def test_an_unknown_block_is_rejected_not_guessed(tmp_path):
    result = read_synthetic(
        tmp_path,
        {
            "TABLE9": [
                [None, "Table 9 : Defence expenditure"],
                [None, "Million US dollars"],
                [None, None, None, 2022, 2023],
                [None, "Ammunition stocks"],
                [None, None, "France", 1.0, 2.0],
            ]
        },
    )
    assert result.lines.height == 0
    assert set(result.rejected["rule"]) == {"NATO block known (title, unit row, block heading and column header)"}
    assert result.rejected["column"].to_list() == ["2022", "2023"]


def test_a_missing_sheet_and_a_sheet_without_title(tmp_path):
    personnel = [
        [None, None, "Table 7 : Military personnel"],
        [None, None, "Thousands"],
        [None, None, None, None, "2022", "2023e"],
        [None, None, None, "France", 200.0, 201.0],
        [None, None, "NATO Total", None, 200.0, 201.0],
    ]
    result = read_synthetic(tmp_path, {"Cover": [["NATO defence expenditure"]], "TABLE7": personnel})
    assert result.lines["measure"].unique().to_list() == ["military_personnel"]
    assert result.reconciliations["passed"].to_list() == [True, True]
    assert any("Cover" in note for note in result.notes)


def test_the_real_tables_skip_no_sheet_and_no_column(result):
    assert result.skipped == ()


def test_a_row_label_with_a_line_break_in_its_cell_is_read_as_one_name(tmp_path):
    personnel = [
        [None, None, "Table 7 : Military personnel"],
        [None, None, "Thousands"],
        [None, None, None, None, "2022", "2023e"],
        [None, None, None, "United\nKingdom", 150.0, 151.0],
        [None, None, None, "France", 200.0, 201.0],
        [None, None, "NATO Total", None, 350.0, 352.0],
    ]
    result = read_synthetic(tmp_path, {"TABLE7": personnel})
    british = result.lines.filter(pl.col("entity_code") == "GBR")
    assert british["value"].to_list() == [150.0, 151.0]
    assert british["entity_name"].unique().to_list() == ["United Kingdom"]
    assert result.reconciliations["passed"].to_list() == [True, True]


def test_skipped_names_a_sheet_without_title_and_a_column_under_no_year(tmp_path):
    personnel = [
        [None, None, "Table 7 : Military personnel"],
        [None, None, "Thousands"],
        [None, None, None, None, "2022", "2023e"],
        [None, None, None, "France", 200.0, 201.0, 3.5],
        [None, None, "NATO Total", None, 200.0, 201.0, 3.5],
    ]
    result = read_synthetic(tmp_path, {"Cover": [["NATO defence expenditure"]], "TABLE7": personnel})
    assert result.skipped == (
        "sheet 'Cover' skipped: no title row such as 'Table 2 : Defence expenditure' (not a NATO table)",
        "column G of sheet 'TABLE7' skipped: neither the row label nor under a year header (2 filled cells in data "
        "rows, e.g. row 4: '3.5')",
    )


def test_a_workbook_without_tables_or_without_years_is_a_clear_error(tmp_path):
    no_table = write_workbook(tmp_path / "a.xlsx", {"Sheet": [["hello"]]})
    with pytest.raises(InputFileError, match=r"a\.xlsx.*no sheet has a NATO title row"):
        nato.read(no_table, "a.xlsx", default_names())
    no_years = write_workbook(tmp_path / "b.xlsx", {"TABLE2": [TITLE_2, UNIT_2, [None, None, "France", 1.0]]})
    with pytest.raises(InputFileError, match=r"b\.xlsx, sheet 'TABLE2'.*no year header row"):
        nato.read(no_years, "b.xlsx", default_names())


def test_a_truncated_copy_is_a_clear_error(tmp_path):
    data = shared_file(NATO_FILE).read_bytes()
    half = tmp_path / "half.xlsx"
    half.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputFileError, match=r"half\.xlsx"):
        nato.read(half, "half.xlsx", default_names())
    with pytest.raises(InputFileError, match=r"half\.xlsx.*truncated or corrupted"):
        sniff(half)  # detection reports the broken zip too, naming the file
