"""The UCS Satellite Database (pipelines/sources/ucs.py): the four real editions in ../shared/data/space/ucs, read
through `check_file` so the SpaceObject contract is applied, and synthetic files for the layouts and rules."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pipelines.errors import InputFileError
from pipelines.intake.inbox import check_file
from pipelines.nations import default_names
from pipelines.sources import ucs
from pipelines.sources.probe import Probe
from pipelines.sources.registry import detect, read_file, readers
from tests.conftest import SHARED_DATA, shared_file
from tests.source_helpers import nation_codes

UCS = "space/ucs"
#: File -> (satellites in it: one row each below the header, edition date = its newest Date of Launch).
EDITIONS = {
    "UCS-Satellite-Database-8-1-2020.xls": (2787, dt.date(2020, 7, 30)),
    "UCS-Satellite-Database-9-1-2021.xls": (4550, dt.date(2021, 8, 24)),
    "UCS-Satellite-Database-5-1-2022.xls": (5465, dt.date(2022, 4, 29)),
    "UCS-Satellite-Database-1-1-2023.csv": (6718, dt.date(2022, 12, 28)),
}
#: Satellites whose Users are exactly "Military" (after stripping whitespace), counted in each file by hand.
MILITARY = {
    "UCS-Satellite-Database-8-1-2020.xls": 358,
    "UCS-Satellite-Database-9-1-2021.xls": 402,
    "UCS-Satellite-Database-5-1-2022.xls": 424,
    "UCS-Satellite-Database-1-1-2023.csv": 444,
}


@pytest.fixture(scope="module")
def real():
    """`check_file`'s result for each real edition, by file name."""
    codes = nation_codes()
    return {
        name: check_file(shared_file(f"{UCS}/{name}"), f"{UCS}/{name}", default_names(), codes) for name in EDITIONS
    }


def row(checked, number: int) -> dict:
    return checked.objects.filter(pl.col("row") == number).row(0, named=True)


@pytest.mark.parametrize("name", sorted(EDITIONS))
def test_every_satellite_of_every_edition_is_loaded_or_rejected(real, name):
    checked = real[name]
    satellites, newest = EDITIONS[name]
    assert checked.status == "loaded", checked.error
    assert checked.source_format == "ucs_satellites"
    assert checked.objects.height + checked.rejected["row"].n_unique() == satellites
    assert checked.edition == f"UCS Satellite Database, launches to {newest.isoformat()}"
    assert checked.objects["edition_date"].unique().to_list() == [newest]
    assert checked.objects["row"].min() == 2  # the header is row 1
    assert checked.objects.filter(pl.col("users") == "Military").height == MILITARY[name]
    assert checked.objects.filter(pl.col("is_military")).height > MILITARY[name]  # Military/Commercial ...
    assert checked.lines.height == 0


def test_only_the_january_2023_csv_has_rows_broken_as_published(real):
    for name in ("UCS-Satellite-Database-8-1-2020.xls", "UCS-Satellite-Database-9-1-2021.xls"):
        assert real[name].rejected.height == 0
    assert real["UCS-Satellite-Database-5-1-2022.xls"].rejected.height == 0
    rejected = real["UCS-Satellite-Database-1-1-2023.csv"].rejected
    assert rejected.select("row", "column", "value").rows() == [
        (332, "Date of Launch", "11/29/018"),  # Cicero-8: 2018-11-29 in the 2022 workbook
        (333, "Inclination (degrees)", "1,436"),  # Ciel-2: its period shifted into the inclination column
        (1478, "Inclination (degrees)", "USA"),  # Lemur-2 KarenB
        (1494, "Inclination (degrees)", "USA"),  # Lemur-2 Mimi1307
        (5050, "COSPAR Number", "-=022-049J"),  # Starlink-3856
    ]


@pytest.mark.parametrize("name", sorted(EDITIONS))
def test_1hopsat_td_is_row_2_of_every_edition(real, name):
    # row 2 of each file: 1HOPSAT-TD, USA, Hera Systems, Commercial, 11 Dec 2019 (11-12-2019 in the CSV), PSLV,
    # 2019-089H, 44859 (44859.0 in the workbooks)
    hopsat = row(real[name], 2)
    assert hopsat["object_name"] == "1HOPSAT-TD (1st-generation High Optical Performance Satellite)"
    assert (hopsat["operator_country"], hopsat["operator_kind"], hopsat["operator_code"]) == ("USA", "single", "USA")
    assert (hopsat["operator"], hopsat["users"], hopsat["purpose"]) == (
        "Hera Systems",
        "Commercial",
        "Earth Observation",
    )
    assert (hopsat["is_commercial"], hopsat["is_military"], hopsat["is_civil"]) == (True, False, False)
    assert hopsat["launch_date"] == dt.date(2019, 12, 11)
    assert (hopsat["cospar_id"], hopsat["norad_id"]) == ("2019-089H", 44859)
    assert (hopsat["orbit_class"], hopsat["orbit_type"]) == ("LEO", "Non-Polar Inclined")
    assert (hopsat["perigee_km"], hopsat["apogee_km"], hopsat["inclination_deg"]) == (566.0, 576.0, 36.9)
    assert (hopsat["expected_lifetime_years"], hopsat["launch_site"], hopsat["launch_vehicle"]) == (
        0.5,
        "Satish Dhawan Space Centre",
        "PSLV",
    )
    assert hopsat["sheet"] == (None if name.endswith(".csv") else "Sheet1")


def test_joint_multinational_and_esa_operators_in_the_may_2022_workbook(real):
    checked = real["UCS-Satellite-Database-5-1-2022.xls"]
    # row 1070: Hubble Space Telescope, ESA/USA, "European Space Agency (ESA)/NASA", Government
    hubble = row(checked, 1070)
    assert (hubble["operator_kind"], hubble["operator_code"], hubble["operator_parties"]) == (
        "joint",
        None,
        ["ESA", "USA"],
    )
    assert (hubble["is_government"], hubble["row_flags"]) == (True, None)
    # row 1162: International Space Station, Multinational, NASA/Multinational, launched 1998-11-20, 30 years
    iss = row(checked, 1162)
    assert (iss["object_name"], iss["operator_kind"], iss["operator_code"]) == (
        "International Space Station (ISS [first element Zarya])",
        "multinational",
        None,
    )
    assert iss["row_flags"] == "operator: multinational, parties not named"
    assert (iss["cospar_id"], iss["norad_id"], iss["expected_lifetime_years"]) == ("1998-067A", 25544, 30.0)
    # row 798: Galileo FOC FM1, ESA, European Space Agency (ESA), Commercial, 2014-08-22, 12 years, 40128
    galileo = row(checked, 798)
    assert (galileo["operator_country"], galileo["operator_kind"], galileo["operator_code"]) == ("ESA", "single", "ESA")
    assert (galileo["launch_date"], galileo["norad_id"]) == (dt.date(2014, 8, 22), 40128)
    # row 3616: COSPAR "2021-005", a launch without a piece letter, kept as it is
    assert row(checked, 3616)["cospar_id"] == "2021-005"


def test_what_the_january_2023_csv_writes_its_own_way(real):
    checked = real["UCS-Satellite-Database-1-1-2023.csv"]
    # row 1072: Hubble written "ESA/" (ESA/USA in the earlier editions): ESA and a party not named, never ESA alone
    hubble = row(checked, 1072)
    assert (hubble["operator_kind"], hubble["operator_parties"], hubble["operator_code"]) == ("joint", ["ESA"], None)
    assert hubble["row_flags"] == "operator: country written 'ESA/', a party not named"
    # row 1705: NeR, operator country misspelt "Sinapore"
    assert (row(checked, 1705)["operator_country"], row(checked, 1705)["operator_code"]) == ("Sinapore", "SGP")
    # row 311: Chandra X-Ray Observatory, apogee "1,38,825" (Indian digit grouping; 138825 in the 2022 workbook)
    chandra = row(checked, 311)
    assert (chandra["perigee_km"], chandra["apogee_km"]) == (9999.0, 138825.0)
    assert chandra["launch_date"] == dt.date(1999, 7, 23)  # "23-07-1999": day first
    # row 3: Aalto-1, Finland, Civil, lifetime "2"
    aalto = row(checked, 3)
    assert (aalto["object_name"], aalto["operator_code"], aalto["is_civil"], aalto["expected_lifetime_years"]) == (
        "Aalto-1",  # "Aalto-1 " as published
        "FIN",
        True,
        2.0,
    )


def test_cospar_numbers_are_normalised_and_users_that_name_no_class_flagged(real):
    # row 2200 of the August 2020 workbook: COSPAR "2020--019BK", row 3 (3Cat-1) has no expected lifetime
    august = real["UCS-Satellite-Database-8-1-2020.xls"]
    assert row(august, 2200)["cospar_id"] == "2020-019BK"
    assert row(august, 3)["expected_lifetime_years"] is None
    may = real["UCS-Satellite-Database-5-1-2022.xls"]
    communications = may.objects.filter(pl.col("users") == "Communications")
    assert communications.height == 8
    assert communications["row_flags"].unique().to_list() == ["users name no user class: Communications"]
    assert communications["is_military"].null_count() == 8  # the catalogue does not classify these rows
    # no two rows of an edition give one satellite two spellings of its COSPAR number
    cospar = pl.concat([checked.objects.select("cospar_id") for checked in real.values()])["cospar_id"]
    assert cospar.drop_nulls().str.contains(r"^\d{4}-\d{3}[A-Z]{0,3}$").all()


def test_the_same_satellite_is_named_alike_in_every_edition(real):
    first = real["UCS-Satellite-Database-8-1-2020.xls"].objects.filter(pl.col("object_name").str.starts_with("Aalto"))
    last = real["UCS-Satellite-Database-1-1-2023.csv"].objects.filter(pl.col("object_name").str.starts_with("Aalto"))
    assert first.select("cospar_id", "norad_id").rows() == last.select("cospar_id", "norad_id").rows()
    assert first["norad_id"].to_list() == [42775]


def test_what_the_reader_does_not_read_is_announced(real):
    skipped = real["UCS-Satellite-Database-8-1-2020.xls"].skipped
    assert "sheet 'Sheet2' skipped: it is empty" in skipped
    assert "column 'Launch Mass (kg.)' skipped: not in the space-object shape" in skipped
    assert any(s.startswith("6 column(s) headed 'Source' skipped") for s in skipped)
    # rows 2789-2791 hold a lone source link under the table
    assert any(s.startswith("rows 2789, 2790, 2791 skipped: they name no satellite") for s in skipped)


# --- detection ----------------------------------------------------------------------------------------------------


def test_the_ucs_files_are_detected_as_ucs_only():
    for name in EDITIONS:
        probe = Probe(shared_file(f"{UCS}/{name}"), name)
        assert [r.FORMAT for r in readers() if r.sniff(probe)] == ["ucs_satellites"]


@pytest.mark.skipif(not SHARED_DATA.exists(), reason=f"{SHARED_DATA} is absent (present in CI)")
def test_no_other_published_file_is_taken_for_ucs():
    for path in sorted(SHARED_DATA.rglob("*")):
        if path.is_file() and path.suffix not in (".md", ".pdf") and UCS not in str(path):
            probe = Probe(path, path.name)
            try:
                assert not ucs.sniff(probe), path
            finally:
                probe.close()


# --- synthetic files ----------------------------------------------------------------------------------------------

HEADER = [
    "Name of Satellite, Alternate Names",
    "Current Official Name of Satellite",
    "Country/Org of UN Registry",
    "Country of Operator/Owner",
    "Operator/Owner",
    "Users",
    "Purpose",
    "Class of Orbit",
    "Perigee (km)",
    "Apogee (km)",
    "Inclination (degrees)",
    "Date of Launch",
    "Expected Lifetime (yrs.)",
    "COSPAR Number",
    "NORAD Number",
    "Source",
    "",
    "Source",
]


def sat(name="Sat-1", country="USA", users="Military", launch="11-12-2019", life="15", cospar="2019-089H"):
    return [name, name, "NR", country, "Space Force", users, "Communications", "GEO", "35,778", "35,795", "0.1"] + [
        launch,
        life,
        cospar,
        "44859",
        "https://example.org",
        "",
        "",
    ]


def write_csv(path: Path, rows: list[list], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def read(path: Path):
    return read_file(path, path.name, default_names())


def test_an_xlsx_edition_reads_dates_as_date_cells_and_as_excel_serial_numbers(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Database"
    sheet.append(HEADER)
    sheet.append(
        ["A-1", "A", "NR", "Canada", "Telesat", "Commercial", "Communications", "GEO", 35778, 35795, 0.1]
        + [
            dt.datetime(2021, 3, 4),
            "15 yrs",
            "2021-017a ",
            50001.0,
        ]
    )
    sheet.append(
        ["B-2", "B", "NR", "USA/Canada", "NASA", "Government/Civil", "Science", "LEO", 500, 510, 97.5]
        + [
            44859.0,  # a launch date stored as its Excel serial number: 2022-10-25
            7,
            "2022-1A",
            "",
        ]
    )
    book.create_sheet("Notes").append(["Compiled by UCS"])
    path = tmp_path / "UCS-Satellite-Database.download"  # a name that says nothing: detection is by content
    book.save(path)
    assert detect(Probe(path, path.name)).FORMAT == "ucs_satellites"
    result = read(path)
    assert result.edition == "UCS Satellite Database, launches to 2022-10-25"
    a, b = result.objects.sort("row").iter_rows(named=True)
    assert (a["sheet"], a["row"], a["launch_date"], a["expected_lifetime_years"]) == (
        "Database",
        2,
        dt.date(2021, 3, 4),
        15.0,
    )
    assert (a["cospar_id"], a["norad_id"], a["operator_code"]) == ("2021-017A", 50001, "CAN")
    assert (b["launch_date"], b["cospar_id"], b["norad_id"], b["missing_catalogue_number"]) == (
        dt.date(2022, 10, 25),
        "2022-001A",
        None,
        False,
    )
    assert (b["operator_kind"], b["operator_parties"], b["is_government"], b["is_civil"]) == (
        "joint",
        ["USA", "CAN"],
        True,
        True,
    )
    assert "sheet 'Notes' skipped: its first row is not the UCS Satellite Database header" in result.skipped


def test_an_unknown_operator_country_is_rejected_with_its_column_and_value(tmp_path):
    path = write_csv(tmp_path / "ucs.csv", [sat(), sat("Sat-2", country="USA/Narnia"), sat("Sat-3", country="Narnia")])
    result = read(path)
    assert result.objects["object_name"].to_list() == ["Sat-1"]
    assert result.rejected.select("row", "column", "value").rows() == [
        (3, "Country of Operator/Owner", "USA/Narnia"),
        (4, "Country of Operator/Owner", "Narnia"),
    ]
    assert result.rejected["rule"].unique().to_list() == [ucs.OPERATOR_RULE]


def test_a_malformed_date_is_rejected_and_an_empty_one_kept_flagged(tmp_path):
    path = write_csv(
        tmp_path / "ucs.csv",
        [sat(), sat("Sat-2", launch="2019-13-45"), sat("Sat-3", launch=""), sat("Sat-4", launch="04-10-1907")],
    )
    result = read(path)
    assert result.rejected.select("row", "column", "value").rows() == [
        (3, "Date of Launch", "2019-13-45"),
        (5, "Date of Launch", "1907-10-04"),  # before Sputnik 1
    ]
    kept = result.objects.filter(pl.col("object_name") == "Sat-3").row(0, named=True)
    assert (kept["launch_date"], kept["missing_launch_date"], kept["row"]) == (None, True, 4)
    assert result.objects.filter(pl.col("object_name") == "Sat-1")["missing_launch_date"].to_list() == [False]
    assert result.objects["edition_date"].unique().to_list() == [dt.date(2019, 12, 11)]


def test_numbers_lifetimes_and_catalogue_numbers_that_do_not_parse_are_rejected(tmp_path):
    german = sat("Sat-2")
    german[9] = "35.795,5"  # apogee written the German way: no number this reader guesses
    path = write_csv(
        tmp_path / "ucs.csv",
        [sat(), german, sat("Sat-3", life="10-15"), sat("Sat-4", cospar="19-89H"), sat("Sat-5", life="7.5 years")],
    )
    result = read(path)
    assert result.rejected.select("row", "column", "value").rows() == [
        (3, "Apogee (km)", "35.795,5"),
        (4, "Expected Lifetime (yrs.)", "10-15"),
        (5, "COSPAR Number", "19-89H"),
    ]
    kept = result.objects.sort("row")
    assert kept["object_name"].to_list() == ["Sat-1", "Sat-5"]
    assert kept["expected_lifetime_years"].to_list() == [15.0, 7.5]
    assert kept["perigee_km"].to_list() == [35778.0, 35778.0]  # "35,778": thousands


def test_users_words_that_are_no_user_class_set_no_flag(tmp_path):
    path = write_csv(
        tmp_path / "ucs.csv", [sat(users="Military /Communications"), sat("Sat-2", country="Multinational")]
    )
    first, second = read(path).objects.sort("row").iter_rows(named=True)
    assert (first["users"], first["is_military"], first["is_commercial"]) == ("Military /Communications", True, False)
    assert first["row_flags"] == "users name no user class: Communications"
    assert (second["operator_kind"], second["operator_code"], second["is_military"]) == ("multinational", None, True)


def test_an_unknown_header_word_is_refused_naming_file_and_column(tmp_path):
    path = write_csv(tmp_path / "ucs.csv", [sat() + ["x"]], header=[*HEADER, "Orbital Slot Owner"])
    with pytest.raises(InputFileError) as raised:
        ucs.read(path, "data_raw/inbox/ucs.csv", default_names())
    assert raised.value.file == "data_raw/inbox/ucs.csv"
    assert raised.value.column == "Orbital Slot Owner"
    assert "not a UCS Satellite Database column" in str(raised.value)


def test_synonyms_of_other_editions_and_header_spelling_are_known(tmp_path):
    header = [
        word.replace("Country of Operator/Owner", "Country of Owner").replace("Date of Launch", "LAUNCH  DATE")
        for word in HEADER
    ]
    header[12] = "expected lifetime (yrs)"
    path = write_csv(tmp_path / "ucs.csv", [sat()], header=header)
    obj = read(path).objects.row(0, named=True)
    assert (obj["operator_code"], obj["launch_date"], obj["expected_lifetime_years"]) == (
        "USA",
        dt.date(2019, 12, 11),
        15.0,
    )


def test_a_tab_delimited_download_reads_like_the_csv(tmp_path):
    path = tmp_path / "ucs.txt"
    path.write_text("\n".join("\t".join(cells) for cells in [HEADER, sat(), sat("Sat-2", users="Civil")]) + "\n")
    result = read(path)
    assert result.objects.select("row", "object_name", "is_civil", "perigee_km").rows() == [
        (2, "Sat-1", False, 35778.0),
        (3, "Sat-2", True, 35778.0),
    ]
