"""US DoD Comptroller budget exhibits (R-1, P-1, P-1R, O-1, M-1, RF-1), on the real FY 2019 files in ../shared/data
and on small synthetic workbooks and CSV exports that vary what changes between editions.

Expected values were read by hand from the real workbooks (openpyxl, data_only); each names its sheet and cell."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pipelines.errors import InputFileError
from pipelines.nations import default_names
from pipelines.sources import dod_exhibits
from pipelines.sources.probe import Probe
from tests.conftest import shared_file
from tests.source_helpers import contract_rejections

EXHIBITS = ("R-1", "P-1", "P-1R", "O-1", "M-1", "RF-1")
EXHIBIT_DIR = "dod/fy2019_exhibits"


def read(path: Path, shown: str | None = None):
    return dod_exhibits.read(path, shown or path.name, default_names())


@pytest.fixture(scope="module")
def results():
    return {name: read(shared_file(f"{EXHIBIT_DIR}/{name}.xlsx"), f"{name}.xlsx") for name in EXHIBITS}


def line(result, row: int, column: str) -> dict:
    hits = result.lines.filter((pl.col("row") == row) & (pl.col("source_column") == column))
    assert hits.height == 1, (row, column, hits.height)
    return hits.row(0, named=True)


# --- the header grammar ---------------------------------------------------------------------------------------------
A, Q = "budget_authority", "procurement_quantity"
#: The amount-column headers of the Comptroller's R-1, P-1, P-1R, O-1, M-1 and RF-1 by President's Budget (the budget
#: year), FY 2019-FY 2027, with what each means: (fiscal year, phase, funding type, measure, qualifiers). The FY 2019
#: set is read from the files in ../shared/data; the later ones are the wordings of those editions' exhibits as known
#: to milspace (none is in ../shared/data), with P-1 Quantity/Amount variants. Each edition's headers are resolved
#: together, as in one file ("FY 2026 Total" takes the phase its year's other columns name).
VOCABULARY = {
    2019: [
        ("FY 2017\n(Base + OCO)", (2017, "actual", "total", A, ())),
        ("FY 2018\nPB Request\nwith CR Adj\nBase", (2018, "request", "base", A, ("cr_adjusted",))),
        ("FY 2018\nTotal\nPB Requests*\nwith CR Adj\nBase", (2018, "request", "base", A, ("cr_adjusted",))),
        ("FY 2018\nPB Request\nwith CR Adj\nOCO", (2018, "request", "oco", A, ("cr_adjusted",))),
        ("FY 2018\nTotal\nPB Requests+\nwith CR Adj\nOCO", (2018, "request", "oco", A, ("cr_adjusted",))),
        ("FY 2018\nEmergency\nRequests**\nEmergency", (2018, "request", "emergency", A, ())),
        (
            "FY 2018\nLess Enacted\nDiv B\nP.L.115-96***\nMDDE + Ship\nRepairs",
            (2018, "request", "less_enacted", A, ("less_enacted",)),
        ),
        ("FY 2018\nRemaining Req\nEmergency", (2018, "request", "emergency", A, ("remaining",))),
        (
            "FY 2018\nTotal\nPB Requests*\nwith CR Adj\nBase + OCO +\nEmergency**",
            (2018, "request", "total", A, ("cr_adjusted",)),
        ),
        (
            "FY 2018\nRemaining Req\nwith CR Adj\nBase + OCO +\nEmergency",
            (2018, "request", "total", A, ("remaining", "cr_adjusted")),
        ),
        ("FY 2019\nBase", (2019, "request", "base", A, ())),
        ("FY 2019\nOCO", (2019, "request", "oco", A, ())),
        ("FY 2019\nTotal", (2019, "request", "total", A, ())),
        ("FY 2017\n(Base + OCO)\nQuantity", (2017, "actual", "total", Q, ())),
        ("FY 2019\nBase\nAmount", (2019, "request", "base", A, ())),
        ("FY 2019\nOCO\nQuantity", (2019, "request", "oco", Q, ())),
    ],
    2020: [
        ("FY 2018 (Base + OCO)", (2018, "actual", "total", A, ())),
        ("FY 2019 Base Enacted", (2019, "enacted", "base", A, ())),
        ("FY 2019 OCO Enacted", (2019, "enacted", "oco", A, ())),
        ("FY 2019 Total Enacted", (2019, "enacted", "total", A, ())),
        ("FY 2020 Base", (2020, "request", "base", A, ())),
        ("FY 2020 OCO for Base Requirements", (2020, "request", "oco_for_base", A, ())),
        ("FY 2020 OCO", (2020, "request", "oco", A, ())),
        ("FY 2020 Emergency Requirements", (2020, "request", "emergency", A, ())),
        ("FY 2020 Total", (2020, "request", "total", A, ())),
        ("FY 2020 Base Quantity", (2020, "request", "base", Q, ())),
    ],
    2021: [
        ("FY 2019 Actuals", (2019, "actual", "total", A, ())),
        ("FY 2020 Enacted Base", (2020, "enacted", "base", A, ())),
        ("FY 2020 OCO Enacted", (2020, "enacted", "oco", A, ())),
        ("FY 2020 Emergency Enacted", (2020, "enacted", "emergency", A, ())),
        ("FY 2020 Total Enacted", (2020, "enacted", "total", A, ())),
        ("FY 2021 Base", (2021, "request", "base", A, ())),
        ("FY 2021 OCO for Base Requirements", (2021, "request", "oco_for_base", A, ())),
        ("FY 2021 OCO Direct War and Enduring Costs", (2021, "request", "oco", A, ())),
        ("FY 2021 Total", (2021, "request", "total", A, ())),
    ],
    2022: [
        ("FY 2020 Actuals", (2020, "actual", "total", A, ())),
        ("FY 2021 Enacted", (2021, "enacted", "total", A, ())),
        ("FY 2021 Request with CR adjustments", (2021, "request", "total", A, ("cr_adjusted",))),
        ("FY 2022 Disc Request", (2022, "request", "discretionary", A, ())),
        ("FY 2022 Mand Request", (2022, "request", "mandatory", A, ())),
        ("FY 2022 Total Request", (2022, "request", "total", A, ())),
        ("FY 2022 Disc Request Quantity", (2022, "request", "discretionary", Q, ())),
    ],
    2023: [
        ("FY 2021 Actuals", (2021, "actual", "total", A, ())),
        ("FY 2022 Enacted", (2022, "enacted", "total", A, ())),
        ("FY 2022 Ukraine Supplemental", (2022, "enacted", "emergency", A, ())),
        ("FY 2023 Disc Request", (2023, "request", "discretionary", A, ())),
        ("FY 2023 Total Request", (2023, "request", "total", A, ())),
    ],
    2024: [
        ("FY 2022 Actuals", (2022, "actual", "total", A, ())),
        ("FY 2023 Enacted", (2023, "enacted", "total", A, ())),
        ("FY 2023 Supplemental", (2023, "enacted", "emergency", A, ())),
        ("FY 2023 Total Enacted", (2023, "enacted", "total", A, ())),
        ("FY 2024 Disc Request", (2024, "request", "discretionary", A, ())),
        ("FY 2024 Mandatory Request", (2024, "request", "mandatory", A, ())),
        ("FY 2024 Total Request", (2024, "request", "total", A, ())),
    ],
    2025: [
        ("FY 2023 Actuals", (2023, "actual", "total", A, ())),
        ("FY 2023 Supplemental", (2023, "actual", "emergency", A, ())),
        ("FY 2024 Enacted", (2024, "enacted", "total", A, ())),
        ("FY 2024 Annualized CR", (2024, "enacted", "total", A, ("annualized_cr",))),
        ("FY 2025 Disc Request", (2025, "request", "discretionary", A, ())),
        ("FY 2025 Total Request", (2025, "request", "total", A, ())),
    ],
    2026: [
        ("FY 2024 Actuals", (2024, "actual", "total", A, ())),
        ("FY 2025 Enacted", (2025, "enacted", "total", A, ())),
        ("FY 2025 Full-Year CR", (2025, "enacted", "total", A, ("full_year_cr",))),
        ("FY 2026 Discretionary Request", (2026, "request", "discretionary", A, ())),
        ("FY 2026 Request Discretionary", (2026, "request", "discretionary", A, ())),
        ("FY 2026 Reconciliation Request", (2026, "request", "reconciliation", A, ())),
        ("FY 2026 Mandatory Request", (2026, "request", "mandatory", A, ())),
        ("FY 2026 Mandatory", (2026, "request", "mandatory", A, ())),
        ("FY 2026 Total Request", (2026, "request", "total", A, ())),
        ("FY26 Disc Request Qty", (2026, "request", "discretionary", Q, ())),
        ("Fiscal Year 2026 Request", (2026, "request", "total", A, ())),
        ("FY2027 Projection", (2027, "projection", "total", A, ())),
    ],
    2027: [
        ("FY 2025 Actuals", (2025, "actual", "total", A, ())),
        ("FY 2025 Reconciliation", (2025, "actual", "reconciliation", A, ())),
        ("FY 2026 Disc Enacted", (2026, "enacted", "discretionary", A, ())),
        ("FY 2026 PL 119-21 Spend Plan", (2026, "enacted", "reconciliation", A, ("spend_plan",))),
        ("FY 2026 P.L. 119-21 Spend Plan Quantity", (2026, "enacted", "reconciliation", Q, ("spend_plan",))),
        ("FY 2026 Total", (2026, "enacted", "total", A, ())),
        ("FY 2027 Discretionary Request", (2027, "request", "discretionary", A, ())),
        ("FY 2027 Mandatory Request", (2027, "request", "mandatory", A, ())),
        ("FY 2027 Total", (2027, "request", "total", A, ())),
        ("FY 2027 Discretionary Request Amount", (2027, "request", "discretionary", A, ())),
        ("FY 2027 Total Quantity", (2027, "request", "total", Q, ())),
    ],
}
HEADERS = [(text, year, expected) for year, rows in VOCABULARY.items() for text, expected in rows]


@pytest.mark.parametrize(("text", "budget_year", "expected"), HEADERS)
def test_header_grammar(text, budget_year, expected):
    edition = tuple(dod_exhibits.parse_amount_header(t) for t, _ in VOCABULARY[budget_year])
    assert dod_exhibits.budget_year_of(list(edition)) == budget_year
    header = dod_exhibits.parse_amount_header(text)
    assert header is not None and header.unknown == ()
    phase = dod_exhibits.resolve_phase(header, budget_year, edition)
    assert (header.fiscal_year, phase, header.funding_type, header.measure, header.bases) == expected
    assert header.text == " ".join(text.split())  # the whole header is kept as source_column


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("FY 2027 Rescission", ("Rescission",)),
        ("FY 2026 Enacted Transfer", ("Transfer",)),
        ("FY 2024 Israel", ("Israel",)),  # a supplemental's purpose is known only beside an emergency word
        ("FY 2026 PL 119-21 Spend Plan Execution", ("Execution",)),
    ],
)
def test_a_word_the_grammar_does_not_know_is_listed(text, unknown):
    assert dod_exhibits.parse_amount_header(text).unknown == unknown


def test_header_markers_and_non_figures():
    assert dod_exhibits.parse_amount_header("FY 2018 Total PB Requests* with CR Adj Base").markers == ("*",)
    assert dod_exhibits.parse_amount_header("FY 2018 Less Enacted DIV B P.L.115-96*** MDDE").markers == ("***",)
    assert dod_exhibits.parse_amount_header("FY 2017 (Base + OCO)").markers == ()  # "+" between words is not one
    for text in ("Account Title", "Change FY 2025/FY 2026", "FY 2026 Request vs FY 2025 Enacted", "Line Number"):
        assert dod_exhibits.parse_amount_header(text) is None


def test_budget_year_and_an_undatable_column():
    headers = [dod_exhibits.parse_amount_header(t) for t in ("FY 2024 Actuals", "FY 2025 Enacted", "FY 2026 Total")]
    assert dod_exhibits.budget_year_of(headers) == 2026
    two_years_back = dod_exhibits.parse_amount_header("FY 2017 (Base + OCO)")
    assert dod_exhibits.budget_year_of([two_years_back, dod_exhibits.parse_amount_header("FY 2019 Base")]) == 2019
    with pytest.raises(ValueError, match="FY 2018 without saying"):
        dod_exhibits.resolve_phase(dod_exhibits.parse_amount_header("FY 2018 Base"), 2019)


# --- the real FY 2019 exhibits ---------------------------------------------------------------------------------------
def test_every_real_file_is_detected_and_meets_the_contract(results):
    for name in EXHIBITS:
        probe = Probe(shared_file(f"{EXHIBIT_DIR}/{name}.xlsx"), name)
        try:
            assert dod_exhibits.sniff(probe), name
        finally:
            probe.close()
        result = results[name]
        assert result.source == f"US DoD Comptroller, budget exhibit {name}"
        assert result.edition == "FY2019 President's Budget"
        assert result.rejected.height == 0, name
        assert contract_rejections(result, measures=dod_exhibits.MEASURES).height == 0, name
        assert set(result.lines["entity_code"]) == {"USA"}
        assert set(result.lines["period_type"]) == {"fiscal_year"}
        assert set(result.lines["fiscal_year_start_month"]) == {10}


def test_r1_program_elements_and_total(results):
    r1 = results["R-1"]
    total = r1.lines.filter(pl.col("source_column") == "FY 2019 Total")
    # Exhibit R-1 rows 3-1073 are the 1,071 program element lines; W1 states 93,963,648 over them
    assert total.height == 1071
    assert total["value"].sum() == 93_963_648
    assert total["row"].min() == 3 and total["row"].max() == 1073  # the footnote rows 1075-1078 are not lines
    assert set(r1.lines["sheet"]) == {"Exhibit R-1"}  # the 14 per-column views are not read as lines
    assert r1.lines.height == 1071 * 14
    first = line(r1, 3, "FY 2019 Base")  # Exhibit R-1 U3
    assert (first["value"], first["line_item"], first["line_item_title"]) == (
        11585,
        "0601101A",
        "In-House Laboratory Independent Research",
    )
    assert (first["account"], first["organization"], first["budget_activity"], first["appropriation_title"]) == (
        "2040A",
        "Army",
        "01",
        "RDT&E",
    )
    assert (first["currency"], first["unit_factor"], first["unit"], first["phase"], first["funding_type"]) == (
        "USD",
        1000.0,
        "thousands of US$ (budget authority)",
        "request",
        "base",
    )
    assert line(r1, 3, "FY 2017 (Base + OCO)")["value"] == 11936  # J3
    assert line(r1, 3, "FY 2017 (Base + OCO)")["phase"] == "actual"


def test_r1_classified_toa_and_space_lines(results):
    r1 = results["R-1"]
    classified = line(r1, 811, "FY 2019 Total")  # W811: 3600F, PE 9999999999 "Classified Programs"
    assert (classified["value"], classified["is_classified_aggregate"], classified["organization"]) == (
        16_722_251,
        True,
        None,
    )
    dha = line(r1, 1062, "FY 2019 Total")  # W1062: Defense Health Program, Include in TOA = N
    assert dha["value"] == 274_920 and not dha["is_memo"]
    assert "Include in TOA: N" in dha["footnotes"]
    emergency = line(r1, 811, "FY 2018 Total PB Requests* with CR Adj Base + OCO + Emergency**")  # R811
    assert emergency["value"] == 15_215_654
    assert emergency["footnotes"] == (
        "Includes June 29, 2017 requests.; Includes November 6 and November 17, 2017 requests.; "
        + dod_exhibits.BASES["cr_adjusted"]
    )
    # MFP-12 Air Force program elements count as space before the Space Force: 1206853F EELV (row 631)
    eelv = line(r1, 631, "FY 2019 Total")
    assert (eelv["line_item"], eelv["is_space"]) == ("1206853F", True)
    # ... and so does the FY 2017 figure still carried on the old PE 0604853F (row 591, J591), by the lineage table;
    # Army space PEs (row 85) do not (they did not move to the Space Force)
    old_eelv = line(r1, 591, "FY 2017 (Base + OCO)")
    assert (old_eelv["line_item"], old_eelv["value"], old_eelv["is_space"]) == ("0604853F", 381_360, True)
    assert not line(r1, 85, "FY 2019 Total")["is_space"]
    # 47 MFP-12 and space-titled lines + the 36 rows of the 35 pre-MFP-12 program elements of the lineage table
    assert r1.lines.filter(pl.col("source_column") == "FY 2019 Total")["is_space"].sum() == 47 + 36


def test_r1_reconciliations(results):
    recs = results["R-1"].reconciliations
    assert recs.filter(~pl.col("passed")).height == 0
    banner = recs.filter(pl.col("check").str.starts_with("FY 2019 Total: 'Total of Displayed Rows'")).row(0, named=True)
    assert (banner["stated"], banner["computed"], banner["row"]) == (93_963_648, 93_963_648, 1)  # W1
    view = recs.filter((pl.col("sheet") == "FY 2019 Total") & pl.col("check").str.starts_with("FY 2019 Total:"))
    assert view["stated"].to_list() == [93_963_648]  # sheet "FY 2019 Total", J1
    per_line = recs.filter(pl.col("check").str.starts_with("FY 2019 Total = FY 2019 Base + FY 2019 OCO, line by line"))
    assert per_line.height == 1 and "1,071 lines, 0 do not add up" in per_line["check"][0]


def test_m1(results):
    m1 = results["M-1"]
    basic_pay = line(m1, 3, "FY 2019 Total")  # Exhibit M-1 W3: 2010A, BSA 005 Basic Pay
    assert (basic_pay["value"], basic_pay["line_item"], basic_pay["line_item_title"]) == (7_758_614, "005", "Basic Pay")
    assert basic_pay["appropriation_title"] == "military personnel" and basic_pay["category"] is None
    # M-1 has no Non-Add line and no quantities; row 47 "Less Reimbursables" is Include in TOA = N (U47)
    reimbursables = line(m1, 47, "FY 2019 Base")
    assert reimbursables["value"] == -292_794 and "Include in TOA: N" in reimbursables["footnotes"]
    assert m1.lines["is_memo"].sum() == 0 and set(m1.lines["measure"]) == {"budget_authority"}


def test_o1_reads_the_whole_title_once_and_finds_two_lines_that_do_not_add_up(results):
    o1 = results["O-1"]
    assert set(o1.lines["sheet"]) == {"Total O&M Title plus Indefinite"}
    maneuver = line(o1, 3, "FY 2019 Total")  # Y3: 2020A SAG 111 Maneuver Units
    assert (maneuver["value"], maneuver["line_item"], maneuver["category"]) == (3_255_699, "111", "Land Forces")
    assert maneuver["appropriation_title"] == "operation and maintenance"
    disposal = line(o1, 405, "FY 2019 Total")  # Y405: 5188D Disposal of DoD Real Property, an indefinite account
    assert disposal["value"] == 141 and "Include in TOA: N" in disposal["footnotes"]
    # X168 36,098 OCO with Y168 total 0, and Y179 = W179 1,164,810 + 36,098: the file does not add up on 2 lines
    failed = o1.reconciliations.filter(~pl.col("passed")).sort("row", nulls_last=True)
    assert failed.select("row", "stated", "computed").rows() == [
        (168, 0.0, 36_098.0),
        (179, 1_200_908.0, 1_164_810.0),
        (None, 283_672_068.0, 283_672_068.0),
    ]
    parts = o1.reconciliations.filter(pl.col("check").str.contains("'O&M Title' \\+ 'Indefinite Accounts'"))
    assert parts.height == 14 and parts["passed"].all()
    space = o1.lines.filter(pl.col("is_space") & (pl.col("source_column") == "FY 2019 Total"))
    assert sorted(space["line_item_title"]) == ["Launch Facilities", "Space Control Systems"]  # AF "Space Operations"


def test_p1_amounts_quantities_and_memo(results):
    p1 = results["P-1"]
    ohio = line(p1, 3, "FY 2017 (Base + OCO) Amount")  # Exhibit P-1 O3: 1612N OHIO Replacement, AP (CY)
    assert (ohio["value"], ohio["cost_type"], ohio["is_memo"]) == (773_138, "Advance Procurement (CY)", False)
    f35 = line(p1, 831, "FY 2019 Base Quantity")  # AJ831: 3010F ATA000 F-35
    assert (f35["value"], f35["measure"], f35["unit"], f35["currency"], f35["unit_factor"]) == (
        48,
        "procurement_quantity",
        "items",
        None,
        1.0,
    )
    assert line(p1, 831, "FY 2019 Base Amount")["value"] == 4_869_121  # AK831
    apache = line(p1, 16, "FY 2019 Total Amount")  # AO16: AH-64 Apache Block IIIA Reman, Non-Add
    assert (apache["value"], apache["is_memo"], apache["cost_type"]) == (174_550, True, "C (FY 2019 for FY 2020) (M)")
    assert p1.lines.filter(pl.col("source_column") == "FY 2019 Total Amount")["is_memo"].sum() == 118
    # 3021F Space Procurement, Air Force is space; the 24 lines of that account
    space = p1.lines.filter(pl.col("is_space") & (pl.col("source_column") == "FY 2019 Total Amount"))
    assert space.height == 24 and set(space["account"]) == {"3021F"}


def test_p1r_memo_lines(results):
    p1r = results["P-1R"]
    blackhawk = line(p1r, 3, "FY 2019 Base Quantity")  # Exhibit P-1R AH3: UH-60 M, NATL Guard Equip (MEMO NON ADD)
    assert (blackhawk["value"], blackhawk["is_memo"]) == (9, True)
    assert line(p1r, 3, "FY 2019 Base Amount")["value"] == 139_764  # AI3
    assert line(p1r, 3, "FY 2017 (Base + OCO) Quantity")["value"] == 28  # L3
    reserve = line(p1r, 384, "FY 2017 (Base + OCO) Amount")  # M384: 0350D NG&RE Army Reserve, Weapon System Cost
    assert (reserve["value"], reserve["is_memo"], reserve["organization"]) == (105_000, False, "Defense-Wide")


def test_rf1(results):
    rf1 = results["RF-1"]
    lmsr = line(rf1, 3, "FY 2017 (Base + OCO)")  # RF Title K3: 4557N LMSR
    assert (lmsr["value"], lmsr["line_item_title"], lmsr["appropriation_title"]) == (996, "LMSR", "revolving funds")
    cr = line(rf1, 25, "FY 2018 PB Request with CR Adj Base")  # L25: DECA Adj to Match Continuing Resolution
    assert (cr["value"], cr["phase"], cr["funding_type"]) == (-183_540, "request", "cr_adjustment")
    assert dod_exhibits.CR_ADJUSTMENT_NOTE in cr["footnotes"]
    assert line(rf1, 25, "FY 2019 Base")["funding_type"] == "base"  # only the CR-adjusted columns
    # RF-1 has no Non-Add lines and no quantities
    assert rf1.lines["is_memo"].sum() == 0 and set(rf1.lines["measure"]) == {"budget_authority"}
    assert rf1.lines.filter(pl.col("source_column") == "FY 2019 Total")["value"].sum() == 1_557_305  # X1


def test_notes_explain_what_is_skipped(results):
    notes = " ".join(results["O-1"].notes)
    assert "'Total of Displayed Rows' banner" in notes
    assert "Footnote rows 414-420" in notes
    assert "C-ISIL OCOTF" in notes  # a free-text footnote, kept in notes
    assert "['O&M Title', 'Indefinite Accounts'] are parts of 'Total O&M Title plus Indefinite'" in notes
    assert "14 per-column view sheets" in notes


def test_skipped_names_every_sheet_and_column_not_read_as_lines(results):
    skipped = results["R-1"].skipped
    views = [s for s in skipped if "a per-column view of 'Exhibit R-1' (its rows filtered to one column)" in s]
    assert len(views) == 14 and views[0].startswith("sheet 'FY 2017 (Base + OCO)' skipped: ")
    assert skipped[14:] == (
        "column 'Line Number' of sheet 'Exhibit R-1' skipped: a sort order within the budget activity, not kept",
    )
    assert all("per-column view" in s for s in results["M-1"].skipped)  # M-1 has no Line Number column


def test_skipped_names_a_cover_an_unknown_column_and_a_blank_headed_column(fy2026, tmp_path):
    assert fy2026.skipped == (
        "sheet 'Cover' skipped: no exhibit header row (Account ... FY amount columns)",
        "column 'Remarks' of sheet 'Exhibit R-1' skipped: its header is neither a classification column nor a "
        "fiscal-year amount column milspace knows",
    )
    header = [h for h in FY2026_HEADER if h != "Remarks"] + [None]  # figures under a blank header
    rows = [header, *[[*row[:-1], 7] for row in FY2026_ROWS]]
    result = read(write_workbook(tmp_path / "r1.xlsx", {"Exhibit R-1": rows}))
    assert result.skipped == (
        "column M of sheet 'Exhibit R-1' skipped: its header (row 1) is blank (6 filled cells under it, e.g. row 2: "
        "'7')",
    )


# --- the CSV export of a data sheet ----------------------------------------------------------------------------------
def write_csv(xlsx: Path, out: Path, *, separators: bool, banner: bool) -> Path:
    workbook = openpyxl.load_workbook(xlsx, read_only=True, data_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()

    def text(value):
        if value is None:
            return ""
        return f"{value:,}" if separators and isinstance(value, int) else str(value)

    with out.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([[text(v) for v in row] for row in rows[0 if banner else 1 :]])
    return out


@pytest.mark.parametrize(("separators", "banner"), [(True, True), (True, False), (False, False)])
def test_csv_export_of_r1(tmp_path, separators, banner):
    path = write_csv(shared_file(f"{EXHIBIT_DIR}/R-1.xlsx"), tmp_path / "r1.csv", separators=separators, banner=banner)
    probe = Probe(path, "r1.csv")
    assert dod_exhibits.sniff(probe)
    result = read(path, "r1.csv")
    total = result.lines.filter(pl.col("source_column") == "FY 2019 Total")
    assert total.height == 1071 and total["value"].sum() == 93_963_648
    assert result.source == "US DoD Comptroller, budget exhibit R-1"  # told by the account titles
    assert set(result.lines["sheet"].to_list()) == {None}
    assert total["row"].min() == (3 if banner else 2)  # the CSV record number
    assert result.rejected.height == 0
    assert contract_rejections(result, measures=dod_exhibits.MEASURES).height == 0
    banners = result.reconciliations.filter(pl.col("check").str.contains("Total of Displayed Rows"))
    assert banners.height == (14 if banner else 0) and banners["passed"].all()


def test_a_csv_damaged_past_its_header_is_a_clear_error_naming_the_row(tmp_path):
    """A record past the first rows that csv cannot parse (a field longer than csv's 131,072-character limit) is
    refused with InputFileError naming the file and the record, not an AttributeError from a reader with no rows."""
    path = write_csv(shared_file(f"{EXHIBIT_DIR}/R-1.xlsx"), tmp_path / "r1.csv", separators=False, banner=False)
    with path.open("a", encoding="utf-8") as handle:
        handle.write('"' + "x" * 200_000 + '",1\n')
    records = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(InputFileError) as refused:
        read(path, "r1.csv")
    assert refused.value.file == "r1.csv" and refused.value.row == records
    assert "not a well-formed delimited file" in str(refused.value) and "field larger than field limit" in str(
        refused.value
    )


# --- other editions, synthetic -------------------------------------------------------------------------------------
FY2026_HEADER = [
    "Organization",
    "Account",
    "Account\nTitle",
    "Budget\nActivity",
    "Budget Activity Title",
    "Program\nElement",
    "Program Element Title",
    "FY 2024\nActuals",
    "FY 2025\nEnacted*",
    "FY 2026\nRequest\nDiscretionary",
    "FY 2026\nReconciliation\nRequest",
    "FY 2026\nTotal\nRequest",
    "Remarks",
]
FY2026_ROWS = [
    ["SF", "3620F", "Research, Development, Test & Eval, SF", 7, "Operational Systems Development", "1203940SF",
     "Space Domain Awareness", 100, 110, 120, 30, 150, None],
    ["SDA", "0400D", "Research, Development, Test & Eval, DW", 7.0, "Operational Systems Development", "1206410SDA",
     "Space Technology Development and Prototyping", "1,000", "-", None, 0, 5, None],
    ["AIR FORCE", "3600F", "Research, Development, Test & Eval, AF", "07", "Operational Systems Development",
     "1202247F", "AF TENCAP", 50, 60, 70, 0, 70, "MFP 12, not in the lineage table"],
    ["ARMY", "2040A", "Research, Development, Test & Eval, Army", "07", "Operational Systems Development",
     "9999999999", "Classified Programs", 1, 2, 3, 0, 3, None],
    ["NAVY", "1319N", "Research, Development, Test & Eval, Navy", "01", "Basic Research", "0601103N",
     "University Research Initiatives", 5, "12O", 7, 0, 9, None],
    [None, None, "Total RDT&E", None, None, None, None, 1156, 172, 200, 30, 237, None],
]  # fmt: skip


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture(scope="module")
def fy2026(tmp_path_factory):
    """A later edition: a cover sheet, a title row, columns moved and renamed, new phases and funding types, Space
    Force and SDA lines, codes as int/float/text, markers, a bad cell, a stated total row, footnotes."""
    rows = [["Department of Defense Fiscal Year 2026 Budget Estimates"], FY2026_HEADER, *FY2026_ROWS]
    rows += [[], ["* Full-year continuing resolution, P.L. 119-4."], ["Numbers may not add due to rounding."]]
    path = tmp_path_factory.mktemp("fy2026") / "r1_2026.xlsx"
    write_workbook(path, {"Cover": [["FY 2026 RDT&E Programs (R-1)"]], "Exhibit R-1": rows})
    return read(path)


def test_a_later_edition_reads_by_header_text(fy2026):
    lines = fy2026.lines
    assert fy2026.edition == "FY2026 President's Budget"
    meaning = lines.select("source_column", "period", "phase", "funding_type").unique().sort("source_column").rows()
    assert meaning == [
        ("FY 2024 Actuals", 2024, "actual", "total"),
        ("FY 2025 Enacted*", 2025, "enacted", "total"),
        ("FY 2026 Reconciliation Request", 2026, "request", "reconciliation"),
        ("FY 2026 Request Discretionary", 2026, "request", "discretionary"),
        ("FY 2026 Total Request", 2026, "request", "total"),
    ]
    space_force = line(fy2026, 3, "FY 2026 Total Request")
    assert (space_force["organization"], space_force["account"], space_force["value"]) == ("Space Force", "3620F", 150)
    assert space_force["budget_activity"] == "7"  # codes written as int, float or text read as written
    assert line(fy2026, 4, "FY 2024 Actuals")["budget_activity"] == "7"
    assert line(fy2026, 5, "FY 2024 Actuals")["budget_activity"] == "07"
    assert line(fy2026, 4, "FY 2024 Actuals")["value"] == 1000  # "1,000"
    assert line(fy2026, 3, "FY 2025 Enacted*")["footnotes"] == "Full-year continuing resolution, P.L. 119-4."
    assert contract_rejections(fy2026, measures=dod_exhibits.MEASURES).height == 0


def test_space_force_and_sda_lines_are_space(fy2026):
    flags = fy2026.lines.filter(pl.col("source_column") == "FY 2024 Actuals").sort("row")
    assert flags.select("row", "is_space").rows() == [
        (3, True),
        (4, True),
        (5, False),
        (6, False),
        (7, False),
        (8, False),
    ]
    # an Air Force MFP-12 program element is not space from FY 2021 on unless the lineage table lists it (AF TENCAP
    # is not there: whether it moved to the Space Force is not checked)


def test_markers_bad_cells_classified_and_totals(fy2026):
    sda_enacted = line(fy2026, 4, "FY 2025 Enacted*")
    assert (sda_enacted["value"], sda_enacted["missing_marker"]) == (None, "-")
    blank = line(fy2026, 4, "FY 2026 Request Discretionary")
    assert (blank["value"], blank["missing_marker"]) == (None, "empty")
    assert fy2026.rejected.select("sheet", "row", "column", "rule", "value").rows() == [
        ("Exhibit R-1", 7, "FY 2025 Enacted*", "type: number", "12O")
    ]
    assert fy2026.lines.filter((pl.col("row") == 7) & (pl.col("source_column") == "FY 2025 Enacted*")).is_empty()
    assert line(fy2026, 6, "FY 2024 Actuals")["is_classified_aggregate"]
    total = line(fy2026, 8, "FY 2024 Actuals")
    assert total["is_total"] and total["value"] == 1156


def test_reconciliations_of_a_later_edition(fy2026):
    recs = fy2026.reconciliations
    total_rows = recs.filter(pl.col("row") == 8).sort("check")
    # FY 2024: 100 + 1,000 + 50 + 1 + 5 = 1,156 stated; FY 2025: 110 + 60 + 2 = 172 (the bad cell and "-" dropped)
    assert total_rows.filter(pl.col("check").str.contains("FY 2024 Actuals"))["passed"].to_list() == [True]
    assert total_rows.filter(pl.col("check").str.contains("FY 2025 Enacted"))["computed"].to_list() == [172.0]
    components = recs.filter(pl.col("check").str.contains("= FY 2026 Request Discretionary \\+"))
    # row 7: 7 + 0 != 9; row 4 has a blank discretionary cell and is not checked
    assert components.filter(pl.col("row").is_not_null()).select("row", "stated", "computed").rows() == [(7, 9.0, 7.0)]
    summary = components.filter(pl.col("row").is_null()).row(0, named=True)
    assert "4 lines, 1 do not add up" in summary["check"] and not summary["passed"]
    notes = " ".join(fy2026.notes)
    assert "Sheets without an exhibit header, not read: ['Cover']" in notes
    assert "Columns not read: ['Remarks']" in notes
    assert "Numbers may not add due to rounding." in notes
    assert "Title rows above the header row 2" in notes


M1_HEADER = ["Account", "Account Title", "Budget Sub Activity", "Budget Sub Activity Title"]
ARMY_PAY = ["2010A", "Military Personnel, Army", "005", "Basic Pay", 10, 1, 11]
AIR_FORCE_PAY = ["3500F", "Military Personnel, Air Force", "005", "Basic Pay", 20, 2, 22]


def banner(*totals):
    return [None, None, None, "Total of Displayed Rows", *totals]


def test_views_and_parts_are_reconciled_not_read(tmp_path):
    header = [*M1_HEADER, "FY 2019 Base", "FY 2019 OCO", "FY 2019 Total"]
    sheets = {
        "Exhibit M-1": [banner(30, 3, 33), header, ARMY_PAY, AIR_FORCE_PAY],
        "Army": [banner(10, 1, 11), header, ARMY_PAY],
        "Air Force": [banner(20, 2, 22), header, AIR_FORCE_PAY],
        "FY 2019 Total": [banner(34), [*M1_HEADER, "FY 2019 Total"], ARMY_PAY[:4] + [11], AIR_FORCE_PAY[:4] + [22]],
    }
    result = read(write_workbook(tmp_path / "m1.xlsx", sheets))
    assert set(result.lines["sheet"]) == {"Exhibit M-1"} and result.lines.height == 6  # 2 lines x 3 columns
    recs = result.reconciliations
    parts = recs.filter(pl.col("check").str.contains("'Army' \\+ 'Air Force'"))
    assert parts.height == 3 and parts["passed"].all()
    view = recs.filter(pl.col("sheet") == "FY 2019 Total").row(0, named=True)
    assert (view["stated"], view["computed"], view["passed"]) == (34.0, 33.0, False)  # the view disagrees
    assert recs.filter(pl.col("sheet") == "Exhibit M-1")["passed"].all()


def test_a_banner_without_cached_values_states_nothing(tmp_path):
    header = [*M1_HEADER, "FY 2019 Base", "FY 2019 OCO", "FY 2019 Total"]
    formulas = banner("=SUBTOTAL(9,E3:E100)", "=SUBTOTAL(9,F3:F100)", "=SUBTOTAL(9,G3:G100)")
    result = read(write_workbook(tmp_path / "m1.xlsx", {"Exhibit M-1": [formulas, header, ARMY_PAY]}))
    assert result.lines.height == 3 and result.rejected.height == 0
    assert result.reconciliations.filter(pl.col("check").str.contains("Displayed Rows")).is_empty()
    assert any("'Total of Displayed Rows' banner" in note for note in result.notes)


def test_air_force_space_before_the_space_force(tmp_path):
    header = ["Account", "Account Title", "Organization", "PE / BLI", "PE / BLI Title", "FY 2020 Base", "FY 2020 OCO"]
    rows = [
        header,
        ["3600F", "Research, Development, Test & Eval, AF", "AF", "1206853F", "EELV", 10, 1],
        ["3600F", "Research, Development, Test & Eval, AF", "AF", "0604015F", "Long Range Strike - Bomber", 20, 2],
        ["1319N", "Research, Development, Test & Eval, Navy", "NAVY", "1203109N", "Satellite Communications", 30, 3],
    ]
    result = read(write_workbook(tmp_path / "r1_2020.xlsx", {"Exhibit R-1": rows}))
    flags = result.lines.filter(pl.col("source_column") == "FY 2020 Base").sort("row")["is_space"].to_list()
    assert flags == [True, False, False]
    assert result.edition == "FY2020 President's Budget"


def test_a_column_without_a_phase_a_year_before_the_budget_is_refused(tmp_path):
    rows = [["Account", "Account Title", "Line Item", "FY 2018 Base", "FY 2019 Base"], ["2031A", "Aircraft", "X", 1, 2]]
    path = write_workbook(tmp_path / "p1.xlsx", {"Exhibit P-1": rows})
    with pytest.raises(InputFileError, match="column 'FY 2018 Base'.*FY 2018 without saying") as error:
        read(path, "p1.xlsx")
    assert "p1.xlsx" in str(error.value)


def test_a_workbook_without_an_exhibit_sheet_is_refused(tmp_path):
    path = write_workbook(tmp_path / "x.xlsx", {"Notes": [["Account", "Notes"], ["2040A", "nothing here"]]})
    assert not dod_exhibits.sniff(Probe(path, "x.xlsx"))
    with pytest.raises(InputFileError, match="x.xlsx.*no sheet has an exhibit header"):
        read(path, "x.xlsx")


def test_a_missing_line_item_column_is_refused(tmp_path):
    rows = [["Account", "Account Title", "FY 2019 Base", "FY 2019 OCO"], ["2040A", "RDT&E, Army", 1, 2]]
    path = write_workbook(tmp_path / "r1.xlsx", {"Exhibit R-1": rows})
    with pytest.raises(InputFileError, match="sheet 'Exhibit R-1', row 1: the header has no line-item column"):
        read(path, "r1.xlsx")


def test_a_truncated_workbook_is_a_clear_error(tmp_path):
    real = shared_file(f"{EXHIBIT_DIR}/R-1.xlsx").read_bytes()
    path = tmp_path / "R-1.xlsx"
    path.write_bytes(real[: len(real) // 2])
    with pytest.raises(InputFileError, match="file broken-R-1.xlsx") as error:
        read(path, "broken-R-1.xlsx")
    assert "truncated or corrupted" in str(error.value)


# --- detection -----------------------------------------------------------------------------------------------------
OTHER_FORMATS = [
    "sipri/SIPRI-Milex-data-1949-2024_2.xlsx",
    "sipri/SIPRI-Milex-data-2017-2025.xlsx",
    "worldbank/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip",
    "worldbank/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.csv",
    "worldbank/Metadata_Country_API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.csv",
    "owid/military-spending-as-a-share-of-gdp-sipri.csv",
    "nato/240617-def-exp-2024-TABLES-en.xlsx",
    "dod/greenbook_fy2022/FY22 PB Green Book Chap 1.xlsx",
    "dod/greenbook_fy2022/FY22 PB Green Book Chap 3.xlsx",
    "dod/greenbook_fy2022/FY22 PB Green Book Chap 6/FY22 PB Green Book Table 6-1.xlsx",
    "strategy/2018-01-19-national-defense-strategy-2018-summary.md",
]


@pytest.mark.parametrize("relative", OTHER_FORMATS)
def test_other_formats_are_not_sniffed(relative):
    probe = Probe(shared_file(relative), relative)
    try:
        assert not dod_exhibits.sniff(probe)
    finally:
        probe.close()


def test_binary_and_empty_files_are_not_sniffed(tmp_path):
    binary, empty = tmp_path / "random.bin", tmp_path / "empty.csv"
    binary.write_bytes(bytes(range(256)) * 64)
    empty.write_bytes(b"")
    assert not dod_exhibits.sniff(Probe(binary, "random.bin"))
    assert not dod_exhibits.sniff(Probe(empty, "empty.csv"))


# --- the FY 2019 files keep their meaning, but for the deliberate fixes ---------------------------------------------
#: Every amount column of the FY 2019 R-1, O-1, M-1 and RF-1 (P-1 and P-1R: the same with " Quantity"/" Amount"):
#: (fiscal year, phase, funding type). Only the two Less Enacted columns changed: they were (enacted, emergency).
FY2019_COLUMNS = {
    "FY 2017 (Base + OCO)": (2017, "actual", "total"),
    "FY 2018 PB Request with CR Adj Base": (2018, "request", "base"),
    "FY 2018 Total PB Requests* with CR Adj Base": (2018, "request", "base"),
    "FY 2018 PB Request with CR Adj OCO": (2018, "request", "oco"),
    "FY 2018 Total PB Requests+ with CR Adj OCO": (2018, "request", "oco"),
    "FY 2018 Emergency Requests** Emergency": (2018, "request", "emergency"),
    "FY 2018 Less Enacted Div B P.L.115-96*** MDDE + Ship Repairs": (2018, "request", "less_enacted"),
    "FY 2018 Remaining Req Emergency": (2018, "request", "emergency"),
    "FY 2018 Total PB Requests* with CR Adj Base + OCO + Emergency**": (2018, "request", "total"),
    "FY 2018 Less Enacted DIV B P.L.115-96*** MDDE + Ship Repairs": (2018, "request", "less_enacted"),
    "FY 2018 Remaining Req with CR Adj Base + OCO + Emergency": (2018, "request", "total"),
    "FY 2019 Base": (2019, "request", "base"),
    "FY 2019 OCO": (2019, "request", "oco"),
    "FY 2019 Total": (2019, "request", "total"),
}
#: Lines read from each file before and after the fixes (the same cells; nothing dropped or added).
FY2019_LINES = {"R-1": 14_994, "P-1": 32_452, "P-1R": 10_864, "O-1": 5_740, "M-1": 3_640, "RF-1": 322}


@pytest.mark.parametrize("name", EXHIBITS)
def test_fy2019_columns_keep_their_meaning_but_for_the_deductions(results, name):
    lines = results[name].lines
    assert lines.height == FY2019_LINES[name]
    suffixes = {"procurement_quantity": " Quantity", "budget_authority": " Amount"} if name.startswith("P-1") else None
    expected = {
        (f"{column}{suffixes[measure]}" if suffixes else column, *meaning, measure)
        for column, meaning in FY2019_COLUMNS.items()
        for measure in (("procurement_quantity", "budget_authority") if suffixes else ("budget_authority",))
    }
    columns = lines.filter(pl.col("funding_type") != "cr_adjustment")
    found = set(columns.select("source_column", "period", "phase", "funding_type", "measure").unique().rows())
    assert found == expected
    # no FY 2019 figure is enacted: the deductions are not an enacted amount, the CR-adjusted columns not one either
    assert lines.filter(pl.col("phase") == "enacted").is_empty()
    # the per-line arithmetic of the deductions holds on every line: remaining = request + deduction
    deductions = results[name].reconciliations.filter(pl.col("check").str.contains(" \\+ FY 2018 Less Enacted"))
    assert deductions.height == (4 if suffixes else 2) and deductions["passed"].all()


def test_less_enacted_is_a_deduction_and_cr_adjustments_are_marked(results):
    r1 = results["R-1"]
    less = r1.lines.filter(pl.col("source_column") == "FY 2018 Less Enacted Div B P.L.115-96*** MDDE + Ship Repairs")
    assert less["value"].sum() == -1_346_664  # P1, the banner; and Emergency Requests (O1) 1,346,664
    assert set(less["funding_type"]) == {"less_enacted"} and set(less["phase"]) == {"request"}
    assert dod_exhibits.BASES["less_enacted"] in less["footnotes"][0]
    remaining = r1.reconciliations.filter(pl.col("check").str.starts_with("FY 2018 Remaining Req with CR Adj"))
    summary = remaining.filter(pl.col("row").is_null()).row(0, named=True)
    assert (summary["stated"], summary["computed"], summary["passed"]) == (74_779_785, 74_779_785, True)  # T1
    # the R-1 "Continuing Resolution Programs" lines (PE 0901560x) bring each account to the annualized CR level
    column = "FY 2018 PB Request with CR Adj Base"
    adjustments = r1.lines.filter((pl.col("source_column") == column) & (pl.col("funding_type") == "cr_adjustment"))
    # K236 Army, K501 Navy, K812 Air Force, K1051 Defense-Wide, K1055 Operational Test & Evaluation
    assert adjustments.select("row", "value").rows() == [
        (236, -1_151_993),
        (501, -558_059),
        (812, -7_336_882),
        (1051, -1_851_661),
        (1055, -26_234),
    ]
    assert set(adjustments["line_item_title"]) == {"Continuing Resolution Programs"}
    # the column adds up to the CR level (K1, 73,325,858); without the adjustments, the request
    column_lines = r1.lines.filter(pl.col("source_column") == column)
    assert column_lines["value"].sum() == 73_325_858
    assert column_lines.filter(pl.col("funding_type") == "base")["value"].sum() == 73_325_858 + 10_924_829
    p1 = results["P-1"]
    space_cr = line(p1, 986, "FY 2018 PB Request with CR Adj Base Amount")  # Q986: 3021F Adj to Match CR
    assert (space_cr["value"], space_cr["funding_type"], space_cr["is_space"]) == (-758_379, "cr_adjustment", True)
    assert line(p1, 986, "FY 2018 PB Request with CR Adj OCO Amount")["value"] == 17_644  # U986


# --- the program element lineage ------------------------------------------------------------------------------------
def test_fy2017_space_rdte_includes_the_renumbered_program_elements(results):
    r1 = results["R-1"]
    fy2017 = r1.lines.filter((pl.col("source_column") == "FY 2017 (Base + OCO)") & pl.col("is_space"))
    # 0 before the lineage table (every space PE had been renumbered after FY 2017); now the 35 old PEs, 36 rows,
    # carry all of it (the 47 MFP-12 and space-titled lines have 0 in FY 2017)
    assert fy2017.filter(pl.col("value") != 0)["line_item"].str.contains(r"^0\d{6}F$").all()
    assert fy2017.filter(pl.col("value") != 0).height == 36 and fy2017["value"].sum() == 2_841_311
    by_pe = dict(fy2017.group_by("line_item").agg(pl.col("value").sum()).iter_rows())
    assert by_pe["0604853F"] == 381_360  # J591: EELV, 381.4 US$ millions
    assert by_pe["0305265F"] == 165_794  # J761: GPS III Space Segment
    assert by_pe["0604441F"] == 161_966  # J583: SBIRS High EMD
    assert by_pe["0605431F"] == 221_584  # J602: Advanced EHF
    assert by_pe["0305164F"] == 297_975  # J554: NAVSTAR GPS user equipment
    assert by_pe["0604426F"] == 162_510  # J581: Space Fence
    assert by_pe["0604425F"] == 9_901 + 25_540  # J546 and J580: one PE in two budget activities
    assert set(fy2017["organization"]) == {"Air Force"}  # they were Air Force lines; the organization is as written
    # FY 2018 gains the two old PEs that still carry FY 2018 figures: 0602601F (K511) and 0603438F (OCO, M532)
    fy2018 = r1.lines.filter((pl.col("source_column") == "FY 2018 PB Request with CR Adj Base") & pl.col("is_space"))
    assert fy2018["value"].sum() == 3_165_909 + 116_503
    notes = " ".join(r1.notes)
    # 78 R-1 lines are in the table: the 36 rows of old PEs and 42 rows of MFP-12 PEs that moved to the Space Force
    assert "83 of 1,071 source lines (78 in the program element lineage table)" in notes


def test_every_renumbering_in_the_lineage_table_is_in_the_fy2019_r1(results):
    lineage = dod_exhibits.program_element_lineage()
    assert lineage.height == 76 and lineage["program_element"].is_unique().all()
    r1 = results["R-1"].lines.filter(pl.col("account") == "3600F")
    fy2017 = dict(
        r1.filter(pl.col("source_column") == "FY 2017 (Base + OCO)")
        .group_by("line_item")
        .agg(pl.col("value").sum())
        .iter_rows()
    )
    later = r1.filter(pl.col("source_column").is_in(["FY 2018 PB Request with CR Adj Base", "FY 2019 Total"]))
    later = dict(later.group_by("line_item").agg(pl.col("value").abs().sum()).iter_rows())
    titles = dict(r1.select("line_item", "line_item_title").unique("line_item").iter_rows())
    renumbered = lineage.filter(pl.col("lineage_kind") == "renumbered_to")
    assert renumbered.height == 35
    for old, new in renumbered.select("program_element", "successor_program_element").iter_rows():
        assert " ".join(titles[old].split()).lower() == " ".join(titles[new].split()).lower(), old
        assert fy2017[old] > 0 and fy2017[new] == 0 and later[new] > 0, old
    transferred = lineage.filter(pl.col("lineage_kind") == "transferred_to_space_force")
    assert all(pe in titles for pe in transferred["program_element"])  # each is an FY 2019 MFP-12 line
    assert (transferred["successor_program_element"] == transferred["program_element"].str.replace("F$", "SF")).all()


def test_the_lineage_table_meets_its_contract():
    from pipelines.intake.shipped import validate_resource
    from pipelines.paths import REPO_ROOT, Layout
    from pipelines.sources.datapackage import load_package

    layout = Layout(REPO_ROOT)
    table = validate_resource(layout, load_package(layout.reference)["program_element_lineage"])
    assert (table.valid.height, table.rejected.height) == (76, 0)


def test_a_lineage_program_element_is_space_from_its_first_space_year(tmp_path, monkeypatch):
    lineage = pl.DataFrame(
        {"program_element": ["0604853F"], "first_space_fiscal_year": [2018]},
        schema_overrides={"first_space_fiscal_year": pl.Int64},
    )
    monkeypatch.setattr(dod_exhibits, "program_element_lineage", lambda: lineage)
    header = ["Account", "Account Title", "Organization", "PE / BLI", "PE / BLI Title", "FY 2017 Actuals",
              "FY 2018 Enacted", "FY 2019 Request"]  # fmt: skip
    rows = [header, ["3600F", "RDT&E, AF", "AF", "0604853F", "EELV", 381_360, 200, 0]]
    result = read(write_workbook(tmp_path / "r1.xlsx", {"Exhibit R-1": rows}))
    flags = result.lines.sort("period").select("period", "is_space").rows()
    assert flags == [(2017, False), (2018, True), (2019, True)]


# --- Space Force accounts and organizations ---------------------------------------------------------------------------
def test_space_force_accounts_are_organization_space_force(tmp_path, results):
    header = ["Account", "Account Title", "Organization", "Budget Activity", "Line Item", "Line Item Title",
              "FY 2020 Actuals", "FY 2021 Enacted", "FY 2022 Disc Request"]  # fmt: skip
    rows = [
        header,
        ["3022F", "Procurement, Space Force", "F", "01", "NSSL00", "National Security Space Launch", 1, 2, 3],
        ["3620F", "Research, Development, Test & Eval, SF", "F", "07", "1206853SF", "NSSL", 4, 5, 6],
        ["57-3410", "Operation & Maintenance, Space Force", "F", "01", "011W", "Global C3I & Early Warning", 7, 8, 9],
        ["3010F", "Aircraft Procurement, Air Force", "F", "01", "ATA000", "F-35", 10, 11, 12],
        ["3021F", "Space Procurement, Air Force", "F", "01", "GPSIII", "GPS III Space Segment", 13, 14, 15],
    ]
    result = read(write_workbook(tmp_path / "p1_2022.xlsx", {"Exhibit P-1": rows}))
    latest = result.lines.filter(pl.col("period") == 2022).sort("row")
    assert latest.select("account", "organization", "is_space").rows() == [
        ("3022F", "Space Force", True),
        ("3620F", "Space Force", True),
        ("57-3410", "Space Force", True),
        ("3010F", "Air Force", False),
        ("3021F", "Air Force", True),  # titled Air Force: the space account before the Space Force, still space
    ]
    # the FY 2019 P-1's 3021F lines stay Air Force (the Space Force did not exist), and space
    space_procurement = results["P-1"].lines.filter(pl.col("account") == "3021F")
    assert set(space_procurement["organization"]) == {"Air Force"} and space_procurement["is_space"].all()


def test_budget_line_item_headers_are_read(tmp_path):
    header = ["Account", "Account Title", "Organization", "Budget Line Item (BLI)", "Budget Line Item (BLI) Title",
              "FY 2023 Actuals Quantity", "FY 2023 Actuals Amount", "FY 2024 Enacted Amount",
              "FY 2025 Disc Request Amount"]  # fmt: skip
    rows = [header, ["3022F", "Procurement, Space Force", "F", "GPSIII", "GPS III Space Segment", 2, 650_000, 1, 2]]
    result = read(write_workbook(tmp_path / "p1_2025.xlsx", {"Exhibit P-1": rows}))
    gps = result.lines.filter(pl.col("source_column") == "FY 2023 Actuals Amount").row(0, named=True)
    assert (gps["line_item"], gps["line_item_title"], gps["value"]) == ("GPSIII", "GPS III Space Segment", 650_000)
    assert result.edition == "FY2025 President's Budget"


def test_an_unknown_header_word_refuses_the_file_naming_the_column(tmp_path):
    rows = [
        ["Account", "Account Title", "PE / BLI", "FY 2026 Enacted", "FY 2027 Rescission"],
        ["3620F", "x", "y", 1, 2],
    ]
    path = write_workbook(tmp_path / "r1_2027.xlsx", {"Exhibit R-1": rows})
    with pytest.raises(InputFileError, match="file r1_2027.xlsx.*column 'FY 2027 Rescission'.*'Rescission'"):
        read(path, "r1_2027.xlsx")


# --- a FY 2027-style R-1 --------------------------------------------------------------------------------------------
FY2027_HEADER = [
    "Account", "Account Title", "Organization", "Budget Activity", "Budget Activity Title", "Line Number",
    "PE / BLI", "Program Element / Budget Line Item (BLI) Title",
    "FY 2025\nActuals", "FY 2025\nReconciliation", "FY 2026\nDisc\nEnacted", "FY 2026\nPL 119-21\nSpend Plan",
    "FY 2026\nTotal", "FY 2027\nDiscretionary\nRequest", "FY 2027\nMandatory\nRequest", "FY 2027\nTotal",
]  # fmt: skip
RDTE_SF = "Research, Development, Test & Evaluation, Space Force"
FY2027_ROWS = [
    ["3620F", RDTE_SF, "F", "05", "System Development & Demonstration", 20, "1206442SF", "Next Generation OPIR",
     4_100_000, 0, 3_500_000, 0, 3_500_000, 3_200_000, 0, 3_200_000],
    ["3620F", RDTE_SF, "F", "05", "System Development & Demonstration", 28, "1206853SF",
     "National Security Space Launch Program (SPACE) - EMD", 180_000, 0, 150_000, 25_000, 175_000, 160_000, 40_000,
     200_000],
    ["3620F", RDTE_SF, "F", "04", "Advanced Component Development & Prototypes", 14, "1206410SF",
     "Space Technology Development and Prototyping", 3_900_000, 500_000, 4_200_000, 1_200_000, 5_400_000, 4_000_000,
     1_500_000, 5_500_000],
    ["3600F", "Research, Development, Test & Evaluation, Air Force", "F", "07", "Operational Systems Development", 190,
     "0207138F", "F-22A", 300_000, 0, 320_000, 0, 320_000, 310_000, 0, 310_000],
    ["0400D", "Research, Development, Test & Evaluation, Defense-Wide", "MDA", "04",
     "Advanced Component Development & Prototypes", 95, "0603882C",
     "Ballistic Missile Defense Midcourse Defense Segment", 1_000_000, 200_000, 1_050_000, 300_000, 1_350_000,
     1_100_000, 400_000, 1_500_000],
]  # fmt: skip


def fy2027_workbook(path: Path, rows: list[list]) -> Path:
    totals = [sum(r[i] for r in rows) for i in range(8, 16)]
    banner = [None] * 7 + ["Total of Displayed Rows", *totals]
    footnote = ["P.L. 119-21: An Act to provide for reconciliation pursuant to title II of H. Con. Res. 14."]
    return write_workbook(path, {"Exhibit R-1": [banner, FY2027_HEADER, *rows, [], footnote]})


@pytest.fixture(scope="module")
def fy2027(tmp_path_factory):
    return read(fy2027_workbook(tmp_path_factory.mktemp("fy2027") / "r1_2027.xlsx", FY2027_ROWS))


def test_a_fy2027_r1_reads_the_new_columns(fy2027):
    assert fy2027.edition == "FY2027 President's Budget" and fy2027.rejected.height == 0
    meaning = fy2027.lines.select("source_column", "period", "phase", "funding_type").unique().sort("source_column")
    assert meaning.rows() == [
        ("FY 2025 Actuals", 2025, "actual", "total"),
        ("FY 2025 Reconciliation", 2025, "actual", "reconciliation"),
        ("FY 2026 Disc Enacted", 2026, "enacted", "discretionary"),
        ("FY 2026 PL 119-21 Spend Plan", 2026, "enacted", "reconciliation"),
        ("FY 2026 Total", 2026, "enacted", "total"),
        ("FY 2027 Discretionary Request", 2027, "request", "discretionary"),
        ("FY 2027 Mandatory Request", 2027, "request", "mandatory"),
        ("FY 2027 Total", 2027, "request", "total"),
    ]
    assert contract_rejections(fy2027, measures=dod_exhibits.MEASURES).height == 0
    nssl = line(fy2027, 4, "FY 2026 PL 119-21 Spend Plan")
    assert (nssl["value"], nssl["line_item"], nssl["line_item_title"]) == (
        25_000,
        "1206853SF",
        "National Security Space Launch Program (SPACE) - EMD",
    )
    assert nssl["footnotes"] == dod_exhibits.BASES["spend_plan"]
    # the organization column writes F; the account is the Space Force's
    space = fy2027.lines.filter(pl.col("source_column") == "FY 2027 Total").sort("row")
    assert space.select("organization", "is_space").rows() == [
        ("Space Force", True),
        ("Space Force", True),
        ("Space Force", True),
        ("Air Force", False),
        ("MDA", False),
    ]


def test_a_fy2027_r1_reconciles_totals_and_never_adds_a_total_to_its_parts(fy2027):
    recs = fy2027.reconciliations
    assert recs["passed"].all()
    banners = recs.filter(pl.col("check").str.contains("Total of Displayed Rows"))
    assert banners.height == 8
    assert banners.filter(pl.col("check").str.starts_with("FY 2026 Total:"))["stated"].to_list() == [10_745_000]
    per_line = recs.filter(pl.col("row").is_null() & pl.col("check").str.contains("line by line")).sort("check")
    assert per_line.select("check", "stated", "computed").rows() == [
        (
            "FY 2026 Total = FY 2026 Disc Enacted + FY 2026 PL 119-21 Spend Plan, line by line (5 lines, 0 do not "
            "add up)",
            10_745_000,
            9_220_000 + 1_525_000,  # the parts alone: the total column is not among them
        ),
        (
            "FY 2027 Total = FY 2027 Discretionary Request + FY 2027 Mandatory Request, line by line (5 lines, 0 do "
            "not add up)",
            10_710_000,
            8_770_000 + 1_940_000,
        ),
    ]
    # FY 2025 has one part beside its total (Reconciliation): nothing to add up
    assert recs.filter(pl.col("check").str.contains("FY 2025 Actuals =")).is_empty()


def test_a_fy2027_line_that_does_not_add_up_is_named(tmp_path):
    rows = [list(r) for r in FY2027_ROWS]
    rows[1][12] = 175_010  # NSSL FY 2026 Total 10 more than 150,000 + 25,000
    result = read(fy2027_workbook(tmp_path / "r1.xlsx", rows))
    failed = result.reconciliations.filter(~pl.col("passed"))
    assert failed.select("row", "stated", "computed").rows() == [(4, 175_010, 175_000), (None, 10_745_010, 10_745_000)]
