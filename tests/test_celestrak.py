"""CelesTrak GP (OMM) exports (pipelines/sources/celestrak.py): the real July 2026 active-objects CSV, and small
synthetic exports (CSV, JSON, XML) for the layouts and mistakes the reader handles."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from pipelines.errors import InputFileError
from pipelines.intake.inbox import check_file
from pipelines.nations import default_names
from pipelines.sources import celestrak
from pipelines.sources.probe import Probe
from pipelines.sources.registry import detect
from tests.conftest import SHARED_DATA, shared_file
from tests.source_helpers import nation_codes

GP = "space/celestrak/gp_active_2026-07.csv"
HEADER = ",".join(celestrak.OMM_COLUMNS)
#: Line 57 of the real file.
ISS = (
    "ISS (ZARYA),1998-067A,2026-07-10T03:41:07.908864,15.48965714,.00066838,51.6302,186.4276,277.8890,82.1339,0,U,"
    "25544,999,57531,.11035045E-3,.5628E-4,0"
)
#: Line 21 of the real file.
FLTSATCOM = (
    "FLTSATCOM 8 (USA 46),1989-077A,2026-07-10T07:21:35.855136,1.00265532,.00035561,12.4149,351.0228,68.1106,"
    "105.1034,0,U,20253,999,26079,0,-.364E-5,0"
)

needs_data = pytest.mark.skipif(not SHARED_DATA.exists(), reason=f"{SHARED_DATA} is absent (present in CI)")


def export(tmp_path: Path, *lines: str, header: str = HEADER, name: str = "gp.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def read(path: Path):
    return celestrak.read(path, path.name, default_names())


def row(result, number: int) -> dict:
    return result.objects.filter(pl.col("row") == number).row(0, named=True)


@pytest.fixture(scope="module")
def real():
    return celestrak.read(shared_file(GP), GP, default_names())


@needs_data
def test_edition_and_count(real):
    # the newest EPOCH in the file is 2026-07-12T06:46:16.393152; 15,986 lines = header + 15,985 objects
    assert real.edition == "CelesTrak active objects, elements to 2026-07-12"
    assert set(real.objects["edition_date"]) == {dt.date(2026, 7, 12)}
    assert real.objects.height == 15_985 and real.rejected.height == 0
    assert set(real.objects["operator_kind"]) == {"not_stated"} and real.objects["is_military"].null_count() == 15_985


@needs_data
def test_the_iss_line_57(real):
    iss = row(real, 57)
    assert (iss["object_name"], iss["cospar_id"], iss["norad_id"]) == ("ISS (ZARYA)", "1998-067A", 25544)
    assert iss["epoch"] == dt.datetime(2026, 7, 10, 3, 41, 7, 908864)
    assert iss["inclination_deg"] == 51.6302
    # 15.48965714 rev/day, e = 0.00066838: a = 6798.0 km, so 415-424 km above the equatorial radius
    assert 400 < iss["perigee_km"] < iss["apogee_km"] < 430
    assert (iss["perigee_km"], iss["apogee_km"]) == (415.2, 424.3)
    assert iss["orbit_class"] == "LEO"


@needs_data
def test_a_geostationary_satellite_is_geo(real):
    fltsatcom = row(real, 21)  # FLTSATCOM 8 (USA 46): 1.00265532 rev/day, e 0.00036, i 12.4
    assert fltsatcom["orbit_class"] == "GEO" and 35_700 < fltsatcom["perigee_km"] < 35_800
    assert real.objects["orbit_class"].value_counts().sort("orbit_class").rows() == [
        ("Elliptical", 41),
        ("GEO", 588),
        ("LEO", 15_176),
        ("MEO", 180),
    ]


@needs_data
def test_through_the_intake():
    checked = check_file(shared_file(GP), GP, default_names(), nation_codes())
    assert (checked.status, checked.source_format, checked.objects.height, checked.rejected.height) == (
        "loaded",
        "celestrak_gp",
        15_985,
        0,
    )


def test_altitudes_of_a_geostationary_orbit():
    # one sidereal day (1.00273791 rev/day), circular: 35,786 km above the equator
    perigee, apogee = celestrak.altitudes(1.00273791, 0.0)
    assert perigee == pytest.approx(35_786, abs=1) and apogee == perigee


def test_orbit_classes_by_the_stated_rule():
    assert celestrak.orbit_class(2.0, 0.0, 55.0, 20_180, 20_180) == "MEO"  # GPS
    assert celestrak.orbit_class(2.0, 0.74, 63.4, 500, 39_800) == "Elliptical"  # Molniya
    assert celestrak.orbit_class(1.0, 0.0, 80.0, 35_786, 35_786) == "Elliptical"  # geosynchronous but polar
    assert celestrak.orbit_class(14.0, 0.1, 98.0, 300, 2_100) == "Elliptical"  # crosses the LEO ceiling


def test_synthetic_csv_is_detected_and_read(tmp_path):
    path = export(tmp_path, ISS, FLTSATCOM)
    assert detect(Probe(path, path.name)).FORMAT == "celestrak_gp"
    result = read(path)
    assert result.edition == "CelesTrak active objects, elements to 2026-07-10"
    assert result.objects.sort("row")["orbit_class"].to_list() == ["LEO", "GEO"]


def test_a_non_numeric_norad_number_is_rejected_with_its_column(tmp_path):
    result = read(export(tmp_path, ISS.replace(",25544,", ",2554A,"), FLTSATCOM))
    assert result.rejected.select("row", "column", "value").rows() == [(2, "NORAD_CAT_ID", "2554A")]
    assert result.objects["norad_id"].to_list() == [20253]


def test_bad_numbers_and_epochs_are_rejected_with_their_columns(tmp_path):
    result = read(
        export(
            tmp_path,
            ISS.replace("15.48965714", "15.4896x714"),
            ISS.replace("15.48965714", "15,48965714"),
            ISS.replace("2026-07-10T03:41:07.908864", "10/07/2026 03:41"),
            FLTSATCOM,
        )
    )
    assert result.rejected.select("row", "column", "value").rows() == [
        (2, "MEAN_MOTION", "15.4896x714"),
        (3, None, "18 fields"),  # the decimal comma splits the figure in two
        (4, "EPOCH", "10/07/2026 03:41"),
    ]


def test_an_unknown_header_word_is_refused_naming_file_and_column(tmp_path):
    path = export(tmp_path, ISS, header=HEADER.replace("BSTAR", "B_STAR"))
    with pytest.raises(InputFileError) as error:
        read(path)
    assert (error.value.file, error.value.column) == ("gp.csv", "B_STAR")


def test_the_json_export_is_read_and_the_xml_refused(tmp_path):
    record = dict(zip(celestrak.OMM_COLUMNS, ISS.split(","), strict=True))
    record = {k: (float(v) if k in ("MEAN_MOTION", "ECCENTRICITY", "INCLINATION") else v) for k, v in record.items()}
    record["NORAD_CAT_ID"] = 25544
    path = tmp_path / "gp.json"
    path.write_text(json.dumps([record], indent=2), encoding="utf-8")
    assert celestrak.sniff(Probe(path, path.name))
    iss = read(path).objects.row(0, named=True)
    assert (iss["row"], iss["norad_id"], iss["cospar_id"], iss["apogee_km"]) == (1, 25544, "1998-067A", 424.3)

    xml = tmp_path / "gp.xml"
    xml.write_text(
        '<?xml version="1.0"?>\n<ndm><omm><body><segment><data><meanElements>'
        "<NORAD_CAT_ID>25544</NORAD_CAT_ID></meanElements></data></segment></body></omm></ndm>\n"
    )
    assert celestrak.sniff(Probe(xml, xml.name))
    with pytest.raises(InputFileError, match="OMM XML"):
        read(xml)


def test_a_gcat_or_other_csv_is_not_taken_for_an_export(tmp_path):
    other = export(tmp_path, "1,2,3", header="OBJECT_NAME,Country,Year", name="other.csv")
    assert not celestrak.sniff(Probe(other, other.name))
