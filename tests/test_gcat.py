"""GCAT payload catalogue (pipelines/sources/gcat.py): the real 2025-04-13 edition with its organizations table, and
small synthetic catalogues for the layouts and mistakes the reader handles."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest

from pipelines.errors import InputFileError
from pipelines.intake.inbox import check_file
from pipelines.nations import default_names
from pipelines.sources import gcat
from pipelines.sources.probe import Probe
from pipelines.sources.registry import detect
from tests.conftest import SHARED_DATA, shared_file
from tests.source_helpers import nation_codes

PSATCAT = "space/gcat/psatcat_2025-04-13.tsv"
HEADER = "\t".join(["#JCAT", *gcat.PSATCAT_COLUMNS[1:]])
UPDATED = "# Updated 2025 Apr 13 2239:44"
#: Line 3 of the real file (Sputnik 1), field by field.
SPUTNIK = {
    **dict.fromkeys(gcat.PSATCAT_COLUMNS, "-"),
    "JCAT": "S00002",
    "Piece": "1957 ALP 2",
    "Name": "First Sputnik",
    "LDate": "1957 Oct  4 ",
    "TLast": "1957 Oct 27",
    "TOp": "1957 Oct 27",
    "TDate": "1957 Oct 27",
    "Program": "Sputnik",
    "Class": "C",
    "Category": "TECH",
    "Result": "S",
    "Discipline": "ENV*",
    "UNState": "SU",
    "UNReg": "A/AC.105/INF.002",
    "UNPerigee": "     227",
    "UNApogee": "     947",
    "UNInc": " 65.1 ",
    "DispPeri": "       0",
    "DispApo": "       0",
    "DispInc": "  0.00 ",
    "Comment": "First Earth satellite",
}
ORGS = [
    "\t".join(gcat.ORGS_COLUMNS).replace("Code", "#Code", 1),
    "# Updated 2025 Dec  1 0108:57",
    "SU\tSU\tSU\tCY\tC\t1922 Dec 30\t1991 Dec 26\tSSSR\tSoyuz Sovetskikh Sotsialisticheskikh Respublik\tMoskva\t-\t-\t"
    "0.0\t-\tUSSR\tUnion of Soviet Socialist Republics\t-",
    "US\tUS\tUS\tCY\tC\t1776 Jul  4\t-\tUSA\tUnited States of America\tWashington, DC\t-\t-\t0.0\t-\tUSA\t"
    "United States of America\t-",
    "JSC\tJSC\tUS\tO/LA/PL/S\tC\t1973 Feb 17\t-\tNASA JSC\tNASA Johnson Space Flight Center\tHouston\t-\t-\t0.0\t"
    "-\t-\t-\t-",
]

needs_data = pytest.mark.skipif(not SHARED_DATA.exists(), reason=f"{SHARED_DATA} is absent (present in CI)")


def catalogue(tmp_path: Path, *rows: dict[str, str], orgs: bool = True, name: str = "payloads.tsv") -> Path:
    """A psatcat file of the given rows (each Sputnik's line with some fields changed), with orgs.tsv beside it."""
    lines = [HEADER, UPDATED]
    for row in rows:
        fields = {**SPUTNIK, **row}
        lines.append("\t".join(fields[c] for c in gcat.PSATCAT_COLUMNS))
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if orgs:
        (tmp_path / "organisations.txt").write_text("\n".join(ORGS) + "\n", encoding="utf-8")
    return path


def read(path: Path):
    return gcat.read(path, path.name, default_names())


# --- the real 2025-04-13 edition ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real():
    path = shared_file(PSATCAT)
    return gcat.read(path, PSATCAT, default_names())


def row(result, number: int) -> dict:
    return result.objects.filter(pl.col("row") == number).row(0, named=True)


@needs_data
def test_edition_and_count_of_the_real_catalogue(real):
    assert real.edition == "GCAT payload catalogue, updated 2025-04-13"  # line 2: "# Updated 2025 Apr 13 2239:44"
    assert set(real.objects["edition_date"]) == {dt.date(2025, 4, 13)}
    # awk -F'\t' 'NR>2' psatcat_2025-04-13.tsv | wc -l -> 21860 payload lines, none rejected
    assert real.objects.height == 21_860 and real.rejected.height == 0
    assert real.objects["catalogue_id"].n_unique() == 21_860


@needs_data
def test_sputnik_1_line_3(real):
    sputnik = row(real, 3)
    assert (sputnik["catalogue_id"], sputnik["norad_id"], sputnik["cospar_id"]) == ("S00002", 2, None)
    assert sputnik["row_flags"] == "designation 1957 ALP 2 (pre-1963 form, no YYYY-NNNP)"
    assert sputnik["object_name"] == "First Sputnik"
    assert sputnik["launch_date"] == dt.date(1957, 10, 4)  # LDate "1957 Oct  4 "
    assert sputnik["operations_end_date"] == dt.date(1957, 10, 27)  # TOp "1957 Oct 27"
    assert sputnik["decay_date"] is None  # TDate 1957 Oct 27 is the mission's end; it re-entered in January 1958
    assert (sputnik["operator_country"], sputnik["operator_kind"], sputnik["operator_code"]) == ("SU", "single", "SUN")
    assert (sputnik["users"], sputnik["is_government"], sputnik["is_military"]) == ("C", True, False)
    assert (sputnik["purpose"], sputnik["detailed_purpose"]) == ("TECH", "ENV*")
    # DispEpoch "-": the orbit as registered with the UN (UNPerigee 227, UNApogee 947, UNInc 65.1)
    assert (sputnik["perigee_km"], sputnik["apogee_km"], sputnik["inclination_deg"]) == (227.0, 947.0, 65.1)
    assert (sputnik["un_state"], sputnik["un_registration"]) == ("SU", "A/AC.105/INF.002")


@needs_data
def test_the_iss_zarya_block_has_its_norad_number_and_latest_orbit(real):
    zarya = row(real, 5818)  # S25544 1998-067A Zarya Cargo Block ... DispEpoch 2024 Oct 12, 411 x 423 km, 51.64
    assert (zarya["norad_id"], zarya["cospar_id"], zarya["object_name"]) == (25544, "1998-067A", "Zarya Cargo Block")
    assert (zarya["perigee_km"], zarya["apogee_km"], zarya["inclination_deg"]) == (411.0, 423.0, 51.64)
    assert zarya["operations_end_date"] is None  # TOp "*": still operating
    assert zarya["operator_code"] == "USA"  # UNState US


@needs_data
def test_defense_and_combined_classes(real):
    transit = row(real, 66)  # S00116 [Transit IVA], Class D, Category NAV, TOp 1962 Jul  1
    assert (transit["users"], transit["is_military"], transit["is_commercial"], transit["is_civil"]) == (
        "D",
        True,
        False,
        False,
    )
    assert (transit["purpose"], transit["operations_end_date"]) == ("NAV", dt.date(1962, 7, 1))
    geoeye = row(real, 6772)  # S33331 GeoEye-1, Class BD
    assert (geoeye["is_commercial"], geoeye["is_military"], geoeye["is_government"]) == (True, True, False)
    assert real.objects.filter(pl.col("is_military")).height == 5_277 + 7 + 7  # Class D, CD, BD (awk on column 13)


@needs_data
def test_control_organisations_from_orgs_tsv(real):
    sts40 = row(real, 4851)  # S21399 [STS-40], Control JSC: orgs.tsv JSC, StateCode US
    assert (sts40["operator"], sts40["operator_country"], sts40["operator_code"]) == (
        "NASA Johnson Space Flight Center",
        "US",
        "USA",
    )
    cat = row(real, 2709)  # S11645 CAT C, UNState I-ESA
    assert (cat["operator_country"], cat["operator_code"]) == ("I-ESA", "ESA")


@needs_data
def test_the_files_through_the_intake():
    codes = nation_codes()
    checked = check_file(shared_file(PSATCAT), PSATCAT, default_names(), codes)
    assert (checked.status, checked.source_format, checked.objects.height, checked.rejected.height) == (
        "loaded",
        "gcat_payloads",
        21_860,
        0,
    )
    for name in ("orgs", "sites", "lv"):
        companion = check_file(shared_file(f"space/gcat/{name}.tsv"), f"{name}.tsv", default_names(), codes)
        assert (companion.status, companion.source_format) == ("companion", "gcat_payloads")
    assert "not joined" in companion.notes[0]  # lv.tsv: the catalogue names no launch vehicle


# --- synthetic catalogues -------------------------------------------------------------------------------------


def test_detected_by_content_and_orgs_found_by_content(tmp_path):
    path = catalogue(tmp_path, {}, {"JCAT": "S21399", "Piece": "1991-040A", "Control": "JSC?", "UNState": "[US]"})
    probe = Probe(path, path.name)
    assert detect(probe).FORMAT == "gcat_payloads"
    assert gcat.companion(Probe(tmp_path / "organisations.txt", "organisations.txt")) is not None
    result = read(path)
    shuttle = row(result, 4)
    assert (shuttle["operator"], shuttle["operator_code"], shuttle["un_state"]) == (
        "NASA Johnson Space Flight Center",
        "USA",
        "[US]",
    )
    assert shuttle["cospar_id"] == "1991-040A" and shuttle["row_flags"] == "Control 'JSC?' is marked uncertain"


def test_vague_dates_are_kept_as_their_first_day_with_a_flag(tmp_path):
    path = catalogue(
        tmp_path,
        {"TOp": "1962 Apr?"},
        {"TOp": "2007 Q2"},
        {"TOp": "2010s?"},
        {"TOp": "1960"},
        {"TOp": "*", "LDate": "2021 Feb   9"},
    )
    result = read(path)
    assert result.rejected.height == 0
    ends = result.objects.sort("row")["operations_end_date"].to_list()
    assert ends == [dt.date(1962, 4, 1), dt.date(2007, 4, 1), dt.date(2010, 1, 1), dt.date(1960, 1, 1), None]
    assert "TOp '1962 Apr?' is a vague date (month, uncertain): kept as 1962-04-01" in row(result, 3)["row_flags"]
    assert row(result, 7)["launch_date"] == dt.date(2021, 2, 9)


def test_a_malformed_date_is_rejected_naming_its_column(tmp_path):
    path = catalogue(tmp_path, {}, {"LDate": "1957 Okt  4"}, {"TOp": "1962 Feb 30"})
    result = read(path)
    assert result.objects.height == 1
    assert result.rejected.select("row", "column", "value").rows() == [
        (4, "LDate", "1957 Okt  4"),
        (5, "TOp", "1962 Feb 30"),
    ]


def test_an_unknown_state_code_is_rejected_and_a_missing_state_kept_not_stated(tmp_path):
    path = catalogue(tmp_path, {"UNState": "XX"}, {"UNState": "-"})
    result = read(path)
    assert result.rejected.select("row", "column", "value").rows() == [(3, "UNState", "XX")]
    assert "operator country listed" in result.rejected["rule"][0]
    kept = row(result, 4)
    assert (kept["operator_kind"], kept["operator_code"]) == ("not_stated", None)


def test_other_class_letters_and_bad_numbers(tmp_path):
    path = catalogue(tmp_path, {"Class": "N"}, {"UNPerigee": "2,27"})
    result = read(path)
    assert row(result, 3)["row_flags"].endswith("users name no user class: N")
    assert row(result, 3)["is_military"] is False
    assert result.rejected.select("row", "column", "value").rows() == [(4, "UNPerigee", "2,27")]


def test_without_orgs_the_catalogue_is_read_with_states_unmapped(tmp_path):
    result = read(catalogue(tmp_path, {}, orgs=False))
    sputnik = row(result, 3)
    assert (sputnik["operator_kind"], sputnik["operator_country"], sputnik["operator_code"]) == (
        "not_stated",
        "SU",
        None,
    )
    assert "state code SU not mapped" in sputnik["row_flags"]
    assert any("No GCAT organizations table" in n for n in result.notes)


def test_an_unknown_header_word_is_refused_naming_file_and_column(tmp_path):
    path = catalogue(tmp_path, {})
    path.write_text(path.read_text().replace("\tDispInc\t", "\tDispIncl\t"), encoding="utf-8")
    with pytest.raises(InputFileError) as error:
        read(path)
    assert error.value.column == "DispIncl" and error.value.file == "payloads.tsv"


def test_a_catalogue_without_its_update_line_is_refused(tmp_path):
    path = catalogue(tmp_path, {})
    path.write_text(path.read_text().replace(UPDATED + "\n", ""), encoding="utf-8")
    with pytest.raises(InputFileError, match="Updated"):
        read(path)


@needs_data
def test_the_real_tables_are_companions_not_catalogues(tmp_path):
    for name in ("orgs", "sites", "lv"):
        copy = tmp_path / f"table-{name}.dat"  # named otherwise: recognised by the header
        shutil.copy(SHARED_DATA / "space" / "gcat" / f"{name}.tsv", copy)
        probe = Probe(copy, copy.name)
        assert gcat.companion(probe) and not gcat.sniff(probe)
