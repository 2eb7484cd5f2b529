"""Jonathan McDowell's General Catalog of Artificial Space Objects (GCAT): the payload catalogue (psatcat.tsv).

GCAT is published at https://planet4589.org/space/gcat/ (data files under /space/gcat/tsv/; the payload catalogue is
tsv/cat/psatcat.tsv, the organizations, launch sites and launch vehicles tsv/tables/orgs.tsv, sites.tsv, lv.tsv),
under the Creative Commons Attribution 4.0 licence (cite "Jonathan C. McDowell, General Catalog of Artificial Space
Objects, Release 1.x.x, https://planet4589.org/space/gcat").

Files and detection (by content, never by name):
- psatcat: tab-separated; line 1 is the header, its first word written "#JCAT" (the "#" marks a comment line in
  McDowell's files), then Piece, Name, LDate, TLast, TOp, TDate, ... Comment; line 2 is "# Updated 2025 Apr 13
  2239:44", the edition. Every header word must be one this reader knows (PSATCAT_COLUMNS): another word is an
  InputFileError naming the file and the column. One object per data line (from line 3).
- orgs.tsv (header "#Code UCode StateCode Type Class ..."), sites.tsv ("#Site Code UCode Type StateCode ...") and
  lv.tsv ("#LV_Name LV_Family ...") are companions (`companion`): orgs.tsv is read with psatcat when it lies in the
  same folder (found by its header, whatever its name); the payload catalogue names no launch site and no launch
  vehicle, so sites.tsv and lv.tsv are recognised, said so, and not joined.

Columns read:
- catalogue_id = JCAT. A JCAT "Snnnnn" belongs to GCAT's S catalogue, whose numbers are the US satellite catalogue
  (SATCAT, NORAD) numbers one for one (GCAT documentation, "JCAT"): norad_id is that number (S25544, the Zarya
  block of the ISS, is 25544). Other prefixes (A, C, D, F, ...) have no NORAD number.
- cospar_id = Piece when it is a modern international designation ("1998-067A", normalised upper case). Objects
  launched before 1963 carry the older Greek-letter designation ("1957 ALP 2"), which has no YYYY-NNNP form that
  can be written without a table of the old letters: cospar_id is left empty and row_flags keeps the designation
  ("designation 1957 ALP 2 (pre-1963 form, no YYYY-NNNP)"). norad_id still identifies these objects.
- object_name = Name; launch_date = LDate; operations_end_date = TOp ("*": still operating -> empty).
- TDate is NOT the decay date: in psatcat it is the date the payload's mission ended, which is its re-entry only
  for some (Sputnik 1: TDate 1957 Oct 27, the day its transmitters fell silent; it re-entered in January 1958;
  Vanguard I, Tiros II and Transit IVA have a TDate and are still in orbit). decay_date stays empty and TDate is
  announced in `skipped`, with TLast (last contact) and the other columns not read.
- users = Class as published; A (amateur/academic) -> is_civil, B (business) -> is_commercial, C (civil
  government) -> is_government, D (defense) -> is_military; a combination ("BD", "CB") sets each of its letters.
  Another letter sets no flag and adds "users name no user class: <letter>" to row_flags (the 2025-04-13 edition has
  one row with class N).
- purpose = Category as published (COM, IMG, SIG, NAV, EW, ... with GCAT's own "?", "*" and "/" marks);
  detailed_purpose = Discipline ("-" -> empty).
- un_state = UNState as published (with its brackets and asterisks: "[US]", "US*", GCAT's qualifiers of the
  registration); un_registration = UNReg ("-" -> empty).
- Orbit: perigee_km / apogee_km / inclination_deg from DispPeri / DispApo / DispInc (GCAT's latest orbit, at
  DispEpoch) when DispEpoch is given; otherwise from UNPerigee / UNApogee / UNInc (the orbit as registered with the
  UN); empty when neither is given ("-"). A note counts each. orbit_class is left empty (psatcat has no orbit
  class column).

Operators: operator = the Control organisation as published, its Name from orgs.tsv when orgs.tsv lists the code
(Control is mostly "-", and often a control centre that orgs.tsv does not list, such as "TsUP": kept as written;
a trailing "?" is GCAT's uncertainty mark, dropped from the code and said in row_flags). The operating state is the
StateCode of the Control organisation in orgs.tsv, else the state code inside UNState ("[US]" -> US). A GCAT state
code is mapped to milspace's nation code through its own row in orgs.tsv: its English names (ShortEName, EName,
Name, ShortName, looked up in that order in data_raw/reference/nation_names.csv). The bare codes ("D", "I", "IN")
are deliberately not added to nation_names.csv: that table is also used to find nations in running text, where
such words would be found everywhere. So a state code that orgs.tsv does not list, or whose names are not known,
is a rejected row (column Control or UNState, value the code). UNState "-" with no Control state: operator_kind
"not_stated" with a row flag. Without orgs.tsv beside psatcat the catalogue is still read: every row keeps its
state code in operator_country with operator_kind "not_stated" and a row flag, and a note says why.
operator_country = the GCAT state code used ("SU", "I-ESA").

Dates (GCAT's "vague date" format; all UTC): "1957 Oct  4" (day padded with spaces, a trailing space), optionally
with a time "0802" or "0507:13"; partial dates "1964 Mar", "1960", a quarter "2007 Q1" and a decade "2010s"; a
trailing "?" marks the date uncertain; "-" = no date, "*" = not yet (still operating). A partial date is kept as the
first day of the period it names, and any date coarser than a day or marked uncertain adds a row flag giving the
column and the published text ("TOp '1962 Apr?' is a vague date (month, uncertain): kept as 1962-04-01"). Month
names are read whatever their case. A date that matches none of these forms (or names no real day) is a rejected
row naming its column and value.

Numbers: the orbit columns hold numbers or "-"; any other text is a rejected row naming its column.

Edition: "GCAT payload catalogue, updated YYYY-MM-DD" from line 2, with edition_date that date; a file without the
"# Updated" line is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.errors import InputFileError
from pipelines.nations import NationNames
from pipelines.shapes import ReadResult, empty_lines, finalize_objects, rejected_rows
from pipelines.sources.probe import Probe, decode_text

FORMAT = "gcat_payloads"
SOURCE = "Jonathan McDowell, General Catalog of Artificial Space Objects (GCAT)"
MEASURES: dict[str, str] = {}
CONFORMED: dict[str, str] = {}
NEVER_NEGATIVE: frozenset[str] = frozenset()
#: Read whole by `read`, not in batches at load time.
STREAMED = False

#: Every header word of the payload catalogue, in the published order.
PSATCAT_COLUMNS = (
    *("JCAT", "Piece", "Name", "LDate", "TLast", "TOp", "TDate", "TF", "Program", "Plane", "Att", "Mvr", "Class"),
    *("Category", "Result", "Control", "Discipline", "UNState", "UNReg", "UNPeriod", "UNPerigee", "UNApogee"),
    *("UNInc", "DispEpoch", "DispPeri", "DispApo", "DispInc", "Comment"),
)
#: The columns the reader needs (a file without one of them is refused).
PSATCAT_NEEDED = frozenset(PSATCAT_COLUMNS) - {"TF", "Program", "Plane", "Att", "Mvr", "Result", "UNPeriod", "Comment"}
#: Columns not read, and why (announced in `skipped`).
NOT_READ = {
    "TLast": "the date of the last contact with the payload (milspace keeps the end of operations, TOp)",
    "TDate": "the end of the payload's mission, which is its re-entry only for some (Sputnik 1: 1957 Oct 27, "
    "re-entered January 1958): not a decay date",
    "TF": "a flag of GCAT's own", "Program": "the programme name", "Plane": "the orbital plane",
    "Att": "the attitude control", "Mvr": "the manoeuvre capability",
    "Result": "the launch result code", "UNPeriod": "the registered period (perigee, apogee, inclination are read)",
    "Comment": "free text",
}  # fmt: skip
ORGS_COLUMNS = (
    *("Code", "UCode", "StateCode", "Type", "Class", "TStart", "TStop", "ShortName", "Name", "Location"),
    *("Longitude", "Latitude", "Error", "Parent", "ShortEName", "EName", "UName"),
)
#: Class letter -> user flag.
CLASSES = {"A": "is_civil", "B": "is_commercial", "C": "is_government", "D": "is_military"}
STATE_RULE = (
    "operator country listed in data_raw/reference/nation_names.csv or nations.csv (a nation or an "
    "intergovernmental body), through the state code's English names in GCAT's orgs.tsv"
)
DATE_RULE = (
    "a GCAT date: 'YYYY Mon D' with an optional time 'HHMM' or 'HHMM:SS', or 'YYYY Mon', 'YYYY Qn', 'YYYY', "
    "'YYYYs', each with an optional '?'; '-' or '*' for none"
)
NUMBER_RULE = "type: number (or '-' for none)"
MONTHS = {
    m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}
_DATE = re.compile(
    r"^(?P<year>\d{4})(?:(?P<decade>s)|\s+Q(?P<quarter>[1-4])|\s+(?P<month>[A-Za-z]{3})"
    r"(?:\s+(?P<day>\d{1,2})(?:\s+(?P<hour>\d{2})(?P<minute>\d{2})(?::(?P<second>\d{2}(?:\.\d+)?))?)?)?)?"
    r"(?P<uncertain>\?)?$"
)
_UPDATED = re.compile(r"^#\s*Updated\s+(\d{4})\s+([A-Za-z]{3})\s+(\d{1,2})\b")
_MODERN_PIECE = re.compile(r"^(\d{4})-(\d{3})([A-Za-z]{0,3})$")
_NORAD = re.compile(r"^S(\d+)$")


# --- detection ---------------------------------------------------------------------------------------------


def _header_words(line: str) -> list[str]:
    return [w.strip() for w in line.lstrip("\ufeff").split("\t")]


def _is_psatcat(words: list[str]) -> bool:
    return bool(words) and words[0] == "#JCAT" and {"Piece", "LDate", "UNState", "Class"} <= set(words)


def _companion_kind(words: list[str]) -> str | None:
    names = set(words)
    if words and words[0] == "#Code" and {"UCode", "StateCode", "Type", "EName"} <= names:
        return "orgs"
    if words and words[0] == "#Site" and {"UCode", "StateCode", "Type", "Latitude"} <= names:
        return "sites"
    if words and words[0] == "#LV_Name" and {"LV_Family", "LV_Variant", "LEO_Capacity"} <= names:
        return "lv"
    return None


def _first_words(probe: Probe) -> list[str]:
    lines = probe.text_lines
    return _header_words(lines[0]) if lines else []


def sniff(probe: Probe) -> bool:
    """A GCAT payload catalogue: a tab-separated header whose first word is #JCAT, with Piece, LDate, UNState."""
    try:
        return _is_psatcat(_first_words(probe))
    except InputFileError:
        return False


def companion(probe: Probe) -> str | None:
    """What a GCAT table read beside the payload catalogue is for."""
    try:
        kind = _companion_kind(_first_words(probe))
    except InputFileError:
        return None
    if kind == "orgs":
        return (
            "GCAT organizations (orgs.tsv): read with the payload catalogue beside it, for the names and states of "
            "the Control organizations and the English names of GCAT's state codes"
        )
    if kind == "sites":
        return "GCAT launch sites (sites.tsv): recognised; the payload catalogue names no launch site, so not joined"
    if kind == "lv":
        return "GCAT launch vehicles (lv.tsv): recognised; the payload catalogue names no launch vehicle, so not joined"
    return None


# --- reading the tables ------------------------------------------------------------------------------------


def _records(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE))


def _check_header(words: list[str], known: tuple[str, ...], needed: frozenset[str], shown: str) -> dict[str, int]:
    """Column name -> index; an unknown or missing header word is an InputFileError naming the column."""
    names = [words[0].lstrip("#"), *words[1:]]
    for name in names:
        if name not in known:
            raise InputFileError(
                shown,
                f"header word {name!r} is not a column of the GCAT table this reader knows ({', '.join(known)})",
                row=1,
                column=name,
            )
    missing = sorted(needed - set(names))
    if missing:
        raise InputFileError(shown, f"the header lacks the column(s) {', '.join(missing)}", row=1)
    return {name: i for i, name in enumerate(names)}


@dataclass(frozen=True)
class Org:
    code: str
    state: str
    name: str
    english: tuple[str, ...]  # ShortEName, EName, Name, ShortName (without "-")


def _read_orgs(path: Path, shown: str) -> dict[str, Org]:
    records = _records(decode_text(path.read_bytes(), shown))
    index = _check_header(
        records[0], ORGS_COLUMNS, frozenset({"Code", "StateCode", "Name", "ShortName", "ShortEName", "EName"}), shown
    )
    orgs = {}
    for fields in records[1:]:
        if not fields or fields[0].startswith("#") or len(fields) < len(index):
            continue
        cell = {name: fields[i].strip() for name, i in index.items()}
        english = tuple(cell[c] for c in ("ShortEName", "EName", "Name", "ShortName") if cell[c] and cell[c] != "-")
        orgs[cell["Code"]] = Org(cell["Code"], cell["StateCode"], cell["Name"], english)
    return orgs


def _orgs_beside(path: Path) -> Path | None:
    """The organizations table in psatcat's folder, found by its header whatever its name."""
    for candidate in sorted(path.parent.iterdir()):
        if candidate == path or not candidate.is_file():
            continue
        try:
            with candidate.open("rb") as handle:
                first = handle.readline(4096).decode("utf-8", "replace")
        except OSError:
            continue
        if _companion_kind(_header_words(first.rstrip("\r\n"))) == "orgs":
            return candidate
    return None


# --- cells -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Vague:
    date: dt.date
    precision: str  # day, month, quarter, year, decade
    uncertain: bool


def parse_date(text: str) -> Vague | None | str:
    """A GCAT date: a Vague, None for "-" / "*" / empty, or the string "bad" when it matches no form."""
    value = text.strip()
    if value in ("", "-", "*"):
        return None
    match = _DATE.match(value)
    if match is None:
        return "bad"
    year = int(match["year"])
    try:
        if match["decade"]:
            return Vague(dt.date(year, 1, 1), "decade", bool(match["uncertain"]))
        if match["quarter"]:
            return Vague(dt.date(year, 3 * int(match["quarter"]) - 2, 1), "quarter", bool(match["uncertain"]))
        if match["month"] is None:
            return Vague(dt.date(year, 1, 1), "year", bool(match["uncertain"]))
        month = MONTHS.get(match["month"].lower())
        if month is None:
            return "bad"
        if match["day"] is None:
            return Vague(dt.date(year, month, 1), "month", bool(match["uncertain"]))
        if match["hour"] is not None and (int(match["hour"]) > 23 or int(match["minute"]) > 59):
            return "bad"
        return Vague(dt.date(year, month, int(match["day"])), "day", bool(match["uncertain"]))
    except ValueError:  # no such day
        return "bad"


def _number(text: str) -> float | None | str:
    value = text.strip()
    if value in ("", "-"):
        return None
    try:
        return float(value)
    except ValueError:
        return "bad"


def _state_inside(un_state: str) -> str | None:
    """The state code inside GCAT's UNState ("[US]*" -> US); None for "-"."""
    code = un_state.strip().strip("*").strip("[]").strip("*").strip()
    return code if code and code != "-" else None


class StateCodes:
    """GCAT state code -> milspace nation code, through orgs.tsv's English names; None when not known."""

    def __init__(self, orgs: Mapping[str, Org], names: NationNames):
        self.orgs, self.names = orgs, names
        self.cache: dict[str, str | None] = {}

    def code(self, state: str) -> str | None:
        if state not in self.cache:
            org = self.orgs.get(state)
            found = (self.names.code(n) for n in (org.english if org else ()))
            self.cache[state] = next((c for c in found if c), None)
        return self.cache[state]


# --- reading -----------------------------------------------------------------------------------------------


def _edition(records: list[list[str]], shown: str) -> dt.date:
    for fields in records[1:4]:
        match = _UPDATED.match("\t".join(fields).strip())
        if match:
            month = MONTHS.get(match[2].lower())
            if month:
                try:
                    return dt.date(int(match[1]), month, int(match[3]))
                except ValueError:
                    break
    raise InputFileError(shown, "no '# Updated YYYY Mon D' line under the header: the edition cannot be named", row=2)


def read(path: Path, shown: str, names: NationNames) -> ReadResult:
    """Read a GCAT payload catalogue, with the organizations table beside it when there is one."""
    try:
        text = decode_text(path.read_bytes(), shown)
    except OSError as exc:
        raise InputFileError(shown, f"cannot be opened ({exc.strerror})") from None
    records = _records(text.lstrip("\ufeff"))
    if not records:
        raise InputFileError(shown, "the file is empty")
    index = _check_header([w.strip() for w in records[0]], PSATCAT_COLUMNS, PSATCAT_NEEDED, shown)
    updated = _edition(records, shown)
    edition = f"GCAT payload catalogue, updated {updated.isoformat()}"

    notes = []
    orgs_path = _orgs_beside(path)
    if orgs_path is None:
        orgs: dict[str, Org] = {}
        notes.append(
            f"No GCAT organizations table (orgs.tsv) beside {shown}: Control organisations are kept as written and "
            "state codes are not mapped to nations (operator_kind not_stated, state code in operator_country)."
        )
    else:
        orgs = _read_orgs(orgs_path, f"{shown} ({orgs_path.name})")
        notes.append(f"Organizations read from {orgs_path.name} beside the catalogue ({len(orgs):,} codes).")
    states = StateCodes(orgs, names)

    rows: list[dict] = []
    rejected: list[dict] = []
    orbit_source = {"Disp": 0, "UN": 0, "none": 0}
    for number, fields in enumerate(records, start=1):
        if number == 1 or not any(f.strip() for f in fields) or fields[0].startswith("#"):
            continue
        if len(fields) != len(index):
            rejected.append(
                {
                    "file": shown,
                    "row": number,
                    "column": None,
                    "rule": f"a line of {len(index)} tab-separated fields, as many as the header",
                    "value": f"{len(fields)} fields",
                }
            )
            continue
        cell = {name: fields[i].strip() for name, i in index.items()}
        row, problem, source = _object(cell, number, orgs, states, bool(orgs_path))
        if problem:
            column, rule, value = problem
            rejected.append({"file": shown, "row": number, "column": column, "rule": rule, "value": value})
            continue
        orbit_source[source] += 1
        rows.append(row)

    notes.append(
        f"Orbits: {orbit_source['Disp']:,} from DispPeri/DispApo/DispInc (GCAT's latest orbit, at DispEpoch), "
        f"{orbit_source['UN']:,} from UNPerigee/UNApogee/UNInc (as registered with the UN), "
        f"{orbit_source['none']:,} without either."
    )
    frame = pl.DataFrame(rows, schema=_SCHEMA, orient="row") if rows else pl.DataFrame(schema=_SCHEMA)
    frame = frame.with_columns(
        pl.lit(SOURCE).alias("source"),
        pl.lit(FORMAT).alias("source_format"),
        pl.lit(edition).alias("edition"),
        pl.lit(updated).alias("edition_date"),
        pl.lit(shown).alias("file"),
    )
    skipped = tuple(f"column {name!r} not read: {why}" for name, why in NOT_READ.items() if name in index)
    return ReadResult(
        FORMAT,
        SOURCE,
        edition,
        empty_lines(),
        rejected_rows(rejected),
        notes=tuple(notes),
        objects=finalize_objects(frame),
        skipped=skipped,
    )


_SCHEMA = {
    "row": pl.Int64,
    "catalogue_id": pl.String,
    "norad_id": pl.Int64,
    "cospar_id": pl.String,
    "object_name": pl.String,
    "launch_date": pl.Date,
    "operations_end_date": pl.Date,
    "users": pl.String,
    "is_military": pl.Boolean,
    "is_government": pl.Boolean,
    "is_civil": pl.Boolean,
    "is_commercial": pl.Boolean,
    "purpose": pl.String,
    "detailed_purpose": pl.String,
    "operator": pl.String,
    "operator_country": pl.String,
    "operator_kind": pl.String,
    "operator_code": pl.String,
    "un_state": pl.String,
    "un_registration": pl.String,
    "perigee_km": pl.Float64,
    "apogee_km": pl.Float64,
    "inclination_deg": pl.Float64,
    "row_flags": pl.String,
}


def _dash(value: str) -> str | None:
    return None if value in ("", "-") else value


def _object(
    cell: dict[str, str], number: int, orgs: Mapping[str, Org], states: StateCodes, have_orgs: bool
) -> tuple[dict, tuple[str, str, str] | None, str]:
    """One payload row: (object, None, orbit source) or ({}, (column, rule, value), "") when rejected."""
    flags: list[str] = []
    dates: dict[str, dt.date | None] = {}
    for column in ("LDate", "TOp"):
        parsed = parse_date(cell[column])
        if parsed == "bad":
            return {}, (column, DATE_RULE, cell[column]), ""
        if isinstance(parsed, Vague):
            dates[column] = parsed.date
            if parsed.precision != "day" or parsed.uncertain:
                how = parsed.precision + (", uncertain" if parsed.uncertain else "")
                flags.append(f"{column} {cell[column]!r} is a vague date ({how}): kept as {parsed.date.isoformat()}")
        else:
            dates[column] = None

    numbers: dict[str, float | None] = {}
    for column in ("UNPerigee", "UNApogee", "UNInc", "DispPeri", "DispApo", "DispInc"):
        value = _number(cell[column])
        if value == "bad":
            return {}, (column, NUMBER_RULE, cell[column]), ""
        numbers[column] = value if isinstance(value, float) else None
    orbit: tuple[str, ...]
    if _dash(cell["DispEpoch"]) is not None:
        source, orbit = "Disp", ("DispPeri", "DispApo", "DispInc")
    elif any(numbers[c] is not None for c in ("UNPerigee", "UNApogee", "UNInc")):
        source, orbit = "UN", ("UNPerigee", "UNApogee", "UNInc")
    else:
        source, orbit = "none", ()

    jcat, piece = cell["JCAT"], cell["Piece"]
    norad = _NORAD.match(jcat)
    modern = _MODERN_PIECE.match(piece)
    if modern is None and _dash(piece):
        flags.append(f"designation {piece} (pre-1963 form, no YYYY-NNNP)")

    klass = _dash(cell["Class"])
    user_flags: dict[str, bool | None] = dict.fromkeys(CLASSES.values())
    if klass:
        user_flags = {flag: letter in klass for letter, flag in CLASSES.items()}
        for letter in klass:
            if letter not in CLASSES:
                flags.append(f"users name no user class: {letter}")

    control = _dash(cell["Control"])
    operator = None
    state, state_column = None, "UNState"
    if control:
        uncertain = control.endswith("?")
        code = control.rstrip("?").strip()
        org = orgs.get(code)
        operator = org.name if org else code
        if uncertain:
            flags.append(f"Control {control!r} is marked uncertain")
        if org and org.state and org.state != "-":
            state, state_column = org.state, "Control"
    if state is None:
        state = _state_inside(cell["UNState"])
    kind, nation = "not_stated", None
    if state is None:
        flags.append("no operating state named (Control and UNState '-')")
    elif not have_orgs:
        flags.append(f"state code {state} not mapped: no orgs.tsv beside the catalogue")
    else:
        nation = states.code(state)
        if nation is None:
            return {}, (state_column, STATE_RULE, (control or state) if state_column == "Control" else state), ""
        kind = "single"

    row = {
        "row": number,
        "catalogue_id": jcat,
        "norad_id": int(norad[1]) if norad else None,
        "cospar_id": f"{modern[1]}-{modern[2]}{modern[3].upper()}" if modern else None,
        "object_name": cell["Name"],
        "launch_date": dates["LDate"],
        "operations_end_date": dates["TOp"],
        "users": klass,
        **user_flags,
        "purpose": _dash(cell["Category"]),
        "detailed_purpose": _dash(cell["Discipline"]),
        "operator": operator,
        "operator_country": state,
        "operator_kind": kind,
        "operator_code": nation,
        "un_state": _dash(cell["UNState"]),
        "un_registration": _dash(cell["UNReg"]),
        "perigee_km": numbers[orbit[0]] if orbit else None,
        "apogee_km": numbers[orbit[1]] if orbit else None,
        "inclination_deg": numbers[orbit[2]] if orbit else None,
        "row_flags": "; ".join(flags) or None,
    }
    return row, None, source
