"""European Defence Agency "Defence Data": collective and national defence expenditure of the EDA member states.

Where to get it: the EDA's "Defence Data" pages (https://eda.europa.eu/publications-and-data/defence-data), one
Excel workbook per edition beside a PDF booklet (the booklet is not read). Licence: EDA material, reuse with
attribution. Editions read (and checked by tests/test_eda.py against the real files): 2005-2014, 2005-2017e,
2017-2018, 2017-2019, 2017-2020 (the "data by pMS" workbook) and 2021.

Layout (one publication whose layout drifts between editions, read by one set of rules):
- One sheet per entity: the EDA's collective figure ("EDA-27", "EDA 27", "EDA 26") and one sheet per member state.
  Cell A1 names the entity (full name, upper case in 2005-2014: "GERMANY"); the 2005-2014 edition names its sheets
  with the EU's two-letter codes ("DE Data", "EL Data" for Greece, "UK Data"), which EU_CODES maps and which must
  agree with A1 (a disagreement is refused). Collective figures are `entity_kind` "aggregate" with the made-up code
  "EDA:EDA27" / "EDA:EDA26", never summed with the members.
- Row 1: the entity, then one column per year. Years are numbers (2017) or text ("2017", "2017e", "2015 e"); a year
  with `e` is the EDA's estimate (`is_estimate`). "% change" columns (2005-2014) are skipped and listed in
  `ReadResult.skipped`. The 2021 edition repeats the header in row 2 ("Values" or the name, then the years; on
  the Italy sheet only from 2018 on): a row 2 whose cells are the years of their columns, or blank, is skipped.
- Column A: the row label, indented with spaces (2017+) or underscores (2005-2014: "____Defence R&D Expenditure"),
  sometimes followed by a footnote mark (¹ ² ³ ...), which is resolved to the note's text under "Notes:" and kept in
  `footnotes` (a mark on the entity's name in A1, "Sweden¹" in 2017-2018, applies to every line of the sheet).
  Rows without figures are section headings ("General", "Defence Expenditure Breakdown"). The table ends
  at the "Symbols:" row; the symbol legend and notes below it are not figures.
- LABELS maps every label the editions use to one normalised (measure, category) so that editions revise each
  other: "A. Personnel Expenditure" is category personnel in every edition, "C. Investment: Equipment Procurement +
  R&D" (2005-2014), "C. Defence Investment" (2005-2017e) and "Defence Investment" (2017+) are all category
  investment. An unknown label on a row that carries figures, inside the table, is refused (InputFileError naming the
  file, sheet, row and label): a new EDA category must not vanish or be guessed. The "% of Total Military
  Personnel" / "% of Total Deployable Forces" rows (2005-2017e) are shares of the row above them, not read, and
  listed in `skipped`.

Measures: `defence_expenditure_eur` (conformed defence_expenditure_eur), in EUR millions at current prices (no
edition gives constant prices); category "total" (is_total) and its breakdown. "investment" is a subtotal of
equipment procurement and R&D and is flagged is_total too; R&T (a subset of R&D), deployed-operations costs (counted
within the other categories), outsourced and collaborative spending are cross-cuts flagged `is_memo`: the lines
with neither flag add up to the total. Shares of GDP and of government expenditure are fractions in the file and
are stored in percent (x 100). Per-capita spending and investment per member of the military are EUR. Personnel
counts (military, with its split by service; civilian; gendarmerie-type forces; troops deployed; deployable and
sustainable land forces) are persons.

Cells: a number is the value; ":" (not available), "-", "c" (confidential) and ".." are kept as value NULL with
`missing_marker`; a blank cell in a labelled row is NULL with the marker "empty". Text that is neither (a German
"1.234,5", a spreadsheet error) is a rejected row naming the sheet, row and year column.

Edition: from content, "Defence Data (<first year>-<last year>)": the first and last year columns of the workbook;
where the edition states its reference span in "% change" columns (2005-2014: "2006-2014"), the span ends where
those changes end (its "2015 e" column is a forward estimate). So the editions read "Defence Data (2005-2014)",
"(2005-2017)", "(2017-2018)", "(2017-2019)", "(2017-2020)", "(2017-2021)": the vintage the marts take from
'\\(\\d{4}-(\\d{4})\\)' grows with each edition.

Detected by content: a workbook whose sheets (any of the first three) have a year in B1 and column-A labels
"Total Defence Expenditure ..." and "... Defence Expenditure as % of GDP" in their first rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.errors import InputFileError
from pipelines.nations import NationNames
from pipelines.shapes import ReadResult, finalize, rejected_rows
from pipelines.sources.cells import cell_text, figure_rule
from pipelines.sources.probe import Probe, open_workbook

FORMAT = "eda_defence_data"
SOURCE = "European Defence Agency, Defence Data"

MEASURES = {
    "defence_expenditure_eur": "Defence expenditure by category (EDA), EUR millions, current prices",
    "defence_expenditure_share_of_gdp": "Total defence expenditure as a share of GDP (EDA), percent",
    "defence_expenditure_share_of_government_spending": (
        "Total defence expenditure as a share of government expenditure (EDA), percent"
    ),
    "defence_expenditure_per_capita_eur": "Total defence expenditure per inhabitant (EDA), EUR, current prices",
    "defence_investment_per_soldier_eur": (
        "Defence investment per member of the military personnel (EDA), EUR, current prices"
    ),
    "military_personnel": "Military personnel (EDA), persons; category total or the service",
    "civilian_personnel": "Civilian personnel of defence (EDA), persons",
    "gendarmerie_personnel": "Other gendarmerie-type forces (EDA, optional reporting), persons",
    "troops_deployed": "Average number of troops deployed (EDA), persons",
    "deployable_land_forces": "Total deployable land forces (EDA), persons",
    "sustainable_land_forces": "Total sustainable land forces (EDA), persons",
}
STREAMED = False
CONFORMED = {
    "defence_expenditure_share_of_gdp": "milex_share_of_gdp",
    "defence_expenditure_share_of_government_spending": "milex_share_of_government_spending",
}
NEVER_NEGATIVE = frozenset(MEASURES) - {"defence_expenditure_eur"}

#: measure -> (unit, unit_factor, currency, price_basis, multiplier applied to the published figure).
UNITS: dict[str, tuple[str, float, str | None, str | None, float]] = {
    "defence_expenditure_eur": ("EUR millions", 1e6, "EUR", "current", 1.0),
    "defence_expenditure_share_of_gdp": ("percent of GDP", 1.0, None, None, 100.0),
    "defence_expenditure_share_of_government_spending": ("percent of government expenditure", 1.0, None, None, 100.0),
    "defence_expenditure_per_capita_eur": ("EUR per inhabitant", 1.0, "EUR", "current", 1.0),
    "defence_investment_per_soldier_eur": ("EUR per member of the military personnel", 1.0, "EUR", "current", 1.0),
    **{
        m: ("persons", 1.0, None, None, 1.0)
        for m in (
            "military_personnel",
            "civilian_personnel",
            "gendarmerie_personnel",
            "troops_deployed",
            "deployable_land_forces",
            "sustainable_land_forces",
        )
    },
}


@dataclass(frozen=True)
class Spec:
    measure: str
    category: str | None = None
    is_total: bool = False
    is_memo: bool = False


_EUR = "defence_expenditure_eur"
#: Every label the editions write (normalised by `label_key`) -> what the row holds.
LABELS: dict[str, Spec] = {
    "total defence expenditure": Spec(_EUR, "total", is_total=True),
    "total defence expenditure (a+b+c+d+e)": Spec(_EUR, "total", is_total=True),
    "total defence expenditure (a+b+c+d+other)": Spec(_EUR, "total", is_total=True),
    "a. personnel expenditure": Spec(_EUR, "personnel"),
    "b. infrastructure / construction expenditure": Spec(_EUR, "infrastructure"),
    "c. investment: equipment procurement + r&d": Spec(_EUR, "investment", is_total=True),
    "c. defence investment": Spec(_EUR, "investment", is_total=True),
    "defence investment": Spec(_EUR, "investment", is_total=True),
    "defence equipment procurement expenditure": Spec(_EUR, "equipment_procurement"),
    "defence r&d expenditure": Spec(_EUR, "research_and_development"),
    "defence research and development (r&d) expenditure": Spec(_EUR, "research_and_development"),
    "defence r&t expenditure": Spec(_EUR, "research_and_technology", is_memo=True),
    "defence r&t expenditure (subset of r&d)": Spec(_EUR, "research_and_technology", is_memo=True),
    "defence research and technology (r&t) expenditure": Spec(_EUR, "research_and_technology", is_memo=True),
    "defence research and technology (r&t) expenditure (subset of r&d)": Spec(
        _EUR, "research_and_technology", is_memo=True
    ),
    "d. operation & maintenance (o&m) expenditure": Spec(_EUR, "operations_and_maintenance"),
    "e. other defence expenditure (total defence expenditure-a-b-c-d)": Spec(_EUR, "other"),
    "e. other expenditure": Spec(_EUR, "other"),
    "operations costs (deployed)": Spec(_EUR, "deployed_operations", is_memo=True),
    'defence expenditure "outsourced"': Spec(_EUR, "outsourced", is_memo=True),
    'capital investment "outsourced"': Spec(_EUR, "outsourced_investment", is_memo=True),
    'o&m "outsourced"': Spec(_EUR, "outsourced_operations_and_maintenance", is_memo=True),
    "collaborative defence procurement expenditure": Spec(_EUR, "collaborative_procurement", is_memo=True),
    "collaborative defence equipment procurement expenditure": Spec(_EUR, "collaborative_procurement", is_memo=True),
    "european collaborative defence procurement": Spec(_EUR, "european_collaborative_procurement", is_memo=True),
    "european collaborative defence equipment procurement expenditure": Spec(
        _EUR, "european_collaborative_procurement", is_memo=True
    ),
    "collaborative defence r&t expenditure": Spec(_EUR, "collaborative_research_and_technology", is_memo=True),
    "european collaborative defence r&t": Spec(_EUR, "european_collaborative_research_and_technology", is_memo=True),
    "european collaborative defence r&t expenditure": Spec(
        _EUR, "european_collaborative_research_and_technology", is_memo=True
    ),
    "defence expenditure as % of gdp": Spec("defence_expenditure_share_of_gdp"),
    "total defence expenditure as % of gdp": Spec("defence_expenditure_share_of_gdp"),
    "defence expenditure as % of total government spending": Spec("defence_expenditure_share_of_government_spending"),
    "defence expend. as % of total government spending": Spec("defence_expenditure_share_of_government_spending"),
    "defence expenditure as % of government spending": Spec("defence_expenditure_share_of_government_spending"),
    "total defence expenditure as % of government expenditure": Spec(
        "defence_expenditure_share_of_government_spending"
    ),
    "defence expenditure per capita": Spec("defence_expenditure_per_capita_eur"),
    "total defence expenditure per capita": Spec("defence_expenditure_per_capita_eur"),
    "defence investment per military": Spec("defence_investment_per_soldier_eur"),
    "total military personnel": Spec("military_personnel", "total", is_total=True),
    "army": Spec("military_personnel", "army"),
    "maritime": Spec("military_personnel", "maritime"),
    "air force": Spec("military_personnel", "air_force"),
    "other": Spec("military_personnel", "other"),
    "total civilian personnel": Spec("civilian_personnel", "total", is_total=True),
    "other gendarmerie-type forces (optional)": Spec("gendarmerie_personnel", "total", is_total=True),
    "average number of troops deployed": Spec("troops_deployed", "total", is_total=True),
    "total deployable (land) forces": Spec("deployable_land_forces", "total", is_total=True),
    "total sustainable (land) forces": Spec("sustainable_land_forces", "total", is_total=True),
}
#: Labels known and deliberately not read (listed in ReadResult.skipped): shares of the row above them.
SKIPPED_LABELS = {"% of total military personnel", "% of total deployable forces"}

#: The EU's two-letter country codes (Eurostat protocol order; EL = Greece, UK = United Kingdom) -> ISO3.
EU_CODES = {
    "AT": "AUT", "BE": "BEL", "BG": "BGR", "CY": "CYP", "CZ": "CZE", "DE": "DEU", "DK": "DNK", "EE": "EST",
    "EL": "GRC", "ES": "ESP", "FI": "FIN", "FR": "FRA", "HR": "HRV", "HU": "HUN", "IE": "IRL", "IT": "ITA",
    "LT": "LTU", "LU": "LUX", "LV": "LVA", "MT": "MLT", "NL": "NLD", "PL": "POL", "PT": "PRT", "RO": "ROU",
    "SE": "SWE", "SI": "SVN", "SK": "SVK", "UK": "GBR",
}  # fmt: skip

MISSING_MARKERS = {":", "-", "c", ".."}
NUMBER_RULE = "type: number (or an EDA marker: ':' not available, 'c' confidential, '-')"

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_AGGREGATE = re.compile(r"^(EDA|EU)[\s-]*(\d+)$", re.I)
_SHEET_CODE = re.compile(r"^([A-Z]{2}) Data$")
_YEAR = re.compile(r"^(\d{4})\s*(e?)$", re.I)
_SPAN = re.compile(r"(\d{4})\s*-\s*(\d{4})")
_NUMBER_E = re.compile(r"^(-?\d+(?:\.\d+)?)\s*(e?)$", re.I)


def label_key(label: str) -> str:
    """A label as LABELS knows it: footnote marks, indentation underscores, spacing and case removed."""
    text = "".join(ch for ch in label if ch not in _SUPERSCRIPTS).replace("_", " ")
    return " ".join(text.split()).casefold()


def _marks(label: str) -> list[str]:
    return [ch for ch in label if ch in _SUPERSCRIPTS]


# --- detection ----------------------------------------------------------------------------------------------------


def _is_year(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return 1900 <= value <= 2100
    return isinstance(value, str) and bool(_YEAR.match(value.strip()))


def sniff(probe: Probe) -> bool:
    """Any of the first three sheets: a year in B1, and labels of the total and its share of GDP in column A."""
    if not probe.is_xlsx:
        return False
    for sheet in probe.sheet_names[:3]:
        rows = probe.first_rows(sheet, rows=8, columns=3)
        if not rows or len(rows[0]) < 2 or not _is_year(rows[0][1]):
            continue
        keys = {label_key(r[0]) for r in rows[1:] if r and isinstance(r[0], str)}
        if any(k.startswith("total defence expenditure") and "%" not in k for k in keys) and any(
            k.endswith("as % of gdp") for k in keys
        ):
            return True
    return False


# --- reading ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearColumn:
    index: int
    header: str
    year: int
    is_estimate: bool


def _entity(sheet: str, title: object, shown: str, names: NationNames) -> tuple[str, str, str]:
    """(code, name as written, kind) of a sheet, from A1 (and the sheet's EU code where it has one)."""
    written = cell_text(title)
    name = "".join(ch for ch in written if ch not in _SUPERSCRIPTS).strip() if written else None
    if not name:
        raise InputFileError(shown, "cell A1 does not name the entity the sheet is about", sheet=sheet, row=1)
    aggregate = _AGGREGATE.match(name)
    if aggregate:
        return f"EDA:{aggregate[1].upper()}{aggregate[2]}", name, "aggregate"
    code = EU_CODES.get(name.upper()) if len(name) == 2 else names.code(name)
    sheet_code = _SHEET_CODE.match(sheet.strip())
    if sheet_code:
        from_sheet = EU_CODES.get(sheet_code[1])
        if from_sheet is None or (code is not None and code != from_sheet):
            raise InputFileError(
                shown,
                f"the sheet's name {sheet!r} and its title {name!r} do not name the same member state",
                sheet=sheet,
                row=1,
            )
        code = from_sheet
    if code is None:
        raise InputFileError(
            shown,
            f"cell A1 {name!r} is neither a nation milspace knows (data_raw/reference/nation_names.csv) nor an EDA "
            "collective figure (EDA-27, EDA 26)",
            sheet=sheet,
            row=1,
            column="A",
        )
    return code, name, "country"


def _year_columns(sheet: str, rows: list[tuple], shown: str) -> tuple[list[YearColumn], list[str], list[int]]:
    """The year columns of row 1; the '% change' headers skipped; the end years of the spans they state."""
    columns: list[YearColumn] = []
    changes: list[str] = []
    span_ends: list[int] = []
    header = rows[0]
    second = rows[1] if len(rows) > 1 else ()
    for index, cell in enumerate(header[1:], start=1):
        text = cell_text(cell)
        if text is None:
            continue
        match = _YEAR.match(text)
        if match and not isinstance(cell, bool):
            columns.append(YearColumn(index, text, int(match[1]), bool(match[2])))
            continue
        if text.casefold().startswith("% change"):
            below = cell_text(second[index]) if index < len(second) else None
            changes.append(f"{text} {below}" if below else text)
            span = _SPAN.search(below or text)
            if span:
                span_ends.append(int(span[2]))
            continue
        raise InputFileError(
            shown,
            f"row 1 should hold the years (2017, '2017e'), but a column is headed {text!r}",
            sheet=sheet,
            row=1,
            column=text,
        )
    if not columns:
        raise InputFileError(shown, "row 1 holds no year columns", sheet=sheet, row=1)
    return columns, changes, span_ends


def _notes(rows: list[tuple]) -> dict[str, str]:
    """Footnote mark -> its text, from the rows under "Notes:"."""
    notes: dict[str, str] = {}
    for row in rows:
        text = cell_text(row[0]) if row else None
        if text and text[0] in _SUPERSCRIPTS:
            notes.setdefault(text[0], text[1:].strip())
    return notes


def _cell(value: object) -> tuple[float | None, str | None, bool, bool]:
    """(value, missing marker, is estimate, parsed) of a figure cell."""
    if value is None:
        return None, "empty", False, True
    if isinstance(value, bool):
        return None, None, False, False
    if isinstance(value, int | float):
        return float(value), None, False, True
    text = " ".join(str(value).split())
    if text in MISSING_MARKERS:
        return None, text, False, True
    if not text:
        return None, "empty", False, True
    match = _NUMBER_E.match(text)
    if match:
        return float(match[1]), None, bool(match[2]), True
    return None, None, False, False


def _some(sheets: list[str]) -> str:
    return ", ".join(sheets[:3]) + (" ..." if len(sheets) > 3 else "")


def read(path: Path, shown: str, names: NationNames) -> ReadResult:
    workbook = open_workbook(path, shown)
    try:
        sheets = {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}
    finally:
        workbook.close()
    lines: list[dict] = []
    rejected: list[dict] = []
    skipped_rows: dict[str, list[str]] = {}
    skipped_columns: dict[str, list[str]] = {}
    empty_sheets: list[str] = []
    years: set[int] = set()
    span_ends: list[int] = []
    for sheet, rows in sheets.items():
        if not rows or all(cell_text(c) is None for c in rows[0]):
            empty_sheets.append(sheet)
            continue
        columns, changes, ends = _year_columns(sheet, rows, shown)
        for change in changes:
            skipped_columns.setdefault(change, []).append(sheet)
        span_ends += ends
        years |= {c.year for c in columns}
        code, entity_name, kind = _entity(sheet, rows[0][0], shown, names)
        end = next((i for i, r in enumerate(rows) if r and label_key(str(r[0] or "")) == "symbols:"), len(rows))
        notes = _notes(rows[end:])
        for number, row in enumerate(rows[1:end], start=2):
            cells = [row[c.index] if c.index < len(row) else None for c in columns]
            label = cell_text(row[0]) if row else None
            if all(cell_text(v) is None for v in cells):
                continue  # a blank row or a section heading ("General", "Defence Expenditure Breakdown")
            if number == 2 and all(cell_text(v) in (None, str(c.year)) for v, c in zip(cells, columns, strict=True)):
                continue  # the header repeated in row 2 (2021: "Values", 2017, 2018 ...; Italy: from 2018 on)
            if label is None:
                raise InputFileError(shown, "a row holds figures but no label in column A", sheet=sheet, row=number)
            key = label_key(label)
            if key in SKIPPED_LABELS:
                skipped_rows.setdefault(key, []).append(sheet)
                continue
            spec = LABELS.get(key)
            if spec is None:
                raise InputFileError(
                    shown,
                    f"the row label {label!r} is not one of the Defence Data rows milspace knows (such as 'Total "
                    "Defence Expenditure', 'A. Personnel Expenditure', 'Defence Investment'): add it to "
                    "pipelines/sources/eda.py LABELS once its meaning is known",
                    sheet=sheet,
                    row=number,
                    column="A",
                )
            unit, factor, currency, basis, multiplier = UNITS[spec.measure]
            marks = _marks(str(rows[0][0])) + _marks(label)  # the entity's (A1: "Sweden¹") and the row's
            footnotes = "; ".join(notes.get(m, m) for m in dict.fromkeys(marks)) or None
            for column, raw in zip(columns, cells, strict=True):
                value, marker, estimated, parsed = _cell(raw)
                if not parsed:
                    rejected.append(
                        {
                            "file": shown,
                            "sheet": sheet,
                            "row": number,
                            "column": column.header,
                            "rule": figure_rule(raw, NUMBER_RULE),
                            "value": str(raw),
                        }
                    )
                    continue
                lines.append(
                    {
                        "sheet": sheet,
                        "row": number,
                        "source_column": column.header,
                        "entity_code": code,
                        "entity_name": entity_name,
                        "entity_kind": kind,
                        "period": column.year,
                        "measure": spec.measure,
                        "category": spec.category,
                        "is_total": spec.is_total,
                        "is_memo": spec.is_memo,
                        "value": None if value is None else value * multiplier,
                        "missing_marker": marker,
                        "is_estimate": column.is_estimate or estimated,
                        "unit": unit,
                        "unit_factor": factor,
                        "currency": currency,
                        "price_basis": basis,
                        "footnotes": footnotes,
                    }
                )
    if not lines:
        raise InputFileError(shown, "an EDA Defence Data workbook, but no sheet holds a figure")
    last = max(span_ends) if span_ends else max(years)
    edition = f"Defence Data ({min(years)}-{last})"
    frame = pl.DataFrame(
        lines,
        schema={
            "sheet": pl.String,
            "row": pl.Int64,
            "source_column": pl.String,
            "entity_code": pl.String,
            "entity_name": pl.String,
            "entity_kind": pl.String,
            "period": pl.Int64,
            "measure": pl.String,
            "category": pl.String,
            "is_total": pl.Boolean,
            "is_memo": pl.Boolean,
            "value": pl.Float64,
            "missing_marker": pl.String,
            "is_estimate": pl.Boolean,
            "unit": pl.String,
            "unit_factor": pl.Float64,
            "currency": pl.String,
            "price_basis": pl.String,
            "footnotes": pl.String,
        },
    ).with_columns(
        source=pl.lit(SOURCE),
        source_format=pl.lit(FORMAT),
        edition=pl.lit(edition),
        file=pl.lit(shown),
        phase=pl.lit("actual"),
        period_type=pl.lit("calendar_year"),
    )
    skipped_rows = {k: list(dict.fromkeys(v)) for k, v in skipped_rows.items()}
    skipped = (
        tuple(
            f"column {header!r} skipped on {len(where)} sheet(s) ({_some(where)})"
            ": a percentage change between years, which milspace computes from the figures itself"
            for header, where in skipped_columns.items()
        )
        + tuple(
            f"rows labelled {label!r} skipped on {len(where)} sheet(s) ({_some(where)})"
            ": a share of the row above it, computed from figures that are read"
            for label, where in skipped_rows.items()
        )
        + tuple(f"sheet {sheet!r} skipped: it is empty" for sheet in empty_sheets)
    )
    return ReadResult(
        source_format=FORMAT,
        source=SOURCE,
        edition=edition,
        lines=finalize(frame),
        rejected=rejected_rows(rejected),
        skipped=skipped,
    )
