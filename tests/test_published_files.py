"""Every real published file in ../shared/data: detected by content, read with no unexplained rejected row; and
damaged or mislabelled copies of them give one clear paragraph naming the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from pipelines.intake.inbox import check_file
from pipelines.nations import default_names
from tests.conftest import SHARED_DATA
from tests.source_helpers import nation_codes

#: Every file the folder holds, by the format it must be detected as (None: not a budget file).
EXPECTED = {
    "sipri/SIPRI-Milex-data-1949-2024_2.xlsx": "sipri_milex",
    "sipri/SIPRI-Milex-data-2017-2025.xlsx": "sipri_milex",
    "sipri/SIPRI-Milex-data-1949-2019.xlsx": "sipri_milex",
    "sipri/SIPRI-Milex-data-1988-2015.xlsx": "sipri_milex",
    "worldbank/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip": "worldbank_wdi",
    "worldbank/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.csv": "worldbank_wdi",
    "worldbank/Metadata_Country_API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.csv": "worldbank_wdi",
    "worldbank/Metadata_Indicator_API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.csv": "worldbank_wdi",
    "worldbank/API_MS.MIL.XPND.CD_DS2_en_csv_v2_47475.csv": "worldbank_wdi",
    "worldbank/Metadata_Country_API_MS.MIL.XPND.CD_DS2_en_csv_v2_47475.csv": "worldbank_wdi",
    "owid/military-spending-as-a-share-of-gdp-sipri.csv": "owid_grapher",
    "nato/240617-def-exp-2024-TABLES-en.xlsx": "nato_defence_expenditure",
    **{f"dod/fy2019_exhibits/{name}.xlsx": "dod_exhibits" for name in ("M-1", "O-1", "P-1", "P-1R", "R-1", "RF-1")},
    **{f"dod/greenbook_fy2022/FY22 PB Green Book Chap {n}.xlsx": "dod_greenbook" for n in (1, 2, 3, 4, 5, 7)},
    **{
        f"dod/greenbook_fy2022/FY22 PB Green Book Chap 6/FY22 PB Green Book Table 6-{n}.xlsx": "dod_greenbook"
        for n in range(1, 27)
    },
    **{f"dod/greenbook_fy2017/FY17 PB Green Book Chap {n}.xlsx": "dod_greenbook" for n in (1, 2, 3, 4, 5, 7)},
    **{
        f"dod/greenbook_fy2017/FY17 6-{name}.xlsx": "dod_greenbook"
        for name in (
            *("1_DoD TOA by Title", "2_DoD TOA by Category", "3_DoD TOA by Mil Dept", "4_FYDP Current"),
            *("5_FYDP Constant", "6_Inyears Current", "6_Outyears Current", "7_Inyears Constant"),
            *("7_Outyears Constant", "8_DoD BA by Title", "9_DoD BA by Category", "10_DoD BA by Mil Dept"),
            *("11_DoD Outlays by Title", "12_DoD Outlays by Category", "13_DoD Outlays by Mil Dept"),
            *("14_CivPay Current", "15_CivPay Constant", "16_Army TOA by Title", "17_Navy TOA by Title"),
            *("18_Air Force TOA by Title", "19_Army BA by Title", "20_Navy BA by Title", "21_Air Force BA by Title"),
            *("22_Army Outlays by Title", "23_Navy Outlays by Title", "24_Air Force Outlays by Title"),
            *("25_DoD Base Disc BA by Title", "26_DoD Base Disc BA by Mil Dept"),
        )
    },
    **{f"dod/greenbook_fy2020/FY20 PB Green Book Chap {n}.xlsx": "dod_greenbook" for n in (1, 2, 3, 4, 5, 7)},
    **{
        f"dod/greenbook_fy2020/FY20 PB Green Book Chap 6/FY20 PB Green Book Table 6-{n}.xlsx": "dod_greenbook"
        for n in (*range(1, 6), "6_Inyears", "6_Outyears", "7_Inyears", "7_Outyears", *range(8, 27))
    },
}
#: The European Defence Agency's Defence Data workbooks (pipelines/sources/eda.py).
EDA_FILES = {
    str(p.relative_to(SHARED_DATA)): "eda_defence_data" for p in (SHARED_DATA / "eda").glob("*") if p.suffix == ".xlsx"
}
EXPECTED |= EDA_FILES
#: Germany's Bundeshaushalt title-level CSV (de_bundeshaushalt): every year's file and the earlier rendering of 2023.
GERMANY = {
    f"national/germany/hh_{name}.csv": "de_bundeshaushalt"
    for name in (2014, 2016, 2018, 2019, 2020, 2021, 2022, 2023, "2023_v1_02037b7")
}
EXPECTED |= GERMANY
#: Government of Canada Public Accounts (pipelines/sources/ca_public_accounts.py).
CANADA = {
    f"national/canada/{name}.csv": "ca_public_accounts"
    for name in ("eav_eac_en_2020-07-13", "eav_eac_en_2021-04-08", "eso_eac_en_2020-07-13", "easo_eac_en_2021-04-08")
}
EXPECTED.update(CANADA)
#: Australia's Defence portfolio budget statements and Finance's program expense line items (readers au_pbs and
#: au_program_expenses).
AUSTRALIA = {
    **{f"national/australia/2024-25 PB Statement - {name}.xlsx": "au_pbs" for name in ("Defence", "ASD", "DHA")},
    "national/australia/2024-25-pbs-program-expense-line-items.csv": "au_program_expenses",
}
EXPECTED |= AUSTRALIA
#: DoD procurement justification book XML (pipelines/sources/jbook_xml.py).
JBOOK_XML = {"dod/jbook_xml/PROCUREMENT_JustificationBook_Air_Force_Space_PB_2016.xml": "dod_jbook_xml"}
EXPECTED |= JBOOK_XML
#: Satellite catalogues (pipelines/sources/ucs.py, gcat.py, celestrak.py): space objects (staging.space_objects),
#: no budget lines. GCAT's organizations, launch sites and launch vehicles tables are companions of its payloads.
CATALOGUES = {
    **{str(p.relative_to(SHARED_DATA)): "ucs_satellites" for p in (SHARED_DATA / "space" / "ucs").glob("*")},
    "space/gcat/psatcat_2025-04-13.tsv": "gcat_payloads",
    "space/celestrak/gp_active_2026-07.csv": "celestrak_gp",
}
GCAT_COMPANIONS = {f"space/gcat/{name}.tsv": "gcat_payloads" for name in ("orgs", "sites", "lv")}
EXPECTED |= CATALOGUES | GCAT_COMPANIONS
COMPANIONS = {k for k in EXPECTED if "/Metadata_" in k} | set(GCAT_COMPANIONS)
#: Strategy documents: read by the strategy side of the build, not as budget lines. A PDF in the inbox is taken for
#: a document, so the European Defence Agency's 2021 booklet is read (and scored) as one until its reader comes.
DOCUMENTS = {
    str(p.relative_to(SHARED_DATA)) for p in (SHARED_DATA / "strategy").rglob("*") if p.is_file() and p.suffix != ".md"
} | {"eda/eda---defence-data-2021---web---final.pdf"}
#: Cells a publisher's own file gets wrong, rejected by design: (sheet, row, column).
REJECTED = {
    # Myanmar 1997 in the April 2020 SIPRI release: a formula that failed, "#VALUE!"
    "sipri/SIPRI-Milex-data-1949-2019.xlsx": [("Share of Govt. spending", 120, "1997")],
}
#: Green Book files whose every table is of a kind the reader documents as skipped (end strength, civilian pay,
#: comparisons of budget submissions): detected, read, no lines.
NO_LINES = {
    "dod/greenbook_fy2022/FY22 PB Green Book Chap 3.xlsx",
    "dod/greenbook_fy2022/FY22 PB Green Book Chap 4.xlsx",
    "dod/greenbook_fy2022/FY22 PB Green Book Chap 6/FY22 PB Green Book Table 6-14.xlsx",
    "dod/greenbook_fy2022/FY22 PB Green Book Chap 6/FY22 PB Green Book Table 6-15.xlsx",
    "dod/greenbook_fy2017/FY17 PB Green Book Chap 3.xlsx",
    "dod/greenbook_fy2017/FY17 PB Green Book Chap 4.xlsx",
    "dod/greenbook_fy2017/FY17 6-14_CivPay Current.xlsx",
    "dod/greenbook_fy2017/FY17 6-15_CivPay Constant.xlsx",
    "dod/greenbook_fy2020/FY20 PB Green Book Chap 3.xlsx",
    "dod/greenbook_fy2020/FY20 PB Green Book Chap 4.xlsx",
    "dod/greenbook_fy2020/FY20 PB Green Book Chap 6/FY20 PB Green Book Table 6-14.xlsx",
    "dod/greenbook_fy2020/FY20 PB Green Book Chap 6/FY20 PB Green Book Table 6-15.xlsx",
}

#: The January 2023 UCS CSV's rows that break a rule as published (tests/test_ucs.py says what each holds).
REJECTED["space/ucs/UCS-Satellite-Database-1-1-2023.csv"] = [
    (None, row, column)
    for row, column in (
        (332, "Date of Launch"),
        (333, "Inclination (degrees)"),
        (1478, "Inclination (degrees)"),
        (1494, "Inclination (degrees)"),
        (5050, "COSPAR Number"),
    )
]

pytestmark = [
    pytest.mark.skipif(not SHARED_DATA.exists(), reason=f"{SHARED_DATA} is absent (present in CI)"),
    pytest.mark.slow,  # reads every real published file (the whole corpus), one test a file
]


def test_the_expected_list_covers_every_data_file():
    present = {str(p.relative_to(SHARED_DATA)) for p in SHARED_DATA.rglob("*") if p.is_file() and p.suffix != ".md"}
    assert present == set(EXPECTED) | DOCUMENTS  # every published file has a reader (or is a strategy text)
    assert not (set(EXPECTED) & DOCUMENTS)


@pytest.mark.parametrize("relative", sorted(DOCUMENTS))
def test_a_strategy_text_is_read_as_a_document_not_as_budget_lines(relative, codes):
    checked = check_file(SHARED_DATA / relative, relative, default_names(), codes)
    assert (checked.status, checked.lines.height) == ("document", 0)


@pytest.fixture(scope="module")
def codes():
    return nation_codes()


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_detected_and_read_with_no_rejected_row(relative, codes):
    checked = check_file(SHARED_DATA / relative, relative, default_names(), codes)
    assert checked.source_format == EXPECTED[relative], checked.error
    if relative in COMPANIONS:
        assert checked.status == "companion"
        return
    assert checked.status == "loaded", checked.error
    assert checked.rejected.select("sheet", "row", "column").rows() == REJECTED.get(relative, []), (
        checked.rejected.head(5)
    )
    if relative in CATALOGUES:
        assert checked.lines.height == 0 and checked.objects.height > 0
        assert set(checked.objects["file"]) == {relative}
    elif relative in NO_LINES:
        assert checked.lines.height == 0 and checked.notes
    else:
        assert checked.lines.height > 0
        assert set(checked.lines["file"]) == {relative}
        assert checked.lines.filter(pl.col("value").is_null() & pl.col("missing_marker").is_null()).height == 0


@pytest.mark.parametrize(
    "relative",
    [
        "sipri/SIPRI-Milex-data-1949-2024_2.xlsx",
        "worldbank/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip",
        "nato/240617-def-exp-2024-TABLES-en.xlsx",
        "dod/fy2019_exhibits/R-1.xlsx",
        "dod/greenbook_fy2022/FY22 PB Green Book Chap 1.xlsx",
    ],
)
def test_a_truncated_copy_is_one_clear_paragraph_naming_the_file(relative, tmp_path, codes):
    raw = (SHARED_DATA / relative).read_bytes()
    damaged = tmp_path / Path(relative).name
    damaged.write_bytes(raw[: len(raw) // 2])
    checked = check_file(damaged, f"data_raw/inbox/{damaged.name}", default_names(), codes)
    assert checked.status == "unreadable"
    assert checked.error.startswith(f"Cannot read file data_raw/inbox/{damaged.name}: ")
    assert "\n" not in checked.error and "Traceback" not in checked.error


def test_a_mislabelled_file_is_still_detected_by_content(tmp_path, codes):
    """A NATO workbook named like a CSV, and the OWID CSV named like a workbook, read as what they are."""
    nato = tmp_path / "budget.csv"
    shutil.copy(SHARED_DATA / "nato/240617-def-exp-2024-TABLES-en.xlsx", nato)
    owid = tmp_path / "exhibit R-1.xlsx"
    shutil.copy(SHARED_DATA / "owid/military-spending-as-a-share-of-gdp-sipri.csv", owid)
    assert check_file(nato, "budget.csv", default_names(), codes).source_format == "nato_defence_expenditure"
    assert check_file(owid, "exhibit R-1.xlsx", default_names(), codes).source_format == "owid_grapher"


def test_a_text_file_that_is_no_budget_table_is_named_with_what_it_looks_like(tmp_path, codes):
    stray = tmp_path / "minutes.csv"
    stray.write_text("date,attendees\n2026-11-25,4\n")
    checked = check_file(stray, "minutes.csv", default_names(), codes)
    assert checked.status == "unreadable"
    assert checked.error.startswith("Cannot read file minutes.csv: not a format milspace reads (sipri_milex, ")
    assert "it looks like comma-delimited text (2 fields a record) with header ['date', 'attendees']" in checked.error


def test_a_text_file_that_is_not_a_table_says_how_it_starts(tmp_path, codes):
    stray = tmp_path / "readings.txt"
    stray.write_text("1.5 2.7 3.9 4.1\n5.5 6.2 7.7 8.0\n")  # numbers separated by spaces: no delimiter milspace knows
    checked = check_file(stray, "readings.txt", default_names(), codes)
    assert checked.status == "unreadable"
    assert "it looks like text starting '1.5 2.7 3.9 4.1'" in checked.error
