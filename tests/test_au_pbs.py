"""Australian Portfolio Budget Statements tables (reader au_pbs), on the real Defence, ASD and DHA workbooks in
../shared/data and on synthetic ones.

Expected values of the real files were read by hand with openpyxl (data_only=True); the sheet and cell are named
next to each one.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pipelines.errors import InputFileError
from pipelines.nations import default_names
from pipelines.sources import au_pbs
from pipelines.sources.probe import Probe
from tests.conftest import SHARED_DATA, shared_file
from tests.source_helpers import contract_rejections

FOLDER = "national/australia"
DEFENCE = f"{FOLDER}/2024-25 PB Statement - Defence.xlsx"
ASD = f"{FOLDER}/2024-25 PB Statement - ASD.xlsx"
DHA = f"{FOLDER}/2024-25 PB Statement - DHA.xlsx"
ESTIMATED_ACTUAL = "2023-24 Estimated Actual $'000"
BUDGET = "2024-25 Budget Estimate $'000"
IDENTITY = ["category", "organization", "account", "line_item", "cost_type", "is_total", "measure", "period"]


def read(relative: str):
    return au_pbs.read(shared_file(relative), Path(relative).name, default_names())


@pytest.fixture(scope="module")
def defence():
    return read(DEFENCE)


def figure(result, sheet: str, row: int, column: str) -> dict:
    found = result.lines.filter(
        (pl.col("sheet") == sheet) & (pl.col("row") == row) & (pl.col("source_column") == column)
    )
    assert found.height == 1, (sheet, row, column, found.height)
    return found.row(0, named=True)


# --- the real workbooks -----------------------------------------------------------------------------------------


def test_total_defence_resourcing_row_32(defence):
    # T-1 row 32 "Total Defence resourcing (19 + 23)": C32 55,492,018; F32 58,089,847; K32 71,417,655 ($'000)
    actual = figure(defence, "T-1", 32, ESTIMATED_ACTUAL)
    budget = figure(defence, "T-1", 32, BUDGET)
    forward = figure(defence, "T-1", 32, "2027-28 Forward Estimate $'000")
    assert (actual["value"], budget["value"], forward["value"]) == (55_492_018, 58_089_847, 71_417_655)
    assert (actual["period"], actual["phase"], actual["is_estimate"]) == (2024, "actual", True)
    assert (budget["period"], budget["phase"], budget["is_estimate"]) == (2025, "request", False)
    assert (forward["period"], forward["phase"]) == (2028, "projection")
    assert budget["measure"] == "resourcing" and budget["is_total"] and not budget["is_memo"]
    assert budget["cost_type"] == "Total Defence resourcing" and budget["category"] == "Total Defence resourcing"
    assert (budget["organization"], budget["entity_code"], budget["file"]) == (
        "Department of Defence",
        "AUS",
        "2024-25 PB Statement - Defence.xlsx",
    )
    assert (budget["unit"], budget["unit_factor"], budget["currency"]) == ("AUD thousands", 1000.0, "AUD")
    assert (budget["period_type"], budget["fiscal_year_start_month"], budget["fiscal_year_label"]) == (
        "fiscal_year",
        7,
        "end",
    )
    assert defence.edition == "Portfolio Budget Statements FY2025"


def test_previous_estimate_and_variation_columns_are_left_out_and_named(defence):
    t1 = defence.lines.filter(pl.col("sheet") == "T-1")
    assert set(t1["source_column"]) == {
        ESTIMATED_ACTUAL,
        BUDGET,
        *(f"{y} Forward Estimate $'000" for y in ("2025-26", "2026-27", "2027-28")),
    }
    assert 57_174_095 not in t1["value"].to_list()  # E32, the Previous Estimate
    assert any("Previous Estimate" in s and "left out" in s for s in defence.skipped)
    assert any("'Variation %'" in s for s in defence.skipped)
    # rows under "Appropriation carried forward" are memo lines: T-1 row 37 F37 1,736,378
    carried = figure(defence, "T-1", 37, BUDGET)
    assert carried["is_memo"] and carried["value"] == 1_736_378


def test_resources_by_program(defence):
    # T-16 row 27: Program 2.7 Air Force Capabilities, "Expenditure funded by appropriations", D27 9,469,480
    line = figure(defence, "T-16", 27, BUDGET)
    assert line["value"] == 9_469_480
    assert (line["account"], line["line_item"], line["line_item_title"]) == (
        "Outcome 2",
        "2.7",
        "Program 2.7 Air Force Capabilities",
    )
    assert (line["measure"], line["category"], line["is_total"]) == (
        "resourcing",
        "Total budgeted resources by outcome",
        False,
    )
    # T-16 row 91 "Total resources for Outcome 2", D91 57,593,482: a total with no program
    total = figure(defence, "T-16", 91, BUDGET)
    assert (total["value"], total["is_total"], total["line_item"]) == (57_593_482, True, None)


def test_cost_summary_by_program(defence):
    # T-17-38 row 7: Table 17, Program 2.1 Strategy, Policy and Industry, "Employees", D7 108,955
    employees = figure(defence, "T-17-38", 7, BUDGET)
    assert (employees["value"], employees["measure"], employees["line_item"], employees["account"]) == (
        108_955,
        "expenses",
        "2.1",
        "Outcome 2",
    )
    assert employees["cost_type"] == "Expenses funded by appropriation and own source revenue: Employees"
    # row 10: the unlabelled subtotal of that section, C10 836,649
    subtotal = figure(defence, "T-17-38", 10, ESTIMATED_ACTUAL)
    assert (subtotal["value"], subtotal["is_total"]) == (836_649, True)
    # row 18 "Purchases of non-financial assets" D18 18,071; row 22 the total funded expenditure D22 831,141
    assert figure(defence, "T-17-38", 18, BUDGET)["measure"] == "capital_expenditure"
    funded = figure(defence, "T-17-38", 22, BUDGET)
    assert (funded["value"], funded["measure"], funded["is_total"]) == (831_141, "funded_expenditure", True)
    # T-40 row 13 "License fees [b]" under "Income": D13 -23,978; row 16 the program's net cost D16 212,297
    assert figure(defence, "T-40", 13, BUDGET)["measure"] == "income"
    assert figure(defence, "T-40", 13, BUDGET)["value"] == -23_978
    net = figure(defence, "T-40", 16, BUDGET)
    assert (net["measure"], net["value"], net["is_total"], net["line_item"]) == ("net_cost", 212_297, True, "2.22")


def test_every_read_line_has_an_identity_of_its_own_and_keeps_the_contract(defence):
    assert defence.rejected.height == 0
    assert defence.lines.filter(pl.struct(IDENTITY).is_duplicated()).height == 0
    assert contract_rejections(defence, measures=au_pbs.MEASURES).height == 0
    assert set(defence.lines["sheet"]) == {"T-1", "T-12", "T-13-15", "T-16", "T-17-38", "T-39", "T-40", "T-41"}
    assert any(s.startswith("table 44 ") and "skipped" in s for s in defence.skipped)


def test_asd_and_dha_workbooks():
    asd, dha = read(ASD), read(DHA)
    # ASD "Table 3" row 7 "Employees", D7 599,887
    employees = figure(asd, "Table 3", 7, BUDGET)
    assert (employees["value"], employees["organization"], employees["line_item"]) == (
        599_887,
        "Australian Signals Directorate",
        "1.1",
    )
    # DHA "Table 2" row 8 "Total expenses for Program 1.1", C8 936,476 (header "2024-25 Budget Estimate $'000")
    total = figure(dha, "Table 2", 8, BUDGET)
    assert (total["value"], total["organization"], total["is_total"]) == (936_476, "Defence Housing Australia", True)
    # the average staffing level under the table (rows 10-11, a count of people) is not read
    assert dha.lines["row"].max() == 8 and any("second header row" in s for s in dha.skipped)
    assert asd.edition == dha.edition == "Portfolio Budget Statements FY2025"
    assert asd.rejected.height == dha.rejected.height == 0


# --- synthetic workbooks ----------------------------------------------------------------------------------------


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def expenses_table(phase: str = "Budget Estimate", cell: object = 120) -> list[list]:
    return [
        ["Table 1: XYZ Resource Statement - Budget Estimates for 2024-25"],
        [None, "2023-24 Estimated Actual $'000", "2024-25 Budget Estimate $'000"],
        ["Total resourcing for XYZ", 1, 2],
        [],
        ["Table 3: Budgeted Expenses for Outcome 1"],
        [None, "2023-24\nEstimated Actual \n$'000", f"2024-25 {phase} \n$'000", "2025-26 Forward Estimate \n$'000"],
        ["Program 1.1 - Things"],
        ["Expenses funded by appropriation"],
        ["Employees", 100, cell, "nfp"],
        ["Suppliers", "-", 10, None],
    ]


def read_synthetic(tmp_path: Path, rows: list[list], entity: str = "ASD"):
    rows = [[c.replace("XYZ", entity) if isinstance(c, str) else c for c in r] for r in rows]
    path = write_workbook(tmp_path / "tables.xlsx", {"Table 1": rows})
    return au_pbs.read(path, "tables.xlsx", default_names())


def test_synthetic_one_row_header_and_missing_markers(tmp_path):
    result = read_synthetic(tmp_path, expenses_table())
    lines = {(r["row"], r["source_column"]): r for r in result.lines.iter_rows(named=True)}
    assert lines[(9, "2024-25 Budget Estimate $'000")]["value"] == 120
    assert lines[(9, "2025-26 Forward Estimate $'000")]["missing_marker"] == "nfp"
    assert lines[(10, "2023-24 Estimated Actual $'000")]["missing_marker"] == "-"
    assert lines[(10, "2025-26 Forward Estimate $'000")]["missing_marker"] == "empty"
    assert lines[(10, "2025-26 Forward Estimate $'000")]["value"] is None
    assert set(result.lines["organization"]) == {"Australian Signals Directorate"}


def test_synthetic_unknown_phase_word_is_refused_naming_file_sheet_and_column(tmp_path):
    with pytest.raises(InputFileError) as error:
        read_synthetic(tmp_path, expenses_table(phase="Revised Estimate"))
    message = str(error.value)
    assert "tables.xlsx" in message and "'Table 1'" in message and "2024-25 Revised Estimate" in message
    assert "revised estimate" in message


def test_synthetic_unparsable_number_is_a_rejected_row(tmp_path):
    result = read_synthetic(tmp_path, expenses_table(cell="1.234,5"))
    assert result.rejected.select("sheet", "row", "column", "value").rows() == [
        ("Table 1", 9, "2024-25 Budget Estimate $'000", "1.234,5")
    ]
    assert result.lines.filter(pl.col("row") == 9).height == 2  # the row's other cells are read


def test_synthetic_unknown_entity_is_refused(tmp_path):
    with pytest.raises(InputFileError, match="entity 'xyz'"):
        read_synthetic(tmp_path, expenses_table(), entity="XYZ")


def test_sniff_on_synthetic_and_real_files(tmp_path):
    path = write_workbook(tmp_path / "a.xlsx", {"T": expenses_table()})
    other = write_workbook(tmp_path / "b.xlsx", {"T": [["Table 1: Budgeted Expenses for Outcome 1"], ["x", "y"]]})
    assert sniff(path) and not sniff(other)


def sniff(path: Path) -> bool:
    probe = Probe(path, path.name)
    try:
        return au_pbs.sniff(probe)
    finally:
        probe.close()


@pytest.mark.slow
def test_sniff_claims_the_three_workbooks_and_no_other_real_file():
    if not SHARED_DATA.exists():
        pytest.skip(f"{SHARED_DATA} is absent: the real published files live in ../shared/data (present in CI)")
    files = sorted(p for p in SHARED_DATA.rglob("*") if p.is_file() and p.suffix in (".xlsx", ".csv", ".zip"))
    claimed = {str(p.relative_to(SHARED_DATA)) for p in files if sniff(p)}
    assert claimed == {DEFENCE, ASD, DHA}
