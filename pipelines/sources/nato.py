"""NATO "Defence Expenditure of NATO Countries": the tables workbook of NATO's annual press release.

The workbook (e.g. the tables of 17 June 2024, years 2014-2024) holds one table per sheet (TABLE1 ... TABLE7,
TABLE8a, TABLE8b). Each sheet is laid out for print, and this reader finds everything by its text:

- a title row, "Table 2 : Defence expenditure" (`Table <n> : <subject>`): a sheet without one is skipped;
- a unit row under it, "Million US dollars", "Million national currency units", "Thousands", "Based on 2015
  prices", "2015 prices and exchange rates", "Percentage of total defence expenditure";
- a year header row: the first row holding two or more years in ascending order and no other number (so a
  row of figures that look like years is not one). Years are of mixed types (2014 as a number,
  '2019' as text, '2023e' as text with an `e` for an estimate); a header may also hold text columns that name
  their own measure and years ("Real change 2014-2024e (%)", "Share of real GDP 2024e (%)" in Table 4). A block
  may bring its own header row further down: the nearest header row above a data row applies;
- stacked blocks, each under a heading row ("Current prices and exchange rates", "Constant 2015 prices and
  exchange rates", "Share of real GDP (%)", "Annual real change (%)", "GDP per capita (thousand US dollars)",
  "Equipment (a)" ...), in any order: a text-only row between the header and the last data row;
- data rows: a label (country or aggregate, in whichever column left of the first year column) and figures.
  A labelled row whose cells hold only words is still a data row (its cells are rejected), never a heading;
- below the last data row, the notes: "Notes: Figures for 2023 and 2024 are estimates. ...", the legend of
  footnote marks ("* These Allies have national laws ...", "(a) Equipment expenditure includes ...") and a page
  number ("-8-"). They are not data.

What each figure is follows from the title, unit row, block heading and column header together (`_spec`):
defence expenditure in national currency (Table 1), in US dollars (Table 2, current and constant prices, the
base year read from "Constant 2015 prices"), as a share of real GDP and its annual real change (Table 3), the
2014-to-latest change (Table 4), GDP (Table 5), GDP and defence expenditure per capita (Table 6), military
personnel (Table 7) and the distribution by main category (Tables 8a and 8b, `category` = equipment,
personnel, infrastructure, other). A block this reader does not recognise is rejected cell by cell with the
rule "NATO block known", never guessed.

The workbook is opened with cached formula values (`open_workbook`'s data_only): NATO computes aggregates,
shares and per-capita figures with formulas, and the values Excel saved are the published ones.

Rules chosen:
- One budget line per figure cell: `row` is the sheet row, `source_column` the header text ("2014", "2023e",
  "Real change 2014-2024e (%)"). Years with an `e` are estimates (is_estimate); phase is always "actual" (NATO
  reports spending, estimated for the latest years). Years are calendar years as NATO labels them.
- Labels: national-currency tables write the currency in the label, "Albania   (Leks)": the name is split from
  the currency, which is mapped to ISO 4217 (`CURRENCY_NAMES`; "Kroner" and "Koruny" depend on the country) and
  named in `unit`. Footnote marks ("Czechia*", "Equipment (a)") are resolved to their text from the sheet's notes
  and put in `footnotes`; `entity_name` is the label without marks and currency.
- Countries go through `NationNames`; a label it does not know is an aggregate when it names NATO or a total
  ("NATO Europe and Canada" -> NATO:EUROPE_AND_CANADA, "NATO Total" -> NATO:TOTAL; entity_kind "aggregate",
  is_total True), else the row is rejected. The notes sentence about the aggregates (which Allies they include
  from which year) goes into the aggregates' footnotes.
- Cells: a number is the value; a blank cell in a labelled row is NULL with the marker "empty". A spreadsheet
  error value left by a formula (#REF!, #DIV/0!, #N/A, #VALUE! ...) in a labelled row is rejected with the rule
  `cells.SPREADSHEET_ERROR_RULE` (a failed formula is no figure, nor a statement that there is none); any other
  text is rejected as not a number. Rows of figures with no label (leftover formula rows of #REF! or zeros under
  the country lists) name no entity and are skipped, with a note.
- Units: money keeps NATO's magnitude (unit_factor 1e6 for "Million ...", 1e3 for "thousand US dollars"), with
  currency USD or the national currency; shares and changes are percent; personnel are thousands of persons
  (unit_factor 1000).

Reconciliations (ReadResult.reconciliations):
- for every block of additive figures (US dollars, GDP, personnel) and year: "NATO Total" = the sum of the
  member countries of the block, and "NATO Europe and Canada" = the same sum without the United States. A
  country counts from the year it joined (`ACCESSION_YEAR`), as the sheets' notes say NATO's aggregates do
  (Montenegro from 2017, North Macedonia 2020, Finland 2023, Sweden 2024). Tolerance 0.5 in the table's unit;
- the four category shares of a country and year (Tables 8a and 8b) add up to 100 (tolerance 0.1 point);
- an aggregate's share of real GDP (Table 3) = its constant-price defence expenditure (Table 2) over its
  constant-price GDP (Table 5), tolerance 0.001 point.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from openpyxl.utils import get_column_letter

from pipelines.errors import InputFileError
from pipelines.nations import NationNames
from pipelines.shapes import RECONCILIATION_SCHEMA, ReadResult, empty_lines, finalize, rejected_rows
from pipelines.sources.cells import cell_text, figure_rule, is_spreadsheet_error
from pipelines.sources.probe import Probe, open_workbook

FORMAT = "nato_defence_expenditure"
SOURCE = "NATO, Defence Expenditure of NATO Countries"

MEASURES = {
    "defence_expenditure_current_local_currency": "Defence expenditure, national currency (currency), current prices",
    "defence_expenditure_constant_local_currency": "Defence expenditure, national currency (currency), constant "
    "prices (base year in price_basis)",
    "defence_expenditure_current_usd": "Defence expenditure, US dollars, current prices and exchange rates",
    "defence_expenditure_constant_usd": "Defence expenditure, US dollars, constant prices and exchange rates",
    "defence_expenditure_share_of_real_gdp": "Defence expenditure as a share of real GDP (constant prices), percent",
    "defence_expenditure_share_of_gdp": "Defence expenditure as a share of GDP (current prices), percent",
    "defence_expenditure_real_change_pct": "Annual real change in defence expenditure, percent on previous year",
    "defence_expenditure_real_change_pct_over_span": "Real change in defence expenditure from the first to the last "
    "year the column names (unit), percent",
    "defence_expenditure_per_capita_current_usd": "Defence expenditure per capita, US dollars, current prices",
    "defence_expenditure_per_capita_constant_usd": "Defence expenditure per capita, US dollars, constant prices",
    "gdp_current_usd": "Gross domestic product, US dollars, current prices and exchange rates",
    "gdp_constant_usd": "Gross domestic product, US dollars, constant prices and exchange rates",
    "gdp_per_capita_current_usd": "GDP per capita, US dollars (thousands in the table), current prices",
    "gdp_per_capita_constant_usd": "GDP per capita, US dollars (thousands in the table), constant prices",
    "military_personnel": "Military personnel, persons (thousands in the table)",
    "defence_expenditure_share_by_category": "Share of a main category (category: equipment, personnel, "
    "infrastructure, other) in total defence expenditure, percent",
}
#: Read whole by `read`, not in batches at load time.
STREAMED = False
#: The conformed measure (one name per concept across publishers, marts.budget_facts.measure) of each of MEASURES
#: named otherwise; a measure not listed here is its own conformed measure.
CONFORMED = {
    "defence_expenditure_current_usd": "milex_usd",
    "defence_expenditure_constant_usd": "milex_usd",
    "defence_expenditure_current_local_currency": "milex_local_currency",
    "defence_expenditure_constant_local_currency": "milex_local_currency",
    "defence_expenditure_share_of_gdp": "milex_share_of_gdp",
    "defence_expenditure_share_of_real_gdp": "milex_share_of_gdp",
    "defence_expenditure_per_capita_current_usd": "milex_per_capita_usd",
    "defence_expenditure_per_capita_constant_usd": "milex_per_capita_usd",
    "defence_expenditure_real_change_pct": "milex_real_change_pct",
    "defence_expenditure_share_by_category": "milex_share_by_category",
    "gdp_current_usd": "gdp_usd",
    "gdp_constant_usd": "gdp_usd",
    "gdp_per_capita_current_usd": "gdp_per_capita_usd",
    "gdp_per_capita_constant_usd": "gdp_per_capita_usd",
}
#: Measures that cannot be negative (all but the real changes): a negative figure breaks the BudgetLine
#: contract (NOT_NEGATIVE_RULE).
NEVER_NEGATIVE = frozenset(m for m in MEASURES if "_change_" not in m)

#: A sheet's title: "Table 2 : Defence expenditure", "Table 8a : Distribution of defence expenditure ...".
TITLE = re.compile(r"^\s*Table\s+\d+[a-z]?\s*:\s*(?P<subject>.+?)\s*$", re.I)
#: A year header: 2014, "2019", "2023e" (the e marks estimates).
YEAR = re.compile(r"^\s*(?P<year>(?:19|20)\d{2})(?P<e>e?)\s*$", re.I)
#: Years inside a text header: "Real change 2014-2024e (%)", "Share of real GDP 2014 (%)".
YEARS_IN_TEXT = re.compile(
    r"(?P<first>(?:19|20)\d{2})e?\s*-\s*(?P<last>(?:19|20)\d{2})(?P<e>e?)|(?P<year>(?:19|20)\d{2})(?P<e1>e?)"
)
#: A row label: name, an optional footnote mark ("*" or "(a)") and an optional currency in brackets.
LABEL = re.compile(r"^(?P<name>.*?)\s*(?P<mark>\*+|\([a-z]\))?\s*(?:\((?P<paren>[^()]{2,})\))?\s*$")
#: Text rows that are notes wherever they stand: "Notes: ...", "* These Allies ...", "(a) ...", "-8-".
NOTE = re.compile(r"^(?:notes?\b|\*|\([a-z]\)\s|-\s*\d+\s*-$)", re.I)
#: A footnote legend entry: its mark and its text.
LEGEND = re.compile(r"^(?P<mark>\*+|\([a-z]\))\s*(?P<text>.+)$", re.S)


#: NATO's currency names (Table 1 labels, case-insensitive) -> ISO 4217.
CURRENCY_NAMES = {
    "leks": "ALL",
    "euros": "EUR",
    "leva": "BGN",
    "canadian dollars": "CAD",
    "kuna": "HRK",
    "forint": "HUF",
    "denars": "MKD",
    "zlotys": "PLN",
    "new lei": "RON",
    "kronor": "SEK",
    "liras": "TRY",
    "pounds": "GBP",
    "us dollars": "USD",
}
#: Currency names NATO uses for more than one currency: the country decides.
SHARED_CURRENCY_NAMES = {
    "kroner": {"DNK": "DKK", "NOR": "NOK"},
    "koruny": {"CZE": "CZK", "SVK": "SKK"},
}

#: Year each Ally joined, for those that joined since 1999 (the others were members before any year NATO's
#: tables cover). NATO's aggregates count an Ally from its accession year, as the sheets' notes say.
ACCESSION_YEAR = {
    "CZE": 1999,
    "HUN": 1999,
    "POL": 1999,
    "BGR": 2004,
    "EST": 2004,
    "LVA": 2004,
    "LTU": 2004,
    "ROU": 2004,
    "SVK": 2004,
    "SVN": 2004,
    "ALB": 2009,
    "HRV": 2009,
    "MNE": 2017,
    "MKD": 2020,
    "FIN": 2023,
    "SWE": 2024,
}
NATO_TOTAL = "NATO:TOTAL"
NATO_EUROPE_AND_CANADA = "NATO:EUROPE_AND_CANADA"
#: Measures whose aggregates are sums of the countries' figures.
ADDITIVE = {m for m in MEASURES if m.endswith("_usd") and "per_capita" not in m} | {"military_personnel"}
SUM_TOLERANCE = 0.5
CATEGORY_TOLERANCE = 0.1
SHARE_TOLERANCE = 0.001

NATION_RULE = "nation name known (data_raw/reference/nation_names.csv)"
LOCAL = "national currency"  # Spec.currency for figures in the currency the row label names


# --- detection ------------------------------------------------------------------------------------------------


def sniff(probe: Probe) -> bool:
    """An .xlsx whose first sheets carry a title "Table <n> : Defence expenditure ..." in their first rows."""
    if not probe.is_xlsx:
        return False
    for sheet in probe.sheet_names[:3]:
        for row in probe.first_rows(sheet, rows=20):
            for cell in row:
                match = TITLE.match(cell) if isinstance(cell, str) else None
                if match and "defence expenditure" in match["subject"].lower():
                    return True
    return False


# --- the layout of one sheet ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A figure column of a header row."""

    index: int  # 0-based position in the row
    header: str  # the header text, whitespace collapsed
    period: int
    is_estimate: bool
    subject: str | None  # the words of a text header ("Real change (%)"); None for a plain year
    first_year: int | None  # the first year of a span ("2014-2024e")


@dataclass(frozen=True)
class DataRow:
    row: int
    label: str
    cells: tuple
    columns: tuple[Column, ...]
    heading: str | None


@dataclass(frozen=True)
class Table:
    """One sheet read into its parts."""

    sheet: str
    subject: str  # the title without "Table n :"
    unit: str  # the unit row(s) between title and first header
    rows: tuple[DataRow, ...]
    legend: dict[str, str]  # footnote mark -> text
    aggregate_note: str | None  # the notes sentence about what the aggregates include
    unlabelled: tuple[int, ...]  # rows of figures with no label
    #: Columns of data rows that are neither the label nor a figure column, with what they hold: 0-based index ->
    #: (filled cells, first (row, value)). None in the 2024 tables; reported in `skipped`, never read.
    unread: dict[int, tuple[int, tuple[int, object]]] = field(default_factory=dict)


def _text(value) -> str:
    return cell_text(value) or ""


def _year_column(index: int, value) -> Column | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    match = YEAR.match(str(value))
    if match:
        return Column(index, _text(value), int(match["year"]), bool(match["e"]), None, None)
    if not isinstance(value, str):
        return None
    found = YEARS_IN_TEXT.search(value)
    if not found:
        return None
    subject = _text(YEARS_IN_TEXT.sub(" ", value))
    if found["year"]:
        return Column(index, _text(value), int(found["year"]), bool(found["e1"]), subject, None)
    return Column(index, _text(value), int(found["last"]), bool(found["e"]), subject, int(found["first"]))


def _header(row: tuple) -> tuple[Column, ...] | None:
    """The figure columns of a header row, or None for other rows.

    A header row holds two or more plain years in ascending order, and no number that is not a year (so a data
    row whose figures happen to look like years is not taken for one)."""
    columns = tuple(c for i, v in enumerate(row) if (c := _year_column(i, v)) is not None)
    years = [c.period for c in columns if c.subject is None]
    numbers = sum(isinstance(v, int | float) and not isinstance(v, bool) for v in row)
    ascending = all(a < b for a, b in zip(years, years[1:], strict=False))
    return columns if len(years) >= 2 and ascending and numbers <= len(years) else None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_words(value) -> bool:
    """Text that is neither a number nor an error marker: a note or heading spilling into the figure columns."""
    return isinstance(value, str) and _value(value) is None


def _label(row: tuple, first_figure: int) -> str | None:
    texts = [v.strip() for v in row[:first_figure] if isinstance(v, str) and v.strip()]
    return texts[0] if texts else None


def _legend(notes: list[str]) -> tuple[dict[str, str], str | None]:
    legend, aggregate = {}, []
    for note in notes:
        match = LEGEND.match(note)
        if match:
            legend[match["mark"]] = match["text"].strip()
        elif note.lower().startswith("note"):
            sentences = re.split(r"(?<=\.)\s+(?=[A-Z])", re.sub(r"^notes?\s*:\s*", "", note, flags=re.I))
            aggregate += [s for s in sentences if "aggregate" in s.lower()]
    return legend, " ".join(aggregate) or None


def _table(sheet: str, rows: list[tuple[int, tuple]], shown: str) -> Table | None:
    """A sheet's title, unit, data rows (with their heading and header) and notes; None without a title."""
    title_at = next((i for i, (_, row) in enumerate(rows) for v in row if isinstance(v, str) and TITLE.match(v)), None)
    if title_at is None:
        return None
    subject = next(m["subject"] for v in rows[title_at][1] if isinstance(v, str) and (m := TITLE.match(v)))
    header_at = next((i for i in range(title_at + 1, len(rows)) if _header(rows[i][1])), None)
    if header_at is None:
        raise InputFileError(
            shown, "no year header row (a row of years such as 2014 ... 2024e) under the title", sheet=sheet
        )
    unit = " ".join(_text(v) for _, row in rows[title_at + 1 : header_at] for v in row if isinstance(v, str))

    columns: tuple[Column, ...] = ()
    laid_out: list[tuple[str, int, Any]] = []  # (kind, row number, payload: the kind's text, None or data row)
    for number, row in rows[header_at:]:
        header = _header(row)
        if header:
            columns = header
            continue
        label = _label(row, min(c.index for c in columns))
        cells = tuple(row[c.index] if c.index < len(row) else None for c in columns)
        if all(_blank(v) for v in cells) or (label is None and all(_blank(v) or _is_words(v) for v in cells)):
            text = label or next((v for v in row if isinstance(v, str) and v.strip()), None)
            if text is not None:
                laid_out.append(("text", number, _text(text)))
        elif label is None:
            laid_out.append(("unlabelled", number, None))
        else:
            laid_out.append(("data", number, (label, cells, columns)))

    last_data = max((n for kind, n, _ in laid_out if kind == "data"), default=0)
    unread = _unread_columns(rows, data_rows={n: p for kind, n, p in laid_out if kind == "data"})
    heading, data, notes = None, [], []
    for kind, number, payload in laid_out:
        if kind == "text" and (number > last_data or NOTE.match(payload)):
            notes.append(payload)
        elif kind == "text":
            heading = payload
        elif kind == "data":
            row_label, cells, row_columns = payload
            data.append(DataRow(number, row_label, cells, row_columns, heading))
    legend, aggregate_note = _legend(notes)
    unlabelled = tuple(n for kind, n, _ in laid_out if kind == "unlabelled")
    return Table(sheet, subject, unit, tuple(data), legend, aggregate_note, unlabelled, unread)


def _unread_columns(rows: list[tuple[int, tuple]], data_rows: dict[int, tuple]) -> dict[int, tuple[int, tuple]]:
    """Cells of data rows outside their label and figure columns, by column: what a sheet holds that is not read."""
    unread: dict[int, tuple[int, tuple]] = {}
    for number, row in rows:
        if number not in data_rows:
            continue
        label, _, columns = data_rows[number]
        figures = {c.index for c in columns}
        label_at = next((i for i, v in enumerate(row) if isinstance(v, str) and v.strip() == label), None)
        for index, value in enumerate(row):
            if index in figures or index == label_at or _blank(value):
                continue
            count, first = unread.get(index, (0, (number, value)))
            unread[index] = (count + 1, first)
    return unread


# --- what a figure is -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    measure: str
    unit: str  # may hold "{currency}" for national-currency figures
    currency: str | None  # "USD", LOCAL or None
    unit_factor: float
    price_basis: str | None
    category: str | None = None


def _price_basis(*texts: str | None) -> str | None:
    """'current', 'constant_<year>' from the first text that says ("Constant 2015 prices", "2015 prices ...")."""
    for text in texts:
        low = (text or "").lower()
        if "current" in low:
            return "current"
        match = re.search(r"((?:19|20)\d{2})\s+prices", low)
        if match:
            return f"constant_{match[1]}"
    return None


def _magnitude(*texts: str | None) -> tuple[float, str]:
    for text in texts:
        low = (text or "").lower()
        if "million" in low:
            return 1e6, "millions"
        if "thousand" in low:
            return 1e3, "thousands"
    return 1.0, ""


def _basis_words(basis: str) -> str:
    if basis == "current":
        return "current prices and exchange rates"
    return f"constant ({basis.removeprefix('constant_')}) prices and exchange rates"


def _base_note(basis: str | None) -> str:
    return f" ({basis.removeprefix('constant_')} prices)" if basis and basis != "current" else ""


def _category(heading: str) -> str:
    label = LABEL.match(heading)
    assert label is not None  # a heading is one line of text (cell_text), which LABEL always matches
    name = label["name"]
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _spec(table: Table, heading: str | None, column: Column) -> Spec | None:
    """What the figures of one column of one block are, from title, unit row, block heading and column header."""
    subject = table.subject.lower()
    what = f"{column.subject or ''} {heading or ''}".lower()
    basis = _price_basis(column.subject, heading, table.unit)
    if "distribution" in subject or "by main category" in subject:
        unit = "percent of total defence expenditure"
        category = _category(heading) if heading else None
        return Spec("defence_expenditure_share_by_category", unit, None, 1.0, None, category)
    if "personnel" in subject:
        factor, words = _magnitude(heading, table.unit)
        return Spec("military_personnel", f"{words} of military personnel".strip(), None, factor, None)
    if "real change" in what:
        if column.first_year:
            unit = f"percent real change {column.first_year}-{column.period}{_base_note(basis)}"
            return Spec("defence_expenditure_real_change_pct_over_span", unit, None, 1.0, None)
        unit = f"percent real change on previous year{_base_note(basis)}"
        return Spec("defence_expenditure_real_change_pct", unit, None, 1.0, None)
    if "share of real gdp" in what:
        return Spec("defence_expenditure_share_of_real_gdp", f"percent of real GDP{_base_note(basis)}", None, 1.0, None)
    if "share of gdp" in what:
        return Spec("defence_expenditure_share_of_gdp", "percent of GDP", None, 1.0, None)
    if basis is None:
        return None
    kind = basis.split("_")[0]
    if "per capita" in what:
        factor, words = _magnitude(heading)
        measure = f"{'gdp' if 'gdp' in what else 'defence_expenditure'}_per_capita_{kind}_usd"
        unit = f"US$ {words} per person, {_basis_words(basis)}".replace("  ", " ")
        return Spec(measure, unit, "USD", factor, basis)
    topic = "gdp" if subject.startswith("gdp") else "defence_expenditure" if subject.startswith("defence") else None
    money = f"{heading or ''} {table.unit}".lower()
    factor, words = _magnitude(heading, table.unit)
    if topic and "national currency" in money:
        unit = f"national currency {words} ({{currency}}), {_basis_words(basis).removesuffix(' and exchange rates')}"
        return Spec(f"{topic}_{kind}_local_currency", unit, LOCAL, factor, basis)
    if topic and "us dollar" in money:
        return Spec(f"{topic}_{kind}_usd", f"US$ {words}, {_basis_words(basis)}", "USD", factor, basis)
    return None


# --- cells and labels -------------------------------------------------------------------------------------------


def _value(cell) -> tuple[float | None, str | None] | None:
    """(value, missing marker) for a figure cell, or None when the cell is not a number nor a known marker."""
    if _blank(cell):
        return None, "empty"
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return float(cell), None
    text = str(cell).strip()
    if is_spreadsheet_error(text):
        return None, text  # recognised here (a row of them is a data row, not words); rejected by read_row
    try:
        number = float(text)
    except ValueError:
        return None
    return (number, None) if math.isfinite(number) else None


def _currency(name: str, code: str | None) -> str | None:
    key = _text(name).lower()
    if key in CURRENCY_NAMES:
        return CURRENCY_NAMES[key]
    return SHARED_CURRENCY_NAMES.get(key, {}).get(code or "")


def _aggregate_code(name: str) -> str | None:
    """NATO:<SLUG> for a label naming NATO or a total; None for other unknown labels."""
    if not re.search(r"\bnato\b|\btotal\b", name, re.I):
        return None
    slug = re.sub(r"[^A-Za-z0-9]+", "_", re.sub(r"^\s*nato\b", "", name, flags=re.I)).strip("_").upper()
    return f"NATO:{slug or 'TOTAL'}"


# --- reading ----------------------------------------------------------------------------------------------------


@dataclass
class _Reader:
    shown: str
    names: NationNames
    lines: list[dict]
    rejected: list[dict]

    def reject(self, table: Table, row: int, column: str, rule: str, value) -> None:
        self.rejected.append(
            {"file": self.shown, "sheet": table.sheet, "row": row, "column": column, "rule": rule, "value": value}
        )

    def read_row(self, table: Table, data: DataRow) -> None:
        # The label with its whitespace collapsed: a line break typed in the cell ("United\nKingdom") is a space.
        label = LABEL.match(_text(data.label))
        assert label is not None  # every part of LABEL is optional but the name, which takes any text
        name, paren = _text(label["name"]), label["paren"] and _text(label["paren"])
        specs = [_spec(table, data.heading, column) for column in data.columns]
        local = any(s is not None and s.currency == LOCAL for s in specs)
        entity = name if local or not paren else f"{name} ({paren})"
        code, kind = self.names.code(entity), "country"
        if code is None:
            code, kind = _aggregate_code(entity), "aggregate"
        if code is None:
            self.reject(table, data.row, "row label", NATION_RULE, data.label)
            return
        currency = _currency(paren, code) if local and paren else None
        if local and currency is None:
            rule = "currency named in the label and known (nato.CURRENCY_NAMES)"
            self.reject(table, data.row, "row label", rule, data.label)
            return
        footnotes = self.footnotes(table, data, label["mark"], kind)
        base = {
            "sheet": table.sheet,
            "row": data.row,
            "entity_code": code,
            "entity_name": entity,
            "entity_kind": kind,
            "is_total": kind == "aggregate",
            "footnotes": footnotes,
        }
        for column, cell, spec in zip(data.columns, data.cells, specs, strict=True):
            if spec is None:
                rule = "NATO block known (title, unit row, block heading and column header)"
                self.reject(table, data.row, column.header, rule, " / ".join(filter(None, [data.heading, table.unit])))
                continue
            parsed = _value(cell)
            if parsed is None or is_spreadsheet_error(cell):
                rule = figure_rule(cell, "type: number")
                self.reject(table, data.row, column.header, rule, str(cell))
                continue
            self.lines.append(self.line(base, column, spec, parsed, currency, paren))

    def footnotes(self, table: Table, data: DataRow, mark: str | None, kind: str) -> str | None:
        marks = [mark] if mark else []
        if data.heading:
            heading = LABEL.match(data.heading)
            assert heading is not None  # a heading is one line of text (cell_text), which LABEL always matches
            heading_mark = heading["mark"]
            marks += [heading_mark] if heading_mark else []
        texts = [table.legend.get(m, m) for m in marks]
        if kind == "aggregate" and table.aggregate_note:
            texts.append(table.aggregate_note)
        return "; ".join(_text(t) for t in texts) or None

    @staticmethod
    def line(base: dict, column: Column, spec: Spec, parsed, currency: str | None, currency_name) -> dict:
        value, marker = parsed
        local = spec.currency == LOCAL
        unit = spec.unit.format(currency=f"{currency}, {currency_name}") if local else spec.unit
        return base | {
            "source_column": column.header,
            "period": column.period,
            "measure": spec.measure,
            "category": spec.category,
            "value": value,
            "missing_marker": marker,
            "currency": currency if local else spec.currency,
            "unit_factor": spec.unit_factor,
            "unit": unit,
            "price_basis": spec.price_basis,
            "is_estimate": column.is_estimate,
        }


def _sheet_rows(worksheet) -> list[tuple[int, tuple]]:
    return [
        (number, row)
        for number, row in enumerate(worksheet.iter_rows(values_only=True), start=1)
        if not all(_blank(v) for v in row)
    ]


def read(path: Path, shown: str, names: NationNames) -> ReadResult:
    workbook = open_workbook(path, shown)
    try:
        tables: list[Table] = []
        skipped: list[str] = []
        for worksheet in workbook.worksheets:
            table = _table(worksheet.title, _sheet_rows(worksheet), shown)
            if table is not None:
                tables.append(table)
            else:
                skipped.append(worksheet.title)
        unread = [
            f"sheet {name!r} skipped: no title row such as 'Table 2 : Defence expenditure' (not a NATO table)"
            for name in skipped
        ]
        unread += [
            f"column {get_column_letter(index + 1)} of sheet {table.sheet!r} skipped: neither the row label nor under "
            f"a year header ({count} filled cells in data rows, e.g. row {row}: {_text(value)[:60]!r})"
            for table in tables
            for index, (count, (row, value)) in sorted(table.unread.items())
        ]
    finally:
        workbook.close()
    if not tables:
        raise InputFileError(shown, "no sheet has a NATO title row such as 'Table 2 : Defence expenditure'")

    reader = _Reader(shown, names, [], [])
    for table in tables:
        for data in table.rows:
            reader.read_row(table, data)
    lines = _lines(reader.lines, shown)
    edition = _edition(lines)
    lines = lines.with_columns(pl.lit(edition).alias("edition"))
    return ReadResult(
        source_format=FORMAT,
        source=SOURCE,
        edition=edition,
        lines=lines,
        rejected=rejected_rows(reader.rejected),
        reconciliations=reconcile(lines),
        notes=tuple(_notes(tables, skipped)),
        skipped=tuple(unread),
    )


def _lines(records: list[dict], shown: str) -> pl.DataFrame:
    if not records:
        return empty_lines()
    frame = pl.DataFrame(records, infer_schema_length=None).with_columns(
        pl.lit(SOURCE).alias("source"),
        pl.lit(FORMAT).alias("source_format"),
        pl.lit(shown).alias("file"),
        pl.lit("actual").alias("phase"),
    )
    return finalize(frame)


def _edition(lines: pl.DataFrame) -> str:
    if lines.is_empty():
        return "Defence Expenditure of NATO Countries"
    first, last = lines["period"].min(), lines["period"].max()
    return f"Defence Expenditure of NATO Countries ({first!s}-{last!s})"  # !s: mypy sees min() as maybe bytes


def _notes(tables: list[Table], skipped: list[str]) -> Iterable[str]:
    yield (
        "Title, unit and page-number rows, block headings and the notes under each table are read as context "
        "(measure, unit, footnote texts), not as figures."
    )
    if skipped:
        yield f"Sheets without a 'Table <n> : ...' title row skipped: {', '.join(skipped)}."
    unlabelled = [f"{t.sheet} rows {', '.join(map(str, t.unlabelled))}" for t in tables if t.unlabelled]
    if unlabelled:
        yield (
            "Rows of figures with no label (formula leftovers such as #REF! or zeros under the country lists) "
            f"name no country and were skipped: {'; '.join(unlabelled)}."
        )


# --- reconciliations --------------------------------------------------------------------------------------------


def reconcile(lines: pl.DataFrame) -> pl.DataFrame:
    """The file's own totals checked against sums milspace computes from its lines."""
    parts = [_aggregate_sums(lines), _category_sums(lines), _aggregate_shares(lines)]
    return pl.concat(
        [  # polars#14468: cast's Mapping key type is invariant, so mypy refuses the dict[str, ...] it takes
            p.select(list(RECONCILIATION_SCHEMA)).cast(RECONCILIATION_SCHEMA)  # type: ignore[arg-type]  # polars#14468
            for p in parts
        ]
    )


def _aggregate_sums(lines: pl.DataFrame) -> pl.DataFrame:
    keys = ["sheet", "measure", "price_basis", "period"]
    figures = lines.filter(pl.col("measure").is_in(sorted(ADDITIVE)) & pl.col("value").is_not_null())
    members = figures.filter(
        (pl.col("entity_kind") == "country")
        & (pl.col("entity_code").replace_strict(ACCESSION_YEAR, default=0, return_dtype=pl.Int64) <= pl.col("period"))
    )
    sums = members.group_by(keys).agg(
        pl.col("value").sum().alias(NATO_TOTAL),
        pl.col("value").filter(pl.col("entity_code") != "USA").sum().alias(NATO_EUROPE_AND_CANADA),
    )
    sums = sums.unpivot(index=keys, variable_name="entity_code", value_name="computed")
    stated = figures.filter(pl.col("entity_code").is_in([NATO_TOTAL, NATO_EUROPE_AND_CANADA]))
    rule = (
        pl.when(pl.col("entity_code") == NATO_TOTAL)
        .then(pl.lit(" = sum of member countries, "))
        .otherwise(pl.lit(" = sum of member countries except the United States, "))
    )
    return stated.join(sums, on=[*keys, "entity_code"], how="left", nulls_equal=True).select(
        "file",
        "sheet",
        "row",
        pl.concat_str(
            [pl.col("entity_name"), rule, pl.col("measure"), pl.lit(", "), pl.col("period").cast(pl.String)]
        ).alias("check"),
        pl.col("value").alias("stated"),
        pl.col("computed").fill_null(0.0),
        pl.lit(SUM_TOLERANCE).alias("tolerance"),
        ((pl.col("value") - pl.col("computed").fill_null(0.0)).abs() <= SUM_TOLERANCE).alias("passed"),
    )


def _category_sums(lines: pl.DataFrame) -> pl.DataFrame:
    shares = lines.filter(
        (pl.col("measure") == "defence_expenditure_share_by_category") & pl.col("value").is_not_null()
    )
    sums = (
        shares.sort("sheet", "row")
        .group_by("file", "entity_code", "period", maintain_order=True)
        .agg(
            pl.col("sheet").unique(maintain_order=True).str.join(", "),
            pl.col("row").first(),
            pl.col("entity_name").first(),
            pl.col("category").sort().str.join(", ").alias("categories"),
            pl.col("value").sum().alias("computed"),
        )
    )
    return sums.select(
        "file",
        "sheet",
        "row",
        pl.concat_str(
            [
                pl.lit("categories ("),
                pl.col("categories"),
                pl.lit(") add up to 100 percent, "),
                pl.col("entity_name"),
                pl.lit(", "),
                pl.col("period").cast(pl.String),
            ]
        ).alias("check"),
        pl.lit(100.0).alias("stated"),
        "computed",
        pl.lit(CATEGORY_TOLERANCE).alias("tolerance"),
        ((pl.col("computed") - 100.0).abs() <= CATEGORY_TOLERANCE).alias("passed"),
    )


def _aggregate_shares(lines: pl.DataFrame) -> pl.DataFrame:
    aggregates = lines.filter((pl.col("entity_kind") == "aggregate") & pl.col("value").is_not_null())
    keys = ["entity_code", "period", "price_basis"]

    def figures(measure: str, name: str) -> pl.DataFrame:
        return aggregates.filter(pl.col("measure") == measure).select(*keys, pl.col("value").alias(name))

    ratio = figures("defence_expenditure_constant_usd", "defence").join(
        figures("gdp_constant_usd", "gdp"), on=keys, how="inner", nulls_equal=True
    )
    shares = aggregates.filter(pl.col("measure") == "defence_expenditure_share_of_real_gdp")
    joined = shares.drop("price_basis").join(ratio, on=["entity_code", "period"], how="inner")
    computed = (pl.col("defence") / pl.col("gdp") * 100).alias("computed")
    return joined.with_columns(computed).select(
        "file",
        "sheet",
        "row",
        pl.concat_str(
            [
                pl.col("entity_name"),
                pl.lit(" share of real GDP = defence expenditure / GDP at constant prices ("),
                pl.col("price_basis"),
                pl.lit("), "),
                pl.col("period").cast(pl.String),
            ]
        ).alias("check"),
        pl.col("value").alias("stated"),
        "computed",
        pl.lit(SHARE_TOLERANCE).alias("tolerance"),
        ((pl.col("value") - pl.col("computed")).abs() <= SHARE_TOLERANCE).alias("passed"),
    )
