"""Germany's Bundeshaushalt title-level CSV (Haushaltsplan, Soll in thousand euros): the real files in
../shared/data/national/germany, and synthetic files for each layout variant the reader handles."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.errors import InputFileError
from pipelines.nations import default_names
from pipelines.shapes import ReadResult
from pipelines.sources import de_bundeshaushalt as de
from pipelines.sources.probe import Probe
from pipelines.sources.registry import detect, read_file
from tests.conftest import shared_file
from tests.source_helpers import contract_rejections

GERMANY = "national/germany"
HEADER = (
    "einzelplan;einzelplan-text;einnahmen-ausgaben;einnahmen-ausgaben-art;kapitel;kapitel-text;titel;funktion;"
    "titel-text;flex;seite;soll;titelgruppe;tgr-text"
)
#: The identity of a figure (apart from source, entity, period, which are the file's): two editions of one year
#: must give the same one for the same title.
IDENTITY = ["organization", "account", "line_item", "budget_activity", "cost_type", "category", "scope", "measure"]


def ep14_spending(lines: pl.DataFrame) -> pl.DataFrame:
    return lines.filter((pl.col("organization") == "14") & (pl.col("measure") == "soll_expenditure"))


@pytest.fixture(scope="module")
def real() -> dict[str, object]:
    """The reader's output for each real file, by file name."""
    out = {}
    for name in ("hh_2014.csv", "hh_2019.csv", "hh_2022.csv", "hh_2023.csv", "hh_2023_v1_02037b7.csv"):
        out[name] = read_file(shared_file(f"{GERMANY}/{name}"), f"{GERMANY}/{name}")
    return out


# --- the real files ---------------------------------------------------------------------------------------------


def test_every_row_of_the_real_files_is_read_and_passes_the_contract(real):
    rows = {  # data rows of each file (its lines less the header)
        "hh_2014.csv": 5794,
        "hh_2019.csv": 6171,
        "hh_2022.csv": 6654,
        "hh_2023.csv": 7248,
        "hh_2023_v1_02037b7.csv": 6679,
    }
    for name, result in real.items():
        assert result.source_format == de.FORMAT
        assert result.lines.height == rows[name], name
        assert result.rejected.height == 0, name
        assert contract_rejections(result).height == 0, name


@pytest.mark.parametrize(
    ("name", "with_annexes", "without_annexes"),
    [
        # sums of Soll over Einzelplan 14 spending rows, thousand EUR, read by hand (data README)
        ("hh_2014.csv", 32_435_376, 32_435_376),
        ("hh_2019.csv", 43_227_814, 43_227_814),
        ("hh_2022.csv", 50_404_828, 50_404_828),
        ("hh_2023.csv", 58_782_962, 50_117_445),  # the annexes (chapters 1490, 1491) are 8,665,517 of it
        ("hh_2023_v1_02037b7.csv", 50_117_445, 50_117_445),  # the earlier rendering has no annex rows
    ],
)
def test_defence_spending_sums_as_read_by_hand(real, name, with_annexes, without_annexes):
    lines = ep14_spending(real[name].lines)
    assert lines["value"].sum() == with_annexes
    assert lines.filter(pl.col("scope").is_null())["value"].sum() == without_annexes
    annex = lines.filter(pl.col("scope").is_not_null())
    assert annex["value"].sum() == with_annexes - without_annexes


def test_the_2023_annexes_are_kept_with_their_scope(real):
    lines = ep14_spending(real["hh_2023.csv"].lines).filter(pl.col("scope").is_not_null())
    assert sorted(set(lines["account"])) == ["1490", "1491"]
    fund = lines.filter(pl.col("account") == "1491")
    assert set(fund["scope"]) == {"annex: Anlage 1 Wirtschaftsplan des Sondervermögens Bundeswehr (1491)"}
    # hh_2023.csv: 41 rows of Einzelplan 14 chapter 91, 39 of them spending (flag a), Soll 8,409,017; chapter 90
    # (NATO-Sicherheits-Investitionsprogramm, Anlage N): 2 spending rows, 256,500 (counted with awk)
    assert (fund.height, fund["value"].sum()) == (39, 8_409_017)
    nato = lines.filter(pl.col("account") == "1490")
    assert (nato.height, nato["value"].sum()) == (2, 256_500)


def test_a_title_with_its_row_column_and_codes(real):
    # hh_2014.csv line 3973: 14;Bundesministerium der Verteidigung;A;Personalausgaben;1401;Bundesministerium;
    # 42301;011;Bezüge und Nebenleistungen der Berufssoldatinnen ...;nein;7;62159;;
    result = real["hh_2014.csv"]
    line = result.lines.filter((pl.col("account") == "1401") & (pl.col("line_item") == "42301")).row(0, named=True)
    assert (line["row"], line["source_column"], line["value"], line["file"]) == (
        3973,
        "soll",
        62_159.0,
        f"{GERMANY}/hh_2014.csv",
    )
    assert (line["organization"], line["organization_title"]) == ("14", "Bundesministerium der Verteidigung")
    assert (line["account_title"], line["budget_activity"], line["cost_type"]) == (
        "Bundesministerium",
        "011",
        "Personalausgaben",
    )
    assert line["line_item_title"].startswith("Bezüge und Nebenleistungen der Berufssoldatinnen")
    assert (line["measure"], line["phase"], line["period"], line["period_type"]) == (
        "soll_expenditure",
        "enacted",
        2014,
        "calendar_year",
    )
    assert (line["currency"], line["unit"], line["unit_factor"], line["price_basis"]) == (
        "EUR",
        "EUR thousands",
        1000.0,
        "current",
    )
    assert (line["entity_code"], line["category"], line["scope"]) == ("DEU", "Einzelplan, chapter and title", None)
    assert result.edition == "Haushaltsplan FY2014 (Soll)"
    assert {"column 'flex' skipped", "column 'seite' skipped"} == {s.split(":")[0] for s in result.skipped}


def test_revenue_rows_are_their_own_measure(real):
    lines = real["hh_2014.csv"].lines
    # hh_2014.csv line 2: 01;...;E;Übrige Einnahmen;0101;Bundespräsident;23201;187;...;6;0;;
    first = lines.filter(pl.col("row") == 2).row(0, named=True)
    assert (first["measure"], first["account"], first["line_item"], first["value"]) == (
        "soll_revenue",
        "0101",
        "23201",
        0.0,
    )
    assert set(lines["measure"]) == {"soll_expenditure", "soll_revenue"}
    assert lines.filter(pl.col("measure") == "soll_revenue").height == 957  # the E rows of hh_2014.csv


def test_two_renderings_of_2023_give_the_same_identity_and_figures(real):
    newer = real["hh_2023.csv"]
    older = real["hh_2023_v1_02037b7.csv"]
    assert newer.edition == older.edition == "Haushaltsplan FY2023 (Soll)"
    ordinary = newer.lines.filter(pl.col("scope").is_null())
    joined = ordinary.select(*IDENTITY, "value").join(
        older.lines.select(*IDENTITY, "value"), on=IDENTITY, how="full", nulls_equal=True, suffix="_v1"
    )
    # every title of the older rendering is in the newer one, with the same identity and Soll, and vice versa
    assert joined.height == ordinary.height == older.lines.height == 6679
    assert joined.filter(pl.col("value").ne_missing(pl.col("value_v1"))).height == 0
    keys = {
        name: set(ep14_spending(lines.filter(pl.col("scope").is_null())).select("account", "line_item").iter_rows())
        for name, lines in (("new", newer.lines), ("v1", older.lines))
    }
    # Einzelplan 14's spending rows in 2023 without the annexes: 278 (counted with awk)
    assert keys["new"] == keys["v1"] and len(keys["v1"]) == 278


def test_the_stripped_codes_of_the_earlier_2023_rendering_are_restored(real):
    # hh_2023_v1_02037b7.csv line 2: 1;Bundespräsident und Bundespräsidialamt;e;Übrige Einnahmen;1;...;23201;187
    line = real["hh_2023_v1_02037b7.csv"].lines.filter(pl.col("row") == 2).row(0, named=True)
    assert (line["organization"], line["account"], line["line_item"], line["source_column"]) == (
        "01",
        "0101",
        "23201",
        "soll ",  # as published, with its trailing space
    )
    lines = real["hh_2023_v1_02037b7.csv"].lines
    assert lines["line_item"].str.len_chars().unique().to_list() == [5]
    assert lines["budget_activity"].str.len_chars().unique().to_list() == [3]


def test_the_real_files_are_detected_as_this_format_only(real):
    for name in real:
        probe = Probe(shared_file(f"{GERMANY}/{name}"), name)
        assert detect(probe).FORMAT == de.FORMAT


# --- synthetic files: the layout variants ------------------------------------------------------------------------


def write(path: Path, lines: list[str], *, bom: bool = False, newline: str = "\r\n") -> Path:
    path.write_bytes((("\ufeff" if bom else "") + newline.join(lines) + newline).encode("utf-8"))
    return path


def read(path: Path) -> ReadResult:
    return de.read(path, path.name, default_names())


ROW_2014 = (
    "14;Bundesministerium der Verteidigung;A;Personalausgaben;1401;Bundesministerium;42301;011;Bezüge;nein;7;62159;;"
)


def test_lower_case_flags_two_digit_chapters_and_misspelt_header(tmp_path):
    path = write(
        tmp_path / "hh_2023.csv",
        [
            "einzelplan;einzelplan-text;einahmen-ausgaben;einahmen-ausgaben-text;kapitel;kapitel-text;titel;"
            "funktion;titel-text;flex;seite;soll ;titelgruppe;tgr-text",
            "14;Bundesministerium der Verteidigung;a;Personalausgaben;01;Bundesministerium;42301;011;Bezüge;nein;7;"
            "64000;;",
            "14;Bundesministerium der Verteidigung;e;Übrige Einnahmen;03;Kommandobehörden;11901;031;Erlöse;nein;9;15;;",
            "14;Bundesministerium der Verteidigung;a;;91;Anlage 1 Wirtschaftsplan des Sondervermögens Bundeswehr "
            "(1491);55401;031;Beschaffung;nein;99;100;;",
        ],
    )
    result = read(path)
    assert result.rejected.height == 0
    rows = result.lines.select("row", "account", "measure", "value", "scope", "cost_type").rows()
    assert rows == [
        (2, "1401", "soll_expenditure", 64000.0, None, "Personalausgaben"),
        (3, "1403", "soll_revenue", 15.0, None, "Übrige Einnahmen"),
        (
            4,
            "1491",
            "soll_expenditure",
            100.0,
            "annex: Anlage 1 Wirtschaftsplan des Sondervermögens Bundeswehr (1491)",
            None,
        ),
    ]
    assert set(result.lines["source_column"]) == {"soll "}
    assert (result.edition, set(result.lines["period"])) == ("Haushaltsplan FY2023 (Soll)", {2023})


def test_bom_stripped_leading_zeros_and_quoted_fields(tmp_path):
    path = write(
        tmp_path / "hh_2023_v1_02037b7.csv",
        [
            HEADER.replace(";soll;", ";soll ;"),
            "4;Bundeskanzler und Bundeskanzleramt;a;Sächliche Verwaltungsausgaben;5;Kultur;68612;13;"
            '"Zuschüsse für das Programm ""Kreatives Europa; 2021-2027""";nein;35;1200;1;"Kultur; allgemein"',
        ],
        bom=True,
    )
    result = read(path)
    assert result.rejected.height == 0
    line = result.lines.row(0, named=True)
    assert line["organization_title"] == "Bundeskanzler und Bundeskanzleramt"
    assert (line["organization"], line["account"], line["line_item"], line["budget_activity"]) == (
        "04",
        "0405",
        "68612",
        "013",
    )
    assert line["line_item_title"] == 'Zuschüsse für das Programm "Kreatives Europa; 2021-2027"'
    assert line["footnotes"] == "Titelgruppe 01: Kultur; allgemein"
    assert (line["value"], line["period"]) == (1200.0, 2023)


def test_header_case_and_separators_and_an_ist_column_with_its_year(tmp_path):
    header = HEADER.upper().replace("EINZELPLAN-TEXT", "Einzelplan_Text").replace(";SOLL;", ";Ist 2022;")
    path = write(tmp_path / "haushaltsrechnung.csv", [header, ROW_2014])
    result = read(path)
    line = result.lines.row(0, named=True)
    assert (line["measure"], line["phase"], line["period"], line["source_column"]) == (
        "ist_expenditure",
        "actual",
        2022,
        "Ist 2022",
    )
    assert result.edition == "Haushaltsrechnung FY2022 (Ist)"
    assert de.CONFORMED["ist_expenditure"] == "outlays" and de.CONFORMED["soll_expenditure"] == "budget_authority"


def test_the_year_from_the_value_header_wins_over_the_file_name(tmp_path):
    path = write(tmp_path / "hh_2023.csv", [HEADER.replace(";soll;", ";soll_2024;"), ROW_2014])
    result = read(path)
    assert set(result.lines["period"]) == {2024}
    assert result.edition == "Haushaltsplan FY2024 (Soll)"
    assert result.notes == ("budget year 2024 taken from the value column 'soll_2024'; the file name says 2023",)


def test_the_year_from_the_file_name(tmp_path):
    path = write(tmp_path / "hh_2019_v2_0203b7.csv", [HEADER, ROW_2014])
    assert set(read(path).lines["period"]) == {2019}


@pytest.mark.parametrize("name", ["haushalt.csv", "hh_2019_2020.csv", "hh20190.csv"])
def test_no_year_anywhere_is_refused_saying_how_to_fix_it(tmp_path, name):
    path = write(tmp_path / name, [HEADER, ROW_2014])
    with pytest.raises(InputFileError) as caught:
        read(path)
    message = str(caught.value)
    assert message.startswith(f"Cannot read file {name}: the budget year is not stated")
    assert "rename the file with its budget year" in message and "'Soll 2024'" in message


def test_an_unknown_column_is_refused_naming_it(tmp_path):
    path = write(tmp_path / "hh_2020.csv", [HEADER.replace(";flex;", ";haushaltsvermerk;"), ROW_2014])
    with pytest.raises(InputFileError) as caught:
        read(path)
    assert caught.value.column == "haushaltsvermerk" and caught.value.row == 1
    assert "hh_2020.csv" in str(caught.value) and "not one milspace knows" in str(caught.value)


def test_a_german_number_and_a_bad_flag_are_rejected_with_their_rows(tmp_path):
    path = write(
        tmp_path / "hh_2020.csv",
        [
            HEADER,
            ROW_2014,
            ROW_2014.replace(";62159;", ";1.234,5;").replace("42301", "42302"),
            ROW_2014.replace(";A;", ";V;").replace("42301", "42303"),
            ROW_2014.replace(";62159;", ";-;").replace("42301", "42304"),
            ROW_2014.replace(";62159;", ";-250;").replace("42301", "42305"),
            ROW_2014.replace(";62159;", "; ;").replace("42301", "42306"),
        ],
    )
    result = read(path)
    assert result.rejected.select("file", "row", "column", "value").rows() == [
        ("hh_2020.csv", 3, "soll", "1.234,5"),
        ("hh_2020.csv", 4, "einnahmen-ausgaben", "V"),
    ]
    assert "whole number of thousand euros" in result.rejected["rule"][0]
    assert result.lines.select("row", "value", "missing_marker").rows() == [
        (2, 62159.0, None),
        (5, None, "-"),
        (6, -250.0, None),
        (7, None, "empty"),
    ]


def test_a_row_with_too_few_fields_and_a_chapter_of_another_einzelplan_are_rejected(tmp_path):
    path = write(
        tmp_path / "hh_2021.csv",
        [HEADER, ROW_2014, "14;Bundesministerium;A", ROW_2014.replace(";1401;", ";1501;")],
    )
    result = read(path)
    assert result.rejected.select("row", "column").rows() == [(3, "(row)"), (4, "kapitel")]
    assert result.lines["row"].to_list() == [2]


def test_a_missing_required_column_or_two_value_columns_are_refused(tmp_path):
    no_flag = write(tmp_path / "hh_2021.csv", [HEADER.replace("einnahmen-ausgaben;", ""), ROW_2014])
    with pytest.raises(InputFileError, match="without the column\\(s\\) einnahmen-ausgaben"):
        read(no_flag)
    two = write(tmp_path / "hh_2022.csv", [HEADER.replace(";flex;", ";ist;"), ROW_2014])
    with pytest.raises(InputFileError, match="exactly one value column"):
        read(two)


def test_sniff_claims_this_format_and_nothing_else(tmp_path):
    ours = write(tmp_path / "a.csv", [HEADER.replace("einnahmen-ausgaben", "einahmen-ausgaben"), ROW_2014])
    assert de.sniff(Probe(ours, "a.csv"))
    assert detect(Probe(ours, "a.csv")).FORMAT == de.FORMAT
    # a semicolon table without a soll/ist column, a comma version of the header, an OWID export: not ours
    no_value = write(tmp_path / "b.csv", [HEADER.replace(";soll;", ";betrag;"), ROW_2014])
    commas = write(tmp_path / "c.csv", [HEADER.replace(";", ","), ROW_2014.replace(";", ",")])
    owid = write(tmp_path / "d.csv", ["Entity,Code,Year,Military expenditure (% of GDP)", "France,FRA,2020,2.0"])
    for path in (no_value, commas, owid):
        assert not de.sniff(Probe(path, path.name)), path.name
