"""SIPRI Military Expenditure Database workbooks: the full yearly release and the partial exports of SIPRI's site.

The workbook (every edition since 2019) holds one sheet per measure, each a block of countries by years:

| sheet (found by name, case-insensitive)  | measure                              | unit in the file            |
|------------------------------------------|--------------------------------------|-----------------------------|
| Regional totals                          | milex_constant_usd / _current_usd    | US$ billions                |
| Local currency financial years           | milex_local_currency (fiscal years)  | local currency units        |
| Local currency calendar years            | milex_local_currency                 | local currency units        |
| Constant (YYYY) US$                      | milex_constant_usd                   | US$ millions, YYYY prices   |
| Current US$                              | milex_current_usd                    | US$ millions                |
| Share of GDP                             | milex_share_of_gdp                   | a fraction: stored percent  |
| Per capita                               | milex_per_capita_usd                 | US$ per person              |
| Share of Govt. spending                  | milex_share_of_government_spending   | a fraction: stored percent  |
| Footnotes                                | (resolves the Notes markers)         |                             |

Any of them may be missing (SIPRI's partial exports drop some, and a sheet may be renamed slightly); other sheets
(the Front page) are skipped. The constant-dollar base year is in the sheet name ("Constant (2023) US$"); the
Regional totals sheet states its own base year in its text ("at constant 2023 prices").

Layout, found by text and never by position:
- Title and legend rows sit above the header; the header is the first row with a cell reading "Country" (or
  "Region"), and is not on the same line in every sheet. The money scale is read from the text above it
  ("US$ m.", "US$ b.", "millions of US$"; none stated means whole units). Year headers may be ints, floats
  (2017.0) or text ("2017"); "2024 (current prices)" in Regional totals is a current-price column.
- The leading columns differ by sheet and are found by header text: Currency, "Fiscal Year (Jan-Dec if not
  stated)", Notes, Reporting year, Omitted countries. Blank-headed columns are ignored.
- A row with a name and no figures is a region or subregion heading (Africa, North Africa ...): skipped.

Cells: a number is one budget line. Missing data is never zero: "...", ". .", "xxx" keep their text as
`missing_marker` with a NULL value, and a blank cell in a country's row has the marker "empty". A number written
as text is read as that number; any other text is a rejected row (a spreadsheet error value such as #REF! with
the rule `cells.SPREADSHEET_ERROR_RULE`). Shares are fractions in the file and are stored in percent (0.0342 ->
3.42).

Flags exist only as font colours: blue = SIPRI estimate (`is_estimate`), red = highly uncertain
(`is_highly_uncertain`). The 2019-2025 workbooks (the partial export too) use indexed colours 12 (blue), 10 (red)
and 8 (black); RGB and theme colours are classified by hue, so a restyled export still reads. Fonts come from a
read-only load: openpyxl's read-only cells still carry their style, so no full (styled) load is needed (the
1949-2024 workbook reads in about a second). In Regional totals red means "more than 10%
of the total consists of estimates for countries with missing data": such lines get `is_highly_uncertain` and that
sentence in `footnotes`. Colours on missing-marker cells (blue "...") carry no figure and are ignored.

Notes markers (symbols † ‡ § ¶ ‖ and numbers, e.g. "‡§¶16", "‡5,6") are resolved against the Footnotes sheet of
the same file (the numbers are local to one file) into `footnotes`, "<marker> <text>" joined by "; ". § means
"adopted budget, rather than actual expenditure": every line of a § row has phase "enacted" (otherwise "actual").

Periods: the financial-years sheet gives `period_type` fiscal_year and `fiscal_year_start_month` from the Fiscal
Year column ("Apr-Mar" -> 4; blank -> the header's "Jan-Dec if not stated" -> 1; "Till: 2002 Jan-Dec, 2003:
Jan-Mar, From 2004: Apr-Mar" -> per year; "See footnote" -> NULL) and the stated text in `footnotes`. SIPRI
treats a financial year as starting in the year named. Every other sheet is calendar years, except that a
non-blank "Reporting year" (Share of Govt. spending, which is "for calendar years except where otherwise stated")
is kept in `footnotes` as "Reporting year: <text>" and, when it is a month range, makes that row fiscal_year.

Currencies: local-currency figures get the ISO 4217 code of the Currency column's name for that country
(`LOCAL_CURRENCIES`, SIPRI's names; "‖" rows are already converted to the latest currency); a name milspace cannot
map (the historical states' Roubles, Marks, Korunas, Dinar, Rials) gets a NULL currency; the name is always in
`unit`. The column is recorded as published even where it lags the figures: in the 2025 release Croatia says
"Kunas" (HRK) for figures of euro size, and Zimbabwe "US dollars" for figures its footnote says are old Zimbabwe
dollars from 2019.

Entities: countries through `names.code()`; USSR, German Democratic Republic, Czechoslovakia, Yugoslavia and
Yemen, North are historical states; the "European Union" row is an aggregate (EU). Regional totals rows are regions
coded "SIPRI:<NAME>" (World: WLD, an aggregate), all `is_total`, with their "Omitted countries" in `footnotes`. An
unknown country name is a rejected row.

Reconciliations (within one file): in Regional totals, World = sum of the regions and each region = sum of its
subregions (regions are the bold rows, subregions the plain rows under them); per country, Current US$ = Constant
(YYYY) US$ in the base year YYYY; in Regional totals, the base-year constant column = the current-prices column of
the same year. Tolerance 0.1% (SIPRI: "figures do not always add up to totals because of rounding"). The base-year
checks catch a mislabelled sheet: the 2017-2024 partial export names its sheet "Constant (2024) US$" (and its
Regional totals "constant 2024 prices") but its figures equal current US$ in 2023, so those checks fail there.
"""

from __future__ import annotations

import colorsys
import functools
import math
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import polars as pl
from openpyxl.styles.colors import COLOR_INDEX

from pipelines.errors import InputFileError
from pipelines.sources.budget_lines import (
    RECONCILIATION_SCHEMA,
    NationNames,
    ReadResult,
    empty_lines,
    finalize,
    rejected_rows,
)
from pipelines.sources.cells import figure_rule
from pipelines.sources.probe import Probe, open_workbook

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

HISTORICAL_STATES = frozenset({"SUN", "DDR", "CSK", "YUG", "YAR"})
AGGREGATES = frozenset({"EU"})
NATION_RULE = "nation name known (data_raw/reference/nation_names.csv)"
VALUE_RULE = 'a number or a SIPRI missing marker ("...", ". .", "xxx")'
NAME_RULE = "a row of figures names its country or region"
MISSING_MARKERS = frozenset({"...", "..", "xxx"})  # compared without spaces, case-folded
TOLERANCE = 0.001  # relative, for every reconciliation
RED_IN_REGIONAL_TOTALS = "Red: more than 10% of the total figure consists of estimates for countries with missing data"


@dataclass(frozen=True)
class SheetSpec:
    """What one kind of SIPRI sheet holds."""

    label: str  # the sheet's usual name
    pattern: re.Pattern  # finds it, on the sheet name with whitespace collapsed
    measure: str
    unit: str  # format string: {scale} " millions", {prices} "current prices", {currency} the Currency column
    default_factor: float  # when the text above the header states no scale
    currency: str | None  # "USD", "local" (the Currency column) or None for shares
    basis: str | None  # "current", "constant" or None for shares
    percent: bool = False  # fractions in the file, stored in percent
    fiscal: bool = False  # financial years
    regional: bool = False  # Regional totals


def _spec(label: str, pattern: str, measure: str, unit: str, factor: float, currency, basis, **flags) -> SheetSpec:
    return SheetSpec(label, re.compile(pattern, re.I), measure, unit, factor, currency, basis, **flags)


USD = "US${scale}, {prices}"
LOCAL = "{currency} (local currency){scale}, {prices}"
SHEETS = (
    _spec("Regional totals", r"^regional totals", "milex_constant_usd", USD, 1e9, "USD", "constant", regional=True),
    _spec("Local currency financial years", r"^local currency financial", "milex_local_currency", LOCAL, 1.0,
          "local", "current", fiscal=True),
    _spec("Local currency calendar years", r"^local currency calendar", "milex_local_currency", LOCAL, 1.0,
          "local", "current"),
    _spec("Constant (YYYY) US$", r"^constant\s*\(\s*\d{4}\s*\)\s*us", "milex_constant_usd", USD, 1e6, "USD",
          "constant"),
    _spec("Current US$", r"^current\s*us", "milex_current_usd", USD, 1e6, "USD", "current"),
    _spec("Share of GDP", r"^share of gdp", "milex_share_of_gdp", "percent of GDP", 1.0, None, None, percent=True),
    _spec("Per capita", r"^per capita", "milex_per_capita_usd", "US${scale} per person, {prices}", 1.0, "USD",
          "current"),
    _spec("Share of Govt. spending", r"^share of gov", "milex_share_of_government_spending",
          "percent of general government expenditure", 1.0, None, None, percent=True),
)  # fmt: skip
FOOTNOTES_SHEET = re.compile(r"^footnotes", re.I)
#: The money scale stated above the header ("US$ b.", "US $m.", "millions of US$"); none stated: whole units.
SCALES = ((re.compile(r"\$\s*bn?\b|\bbillions?\b", re.I), 1e9), (re.compile(r"\$\s*mn?\b|\bmillions?\b", re.I), 1e6))
SCALE_WORDS = {1e9: " billions", 1e6: " millions", 1.0: ""}

# fmt: off
#: SIPRI's currency names (case-folded, spaces collapsed) -> ISO 4217, or {country code: ISO} for shared names.
#: Names absent here (historical states' Roubles, Marks, Korunas, Dinar, Rials) get a NULL currency.
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
    "dinar": {"DZA": "DZD", "LBY": "LYD", "TUN": "TND", "SRB": "RSD", "BHR": "BHD", "IRQ": "IQD", "JOR": "JOD",
              "KWT": "KWD"},
    "dirhams": {"MAR": "MAD", "ARE": "AED"},
    "shillings": {"KEN": "KES", "TZA": "TZS", "UGA": "UGX"},
    "kwacha": {"MWI": "MWK", "ZMB": "ZMW"},
    "rupees": {"MUS": "MUR", "SYC": "SCR", "IND": "INR", "NPL": "NPR", "PAK": "PKR", "LKA": "LKR"},
    "pounds": {"SSD": "SSP", "SDN": "SDG", "GBR": "GBP", "EGY": "EGP", "LBN": "LBP", "SYR": "SYP"},
    "pesos": {"CUB": "CUP", "DOM": "DOP", "MEX": "MXN", "ARG": "ARS", "CHL": "CLP", "COL": "COP", "URY": "UYU",
              "PHL": "PHP"},
    "dollars": {"LBR": "LRD", "NAM": "NAD", "BLZ": "BZD", "JAM": "JMD", "TTO": "TTD", "CAN": "CAD", "GUY": "GYD",
                "AUS": "AUD", "FJI": "FJD", "NZL": "NZD", "TWN": "TWD", "BRN": "BND", "SGP": "SGD"},
    "won": {"PRK": "KPW", "KOR": "KRW"},
    "som": {"KGZ": "KGS", "UZB": "UZS"},
    "roubles": {"BLR": "BYN", "RUS": "RUB"},
    "kroner": {"DNK": "DKK", "NOR": "NOK", "SWE": "SEK"},
    "rials": {"OMN": "OMR"},
    "riyals": {"QAT": "QAR", "SAU": "SAR", "YEM": "YER"},
}
MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
# fmt: on
#: One part of a fiscal-year description: "Apr-Mar", "Till: 2001 Jul-Jun", "2002: Jul-Dec", "From 2003: Jan-Dec",
#: "From 1974 Till: 1990 Jan-Dec".
_FISCAL_PART = re.compile(
    r"(?:from\s*:?\s*(?P<start>\d{4})\s*)?(?:till\s*:?\s*(?P<end>\d{4})\s*)?(?:(?P<only>\d{4})\s*)?:?\s*"
    r"(?P<first>[a-z]{3})[a-z]*\.?\s*[-–]\s*[a-z]{3}",
    re.I,
)
_YEAR_HEADER = re.compile(r"^(\d{4})(?:\.0+)?(?:\s*\((?P<note>[^)]*)\))?$")
_MARKER = re.compile(r"\d+|[^\d\s,;.]")

#: What a damaged workbook raises while openpyxl unpacks and parses it (a CRC or inflate error, broken XML, a
#: number that does not parse, a missing part).
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, ValueError, ElementTree.ParseError)


# --- detection -------------------------------------------------------------------------------------------------


def sniff(probe: Probe) -> bool:
    """A workbook with at least two SIPRI data sheets, the first of which names SIPRI in its title rows."""
    try:
        if not probe.is_xlsx:
            return False
        data_sheets = [name for name in probe.sheet_names if _sheet_spec(name)]
        if len(data_sheets) < 2:
            return False
        rows = probe.first_rows(data_sheets[0], rows=3, columns=2)
    except (InputFileError, *DAMAGED):
        return False
    return "sipri" in " ".join(str(v) for row in rows for v in row if v is not None).casefold()


def _sheet_spec(sheet_name: str) -> SheetSpec | None:
    name = " ".join(sheet_name.split())
    return next((spec for spec in SHEETS if spec.pattern.search(name)), None)


# --- one sheet -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearColumn:
    index: int  # 0-based column
    header: str  # the header text, whitespace collapsed (2017.0 -> "2017")
    year: int
    current_prices: bool  # "2024 (current prices)" in a constant-price sheet


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
    base: int | None


@dataclass
class RegionRow:
    """A Regional totals row, kept for the sum checks."""

    row: int
    name: str
    bold: bool  # regions are bold, subregions plain
    values: dict[str, tuple[int, bool, float | None]] = field(default_factory=dict)  # header -> year, current, value


@dataclass
class Reading:
    """What one file yields while its sheets are read."""

    shown: str
    names: NationNames
    footnotes: dict[str, str]
    theme: tuple[str | None, ...]
    sheets: list[Sheet] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # one per sheet row, figures as lists
    rejected: list[dict] = field(default_factory=list)
    regions: list[RegionRow] = field(default_factory=list)
    headings: int = 0
    coloured_markers: int = 0

    def reject(self, sheet: str, row: int, column: str, rule: str, value: str) -> None:
        self.rejected.append({"file": self.shown, "sheet": sheet, "row": row, "column": column, "rule": rule,
                              "value": value})  # fmt: skip


def _read_sheet(reading: Reading, name: str, spec: SheetSpec, grid: list[tuple]) -> None:
    header = _header(grid, name, reading.shown)
    above = " ".join(_text(cell) for row in grid[: header.row - 1] for cell in row[:3])
    factor = next((f for pattern, f in SCALES if pattern.search(above)), spec.default_factor)
    base = _base_year(name, above) if spec.basis == "constant" else None
    sheet = Sheet(name, spec, header, factor, base)
    reading.sheets.append(sheet)
    for number, cells in enumerate(grid[header.row :], start=header.row + 1):
        _read_row(reading, sheet, number, cells)


def _header(grid: list[tuple], sheet: str, shown: str) -> Header:
    """The first row with a cell reading Country (or Region); its year columns and leading columns by text."""
    for number, cells in enumerate(grid[:60], start=1):
        texts = [_text(cell) for cell in cells]
        name_index = next((i for i, t in enumerate(texts) if t.casefold() in ("country", "region")), None)
        if name_index is None:
            continue
        years, roles, fiscal_default = [], {}, ""
        for index in range(name_index + 1, len(cells)):
            year = _year_header(cells[index].value, texts[index])
            if year:
                years.append(YearColumn(index, texts[index], *year))
            elif role := _role(texts[index]):
                roles[role] = index
                fiscal_default = texts[index] if role == "fiscal" else fiscal_default
        if not years:
            raise InputFileError(shown, "its header row has no year columns", sheet=sheet, row=number)
        return Header(number, name_index, texts[name_index], tuple(years), roles, fiscal_default)
    raise InputFileError(shown, "no header row starting with 'Country' (or 'Region') in its first 60 rows", sheet=sheet)


def _year_header(value, text: str) -> tuple[int, bool] | None:
    """(year, current prices) of a year header: 2017, 2017.0, "2017" or "2024 (current prices)"."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (int(value), False) if float(value).is_integer() and 1900 <= value <= 2100 else None
    match = _YEAR_HEADER.match(text)
    if not match or not 1900 <= int(match.group(1)) <= 2100:
        return None
    note = (match.group("note") or "").casefold()
    if note and "current" not in note:
        return None
    return int(match.group(1)), bool(note)


def _role(header: str) -> str | None:
    text = header.casefold()
    prefixes = (("currency", "currency"), ("fiscal year", "fiscal"), ("financial year", "fiscal"),
                ("notes", "notes"), ("reporting year", "reporting"), ("omitted", "omitted"))  # fmt: skip
    return next((role for prefix, role in prefixes if text.startswith(prefix)), None)


def _base_year(sheet: str, text: str) -> int | None:
    """The constant-price base year: in the sheet name ("Constant (2023) US$"), else in its text."""
    pattern = re.compile(r"constant\s*\(?\s*(\d{4})", re.I)
    match = pattern.search(sheet) or pattern.search(text)
    return int(match.group(1)) if match else None


def _read_row(reading: Reading, sheet: Sheet, number: int, cells: tuple) -> None:
    """One sheet row: a heading or blank row is counted and skipped; a country or region row becomes lines."""
    header = sheet.header
    name = _text(_at(cells, header.name_index))
    figures = [(column, _at(cells, column.index)) for column in header.years]
    if all(_text(cell) == "" for _, cell in figures):
        reading.headings += bool(name)
        return
    if not name:
        first = next(_text(cell) for _, cell in figures if _text(cell))
        reading.reject(sheet.name, number, header.name_header, NAME_RULE, first)
        return
    entity = _entity(name, sheet.spec, reading.names)
    if entity is None:
        reading.reject(sheet.name, number, header.name_header, NATION_RULE, name)
        return
    line, months = _row_line(reading, sheet, number, cells, name, entity)
    region = RegionRow(number, name, bool(getattr(_at(cells, header.name_index).font, "b", False)))
    for column, cell in figures:
        figure = _figure(cell, sheet.spec.percent)
        if figure is None:
            reading.reject(sheet.name, number, column.header, figure_rule(_text(cell), VALUE_RULE), _text(cell))
            continue
        colour = _colour(cell, reading.theme)
        if figure[0] is None and colour:
            reading.coloured_markers += 1
            colour = None
        _add_figure(line, sheet, column, figure, colour, _month_for(months, column.year))
        region.values[column.header] = (column.year, column.current_prices, figure[0])
    if sheet.spec.regional:
        reading.regions.append(region)
    if line["period"]:
        reading.rows.append(line)


def _row_line(reading: Reading, sheet: Sheet, number: int, cells: tuple, name: str, entity: tuple[str, str]):
    """The row-level part of a row's lines (entity, phase, currency, footnotes) and its fiscal-year months."""
    header, spec = sheet.header, sheet.spec

    def lead(role: str) -> str:
        return _text(_at(cells, header.roles.get(role)))

    markers = _markers(_at(cells, header.roles.get("notes")))
    fiscal_text, reporting, omitted = lead("fiscal") if spec.fiscal else "", lead("reporting"), lead("omitted")
    if spec.fiscal:
        months = _fiscal_months(fiscal_text or header.fiscal_default)
    else:
        months = _fiscal_months(reporting) or None
    notes = [f"{m} {reading.footnotes.get(m, '(not in the Footnotes sheet)')}" for m in markers]
    notes += [f"Financial year: {fiscal_text}"] if fiscal_text else []
    notes += [f"Reporting year: {reporting}"] if reporting else []
    notes += [f"Omitted from the estimate: {omitted}"] if omitted else []
    currency_name = lead("currency")
    line = {
        "sheet": sheet.name, "row": number, "entity_code": entity[0], "entity_name": name, "entity_kind": entity[1],
        "period_type": "calendar_year" if months is None else "fiscal_year",
        "fiscal_year_label": None if months is None else "start",
        "phase": "enacted" if "§" in markers else "actual",
        "currency": _local_currency(currency_name, entity[0]) if spec.currency == "local" else spec.currency,
        "currency_name": currency_name, "unit_factor": sheet.factor, "is_total": spec.regional,
        "footnotes": "; ".join(notes) or None, **{column: [] for column in FIGURE_COLUMNS},
    }  # fmt: skip
    return line, months


FIGURE_COLUMNS = ("source_column", "period", "measure", "unit", "price_basis", "value", "missing_marker",
                  "is_estimate", "is_highly_uncertain", "fiscal_year_start_month")  # fmt: skip


def _add_figure(line: dict, sheet: Sheet, column: YearColumn, figure, colour: str | None, month: int | None) -> None:
    """Append one figure's values to its row's lists."""
    current = column.current_prices or sheet.spec.basis == "current"
    if current:
        basis, prices = "current", "current prices"
    else:
        basis = f"constant_{sheet.base}" if sheet.spec.basis == "constant" and sheet.base else None
        prices = f"constant ({sheet.base}) prices"
    unit = sheet.spec.unit.format(
        scale=SCALE_WORDS.get(sheet.factor, ""), prices=prices, currency=line["currency_name"]
    )
    measure = "milex_current_usd" if column.current_prices else sheet.spec.measure
    values = (column.header, column.year, measure, unit, basis, *figure, colour == "blue", colour == "red", month)
    for name, value in zip(FIGURE_COLUMNS, values, strict=True):
        line[name].append(value)


def _at(cells: tuple, index: int | None):
    return cells[index] if index is not None and index < len(cells) else None


def _text(cell) -> str:
    """A cell's value as text, whitespace collapsed; whole floats without '.0'; '' for blank."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _entity(name: str, spec: SheetSpec, names: NationNames) -> tuple[str, str] | None:
    """(code, kind) of a row's name; None for a country name milspace does not know."""
    if spec.regional:
        if name.casefold() == "world":
            return "WLD", "aggregate"
        return "SIPRI:" + re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper(), "region"
    code = names.code(name)
    if code is None:
        return None
    return code, "historical_state" if code in HISTORICAL_STATES else "aggregate" if code in AGGREGATES else "country"


def _figure(cell, percent: bool) -> tuple[float | None, str | None] | None:
    """(value, missing marker) of a figure cell; None when it is neither a number nor a missing marker."""
    value = getattr(cell, "value", None)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None, "empty"
        if re.sub(r"\s+", "", text).casefold() in MISSING_MARKERS:
            return None, text
        try:
            value = float(text)  # a number stored as text
        except ValueError:
            return None
    if value is None:
        return None, "empty"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value) * (100.0 if percent else 1.0), None


def _markers(cell) -> list[str]:
    """Footnote markers of a Notes cell: "‡§¶16" -> ["‡", "§", "¶", "16"]; "‡5,6" -> ["‡", "5", "6"]."""
    return _MARKER.findall(_text(cell))


def _local_currency(name: str, code: str) -> str | None:
    iso = LOCAL_CURRENCIES.get(name.casefold())
    return iso.get(code) if isinstance(iso, dict) else iso


def _fiscal_months(text: str) -> list[tuple[float, float, int]]:
    """(first year, last year, start month) ranges of a fiscal-year description; [] when it states none."""
    ranges = []
    for part in text.split(","):
        match = _FISCAL_PART.search(part)
        if not match or match.group("first").casefold() not in MONTHS:
            continue
        only = match.group("only")
        low = float(only or match.group("start") or "-inf")
        high = float(only or match.group("end") or "inf")
        ranges.append((low, high, MONTHS[match.group("first").casefold()]))
    return ranges


def _month_for(ranges: list | None, year: int) -> int | None:
    return next((month for low, high, month in ranges or () if low <= year <= high), None)


# --- footnotes and colours -------------------------------------------------------------------------------------


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
    color = getattr(getattr(cell, "font", None), "color", None)
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


def _read_workbook(workbook, shown: str, names: NationNames) -> ReadResult:
    found = [(name, spec) for name in workbook.sheetnames if (spec := _sheet_spec(name))]
    if not found:
        labels = ", ".join(spec.label for spec in SHEETS)
        raise InputFileError(shown, f"a workbook without any SIPRI data sheet ({labels})")
    footnote_sheet = next((workbook[n] for n in workbook.sheetnames if FOOTNOTES_SHEET.search(n.strip())), None)
    reading = Reading(shown, names, _footnotes(footnote_sheet), _theme_colours(workbook))
    titles = []
    for name, spec in found:
        worksheet = workbook[name]
        worksheet.reset_dimensions()  # some exports state a wrong sheet size
        grid = list(worksheet.iter_rows())
        titles.append(_text(grid[0][0]) if grid and grid[0] else "")
        _read_sheet(reading, name, spec, grid)

    lines = _lines(reading.rows)
    edition = _edition(reading, titles, lines)
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
        notes=_notes(reading, workbook.sheetnames, footnote_sheet is not None),
    )


_ROW_SCHEMA = {
    "sheet": pl.String, "row": pl.Int64, "entity_code": pl.String, "entity_name": pl.String,
    "entity_kind": pl.String, "period_type": pl.String, "fiscal_year_label": pl.String, "phase": pl.String,
    "currency": pl.String, "currency_name": pl.String, "unit_factor": pl.Float64, "is_total": pl.Boolean,
    "footnotes": pl.String,
    "source_column": pl.List(pl.String), "period": pl.List(pl.Int64), "measure": pl.List(pl.String),
    "unit": pl.List(pl.String), "price_basis": pl.List(pl.String), "value": pl.List(pl.Float64),
    "missing_marker": pl.List(pl.String), "is_estimate": pl.List(pl.Boolean),
    "is_highly_uncertain": pl.List(pl.Boolean), "fiscal_year_start_month": pl.List(pl.Int64),
}  # fmt: skip


def _lines(rows: list[dict]) -> pl.DataFrame:
    """One line per figure from the rows' figure lists; red Regional totals figures say what red means there."""
    lines = pl.DataFrame(rows, schema=_ROW_SCHEMA).explode(list(FIGURE_COLUMNS))
    red_total = pl.col("is_total") & pl.col("is_highly_uncertain")
    with_red = pl.concat_str([pl.col("footnotes"), pl.lit(RED_IN_REGIONAL_TOTALS)], separator="; ", ignore_nulls=True)
    return lines.with_columns(footnotes=pl.when(red_total).then(with_red).otherwise(pl.col("footnotes"))).drop(
        "currency_name"
    )


def _edition(reading: Reading, titles: list[str], lines: pl.DataFrame) -> str:
    """E.g. 'data 1949-2024, constant (2023) US$ (© SIPRI 2024 header)': years read, base year, title rows."""
    parts = [f"data {lines['period'].min()}-{lines['period'].max()}"] if lines.height else []
    bases = sorted({s.base for s in reading.sheets if s.base and not s.spec.regional})
    parts += [f"constant ({base}) US$" for base in bases]
    copyright_year = next((m.group(1) for t in titles if (m := re.search(r"©\s*SIPRI\s*(\d{4})", t))), None)
    edition = ", ".join(parts) or "no figures"
    return f"{edition} (© SIPRI {copyright_year} header)" if copyright_year else edition


def _notes(reading: Reading, sheet_names: list[str], has_footnotes: bool) -> tuple[str, ...]:
    read_names = {s.name for s in reading.sheets}
    notes = ["Skipped the title and legend rows above each sheet's header (their unit, base year, colour legend "
             "and missing-data symbols are applied to the lines)."]  # fmt: skip
    if reading.headings:
        notes.append(f"Skipped {reading.headings} rows with a name and no figures (region and subregion headings).")
    others = [n for n in sheet_names if n not in read_names and not FOOTNOTES_SHEET.search(n.strip())]
    if others:
        notes.append(f"Skipped sheets without a SIPRI data table: {', '.join(others)}.")
    missing = [spec.label for spec in SHEETS if not any(s.spec is spec for s in reading.sheets)]
    if missing:
        notes.append(f"This file has no {', '.join(missing)} sheet (a partial export?).")
    if not has_footnotes:
        notes.append("This file has no Footnotes sheet: Notes markers are kept but not resolved.")
    if reading.coloured_markers:
        notes.append(f"Ignored the font colour of {reading.coloured_markers} missing-data cells (no figure to flag).")
    return tuple(notes)


# --- reconciliations -------------------------------------------------------------------------------------------


def _reconciliations(reading: Reading, lines: pl.DataFrame) -> pl.DataFrame:
    regional = next((s for s in reading.sheets if s.spec.regional), None)
    checks = []
    if regional is not None:
        checks += _regional_sums(reading, regional) + _regional_base_year(reading, regional)
    checks += _country_base_year(reading, lines)
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
            checks.append(_check(reading, sheet.name, total.row, text, stated, sum(values)))
    return checks


def _regional_base_year(reading: Reading, sheet: Sheet) -> list[dict]:
    """In Regional totals, the base-year figure at constant prices = the current-prices figure of that year."""
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
    computed = lines.filter(in_base_year & (pl.col("sheet") == constant.name)).select("entity_code", computed="value")
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
