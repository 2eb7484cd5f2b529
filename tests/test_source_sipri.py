"""SIPRI Military Expenditure Database workbooks, on the two real files in ../shared/data and on small synthetic
workbooks that change what changes between editions (header row, leading columns, year types, missing sheets,
markers, colour styles).

Expected values from the real files were read by hand with openpyxl; each names its sheet and cell.
"""

from __future__ import annotations

import os

import openpyxl
import polars as pl
import pytest
from openpyxl.styles import Font
from openpyxl.styles.colors import Color

from pipelines.errors import InputFileError
from pipelines.sources import sipri
from pipelines.sources.budget_lines import default_names
from pipelines.sources.probe import Probe
from tests.conftest import SHARED_DATA, shared_file
from tests.source_helpers import contract_rejections

FULL = "sipri/SIPRI-Milex-data-1949-2024_2.xlsx"
PARTIAL = "sipri/SIPRI-Milex-data-2017-2025.xlsx"


@pytest.fixture(scope="module")
def full():
    return sipri.read(shared_file(FULL), "full.xlsx", default_names())


@pytest.fixture(scope="module")
def partial():
    return sipri.read(shared_file(PARTIAL), "partial.xlsx", default_names())


def line(result, sheet: str, name: str, column: str) -> dict:
    found = result.lines.filter(
        (pl.col("sheet") == sheet) & (pl.col("entity_name") == name) & (pl.col("source_column") == column)
    )
    assert found.height == 1, (sheet, name, column, found.height)
    return found.row(0, named=True)


# --- the 1949-2024 workbook (April 2025 release) ---------------------------------------------------------------


def test_full_workbook_reads_every_figure_and_passes_the_contract(full):
    assert full.rejected.height == 0
    assert contract_rejections(full, measures=sipri.MEASURES).height == 0
    counts = dict(full.lines.group_by("sheet").len().iter_rows())
    # 174 country rows (198 rows under the header, less blank and 18 heading rows) x 76 years 1949-2024
    for sheet in ("Local currency financial years", "Local currency calendar years", "Constant (2023) US$"):
        assert counts[sheet] == 174 * 76
    assert counts["Current US$"] == counts["Share of GDP"] == 174 * 76
    assert counts["Per capita"] == counts["Share of Govt. spending"] == 174 * 37  # 1988-2024
    assert counts["Regional totals"] == 19 * 38  # 19 rows x (1988-2024 + "2024 (current prices)")
    assert full.edition == "data 1949-2024, constant (2023) US$ (© SIPRI 2024 header)"
    assert any("Front page" in note for note in full.notes)


def test_full_values_from_the_issue(full):
    usa = line(full, "Current US$", "United States of America", "2024")  # Current US$ BZ79: 997309
    assert (usa["value"], usa["row"], usa["entity_code"], usa["unit_factor"]) == (997309.0, 79, "USA", 1e6)
    assert (usa["currency"], usa["price_basis"], usa["unit"]) == ("USD", "current", "US$ millions, current prices")
    assert usa["is_estimate"] is False and usa["is_highly_uncertain"] is False

    china = line(full, "Current US$", "China", "2024")  # Current US$ BZ106: 313658.330..., blue (indexed 12)
    assert china["value"] == pytest.approx(313658.3302171763)
    assert china["is_estimate"] is True and china["is_highly_uncertain"] is False

    share = line(full, "Share of GDP", "United States of America", "2024")  # Share of GDP BZ79: 0.0341921653...
    assert share["value"] == pytest.approx(3.419216532280439)
    assert (share["unit"], share["currency"], share["price_basis"]) == ("percent of GDP", None, None)

    ussr = line(full, "Current US$", "USSR", "2000")  # Current US$ BB160: "xxx"
    assert (ussr["value"], ussr["missing_marker"], ussr["entity_code"]) == (None, "xxx", "SUN")
    assert ussr["entity_kind"] == "historical_state"


def test_full_red_figures_are_highly_uncertain(full):
    egypt = line(full, "Local currency financial years", "Egypt", "2024")  # CB187: 115655600000, red (indexed 10)
    assert egypt["value"] == 115655600000.0
    assert egypt["is_highly_uncertain"] is True and egypt["is_estimate"] is False


def test_full_footnotes_resolve_in_this_file_and_section_means_enacted(full):
    algeria = line(full, "Current US$", "Algeria", "2024")  # Notes B10: "§4"; Footnotes A15 = 4 -> Algeria
    assert algeria["phase"] == "enacted" and algeria["fdp_phase"] == "approved"
    assert algeria["footnotes"].startswith(
        "§ Figures for these countries are for the adopted budget, rather than actual expenditure; "
        "4 Algeria: The figures for Algeria are budget figures from 2004."
    )
    usa = line(full, "Current US$", "United States of America", "2024")  # Notes B79: "44", no symbol
    assert usa["phase"] == "actual" and usa["footnotes"].startswith("44 ")


def test_full_local_currency_financial_years(full):
    india = line(full, "Local currency financial years", "India", "2024")  # CB103: 7308354000000, "Apr-Mar"
    assert india["value"] == 7308354000000.0
    assert (india["period_type"], india["fiscal_year_start_month"], india["currency"]) == ("fiscal_year", 4, "INR")
    assert india["unit"] == "Rupees (local currency), current prices" and india["unit_factor"] == 1.0
    assert "Financial year: Apr-Mar" in india["footnotes"]
    # Brunei row 115, "Till: 2002 Jan-Dec, 2003: Jan-Mar, From 2004: Apr-Mar": BF115 405000000, BH115 308000000
    brunei = {y: line(full, "Local currency financial years", "Brunei", y) for y in ("2002", "2003", "2004")}
    assert [brunei[y]["fiscal_year_start_month"] for y in ("2002", "2003", "2004")] == [1, 1, 4]
    assert (brunei["2002"]["value"], brunei["2004"]["value"], brunei["2004"]["currency"]) == (4.05e8, 3.08e8, "BND")
    usa = line(full, "Local currency financial years", "United States of America", "2024")  # fiscal year blank
    assert usa["fiscal_year_start_month"] == 1  # the header: "Fiscal Year (Jan-Dec if not stated)"
    kuwait = line(full, "Local currency financial years", "Kuwait", "2024")  # "See footnote"
    assert (kuwait["period_type"], kuwait["fiscal_year_start_month"]) == ("fiscal_year", None)
    calendar = line(full, "Local currency calendar years", "India", "2024")
    assert (calendar["period_type"], calendar["fiscal_year_start_month"]) == ("calendar_year", None)


def test_full_currencies_are_iso_or_null_with_the_name_in_unit(full):
    local = full.lines.filter(pl.col("measure") == "milex_local_currency")
    unmapped = set(local.filter(pl.col("currency").is_null())["entity_code"])
    assert unmapped == {"SUN", "DDR", "CSK", "YUG", "YAR"}  # Roubles, Marks, Korunas, Dinar, Rials of gone states
    gdr = line(full, "Local currency calendar years", "German Democratic Republic", "1980")
    assert gdr["unit"] == "Marks (local currency), current prices"
    assert line(full, "Local currency calendar years", "Benin", "2024")["currency"] == "XOF"
    assert line(full, "Local currency calendar years", "Gabon", "2024")["currency"] == "XAF"


def test_full_entities(full):
    eu = line(full, "Current US$", "European Union", "2023")  # Current US$ BY182: 1273.76...
    assert (eu["entity_code"], eu["entity_kind"], eu["value"]) == ("EU", "aggregate", pytest.approx(1273.7628618718))
    kinds = full.lines.filter(pl.col("sheet") != "Regional totals").group_by("entity_kind").agg(pl.col("entity_code"))
    historical = set(dict(kinds.iter_rows())["historical_state"])
    assert historical == {"SUN", "DDR", "CSK", "YUG", "YAR"}


def test_full_regional_totals(full):
    world = line(full, "Regional totals", "World", "2024")  # Regional totals AL15: 2676.51..., US$ b. at 2023 prices
    assert world["value"] == pytest.approx(2676.5138864674996)
    assert (world["entity_code"], world["entity_kind"], world["is_total"]) == ("WLD", "aggregate", True)
    assert (world["unit_factor"], world["price_basis"]) == (1e9, "constant_2023")
    assert world["unit"] == "US$ billions, constant (2023) prices"
    current = line(full, "Regional totals", "World", "2024 (current prices)")  # AM15: 2718.18...
    assert current["value"] == pytest.approx(2718.18371875139)
    assert (current["measure"], current["price_basis"], current["period"]) == ("milex_current_usd", "current", 2024)
    gap = line(full, "Regional totals", "World", "1991")  # E15: "..."
    assert (gap["value"], gap["missing_marker"]) == (None, "...")
    africa = line(full, "Regional totals", "Africa", "1988")  # B16: 20.855..., red; AO16 "Djibouti, Eritrea, Somalia"
    assert (africa["entity_code"], africa["entity_kind"]) == ("SIPRI:AFRICA", "region")
    assert africa["is_highly_uncertain"] is True
    assert africa["footnotes"] == (
        "Omitted from the estimate: Djibouti, Eritrea, Somalia; "
        "Red: more than 10% of the total figure consists of estimates for countries with missing data"
    )
    assert line(full, "Regional totals", "Asia & Oceania", "2024")["entity_code"] == "SIPRI:ASIA_OCEANIA"


def test_full_reconciliations(full):
    checks = full.reconciliations
    regional = checks.filter(pl.col("sheet") == "Regional totals")
    assert regional.height > 0 and regional["passed"].all()  # the regions add up to World, subregions to regions
    world = "World = sum of Africa, Americas, Asia & Oceania, Europe, Middle East"
    world_2024 = regional.filter(
        pl.col("check").is_in([f"{world}, 2024, constant (2023) US$", f"{world}, 2024, current US$"])
    )
    assert world_2024["stated"].to_list() == [pytest.approx(2676.5138864674996), pytest.approx(2718.18371875139)]
    failed = checks.filter(~pl.col("passed"))
    # Myanmar 2023: Current US$ BY118 2493.486... but Constant (2023) US$ BZ118 3140.224...
    assert failed.select("sheet", "row").rows() == [("Current US$", 118)]
    assert failed["stated"][0] == pytest.approx(2493.4864513424823)
    assert failed["computed"][0] == pytest.approx(3140.2245375400666)
    assert checks.filter(pl.col("sheet") == "Current US$").height > 150  # one per country with both figures


# --- the partial export (Central Asia and Europe, 2017-2024) ---------------------------------------------------


def test_partial_export_reads_and_passes_the_contract(partial):
    assert partial.rejected.height == 0
    assert contract_rejections(partial, measures=sipri.MEASURES).height == 0
    assert partial.edition == "data 2017-2024, constant (2024) US$ (© SIPRI 2024 header)"
    assert set(partial.lines["sheet"]) == {
        "Regional totals", "Local currency financial years", "Local currency calendar years", "Constant (2024) US$",
        "Current US$", "Share of GDP", "Per capita", "Share of Govt. spending",
    }  # fmt: skip


def test_partial_values_flags_and_float_year_headers(partial):
    kazakhstan = line(partial, "Constant (2024) US$", "Kazakhstan", "2017")  # D10: 1686.444990596407, header 2017.0
    assert kazakhstan["value"] == pytest.approx(1686.444990596407)
    assert (kazakhstan["period"], kazakhstan["price_basis"]) == (2017, "constant_2024")
    tajikistan = line(partial, "Current US$", "Tajikistan", "2017")  # C11: 78.305..., blue; Notes B11 "§"
    assert tajikistan["value"] == pytest.approx(78.30524163546994)
    assert tajikistan["is_estimate"] is True and tajikistan["phase"] == "enacted"
    uzbekistan = line(partial, "Current US$", "Uzbekistan", "2018")  # D13: 1440.385..., red
    assert uzbekistan["value"] == pytest.approx(1440.3850722075165)
    assert uzbekistan["is_highly_uncertain"] is True and uzbekistan["is_estimate"] is False
    assert line(partial, "Current US$", "Uzbekistan", "2017")["missing_marker"] == "..."  # C13
    assert line(partial, "Current US$", "Czechoslovakia", "2017")["missing_marker"] == "xxx"


def test_partial_financial_year_and_its_own_footnote_numbers(partial):
    uk = line(partial, "Local currency financial years", "United Kingdom", "2017")  # E63: 40889000000, "Apr-Mar"
    assert (uk["value"], uk["currency"], uk["fiscal_year_start_month"]) == (40889000000.0, "GBP", 4)
    # Notes D63 "26"; in this file's Footnotes A37 26 is the UK (in the full workbook 26 is Madagascar)
    assert uk["footnotes"].startswith("26 UK: From 2001, the UK moved from a cash based accounting system")
    uk_calendar = line(partial, "Local currency calendar years", "United Kingdom", "2017")  # D62: 40609000000
    assert (uk_calendar["value"], uk_calendar["period_type"]) == (40609000000.0, "calendar_year")
    bosnia = line(partial, "Local currency financial years", "Bosnia and Herzegovina", "2017")  # "†§¶4", E19
    assert bosnia["value"] == 271148000.0 and bosnia["currency"] == "BAM"
    assert "4 Bosnia and Herzegovina: The figures for Bosnia and Herzegovina from 2005" in bosnia["footnotes"]


def test_partial_base_year_checks_fail_as_the_file_is_labelled(partial):
    """The export names its sheet "Constant (2024) US$" but its 2024 figures are not the current 2024 ones."""
    failed = partial.reconciliations.filter(~pl.col("passed"))
    kazakhstan = failed.filter(pl.col("check").str.starts_with("Kazakhstan 2024"))
    # Current US$ J10 1208.9679... against Constant (2024) US$ K10 1145.0258...
    assert kazakhstan.select("stated", "computed").rows() == [
        (pytest.approx(1208.9679058981856), pytest.approx(1145.0258769711013))
    ]
    world = failed.filter(pl.col("check").str.starts_with("World 2024"))  # Regional totals J15 vs I15
    assert world.select("stated", "computed").rows() == [(pytest.approx(2718.18371875139), pytest.approx(2676.51388))]
    sums = partial.reconciliations.filter(pl.col("check").str.contains(" = sum of "))
    assert sums.height > 0 and sums["passed"].all()


# --- detection -------------------------------------------------------------------------------------------------


def sniffs(path) -> bool:
    probe = Probe(path, path.name)
    try:
        return sipri.sniff(probe)
    finally:
        probe.close()


def test_sniff_finds_both_sipri_files_and_no_other_real_file():
    shared_file(FULL)
    files = [p for p in sorted(SHARED_DATA.rglob("*")) if p.is_file()]
    found = {str(p.relative_to(SHARED_DATA)) for p in files if sniffs(p)}
    assert found == {FULL, PARTIAL}
    assert len(files) > 40  # DoD exhibits, Green Book, NATO, World Bank, OWID, strategy text


def test_sniff_is_false_for_a_binary_and_an_empty_file(tmp_path):
    (tmp_path / "random.bin").write_bytes(os.urandom(4096))
    (tmp_path / "empty.xlsx").write_bytes(b"")
    (tmp_path / "fake.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(500))
    assert not any(sniffs(tmp_path / name) for name in ("random.bin", "empty.xlsx", "fake.xlsx"))


# --- broken files ----------------------------------------------------------------------------------------------


def test_a_truncated_copy_is_a_clear_error(tmp_path):
    data = shared_file(FULL).read_bytes()
    path = tmp_path / "half.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputFileError, match="half.xlsx"):
        sipri.read(path, "half.xlsx", default_names())


def test_a_corrupted_copy_is_a_clear_error(tmp_path):
    data = bytearray(shared_file(PARTIAL).read_bytes())
    data[len(data) // 3 : len(data) // 3 + 2000] = bytes(2000)  # zero a stretch of compressed sheet data
    path = tmp_path / "zeroed.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(InputFileError, match="zeroed.xlsx"):
        sipri.read(path, "zeroed.xlsx", default_names())


# --- synthetic editions ----------------------------------------------------------------------------------------

TITLE = "Military expenditure by country, in millions of US$ at current prices, 2019-2021      © SIPRI 2022"
FOOTNOTES = [
    ["Footnotes and special notes"],
    [None],
    ["§", "Figures for these countries are for the adopted budget, rather than actual expenditure"],
    ["‡", "Figures for these countries are for current spending only"],
    [5, None, "France: five."],
    [6.0, None, "France: six."],
]


def build(tmp_path, sheets: dict[str, list[list]], fonts: dict[tuple[str, str], Font] | None = None):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    for (title, cell), font in (fonts or {}).items():
        book[title][cell].font = font
    path = tmp_path / "sipri.xlsx"
    book.save(path)
    return path


def read(path):
    return sipri.read(path, "x.xlsx", default_names())


def test_header_row_moved_years_of_every_type_and_every_marker(tmp_path):
    current = [
        [TITLE],
        ["Figures are in US $m., in current prices."],
        [],
        [],
        ["Country", "ISO", "Notes", 2019, 2020.0, "2021", "Remarks"],  # header on row 5; an unknown column
        ["Europe"],
        ["France", "FRA", "‡5,6", 50000.5, "...", ". .", "kept out"],
        ["Germany", "DEU", "", "xxx", None, " 51000 ", None],
    ]
    path = build(tmp_path, {"Current US$": current, "Share of GDP": [[TITLE], ["Country", 2019], ["France", 0.02]]})
    result = read(path)
    lines = result.lines.sort("sheet", "row", "period")
    assert lines.select("row", "source_column", "period", "value", "missing_marker").rows() == [
        (7, "2019", 2019, 50000.5, None),
        (7, "2020", 2020, None, "..."),
        (7, "2021", 2021, None, ". ."),
        (8, "2019", 2019, None, "xxx"),
        (8, "2020", 2020, None, "empty"),
        (8, "2021", 2021, 51000.0, None),  # a number written as text
        (3, "2019", 2019, 2.0, None),  # Share of GDP: 0.02 -> 2 percent, header on row 2
    ]
    france = lines.filter(pl.col("row") == 7).row(0, named=True)
    unresolved = "(not in the Footnotes sheet)"
    assert france["footnotes"] == f"‡ {unresolved}; 5 {unresolved}; 6 {unresolved}"
    assert france["unit_factor"] == 1e6 and france["phase"] == "actual"
    assert any("no Footnotes sheet" in note for note in result.notes)
    assert any("Regional totals" in note and "partial export" in note for note in result.notes)
    assert any("1 rows with a name and no figures" in note for note in result.notes)


def test_footnote_numbers_as_floats_and_ints_resolve(tmp_path):
    sheets = {
        "Current US$": [[TITLE], ["Country", "Notes", 2019], ["France", "§5,6", 1.0]],
        "Per capita": [
            ["Military expenditure per capita by country © SIPRI 2022"],
            ["Figures are in current US$"],
            ["Country", "Notes", 2019],
            ["France", 6, 10.0],
        ],
        "Footnotes": FOOTNOTES,
    }
    lines = read(build(tmp_path, sheets)).lines
    current = lines.filter(pl.col("sheet") == "Current US$").row(0, named=True)
    assert current["footnotes"] == (
        "§ Figures for these countries are for the adopted budget, rather than actual expenditure; "
        "5 France: five.; 6 France: six."
    )
    assert current["phase"] == "enacted"
    per_capita = lines.filter(pl.col("sheet") == "Per capita").row(0, named=True)
    assert (per_capita["footnotes"], per_capita["unit_factor"], per_capita["unit"]) == (
        "6 France: six.",
        1.0,
        "US$ per person, current prices",
    )


def test_leading_columns_found_by_text_in_any_order(tmp_path):
    financial = [
        ["Military expenditure by country, in local currency, 2019-2021 © SIPRI 2022"],
        ["Figures are in local currency at current prices and are for financial years."],
        ["Notes", None, None],
        ["Country", "Notes", 2019, 2020, "Currency", "Financial year (Jan-Dec if not stated)"],
        ["India", "", 100.0, 110.0, "Rupees", "Apr-Mar"],
        ["Kenya", "", 5.0, 6.0, "Shillings ", ""],
        ["Ghana", "", 7.0, 8.0, "Cedis", "Till: 2019 Jan-Dec, From 2020 Till: 2020 Jul-Jun, From 2021: Oct-Sep"],
        ["USSR", "", "xxx", "xxx", "Roubles", "It's complicated (see footnote)"],
    ]
    share = [["Country", 2019], ["Kenya", 0.01]]
    lines = read(build(tmp_path, {"Local currency financial years": financial, "Share of GDP": share})).lines
    rows = lines.filter(pl.col("measure") == "milex_local_currency").sort("row", "period")
    assert rows.select("entity_code", "period", "value", "currency", "fiscal_year_start_month").rows() == [
        ("IND", 2019, 100.0, "INR", 4),
        ("IND", 2020, 110.0, "INR", 4),
        ("KEN", 2019, 5.0, "KES", 1),  # blank: the header's "Jan-Dec if not stated"
        ("KEN", 2020, 6.0, "KES", 1),
        ("GHA", 2019, 7.0, "GHS", 1),
        ("GHA", 2020, 8.0, "GHS", 7),
        ("SUN", 2019, None, None, None),
        ("SUN", 2020, None, None, None),
    ]
    assert set(rows["period_type"]) == {"fiscal_year"}
    assert rows.filter(pl.col("entity_code") == "SUN")["unit"][0] == "Roubles (local currency), current prices"


def test_sheets_found_by_name_pattern_with_the_base_year_in_the_name(tmp_path):
    sheets = {
        "Constant (2022)  US$": [[TITLE.replace("current prices", "constant (2022) prices")], ["US $m."],
                                 ["Country", "", "Notes", 2021, 2022], ["Japan", None, "", 40000.0, 46000.0]],
        "Current US$": [[TITLE], ["Country", "Notes", 2022], ["Japan", "", 46000.0]],
        "Share of Govt. spending": [[TITLE], ["Country", "Notes", "Reporting year", 2022],
                                    ["Japan", "", "Apr-Mar", 0.025]],
        "Notes on methods": [["not a data sheet"]],
    }  # fmt: skip
    result = read(build(tmp_path, sheets))
    constant = result.lines.filter(pl.col("measure") == "milex_constant_usd").sort("period")
    assert constant.select("price_basis", "unit").rows()[0] == ("constant_2022", "US$ millions, constant (2022) prices")
    government = result.lines.filter(pl.col("measure") == "milex_share_of_government_spending").row(0, named=True)
    assert (government["value"], government["period_type"], government["fiscal_year_start_month"]) == (
        2.5,
        "fiscal_year",
        4,
    )
    assert government["footnotes"] == "Reporting year: Apr-Mar"
    assert result.reconciliations.select("check", "passed").rows() == [
        ("Japan 2022: current US$ = constant (2022) US$ in the base year", True)
    ]
    assert any("Notes on methods" in note for note in result.notes)
    assert "constant (2022) US$" in result.edition and "© SIPRI 2022" in result.edition


def test_flags_from_indexed_rgb_and_theme_colours(tmp_path):
    rows = [[TITLE], ["Country", "Notes", 2016, 2017, 2018, 2019, 2020, 2021, 2022]]
    rows += [["France", "", 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, "..."]]
    fonts = {
        ("Current US$", "C3"): Font(color=Color(indexed=12)),  # SIPRI's blue
        ("Current US$", "D3"): Font(color=Color(indexed=10)),  # SIPRI's red
        ("Current US$", "E3"): Font(color="FF0000FF"),  # RGB blue
        ("Current US$", "F3"): Font(color="FFFF0000"),  # RGB red
        ("Current US$", "G3"): Font(color=Color(theme=4)),  # accent1 of the default theme: blue 4F81BD
        ("Current US$", "H3"): Font(color=Color(indexed=8)),  # black
        ("Current US$", "I3"): Font(color=Color(indexed=12)),  # a blue "..." flags nothing
    }
    result = read(build(tmp_path, {"Current US$": rows, "Per capita": [[TITLE], ["Country", 2019]]}, fonts))
    flags = result.lines.sort("period").select("is_estimate", "is_highly_uncertain").rows()
    assert flags == [(True, False), (False, True), (True, False), (False, True), (True, False), (False, False),
                     (False, False)]  # fmt: skip
    assert any("font colour of 1 missing-data cells" in note for note in result.notes)


def test_regional_totals_hierarchy_from_bold_rows(tmp_path):
    rows = [
        ["Military expenditure by region in constant US dollars © SIPRI 2022"],
        ["Figures are in US$ b., at constant 2021 prices and exchange rates."],
        ["Region", 2020, 2021, "2021 (current prices)", "", "Omitted countries"],
        ["World", 30.0, 33.0, 33.0, None, ""],
        ["Africa", 10.0, 11.0, 11.0, None, "Somalia"],
        ["North Africa", 4.0, 5.0, 5.0],
        ["sub-Saharan Africa", 6.0, 6.0, 6.5],
        ["Middle East", 20.0, 22.0, 22.0],
    ]
    bold = Font(bold=True)
    fonts = {("Regional totals", f"A{r}"): bold for r in (4, 5, 8)}
    result = read(build(tmp_path, {"Regional totals": rows, "Current US$": [[TITLE], ["Country", 2021]]}, fonts))
    checks = dict(result.reconciliations.select("check", "passed").iter_rows())
    assert checks == {
        "World = sum of Africa, Middle East, 2020, constant (2021) US$": True,
        "World = sum of Africa, Middle East, 2021, constant (2021) US$": True,
        "World = sum of Africa, Middle East, 2021, current US$": True,
        "Africa = sum of North Africa, sub-Saharan Africa, 2020, constant (2021) US$": True,
        "Africa = sum of North Africa, sub-Saharan Africa, 2021, constant (2021) US$": True,
        "Africa = sum of North Africa, sub-Saharan Africa, 2021, current US$": False,  # 11 against 11.5
        "World 2021: current US$ = constant (2021) US$ in the base year": True,
        "Africa 2021: current US$ = constant (2021) US$ in the base year": True,
        "North Africa 2021: current US$ = constant (2021) US$ in the base year": True,
        "sub-Saharan Africa 2021: current US$ = constant (2021) US$ in the base year": False,  # 6.5 against 6
        "Middle East 2021: current US$ = constant (2021) US$ in the base year": True,
    }
    world = result.lines.filter(pl.col("entity_code") == "WLD").sort("source_column")
    assert world.select("source_column", "unit_factor", "price_basis").rows() == [
        ("2020", 1e9, "constant_2021"),
        ("2021", 1e9, "constant_2021"),
        ("2021 (current prices)", 1e9, "current"),
    ]
    assert set(result.lines["is_total"]) == {True}


def test_unknown_names_and_text_figures_are_rejected_with_their_cell(tmp_path):
    rows = [[TITLE], ["Country", "Notes", 2020, 2021], ["Atlantis", "", 1.0, 2.0], ["France", "", "n/a", 3.0],
            [None, None, 4.0, 5.0]]  # fmt: skip
    result = read(build(tmp_path, {"Current US$": rows, "Share of GDP": [[TITLE], ["Country", 2021]]}))
    assert result.rejected.select("sheet", "row", "column", "rule", "value").rows() == [
        ("Current US$", 3, "Country", "nation name known (data_raw/reference/nation_names.csv)", "Atlantis"),
        ("Current US$", 4, "2020", 'a number or a SIPRI missing marker ("...", ". .", "xxx")', "n/a"),
        ("Current US$", 5, "Country", "a row of figures names its country or region", "4"),
    ]
    assert result.lines.select("entity_code", "period", "value").rows() == [("FRA", 2021, 3.0)]


def test_a_sheet_without_its_header_is_a_clear_error(tmp_path):
    path = build(tmp_path, {"Current US$": [[TITLE], ["Nation", 2020]], "Share of GDP": [[TITLE]]})
    with pytest.raises(InputFileError, match=r"x.xlsx, sheet 'Current US\$'.*no header row starting with 'Country'"):
        read(path)


def test_a_workbook_without_sipri_sheets_is_a_clear_error(tmp_path):
    path = build(tmp_path, {"Sheet1": [["hello"]]})
    with pytest.raises(InputFileError, match="x.xlsx.*without any SIPRI data sheet"):
        read(path)
