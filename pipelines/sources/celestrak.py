"""CelesTrak general perturbations (GP) element sets in the CCSDS Orbit Mean-Elements Message (OMM) keywords.

CelesTrak (https://celestrak.org/NORAD/elements/, the "GP data" queries, e.g.
https://celestrak.org/NORAD/elements/gp.php?GROUP=active&FORMAT=csv) republishes the US Space Force's mean
elements of every tracked object, as CSV, JSON, XML or KVN; its data are free to use (CelesTrak asks for credit).
milspace reads the CSV and the JSON exports; the XML export is recognised and refused with a message saying so.

Detection (by content): a CSV whose header holds OBJECT_NAME, OBJECT_ID, EPOCH, MEAN_MOTION, ECCENTRICITY and
NORAD_CAT_ID; a JSON array of objects with those keys; an XML document with <omm> elements. Every header word must
be an OMM keyword this reader knows (OMM_COLUMNS): another is an InputFileError naming the file and the column.

One object per row (row = the line in the CSV, header = 1; the 1-based position in the JSON array):
- object_name = OBJECT_NAME; cospar_id = OBJECT_ID (upper case; an OBJECT_ID that is no YYYY-NNNP designator
  leaves cospar_id empty and is said in row_flags); norad_id = NORAD_CAT_ID (a whole number, else a rejected row
  naming the column); epoch = EPOCH (UTC, microseconds; a malformed one is a rejected row); inclination_deg =
  INCLINATION.
- perigee_km / apogee_km from MEAN_MOTION n (revolutions per day) and ECCENTRICITY e: the semi-major axis
  a = (GM / (2 pi n / 86400)^2)^(1/3) (Kepler's third law, GM = 398600.4418 km^3/s^2, WGS 84), perigee = a (1 - e)
  - R and apogee = a (1 + e) - R with Earth's equatorial radius R = 6378.137 km (WGS 84). These are altitudes above
  a spherical Earth of equatorial radius from mean (SGP4) elements: good to a few km, not osculating values.
- orbit_class, by a rule milspace states (the export names no class):
  GEO when the orbit is geosynchronous as the ESA Space Debris Office's "Classification of Geosynchronous Objects"
  counts it (mean motion 0.9 to 1.1 revolutions a day, eccentricity below 0.2, inclination below 70 degrees);
  LEO when the apogee is at most 2,000 km (the IADC Space Debris Mitigation Guidelines' LEO protected region);
  MEO when perigee is at least 2,000 km and apogee at most 35,586 km (between the LEO region and the IADC's GEO
  protected region, 35,786 km +/- 200 km); Elliptical for every other orbit (those crossing these regions: transfer,
  Molniya and other highly elliptical orbits, and orbits beyond the geosynchronous band).
- operator_kind "not_stated": the export names no owner or operator; users flags are empty (not classified).
- Columns not read (RA_OF_ASC_NODE, ARG_OF_PERICENTER, MEAN_ANOMALY, EPHEMERIS_TYPE, CLASSIFICATION_TYPE,
  ELEMENT_SET_NO, REV_AT_EPOCH, BSTAR, MEAN_MOTION_DOT, MEAN_MOTION_DDOT) are announced in `skipped`.
- A number that does not parse (MEAN_MOTION, ECCENTRICITY, INCLINATION) is a rejected row naming its column; a
  mean motion of 0 or less, or an eccentricity outside 0 to 1, too. A CSV line with more or fewer fields than the
  header (a decimal comma, a cut line) is a rejected row saying how many fields it has.

Edition: "CelesTrak active objects, elements to YYYY-MM-DD", edition_date the date of the newest epoch (the
export states no date of its own; the query it came from is not in the file, so "active objects" names what the
CelesTrak GP exports milspace reads are: the active-satellites group).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from pathlib import Path

import polars as pl

from pipelines.errors import InputFileError
from pipelines.nations import NationNames
from pipelines.shapes import ReadResult, empty_lines, finalize_objects, rejected_rows
from pipelines.sources.probe import Probe, decode_head, decode_text

FORMAT = "celestrak_gp"
SOURCE = "CelesTrak, general perturbations (OMM) elements"
MEASURES: dict[str, str] = {}
CONFORMED: dict[str, str] = {}
NEVER_NEGATIVE: frozenset[str] = frozenset()
#: Read whole by `read`, not in batches at load time.
STREAMED = False

#: The OMM keywords of CelesTrak's GP exports.
OMM_COLUMNS = (
    *("OBJECT_NAME", "OBJECT_ID", "EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE"),
    *("ARG_OF_PERICENTER", "MEAN_ANOMALY", "EPHEMERIS_TYPE", "CLASSIFICATION_TYPE", "NORAD_CAT_ID"),
    *("ELEMENT_SET_NO", "REV_AT_EPOCH", "BSTAR", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT"),
)
#: Keywords that make a file CelesTrak's, and that the reader needs.
NEEDED = ("OBJECT_NAME", "OBJECT_ID", "EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "NORAD_CAT_ID")
_SNIFFED = {"OBJECT_NAME", "OBJECT_ID", "EPOCH", "MEAN_MOTION", "ECCENTRICITY", "NORAD_CAT_ID"}
NOT_READ = {
    "RA_OF_ASC_NODE": "orientation of the orbit (right ascension of the ascending node)",
    "ARG_OF_PERICENTER": "orientation of the orbit (argument of perigee)",
    "MEAN_ANOMALY": "position on the orbit at the epoch",
    "EPHEMERIS_TYPE": "the SGP4 ephemeris type (0 throughout)",
    "CLASSIFICATION_TYPE": "the security classification (U: unclassified)",
    "ELEMENT_SET_NO": "the element set's sequence number",
    "REV_AT_EPOCH": "the revolution count",
    "BSTAR": "the drag term",
    "MEAN_MOTION_DOT": "the first derivative of the mean motion",
    "MEAN_MOTION_DDOT": "the second derivative of the mean motion",
}
#: Earth's gravitational parameter, km^3/s^2, and equatorial radius, km (WGS 84).
GM_EARTH = 398600.4418
EARTH_RADIUS = 6378.137
LEO_CEILING = 2000.0  # km altitude, IADC LEO protected region
GEO_REGION_FLOOR = 35786.0 - 200.0  # km altitude, IADC GEO protected region
NUMBER_RULE = "type: number"
_FIELD_COUNT = "\0fields"  # marks a CSV line whose fields do not match the header
_COSPAR = re.compile(r"^\d{4}-\d{3}[A-Z]{0,3}$")
_EPOCH = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?$")


# --- detection ---------------------------------------------------------------------------------------------


def _kind(head: str) -> str | None:
    """csv, json or xml when the text looks like a CelesTrak GP export."""
    text = head.lstrip("\ufeff").lstrip()
    if text.startswith("["):
        return "json" if all(f'"{key}"' in text for key in _SNIFFED) else None
    if text.startswith("<"):
        return "xml" if re.search(r"<omm\b", text, re.I) and "NORAD_CAT_ID" in text else None
    first = text.split("\n", 1)[0]
    words = {w.strip().strip('"') for w in first.split(",")}
    return "csv" if _SNIFFED <= words else None


def sniff(probe: Probe) -> bool:
    """A CelesTrak GP export (CSV, JSON or XML) by its OMM keywords."""
    try:
        if probe.is_zip:
            return False
        head = decode_head(probe.head)
    except InputFileError:
        return False
    return head is not None and _kind(head) is not None


# --- records -----------------------------------------------------------------------------------------------


def _check_header(names: list[str], shown: str, row: int | None) -> None:
    for name in names:
        if name not in OMM_COLUMNS:
            raise InputFileError(
                shown,
                f"header word {name!r} is not an OMM keyword of CelesTrak's GP exports this reader knows "
                f"({', '.join(OMM_COLUMNS)})",
                row=row,
                column=name,
            )
    missing = [n for n in NEEDED if n not in names]
    if missing:
        raise InputFileError(shown, f"the export lacks the column(s) {', '.join(missing)}", row=row)


def _csv_records(text: str, shown: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, dict[str, str]]] = []
    header: list[str] | None = None
    try:
        for fields in reader:
            if header is None:
                header = [f.strip() for f in fields]
                _check_header(header, shown, 1)
                continue
            if not any(f.strip() for f in fields):
                continue
            values = dict(zip(header, (f.strip() for f in fields), strict=False))
            if len(fields) != len(header):  # a comma inside a figure, or a cut line: the fields do not line up
                values = {_FIELD_COUNT: str(len(fields))}
            records.append((reader.line_num, values))
    except csv.Error as exc:
        raise InputFileError(shown, f"not readable as CSV ({exc})", row=reader.line_num) from None
    if header is None:
        raise InputFileError(shown, "the file is empty")
    return records


def _json_records(text: str, shown: str) -> list[tuple[int, dict[str, str]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(shown, f"not readable as JSON ({exc.msg}, line {exc.lineno}; truncated?)") from None
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        raise InputFileError(shown, "a CelesTrak JSON export is an array of objects; this one is not")
    names = list(dict.fromkeys(k for d in data for k in d))
    _check_header(names, shown, None)
    return [(i, {k: "" if v is None else str(v) for k, v in d.items()}) for i, d in enumerate(data, start=1)]


# --- orbits ------------------------------------------------------------------------------------------------


def altitudes(mean_motion: float, eccentricity: float) -> tuple[float, float]:
    """(perigee, apogee) altitude in km from mean motion (revolutions per day) and eccentricity."""
    radians_per_second = mean_motion * 2 * math.pi / 86400
    semi_major_axis = (GM_EARTH / radians_per_second**2) ** (1 / 3)
    return semi_major_axis * (1 - eccentricity) - EARTH_RADIUS, semi_major_axis * (1 + eccentricity) - EARTH_RADIUS


def orbit_class(mean_motion: float, eccentricity: float, inclination: float, perigee: float, apogee: float) -> str:
    """LEO, MEO, GEO or Elliptical by the rule of the module docstring."""
    if 0.9 <= mean_motion <= 1.1 and eccentricity < 0.2 and inclination < 70:
        return "GEO"
    if apogee <= LEO_CEILING:
        return "LEO"
    if perigee >= LEO_CEILING and apogee <= GEO_REGION_FLOOR:
        return "MEO"
    return "Elliptical"


# --- reading -----------------------------------------------------------------------------------------------


def _object(line: int, record: dict[str, str], shown: str) -> tuple[dict | None, dict | None]:
    def reject(column: str, rule: str) -> tuple[None, dict]:
        return None, {"file": shown, "row": line, "column": column, "rule": rule, "value": record.get(column, "")}

    if _FIELD_COUNT in record:
        return None, {
            "file": shown,
            "row": line,
            "column": None,
            "rule": "a line of as many comma-separated fields as the header",
            "value": f"{record[_FIELD_COUNT]} fields",
        }
    norad_text = record.get("NORAD_CAT_ID", "")
    if not norad_text.isdigit() or int(norad_text) < 1:
        return reject("NORAD_CAT_ID", "a NORAD catalogue number: a whole number from 1")
    epoch_text = record.get("EPOCH", "")
    if not _EPOCH.match(epoch_text):
        return reject("EPOCH", "a UTC epoch YYYY-MM-DDTHH:MM:SS[.ffffff]")
    try:
        epoch = dt.datetime.fromisoformat(epoch_text)
    except ValueError:
        return reject("EPOCH", "a UTC epoch YYYY-MM-DDTHH:MM:SS[.ffffff]")
    numbers = {}
    for column in ("MEAN_MOTION", "ECCENTRICITY", "INCLINATION"):
        try:
            numbers[column] = float(record.get(column, ""))
        except ValueError:
            return reject(column, NUMBER_RULE)
        if not math.isfinite(numbers[column]):
            return reject(column, NUMBER_RULE)
    motion, eccentricity, inclination = numbers["MEAN_MOTION"], numbers["ECCENTRICITY"], numbers["INCLINATION"]
    if motion <= 0:
        return reject("MEAN_MOTION", "a mean motion above 0 revolutions a day")
    if not 0 <= eccentricity < 1:
        return reject("ECCENTRICITY", "an eccentricity from 0 to below 1 (a closed orbit)")
    perigee, apogee = altitudes(motion, eccentricity)
    designator = record.get("OBJECT_ID", "").upper()
    flags = None
    if not _COSPAR.match(designator):
        flags = f"OBJECT_ID {record.get('OBJECT_ID', '')!r} is no international designator (YYYY-NNNP)"
    return {
        "row": line,
        "object_name": record.get("OBJECT_NAME", ""),
        "cospar_id": designator if flags is None else None,
        "norad_id": int(norad_text),
        "epoch": epoch,
        "inclination_deg": inclination,
        "perigee_km": round(perigee, 1),
        "apogee_km": round(apogee, 1),
        "orbit_class": orbit_class(motion, eccentricity, inclination, perigee, apogee),
        "row_flags": flags,
    }, None


_SCHEMA = pl.Schema(
    {
        "row": pl.Int64(),
        "object_name": pl.String(),
        "cospar_id": pl.String(),
        "norad_id": pl.Int64(),
        "epoch": pl.Datetime("us"),
        "inclination_deg": pl.Float64(),
        "perigee_km": pl.Float64(),
        "apogee_km": pl.Float64(),
        "orbit_class": pl.String(),
        "row_flags": pl.String(),
    }
)


def read(path: Path, shown: str, names: NationNames) -> ReadResult:
    """Read a CelesTrak GP export (CSV or JSON). `names` is unused: the export names no operator."""
    try:
        text = decode_text(path.read_bytes(), shown).lstrip("\ufeff")
    except OSError as exc:
        raise InputFileError(shown, f"cannot be opened ({exc.strerror})") from None
    kind = _kind(text[:65536])
    if kind == "xml":
        raise InputFileError(
            shown,
            "a CelesTrak GP export in OMM XML, which milspace does not read: download the same query as CSV "
            "(FORMAT=csv) or JSON (FORMAT=json)",
        )
    records = _json_records(text, shown) if kind == "json" else _csv_records(text, shown)
    rows, rejected = [], []
    for line, record in records:
        row, problem = _object(line, record, shown)
        if problem is not None:
            rejected.append(problem)
        elif row is not None:
            rows.append(row)
    frame = pl.DataFrame(rows, schema=_SCHEMA, orient="row") if rows else pl.DataFrame(schema=_SCHEMA)
    if frame.height == 0:
        raise InputFileError(shown, "the export holds no readable element set")
    newest, oldest = frame["epoch"].max(), frame["epoch"].min()
    assert isinstance(newest, dt.datetime) and isinstance(oldest, dt.datetime)
    edition = f"CelesTrak active objects, elements to {newest.date().isoformat()}"
    frame = frame.with_columns(
        pl.lit(SOURCE).alias("source"),
        pl.lit(FORMAT).alias("source_format"),
        pl.lit(edition).alias("edition"),
        pl.lit(newest.date()).alias("edition_date"),
        pl.lit(shown).alias("file"),
        pl.lit("not_stated").alias("operator_kind"),
    )
    present = {k for _, r in records for k in r}
    skipped = tuple(f"column {name!r} not read: {why}" for name, why in NOT_READ.items() if name in present)
    notes = (
        f"Read {kind.upper() if kind else 'CSV'} export: {frame.height:,} element sets, epochs "
        f"{oldest.isoformat()} to {newest.isoformat()}. Perigee and apogee computed from mean motion and eccentricity "
        "(WGS 84 GM and equatorial radius); orbit classes by milspace's stated rule.",
    )
    return ReadResult(
        FORMAT,
        SOURCE,
        edition,
        empty_lines(),
        rejected_rows(rejected),
        notes=notes,
        objects=finalize_objects(frame),
        skipped=skipped,
    )
