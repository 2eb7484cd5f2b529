"""SIPRI Military Expenditure Database workbooks, on the four real files in ../shared/data (the April 2025, 2020
and 2016 releases and a partial export of the 2025 release) and on small synthetic workbooks that change what
changes between editions (header row, leading columns, year types, missing sheets, markers, colour styles).

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
from pipelines.nations import default_names
from pipelines.sources import sipri
from pipelines.sources.probe import Probe
from tests.conftest import SHARED_DATA, shared_file
from tests.source_helpers import contract_rejections

FULL = "sipri/SIPRI-Milex-data-1949-2024_2.xlsx"
PARTIAL = "sipri/SIPRI-Milex-data-2017-2025.xlsx"
RELEASE_2020 = "sipri/SIPRI-Milex-data-1949-2019.xlsx"
RELEASE_2016 = "sipri/SIPRI-Milex-data-1988-2015.xlsx"


@pytest.fixture(scope="module")
def full():
    return sipri.read(shared_file(FULL), "full.xlsx", default_names())


@pytest.fixture(scope="module")
def partial():
    return sipri.read(shared_file(PARTIAL), "partial.xlsx", default_names())


@pytest.fixture(scope="module")
def release_2020():
    return sipri.read(shared_file(RELEASE_2020), "2020.xlsx", default_names())


@pytest.fixture(scope="module")
def release_2016():
    return sipri.read(shared_file(RELEASE_2016), "2016.xlsx", default_names())


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
    assert full.edition == "April 2025 release"  # the title rows say "© SIPRI 2024": not the release
    assert set(full.lines["edition"]) == {"April 2025 release"}
    assert "Data years read: 1949-2024." in full.notes
    assert (
        "Edition: April 2025 release, from the base year the data show (2023) + 2; the latest year of data (2024, "
        "also given at current prices) + 1 agrees." in full.notes
    )
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
    france = line(full, "Local currency financial years", "France", "2024")  # CB169 59789594000, C169 blank
    assert (france["value"], france["fiscal_year_start_month"]) == (pytest.approx(59789594000.0), 1)  # the header's
    assert (france["period_type"], france["fiscal_year_label"]) == ("fiscal_year", "start")  # "Jan-Dec if not stated"
    kuwait = line(full, "Local currency financial years", "Kuwait", "2024")  # "See footnote"
    assert (kuwait["period_type"], kuwait["fiscal_year_start_month"]) == ("fiscal_year", None)
    calendar = line(full, "Local currency calendar years", "India", "2024")
    assert (calendar["period_type"], calendar["fiscal_year_start_month"]) == ("calendar_year", None)


def test_full_us_figures_are_fiscal_years_as_footnote_44_says(full):
    """Footnote 44 (Footnotes A55): "USA: All figures for the USA are for financial year (1 Oct. of the previous year
    to 30 Sep. of the stated year) rather than calendar year." Every US line, in every sheet, is a fiscal year named
    by the year it ends; the start month is October from FY 1977 and July before (fiscal_years.csv)."""
    usa = full.lines.filter(pl.col("entity_code") == "USA")
    assert set(usa["sheet"]) == set(full.lines["sheet"]) - {"Regional totals"}
    assert set(usa["period_type"]) == {"fiscal_year"} and set(usa["fiscal_year_label"]) == {"end"}
    months = usa.group_by(pl.col("period") >= 1977).agg(pl.col("fiscal_year_start_month").unique())
    assert {after: sorted(m) for after, m in months.iter_rows()} == {False: [7], True: [10]}
    current = line(full, "Current US$", "United States of America", "2024")  # BZ79 997309
    assert (current["value"], current["period_type"], current["fiscal_year_start_month"]) == (
        997309.0,
        "fiscal_year",
        10,
    )
    assert current["footnotes"].startswith("44 USA: All figures for the USA are for financial year (1 Oct. of the")
    # The financial-years sheet's Fiscal Year cell C81 is blank ("Jan-Dec if not stated"): the footnote wins
    financial = line(full, "Local currency financial years", "United States of America", "1976")
    assert (financial["fiscal_year_start_month"], financial["fiscal_year_label"]) == (7, "end")
    # No other country's footnote says all its figures are for a financial year: the other sheets stay calendar years
    fiscal = full.lines.filter((pl.col("sheet") == "Current US$") & (pl.col("period_type") == "fiscal_year"))
    assert set(fiscal["entity_code"]) == {"USA"}
    assert any(note.startswith("Footnote 44 says all figures for USA are for a financial year") for note in full.notes)


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


def test_partial_export_reads_and_passes_the_contract(partial, full):
    assert partial.rejected.height == 0
    assert contract_rejections(partial, measures=sipri.MEASURES).height == 0
    # The same release as the full workbook, so the same edition (its Front page is the 2024 release's: not used)
    assert partial.edition == full.edition == "April 2025 release"
    assert "Data years read: 2017-2024." in partial.notes
    assert set(partial.lines["sheet"]) == {
        "Regional totals", "Local currency financial years", "Local currency calendar years", "Constant (2024) US$",
        "Current US$", "Share of GDP", "Per capita", "Share of Govt. spending",
    }  # fmt: skip


def test_partial_values_flags_and_float_year_headers(partial):
    kazakhstan = line(partial, "Constant (2024) US$", "Kazakhstan", "2017")  # D10: 1686.444990596407, header 2017.0
    assert kazakhstan["value"] == pytest.approx(1686.444990596407)
    assert (kazakhstan["period"], kazakhstan["price_basis"]) == (2017, "constant_2023")  # the base the data show
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


def test_partial_export_is_at_2023_prices_whatever_its_label_says(partial, full):
    """The export labels its sheet "Constant (2024) US$" and its Regional totals "constant 2024 prices", but its
    constant figures equal current US$ in 2023, for every country: they are at 2023 prices."""
    # Current US$ I10 1164.302584933854 = Constant (2024) US$ J10 1164.302584933854 (Kazakhstan 2023)
    kazakhstan = line(partial, "Constant (2024) US$", "Kazakhstan", "2023")
    assert (
        kazakhstan["value"] == line(partial, "Current US$", "Kazakhstan", "2023")["value"] == pytest.approx(1164.3026)
    )
    assert (kazakhstan["price_basis"], kazakhstan["unit"]) == ("constant_2023", "US$ millions, constant (2023) prices")
    assert kazakhstan["footnotes"].endswith(
        "sheet labelled Constant (2024) US$; figures at 2023 prices: constant equals current in 2023 "
        "(45 of 45 countries)"
    )
    # Regional totals I15: World 2024 = 2676.51..., the full workbook's World 2024 at constant (2023) prices (AL15)
    world = line(partial, "Regional totals", "World", "2024")
    assert world["value"] == line(full, "Regional totals", "World", "2024")["value"] == pytest.approx(2676.5138864675)
    assert (world["price_basis"], world["unit"]) == ("constant_2023", "US$ billions, constant (2023) prices")
    assert "sheet 'Regional totals' labelled constant 2024 prices; figures at 2023 prices" in world["footnotes"]
    assert line(partial, "Regional totals", "World", "2024 (current prices)")["price_basis"] == "current"  # J15
    assert line(partial, "Current US$", "Kazakhstan", "2023")["price_basis"] == "current"
    assert (
        "Mislabelled base year: sheet labelled Constant (2024) US$; figures at 2023 prices: constant equals current in "
        "2023 (45 of 45 countries). Recorded as constant_2023." in partial.notes
    )


def test_partial_reconciliations_pass_at_the_true_base(partial):
    checks = partial.reconciliations
    assert checks.height > 0 and checks["passed"].all()
    base_year = checks.filter(pl.col("check").str.ends_with("in the base year"))
    assert base_year.height == 45 and base_year["check"].str.contains(" 2023: ").all()  # one per country
    kazakhstan = base_year.filter(pl.col("check").str.starts_with("Kazakhstan"))
    assert kazakhstan.select("check", "stated", "computed").rows() == [
        (
            "Kazakhstan 2023: current US$ = constant (2023) US$ in the base year",
            pytest.approx(1164.302584933854),
            pytest.approx(1164.302584933854),
        )
    ]
    sums = checks.filter(pl.col("check").str.contains(" = sum of "))
    assert sums.height > 0 and sums["check"].str.contains(r"constant \(2023\) US\$|current US\$").all()


# --- the April 2020 release (data 1949-2019, constant 2018 US$) ------------------------------------------------


def test_2020_release_reads_with_its_one_error_cell_rejected(release_2020):
    # Share of Govt. spending M120 (Myanmar, 1997) holds #VALUE!: a formula that failed in SIPRI's file
    assert release_2020.rejected.select("sheet", "row", "column", "value").rows() == [
        ("Share of Govt. spending", 120, "1997", "#VALUE!")
    ]
    assert contract_rejections(release_2020, measures=sipri.MEASURES).height == 0
    assert release_2020.edition == "April 2020 release"  # its title rows say "© SIPRI 2020", the 2025 one's 2024
    assert "Data years read: 1949-2019." in release_2020.notes
    assert (
        "Constant-price base year 2018, as labelled: constant equals current in 2018 for 151 of 151 countries."
        in release_2020.notes
    )
    assert set(release_2020.lines["sheet"]) == {
        "Regional totals", "Local currency financial years", "Local currency calendar years", "Constant (2018) USD",
        "Current USD", "Share of GDP", "Per capita", "Share of Govt. spending",
    }  # fmt: skip


def test_2020_values_and_us_fiscal_years(release_2020):
    usa = {year: line(release_2020, "Current USD", "USA", year) for year in ("1976", "2015", "2019")}
    assert usa["2015"]["value"] == 633829.639  # Current USD BQ78
    assert usa["2019"]["value"] == 731751.4  # BU78
    assert usa["1976"]["value"] == pytest.approx(94715.2510797143)  # AD78
    assert {y: (u["entity_code"], u["period_type"], u["fiscal_year_label"]) for y, u in usa.items()} == {
        y: ("USA", "fiscal_year", "end")
        for y in usa  # "USA", SIPRI's name in 2020; footnote 35
    }
    assert [usa[y]["fiscal_year_start_month"] for y in ("1976", "2015", "2019")] == [7, 10, 10]
    assert usa["2019"]["footnotes"].startswith("35 All figures for the USA are for financial year (1 Oct. of the")
    # Local currency financial years C80 says "Treated as if Jan-Dec"; the footnote wins, the text is kept
    financial = line(release_2020, "Local currency financial years", "USA", "1977")  # AG80 104665218971.63
    assert (financial["value"], financial["fiscal_year_start_month"]) == (pytest.approx(104665218971.63), 10)
    assert financial["footnotes"].endswith("; Financial year: Treated as if Jan-Dec")
    assert line(release_2020, "Constant (2018) USD", "USA", "2018")["value"] == 682491.4  # BU78 = current 2018


def test_2020_constant_sheet_current_column_is_compared_not_loaded(release_2020):
    """'Constant (2018) USD' BW78, header "2019 Current", repeats Current USD BU78 (731751.4): one line, one check."""
    assert release_2020.lines.filter(pl.col("source_column") == "2019 Current").height == 0
    copies = release_2020.reconciliations.filter(pl.col("check").str.contains("column '2019 Current'"))
    assert copies.height == 149 and copies["passed"].all()
    usa = copies.filter(pl.col("check").str.starts_with("USA "))
    assert usa.select("sheet", "row", "check", "stated", "computed").rows() == [
        ("Constant (2018) USD", 78, "USA 2019: 'Constant (2018) USD' column '2019 Current' = 'Current USD'", 731751.4,
         731751.4)
    ]  # fmt: skip
    lines = release_2020.lines.filter((pl.col("entity_code") == "USA") & (pl.col("period") == 2019))
    assert lines.filter(pl.col("measure") == "milex_current_usd")["sheet"].to_list() == ["Current USD"]


def test_2020_earlier_names_headings_and_fiscal_texts(release_2020):
    north_macedonia = line(release_2020, "Share of GDP", "Norh Macedonia", "2019")  # SIPRI's typing; BU144 0.0124...
    assert (north_macedonia["entity_code"], north_macedonia["value"]) == ("MKD", pytest.approx(1.2444593334622356))
    # Share of GDP row 105: "South Asia", a subregion heading filled with ". .": not a country, not rejected
    south_asia = release_2020.lines.filter(pl.col("entity_name") == "South Asia")
    assert set(south_asia["sheet"]) == {"Regional totals"}
    # Cameroon C21: "Till 2001: July-June. 2002: July-Dec. From 2003: Jan-Dec." (BE21, BF21, BG21)
    cameroon = [line(release_2020, "Local currency financial years", "Cameroon", y) for y in ("2001", "2002", "2003")]
    assert [(c["value"], c["fiscal_year_start_month"]) for c in cameroon] == [(99e9, 7), (52e9, 7), (109556e6, 1)]


# --- the April 2016 release (data 1988-2015, constant 2014 US$) ------------------------------------------------


def test_2016_release_reads_fully(release_2016):
    """Sheets "Constant (2014) USD" and "Current USD", "Financial year start" headers, scales in the Currency column,
    legend lines under every table, older names: every figure reads, none is rejected."""
    assert release_2016.rejected.height == 0
    assert contract_rejections(release_2016, measures=sipri.MEASURES).height == 0
    assert release_2016.edition == "April 2016 release"  # its Front page says "© SIPRI 2015": not the release
    assert "Data years read: 1988-2015." in release_2016.notes
    assert "Skipped 50 rows of legend text under the tables." in release_2016.notes
    assert any(note.startswith("Skipped 7 rows of 'Yemen, South', a name milspace does not know, with no figure")
               for note in release_2016.notes)  # fmt: skip
    assert set(release_2016.lines["sheet"]) == {
        "Regional totals", "Local currency financial years", "Local currency calendar years", "Constant (2014) USD",
        "Current USD", "Share of GDP", "Per capita", "Share of Govt. spending",
    }  # fmt: skip
    assert release_2016.reconciliations.filter(~pl.col("passed"))["check"].to_list() == [
        "Myanmar 2014: current US$ = constant (2014) US$ in the base year"  # Current USD AC118 against the constant
    ]


def test_2016_values_and_us_fiscal_years(release_2016):
    usa = line(release_2016, "Current USD", "USA", "2015")  # Current USD AD78: 596024
    assert (usa["value"], usa["entity_code"], usa["unit_factor"], usa["price_basis"]) == (
        596024.0,
        "USA",
        1e6,
        "current",
    )
    assert (usa["period_type"], usa["fiscal_year_start_month"], usa["fiscal_year_label"]) == ("fiscal_year", 10, "end")
    assert usa["footnotes"] == (
        "34 All figures for the USA are for financial year (1 Oct. of the previous year-30 Sep. of the stated year) "
        "rather than calendar year."
    )
    constant = line(release_2016, "Constant (2014) USD", "USA", "2014")  # AC78: 609914, = Current USD 2014
    assert (constant["value"], constant["price_basis"]) == (609914.0, "constant_2014")
    assert release_2016.lines.filter(pl.col("source_column") == "2015 Current").height == 0  # AE78 repeats AD78
    # Constant (2014) USD AE64 ("2015 Current", Costa Rica) is 0 where Current USD AD64 says ". .": AD64 stands
    costa_rica = release_2016.lines.filter((pl.col("entity_code") == "CRI") & (pl.col("period") == 2015))
    current = costa_rica.filter(pl.col("measure") == "milex_current_usd")
    assert current.select("sheet", "value", "missing_marker").rows() == [("Current USD", None, ". .")]
    assert any("disagree on Costa Rica 2015 (0.0 against '. .')" in note for note in release_2016.notes)
    check = release_2016.reconciliations.filter(pl.col("check").str.starts_with("USA 2015: 'Constant (2014) USD'"))
    assert check.select("stated", "computed", "passed").rows() == [(596024.0, 596024.0, True)]


def test_2016_local_currency_scales_and_a_unit_change_within_a_row(release_2016):
    india = line(release_2016, "Local currency financial years", "India", "2015")  # B109 "b. rupees", AF109 3318.33
    assert (india["value"], india["unit_factor"], india["currency"]) == (pytest.approx(3318.3326), 1e9, "INR")
    assert india["unit"] == "rupees (local currency) billions, current prices"
    assert (india["fiscal_year_start_month"], india["fiscal_year_label"]) == (4, "start")  # C109 "April"
    usa = line(release_2016, "Local currency calendar years", "USA", "2015")  # "m. dollars", AE79 596024
    assert (usa["value"], usa["unit_factor"], usa["currency"]) == (596024.0, 1e6, "USD")
    # Congo, Dem. Rep. B25 "as is/m. francs"; a line left of K25 (1994): francs to 1993 (J25 11797), millions after
    congo = {y: line(release_2016, "Local currency financial years", "Congo, Dem. Rep.", y) for y in ("1993", "2015")}
    assert [(c["value"], c["unit_factor"], c["currency"]) for c in congo.values()] == [
        (11797.0, 1.0, "CDF"),
        (454915.0, 1e6, "CDF"),  # AF25
    ]
    somalia = line(release_2016, "Local currency calendar years", "Somalia", "2015")  # "m. Shillings/m. US$"
    assert (somalia["value"], somalia["unit_factor"], somalia["currency"]) == (46.614, 1e6, None)


def test_2016_ussr_russia_row_is_split_by_year(release_2016):
    """Current USD row 157 "USSR/Russia" (footnote 84: the USSR 1988-1990, Russia from 1992)."""
    ussr = line(release_2016, "Current USD", "USSR/Russia", "1988")  # C157 246010.99, blue
    russia = line(release_2016, "Current USD", "USSR/Russia", "1993")  # H157 7766.72, blue
    assert (ussr["entity_code"], ussr["entity_kind"], ussr["value"]) == ("SUN", "historical_state", 246010.9931159614)
    assert (russia["entity_code"], russia["entity_kind"], russia["value"]) == ("RUS", "country", 7766.720078413419)
    assert ussr["is_estimate"] and russia["is_estimate"]  # RGB FF0000FF


def test_2016_regional_totals_and_series_breaks(release_2016):
    europe = line(release_2016, "Regional totals", "Europea", "2015")  # AC25 396.918..., a note letter glued on
    assert (europe["entity_code"], europe["value"]) == ("SIPRI:EUROPE", pytest.approx(396.9181143653154))
    assert europe["price_basis"] == "constant_2014" and europe["unit_factor"] == 1e9
    world = line(release_2016, "Regional totals", "World total (consistent series)", "2015 (current prices)")  # AD10
    assert (world["entity_code"], world["value"]) == ("SIPRI:WORLD_TOTAL_CONSISTENT_SERIES", 1662.9200079824748)
    # Constant (2014) USD row 10, Libya: red double lines right of W10 (2008) and left of AA10 (2012)
    libya = line(release_2016, "Constant (2014) USD", "Libya", "2010")
    assert libya["footnotes"].endswith(
        "Series break (a red line in the sheet) between 2008|2009, 2011|2012: figures before a break may not be "
        "consistent with those after it"
    )


# --- detection -------------------------------------------------------------------------------------------------


def sniffs(path) -> bool:
    probe = Probe(path, path.name)
    try:
        return sipri.sniff(probe)
    finally:
        probe.close()


def test_sniff_finds_the_four_sipri_files_and_no_other_real_file():
    shared_file(FULL)
    files = [p for p in sorted(SHARED_DATA.rglob("*")) if p.is_file()]
    found = {str(p.relative_to(SHARED_DATA)) for p in files if sniffs(p)}
    assert found == {FULL, PARTIAL, RELEASE_2020, RELEASE_2016}
    assert len(files) > 100  # DoD, Green Book, NATO, World Bank, OWID, EDA, national budgets, UCS, strategy text


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
#: Titles of the other kinds of sheet (a sheet is told by its title first: a title naming another kind than the
#: sheet's name is refused).
GDP_TITLE = "Military expenditure by country as percentage of gross domestic product, 2019-2021 © SIPRI 2022"
GOVERNMENT_TITLE = "Military expenditure by country as percentage of government spending, 2019-2022 © SIPRI 2022"
PER_CAPITA_TITLE = "Military expenditure per capita by country, 2019-2021 © SIPRI 2022"
CONSTANT_TITLE = "Military expenditure by country, in constant (2022) US$ m., 2019-2021 © SIPRI 2022"
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
        ["Country", None, "Notes", 2019, 2020.0, "2021", ""],  # header on row 5; blank-headed columns are ignored
        ["Europe"],
        ["France", "FRA", "‡5,6", 50000.5, "...", ". .", "kept out"],
        ["Germany", "DEU", "", "xxx", None, " 51000 ", None],
    ]
    share = [[GDP_TITLE], ["Country", 2019], ["France", 0.02]]
    path = build(tmp_path, {"Current US$": current, "Share of GDP": share})
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
    assert result.skipped == (
        "column B of sheet 'Current US$' skipped: its header (row 5) is blank (2 filled cells, e.g. row 7: 'FRA')",
        "column G of sheet 'Current US$' skipped: its header (row 5) is blank (1 filled cells, e.g. row 7: 'kept out')",
    )


@pytest.mark.parametrize(
    ("release", "skipped"),
    [
        ("full", ()),
        ("partial", ()),
        ("release_2020", ("column B of sheet 'Constant (2018) USD' skipped: its header (row 6) is blank (4 filled "
                          "cells, e.g. row 51: 'Base year is 1985')",)),
        ("release_2016", ()),
    ],
)  # fmt: skip
def test_every_release_reports_what_it_skips(request, release, skipped):
    """Every sheet and column not read is named in `skipped`: the Front page of every release, and the blank-headed
    column of the 2020 constant sheet with its four notes on national base years."""
    result = request.getfixturevalue(release)
    front = "sheet 'Front page' skipped: front matter, not a data table (no 'Country' or 'Region' header)"
    assert result.skipped == (front, *skipped)


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
        "Share of Govt. spending": [[GOVERNMENT_TITLE], ["Country", "Notes", "Reporting year", 2022],
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
    assert result.edition == "April 2024 release"  # one country: the data cannot show a base year; the label says 2022
    assert "Edition: April 2024 release, from the base year the sheets are labelled with (2022) + 2." in result.notes
    assert (
        "Constant-price base year kept as labelled (2022): the data show none (fewer than 3 countries have figures at "
        "both prices in any year of 2022-2022)." in result.notes
    )


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
    result = read(build(tmp_path, {"Current US$": rows, "Per capita": [[PER_CAPITA_TITLE], ["Country", 2019]]}, fonts))
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
    result = read(build(tmp_path, {"Current US$": rows, "Share of GDP": [[GDP_TITLE], ["Country", 2021]]}))
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


def test_one_sheet_of_the_2016_release_under_any_name_reads_as_sipri(tmp_path):
    """Only the Current USD sheet of the 2016 release (values, no Footnotes sheet), saved as 'Sheet1': told by its
    title ("Military expenditure by country, in current US$ m., 1988-2015") and its header, never by a name."""
    source = openpyxl.load_workbook(shared_file(RELEASE_2016), read_only=True, data_only=True)
    try:
        worksheet = source["Current USD"]
        worksheet.reset_dimensions()
        rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
    finally:
        source.close()
    path = build(tmp_path, {"Sheet1": rows})
    assert sniffs(path)
    result = read(path)
    assert result.rejected.height == 0
    usa = line(result, "Sheet1", "USA", "2015")  # AD78
    assert (usa["value"], usa["measure"], usa["price_basis"]) == (596024.0, "milex_current_usd", "current")
    assert usa["period_type"] == "calendar_year"  # without the Footnotes sheet, footnote 34 cannot be read
    assert result.edition == "April 2016 release"
    assert "Edition: April 2016 release, from the last year of figures (2015) + 1, the earliest release it can be." in (
        result.notes
    )


def test_a_workbook_that_is_not_sipri_is_not_taken_for_it(tmp_path):
    table = [["Country", 2019, 2020], ["France", 1.0, 2.0]]
    nato = build(tmp_path, {"Current US$": [["Defence expenditure of NATO countries, current prices"], *table]})
    assert not sniffs(nato)  # a SIPRI sheet name, but no SIPRI title text
    summary = build(tmp_path, {"Summary": [["SIPRI Yearbook 2024: summary"], *table]})
    assert not sniffs(summary)  # SIPRI's name, but no kind of sheet SIPRI's database publishes
    headless = build(tmp_path, {"Current US$": [[TITLE], ["Nation", 2019], ["France", 1.0]]})
    assert not sniffs(headless)  # SIPRI's title, but no Country header


def test_a_sheet_is_told_by_its_title_and_a_name_saying_otherwise_is_refused(tmp_path):
    table = [["Country", "Notes", 2021], ["France", "", 0.019]]
    result = read(build(tmp_path, {"Sheet1": [[GDP_TITLE], *table], "Sheet2": [[TITLE], ["Country", 2021]]}))
    france = result.lines.filter(pl.col("sheet") == "Sheet1").row(0, named=True)
    assert (france["measure"], france["value"]) == ("milex_share_of_gdp", 1.9)
    with pytest.raises(InputFileError, match=r"sheet 'Current US\$'.*its title text says it holds Share of GDP .* but "
                                             r"its name says Current US\$"):  # fmt: skip
        read(build(tmp_path, {"Current US$": [[GDP_TITLE], *table]}))
    mislabelled = {"Constant (2021) US$": [[CONSTANT_TITLE], ["Country", 2021], ["France", 50000.0]]}
    with pytest.raises(InputFileError, match=r"title text says constant \(2022\) prices but its name says constant "
                                             r"\(2021\)"):  # fmt: skip
        read(build(tmp_path, mislabelled))


def test_a_sheet_without_a_title_or_a_known_name_is_skipped_and_said(tmp_path):
    data = [["Country", 2020, 2021], ["France", 1.0, "2.5"], ["Spain", "...", 3.0]]
    current = [[TITLE], ["Country", 2021], ["France", 1.0]]
    sheets = {"Current US$": current, "Data": data, "Notes": [["Written by hand"]], "Chart": [[None]]}
    assert read(build(tmp_path, sheets)).skipped == (
        "sheet 'Data' skipped: it has no title row above its header, and its name is not one of SIPRI's sheet names "
        "(3 figures under the 2 year columns of its header, row 1, not read)",
        "sheet 'Notes' skipped: front matter, not a data table (no 'Country' or 'Region' header)",
        "sheet 'Chart' skipped: no header row reading 'Country' or 'Region' in its first 25 rows (not a SIPRI data "
        "table)",
    )


def test_a_year_named_twice_in_a_header_is_refused(tmp_path):
    rows = [[TITLE], ["Country", "Notes", 2020, 2021, 2021], ["France", "", 1.0, 2.0, 3.0]]
    with pytest.raises(InputFileError, match=r"row 2, column 'E'.*names '2021' twice \(columns D and E\)"):
        read(build(tmp_path, {"Current US$": rows}))


@pytest.mark.parametrize(
    ("header", "column", "problem"),
    [
        (["Country", "Notes", None, 2020, 2021], "C", "column C holds figures under a blank header (row 3: 1.5), "
                                                      "beside the year columns"),
        (["Country", "Notes", 2020, 2021, None], "E", "column E holds figures under a blank header (row 3: '...'), "
                                                      "beside the year columns"),
        (["Country", None, "Notes", 2020, 2021], "C", "column C, under the header 'Notes', holds figures in 3 of its "
                                                      "3 filled cells (row 3: 1.5)"),
    ],
)  # fmt: skip
def test_year_headers_that_do_not_line_up_with_the_data_are_refused(tmp_path, header, column, problem):
    rows = [
        [TITLE],
        header,
        ["France", "§", 1.5, 2.5, "..."],
        ["Spain", "", 3.5, 4.5, 5.5],
        ["Italy", "", "xxx", 6.0, 7.0],
    ]
    with pytest.raises(InputFileError) as raised:
        read(build(tmp_path, {"Current US$": rows}))
    assert str(raised.value) == (
        f"Cannot read file x.xlsx, sheet 'Current US$', row 2, column {column!r}: the header row's years do not line "
        f"up with the data: {problem}; the year headers look shifted by a cell, and milspace will not guess which "
        "year each figure is for"
    )


def test_an_empty_first_year_beside_a_column_of_numbers_is_refused(tmp_path):
    # a known header over the numbers: only the empty 2020 column gives the shift away
    rows = [[TITLE], ["Country", "Notes", 2020, 2021], ["France", 1.5, None, 2.5], ["Spain", 3.5, None, 4.5]]
    shifted = r"no row has a figure under the first year header \(2020, column C\), while column B before it holds"
    with pytest.raises(InputFileError, match=rf"column 'C'.*{shifted} numbers \(row 3: 1.5\)"):
        read(build(tmp_path, {"Current US$": rows}))


def test_a_header_word_the_reader_does_not_know_is_refused_naming_file_sheet_and_column(tmp_path):
    rows = [[TITLE], ["Country", "Notes", 2019, 2020, "Remarks"], ["France", "", 1.0, 2.0, "kept out"]]
    with pytest.raises(
        InputFileError,
        match=r"^Cannot read file x.xlsx, sheet 'Current US\$', row 2, column 'E': its header 'Remarks' is not a SIPRI",
    ):
        read(build(tmp_path, {"Current US$": rows}))
    rows = [[TITLE], ["Country", "Notes", 2019, "2020 (estimate)"], ["France", "", 1.0, 2.0]]
    with pytest.raises(InputFileError, match=r"column 'D': its header '2020 \(estimate\)' is not a SIPRI column"):
        read(build(tmp_path, {"Current US$": rows}))


def test_fiscal_year_footnotes_are_read_from_their_text(tmp_path):
    """Any country's footnote saying all its figures are for a financial year of stated months, named by the year it
    ends or begins, makes that row's lines fiscal years; the month comes from fiscal_years.csv where it knows the
    nation (Japan: April, named by the start), else from the footnote (Kenya: July)."""
    footnotes = [
        ["Footnotes and special notes"],
        [1, None, "Kenya: All figures for Kenya are for financial year (1 Jul. of the previous year to 30 Jun. of the "
                  "stated year) rather than calendar year."],
        [2, None, "Japan: All figures for Japan are for fiscal years (1 April of the stated year to 31 March of the "
                  "following year) rather than calendar years."],
        [3, None, "Afghanistan: Afghanistan's financial year runs from Mar. to Feb."],
    ]  # fmt: skip
    current = [[TITLE], ["Country", "Notes", 2019, 2020], ["Kenya", "1", 1.0, 2.0], ["Japan", 2, 3.0, 4.0],
               ["Afghanistan", "3", 5.0, 6.0], ["France", "1", 7.0, 8.0]]  # fmt: skip
    result = read(build(tmp_path, {"Current US$": current, "Footnotes": footnotes}))
    periods = result.lines.group_by("entity_code").agg(
        pl.col("period_type").unique(), pl.col("fiscal_year_start_month").unique(), pl.col("fiscal_year_label").unique()
    )
    assert {code: (t[0], m[0], label[0]) for code, t, m, label in periods.iter_rows()} == {
        "KEN": ("fiscal_year", 7, "end"),
        "JPN": ("fiscal_year", 4, "start"),
        "AFG": ("calendar_year", None, None),  # a financial year, but not a statement that the figures are for it
        "FRA": ("calendar_year", None, None),  # Kenya's footnote on France's row: it names another country
    }


def test_a_country_copied_within_a_sheet_keeps_both_rows_apart(tmp_path):
    """Sweden twice in 'Current US$' with other figures: both rows come out, with the same entity, period, measure
    and price basis and different rows, for the rule on duplicate figures to quarantine; neither is dropped."""
    rows = [[TITLE], ["Country", "Notes", 2020, 2021], ["Sweden", "", 7000.0, 7500.0], ["Norway", "", 6000.0, 6500.0],
            ["Sweden", "", 7100.0, 7600.0]]  # fmt: skip
    result = read(build(tmp_path, {"Current US$": rows, "Footnotes": FOOTNOTES}))
    assert result.rejected.height == 0
    sweden = result.lines.filter(pl.col("entity_code") == "SWE").sort("row", "period")
    assert sweden.select("sheet", "row", "source_column", "period", "measure", "price_basis", "value").rows() == [
        ("Current US$", 3, "2020", 2020, "milex_current_usd", "current", 7000.0),
        ("Current US$", 3, "2021", 2021, "milex_current_usd", "current", 7500.0),
        ("Current US$", 5, "2020", 2020, "milex_current_usd", "current", 7100.0),
        ("Current US$", 5, "2021", 2021, "milex_current_usd", "current", 7600.0),
    ]
    keys = ["file", "entity_code", "period", "measure", "price_basis", "unit"]
    copies = sweden.group_by(keys).agg(pl.col("row").unique().sort(), pl.len())
    assert copies.select("row", "len").rows() == [([3, 5], 2), ([3, 5], 2)]


def test_the_label_is_kept_when_the_data_show_no_base_year(tmp_path):
    """An export of 2019-2020 from a release priced at 2022: no year of it has constant = current."""
    countries = [("France", 50.0, 52.0, 45.0, 48.0), ("Germany", 55.0, 56.0, 50.0, 52.0), ("Italy", 30, 31, 27, 29)]
    header = ["Country", "Notes", 2019, 2020]
    constant = [[CONSTANT_TITLE], header] + [[name, "", a, b] for name, a, b, _, _ in countries]
    current = [[TITLE], header] + [[name, "", c, d] for name, _, _, c, d in countries]
    result = read(build(tmp_path, {"Constant (2022) US$": constant, "Current US$": current}))
    constant_lines = result.lines.filter(pl.col("measure") == "milex_constant_usd")
    assert set(constant_lines["price_basis"]) == {"constant_2022"} and constant_lines["footnotes"].is_null().all()
    assert (
        "Constant-price base year kept as labelled (2022): the data show none (in no year of 2019-2020 does constant "
        "equal current US$ for nearly all countries)." in result.notes
    )
    assert result.edition == "April 2024 release"  # the label + 2, said to be unchecked in the notes
    assert result.reconciliations.height == 0  # no figure of the base year to compare
