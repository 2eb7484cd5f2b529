"""DoD procurement justification book XML (reader jbook_xml), on the real FY 2016 Air Force space procurement book
in ../shared/data and on synthetic books.

Values of the real file were read by hand in a text editor; each assertion names the proc:LineItem (by its
LineItemNumber and P1LineNumber) and the element it comes from.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.errors import InputFileError
from pipelines.nations import default_names
from pipelines.sources import dod_exhibits, jbook_xml
from pipelines.sources.probe import Probe
from pipelines.sources.registry import detect, read_file, readers
from tests.conftest import SHARED_DATA, shared_file
from tests.source_helpers import contract_rejections, figure_identity_columns

BOOK = "dod/jbook_xml/PROCUREMENT_JustificationBook_Air_Force_Space_PB_2016.xml"
P1 = "dod/fy2019_exhibits/P-1.xlsx"


@pytest.fixture(scope="module")
def result():
    return jbook_xml.read(shared_file(BOOK), BOOK, default_names())


def figure(result, line_item: str, column: str) -> dict:
    found = result.lines.filter((pl.col("line_item") == line_item) & (pl.col("source_column") == column))
    assert found.height == 1, (line_item, column, found.height)
    return found.row(0, named=True)


def test_gps_iii_budget_year_request_read_by_hand(result):
    # proc:LineItem GPSIII (P1LineNumber 3), proc:ResourceSummary/proc:TotalCost/proc:BudgetYearOne: 286.218
    gps = figure(result, "GPSIII", "TotalCost/BudgetYearOne")
    assert (gps["value"], gps["unit_factor"], gps["currency"], gps["price_basis"]) == (286.218, 1e6, "USD", "current")
    assert (gps["period"], gps["phase"], gps["funding_type"], gps["measure"]) == (
        2016,
        "request",
        "total",
        "budget_authority",
    )
    assert (gps["cost_type"], gps["line_item_title"], gps["row"]) == ("Weapon System Cost", "GPS III Space Segment", 3)
    assert gps["footnotes"] == "P-1 line 3"
    assert (gps["fiscal_year_start_month"], gps["fiscal_year_label"], gps["is_space"]) == (10, "end", True)
    assert result.edition == "FY2016 President's Budget"


def test_more_values_read_by_hand(result):
    # MSEELV (P-1 line 8), proc:Quantity/proc:BudgetYearThree: 4 launches in FY 2018
    launches = figure(result, "MSEELV", "Quantity/BudgetYearThree")
    assert (launches["value"], launches["measure"], launches["period"], launches["phase"]) == (
        4.0,
        "procurement_quantity",
        2018,
        "projection",
    )
    assert (launches["unit"], launches["unit_factor"], launches["currency"]) == ("items", 1.0, None)
    # GPSIII, proc:CYAdvanceProcurement/proc:CurrentYear: 87 (FY 2015, enacted)
    advance = figure(result, "GPSIII", "CYAdvanceProcurement/CurrentYear")
    assert (advance["value"], advance["period"], advance["phase"]) == (87.0, 2015, "enacted")
    assert advance["cost_type"] == "Advance Procurement (CY)"
    # GPSIII, proc:PYAdvanceProcurement/proc:BudgetYearOne: 87, deducted: negative as on the P-1
    deducted = figure(result, "GPSIII", "PYAdvanceProcurement/BudgetYearOne")
    assert (deducted["value"], deducted["cost_type"]) == (-87.0, "Less: Advance Procurement (PY)")
    assert "negative here" in deducted["footnotes"]
    # ADV555 (P-1 line 1), proc:TotalCost/proc:PriorYear: 0 (FY 2014, actual); BudgetYearTwo 650.718 (FY 2017)
    prior = figure(result, "ADV555", "TotalCost/PriorYear")
    assert (prior["value"], prior["period"], prior["phase"]) == (0.0, 2014, "actual")
    assert figure(result, "ADV555", "TotalCost/BudgetYearTwo")["value"] == 650.718
    # MSSBIR (P-1 line 9), proc:TotalCost/proc:BudgetYearOneBase 452.676 and OCO 0: parts, never the total
    base = figure(result, "MSSBIR", "TotalCost/BudgetYearOneBase")
    oco = figure(result, "MSSBIR", "TotalCost/BudgetYearOneOCO")
    assert (base["value"], base["funding_type"], oco["value"], oco["funding_type"]) == (452.676, "base", 0.0, "oco")
    # MSEELV, proc:UnitCost/proc:BudgetYearOne: 160.04 million dollars a launch
    unit = figure(result, "MSEELV", "UnitCost/BudgetYearOne")
    assert (unit["value"], unit["measure"], unit["unit"]) == (
        160.04,
        "procurement_unit_cost",
        "millions of US$ per item",
    )


def test_every_line_item_is_read_and_every_check_passes(result):
    assert result.lines["line_item"].n_unique() == 9  # nine proc:LineItem elements
    assert sorted(result.lines["row"].unique().to_list()) == list(range(1, 10))
    assert result.rejected.is_empty()
    assert contract_rejections(result).is_empty()
    # sums are reconciled, not read: GPSIII TotalObligationAuthority/BudgetYearTwo 257.697 = 216.235 + 41.462
    checks = result.reconciliations
    assert checks.height > 200 and checks["passed"].all()
    toa = checks.filter(
        pl.col("check") == "line item GPSIII: TotalObligationAuthority/BudgetYearTwo = "
        "NetProcurementP1 + CYAdvanceProcurement"
    )
    assert toa.select("stated", "computed").row(0) == pytest.approx((257.697, 257.697))
    # not one fiscal year, and sums of lines: skipped, announced
    assert result.lines.filter(pl.col("source_column").str.contains("Total$|ToComplete|AllPriorYears")).is_empty()
    assert result.lines.filter(pl.col("source_column").str.starts_with("NetProcurementP1")).is_empty()
    assert any(s.startswith("column proc:ToComplete skipped") for s in result.skipped)
    assert any(s.startswith("element proc:TotalObligationAuthority skipped") for s in result.skipped)


def test_identity_matches_the_p1_exhibit(result):
    """ADV555's FY 2017 weapon system cost: a projection in the FY 2016 book, an actual in the FY 2019 P-1 (row 963,
    'FY 2017 (Base + OCO) Amount'): the same figure, so the newer edition revises the older."""
    p1 = dod_exhibits.read(shared_file(P1), P1, default_names())
    theirs = p1.lines.filter(
        (pl.col("line_item") == "ADV555") & (pl.col("source_column") == "FY 2017 (Base + OCO) Amount")
    ).row(0, named=True)
    ours = figure(result, "ADV555", "TotalCost/BudgetYearTwo")
    columns = figure_identity_columns()
    assert {c: ours[c] for c in columns} == {c: theirs[c] for c in columns}
    assert ours["value"] * ours["unit_factor"] != theirs["value"] * theirs["unit_factor"]  # 650.718 vs 645.569 M$
    assert theirs["value"] * theirs["unit_factor"] == 645_569_000
    # the FY 2019 quantity too: BudgetYearFour of the book, 'FY 2019 Total Quantity' of the P-1
    quantity = p1.lines.filter(
        (pl.col("line_item") == "MSEELV") & (pl.col("source_column") == "FY 2019 Total Quantity")
    ).row(0, named=True)
    book = figure(result, "MSEELV", "Quantity/BudgetYearFour")
    assert {c: book[c] for c in columns} == {c: quantity[c] for c in columns}


# --- synthetic books -------------------------------------------------------------------------------------------
def book(
    items: str,
    *,
    year: str = "2021",
    cycle: str = "PB",
    units: str = 'quantityUnits="Each" unitCostUnits="Millions" totalCostUnits="Millions"',
) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<b:JustificationBook xmlns:b="{jbook_xml.JB}">
  <b:BudgetYear>{year}</b:BudgetYear>
  <b:BudgetCycle>{cycle}</b:BudgetCycle>
  <b:ServiceAgencyName>Space Force</b:ServiceAgencyName>
  <b:AppropriationCode>3022F</b:AppropriationCode>
  <b:AppropriationName>Procurement, Space Force</b:AppropriationName>
  <p:LineItemList xmlns:p="{jbook_xml.PROC}">
    <p:LineItem {units}>
      <p:LineItemNumber>GPSIII</p:LineItemNumber>
      <p:LineItemTitle>GPS III Space Segment</p:LineItemTitle>
      <p:P1LineNumber>7</p:P1LineNumber>
      <p:BudgetActivityNumber>2</p:BudgetActivityNumber>
      <p:BudgetActivityTitle>Spacecraft</p:BudgetActivityTitle>
      <p:BudgetSubActivityTitle>Space Programs</p:BudgetSubActivityTitle>
      <p:ResourceSummary>{items}</p:ResourceSummary>
      <p:Justification>text</p:Justification>
    </p:LineItem>
  </p:LineItemList>
</b:JustificationBook>
"""


def write(tmp_path: Path, text: str, name: str = "book.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_book_without_oco_split_or_outyears_in_other_prefixes(tmp_path):
    """Other namespace prefixes (matched by URI), no Base/OCO split, no out-years, a Space Force account."""
    items = """<p:TotalCost><p:PriorYear>10.5</p:PriorYear><p:CurrentYear>11</p:CurrentYear>
      <p:BudgetYearOne>12.25</p:BudgetYearOne><p:Total>33.75</p:Total></p:TotalCost>"""
    path = write(tmp_path, book(items))
    assert detect(Probe(path, "book.xml")).FORMAT == "dod_jbook_xml"
    result = read_file(path, "book.xml")
    rows = result.lines.sort("period").select("period", "phase", "funding_type", "value").rows()
    assert rows == [
        (2019, "actual", "total", 10.5),
        (2020, "enacted", "total", 11.0),
        (2021, "request", "total", 12.25),
    ]
    line = result.lines.row(0, named=True)
    assert (line["organization"], line["account"], line["budget_activity"], line["category"]) == (
        "Space Force",
        "3022F",
        "02",
        "Space Programs",
    )
    assert line["is_space"] and result.edition == "FY2021 President's Budget"
    assert result.reconciliations["passed"].all() and result.reconciliations.height == 1


def test_thousands_are_read_with_their_factor(tmp_path):
    units = 'quantityUnits="Each" totalCostUnits="Thousands"'
    path = write(tmp_path, book("<p:TotalCost><p:BudgetYearOne>1500</p:BudgetYearOne></p:TotalCost>", units=units))
    line = jbook_xml.read(path, "book.xml", default_names()).lines.row(0, named=True)
    assert (line["value"], line["unit_factor"], line["unit"]) == (1500.0, 1e3, "thousands of US$ (budget authority)")


def test_an_unknown_unit_is_refused_naming_file_and_attribute(tmp_path):
    units = 'quantityUnits="Each" totalCostUnits="Billions"'
    path = write(tmp_path, book("<p:TotalCost><p:BudgetYearOne>1</p:BudgetYearOne></p:TotalCost>", units=units))
    with pytest.raises(InputFileError) as error:
        jbook_xml.read(path, "inbox/book.xml", default_names())
    message = str(error.value)
    assert "inbox/book.xml" in message and "totalCostUnits" in message and "'Billions'" in message


def test_an_unknown_cost_element_or_column_is_refused(tmp_path):
    path = write(tmp_path, book("<p:FlyawayCost><p:BudgetYearOne>1</p:BudgetYearOne></p:FlyawayCost>"))
    with pytest.raises(InputFileError, match="FlyawayCost"):
        jbook_xml.read(path, "book.xml", default_names())
    path = write(tmp_path, book("<p:TotalCost><p:BudgetYearSix>1</p:BudgetYearSix></p:TotalCost>"))
    with pytest.raises(InputFileError, match="BudgetYearSix"):
        jbook_xml.read(path, "book.xml", default_names())


def test_another_budget_cycle_is_refused(tmp_path):
    path = write(tmp_path, book("<p:TotalCost><p:BudgetYearOne>1</p:BudgetYearOne></p:TotalCost>", cycle="BES"))
    with pytest.raises(InputFileError, match="BudgetCycle is 'BES'"):
        jbook_xml.read(path, "book.xml", default_names())


def test_a_non_numeric_amount_is_quarantined_with_its_line_item_and_element(tmp_path):
    items = """<p:TotalCost><p:BudgetYearOne>1.234,5</p:BudgetYearOne><p:BudgetYearTwo>7</p:BudgetYearTwo>
      <p:BudgetYearThree/><p:BudgetYearFour>-</p:BudgetYearFour></p:TotalCost>"""
    result = jbook_xml.read(write(tmp_path, book(items)), "book.xml", default_names())
    bad = result.rejected.row(0, named=True)
    assert result.rejected.height == 1
    assert (bad["file"], bad["row"], bad["column"], bad["value"]) == (
        "book.xml",
        1,
        "TotalCost/BudgetYearOne",
        "1.234,5",
    )
    assert "GPSIII" in bad["rule"] and "type: number" in bad["rule"]
    kept = dict(result.lines.select("source_column", "missing_marker").rows())
    assert kept == {
        "TotalCost/BudgetYearTwo": None,
        "TotalCost/BudgetYearThree": "empty",
        "TotalCost/BudgetYearFour": "-",
    }


def test_a_book_of_another_kind_is_refused_whole(tmp_path):
    text = f'<jb:JustificationBook xmlns:jb="{jbook_xml.JB}"><jb:BudgetYear>2021</jb:BudgetYear></jb:JustificationBook>'
    with pytest.raises(InputFileError, match="no procurement line items"):
        jbook_xml.read(write(tmp_path, text), "book.xml", default_names())


def test_detection_by_namespace_not_by_name_or_prefix(tmp_path):
    items = "<p:TotalCost><p:BudgetYearOne>1</p:BudgetYearOne></p:TotalCost>"
    assert jbook_xml.sniff(Probe(write(tmp_path, book(items), "budget.csv"), "budget.csv"))
    # the same local name in another namespace, XML of another kind, a CSV: not a J-book
    other = book(items).replace(jbook_xml.JB, "urn:example:other")
    assert not jbook_xml.sniff(Probe(write(tmp_path, other, "a.xml"), "a.xml"))
    assert not jbook_xml.sniff(Probe(write(tmp_path, "<rss><channel/></rss>", "b.xml"), "b.xml"))
    csv = "Account,Account Title,FY 2019 Base\n3021F,x,1\n"
    assert not jbook_xml.sniff(Probe(write(tmp_path, csv, "PROCUREMENT_JustificationBook.xml"), "c.xml"))


@pytest.mark.skipif(not SHARED_DATA.exists(), reason=f"{SHARED_DATA} is absent (present in CI)")
def test_no_other_reader_claims_the_book_and_it_claims_no_other_file():
    path = SHARED_DATA / BOOK
    probe = Probe(path, BOOK)
    assert [r.FORMAT for r in readers() if r.sniff(probe)] == ["dod_jbook_xml"]
    others = [p for p in SHARED_DATA.rglob("*") if p.is_file() and p != path and p.suffix != ".md"]
    assert others
    assert [p for p in others if jbook_xml.sniff(Probe(p, str(p)))] == []


def test_an_entity_expansion_bomb_is_refused_naming_the_file(tmp_path):
    entities = '<!ENTITY a0 "xxxxxxxxxx">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    text = (
        f'<?xml version="1.0"?><!DOCTYPE r [{entities}]><jb:JustificationBook xmlns:jb="{jbook_xml.JB}">'
        "<jb:Title>&a9;</jb:Title></jb:JustificationBook>"
    )
    with pytest.raises(InputFileError, match="Cannot read file inbox/bomb.xml: is not well-formed XML"):
        read_file(write(tmp_path, text), "inbox/bomb.xml")
