"""The European Defence Agency's Defence Data workbooks (pipelines/sources/eda.py): six real editions read with
values checked by hand against the files, and synthetic workbooks for the layout variants and the refusals."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pipelines.errors import InputFileError
from pipelines.nations import default_names
from pipelines.sources import eda
from pipelines.sources.probe import Probe
from pipelines.sources.registry import detect
from tests.conftest import SHARED_DATA
from tests.source_helpers import contract_rejections, figure_identity_columns

real = pytest.mark.skipif(not SHARED_DATA.exists(), reason=f"{SHARED_DATA} is absent (present in CI)")

E2014 = "eda/eda-collective-and-national-defence-data-2005-2014-(excel).xlsx"
E2017E = "eda/eda-collective-and-national-defence-data-2005-2017e-(excel).xlsx"
E2018 = "eda/eda-collective-and-national-defence-data-2017-2018.xlsx"
E2019 = "eda/eda-collective-and-national-defence-data-2017-2019-(excel).xlsx"
E2020 = "eda/data-by-pms-for-the-eda-website.xlsx"
E2021 = "eda/defence-data-2021.xlsx"

#: What makes two lines one figure (as the warehouse decides it) and the unit.
IDENTITY = [*figure_identity_columns(), "unit", "unit_factor"]


def _read(relative: str):
    return eda.read(SHARED_DATA / relative, relative, default_names())


def _one(lines: pl.DataFrame, **where) -> dict:
    found = lines.filter(*[pl.col(k) == v for k, v in where.items()])
    assert found.height == 1, (where, found)
    return found.row(0, named=True)


@real
def test_germany_2017_share_of_gdp_is_revised_by_three_editions_with_one_identity():
    # Sheet "Germany", row 4 ("Total Defence Expenditure as % of GDP"), column 2017 in each edition: fractions
    # 0.012408 (2017-2018), 0.012352 (2017-2019), 0.012324 (2021), stored in percent.
    found = []
    for relative, expected in ((E2018, 1.240832325609632), (E2019, 1.235172212389489), (E2021, 1.2324123973971276)):
        line = _one(_read(relative).lines, entity_code="DEU", period=2017, measure="defence_expenditure_share_of_gdp")
        assert (line["sheet"], line["row"], line["source_column"]) == ("Germany", 4, "2017")
        assert line["value"] == pytest.approx(expected, rel=1e-12)
        assert line["unit"] == "percent of GDP" and line["currency"] is None and not line["is_estimate"]
        found.append(line)
    identities = {tuple(line[c] for c in IDENTITY) for line in found}
    assert len(identities) == 1, identities
    editions = [line["edition"] for line in found]
    assert editions == ["Defence Data (2017-2018)", "Defence Data (2017-2019)", "Defence Data (2017-2021)"]
    assert eda.CONFORMED["defence_expenditure_share_of_gdp"] == "milex_share_of_gdp"


@real
def test_hand_read_totals_with_their_provenance():
    # 2021 edition, sheet Germany, row 3 " Total Defence Expenditure ", 2017: 40,264.8848828 EUR million.
    line = _one(_read(E2021).lines, entity_code="DEU", period=2017, measure="defence_expenditure_eur", category="total")
    assert (line["sheet"], line["row"], line["source_column"]) == ("Germany", 3, "2017")
    assert line["value"] == pytest.approx(40264.8848828)
    assert line["is_total"] and line["unit"] == "EUR millions" and line["unit_factor"] == 1e6
    assert (line["currency"], line["price_basis"], line["period_type"]) == ("EUR", "current", "calendar_year")
    # 2005-2014 edition, sheet "DE Data", row 4 "Total Defence Expenditure (A+B+C+D+E)", 2014: 34,748.818.
    lines = _read(E2014).lines
    line = _one(lines, entity_code="DEU", period=2014, measure="defence_expenditure_eur", category="total")
    assert (line["sheet"], line["row"], line["source_column"]) == ("DE Data", 4, "2014")
    assert line["value"] == pytest.approx(34748.818) and line["entity_name"] == "GERMANY"
    # same sheet, "2015 e" column: the estimate 34,945, flagged
    line = _one(lines, entity_code="DEU", period=2015, measure="defence_expenditure_eur", category="total")
    assert line["value"] == pytest.approx(34945) and line["is_estimate"] and line["source_column"] == "2015 e"


@real
@pytest.mark.parametrize(
    ("relative", "sheet", "row", "column", "category", "value", "flags"),
    [
        # DE Data row 12 "____Defence Equipment Procurement Expenditure", 2014
        (E2014, "DE Data", 12, "2014", "equipment_procurement", 3781.254, {}),
        # Germany row 6 " A. Personnel Expenditure", 2017e: an estimate
        (E2017E, "Germany", 6, "2017e", "personnel", 19719.911, {"is_estimate": True}),
        # Germany row 9 "Defence Research and Development (R&D) Expenditure", 2017
        (E2018, "Germany", 9, "2017", "research_and_development", 1088.87733651, {}),
        # Austria row 10 "Defence Research and Technology (R&T) Expenditure", 2019: a subset of R&D (memo)
        (E2019, "Austria", 10, "2019", "research_and_technology", 2.0, {"is_memo": True}),
        # Germany row 8 "Defence Equipment Procurement Expenditure", 2020
        (E2020, "Germany", 8, "2020", "equipment_procurement", 7692.0, {}),
        # Germany row 11 " Collaborative Defence Equipment Procurement Expenditure", 2021
        (E2021, "Germany", 11, "2021", "collaborative_procurement", 2775.0, {"is_memo": True}),
        # Germany row 7 " Defence Investment ", 2021: a subtotal of procurement and R&D
        (E2021, "Germany", 7, "2021", "investment", 9350.166499999998, {"is_total": True}),
    ],
)
def test_one_category_per_edition(relative, sheet, row, column, category, value, flags):
    lines = _read(relative).lines
    line = _one(lines, sheet=sheet, row=row, source_column=column)
    assert line["measure"] == "defence_expenditure_eur" and line["category"] == category
    assert line["value"] == pytest.approx(value)
    for flag in ("is_estimate", "is_memo", "is_total"):
        assert line[flag] == flags.get(flag, False), flag


@real
def test_editions_missing_markers_and_aggregates():
    editions = [_read(r).edition for r in (E2014, E2017E, E2018, E2019, E2020, E2021)]
    assert editions == [f"Defence Data ({span})" for span in ("2005-2014", "2005-2017", "2017-2018", "2017-2019")] + [
        "Defence Data (2017-2020)",
        "Defence Data (2017-2021)",
    ]
    lines = _read(E2017E).lines
    # Germany row 12 " D. Operation & Maintenance (O&M) Expenditure", 2014: "c" (confidential)
    line = _one(lines, sheet="Germany", row=12, source_column="2014")
    assert line["value"] is None and line["missing_marker"] == "c"
    # Germany row 6 " A. Personnel Expenditure", 2005: ":"
    line = _one(lines, sheet="Germany", row=6, source_column="2005")
    assert line["value"] is None and line["missing_marker"] == ":"
    # the collective figure: sheet "EDA 26" of the 2021 edition, row 3, 2021
    line = _one(_read(E2021).lines, sheet="EDA 26", row=3, source_column="2021")
    assert (line["entity_code"], line["entity_kind"]) == ("EDA:EDA26", "aggregate")
    assert line["value"] == pytest.approx(214308.89441231333)


@real
def test_parts_without_total_or_memo_flags_add_up_to_the_total():
    # EDA-27, 2014, 2005-2014 edition: A + B + procurement + R&D + D + E = the stated total 194,781.8
    lines = _read(E2014).lines.filter(
        pl.col("sheet") == "EDA-27", pl.col("period") == 2014, pl.col("measure") == "defence_expenditure_eur"
    )
    parts = lines.filter(~pl.col("is_total") & ~pl.col("is_memo"))
    assert sorted(parts["category"]) == sorted(
        [
            "personnel",
            "infrastructure",
            "equipment_procurement",
            "research_and_development",
            "operations_and_maintenance",
            "other",
        ]
    )
    total = _one(lines, category="total")["value"]
    assert parts["value"].sum() == pytest.approx(total, rel=1e-9)
    assert total == pytest.approx(194781.79557170282)


# --- synthetic workbooks ------------------------------------------------------------------------------------------


def _workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


OLD_STYLE = {
    "EDA-27": [
        ["EDA-27", 2013, 2014, "2015 e", "% change"],
        [None, None, None, None, "2013-2014"],
        ["General", None, None, None, None],
        ["Total Defence Expenditure (A+B+C+D+E)", 100.0, 110.0, 120.0, 0.1],
        ["____Defence Expenditure as % of GDP", 0.015, 0.016, 0.017, 0.05],
        ["A. Personnel Expenditure", 50.0, "c", ":", 0.0],
    ],
    "EL Data": [
        ["GREECE", 2013, 2014, "2015 e", "% change"],
        [None, None, None, None, "2013-2014"],
        ["Total Defence Expenditure (A+B+C+D+E)¹", 4000.0, 4100.0, 4200.0, 0.02],
        ["____Defence Expenditure as % of GDP", 0.022, 0.023, 0.024, 0.01],
        ["Total Military Personnel", 100000, 99000, ":", -0.01],
        ["Symbols:", None, None, None, None],
        ["Notes:", None, None, None, None],
        ["¹ Includes pensions.", None, None, None, None],
    ],
}


def test_synthetic_old_layout(tmp_path):
    path = _workbook(tmp_path / "anything.xlsx", OLD_STYLE)
    probe = Probe(path, "x.xlsx")
    try:
        assert detect(probe) is eda
    finally:
        probe.close()
    result = eda.read(path, "x.xlsx", default_names())
    assert result.edition == "Defence Data (2013-2014)"  # the "% change 2013-2014" span, not the 2015 e column
    lines = result.lines
    greece = _one(lines, entity_code="GRC", period=2014, measure="defence_expenditure_eur")
    assert greece["value"] == 4100.0 and greece["footnotes"] == "Includes pensions." and greece["row"] == 3
    share = _one(lines, entity_code="GRC", period=2015, measure="defence_expenditure_share_of_gdp")
    assert share["value"] == pytest.approx(2.4) and share["is_estimate"]
    soldiers = _one(lines, entity_code="GRC", period=2015, measure="military_personnel")
    assert soldiers["value"] is None and soldiers["missing_marker"] == ":" and soldiers["unit"] == "persons"
    confidential = _one(lines, entity_code="EDA:EDA27", period=2014, category="personnel")
    assert confidential["value"] is None and confidential["missing_marker"] == "c"
    assert lines.filter(pl.col("source_column").str.contains("%")).is_empty()
    assert any("% change 2013-2014" in s for s in result.skipped)


def test_synthetic_2021_layout_with_repeated_header(tmp_path):
    rows = [
        ["Italy", "2017", 2018],
        [None, None, 2018],  # the header repeated, part of it blank (as on the 2021 edition's Italy sheet)
        [" Total Defence Expenditure ", 100.0, "200 e"],
        ["    Total Defence Expenditure as % of GDP", 0.01, 0.02],
        ["    Defence R&D Expenditure", ": ", "-"],
    ]
    path = _workbook(tmp_path / "d.xlsx", {"Italy": rows})
    result = eda.read(path, "d.xlsx", default_names())
    assert result.edition == "Defence Data (2017-2018)" and result.rejected.is_empty()
    estimate = _one(result.lines, period=2018, category="total")
    assert estimate["value"] == 200.0 and estimate["is_estimate"] and estimate["entity_code"] == "ITA"
    rnd = _one(result.lines, period=2018, category="research_and_development")
    assert rnd["value"] is None and rnd["missing_marker"] == "-" and rnd["row"] == 5
    assert _one(result.lines, period=2017, category="research_and_development")["missing_marker"] == ":"


def test_synthetic_unknown_label_where_a_category_is_expected_is_refused(tmp_path):
    rows = [
        ["Austria", 2017, 2018],
        [" Total Defence Expenditure ", 1.0, 2.0],
        ["    Total Defence Expenditure as % of GDP", 0.01, 0.02],
        ["    Defence Space Expenditure", 3.0, 4.0],
    ]
    path = _workbook(tmp_path / "d.xlsx", {"Austria": rows})
    with pytest.raises(InputFileError) as caught:
        eda.read(path, "d.xlsx", default_names())
    message = str(caught.value)
    assert "d.xlsx" in message and "'Austria'" in message and "row 4" in message
    assert "Defence Space Expenditure" in message


def test_synthetic_unparsable_cell_is_rejected_with_its_row(tmp_path):
    rows = [
        ["Austria", 2017, 2018],
        [" Total Defence Expenditure ", "1.234,5", 2.0],
        ["    Total Defence Expenditure as % of GDP", 0.01, "#REF!"],
    ]
    path = _workbook(tmp_path / "d.xlsx", {"Austria": rows})
    result = eda.read(path, "d.xlsx", default_names())
    rejected = result.rejected.sort("row").to_dicts()
    assert [(r["sheet"], r["row"], r["column"], r["value"]) for r in rejected] == [
        ("Austria", 2, "2017", "1.234,5"),
        ("Austria", 3, "2018", "#REF!"),
    ]
    assert "spreadsheet error" in rejected[1]["rule"]
    assert _one(result.lines, period=2018, category="total")["value"] == 2.0
    assert result.lines.filter(pl.col("period") == 2017, pl.col("category") == "total").is_empty()


def test_synthetic_refusals_of_header_and_entity(tmp_path):
    header = {"AT Data": [["AUSTRIA", 2017, "Change"], ["Total Defence Expenditure", 1.0, 0.1]]}
    with pytest.raises(InputFileError, match="'Change'"):
        eda.read(_workbook(tmp_path / "h.xlsx", header), "h.xlsx", default_names())
    mismatch = {"DE Data": [["AUSTRIA", 2017], ["Total Defence Expenditure", 1.0]]}
    with pytest.raises(InputFileError, match="do not name the same member state"):
        eda.read(_workbook(tmp_path / "m.xlsx", mismatch), "m.xlsx", default_names())
    unknown = {"Atlantis": [["Atlantis", 2017], ["Total Defence Expenditure", 1.0]]}
    with pytest.raises(InputFileError, match="'Atlantis'"):
        eda.read(_workbook(tmp_path / "u.xlsx", unknown), "u.xlsx", default_names())


def test_sniff_is_specific(tmp_path):
    # a NATO-like table titled by a "Table" row and a plain CSV are not this format
    nato = _workbook(tmp_path / "n.xlsx", {"T1": [["Table 1 : Defence expenditure"], ["Country", 2017, 2018]]})
    csv = tmp_path / "c.csv"
    csv.write_text("Total Defence Expenditure,2017\nDefence Expenditure as % of GDP,1\n")
    for path in (nato, csv):
        probe = Probe(path, path.name)
        try:
            assert not eda.sniff(probe)
        finally:
            probe.close()
    # labels without a year in B1 are not the format either
    no_years = _workbook(
        tmp_path / "y.xlsx",
        {"S": [["Germany", "Values"], ["Total Defence Expenditure", 1.0], ["Defence Expenditure as % of GDP", 0.01]]},
    )
    probe = Probe(no_years, "y.xlsx")
    try:
        assert not eda.sniff(probe)
    finally:
        probe.close()


@real
@pytest.mark.parametrize("relative", [E2014, E2017E, E2018, E2019, E2020, E2021])
def test_every_edition_keeps_the_budget_line_contract(relative):
    result = _read(relative)
    assert result.rejected.is_empty()
    assert contract_rejections(result).is_empty()
    assert result.lines.height > 600


@real
def test_footnote_marks_resolve_to_their_notes():
    # 2017-2018 edition, sheet Sweden: A1 "Sweden¹", note "¹ Data is based on exchange rates taken from ... AMECO";
    # row 4 (share of GDP) carries only the sheet's note, row 3 (total, marked ²) carries both.
    lines = _read(E2018).lines
    assert "AMECO" in _one(lines, sheet="Sweden", row=4, source_column="2017")["footnotes"]
    assert "; " in _one(lines, sheet="Sweden", row=3, source_column="2017")["footnotes"]
