"""The UCS Satellite Database: every operational satellite in orbit, one row each, from the Union of Concerned
Scientists.

Where: https://www.ucsusa.org/resources/satellite-database (the page offers the latest edition as an Excel
workbook and as tab- or comma-delimited text; earlier editions are linked from the same page). UCS publishes it
free of charge for research and education, asking to be cited as "UCS Satellite Database, Union of Concerned
Scientists" with the edition's date; milspace reads the user's own download and ships none of it.

Layout: one table, its header in row 1 and one satellite a row below it: "Name of Satellite, Alternate Names",
"Current Official Name of Satellite", "Country/Org of UN Registry", "Country of Operator/Owner", "Operator/Owner",
"Users", "Purpose", "Detailed Purpose", "Class of Orbit", "Type of Orbit", orbital elements, masses, power,
"Date of Launch", "Expected Lifetime (yrs.)", contractor, "Launch Site", "Launch Vehicle", "COSPAR Number",
"NORAD Number", "Comments" and a run of "Source" columns. The same table comes in three containers, all read:

- old Excel (BIFF .xls in an OLE2 compound file, as UCS has published since 2005, several re-saved by Excel
  Online): read with python-calamine. Date cells come back as dates; a date cell stored as a plain number (an
  Excel serial day count, 1900 date system) is read too;
- .xlsx workbooks (UCS's newer downloads): the zip bomb checks of `probe.check_zip`, then python-calamine;
- delimited text (the 1 January 2023 edition as CSV): decoded as `probe.decode_text` does, delimiter from
  `probe.delimited_table`. Its dates are written dd-mm-yyyy, its numbers with thousands separators ("35,778"),
  it has some 40 empty trailing columns, and several columns headed "Source".

Detection (`sniff`): by content only. The header row of a delimited text file, or of any sheet of an .xlsx or
.xls workbook, holds the satellite-name, "Users", "COSPAR Number" and "NORAD Number" header words (or their
synonyms, below). An .xls is told by the OLE2 signature in its first bytes, then its header row is read with
python-calamine (the shared Probe reads only .xlsx workbooks; a compound file that is no workbook is not UCS).

Header words are matched after normalising case, runs of whitespace and dots closing a word ("Launch Mass
(kg.)" = "launch mass (kg)"), and the synonyms earlier and later UCS editions use are known (`READ`,
`NOT_READ`: "Country of Owner" for "Country of Operator/Owner", "Launch Date" for "Date of Launch", "Expected
Lifetime" without its unit ...). A header word the reader does not know is an InputFileError naming the file and
column: a new column is never read as another. Columns without a header and the repeated "Source" columns are
expected; those holding values are announced in `skipped`, as is every column not in the space-object shape
(masses, power, contractor, comments, sources, longitude of GEO, eccentricity and period: the last two follow from
perigee and apogee).

Edition: the files state no date anywhere in their content (the date in UCS's file names, such as
"UCS-Satellite-Database-5-1-2022", is a file name, and the workbook properties say when someone last saved the
file, not what it covers). What an edition covers is told by its newest launch: the edition is named "UCS
Satellite Database, launches to YYYY-MM-DD" and edition_date is that newest Date of Launch (of every satellite
row, loaded or rejected for another reason). Newer editions add satellites launched since, so the name sorts
with the editions; two editions name the same satellite alike (cospar_id "YYYY-NNNP", norad_id an integer).

Rows: one space object per satellite row; `row` is the sheet or file row (the header is row 1). Wholly empty rows
are skipped silently; rows that name no satellite and hold values only in columns not read (the 2020 and 2021
workbooks end with three rows holding a lone source link) are announced in `skipped`. A row that names no
satellite but has values in the columns read is rejected.

Values, as published unless said otherwise (text with whitespace runs collapsed and trimmed, `cells.cell_text`):
- operator_country: mapped to codes through NationNames (data_raw/reference/nation_names.csv, which lists UCS's
  spellings, "ESA" and the misspelt "Sinapore" among them): one nation or intergovernmental body -> operator_kind
  "single" and operator_code; several named with "/" ("USA/Canada", "ESA/USA/Russia") -> "joint" with
  operator_parties in published order; a "/" followed by nothing ("ESA/" for Hubble in the 2023 CSV, "ESA/USA"
  in the earlier editions) names a party it does not say: "joint" with the parties named, flagged, never single;
  "Multinational" -> "multinational" without a code, flagged "operator: multinational, parties not named"; empty
  -> "not_stated", flagged. A name NationNames does not know is never guessed: the row is rejected (column
  "Country of Operator/Owner", the rule in `OPERATOR_RULE`, the published text as value).
- users: the published combination, split on "/" into is_military / is_government / is_civil / is_commercial. A
  word that is no user class ("Communications" and "Earth Observation" stand in Users in some rows) sets no flag
  and is said in row_flags ("users name no user class: Communications"); a row whose Users name no user class at
  all (or are empty) leaves the four flags empty: the catalogue does not classify it.
- launch_date: a date cell, an Excel serial number, or text "dd-mm-yyyy" (the CSV), "yyyy-mm-dd" or "m/d/yyyy"
  (Excel's US display); anything else ("11/29/018") is rejected naming "Date of Launch", as is a date before
  Sputnik 1 (1957-10-04), which no satellite has. Empty is kept (missing_launch_date).
- expected_lifetime_years: a number, or text holding one with an optional unit ("15", "15 yrs", "7.5 years");
  empty is kept empty. Anything else (a range, words) is rejected naming the column: UCS writes years.
- perigee_km, apogee_km, inclination_deg: numbers; text with digits grouped by commas is read as the number, in
  thousands ("35,778") or in lakhs ("1,38,825": the 2023 CSV was saved with Indian digit grouping, and the 2022
  workbook has Chandra's apogee as 138825): a comma is never a decimal mark there. Other text (a spreadsheet
  error, "USA" in a shifted row, "1.234,5") is rejected. An inclination
  outside 0-180 degrees is no inclination (the 2023 CSV's Ciel-2 row holds its period, "1,436", there) and is
  rejected.
- cospar_id: spaces removed, upper case, a doubled hyphen made one ("2020--019BK") and the launch number
  zero-padded to three digits; what is still no "YYYY-NNN" with up to three piece letters ("-=022-049J") is
  rejected. norad_id: a whole number (44859.0 -> 44859); anything else is rejected. Either may be empty
  (missing_catalogue_number when both are).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.errors import InputFileError
from pipelines.nations import NationNames
from pipelines.shapes import ReadResult, empty_lines, finalize_objects, rejected_rows, shorten
from pipelines.sources.cells import cell_text, figure_rule
from pipelines.sources.probe import (
    Probe,
    check_zip,
    csv_records,
    decode_head,
    decode_text,
    delimited_table,
)

FORMAT = "ucs_satellites"
SOURCE = "Union of Concerned Scientists, UCS Satellite Database"
#: A satellite catalogue: objects, no budget measures.
MEASURES: dict[str, str] = {}
CONFORMED: dict[str, str] = {}
NEVER_NEGATIVE: frozenset[str] = frozenset()
#: Read whole by `read`, not in batches at load time.
STREAMED = False

#: The first bytes of an OLE2 compound file (an old Excel .xls workbook).
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: Space-object column -> the header words UCS editions use for it (the first is the one the files have).
READ: dict[str, tuple[str, ...]] = {
    "object_name": ("Name of Satellite, Alternate Names", "Name of Satellite", "Satellite Name"),
    "official_name": ("Current Official Name of Satellite", "Official Name of Satellite"),
    "un_state": ("Country/Org of UN Registry", "Country/Organization of UN Registry", "Country of UN Registry"),
    "operator_country": (
        "Country of Operator/Owner",
        "Country of Owner/Operator",
        "Country of Owner",
        "Country of Operator",
    ),
    "operator": ("Operator/Owner", "Owner/Operator", "Operator", "Owner"),
    "users": ("Users",),
    "purpose": ("Purpose",),
    "detailed_purpose": ("Detailed Purpose",),
    "orbit_class": ("Class of Orbit",),
    "orbit_type": ("Type of Orbit",),
    "perigee_km": ("Perigee (km)",),
    "apogee_km": ("Apogee (km)",),
    "inclination_deg": ("Inclination (degrees)", "Inclination (deg)"),
    "launch_date": ("Date of Launch", "Launch Date"),
    "expected_lifetime_years": ("Expected Lifetime (yrs.)", "Expected Lifetime (years)", "Expected Lifetime"),
    "launch_site": ("Launch Site",),
    "launch_vehicle": ("Launch Vehicle",),
    "cospar_id": ("COSPAR Number", "COSPAR ID"),
    "norad_id": ("NORAD Number", "NORAD ID"),
}
#: Columns every edition has; a file without one of them is refused.
REQUIRED = ("object_name", "operator_country", "users", "launch_date", "cospar_id", "norad_id")

#: Header words of columns not in the space-object shape -> why they are not read.
NOT_READ: dict[str, str] = {
    "Longitude of GEO (degrees)": "a geostationary satellite's slot, not in the space-object shape",
    "Longitude of Geosynchronous Orbit (degrees)": "a geostationary satellite's slot, not in the space-object shape",
    "Eccentricity": "follows from perigee and apogee, which are read; not in the space-object shape",
    "Period (minutes)": "follows from perigee and apogee, which are read; not in the space-object shape",
    "Launch Mass (kg.)": "not in the space-object shape",
    "Dry Mass (kg.)": "not in the space-object shape",
    "Power (watts)": "not in the space-object shape",
    "Contractor": "the builder, not in the space-object shape",
    "Country of Contractor": "the builder's country, not in the space-object shape",
    "Comments": "free text, not in the space-object shape",
    "Source Used for Orbital Data": "UCS's references, not in the space-object shape",
    "Source": "UCS's references, not in the space-object shape",
    "Sources": "UCS's references, not in the space-object shape",
}

OPERATOR_RULE = (
    "operator country listed in data_raw/reference/nation_names.csv or nations.csv (a nation or an "
    "intergovernmental body)"
)
DATE_RULE = "a date (a date cell, dd-mm-yyyy, yyyy-mm-dd or m/d/yyyy)"
SPUTNIK = dt.date(1957, 10, 4)
EARLY_RULE = "a launch date on or after 1957-10-04 (Sputnik 1)"
LIFETIME_RULE = "a number of years, optionally with its unit (15, 15 yrs)"
INCLINATION_RULE = "an inclination between 0 and 180 degrees"
COSPAR_RULE = "a COSPAR number YYYY-NNN with up to three piece letters (1998-067A)"
NORAD_RULE = "a NORAD number: a whole number from 1"
NAME_RULE = "a satellite row names its satellite"
EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's 1900 date system (serial 60, a 29 Feb 1900 that was not)

USER_CLASSES = {"military": "is_military", "government": "is_government", "civil": "is_civil"}
USER_CLASSES["commercial"] = "is_commercial"

_DOTS = re.compile(r"\.+(?=\)|$)")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
#: Digits grouped by commas: in thousands ("35,778", "1,234,567") or the Indian way, in lakhs ("1,38,825").
_GROUPED = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})(\.\d+)?$")
_LIFETIME = re.compile(r"^(\d+(?:\.\d+)?|\.\d+)\s*(?:yrs?\.?|years?)?$", re.I)
_COSPAR = re.compile(r"^(\d{4})-(\d{1,3})([A-Z]{0,3})$")
_DMY = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_MDY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def normalise_header(text: object) -> str:
    """A header word as matched: case folded, whitespace runs collapsed, dots closing a word dropped."""
    words = " ".join(str(text or "").split()).casefold()
    return _DOTS.sub("", words).strip()


#: Normalised header word -> space-object column.
_READ_BY_WORD = {normalise_header(word): column for column, words in READ.items() for word in words}
_NOT_READ_BY_WORD = {normalise_header(word): reason for word, reason in NOT_READ.items()}
_SOURCE_WORDS = {normalise_header("Source"), normalise_header("Sources")}


def _is_ucs_header(cells: Iterable[object]) -> bool:
    columns = {_READ_BY_WORD.get(normalise_header(cell)) for cell in cells}
    return {"object_name", "users", "cospar_id", "norad_id"} <= columns


def _calamine(path: Path):
    import python_calamine

    return python_calamine.CalamineWorkbook.from_path(str(path))


def sniff(probe: Probe) -> bool:
    if probe.head.startswith(OLE2_SIGNATURE):
        try:
            workbook = _calamine(probe.path)
            for name in workbook.sheet_names:
                first = next(iter(workbook.get_sheet_by_name(name).iter_rows()), None)
                if first and _is_ucs_header(first):
                    return True
        except Exception:  # a compound file that is no workbook calamine reads (a .doc, a damaged .xls)
            return False
        return False
    if probe.is_xlsx:
        firsts = (probe.first_rows(sheet, rows=1, columns=80) for sheet in probe.sheet_names)
        return any(_is_ucs_header(rows[0]) for rows in firsts if rows)
    table = probe.table
    if table is None:
        return False
    text = decode_head(probe.head) or ""
    records = csv_records(text.lstrip("\ufeff"), table.delimiter, 1)
    return bool(records) and _is_ucs_header(records[0])


# --- reading the table ----------------------------------------------------------------------------------------


def _grids(path: Path, shown: str) -> list[tuple[str | None, list[list[Any]]]]:
    """(sheet, rows) of every sheet of a workbook, or (None, records) of a delimited text file."""
    with path.open("rb") as handle:
        head = handle.read(8)
    is_zip = head.startswith(b"PK\x03\x04")
    if head.startswith(OLE2_SIGNATURE) or is_zip:
        if is_zip:
            check_zip(path, shown).close()
        try:
            workbook = _calamine(path)
            return [
                (name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
                for name in workbook.sheet_names
            ]
        except Exception as exc:  # calamine's errors for damaged or encrypted workbooks
            raise InputFileError(shown, f"not a readable Excel workbook ({type(exc).__name__}: {exc})") from None
    text = decode_text(path.read_bytes(), shown).lstrip("\ufeff")
    table = delimited_table(text)
    if table is None:
        raise InputFileError(shown, "not a delimited text table (comma, tab, semicolon or pipe)")
    return [(None, csv_records(text, table.delimiter))]


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _header(cells: list[Any], shown: str, sheet: str | None) -> tuple[dict[str, int], list[int], list[str]]:
    """(space-object column -> index, indexes of columns not read, announcements) of a UCS header row."""
    found: dict[str, int] = {}
    not_read: list[int] = []
    skipped: list[str] = []
    sources = 0
    for index, cell in enumerate(cells):
        text = cell_text(cell)
        word = normalise_header(text)
        if not word:
            not_read.append(index)
            continue
        if word in _READ_BY_WORD:
            column = _READ_BY_WORD[word]
            if column in found:
                raise InputFileError(
                    shown,
                    f"column {text!r} says again what column {_column_letter(found[column])} holds "
                    f"({column}); a UCS table has each column once",
                    sheet=sheet,
                    row=1,
                    column=text,
                )
            found[column] = index
        elif word in _NOT_READ_BY_WORD:
            not_read.append(index)
            if word in _SOURCE_WORDS:
                sources += 1
            else:
                skipped.append(f"column {text!r} skipped: {_NOT_READ_BY_WORD[word]}")
        else:
            raise InputFileError(
                shown,
                f"column {text!r} is not a UCS Satellite Database column milspace knows (expected the UCS columns "
                f"such as {', '.join(repr(words[0]) for words in READ.values())}, or one of "
                f"{', '.join(repr(word) for word in NOT_READ)})",
                sheet=sheet,
                row=1,
                column=text,
            )
    missing = [READ[column][0] for column in REQUIRED if column not in found]
    if missing:
        raise InputFileError(
            shown, f"a UCS Satellite Database table, but its header lacks {missing}", sheet=sheet, row=1
        )
    if sources:
        skipped.append(f"{sources} column(s) headed 'Source' skipped: {NOT_READ['Source']}")
    return found, not_read, skipped


# --- cells ------------------------------------------------------------------------------------------------------


class _Bad(Exception):
    """A cell that breaks a rule: the row is rejected."""

    def __init__(self, rule: str, value: object = None):
        super().__init__(rule)
        self.rule, self.value = rule, value


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        raise _Bad(figure_rule(value, "type: number"), value)
    if isinstance(value, int | float):
        return float(value)
    text = cell_text(value)
    if text is None:
        return None
    if _PLAIN_NUMBER.match(text):
        return float(text)
    if _GROUPED.match(text):
        return float(text.replace(",", ""))
    raise _Bad(figure_rule(text, "type: number"), text)


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        try:
            day = EXCEL_EPOCH + dt.timedelta(days=int(value))
        except OverflowError:
            raise _Bad(DATE_RULE, value) from None
    else:
        text = cell_text(value)
        if text is None:
            return None
        parts = None
        if match := _DMY.match(text):
            parts = (int(match[3]), int(match[2]), int(match[1]))
        elif match := _YMD.match(text):
            parts = (int(match[1]), int(match[2]), int(match[3]))
        elif match := _MDY.match(text):
            parts = (int(match[3]), int(match[1]), int(match[2]))
        if parts is None:
            raise _Bad(DATE_RULE, text)
        try:
            day = dt.date(*parts)
        except ValueError:
            raise _Bad(DATE_RULE, text) from None
    if day < SPUTNIK:
        raise _Bad(EARLY_RULE, day.isoformat())
    return day


def _lifetime(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        years = float(value)
    else:
        text = cell_text(value)
        if text is None:
            return None
        match = _LIFETIME.match(text)
        if not match:
            raise _Bad(figure_rule(text, LIFETIME_RULE), text)
        years = float(match[1])
    if years < 0:
        raise _Bad(LIFETIME_RULE, value)
    return years


def _cospar(value: object) -> str | None:
    text = cell_text(value)
    if text is None:
        return None
    compact = re.sub(r"-{2,}", "-", re.sub(r"\s+", "", text).upper())
    match = _COSPAR.match(compact)
    if not match:
        raise _Bad(COSPAR_RULE, text)
    return f"{match[1]}-{int(match[2]):03d}{match[3]}"


def _norad(value: object) -> int | None:
    if isinstance(value, float) and value.is_integer() and value >= 1:
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    text = cell_text(value)
    if text is None:
        return None
    if re.fullmatch(r"\d+(\.0+)?", text) and int(text.split(".")[0]) >= 1:
        return int(text.split(".")[0])
    raise _Bad(NORAD_RULE, text)


def _operator(text: str | None, names: NationNames) -> dict[str, Any]:
    """operator_kind, operator_code, operator_parties and flags of a published operator country."""
    if text is None:
        return {"operator_kind": "not_stated", "flags": ["operator: country of operator not stated"]}
    if text.casefold() == "multinational":
        return {"operator_kind": "multinational", "flags": ["operator: multinational, parties not named"]}
    parts = [part.strip() for part in text.split("/")]
    unnamed = "" in parts
    flags = [f"operator: country written {text!r}, a party not named"] if unnamed else []
    codes: list[str] = []
    for part in filter(None, parts):
        code = names.code(part)
        if code is None:
            raise _Bad(OPERATOR_RULE, text)
        if code not in codes:
            codes.append(code)
    if not codes:
        raise _Bad(OPERATOR_RULE, text)
    if len(codes) == 1 and not unnamed:
        return {"operator_kind": "single", "operator_code": codes[0], "flags": flags}
    return {"operator_kind": "joint", "operator_parties": codes, "flags": flags}


def _users(text: str | None) -> dict[str, Any]:
    """The four user-class flags and row flags of a published Users combination."""
    if text is None:
        return {"flags": []}
    named, flags = set(), []
    for word in filter(None, (part.strip() for part in text.split("/"))):
        column = USER_CLASSES.get(word.casefold())
        if column is None:
            flags.append(f"users name no user class: {word}")
        else:
            named.add(column)
    if not named:
        return {"flags": flags}
    return {"flags": flags, **{column: column in named for column in USER_CLASSES.values()}}


#: Space-object column -> how its cell is read (text columns are read with cell_text).
PARSERS = {
    "perigee_km": _number,
    "apogee_km": _number,
    "inclination_deg": _number,
    "launch_date": _date,
    "expected_lifetime_years": _lifetime,
    "cospar_id": _cospar,
    "norad_id": _norad,
}

OBJECT_SCHEMA: dict[str, Any] = {
    "sheet": pl.String,
    "row": pl.Int64,
    **{column: pl.String for column in READ},
    "perigee_km": pl.Float64,
    "apogee_km": pl.Float64,
    "inclination_deg": pl.Float64,
    "launch_date": pl.Date,
    "expected_lifetime_years": pl.Float64,
    "norad_id": pl.Int64,
    "operator_kind": pl.String,
    "operator_code": pl.String,
    "operator_parties": pl.List(pl.String),
    **{column: pl.Boolean for column in USER_CLASSES.values()},
    "row_flags": pl.String,
}


def _row_numbers(rows: list[int]) -> str:
    return ", ".join(str(row) for row in rows[:10]) + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")


def read(path: Path, shown: str, names: NationNames) -> ReadResult:
    grids = _grids(path, shown)
    table = next(((sheet, rows) for sheet, rows in grids if rows and _is_ucs_header(rows[0])), None)
    if table is None:
        raise InputFileError(
            shown,
            "no sheet or table whose first row is the UCS Satellite Database header (Name of Satellite, "
            "Alternate Names ... Users ... COSPAR Number, NORAD Number)",
        )
    sheet, rows = table
    skipped: list[str] = []
    for other, other_rows in grids:
        if other != sheet:
            empty = not any(cell_text(cell) for row in other_rows for cell in row)
            reason = "it is empty" if empty else "its first row is not the UCS Satellite Database header"
            skipped.append(f"sheet {other!r} skipped: {reason}")
    header = [cell_text(cell) for cell in rows[0]]
    columns, not_read, announced = _header(list(rows[0]), shown, sheet)
    skipped += announced
    headerless = [i for i in not_read if not header[i] and any(i < len(r) and cell_text(r[i]) for r in rows[1:])]
    if headerless:
        skipped.append(
            f"{len(headerless)} column(s) without a header ({', '.join(_column_letter(i) for i in headerless)}) "
            "skipped: they hold spill-over of comments and source links, and no header says what they are"
        )

    objects: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    nameless: list[int] = []
    launches: list[dt.date] = []
    for index, cells in enumerate(rows[1:], start=2):
        values = {column: (cells[i] if i < len(cells) else None) for column, i in columns.items()}
        read_any = any(cell_text(value) for value in values.values())
        if not read_any:
            if any(cell_text(cell) for cell in cells):
                nameless.append(index)
            continue
        problems: list[tuple[str, _Bad]] = []
        record: dict[str, Any] = {"sheet": sheet, "row": index}
        for column, value in values.items():
            parser = PARSERS.get(column)
            try:
                record[column] = parser(value) if parser else cell_text(value)
            except _Bad as bad:
                problems.append((column, bad))
        if record.get("launch_date"):
            launches.append(record["launch_date"])
        if record.get("inclination_deg") is not None and not 0 <= record["inclination_deg"] <= 180:
            problems.append(("inclination_deg", _Bad(INCLINATION_RULE, cell_text(values["inclination_deg"]))))
        if record.get("object_name") is None:
            problems.append(("object_name", _Bad(NAME_RULE, None)))
        flags: list[str] = []
        if "operator_country" in record:
            try:
                operator = _operator(record["operator_country"], names)
                flags += operator.pop("flags")
                record.update(operator)
            except _Bad as bad:
                problems.append(("operator_country", bad))
        users = _users(record.get("users"))
        flags += users.pop("flags")
        record.update(users)
        record["row_flags"] = "; ".join(flags) or None
        if problems:
            rejected += [
                {
                    "file": shown,
                    "sheet": sheet,
                    "row": index,
                    "column": header[columns[column]],
                    "rule": bad.rule,
                    "value": shorten(None if bad.value is None else str(bad.value)),
                }
                for column, bad in problems
            ]
            continue
        objects.append(record)
    if nameless:
        skipped.append(
            f"rows {_row_numbers(nameless)} skipped: they name no satellite and hold values only in columns not "
            "read (a source link left below the table)"
        )
    if not launches:
        raise InputFileError(shown, "no row has a Date of Launch, and the edition is named by the newest launch")
    newest = max(launches)
    edition = f"UCS Satellite Database, launches to {newest.isoformat()}"
    frame = pl.DataFrame(objects, schema=OBJECT_SCHEMA).with_columns(
        source=pl.lit(SOURCE),
        source_format=pl.lit(FORMAT),
        edition=pl.lit(edition),
        edition_date=pl.lit(newest, dtype=pl.Date),
        file=pl.lit(shown),
    )
    notes = (
        f"{len(objects):,} satellites read; the edition is named by its newest Date of Launch ({newest}), since "
        "the file states no date of its own",
    )
    return ReadResult(
        FORMAT,
        SOURCE,
        edition,
        empty_lines(),
        rejected_rows(rejected),
        notes=notes,
        objects=finalize_objects(frame),
        skipped=tuple(skipped),
    )
