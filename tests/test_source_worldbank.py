"""World Bank WDI bulk downloads (MS.MIL.* indicators), on the real files in ../shared/data and synthetic ones."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import polars as pl
import pytest

from pipelines.errors import InputFileError
from pipelines.nations import default_names
from pipelines.sources import registry, worldbank
from pipelines.sources.probe import Probe
from tests.conftest import shared_file
from tests.source_helpers import contract_rejections

STEM = "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211"
ZIP = f"worldbank/{STEM}.zip"
DATA = f"worldbank/{STEM}.csv"
COUNTRY_META = f"worldbank/Metadata_Country_{STEM}.csv"
INDICATOR_META = f"worldbank/Metadata_Indicator_{STEM}.csv"
#: The other formats' real files: none of them is a World Bank download.
OTHER_FORMATS = [
    "sipri/SIPRI-Milex-data-1949-2024_2.xlsx",
    "sipri/SIPRI-Milex-data-2017-2025.xlsx",
    "owid/military-spending-as-a-share-of-gdp-sipri.csv",
    "nato/240617-def-exp-2024-TABLES-en.xlsx",
    "dod/fy2019_exhibits/P-1.xlsx",
    "dod/fy2019_exhibits/R-1.xlsx",
    "dod/greenbook_fy2022/FY22 PB Green Book Chap 6/FY22 PB Green Book Table 6-8.xlsx",
    "strategy/2018-01-19-national-defense-strategy-2018-summary.md",
    COUNTRY_META,
    INDICATOR_META,
]


def read(path: Path, shown: str | None = None):
    return worldbank.read(path, shown or path.name, default_names())


@pytest.fixture(scope="module")
def from_zip():
    return read(shared_file(ZIP), "wdi.zip")


@pytest.fixture(scope="module")
def from_csv():
    return read(shared_file(DATA), "wdi.csv")


def line(result, code: str, year: int) -> dict:
    found = result.lines.filter((pl.col("entity_code") == code) & (pl.col("period") == year))
    assert found.height == 1, (code, year, found)
    return found.row(0, named=True)


# --- the real download -------------------------------------------------------------------------------------


@pytest.mark.parametrize("relative", [ZIP, DATA])
def test_detects_the_zip_and_the_data_csv(relative):
    assert worldbank.sniff(Probe(shared_file(relative), relative))


@pytest.mark.parametrize("relative", OTHER_FORMATS)
def test_does_not_detect_other_formats(relative):
    assert not worldbank.sniff(Probe(shared_file(relative), relative))


def test_does_not_detect_a_binary_or_an_empty_file(tmp_path):
    binary, empty = tmp_path / "random.bin", tmp_path / "empty.csv"
    binary.write_bytes(os.urandom(4096))
    empty.write_bytes(b"")
    assert not worldbank.sniff(Probe(binary, "random.bin"))
    assert not worldbank.sniff(Probe(empty, "empty.csv"))


def test_every_published_figure_is_one_line(from_zip):
    # 266 economies x 66 year columns (1960-2025) = 17,556 cells: 10,587 hold a figure, 6,969 are empty
    # (counted with the csv module over the data CSV's lines 6-271).
    assert from_zip.lines.height == 10_587
    assert from_zip.lines["value"].null_count() == 0
    assert from_zip.rejected.height == 0
    assert contract_rejections(from_zip, measures=worldbank.MEASURES).height == 0
    assert any("6,969 empty year cells" in note for note in from_zip.notes)


def test_usa_2024_share_of_gdp(from_zip):
    # data CSV line 257: "United States","USA",...,column "2024" = "3.41921653228044" (the 3.42)
    usa = line(from_zip, "USA", 2024)
    assert usa["value"] == pytest.approx(3.41921653228044)
    assert round(usa["value"], 2) == 3.42
    assert (usa["row"], usa["source_column"], usa["entity_name"], usa["entity_kind"]) == (
        257,
        "2024",
        "United States",
        "country",
    )
    assert (usa["measure"], usa["unit"], usa["currency"], usa["price_basis"], usa["unit_factor"]) == (
        "milex_share_of_gdp",
        "percent of GDP",
        None,
        None,
        1.0,
    )
    assert (usa["phase"], usa["period_type"], usa["sheet"], usa["file"]) == ("actual", "calendar_year", None, "wdi.zip")


def test_2025_column_is_present_but_empty(from_zip):
    # the header (line 5) ends "2023","2024","2025","": no economy has a 2025 figure yet
    assert from_zip.lines.filter(pl.col("period") == 2025).height == 0
    assert from_zip.lines["period"].max() == 2024


def test_first_year_values(from_zip):
    # line 8: Afghanistan's first figure is in column "1970" (1960-1969 empty) = 1.62960609911055
    afghanistan = from_zip.lines.filter(pl.col("entity_code") == "AFG").sort("period").row(0, named=True)
    assert (afghanistan["period"], afghanistan["row"], afghanistan["value"]) == (
        1970,
        8,
        pytest.approx(1.62960609911055),
    )
    # line 83: France, column "1960" = 5.42848588493053
    assert line(from_zip, "FRA", 1960)["value"] == pytest.approx(5.42848588493053)
    # line 267: Kosovo (XKX) starts in 2008 with 0.0163027941392356
    kosovo = from_zip.lines.filter(pl.col("entity_code") == "XKX").sort("period").row(0, named=True)
    assert (kosovo["period"], kosovo["value"], kosovo["entity_kind"]) == (
        2008,
        pytest.approx(0.0163027941392356),
        "country",
    )


def test_empty_cells_make_no_line(from_zip):
    # line 6: Aruba (ABW) has no figure at all; line 8: Afghanistan's "1971" cell is empty
    assert from_zip.lines.filter(pl.col("entity_code") == "ABW").height == 0
    assert from_zip.lines.filter((pl.col("entity_code") == "AFG") & (pl.col("period") == 1971)).height == 0
    # Afghanistan has 24 figures on its line
    assert from_zip.lines.filter(pl.col("entity_code") == "AFG").height == 24


@pytest.mark.parametrize(
    ("code", "row", "name", "value_2024"),
    [
        ("WLD", 265, "World", 2.46923121177986),  # line 265, column "2024"
        ("HIC", 101, "High income", 2.8303051448233),  # line 101, column "2024"
        ("EUU", 79, "European Union", 1.90094888106335),  # line 79, column "2024"
        ("EMU", 74, "Euro area", 1.74397480767038),  # line 74, column "2024"
    ],
)
def test_aggregates_keep_their_world_bank_code(from_zip, code, row, name, value_2024):
    found = line(from_zip, code, 2024)
    assert (found["entity_kind"], found["entity_name"], found["row"]) == ("aggregate", name, row)
    assert found["value"] == pytest.approx(value_2024)


def test_aggregates_come_from_the_metadata_file(from_zip):
    # Metadata_Country: 48 codes have an empty Region; INX ("Not classified", line 116 of the data CSV) is not
    # listed there at all; CHI (Channel Islands, line 44) has a Region but is not a milspace nation. Neither has
    # a figure, so nothing is lost or rejected, but the notes say so.
    # Counted with the csv module: 47 of the 48 have figures (CSS, Caribbean small states, has none), 2,678 in all.
    aggregate_lines = from_zip.lines.filter(pl.col("entity_kind") == "aggregate")
    aggregates = set(aggregate_lines["entity_code"])
    assert {"WLD", "HIC", "LIC", "EUU", "EMU", "ARB", "OED"} <= aggregates
    assert (len(aggregates), aggregate_lines.height) == (47, 2_678)
    assert any("Aggregates told apart by the Metadata_Country file" in note for note in from_zip.notes)
    assert any("INX (aggregate)" in note for note in from_zip.notes)
    assert any("no figure" in note and "CHI" in note for note in from_zip.notes)


def test_edition_and_source_organization(from_zip):
    # preamble line 3: "Last Updated Date","2026-02-24"; Metadata_Indicator: SOURCE_ORGANIZATION names SIPRI
    assert from_zip.edition == "last updated 2026-02-24, indicator MS.MIL.XPND.GD.ZS"
    assert from_zip.source == "World Bank, World Development Indicators"
    assert any("compiled by: SIPRI Military Expenditure Database" in note for note in from_zip.notes)


def test_the_zip_and_its_csv_give_the_same_lines(from_zip, from_csv):
    assert from_csv.rejected.height == 0
    assert from_zip.lines.drop("file").equals(from_csv.lines.drop("file"))
    assert set(from_csv.lines["file"]) == {"wdi.csv"}
    # the CSV alone found its Metadata_Country and Metadata_Indicator files beside it
    assert any("Aggregates told apart by the Metadata_Country file" in note for note in from_csv.notes)
    assert any("compiled by: SIPRI" in note for note in from_csv.notes)


def test_read_through_the_registry_beside_owid(monkeypatch):
    monkeypatch.setattr(registry, "READER_MODULES", ("owid", "worldbank"))
    assert registry.read_file(shared_file(ZIP), "wdi.zip").source_format == worldbank.FORMAT
    assert registry.read_file(shared_file(DATA), "wdi.csv").source_format == worldbank.FORMAT
    owid_file = shared_file("owid/military-spending-as-a-share-of-gdp-sipri.csv")
    assert registry.read_file(owid_file, "owid.csv").source_format == "owid_grapher"


def test_without_the_metadata_file_nations_csv_decides(tmp_path):
    data = tmp_path / f"{STEM}.csv"
    shutil.copyfile(shared_file(DATA), data)
    result = read(data)
    assert line(result, "WLD", 2024)["entity_kind"] == "aggregate"  # listed in nations.csv as an aggregate
    assert line(result, "HIC", 2024)["entity_kind"] == "aggregate"  # not a nation
    assert line(result, "USA", 2024)["entity_kind"] == "country"
    assert result.lines.height == 10_587 and result.rejected.height == 0
    assert any("No Metadata_Country file" in note for note in result.notes)
    assert not any("compiled by" in note for note in result.notes)  # no Metadata_Indicator either


def test_a_zip_with_a_readme_member_reads_the_same(tmp_path, from_zip):
    path = tmp_path / "download.zip"
    with zipfile.ZipFile(shared_file(ZIP)) as real, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as copy:
        copy.writestr("README.txt", "Downloaded from data.worldbank.org\n")
        for name in real.namelist():
            copy.writestr(name, real.read(name))
    result = read(path, "wdi.zip")
    assert result.lines.equals(from_zip.lines)
    assert any("README.txt" in note for note in result.notes)


def test_skipped_names_zip_members_and_columns_not_read(tmp_path, from_zip, from_csv):
    assert from_zip.skipped == from_csv.skipped == ()  # the trailing unnamed column holds nothing
    path = tmp_path / "download.zip"
    with zipfile.ZipFile(shared_file(ZIP)) as real, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as copy:
        copy.writestr("README.txt", "Downloaded from data.worldbank.org\n")
        for name in real.namelist():
            copy.writestr(name, real.read(name))
    assert read(path, "wdi.zip").skipped == (
        "zip member 'README.txt' skipped: not a file of a WDI download (data or metadata CSV)",
    )
    lines = shared_file(DATA).read_text(encoding="utf-8-sig").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith('"Country Name"'))
    lines[header] += '"Remarks"'  # the header's trailing empty field gets a name
    lines[header + 1] += '"checked"'
    data = tmp_path / "wdi.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert read(data).skipped == (
        f"column 'Remarks' skipped: its header is not a year nor an id column (1 filled cells, e.g. line "
        f"{header + 2}: 'checked')",
    )


@pytest.mark.parametrize("relative", [ZIP, DATA])
def test_a_truncated_copy_is_a_clear_error(tmp_path, relative):
    raw = shared_file(relative).read_bytes()
    path = tmp_path / Path(relative).name
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(InputFileError, match="half-copy"):
        read(path, "half-copy")


# --- synthetic downloads -----------------------------------------------------------------------------------

HEADER_IDS = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]


def wdi_csv(
    rows: list[list[str]],
    years: list[str],
    indicator: str = "MS.MIL.XPND.CD",
    *,
    bom: bool = True,
    newline: str = "\r\n",
    preamble: bool = True,
    ids: list[str] = HEADER_IDS,
) -> bytes:
    """A data CSV as the World Bank writes it: rows are [name, code, *cells]."""

    def quoted(fields):
        return ",".join(f'"{f}"' for f in fields) + ","

    lines = []
    if preamble:
        lines += ['"Data Source","World Development Indicators",', "", '"Last Updated Date","2027-01-15",', ""]
    lines.append(quoted([*ids, *years]))
    lines += [quoted([name, code, f"name of {indicator}", indicator, *cells]) for name, code, *cells in rows]
    text = newline.join(lines) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def write(tmp_path: Path, content: bytes, name: str = "API_X.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_current_usd_with_a_year_column_added(tmp_path):
    # next edition: a "2026" column after 2025, year headers written as float text in one place
    content = wdi_csv(
        [["United States", "USA", "916014000000", "", "997309000000"], ["World", "WLD", "", "2.5e12", "2.7E+12"]],
        ["2024", "2025.0", "2026"],
    )
    result = read(write(tmp_path, content))
    assert result.rejected.height == 0
    assert result.lines.select("entity_code", "period", "value", "source_column", "row").rows() == [
        ("USA", 2024, 916014000000.0, "2024", 6),
        ("USA", 2026, 997309000000.0, "2026", 6),
        ("WLD", 2025, 2.5e12, "2025.0", 7),
        ("WLD", 2026, 2.7e12, "2026", 7),
    ]
    usa = line(result, "USA", 2026)
    assert (usa["measure"], usa["currency"], usa["unit_factor"], usa["price_basis"], usa["unit"]) == (
        "milex_current_usd",
        "USD",
        1.0,
        "current",
        "US$, current prices",
    )
    assert line(result, "WLD", 2026)["entity_kind"] == "aggregate"  # no metadata file: nations.csv decides
    assert result.edition == "last updated 2027-01-15, indicator MS.MIL.XPND.CD"
    assert contract_rejections(result, measures=worldbank.MEASURES).height == 0


def test_without_bom_and_with_lf_line_ends_the_lines_are_the_same(tmp_path):
    rows = [["France", "FRA", "2.05", ""], ["Germany", "DEU", "", "2.1"]]
    with_bom = read(write(tmp_path, wdi_csv(rows, ["2024", "2025"]), "a.csv"), "same.csv")
    without = read(write(tmp_path, wdi_csv(rows, ["2024", "2025"], bom=False, newline="\n"), "b.csv"), "same.csv")
    assert without.lines.height == 2
    assert without.lines.equals(with_bom.lines)
    assert worldbank.sniff(Probe(tmp_path / "b.csv", "b.csv"))


def test_a_csv_without_preamble_reads(tmp_path):
    result = read(write(tmp_path, wdi_csv([["France", "FRA", "2.05"]], ["2024"], preamble=False)))
    assert line(result, "FRA", 2024)["row"] == 2
    assert result.edition == "last update date not stated, indicator MS.MIL.XPND.CD"


def test_id_columns_found_by_text_when_moved(tmp_path):
    content = "\r\n".join(
        [
            '"Country Code","Country Name","Indicator Code","Indicator Name","Unit","2023",',
            '"FRA","France","MS.MIL.TOTL.P1","Armed forces personnel, total","persons","203000",',
        ]
    ).encode()
    result = read(write(tmp_path, content))
    found = line(result, "FRA", 2023)
    assert (found["value"], found["entity_name"], found["measure"], found["unit"]) == (
        203000.0,
        "France",
        "armed_forces_personnel",
        "persons",
    )
    assert any("Unit" in note and "not a year" in note for note in result.notes)


@pytest.mark.parametrize(
    ("code", "measure", "unit", "currency", "price_basis"),
    [
        ("MS.MIL.XPND.GD.ZS", "milex_share_of_gdp", "percent of GDP", None, None),
        ("MS.MIL.XPND.CD", "milex_current_usd", "US$, current prices", "USD", "current"),
        ("MS.MIL.XPND.CN", "milex_current_lcu", "local currency units, current prices", None, "current"),
        (
            "MS.MIL.XPND.ZS",
            "milex_share_of_government_spending",
            "percent of general government expenditure",
            None,
            None,
        ),
        ("MS.MIL.TOTL.P1", "armed_forces_personnel", "persons", None, None),
        ("MS.MIL.TOTL.TF.ZS", "armed_forces_share_of_labor_force", "percent of total labor force", None, None),
        ("MS.MIL.MPRT.KD", "arms_imports_tiv", "SIPRI trend-indicator values (TIV)", None, None),
        ("MS.MIL.XPRT.KD", "arms_exports_tiv", "SIPRI trend-indicator values (TIV)", None, None),
    ],
)
def test_every_military_indicator_maps_to_a_measure(tmp_path, code, measure, unit, currency, price_basis):
    path = write(tmp_path, wdi_csv([["India", "IND", "12.5"]], ["2020"], code))
    assert worldbank.sniff(Probe(path, "x.csv"))
    result = read(path)
    found = line(result, "IND", 2020)
    assert (found["measure"], found["unit"], found["currency"], found["price_basis"], found["value"]) == (
        measure,
        unit,
        currency,
        price_basis,
        12.5,
    )
    assert measure in worldbank.MEASURES
    assert contract_rejections(result, measures=worldbank.MEASURES).height == 0


def test_the_indicator_comes_from_the_rows_not_the_file_name(tmp_path):
    path = write(tmp_path, wdi_csv([["India", "IND", "1.5"]], ["2020"], "MS.MIL.TOTL.TF.ZS"), f"{STEM}.csv")
    assert line(read(path), "IND", 2020)["measure"] == "armed_forces_share_of_labor_force"


def test_another_wdi_indicator_is_not_ours(tmp_path):
    path = write(tmp_path, wdi_csv([["India", "IND", "3.5e12"]], ["2020"], "NY.GDP.MKTP.CD"))
    assert not worldbank.sniff(Probe(path, "gdp.csv"))
    with pytest.raises(InputFileError, match=r"gdp\.csv.*'NY\.GDP\.MKTP\.CD' is not a military \(MS\.MIL\.\*\)"):
        read(path, "gdp.csv")
    archive = tmp_path / "gdp.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("API_NY.GDP.MKTP.CD.csv", path.read_bytes())
    assert not worldbank.sniff(Probe(archive, "gdp.zip"))


def test_an_unmapped_military_indicator_is_a_clear_error(tmp_path):
    path = write(tmp_path, wdi_csv([["India", "IND", "7"]], ["2020"], "MS.MIL.NEW.XX"))
    assert worldbank.sniff(Probe(path, "new.csv"))
    with pytest.raises(InputFileError, match=r"new\.csv.*MS\.MIL\.NEW\.XX is a military indicator milspace does not"):
        read(path, "new.csv")


def test_metadata_beside_the_csv_decides_aggregates(tmp_path):
    # "EUU" is not a nation, "XYZ" is a country code milspace does not know, "ZZA" is an aggregate by metadata
    data = write(
        tmp_path,
        wdi_csv(
            [["European Union", "EUU", "1.9"], ["Atlantis", "XYZ", "4.0"], ["Zed area", "ZZA", "2"]],
            ["2024"],
            "MS.MIL.XPND.GD.ZS",
        ),
        "API_T.csv",
    )
    meta = '\ufeff"Country Code","Region","IncomeGroup","SpecialNotes","TableName",\r\n'
    meta += '"EUU","","","","European Union",\r\n"XYZ","Europe & Central Asia","High income","","Atlantis",\r\n'
    meta += '"ZZA","","","note with\r\na line break","Zed area",\r\n'
    (tmp_path / "Metadata_Country_API_T.csv").write_text(meta, encoding="utf-8", newline="")
    result = read(data, "t.csv")
    assert result.lines.select("entity_code", "entity_kind").rows() == [("EUU", "aggregate"), ("ZZA", "aggregate")]
    assert result.rejected.select("row", "column", "rule", "value").rows() == [
        (7, "Country Code", "country code listed in data_raw/reference/nations.csv", "XYZ")
    ]


def test_bad_cells_are_rejected_and_markers_kept(tmp_path):
    content = wdi_csv(
        [["France", "FRA", "2.0", "n/a", ".."], ["", "", "5", "", ""], ["Spain", "ESP", "", "", ""]],
        ["2022", "2023", "2024"],
        "MS.MIL.XPND.GD.ZS",
    )
    result = read(write(tmp_path, content), "bad.csv")
    assert result.lines.select("row", "period", "value", "missing_marker").rows() == [
        (6, 2022, 2.0, None),
        (6, 2024, None, ".."),
    ]
    assert result.rejected.select("row", "column", "rule", "value").rows() == [
        (7, "Country Code", "a data row names its Country Code", ""),
        (6, "2023", "type: number", "n/a"),
    ]
    assert contract_rejections(result, measures=worldbank.MEASURES).height == 0


def test_a_header_without_years_is_an_error(tmp_path):
    path = write(tmp_path, wdi_csv([["France", "FRA", "2.0"]], ["Year one"]))
    with pytest.raises(InputFileError, match=r"noyears\.csv.*no column header after the id columns is a year"):
        read(path, "noyears.csv")


def test_a_year_heading_two_columns_is_an_error(tmp_path):
    path = write(tmp_path, wdi_csv([["France", "FRA", "2.0", "2.1"]], ["2024", "2024.0"]))
    with pytest.raises(InputFileError, match=r"twice\.csv, row 5, column '2024\.0'.*the year 2024\.0 heads two"):
        read(path, "twice.csv")


def test_a_csv_without_the_header_is_an_error(tmp_path):
    path = write(tmp_path, b'"Data Source","World Development Indicators",\r\n"France","FRA","2.0"\r\n')
    with pytest.raises(InputFileError, match=r"nohead\.csv.*no header row with 'Country Code'"):
        read(path, "nohead.csv")


def test_a_zip_without_a_data_csv_is_an_error(tmp_path):
    archive = tmp_path / "meta.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("README.txt", "nothing here")
    assert not worldbank.sniff(Probe(archive, "meta.zip"))
    with pytest.raises(InputFileError, match=r"meta\.zip.*holding no World Bank data CSVs"):
        read(archive, "meta.zip")
