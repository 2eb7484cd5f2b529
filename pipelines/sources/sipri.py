"""SIPRI Military Expenditure Database workbooks: the yearly releases (tested on those of April 2016, 2020 and 2025)
and the partial exports of SIPRI's site.

A release holds one sheet per measure, each a block of countries by years:

| sheet (by title text, else by name)     | measure                              | unit in the file            |
|-----------------------------------------|--------------------------------------|-----------------------------|
| Regional totals                         | milex_constant_usd / _current_usd    | US$ billions                |
| Local currency financial years          | milex_local_currency (fiscal years)  | local currency units        |
| Local currency calendar years           | milex_local_currency                 | local currency units        |
| Constant (YYYY) US$ (or USD)            | milex_constant_usd                   | US$ millions, YYYY prices   |
| Current US$ (or USD)                    | milex_current_usd                    | US$ millions                |
| Share of GDP                            | milex_share_of_gdp                   | a fraction: stored percent  |
| Per capita                              | milex_per_capita_usd                 | US$ per person              |
| Share of Govt. spending                 | milex_share_of_government_spending   | a fraction: stored percent  |
| Footnotes                               | (resolves the Notes markers)         |                             |

The 2016 and 2020 releases name two sheets "Constant (2014) USD" and "Current USD". Any sheet may be missing (a
partial export may hold only some, even one). A sheet is told by its content: the title text above its header ("...
in constant (2023) US$ m.", "... as percentage of gross domestic product"), and by its name only when that text says
nothing (a sheet renamed "Sheet7" reads as what its title says). A title and a name that name two different kinds,
or two different constant-price base years, are refused (InputFileError naming the sheet): neither is guessed right.
Every sheet that is not read is listed in `ReadResult.skipped`, one sentence each saying why: front matter (the Front
page), no 'Country' header, or a table whose title and name do not say what it measures (with the number of figures
left unread); a second footnotes sheet.

Detection, by content and never by file name: a workbook is SIPRI's when one of its sheets has SIPRI's title text
above its header ("SIPRI", or the opening of every SIPRI title: "Military expenditure by country", "by region", "per
capita by country"), a header row with a cell reading "Country" (or "Region") followed by year columns, and is a
kind of sheet SIPRI publishes (by its name or its title). One such sheet is enough. The 2016 release has no
copyright line in its sheets (it is in a text box on the Front page) and names SIPRI above the header of some sheets
only (a legend line, "Figures in blue are SIPRI estimates"): the title words identify every one of its sheets.

Layout, found by text and never by position:
- Title and legend rows sit above the header; the header is the first row with a cell reading "Country" (or
  "Region"), and is not on the same line in every sheet. The money scale is read from the text above it ("US$ m.",
  "US$ b.", "millions of US$"; none stated means whole units). Year headers may be ints, floats (2017.0) or text
  ("2017"); "2024 (current prices)" in Regional totals and "2019 Current" at the end of the 2016 and 2020
  constant-price sheets are current-price columns.
- The leading columns differ by sheet and release and are found by header text: Currency, "Fiscal Year (Jan-Dec if
  not stated)" (2020, 2025) or "Financial year start" (2016), Notes, Reporting year, Omitted countries.
  Blank-headed columns are not read; one holding anything is listed in `skipped` (the 2020 release's constant
  sheet: column B, four notes such as "Base year is 1985"). Any other header word is refused (InputFileError naming
  the file, sheet, row and column): a column the reader cannot place is never guessed at.
- Year headers that do not line up with the data would re-date every figure, so a sheet whose content shows it is
  refused (InputFileError naming the file, sheet, header row and column; `_check_columns`): a blank-headed column
  beside the year columns holding a figure (a number, number text or a missing marker), or one elsewhere holding
  figures in most of its filled cells; a Currency, Fiscal year, Notes, Reporting year or Omitted countries column
  holding figures in most of its filled cells (a whole number in Notes is a marker when the Footnotes sheet has it);
  no figure under the first year header while the column before it holds numbers; a year named twice. No real
  release has any of these (their blank-headed and leading columns hold no figure at all).
- A row with a name and no figures is a region or subregion heading (Africa, North Africa ...): skipped; so is a
  heading filled with missing markers (2020, Share of GDP: "South Asia"). The table ends at its last row holding a
  figure, a missing marker or an error value: the legend lines under it (2016 and 2020: "† Figures for these
  countries do not include military pensions", "The symbols ... indicate a series break") are counted and skipped.

Cells: a number is one budget line. Missing data is never zero: "...", ". .", "xxx" keep their text as
`missing_marker` with a NULL value, and a blank cell in a country's row has the marker "empty". A number written
as text is read as that number; any other text is a rejected row (a spreadsheet error value such as #REF! with
the rule `cells.SPREADSHEET_ERROR_RULE`; the 2020 release has one, #VALUE! for Myanmar 1997 in Share of Govt.
spending). Shares are fractions in the file and are stored in percent (0.0342 -> 3.42).

Flags exist only as font colours: blue = SIPRI estimate (`is_estimate`), red = highly uncertain
(`is_highly_uncertain`). The 2019-2025 workbooks (the partial export too) use indexed colours 12 (blue), 10 (red)
and 8 (black), the 2016 and 2020 ones mostly RGB FF0000FF and FFFF0000; RGB and theme colours are classified by hue,
so a restyled export still reads. Fonts come from a read-only load: openpyxl's read-only cells still carry their
style, so no full (styled) load is needed (the 1949-2024 workbook reads in about a second). In Regional totals red
means "more than 10% of the total consists of estimates for countries with missing data": such lines get
`is_highly_uncertain` and that sentence in `footnotes`. Colours on missing-marker cells (blue "...") carry no figure
and are ignored. Lines between cells (the 2016 and 2020 releases): a red line between two cells of a row is a series
break ("data before the red lines may not be consistent with data after"), written into the footnotes of every line
of that row ("Series break (a red line in the sheet) between 2008|2009"); a heavy line of another colour marks
where the unit changes within a row (below).

Notes markers (symbols † ‡ § ¶ ‖ and numbers, e.g. "‡§¶16", "‡5,6", "§ 99") are resolved against the Footnotes
sheet of the same file (the numbers are local to one file) into `footnotes`, "<marker> <text>" joined by "; ". §
means "adopted budget, rather than actual expenditure": every line of a § row has phase "enacted" (otherwise
"actual").

Periods: the financial-years sheet gives `period_type` fiscal_year, `fiscal_year_label` 'start' (SIPRI: "Financial
years are always treated as starting in the specified year") and `fiscal_year_start_month` from its Fiscal Year
column ("Apr-Mar" -> 4; "October" -> 10; blank -> the header's "Jan-Dec if not stated" -> 1; "Till: 2002 Jan-Dec,
2003: Jan-Mar, From 2004: Apr-Mar" or "Till 2001: July-June. 2002: July-Dec. From 2003: Jan-Dec." -> per year; "See
footnote", "It's complicated (see footnote)" -> NULL), with the stated text in `footnotes`. Every other sheet is
calendar years, except that a non-blank "Reporting year" (Share of Govt. spending, "for calendar years except where
otherwise stated") is kept in `footnotes` as "Reporting year: <text>" and, when it is a month range, makes that row
fiscal_year.

Fiscal-year footnotes: a footnote saying that all of a country's figures are for a financial year of stated months,
named by the year it ends or begins, is read from its text wherever it appears ("All figures for the USA are for
financial year (1 Oct. of the previous year to 30 Sep. of the stated year) rather than calendar year": footnote 34
of the 2016 release, 35 of 2020, 44 of 2025; only the USA has one, and the partial export of Central Asia and Europe
none). Every line of the rows carrying its marker, in every sheet (the calendar-year sheets hold the same
fiscal-year figures for that country), becomes period_type fiscal_year, with fiscal_year_label 'end' when the first
date is "of the previous year" ('start' when it is "of the stated year"), and fiscal_year_start_month from
data_raw/reference/fiscal_years.csv (`fiscal_years.calendar`) where it has the nation's calendar for that year under
the same naming, else the footnote's month. For the USA this is July (7) up to FY 1976 and October (10) from FY
1977, where the footnote says October for all years. The footnote wins over the financial-years sheet's Fiscal Year
column (2020: "Treated as if Jan-Dec"; 2025: blank, so Jan-Dec), whose text stays in `footnotes`.

Currencies: local-currency figures get the ISO 4217 code of the Currency column's name for that country
(`LOCAL_CURRENCIES`, SIPRI's names in every release; "‖" rows are already converted to the latest currency); a name
milspace cannot map (the historical states' Roubles, Marks, Korunas, Dinar, Rials) gets a NULL currency; the name is
always in `unit`. The column is recorded as published even where it lags the figures: in the 2025 release Croatia
says "Kunas" (HRK) for figures of euro size, and Zimbabwe "US dollars" for figures its footnote says are old
Zimbabwe dollars from 2019. The 2016 release writes each row's scale before the name ("m. dollars", "b. rupees":
`unit_factor` 1e6, 1e9); "as is/m. francs" (Congo, DR) names two units, and the heavy line between two cells of
that row says where the second begins (a row naming two units of different size with no such line is rejected);
"m. Shillings/m. US$" (Somalia; "ShillingsUS$" in 2020) names two currencies of one scale: NULL currency.

Entities: countries through `names.code()`, in the current release's spelling or an earlier one (nation_names.csv:
"USA", "UK", "Congo, Dem. Rep.", "Swaziland", and the 2020 workbook's typing errors "Norh Macedonia", "Congo,
Repubic of"). The 2016 release's "USSR/Russia" row is split by year (`COMBINED_ROWS`: USSR to 1991, Russia from
1992, as its footnote 84 says). A name milspace does not know whose row holds no figure in any year (2016: "Yemen,
South") is skipped and named in the notes; with a figure, it is a rejected row. USSR, German Democratic Republic,
Czechoslovakia, Yugoslavia and Yemen, North are historical states; the "European Union" row is an aggregate (EU).
Regional totals rows are regions coded "SIPRI:<NAME>" (World: WLD, an aggregate), spelled alike in every release
("Asia and Oceania" and "Asia & Oceania" are SIPRI:ASIA_OCEANIA; the note letter glued to the 2016 release's
"Europea" is dropped), all `is_total`, with their "Omitted countries" in `footnotes`; the older releases' series
("World total (excluding Iraq)", "Middle East (consistent series)") keep codes of their own.

Edition: the release the file belongs to, "April 2025 release". SIPRI publishes each release in April with data to
the previous year, priced in constant US$ of the year before that (2016 release: data to 2015 at 2014 prices; 2020:
2019, 2018; 2025: 2024, 2023). The release year is the first of:
1. the base year the data show (below) + 2;
2. the latest year of data + 1, where a column gives that year at current prices beside the constant ones (SIPRI
   adds it for the latest year only: "2024 (current prices)", "2019 Current");
3. the base year the sheets are labelled with + 2 (unchecked: the partial export's label is a year off);
4. the last year of figures + 1 (the earliest release the file can be from: an export may leave out later years);
and the notes say how it was found and whether 1 and 2 agree (they do on all four files). Two exports of one
release therefore get the same edition (the 1949-2024 workbook and the 2017-2024 partial export: "April 2025
release"). Not used, as they do not say the release: the copyright line of the title rows ("© SIPRI 2024" in the
2025 release, "© SIPRI 2020" in the 2020 release, none in 2016), the Front page text box (the 2016 release says "©
SIPRI 2015" and "Database 2015"; the partial export carries the 2024 release's front page, "1949-2023", "constant
(2022)"), the file's name and its dates. The years read are in the notes ("Data years read: 1949-2024").

True constant base: the base year the data show is the one year in which a country's constant-price figure equals
its current US$ figure (within 0.1%) for at least 90% of the countries that have both, and at least three (not all:
Myanmar differs in the base year of the 2016 and 2025 releases). It finds 2023 in the 2025 workbook (153 of 154
countries), 2018 in 2020 (151 of 151), 2014 in 2016 (151 of 152), and 2023 in the partial export (45 of 45), whose
sheet is labelled "Constant (2024) US$" and whose Regional totals say "constant 2024 prices" (its World 2024 figure
equals the full workbook's at 2023 prices). Where the data show another year than the label, the constant-price
figures of every sheet with that label (Regional totals too) get price_basis constant_<year shown>, their unit says
"constant (2023) prices", and their footnotes and the notes say "sheet labelled Constant (2024) US$; figures at 2023
prices: constant equals current in 2023 (45 of 45 countries)". Where the data show no single year (no current US$
figures, an export of years without the base year, several candidate years) the label is kept and the notes say so.

Copies within one file: every line keeps sheet, row, source column, entity, period, measure and price basis, so a
country row copied with other figures in one sheet comes out as two sets of lines with the same entity, period and
measure and different rows (for a rule outside the reader to catch). The reader never loads one figure twice: the
current-price column of the 2016 and 2020 constant-price sheets repeats the Current USD sheet, so where that sheet
has a line for the same country and year the copy is compared with it (a reconciliation), not loaded.

Reconciliations (within one file): in Regional totals, World = sum of the regions and each region = sum of its
subregions (regions are the bold rows, subregions the plain rows under them; needs a row named "World"); per
country, Current US$ = Constant US$ in the base year the data show; in Regional totals, the base-year constant
column = the current-prices column of the same year, where there is one; the constant sheets' current-price column
= Current US$. Tolerance 0.1% (SIPRI: "figures do not always add up to totals because of rounding"). Myanmar fails
the base-year check in the 2016 and 2025 releases.
"""

from __future__ import annotations

import colorsys
import functools
import math
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

import polars as pl
from openpyxl.styles.colors import COLOR_INDEX
from openpyxl.utils import get_column_letter

from pipelines.errors import InputFileError
from pipelines.nations import NationNames, normalize_name
from pipelines.shapes import RECONCILIATION_SCHEMA, ReadResult, empty_lines, finalize, rejected_rows
from pipelines.sources import fiscal_years
from pipelines.sources.cells import cell_text, figure_rule, is_spreadsheet_error
from pipelines.sources.probe import Probe, open_workbook

if TYPE_CHECKING:
    from polars._typing import PolarsDataType

FORMAT = "sipri_milex"
SOURCE = "SIPRI Military Expenditure Database"

MEASURES = {
    "milex_local_currency": "Military expenditure in local currency at current prices (`currency`, whole units)",
    "milex_constant_usd": "Military expenditure, US$ at constant prices and exchange rates of the base year "
    "(countries in US$ millions, regions in US$ billions: see unit_factor)",
    "milex_current_usd": "Military expenditure, US$ at current prices and exchange rates "
    "(countries in US$ millions, regions in US$ billions: see unit_factor)",
    "milex_share_of_gdp": "Military expenditure as a share of gross domestic product, percent",
    "milex_per_capita_usd": "Military expenditure per person, US$ at current prices",
    "milex_share_of_government_spending": "Military expenditure as a share of general government expenditure, percent",
}
#: Read whole by `read`, not in batches at load time.
STREAMED = False
#: The conformed measure (one name per concept across publishers, marts.budget_facts.measure) of each of MEASURES
#: named otherwise; a measure not listed here is its own conformed measure.
CONFORMED = {"milex_constant_usd": "milex_usd", "milex_current_usd": "milex_usd"}
#: Measures that cannot be negative: a negative figure breaks the BudgetLine contract (NOT_NEGATIVE_RULE).
NEVER_NEGATIVE = frozenset(MEASURES)

HISTORICAL_STATES = frozenset({"SUN", "DDR", "CSK", "YUG", "YAR"})
AGGREGATES = frozenset({"EU"})
NATION_RULE = "nation name known (data_raw/reference/nation_names.csv)"
VALUE_RULE = 'a number or a SIPRI missing marker ("...", ". .", "xxx")'
NAME_RULE = "a row of figures names its country or region"
UNIT_RULE = (
    "a Currency cell naming two units of different size ('as is/m. francs') comes with a line between the two "
    "cells where the unit changes"
)
MISSING_MARKERS = frozenset({"...", "..", "xxx"})  # compared without spaces, case-folded
TOLERANCE = 0.001  # relative, for every reconciliation and for telling the base year
RED_IN_REGIONAL_TOTALS = "Red: more than 10% of the total figure consists of estimates for countries with missing data"
#: SIPRI publishes each release in April, with data to the previous year, at the prices of the year before that.
RELEASE_MONTH = "April"
#: The base year is the year in which constant equals current US$ for at least this share of the countries that
#: have both figures (not all: SIPRI's own 2025 workbook differs for Myanmar in 2023), and at least BASE_MIN_COUNTRIES.
BASE_SHARE = 0.9
BASE_MIN_COUNTRIES = 3
#: Rows searched for a sheet's header when telling a workbook or a sheet by its content.
TITLE_ROWS = 25
HEADER_ROWS = 60
SNIFF_SHEETS = 30


@dataclass(frozen=True)
class SheetSpec:
    """What one kind of SIPRI sheet holds."""

    label: str  # the sheet's usual name
    pattern: re.Pattern  # finds it by its name, whitespace collapsed
    title: re.Pattern  # finds it by the title text above its header, when the name says nothing
    measure: str
    unit: str  # format string: {scale} " millions", {prices} "current prices", {currency} the Currency column
    default_factor: float  # when the text above the header states no scale
    currency: str | None  # "USD", "local" (the Currency column) or None for shares
    basis: str | None  # "current", "constant" or None for shares
    percent: bool = False  # fractions in the file, stored in percent
    fiscal: bool = False  # financial years
    regional: bool = False  # Regional totals


def _spec(label, pattern, title, measure, unit, factor, currency, basis, **flags) -> SheetSpec:
    return SheetSpec(label, re.compile(pattern, re.I), re.compile(title, re.I), measure, unit, factor, currency,
                     basis, **flags)  # fmt: skip


USD = "US${scale}, {prices}"
LOCAL = "{currency} (local currency){scale}, {prices}"
SHEETS = (
    _spec("Regional totals", r"^regional totals", r"military expenditure by region", "milex_constant_usd", USD, 1e9,
          "USD", "constant", regional=True),
    _spec("Local currency financial years", r"^local currency financial",
          r"in local currency.*\bfinancial years?\b", "milex_local_currency", LOCAL, 1.0, "local", "current",
          fiscal=True),
    _spec("Local currency calendar years", r"^local currency calendar", r"in local currency.*\bcalendar years?\b",
          "milex_local_currency", LOCAL, 1.0, "local", "current"),
    _spec("Constant (YYYY) US$", r"^constant\s*\(\s*\d{4}\s*\)\s*us", r"\bin constant\s*\(?\s*\d{4}\s*\)?\s*us",
          "milex_constant_usd", USD, 1e6, "USD", "constant"),
    _spec("Current US$", r"^current\s*us", r"\bin (?:millions of us\s*\$? at current prices|current us)",
          "milex_current_usd", USD, 1e6, "USD", "current"),
    _spec("Share of GDP", r"^share of gdp", r"percentage of gross domestic product", "milex_share_of_gdp",
          "percent of GDP", 1.0, None, None, percent=True),
    _spec("Per capita", r"^per capita", r"military expenditure per capita", "milex_per_capita_usd",
          "US${scale} per person, {prices}", 1.0, "USD", "current"),
    _spec("Share of Govt. spending", r"^share of gov", r"percentage of gov", "milex_share_of_government_spending",
          "percent of general government expenditure", 1.0, None, None, percent=True),
)  # fmt: skip
#: The order in which title texts are tried: a per-capita sheet's title also says "current US$".
TITLE_ORDER = tuple(SHEETS[i] for i in (0, 6, 5, 7, 1, 2, 3, 4))
FOOTNOTES_SHEET = re.compile(r"^footnotes", re.I)
#: Names of sheets of front matter (SIPRI's "Front page"), skipped as such when they hold no data table.
FRONT_MATTER = re.compile(
    r"^(?:front ?page|cover|contents|table of contents|index|notes|read ?me|about|introduction|methodology|sources?"
    r"|definitions)\b",
    re.I,
)
#: SIPRI's title text: its name, or the opening of every data sheet's title.
SIPRI_TITLE = re.compile(r"\bsipri\b|\bmilitary expenditure (?:per capita )?by (?:country|region)\b", re.I)
#: The money scale stated above the header ("US$ b.", "US $m.", "millions of US$"); none stated: whole units.
SCALES = ((re.compile(r"\$\s*bn?\b|\bbillions?\b", re.I), 1e9), (re.compile(r"\$\s*mn?\b|\bmillions?\b", re.I), 1e6))
SCALE_WORDS = {1e9: " billions", 1e6: " millions", 1e3: " thousands", 1.0: ""}
#: A scale written before a currency name in the Currency column (the 2016 release: "m. dollars", "b. rupees").
CURRENCY_SCALES = {"th": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9}
_CURRENCY_UNIT = re.compile(r"^(?:(?P<scale>th|m|bn|b)\.\s*|(?P<as_is>as is)\b\s*)?(?P<name>.*)$", re.I)

# fmt: off
#: SIPRI's currency names (case-folded, spaces collapsed) -> ISO 4217, or {country code: ISO} for shared names.
#: Names absent here (historical states' Roubles, Marks, Korunas, Dinar, Rials; Somalia's "Shillings/US$" of the
#: 2016 and 2020 releases, two currencies in one row) get a NULL currency. The second block holds the spellings of
#: the 2016 and 2020 releases.
_DINARS = {"DZA": "DZD", "LBY": "LYD", "TUN": "TND", "SRB": "RSD", "BHR": "BHD", "IRQ": "IQD", "JOR": "JOD",
           "KWT": "KWD"}
LOCAL_CURRENCIES: dict[str, str | dict[str, str]] = {
    "euro": "EUR", "us dollars": "USD", "kwanzas": "AOA", "pula": "BWP", "escudos": "CVE", "nakfa": "ERN",
    "birr": "ETB", "dalasis": "GMD", "cedis": "GHS", "maloti": "LSL", "ariary": "MGA", "ouguiyas": "MRU",
    "meticais": "MZN", "naira": "NGN", "leones": "SLE", "rand": "ZAR", "lilangeni": "SZL", "colones": "CRC",
    "quetzales": "GTQ", "gourdes": "HTG", "lempiras": "HNL", "córdobas": "NIO", "balboas": "PAB",
    "bolivianos": "BOB", "reais": "BRL", "guaranies": "PYG", "new soles": "PEN", "bolívar": "VES", "kina": "PGK",
    "afghani": "AFN", "takas": "BDT", "yuan": "CNY", "yen": "JPY", "tugriks": "MNT", "riel": "KHR", "rupiah": "IDR",
    "kip": "LAK", "ringgit": "MYR", "kyats": "MMK", "baht": "THB", "dong": "VND", "tenge": "KZT", "somoni": "TJS",
    "manat": "TMT", "lek": "ALL", "marka": "BAM", "leva": "BGN", "kunas": "HRK", "koruny": "CZK", "forint": "HUF",
    "denars": "MKD", "zlotys": "PLN", "new lei": "RON", "drams": "AMD", "manats": "AZN", "lari": "GEL",
    "lei": "MDL", "hryvnias": "UAH", "krónur": "ISK", "shekels": "ILS", "rial": "IRR", "liras": "TRY",
    "cfa francs": {c: "XOF" for c in ("BEN", "BFA", "CIV", "GNB", "MLI", "NER", "SEN", "TGO")}
    | {c: "XAF" for c in ("CMR", "CAF", "TCD", "COG", "GNQ", "GAB")},
    "francs": {"BDI": "BIF", "COD": "CDF", "DJI": "DJF", "GIN": "GNF", "RWA": "RWF", "CHE": "CHF"},
    "dinar": _DINARS,
    "dirhams": {"MAR": "MAD", "ARE": "AED"},
    "shillings": {"KEN": "KES", "TZA": "TZS", "UGA": "UGX"},
    "kwacha": {"MWI": "MWK", "ZMB": "ZMW"},
    "rupees": {"MUS": "MUR", "SYC": "SCR", "IND": "INR", "NPL": "NPR", "PAK": "PKR", "LKA": "LKR"},
    "pounds": {"SSD": "SSP", "SDN": "SDG", "GBR": "GBP", "EGY": "EGP", "LBN": "LBP", "SYR": "SYP"},
    "pesos": {"CUB": "CUP", "DOM": "DOP", "MEX": "MXN", "ARG": "ARS", "CHL": "CLP", "COL": "COP", "URY": "UYU",
              "PHL": "PHP"},
    "dollars": {"LBR": "LRD", "NAM": "NAD", "BLZ": "BZD", "JAM": "JMD", "TTO": "TTD", "CAN": "CAD", "GUY": "GYD",
                "AUS": "AUD", "FJI": "FJD", "NZL": "NZD", "TWN": "TWD", "BRN": "BND", "SGP": "SGD", "USA": "USD"},
    "won": {"PRK": "KPW", "KOR": "KRW"},
    "som": {"KGZ": "KGS", "UZB": "UZS"},
    "roubles": {"BLR": "BYN", "RUS": "RUB"},
    "kroner": {"DNK": "DKK", "NOR": "NOK", "SWE": "SEK"},
    "rials": {"OMN": "OMR", "IRN": "IRR"},
    "riyals": {"QAT": "QAR", "SAU": "SAR", "YEM": "YER"},
    # spellings of the 2016 and 2020 releases
    "euros": "EUR", "afghanis": "AFN", "leks": "ALL", "new shekels": "ILS", "nuevos soles": "PEN", "us dollar": "USD",
    "bolivares fuerte": "VEF", "dinars": _DINARS, "kronor": {"SWE": "SEK"}, "sum": {"UZB": "UZS"},
    "emalangeni": "SZL",
}
MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
#: SIPRI's region and subregion names (case-folded, "and" written "&", punctuation as spaces), in any release.
REGION_NAMES = frozenset({
    "world", "africa", "north africa", "sub saharan africa", "americas", "central america & the caribbean",
    "north america", "south america", "asia & oceania", "central asia", "central & south asia", "east asia",
    "oceania", "south asia", "south east asia", "europe", "central europe", "eastern europe", "western europe",
    "middle east",
})
#: A row of the 2016 release that carries two states' series under one name (its footnote 84: "Figures are for the
#: USSR from 1988-1990, and from Russia from 1992 onwards"): (name, first year, last year) of each part.
COMBINED_ROWS = {"ussr/russia": (("USSR", None, 1991), ("Russia", 1992, None))}
# fmt: on
#: One clause of a fiscal-year description: "Apr-Mar", "Till: 2001 Jul-Jun", "2002: Jul-Dec", "From 2003: Jan-Dec",
#: "From 1974 Till: 1990 Jan-Dec", "Till 2001: July-June", "To 1956: Apr-Mar".
_FISCAL_PART = re.compile(
    r"(?:from\s*:?\s*(?P<start>\d{4})\s*)?(?:(?:till|until|to)\s*:?\s*(?P<end>\d{4})\s*)?(?:(?P<only>\d{4})\s*)?:?\s*"
    r"(?P<first>[a-z]{3})[a-z]*\.?\s*[-–]\s*[a-z]{3}",
    re.I,
)
#: Clauses are separated by commas (2025: "Till: 2002 Jan-Dec, 2003: Jan-Mar") or full stops (2020: "Till 2001:
#: July-June. 2002: July-Dec. From 2003: Jan-Dec.").
_FISCAL_CLAUSES = re.compile(r"[,;]|\.\s+(?=(?:from|till|until|to)\b|\d)", re.I)
#: A month alone names the month a financial year starts (the 2016 release's "Financial year start": "October").
_MONTH_NAME = re.compile(
    r"^(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?"
    r"|nov(?:ember)?|dec(?:ember)?)\.?$",
    re.I,
)
_YEAR_HEADER = re.compile(r"^(\d{4})(?:\.0+)?(?:\s*\(?\s*(?P<note>[a-z][a-z ]*?)\s*\)?)?$", re.I)
_MARKER = re.compile(r"\d+|[^\d\s,;.]")
#: A footnote saying every figure of a country is for a financial year of stated months: "All figures for the USA are
#: for financial year (1 Oct. of the previous year to 30 Sep. of the stated year) rather than calendar year."
_FISCAL_STATEMENT = re.compile(
    r"\ball (?:the )?figures for (?:the )?(?P<name>[^.;()]+?) are for (?:the |a )?(?:financial|fiscal) years?\s*"
    r"\((?P<span>[^)]*)\)",
    re.I,
)
_SPAN_DATE = re.compile(
    r"(?:\d{1,2}\s*)?(?P<month>[a-z]{3})[a-z]*\.?\s+of\s+the\s+(?P<which>previous|preceding|stated|same|following|next)"
    r"\s+year",
    re.I,
)

#: What a damaged workbook raises while openpyxl unpacks and parses it (a CRC or inflate error, broken XML, a
#: number that does not parse, a missing part).
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, ValueError, ElementTree.ParseError)


# --- detection -------------------------------------------------------------------------------------------------


def sniff(probe: Probe) -> bool:
    """A workbook with at least one SIPRI data sheet, told by its content (see `_sipri_sheet`)."""
    try:
        if not probe.is_xlsx:
            return False
        return any(
            _sipri_sheet(name, probe.first_rows(name, rows=TITLE_ROWS, columns=12))
            for name in probe.sheet_names[:SNIFF_SHEETS]
        )
    except (InputFileError, *DAMAGED):
        return False


def _sipri_sheet(name: str, rows: list[tuple]) -> bool:
    """SIPRI's title text above a header of Country (or Region) and years, on a sheet of a kind SIPRI publishes
    (told by its title, or else by its name)."""
    found = _find_header(rows)
    if found is None:
        return False
    index, name_index = found
    above = _above(rows[:index])
    years = any(_year_header(value, _plain(value)) for value in rows[index][name_index + 1 :])
    return years and bool(SIPRI_TITLE.search(above)) and any(_sheet_kinds(name, above))


def _find_header(rows: list[tuple]) -> tuple[int, int] | None:
    """(row index, column index) of the first cell reading Country or Region, from cell values."""
    for index, row in enumerate(rows):
        column = next((i for i, value in enumerate(row) if _plain(value).casefold() in ("country", "region")), None)
        if column is not None:
            return index, column
    return None


def _above(rows: list[tuple]) -> str:
    """The text of the first three columns of rows above a header (cell values), one string."""
    return " ".join(text for row in rows for text in map(_plain, row[:3]) if text)


def _sheet_kinds(sheet_name: str, title: str = "") -> tuple[SheetSpec | None, SheetSpec | None]:
    """(the kind the title text above a sheet's header says, the kind its name says), each None when it says none."""
    name = " ".join(sheet_name.split())
    by_title = next((spec for spec in TITLE_ORDER if spec.title.search(title)), None) if title else None
    return by_title, next((spec for spec in SHEETS if spec.pattern.search(name)), None)


def _sheet_spec(sheet_name: str, title: str, shown: str) -> SheetSpec | None:
    """The kind of a sheet, by its content: the title text above its header; by its name only when the title says
    nothing. A title and a name naming two different kinds are refused (InputFileError): neither is guessed right."""
    by_title, by_name = _sheet_kinds(sheet_name, title)
    if by_title is not None and by_name is not None and by_title is not by_name:
        raise InputFileError(
            shown,
            f"its title text says it holds {by_title.label} ({title[:100]!r}) but its name says {by_name.label}: "
            "milspace reads a sheet by its content and will not guess which of the two is right",
            sheet=sheet_name,
        )
    return by_title or by_name


# --- one sheet -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearColumn:
    index: int  # 0-based column
    header: str  # the header text, whitespace collapsed (2017.0 -> "2017")
    year: int
    current_prices: bool  # "2024 (current prices)" or "2019 Current" in a constant-price sheet


@dataclass(frozen=True)
class Header:
    row: int  # 1-based
    name_index: int
    name_header: str  # "Country" or "Region"
    years: tuple[YearColumn, ...]
    roles: dict[str, int]  # currency | fiscal | notes | reporting | omitted -> column index
    fiscal_default: str  # the Fiscal Year header's "(Jan-Dec if not stated)", or ""


@dataclass(frozen=True)
class Sheet:
    """One data sheet as found: its kind, header, money scale and constant-price base year."""

    name: str
    spec: SheetSpec
    header: Header
    factor: float
    base: int | None  # the base year of its constant-price figures: as labelled, or as the data show
    labelled: int | None  # the base year its name or title text states


@dataclass
class RegionRow:
    """A Regional totals row, kept for the sum checks."""

    row: int
    name: str
    bold: bool  # regions are bold, subregions plain
    values: dict[str, tuple[int, bool, float | None]] = field(default_factory=dict)  # header -> year, current, value


@dataclass(frozen=True)
class FiscalStatement:
    """A footnote saying every figure of a country is for a financial year of stated months."""

    marker: str
    name: str  # the country as the footnote names it
    month: int  # the month the financial year starts
    label: str  # "end": the stated year is the year it ends; "start": the year it begins


@dataclass
class Reading:
    """What one file yields while its sheets are read."""

    shown: str
    names: NationNames
    footnotes: dict[str, str]
    statements: dict[str, FiscalStatement]
    theme: tuple[str | None, ...]
    has_current: bool  # the file has a Current US$ sheet
    sheets: list[Sheet] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # one per sheet row, figures as lists
    copies: list[dict] = field(default_factory=list)  # current-price columns of constant sheets (see _settle_copies)
    rejected: list[dict] = field(default_factory=list)
    regions: list[RegionRow] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)  # reconciliations found while reading
    headings: int = 0
    footer_rows: int = 0
    coloured_markers: int = 0
    break_rows: int = 0
    unit_changes: list[str] = field(default_factory=list)
    without_figures: dict[str, list[str]] = field(default_factory=dict)  # unknown names whose rows hold no figure
    copy_conflicts: list[str] = field(default_factory=list)  # current-price copies that disagree in kind
    fiscal_rows: dict[str, tuple[FiscalStatement, str, set[str]]] = field(default_factory=dict)  # code -> ..., sheets
    skipped: list[str] = field(default_factory=list)  # sheets and columns not read, one sentence each

    def reject(self, sheet: str, row: int, column: str, rule: str, value: str) -> None:
        self.rejected.append({"file": self.shown, "sheet": sheet, "row": row, "column": column, "rule": rule,
                              "value": value})  # fmt: skip


def _read_sheet(reading: Reading, name: str, spec: SheetSpec, grid: list[tuple]) -> None:
    header = _header(grid, name, reading.shown)
    above = " ".join(_text(cell) for row in grid[: header.row - 1] for cell in row[:3])
    factor = next((f for pattern, f in SCALES if pattern.search(above)), spec.default_factor)
    base = _base_year(name, above, reading.shown) if spec.basis == "constant" else None
    sheet = Sheet(name, spec, header, factor, base, base)
    reading.sheets.append(sheet)
    body = grid[header.row :]
    # The table ends at its last row with a figure; text under it is the sheet's legend (older releases repeat the
    # symbols' meanings there), never data.
    last = max((i for i, cells in enumerate(body) if _has_figure(cells, header)), default=-1)
    _check_columns(reading, sheet, grid[header.row - 1], body[: last + 1])
    for offset, cells in enumerate(body[: last + 1]):
        _read_row(reading, sheet, header.row + 1 + offset, cells)
    reading.footer_rows += sum(1 for cells in body[last + 1 :] if any(_text(cell) for cell in cells))


def _header(grid: list[tuple], sheet: str, shown: str) -> Header:
    """The first row with a cell reading Country (or Region); its year columns and leading columns by text. A
    header word milspace does not know is refused: a column it cannot place is never guessed at."""
    for number, cells in enumerate(grid[:HEADER_ROWS], start=1):
        texts = [_text(cell) for cell in cells]
        name_index = next((i for i, t in enumerate(texts) if t.casefold() in ("country", "region")), None)
        if name_index is None:
            continue
        years, roles, fiscal_default = [], {}, ""
        for index in range(name_index + 1, len(cells)):
            if not texts[index]:
                continue
            year = _year_header(cells[index].value, texts[index])
            if year:
                years.append(YearColumn(index, texts[index], *year))
            elif role := _role(texts[index]):
                roles[role] = index
                fiscal_default = texts[index] if role == "fiscal" else fiscal_default
            else:
                raise InputFileError(
                    shown,
                    f"its header {texts[index]!r} is not a SIPRI column milspace knows (a year, 'YYYY (current "
                    "prices)', Currency, Fiscal or Financial year, Notes, Reporting year, Omitted countries)",
                    sheet=sheet,
                    row=number,
                    column=get_column_letter(index + 1),
                )
        if not years:
            raise InputFileError(shown, "its header row has no year columns", sheet=sheet, row=number)
        seen: dict[tuple[int, bool], YearColumn] = {}
        for column in years:
            twin = seen.setdefault((column.year, column.current_prices), column)
            if twin is not column:
                raise InputFileError(
                    shown,
                    f"its header row names {column.header!r} twice (columns {get_column_letter(twin.index + 1)} and "
                    f"{get_column_letter(column.index + 1)}): milspace will not guess which year each column is for",
                    sheet=sheet,
                    row=number,
                    column=get_column_letter(column.index + 1),
                )
        return Header(number, name_index, texts[name_index], tuple(years), roles, fiscal_default)
    raise InputFileError(
        shown, f"no header row starting with 'Country' (or 'Region') in its first {HEADER_ROWS} rows", sheet=sheet
    )


def _is_figure(value, role: str | None = None, markers: frozenset[str] = frozenset()) -> bool:
    """Whether a cell outside the year columns holds what only a year column should: a number, a number written as
    text or a SIPRI missing marker. In a Notes column a whole number is a footnote marker ("16") when the Footnotes
    sheet has it (without a Footnotes sheet, when it is under 1,000), not a figure."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, str):
        found = _figure_text(value) if value.strip() else None
        if found is None:
            return is_spreadsheet_error(value)
        number, marker = found
        if marker is not None:
            return True
        assert number is not None  # a figure text without a missing marker has its value
    elif isinstance(value, (int, float)):
        number = float(value)
    else:
        return False
    if role != "notes" or not number.is_integer():
        return True
    return str(int(number)) not in markers if markers else not 0 < number < 1000


def _check_columns(reading: Reading, sheet: Sheet, header_cells: tuple, body: list[tuple]) -> None:
    """The columns of a sheet's table that are not read, each reported in `skipped`; and a refusal
    (InputFileError naming the file, sheet, header row and column) when their content shows that the header row's
    years do not line up with the data, which would re-date every figure:
    - a column under a blank header beside the year columns holds a figure, or one elsewhere holds figures in most
      of its filled cells (SIPRI's own blank-headed columns hold nothing, or notes: "Base year is 1985");
    - a Currency, Fiscal year, Notes, Reporting year or Omitted countries column holds figures in most of its
      filled cells (Notes hold footnote markers: a whole number there is one when the Footnotes sheet has it);
    - no row has a figure under the first year header while the column just before it holds numbers."""
    header, name = sheet.header, sheet.name
    years = {column.index for column in header.years}
    roles = {index: role for role, index in header.roles.items()}
    first, last = min(years), max(years)
    markers = frozenset(reading.footnotes)
    filled: dict[int, list[tuple[int, object]]] = {}
    for offset, row_cells in enumerate(body):
        for index, cell in enumerate(row_cells):
            value = getattr(cell, "value", None)
            if index != header.name_index and _plain(value):
                filled.setdefault(index, []).append((header.row + 1 + offset, value))

    def refuse(index: int, problem: str) -> InputFileError:
        return InputFileError(
            reading.shown,
            f"the header row's years do not line up with the data: {problem}; the year headers look shifted by a "
            "cell, and milspace will not guess which year each figure is for",
            sheet=name,
            row=header.row,
            column=get_column_letter(index + 1),
        )

    if first not in filled:
        before = [(row, v) for row, v in filled.get(first - 1, []) if _is_figure(v)]
        if first - 1 not in years and first - 1 != header.name_index and len(before) >= 2:
            row, value = before[0]
            raise refuse(first, f"no row has a figure under the first year header ({header.years[0].header}, column "
                                f"{get_column_letter(first + 1)}), while column {get_column_letter(first)} before it "
                                f"holds numbers (row {row}: {value!r})")  # fmt: skip
    for index in sorted(filled):
        if index in years:
            continue
        cells = filled[index]
        role = roles.get(index)
        figures = [(row, value) for row, value in cells if _is_figure(value, role, markers)]
        letter = get_column_letter(index + 1)
        most = len(figures) >= 2 and 2 * len(figures) > len(cells)
        if role is not None:
            if most:
                row, value = figures[0]
                title = _text(_at(header_cells, index))
                raise refuse(index, f"column {letter}, under the header {title!r}, holds figures in {len(figures)} of "
                                    f"its {len(cells)} filled cells (row {row}: {value!r})")  # fmt: skip
            continue
        example = f"{len(cells)} filled cells, e.g. row {cells[0][0]}: {_plain(cells[0][1])[:60]!r}"
        if index < header.name_index:
            reading.skipped.append(f"column {letter} of sheet {name!r} skipped: it is left of the "
                                   f"{header.name_header!r} column ({example})")  # fmt: skip
            continue
        if (figures and index in (first - 1, last + 1)) or most:
            row, value = figures[0]
            beside = ", beside the year columns" if index in (first - 1, last + 1) else ""
            raise refuse(index, f"column {letter} holds figures under a blank header (row {row}: {value!r}){beside}")
        reading.skipped.append(f"column {letter} of sheet {name!r} skipped: its header (row {header.row}) is blank "
                               f"({example})")  # fmt: skip


def _year_header(value, text: str) -> tuple[int, bool] | None:
    """(year, current prices) of a year header: 2017, 2017.0, "2017", "2024 (current prices)" or "2019 Current"."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (int(value), False) if float(value).is_integer() and 1900 <= value <= 2100 else None
    match = _YEAR_HEADER.match(text)
    if not match or not 1900 <= int(match.group(1)) <= 2100:
        return None
    note = " ".join((match.group("note") or "").casefold().split())
    if note not in ("", "current", "current prices"):
        return None
    return int(match.group(1)), bool(note)


def _role(header: str) -> str | None:
    text = header.casefold()
    prefixes = (("currency", "currency"), ("fiscal year", "fiscal"), ("financial year", "fiscal"),
                ("notes", "notes"), ("reporting year", "reporting"), ("omitted", "omitted"))  # fmt: skip
    return next((role for prefix, role in prefixes if text.startswith(prefix)), None)


def _base_year(sheet: str, text: str, shown: str) -> int | None:
    """The constant-price base year as labelled: in the text above the header ("in constant (2023) US$ m."), else in
    the sheet name ("Constant (2023) US$"). The two naming different years are refused (InputFileError)."""
    pattern = re.compile(r"constant\s*\(?\s*(\d{4})", re.I)
    in_text, in_name = pattern.search(text), pattern.search(sheet)
    if in_text and in_name and in_text.group(1) != in_name.group(1):
        raise InputFileError(
            shown,
            f"its title text says constant ({in_text.group(1)}) prices but its name says constant ({in_name.group(1)})"
            ": milspace will not guess which base year its figures are at",
            sheet=sheet,
        )
    match = in_text or in_name
    return int(match.group(1)) if match else None


def _has_figure(cells: tuple, header: Header) -> bool:
    """Whether a row holds a figure, a missing marker or a spreadsheet error in a year column."""
    for column in header.years:
        value = getattr(_at(cells, column.index), "value", None)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return True
        if isinstance(value, str) and value.strip():
            if is_spreadsheet_error(value) or _figure_text(value) is not None:
                return True
    return False


def _read_row(reading: Reading, sheet: Sheet, number: int, cells: tuple) -> None:
    """One sheet row: a heading or blank row is counted and skipped; a country or region row becomes lines."""
    header, spec = sheet.header, sheet.spec
    name = _text(_at(cells, header.name_index))
    figures = [(column, _at(cells, column.index)) for column in header.years]
    if all(_text(cell) == "" for _, cell in figures):
        reading.headings += bool(name)
        return
    if not name:
        first_text = next(_text(cell) for _, cell in figures if _text(cell))
        reading.reject(sheet.name, number, header.name_header, NAME_RULE, first_text)
        return
    read = [(column, cell, _figure(cell, spec.percent)) for column, cell in figures]
    parts = _entities(name, spec, reading.names)
    if not parts:
        if not all(f is not None and f[0] is None for _, _, f in read):
            reading.reject(sheet.name, number, header.name_header, NATION_RULE, name)
        elif _region_key(name) in REGION_NAMES:
            reading.headings += 1  # a subregion heading filled with missing markers (2020: Share of GDP, South Asia)
        else:
            reading.without_figures.setdefault(name, []).append(f"{sheet.name} row {number}")
        return
    built = []  # (first year, last year, line, start month by year, units by position) of each part of the row
    for code, kind, first, last in parts:
        line, month_of = _row_line(reading, sheet, number, cells, name, (code, kind))
        units = _row_units(reading, sheet, number, line, read)
        if units is None:
            reading.reject(
                sheet.name, number, header.name_header, UNIT_RULE, _text(_at(cells, header.roles["currency"]))
            )
            return
        copy = {**line, **{column: [] for column in FIGURE_COLUMNS}}
        built.append((first, last, line, month_of, units, copy))
    region = RegionRow(number, name, bool(getattr(_at(cells, header.name_index).font, "b", False)))
    for position, (column, cell, figure) in enumerate(read):
        if figure is None:
            reading.reject(sheet.name, number, column.header, figure_rule(_text(cell), VALUE_RULE), _text(cell))
            continue
        first, last, line, month_of, units, copy = next(
            part for part in built if (part[0] or column.year) <= column.year <= (part[1] or column.year)
        )
        colour = _colour(cell, reading.theme)
        if figure[0] is None and colour:
            reading.coloured_markers += 1
            colour = None
        month = month_of(column.year) if month_of else None
        # A constant sheet's current-price column repeats the Current US$ sheet: kept apart (see _settle_copies).
        target = copy if column.current_prices and not spec.regional and reading.has_current else line
        _add_figure(target, sheet, column, figure, colour, month, *units(position))
        region.values[column.header] = (column.year, column.current_prices, figure[0])
    if spec.regional:
        reading.regions.append(region)
    for *_, line, _month_of, _units, copy in built:
        if line["period"]:
            reading.rows.append(line)
        if copy["period"]:
            reading.copies.append(copy)


def _row_line(reading: Reading, sheet: Sheet, number: int, cells: tuple, name: str, entity: tuple[str, str]):
    """The row-level part of a row's lines (entity, period type, phase, currency, footnotes) and the start month of
    its fiscal years by year (None for calendar years)."""
    header, spec = sheet.header, sheet.spec

    def lead(role: str) -> str:
        return _text(_at(cells, header.roles.get(role)))

    markers = _markers(_at(cells, header.roles.get("notes")))
    fiscal_text, reporting, omitted = lead("fiscal") if spec.fiscal else "", lead("reporting"), lead("omitted")
    statement = _statement(reading, markers, entity[0])
    label: str | None = "start"  # SIPRI: "Financial years are always treated as starting in the specified year"
    month_of: Callable[[int], int | None] | None  # the start month of a fiscal year (None: calendar years)
    if statement is not None:
        label, month_of = statement.label, functools.partial(_statement_month, statement, entity[0])
        seen = reading.fiscal_rows.setdefault(entity[0], (statement, name, set()))
        seen[2].add(sheet.name)
    elif spec.fiscal:
        month_of = functools.partial(_month_for, _fiscal_months(fiscal_text or header.fiscal_default))
    elif ranges := _fiscal_months(reporting):
        month_of = functools.partial(_month_for, ranges)
    else:
        label, month_of = None, None
    notes = [f"{m} {reading.footnotes.get(m, '(not in the Footnotes sheet)')}" for m in markers]
    notes += [f"Financial year: {fiscal_text}"] if fiscal_text else []
    notes += [f"Reporting year: {reporting}"] if reporting else []
    notes += [f"Omitted from the estimate: {omitted}"] if omitted else []
    breaks = _series_breaks(cells, header, reading.theme)
    if breaks:
        reading.break_rows += 1
        spans = ", ".join(f"{before}|{after}" for before, after in breaks)
        notes.append(f"Series break (a red line in the sheet) between {spans}: figures before a break may not be "
                     "consistent with those after it")  # fmt: skip
    line: dict[str, Any] = {
        "sheet": sheet.name, "row": number, "entity_code": entity[0], "entity_name": name, "entity_kind": entity[1],
        "period_type": "calendar_year" if month_of is None else "fiscal_year", "fiscal_year_label": label,
        "phase": "enacted" if "§" in markers else "actual",
        "currency": spec.currency if spec.currency != "local" else None,
        "currency_name": lead("currency"), "is_total": spec.regional,
        "footnotes": "; ".join(notes) or None, **{column: [] for column in FIGURE_COLUMNS},
    }  # fmt: skip
    return line, month_of


def _row_units(reading: Reading, sheet: Sheet, number: int, line: dict, read: list) -> Callable | None:
    """position -> (unit factor, currency name) of a row's figures; sets the row's local currency. None when the
    Currency cell names two units of different size and the row does not show where one gives way to the other
    (its figures are then rejected)."""
    text = line.pop("currency_name")
    if sheet.spec.currency != "local":
        return lambda position: (sheet.factor, "")
    units = _currency_units(text, sheet.factor)
    isos = {_local_currency(name, line["entity_code"]) for _, name in units}
    line["currency"] = isos.pop() if len(isos) == 1 else None  # two currencies in one row: not one ISO code
    if len(units) == 1:
        return lambda position: units[0]
    if len({factor for factor, _ in units}) == 1:  # "m. Shillings/m. US$": one scale, the names kept in unit
        return lambda position: (units[0][0], text)
    change = _unit_change(read, reading.theme)
    if change is None:
        return None
    column = read[change][0]
    reading.unit_changes.append(f"{line['entity_name']} ({sheet.name}, row {number}): {text}, from {column.year}")
    return lambda position: units[0] if position < change else units[1]


FIGURE_COLUMNS = ("source_column", "period", "measure", "unit", "unit_factor", "price_basis", "value",
                  "missing_marker", "is_estimate", "is_highly_uncertain", "fiscal_year_start_month")  # fmt: skip


def _add_figure(line: dict, sheet: Sheet, column: YearColumn, figure, colour, month, factor, currency) -> None:
    """Append one figure's values to its row's lists."""
    current = column.current_prices or sheet.spec.basis == "current"
    basis: str | None
    if current:
        basis, prices = "current", "current prices"
    else:
        basis = f"constant_{sheet.base}" if sheet.spec.basis == "constant" and sheet.base else None
        prices = f"constant ({sheet.base}) prices"
    unit = sheet.spec.unit.format(scale=SCALE_WORDS.get(factor, ""), prices=prices, currency=currency)
    measure = "milex_current_usd" if column.current_prices else sheet.spec.measure
    values = (column.header, column.year, measure, unit, factor, basis, *figure, colour == "blue", colour == "red",
              month)  # fmt: skip
    for name, value in zip(FIGURE_COLUMNS, values, strict=True):
        line[name].append(value)


def _at(cells: tuple, index: int | None):
    return cells[index] if index is not None and index < len(cells) else None


def _plain(value) -> str:
    """A cell value as text (`cell_text`); '' for blank."""
    return cell_text(value) or ""


def _text(cell) -> str:
    return _plain(getattr(cell, "value", None))


def _entities(name: str, spec: SheetSpec, names: NationNames) -> list[tuple[str, str, int | None, int | None]]:
    """(code, kind, first year, last year) of what a row's name stands for: one region, one country (for all its
    years), or the parts of a row carrying two states (COMBINED_ROWS); [] for a name milspace does not know."""
    if spec.regional:
        return [(*_region(name), None, None)]
    code = _nation_code(name, names)
    if code is not None:
        return [(code, _kind(code), None, None)]
    combined = COMBINED_ROWS.get(normalize_name(name), ())
    parts = [(code, first, last) for part, first, last in combined if (code := _nation_code(part, names))]
    return [(code, _kind(code), first, last) for code, first, last in parts] if len(parts) == len(combined) else []


def _kind(code: str) -> str:
    return "historical_state" if code in HISTORICAL_STATES else "aggregate" if code in AGGREGATES else "country"


def _nation_code(name: str, names: NationNames) -> str | None:
    """A country's code from its name, in any release's spelling (data_raw/reference/nation_names.csv)."""
    return names.code(name)


def _region_key(name: str) -> str:
    text = re.sub(r"\band\b", "&", name.casefold())
    return " ".join(re.sub(r"[^a-z0-9&]+", " ", text).split())


def _region(name: str) -> tuple[str, str]:
    """(code, kind) of a Regional totals row: World is WLD; a region is "SIPRI:<NAME>", spelled alike in every
    release ("Asia and Oceania" and "Asia & Oceania" -> SIPRI:ASIA_OCEANIA; a note letter glued to the name, as in
    the 2016 release's "Europea", is not part of it)."""
    text = " ".join(name.replace("*", " ").split())
    glued = re.fullmatch(r"(.*[a-z])[a-z]", text)
    if _region_key(text) not in REGION_NAMES and glued and _region_key(glued.group(1)) in REGION_NAMES:
        text = glued.group(1)
    if _region_key(text) == "world":
        return "WLD", "aggregate"
    return "SIPRI:" + re.sub(r"[^A-Za-z0-9]+", "_", re.sub(r"\band\b", "&", text)).strip("_").upper(), "region"


def _figure_text(text: str) -> tuple[float | None, str | None] | None:
    """(value, missing marker) of a text cell; None when it is neither a number nor a missing marker."""
    text = text.strip()
    if text == "":
        return None, "empty"
    if re.sub(r"\s+", "", text).casefold() in MISSING_MARKERS:
        return None, text
    try:
        value = float(text)  # a number stored as text
    except ValueError:
        return None
    return (value, None) if math.isfinite(value) else None


def _figure(cell, percent: bool) -> tuple[float | None, str | None] | None:
    """(value, missing marker) of a figure cell; None when it is neither a number nor a missing marker."""
    value = getattr(cell, "value", None)
    if isinstance(value, str):
        found = _figure_text(value)
        if found is None or found[0] is None:
            return found
        value = found[0]
    if value is None:
        return None, "empty"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value) * (100.0 if percent else 1.0), None


def _markers(cell) -> list[str]:
    """Footnote markers of a Notes cell: "‡§¶16" -> ["‡", "§", "¶", "16"]; "‡5,6" -> ["‡", "5", "6"]."""
    return _MARKER.findall(_text(cell))


def _currency_units(text: str, default: float) -> list[tuple[float, str]]:
    """(unit factor, currency name) of each unit a Currency cell names: "Rupees" -> [(default, "Rupees")];
    "m. dollars" -> [(1e6, "dollars")]; "as is/m. francs" -> [(1.0, "francs"), (1e6, "francs")]."""
    units = []
    for part in text.split("/"):
        match = _CURRENCY_UNIT.match(part.strip())
        assert match is not None  # it matches any one line, and the cell's text is one (cell_text)
        scale, as_is = match.group("scale"), match.group("as_is")
        factor = CURRENCY_SCALES[scale.casefold()] if scale else 1.0 if as_is else default
        units.append((factor, match.group("name").strip()))
    named = next((name for _, name in units if name), "")
    return [(factor, name or named) for factor, name in units]


def _local_currency(name: str, code: str) -> str | None:
    iso = LOCAL_CURRENCIES.get(" ".join(name.casefold().split()))
    return iso.get(code) if isinstance(iso, dict) else iso


def _fiscal_months(text: str) -> list[tuple[float, float, int]]:
    """(first year, last year, start month) ranges of a fiscal-year description; [] when it states none."""
    if _MONTH_NAME.match(text.strip()):
        return [(-math.inf, math.inf, MONTHS[text.strip()[:3].casefold()])]
    ranges = []
    for part in _FISCAL_CLAUSES.split(text):
        match = _FISCAL_PART.search(part)
        if not match or match.group("first").casefold() not in MONTHS:
            continue
        only = match.group("only")
        low = float(only or match.group("start") or "-inf")
        high = float(only or match.group("end") or "inf")
        ranges.append((low, high, MONTHS[match.group("first").casefold()]))
    return ranges


def _month_for(ranges: list, year: int) -> int | None:
    return next((month for low, high, month in ranges if low <= year <= high), None)


# --- fiscal-year statements in footnotes -------------------------------------------------------------------------


def _fiscal_statement(marker: str, text: str) -> FiscalStatement | None:
    """The statement of a footnote that all of a country's figures are for a financial year of stated months,
    named by the year it ends ("1 Oct. of the previous year to 30 Sep. of the stated year") or begins ("1 Apr. of
    the stated year to 31 Mar. of the following year"); None for any other footnote."""
    match = _FISCAL_STATEMENT.search(text)
    if not match:
        return None
    first = _SPAN_DATE.search(match.group("span"))
    month = MONTHS.get(first.group("month").casefold()) if first else None
    if first is None or month is None:
        return None
    label = "end" if first.group("which").casefold() in ("previous", "preceding") else "start"
    return FiscalStatement(marker, match.group("name").strip(), month, label)


def _statement(reading: Reading, markers: list[str], code: str) -> FiscalStatement | None:
    """The fiscal-year statement among a row's footnotes, when it names that row's country (or a name milspace
    cannot resolve: the marker ties the footnote to the row)."""
    for marker in markers:
        statement = reading.statements.get(marker)
        if statement is not None and _nation_code(statement.name, reading.names) in (None, code):
            return statement
    return None


def _statement_month(statement: FiscalStatement, code: str, year: int) -> int:
    """The start month of a fiscal year a footnote states: from data_raw/reference/fiscal_years.csv where it has the
    nation's calendar for that year under the same naming (the US year ran July-June to FY 1976), else the
    footnote's month."""
    found = fiscal_years.calendar(code, year)
    return found.start_month if found is not None and found.named_by == statement.label else statement.month


# --- footnotes, colours and lines --------------------------------------------------------------------------------


def _footnotes(worksheet) -> dict[str, str]:
    """Marker -> text from the Footnotes sheet: a symbol or number in the first column, its text further right."""
    if worksheet is None:
        return {}
    notes = {}
    for row in worksheet.iter_rows(values_only=True):
        if not row or row[0] is None:
            continue
        key = row[0]
        key = str(int(key)) if isinstance(key, (int, float)) and float(key).is_integer() else str(key).strip()
        text = next((" ".join(str(v).split()) for v in row[1:] if v is not None and str(v).strip()), None)
        if text and (key.isdigit() or (len(key) == 1 and not key.isalnum())):
            notes[key] = text
    return notes


def _theme_colours(workbook) -> tuple[str | None, ...]:
    """The theme's colours by SpreadsheetML theme index (0 lt1, 1 dk1, 2 lt2, 3 dk2, 4-9 accent1-6, ...)."""
    xml = getattr(workbook, "loaded_theme", None)
    if not xml:
        return ()
    try:
        scheme = ElementTree.fromstring(xml).find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}clrScheme")
    except ElementTree.ParseError:
        return ()
    if scheme is None:
        return ()
    colours = [(child[0].get("val") or child[0].get("lastClr")) if len(child) else None for child in scheme]
    if len(colours) >= 4:  # the scheme lists dk1, lt1, dk2, lt2
        colours[0:4] = [colours[1], colours[0], colours[3], colours[2]]
    return tuple(colours)


def _colour(cell, theme: tuple[str | None, ...]) -> str | None:
    """'blue', 'red' or None for a cell's font colour, indexed, RGB or theme."""
    return _colour_of(getattr(getattr(cell, "font", None), "color", None), theme)


def _colour_of(color, theme: tuple[str | None, ...]) -> str | None:
    if color is None:
        return None
    rgb = None
    if color.type == "indexed" and isinstance(color.indexed, int) and color.indexed < len(COLOR_INDEX):
        rgb = COLOR_INDEX[color.indexed]
    elif color.type == "theme" and isinstance(color.theme, int) and color.theme < len(theme):
        rgb = theme[color.theme]
    elif color.type == "rgb" and isinstance(color.rgb, str):
        rgb = color.rgb
    return _hue(rgb) if rgb else None


@functools.cache
def _hue(rgb: str) -> str | None:
    """'blue' or 'red' for a saturated colour of that hue ("FF0000FF", "FFFF0000", "4F81BD"), else None."""
    try:
        red, green, blue = (int(rgb[-6:][i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return None
    hue, saturation, brightness = colorsys.rgb_to_hsv(red, green, blue)
    if saturation < 0.5 or brightness < 0.3:
        return None
    degrees = hue * 360
    if 195 <= degrees <= 265:
        return "blue"
    if degrees <= 15 or degrees >= 345:
        return "red"
    return None


def _line_kind(side, theme: tuple[str | None, ...]) -> str | None:
    """What a cell border between two figures says: a red line is a series break; a heavy line of another colour
    (thick, double, medium) is a change of unit; anything else nothing."""
    style = getattr(side, "style", None)
    if not style:
        return None
    if _colour_of(getattr(side, "color", None), theme) == "red":
        return "break"
    return "unit" if style in ("thick", "double", "medium") else None


def _sides(read: list) -> list[tuple]:
    """(left, right) border sides of each figure cell of a row."""
    borders = [getattr(cell, "border", None) for _, cell, *_ in read]
    return [(getattr(b, "left", None), getattr(b, "right", None)) for b in borders]


def _lines_between(read: list, theme, kind: str) -> list[int]:
    """Positions i (1 .. n-1) with a line of `kind` between figure i-1 and figure i."""
    sides = _sides(read)
    return sorted(
        {i for i in range(1, len(read)) if _line_kind(sides[i][0], theme) == kind}
        | {i + 1 for i in range(len(read) - 1) if _line_kind(sides[i][1], theme) == kind}
    )


def _series_breaks(cells: tuple, header: Header, theme) -> list[tuple[int, int]]:
    """(year before, year after) of each series break in a row: a red line between two cells (2016 and 2020)."""
    read = [(column, _at(cells, column.index)) for column in header.years]
    return [(read[i - 1][0].year, read[i][0].year) for i in _lines_between(read, theme, "break")]


def _unit_change(read: list, theme) -> int | None:
    """The position of the first figure in a row's second unit: the first heavy line that is not red."""
    found = _lines_between(read, theme, "unit")
    return found[0] if found else None


# --- the file --------------------------------------------------------------------------------------------------


def read(path: Path, shown: str, names: NationNames) -> ReadResult:
    try:
        workbook = open_workbook(path, shown)
        try:
            return _read_workbook(workbook, shown, names)
        finally:
            workbook.close()
    except DAMAGED as exc:
        problem = f"a damaged workbook: {type(exc).__name__}: {str(exc)[:120]}"
        raise InputFileError(shown, problem) from None


def _kinds(workbook, shown: str) -> tuple[list[tuple[str, SheetSpec]], list[str]]:
    """The data sheets of a workbook and their kinds (by the title text above the header, else by name), and one
    sentence for each other sheet saying why it is skipped (the Footnotes sheet is read, not skipped)."""
    found, skipped, footnotes = [], [], None
    for name in workbook.sheetnames:
        if FOOTNOTES_SHEET.search(name.strip()):
            if footnotes is not None:
                skipped.append(f"sheet {name!r} skipped: a second footnotes sheet (Notes markers are resolved against "
                               f"{footnotes!r})")  # fmt: skip
            footnotes = footnotes or name
            continue
        rows = [tuple(r) for r in workbook[name].iter_rows(max_row=TITLE_ROWS, max_col=12, values_only=True)]
        header = _find_header(rows)
        spec = _sheet_spec(name, _above(rows[: header[0]]) if header else "", shown)
        if spec is not None:
            found.append((name, spec))
        else:
            skipped.append(_skipped_sheet(workbook[name], name, header))
    return found, skipped


def _skipped_sheet(worksheet, name: str, header: tuple[int, int] | None) -> str:
    """Why a sheet is not read, in one sentence naming it (and how many figures its table holds, when it has one)."""
    if header is None:
        if FRONT_MATTER.search(" ".join(name.split())):
            return f"sheet {name!r} skipped: front matter, not a data table (no 'Country' or 'Region' header)"
        return (f"sheet {name!r} skipped: no header row reading 'Country' or 'Region' in its first {TITLE_ROWS} rows "
                "(not a SIPRI data table)")  # fmt: skip
    index, name_index = header
    worksheet.reset_dimensions()  # some exports state a wrong sheet size
    rows = worksheet.iter_rows(min_row=index + 1, values_only=True)
    titles = next(rows, ())
    years = [i for i, value in enumerate(titles) if i > name_index and _year_header(value, _plain(value))]
    found = (_figure(_Value(cells[i]), percent=False) for cells in rows for i in years if i < len(cells))
    figures = sum(1 for figure in found if figure is not None and figure[0] is not None)
    said = "its title row does not say what it measures" if index else "it has no title row above its header"
    return (f"sheet {name!r} skipped: {said}, and its name is not one of SIPRI's sheet names ({figures:,} figures "
            f"under the {len(years)} year columns of its header, row {index + 1}, not read)")  # fmt: skip


@dataclass(frozen=True)
class _Value:
    """A bare value where a cell is expected."""

    value: object


def _read_workbook(workbook, shown: str, names: NationNames) -> ReadResult:
    found, skipped = _kinds(workbook, shown)
    if not found:
        labels = ", ".join(spec.label for spec in SHEETS)
        raise InputFileError(shown, f"a workbook without any SIPRI data sheet ({labels})")
    footnote_sheet = next((workbook[n] for n in workbook.sheetnames if FOOTNOTES_SHEET.search(n.strip())), None)
    footnotes = _footnotes(footnote_sheet)
    statements = {m: s for m, text in footnotes.items() if (s := _fiscal_statement(m, text))}
    has_current = any(spec.measure == "milex_current_usd" for _, spec in found)
    reading = Reading(shown, names, footnotes, statements, _theme_colours(workbook), has_current, skipped=skipped)
    for name, spec in found:
        worksheet = workbook[name]
        worksheet.reset_dimensions()  # some exports state a wrong sheet size
        _read_sheet(reading, name, spec, list(worksheet.iter_rows()))
    _settle_copies(reading)

    lines = _lines(reading.rows)
    base = _find_base(reading, lines)
    lines = _rebase(reading, lines, base)
    release, how = _release(reading, lines, base)
    edition = f"{RELEASE_MONTH} {release} release" if release else "release not found"
    lines = lines.with_columns(
        source=pl.lit(SOURCE), source_format=pl.lit(FORMAT), edition=pl.lit(edition), file=pl.lit(shown)
    )
    return ReadResult(
        source_format=FORMAT,
        source=SOURCE,
        edition=edition,
        lines=finalize(lines) if lines.height else empty_lines(),
        rejected=rejected_rows(reading.rejected),
        reconciliations=_reconciliations(reading, lines),
        notes=_notes(reading, workbook.sheetnames, footnote_sheet is not None, lines, base, edition, how),
        skipped=tuple(reading.skipped),
    )


_ROW_SCHEMA: dict[str, PolarsDataType] = {
    "sheet": pl.String, "row": pl.Int64, "entity_code": pl.String, "entity_name": pl.String,
    "entity_kind": pl.String, "period_type": pl.String, "fiscal_year_label": pl.String, "phase": pl.String,
    "currency": pl.String, "is_total": pl.Boolean, "footnotes": pl.String,
    "source_column": pl.List(pl.String), "period": pl.List(pl.Int64), "measure": pl.List(pl.String),
    "unit": pl.List(pl.String), "unit_factor": pl.List(pl.Float64), "price_basis": pl.List(pl.String),
    "value": pl.List(pl.Float64), "missing_marker": pl.List(pl.String), "is_estimate": pl.List(pl.Boolean),
    "is_highly_uncertain": pl.List(pl.Boolean), "fiscal_year_start_month": pl.List(pl.Int64),
}  # fmt: skip


def _lines(rows: list[dict]) -> pl.DataFrame:
    """One line per figure from the rows' figure lists; red Regional totals figures say what red means there."""
    lines = pl.DataFrame(rows, schema=_ROW_SCHEMA).explode(list(FIGURE_COLUMNS))
    red_total = pl.col("is_total") & pl.col("is_highly_uncertain")
    with_red = pl.concat_str([pl.col("footnotes"), pl.lit(RED_IN_REGIONAL_TOTALS)], separator="; ", ignore_nulls=True)
    return lines.with_columns(footnotes=pl.when(red_total).then(with_red).otherwise(pl.col("footnotes")))


def _settle_copies(reading: Reading) -> None:
    """The 2016 and 2020 releases repeat the latest year at current prices as the last column of the constant-price
    sheet ("2019 Current"). Where the Current US$ sheet has a line for the same country and year, that sheet's line
    stands: a copy with a figure is compared with its figure (a reconciliation), and a copy whose figure or marker
    disagrees in kind (2016: 0 for Costa Rica, Haiti and Panama against ". .") is named in the notes. A copy with no
    line in the Current US$ sheet is loaded."""
    current = {s.name for s in reading.sheets if s.spec.measure == "milex_current_usd"}
    stated = {
        (row["entity_code"], year): (value, marker, row)
        for row in reading.rows
        if row["sheet"] in current
        for year, value, marker in zip(row["period"], row["value"], row["missing_marker"], strict=True)
    }
    for copy in reading.copies:
        kept: dict[str, list] = {name: [] for name in FIGURE_COLUMNS}
        for position, (year, value) in enumerate(zip(copy["period"], copy["value"], strict=True)):
            found = stated.get((copy["entity_code"], year))
            if found is None:
                for name in FIGURE_COLUMNS:
                    kept[name].append(copy[name][position])
            elif value is not None and found[0] is not None:
                text = (f"{copy['entity_name']} {year}: {copy['sheet']!r} column {copy['source_column'][position]!r} "
                        f"= {found[2]['sheet']!r}")  # fmt: skip
                reading.checks.append(_check(reading, copy["sheet"], copy["row"], text, found[0], value))
            elif (value is None) != (found[0] is None):
                shown = value if value is not None else copy["missing_marker"][position]
                other = found[0] if found[0] is not None else found[1]
                reading.copy_conflicts.append(f"{copy['entity_name']} {year} ({shown!r} against {other!r})")
        if kept["period"]:
            reading.rows.append({**copy, **kept})


# --- the constant-price base year --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BaseFinding:
    """What the data say about the constant-price base year of the country sheets."""

    labelled: int | None  # as the constant-price sheet's name (or title) states it
    shown: int | None  # the year in which constant = current US$ for nearly all countries; None: no such single year
    compared: int = 0  # countries with both figures in that year
    agreeing: int = 0  # of which constant = current within TOLERANCE
    why: str = ""  # when shown is None


def _find_base(reading: Reading, lines: pl.DataFrame) -> BaseFinding | None:
    """The base year the figures show: the one year in which a country's constant-price figure equals its current
    US$ figure (within TOLERANCE) for at least BASE_SHARE of the countries that have both (at least
    BASE_MIN_COUNTRIES). None when the file has no country sheet at constant prices."""
    constant = [s for s in reading.sheets if s.spec.basis == "constant" and not s.spec.regional]
    if not constant:
        return None
    labelled = constant[0].labelled
    figures = lines.filter(pl.col("value").is_not_null() & ~pl.col("is_total"))
    at_constant = figures.filter(
        pl.col("sheet").is_in([s.name for s in constant]) & pl.col("price_basis").str.starts_with("constant_")
    ).select("entity_code", "period", constant="value")
    at_current = (
        figures.filter(pl.col("measure") == "milex_current_usd")
        .group_by("entity_code", "period")
        .agg(current=pl.col("value").first())
    )
    both = at_constant.join(at_current, on=["entity_code", "period"])
    if both.is_empty():
        return BaseFinding(labelled, None, why="no country has figures at both constant and current US$ prices")
    agree = (pl.col("constant") - pl.col("current")).abs() <= TOLERANCE * pl.col("current").abs()
    years = both.group_by("period").agg(compared=pl.len(), agreeing=agree.sum()).sort("period")
    found = years.filter(
        (pl.col("compared") >= BASE_MIN_COUNTRIES) & (pl.col("agreeing") >= BASE_SHARE * pl.col("compared"))
    )
    if found.height == 1:
        year, compared, agreeing = found.row(0)
        return BaseFinding(labelled, year, compared, agreeing)
    span = f"{years['period'].min()!s}-{years['period'].max()!s}"  # !s: mypy sees min() as maybe bytes
    if years["compared"].max() < BASE_MIN_COUNTRIES:  # type: ignore[operator]  # a count's max: an int
        why = f"fewer than {BASE_MIN_COUNTRIES} countries have figures at both prices in any year of {span}"
    elif found.height == 0:
        why = f"in no year of {span} does constant equal current US$ for nearly all countries"
    else:
        why = f"constant equals current US$ for nearly all countries in several years ({found['period'].to_list()})"
    return BaseFinding(labelled, None, why=why)


def _mislabel(sheet: Sheet, finding: BaseFinding) -> str:
    shown = finding.shown
    if sheet.spec.regional:
        return (f"sheet {sheet.name!r} labelled constant {sheet.labelled} prices; figures at {shown} prices, as the "
                f"country sheets show (constant equals current in {shown})")  # fmt: skip
    return (f"sheet labelled {sheet.name}; figures at {shown} prices: constant equals current in {shown} "
            f"({finding.agreeing} of {finding.compared} countries)")  # fmt: skip


def _rebase(reading: Reading, lines: pl.DataFrame, finding: BaseFinding | None) -> pl.DataFrame:
    """Where the data show another base year than the label, the constant-price figures of every sheet with that
    label (the Regional totals too) are recorded at the true base: price_basis constant_<shown>, and a footnote
    saying what the sheet says and what the data show."""
    if finding is None or finding.shown is None or finding.shown == finding.labelled:
        return lines
    for index, sheet in enumerate(reading.sheets):
        if sheet.spec.basis != "constant" or sheet.labelled != finding.labelled:
            continue
        reading.sheets[index] = replace(sheet, base=finding.shown)
        mislabelled = (pl.col("sheet") == sheet.name) & (pl.col("price_basis") == f"constant_{finding.labelled}")
        note = pl.concat_str(
            [pl.col("footnotes"), pl.lit(_mislabel(sheet, finding))], separator="; ", ignore_nulls=True
        )
        unit = pl.col("unit").str.replace(f"constant ({finding.labelled})", f"constant ({finding.shown})", literal=True)
        lines = lines.with_columns(
            price_basis=pl.when(mislabelled).then(pl.lit(f"constant_{finding.shown}")).otherwise(pl.col("price_basis")),
            unit=pl.when(mislabelled).then(unit).otherwise(pl.col("unit")),
            footnotes=pl.when(mislabelled).then(note).otherwise(pl.col("footnotes")),
        )
    return lines


# --- the edition -------------------------------------------------------------------------------------------------


def _release(reading: Reading, lines: pl.DataFrame, finding: BaseFinding | None) -> tuple[int | None, str]:
    """The year of the release the file belongs to, and how it was found: the first of the evidence below that the
    file has (see the module docstring), with whether the second, when present, agrees."""
    evidence = []
    if finding is not None and finding.shown is not None:
        evidence.append((finding.shown + 2, f"the base year the data show ({finding.shown}) + 2"))
    latest = [c.year for s in reading.sheets for c in s.header.years if c.current_prices]
    if latest:
        evidence.append((max(latest) + 1, f"the latest year of data ({max(latest)}, also given at current prices) + 1"))
    if not evidence:
        labelled = [s.labelled for s in reading.sheets if s.labelled]
        if labelled:
            evidence.append((max(labelled) + 2, f"the base year the sheets are labelled with ({max(labelled)}) + 2"))
        elif lines.height:
            last: int = lines["period"].max()  # type: ignore[assignment]  # Int64 of lines: an int
            evidence.append((last + 1, f"the last year of figures ({last}) + 1, the earliest release it can be"))
    if not evidence:
        return None, "no figures and no base year in the file"
    (year, how), *others = evidence
    for other, text in others:
        how += f"; {text} {'agrees' if other == year else f'says {other}'}"
    return year, how


# --- notes -----------------------------------------------------------------------------------------------------


def _notes(reading: Reading, sheet_names, has_footnotes, lines, base, edition, how) -> tuple[str, ...]:
    read_names = {s.name for s in reading.sheets}
    notes = [f"Edition: {edition}, from {how}."]
    if lines.height:
        notes.append(f"Data years read: {lines['period'].min()}-{lines['period'].max()}.")
    notes += _base_notes(reading, base)
    notes.append("Skipped the title and legend rows above each sheet's header (their unit, base year, colour legend "
                 "and missing-data symbols are applied to the lines).")  # fmt: skip
    if reading.headings:
        notes.append(f"Skipped {reading.headings} rows with a name and no figures (region and subregion headings).")
    if reading.footer_rows:
        notes.append(f"Skipped {reading.footer_rows} rows of legend text under the tables.")
    others = [n for n in sheet_names if n not in read_names and not FOOTNOTES_SHEET.search(n.strip())]
    if others:
        notes.append(f"Skipped sheets without a SIPRI data table: {', '.join(others)}.")
    missing = [spec.label for spec in SHEETS if not any(s.spec is spec for s in reading.sheets)]
    if missing:
        notes.append(f"This file has no {', '.join(missing)} sheet (a partial export?).")
    if not has_footnotes:
        notes.append("This file has no Footnotes sheet: Notes markers are kept but not resolved.")
    for statement, name, sheets in (reading.fiscal_rows[code] for code in sorted(reading.fiscal_rows)):
        notes.append(
            f"Footnote {statement.marker} says all figures for {statement.name} are for a financial year named by the "
            f"year it {'ends' if statement.label == 'end' else 'begins'}, starting in month {statement.month}: "
            f"the {name} lines of {len(sheets)} sheets are fiscal years (start month from "
            "data_raw/reference/fiscal_years.csv where it knows the year, else the footnote's)."
        )
    if reading.copies:
        copied = sorted({c["sheet"] for c in reading.copies})
        notes.append(f"The current-price column of {', '.join(map(repr, copied))} repeats the Current US$ sheet: "
                     "compared with it (reconciliations), not loaded twice.")  # fmt: skip
    if reading.copy_conflicts:
        notes.append(f"The current-price column of the constant sheet and the Current US$ sheet disagree on "
                     f"{', '.join(reading.copy_conflicts)}: the Current US$ sheet's lines are kept.")  # fmt: skip
    for name, places in reading.without_figures.items():
        notes.append(f"Skipped {len(places)} rows of {name!r}, a name milspace does not know, with no figure in any "
                     f"year ({', '.join(places[:3])}{' ...' if len(places) > 3 else ''}).")  # fmt: skip
    if reading.break_rows:
        notes.append(f"{reading.break_rows} rows have series breaks (red lines between two cells), kept in footnotes.")
    for change in reading.unit_changes:
        notes.append(f"Unit change within a row (a line between two cells): {change}.")
    if reading.coloured_markers:
        notes.append(f"Ignored the font colour of {reading.coloured_markers} missing-data cells (no figure to flag).")
    return tuple(notes)


def _base_notes(reading: Reading, finding: BaseFinding | None) -> list[str]:
    if finding is None:
        regional = [s for s in reading.sheets if s.spec.regional and s.labelled]
        return [f"Regional totals base year as labelled ({regional[0].labelled}): not checked (no country sheets at "
                "constant and current prices)."] if regional else []  # fmt: skip
    if finding.shown is None:
        return [f"Constant-price base year kept as labelled ({finding.labelled}): the data show none ({finding.why})."]
    if finding.shown == finding.labelled:
        return [f"Constant-price base year {finding.shown}, as labelled: constant equals current in {finding.shown} "
                f"for {finding.agreeing} of {finding.compared} countries."]  # fmt: skip
    return [
        f"Mislabelled base year: {_mislabel(sheet, finding)}. Recorded as constant_{finding.shown}."
        for sheet in reading.sheets
        if sheet.spec.basis == "constant" and sheet.labelled == finding.labelled
    ]


# --- reconciliations -------------------------------------------------------------------------------------------


def _reconciliations(reading: Reading, lines: pl.DataFrame) -> pl.DataFrame:
    regional = next((s for s in reading.sheets if s.spec.regional), None)
    checks = []
    if regional is not None:
        checks += _regional_sums(reading, regional) + _regional_base_year(reading, regional)
    checks += _country_base_year(reading, lines) + reading.checks
    return pl.DataFrame(checks, schema=RECONCILIATION_SCHEMA)


def _check(reading: Reading, sheet: str, row: int, text: str, stated: float, computed: float) -> dict:
    tolerance = TOLERANCE * abs(stated)
    passed = abs(stated - computed) <= tolerance + 1e-9
    return {"file": reading.shown, "sheet": sheet, "row": row, "check": text, "stated": stated,
            "computed": computed, "tolerance": tolerance, "passed": passed}  # fmt: skip


def _regional_sums(reading: Reading, sheet: Sheet) -> list[dict]:
    """World = sum of the bold regions; each bold region = sum of the plain subregions under it."""
    rows = reading.regions
    if len(rows) < 2 or rows[0].name.casefold() != "world" or len({r.bold for r in rows[1:]}) < 2:
        return []  # no World row, or no bold/plain distinction: the hierarchy is not stated
    groups = [(rows[0], [r for r in rows[1:] if r.bold])]
    for index, region in enumerate(rows[1:], start=1):
        following = rows[index + 1 :]
        end = next((i for i, r in enumerate(following) if r.bold), len(following))
        if region.bold and end:
            groups.append((region, following[:end]))
    checks = []
    for total, parts in groups:
        for header, (year, current, stated) in total.values.items():
            values = [part.values.get(header, (None, None, None))[2] for part in parts]
            if stated is None or None in values:
                continue
            prices = "current" if current else f"constant ({sheet.base})"
            text = f"{total.name} = sum of {', '.join(p.name for p in parts)}, {year}, {prices} US$"
            computed = sum(values)  # type: ignore[arg-type]  # no None: skipped above
            checks.append(_check(reading, sheet.name, total.row, text, stated, computed))
    return checks


def _regional_base_year(reading: Reading, sheet: Sheet) -> list[dict]:
    """In Regional totals, the base-year figure at constant prices = the current-prices figure of that year."""
    sheet = next(s for s in reading.sheets if s.name == sheet.name)  # with its base year as the data show it
    if sheet.base is None:  # no base year: no figure to compare (every lookup below would miss)
        return []
    checks = []
    for region in reading.regions:
        figures = {(year, current): value for year, current, value in region.values.values()}
        constant, current = figures.get((sheet.base, False)), figures.get((sheet.base, True))
        if constant is not None and current is not None:
            text = f"{region.name} {sheet.base}: current US$ = constant ({sheet.base}) US$ in the base year"
            checks.append(_check(reading, sheet.name, region.row, text, current, constant))
    return checks


def _country_base_year(reading: Reading, lines: pl.DataFrame) -> list[dict]:
    """Per country, Current US$ = Constant (YYYY) US$ in the base year YYYY."""
    constant = next((s for s in reading.sheets if s.spec.basis == "constant" and not s.spec.regional), None)
    current = next((s for s in reading.sheets if s.spec.measure == "milex_current_usd"), None)
    if constant is None or current is None or constant.base is None:
        return []
    in_base_year = pl.col("value").is_not_null() & (pl.col("period") == constant.base)
    stated = lines.filter(in_base_year & (pl.col("sheet") == current.name))
    computed = lines.filter(
        in_base_year & (pl.col("sheet") == constant.name) & (pl.col("measure") == "milex_constant_usd")
    ).select("entity_code", computed="value")
    text = "{name} {base}: current US$ = constant ({base}) US$ in the base year"
    return [
        _check(
            reading,
            current.name,
            r["row"],
            text.format(name=r["entity_name"], base=constant.base),
            r["value"],
            r["computed"],
        )  # fmt: skip
        for r in stated.join(computed, on="entity_code").sort("row").iter_rows(named=True)
    ]
