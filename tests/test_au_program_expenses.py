"""Department of Finance program expense line items (reader au_program_expenses), on the real 2024-25 CSV in
../shared/data (Windows-1252) and on synthetic files.

Expected values of the real file were read by hand in a text editor (decoded as Windows-1252); the CSV row (header =
row 1) is named next to each one.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.errors import InputFileError
from pipelines.nations import default_names
from pipelines.sources import au_pbs, au_program_expenses
from pipelines.sources.probe import Probe
from tests.conftest import SHARED_DATA, shared_file
from tests.source_helpers import contract_rejections

CSV = "national/australia/2024-25-pbs-program-expense-line-items.csv"
DEFENCE_PBS = "national/australia/2024-25 PB Statement - Defence.xlsx"
IDENTITY = ["category", "organization", "account", "appropriation_title", "line_item", "cost_type", "period"]


@pytest.fixture(scope="module")
def result():
    return au_program_expenses.read(shared_file(CSV), "lines.csv", default_names())


def figure(result, row: int, column: str) -> dict:
    found = result.lines.filter((pl.col("row") == row) & (pl.col("source_column") == column))
    assert found.height == 1, (row, column, found.height)
    return found.row(0, named=True)


def test_a_defence_line_item_read_by_hand(result):
    # row 461: Defence, Department of Defence, Outcome 2, "Program 2.6 Army Capabilities", Departmental Expenses,
    # "Expenditure funded by appropriations": 11274542, 11751745, 13071365, 13700574, 14378939
    budget = figure(result, 461, "2024-25")
    assert budget["value"] == 11_751_745
    assert (budget["organization"], budget["budget_activity_title"], budget["account"], budget["line_item"]) == (
        "Department of Defence",
        "Defence",
        "Outcome 2",
        "2.6",
    )
    assert (budget["cost_type"], budget["appropriation_title"]) == (
        "Expenditure funded by appropriations",
        "Departmental Expenses",
    )
    assert (budget["phase"], budget["period"], budget["measure"]) == ("request", 2025, "program_expenses")
    previous, last = figure(result, 461, "2023-24"), figure(result, 461, "2027-28")
    assert (previous["value"], previous["phase"], previous["is_estimate"]) == (11_274_542, "actual", True)
    assert (last["value"], last["phase"], last["period"]) == (14_378_939, "projection", 2028)
    assert (budget["unit"], budget["unit_factor"], budget["fiscal_year_label"]) == ("AUD thousands", 1000.0, "end")
    assert result.edition == "Budget FY2025 program expense line items"


def test_windows_1252_characters_are_decoded(result):
    # row 5: "Program 1.1 Attorney-General’s Department Operating Expenses — Legal Services and Families" (bytes
    # 0x92 and 0x97 in the file)
    line = figure(result, 5, "2024-25")
    assert line["line_item_title"] == (
        "Program 1.1 Attorney-General\u2019s Department Operating Expenses \u2014 Legal Services and Families"
    )


def test_nfp_is_a_missing_marker_and_components_are_their_own_category(result):
    # row 268: Department of Climate Change, Energy, the Environment and Water, "Special appropriations": nfp x 5
    line = figure(result, 268, "2024-25")
    assert (line["value"], line["missing_marker"]) == (None, "nfp")
    assert result.lines.filter(pl.col("missing_marker") == "nfp").height == 39  # cells written nfp, counted by hand
    # row 112: Federal Court, "1.1.1 - Component 1 ...", Program Component rows restate a program by component
    component = figure(result, 112, "2024-25")
    assert (component["category"], component["line_item"], component["value"]) == (
        "program component line items",
        "1.1.1",
        69_847,
    )


def test_every_line_has_an_identity_of_its_own_and_keeps_the_contract(result):
    assert result.lines.height == 1882 * 5 and result.rejected.height == 0
    assert result.lines.filter(pl.struct(IDENTITY).is_duplicated()).height == 0
    # rows 199 and 200: two Farm Household Support Act lines of program 1.12 written the same
    assert figure(result, 200, "2024-25")["cost_type"].endswith("(occurrence 2)")
    assert contract_rejections(result, measures=au_program_expenses.MEASURES).height == 0


def test_department_of_defence_sum_agrees_with_the_pbs_program_lines(result):
    """The Department of Defence's 2024-25 line items are the program lines of its PBS tables 12 and 16 (Total
    Budgeted Resources Available for Outcome 1 and 2), so their sums agree to the dollar: 62,905,719 thousand.
    The PBS writes Program 2.19's only expenditure line as "Total Expenditure" (T-16 row 57, 305,192), which the
    PBS reader marks as a total; Finance's file has it as a line item."""
    csv_lines = result.lines.filter((pl.col("organization") == "Department of Defence") & (pl.col("period") == 2025))
    assert csv_lines["value"].sum() == 62_905_719
    portfolio = result.lines.filter((pl.col("budget_activity_title") == "Defence") & (pl.col("period") == 2025))
    assert set(portfolio["organization"]) >= {"Department of Defence", "Australian Signals Directorate"}
    pbs = au_pbs.read(shared_file(DEFENCE_PBS), "defence.xlsx", default_names()).lines.filter(
        (pl.col("category") == "Total budgeted resources by outcome")
        & pl.col("line_item").is_not_null()
        & (pl.col("period") == 2025)
    )
    parts = pbs.filter(~pl.col("is_total"))["value"].sum()
    program_2_19 = pbs.filter((pl.col("sheet") == "T-16") & (pl.col("row") == 57))["value"].item()
    assert (parts, program_2_19) == (62_600_527, 305_192)
    assert parts + program_2_19 == csv_lines["value"].sum()


# --- synthetic files --------------------------------------------------------------------------------------------

HEADER = (
    "Portfolio,Department/Agency,Outcome,Program,Expense type,Appropriation type,Description,2023-24,2024-25,"
    "2025-26,Source document,Source table,URL"
)


def write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "lines.csv"
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode("cp1252"))
    return path


def row(cells: str = "1,2,3") -> str:
    return (
        "Defence,Department of Defence,Outcome 1: Defend,Program 1.1 Ops,Departmental Expenses,Suppliers,,"
        f"{cells},2024-25 PB Statement - Defence.xlsx,T-12,"
    )


def test_synthetic_phases_from_the_source_documents_budget_year(tmp_path):
    result = au_program_expenses.read(write(tmp_path, row()), "lines.csv", default_names())
    phases = dict(result.lines.select("period", "phase").iter_rows())
    assert phases == {2024: "actual", 2025: "request", 2026: "projection"}


def test_synthetic_unparsable_number_is_rejected_with_its_row(tmp_path):
    result = au_program_expenses.read(write(tmp_path, row(), row('1,"1.234,5",3')), "lines.csv", default_names())
    assert result.rejected.select("row", "column", "value").rows() == [(3, "2024-25", "1.234,5")]
    assert result.lines.height == 5


def test_synthetic_unknown_header_is_refused_naming_file_and_column(tmp_path):
    with pytest.raises(InputFileError) as error:
        au_program_expenses.read(
            write(tmp_path, row() + ",x", header=HEADER + ",Revised 2024-25"), "lines.csv", default_names()
        )
    assert "lines.csv" in str(error.value) and "'Revised 2024-25'" in str(error.value)


def test_synthetic_without_a_budget_year_is_refused(tmp_path):
    with pytest.raises(InputFileError, match="budget years"):
        au_program_expenses.read(write(tmp_path, row().replace("2024-25 PB", "PB")), "lines.csv", default_names())


def sniff(path: Path) -> bool:
    probe = Probe(path, path.name)
    try:
        return au_program_expenses.sniff(probe)
    finally:
        probe.close()


def test_sniff_on_synthetic_files(tmp_path):
    assert sniff(write(tmp_path, row()))
    other = tmp_path / "other.csv"
    other.write_text("Entity,Code,Year,Military expenditure\nFrance,FRA,2020,1\n")
    assert not sniff(other)


@pytest.mark.slow
def test_sniff_claims_the_csv_and_no_other_real_file():
    if not SHARED_DATA.exists():
        pytest.skip(f"{SHARED_DATA} is absent: the real published files live in ../shared/data (present in CI)")
    files = sorted(p for p in SHARED_DATA.rglob("*") if p.is_file() and p.suffix in (".xlsx", ".csv", ".zip", ".tsv"))
    assert {str(p.relative_to(SHARED_DATA)) for p in files if sniff(p)} == {CSV}
