"""US DoD budget justification books (J-books), the machine-readable XML inside them: procurement books.

Since the FY 2011 budget the DoD Comptroller's justification books are assembled from XML that the military
departments and agencies prepare in the Comptroller's schemas; the PDF books published on the Comptroller's budget
materials page (https://comptroller.defense.gov/Budget-Materials/, "Justification Books" of each service) carry the
XML as an attachment, and some services publish it beside the PDF. US government work, in the public domain.

A book is a `jb:JustificationBook` (namespace http://www.dtic.mil/comptroller/xml/schema/022009/jb) naming its
budget year (jb:BudgetYear), budget cycle (jb:BudgetCycle, "PB"), service (jb:ServiceAgencyName) and appropriation
(jb:AppropriationCode, jb:AppropriationName). A procurement book holds a `proc:LineItemList` (namespace
http://www.dtic.mil/comptroller/xml/schema/20100219/procurement) of `proc:LineItem`s: one per budget line item of the
P-1 exhibit, the P-40 "Budget Line Item Justification" of that line, with its number (proc:LineItemNumber), title,
P-1 line number, budget activity and sub-activity, and a `proc:ResourceSummary` of cost elements, each a row of year
columns. Elements are matched by namespace URI and local name, never by prefix. Detected by content: the root
element is jb:JustificationBook, or a proc:LineItemList standing alone; a book without procurement line items (an
RDT&E book) is refused naming the file (only procurement books are read so far).

Budget lines: one per year column of each cost element, for one line item.
- Cost elements (closed vocabulary: an element this module does not list refuses the file, naming it):
  - TotalCost: the gross weapon system cost, which the P-1 states on its "Weapon System Cost" line: measure
    budget_authority, cost_type "Weapon System Cost".
  - PYAdvanceProcurement: the advance procurement of earlier years applied to this year's buy. The P-40 writes it
    positive under "Less: PY Advance Procurement"; the P-1 writes it negative on its "Less: Advance Procurement (PY)"
    line, and so does milspace (value negated, said in its footnotes): budget_authority, cost_type "Less: Advance
    Procurement (PY)".
  - CYAdvanceProcurement: advance procurement requested this year for later years' buys: budget_authority,
    cost_type "Advance Procurement (CY)".
  - Quantity: procurement_quantity (items), cost_type "Weapon System Cost" (where the P-1 states quantities).
  - UnitCost: procurement_unit_cost, US$ per item (the gross weapon system unit cost), cost_type "Weapon System
    Cost".
  - NetProcurementP1 (TotalCost less PYAdvanceProcurement) and TotalObligationAuthority (NetProcurementP1 plus
    CYAdvanceProcurement) are sums of the lines above: not lines (they would count the money twice), each figure
    reconciled against the lines it sums (listed in `skipped`).
  The three money lines of a line item add up to its total obligational authority, as the P-1's lines do.
- Year columns (closed vocabulary), dated from the book's budget year BY: PriorYear = BY-2, actual; CurrentYear =
  BY-1, enacted; BudgetYearOne = BY, request; BudgetYearTwo ... BudgetYearFive = BY+1 ... BY+4, projection (the
  dod_exhibits phases of the P-1's columns: a year two or more before the budget year is actual, the budget year
  the request, and the outyears of the FYDP projection; the current year's column is its enacted appropriation).
  BudgetYearOneBase and BudgetYearOneOCO are the base and OCO parts of BudgetYearOne: funding_type base and oco,
  BudgetYearOne (and every other column) total, as dod_exhibits sets them for "FY 2019 Base", "FY 2019 OCO" and
  "FY 2019 Total"; never add a part to the total. BudgetYearOne is reconciled against its parts.
- AllPriorYears (every year before PriorYear), ToComplete (every year after BudgetYearFive) and Total (the
  program's whole cost) are not one fiscal year: they are SKIPPED (listed in `skipped`), and Total is reconciled
  against the sum of the other columns (for UnitCost, whose ToComplete and Total are averages, not at all).

Units come from the line item's attributes: totalCostUnits for the money elements, unitCostUnits for UnitCost,
quantityUnits for Quantity. Known words: "Millions" (unit_factor 1e6) and "Thousands" (1e3) of US dollars at
current prices; "Each" (items). Any other word, or a figure whose element has no unit attribute, refuses the file
(InputFileError naming the file, the line item and the attribute). manufacturerRateUnits belongs to the production
schedules, which are not read.

Values: XML decimals ("286.218", "-1.5"). An empty element is missing (value NULL, missing_marker "empty"); the
dod_exhibits missing markers ("-", "n/a" ...) are kept as written; any other text is a rejected row naming the line
item and the element (rule "type: number"), never a crash nor read as zero.

Identity. A J-book line is a line of the P-1 exhibit, in more detail: its figures take the identity the P-1 reader
(dod_exhibits) gives the same figure, so the two are one figure in marts.budget_facts and a newer budget revises an
older one: source "US DoD Comptroller, budget exhibit P-1", appropriation_title "procurement", edition
"FY<BY> President's Budget" (jb:BudgetCycle "PB"; another cycle refuses the file), the United States' fiscal years
(start month 10, label end), and the classification made by dod_exhibits' own rules (its `_flags` and `_space`):
account (proc:AppropriationNumber, "3021F"), account_title, organization (proc:ServiceAgencyName, spelled as
dod_exhibits spells it: "Air Force"; a Space Force account's lines are Space Force), budget_activity (the number,
two digits as the exhibits write it: "1" -> "01"), category (the budget sub-activity title, "Space Programs"),
line_item (proc:LineItemNumber, "ADV555"), line_item_title, cost_type (above) and is_space (the milspace rule of
dod_exhibits: 3021F lines are space). The P-1 line number (proc:P1LineNumber) is a sort order, in no identity
column: it is kept in footnotes ("P-1 line 3").

Provenance: `row` is the line item's position among the book's proc:LineItem elements (1-based, document order),
`sheet` is empty, `source_column` the element path within proc:ResourceSummary ("TotalCost/BudgetYearOne").
The line items' own BudgetYear, BudgetCycle, AppropriationNumber and ServiceAgencyName are used when given (the
book's otherwise); a line item whose budget year or cycle differs from the book's refuses the file (one edition a
file). Narrative and detail exhibits (Description, Justification, the P-5 cost analyses, P-10 advance procurement
and P-21 production schedules of proc:ItemExhibitList, proc:AdvanceProcurement) are not budget lines: skipped, listed.

Parsing: the standard library's xml.etree (expat), which never fetches external entities and refuses an entity
expansion bomb (expat's amplification limit): such a file, or any malformed XML, is an InputFileError naming it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.errors import InputFileError
from pipelines.nations import NationNames
from pipelines.shapes import RECONCILIATION_SCHEMA, ReadResult, rejected_rows
from pipelines.sources import dod_exhibits
from pipelines.sources.cells import figure_rule
from pipelines.sources.probe import Probe

FORMAT = "dod_jbook_xml"
SOURCE = "US DoD Comptroller, budget justification books (J-book XML): procurement line items of the P-1"
#: The source of every line: the P-1's, as dod_exhibits writes it, so that a J-book figure and the P-1's are one.
LINE_SOURCE = dod_exhibits.exhibit_source("P-1")
APPROPRIATION_TITLE = dod_exhibits.EXHIBITS["P-1"]

MEASURES = {
    "budget_authority": "Budget authority, current US dollars (J-books publish millions: see unit_factor)",
    "procurement_quantity": "Procurement quantity, number of items (P-1 and J-book quantities)",
    "procurement_unit_cost": "Weapon system unit cost of a procurement line item, current US dollars per item "
    "(J-books publish millions: see unit_factor)",
}
#: Every measure of this reader is its own conformed measure.
CONFORMED: dict[str, str] = {}
#: No measure of this reader is barred from being negative (the prior-year advance procurement is written negative).
NEVER_NEGATIVE: frozenset[str] = frozenset()
STREAMED = False

JB = "http://www.dtic.mil/comptroller/xml/schema/022009/jb"
PROC = "http://www.dtic.mil/comptroller/xml/schema/20100219/procurement"


@dataclass(frozen=True)
class CostElement:
    """What one child of proc:ResourceSummary is."""

    measure: str
    cost_type: str
    units: str  # the line item attribute giving its unit
    sign: float = 1.0  # -1: written positive in the J-book, negative on the P-1


WEAPON_SYSTEM_COST = "Weapon System Cost"
COST_ELEMENTS = {
    "TotalCost": CostElement("budget_authority", WEAPON_SYSTEM_COST, "totalCostUnits"),
    "PYAdvanceProcurement": CostElement(
        "budget_authority", "Less: Advance Procurement (PY)", "totalCostUnits", sign=-1.0
    ),
    "CYAdvanceProcurement": CostElement("budget_authority", "Advance Procurement (CY)", "totalCostUnits"),
    "Quantity": CostElement("procurement_quantity", WEAPON_SYSTEM_COST, "quantityUnits"),
    "UnitCost": CostElement("procurement_unit_cost", WEAPON_SYSTEM_COST, "unitCostUnits"),
}
#: Cost elements that are sums of the lines read: reconciled, not read as lines.
SUM_ELEMENTS = {
    "NetProcurementP1": "net procurement (TotalCost less PYAdvanceProcurement), the sum of lines read",
    "TotalObligationAuthority": (
        "total obligational authority (NetProcurementP1 plus CYAdvanceProcurement), the sum of lines read"
    ),
}
NEGATED_NOTE = (
    "Prior-year advance procurement: written positive in the J-book (PYAdvanceProcurement, deducted from the gross "
    "weapon system cost); negative here, as the P-1's 'Less: Advance Procurement (PY)' line writes it."
)


@dataclass(frozen=True)
class YearColumn:
    offset: int  # fiscal year = budget year + offset
    phase: str
    funding_type: str


YEAR_COLUMNS = {
    "PriorYear": YearColumn(-2, "actual", "total"),
    "CurrentYear": YearColumn(-1, "enacted", "total"),
    "BudgetYearOneBase": YearColumn(0, "request", "base"),
    "BudgetYearOneOCO": YearColumn(0, "request", "oco"),
    "BudgetYearOne": YearColumn(0, "request", "total"),
    "BudgetYearTwo": YearColumn(1, "projection", "total"),
    "BudgetYearThree": YearColumn(2, "projection", "total"),
    "BudgetYearFour": YearColumn(3, "projection", "total"),
    "BudgetYearFive": YearColumn(4, "projection", "total"),
}
#: Columns that are not one fiscal year: skipped (Total reconciled against the others).
NOT_ONE_YEAR = {
    "AllPriorYears": "the sum of every year before the prior year, not one fiscal year",
    "ToComplete": "the cost to complete the program after the last budget year shown, not one fiscal year",
    "Total": "the program's total over all years, not one fiscal year (reconciled against its years)",
}
#: Columns a Total sums (BudgetYearOne stands for its base and OCO parts).
TOTAL_PARTS = (
    "AllPriorYears",
    "PriorYear",
    "CurrentYear",
    "BudgetYearOne",
    "BudgetYearTwo",
    "BudgetYearThree",
    "BudgetYearFour",
    "BudgetYearFive",
    "ToComplete",
)

#: Unit words of the line item's unit attributes: money (US dollars, current) and quantities.
MONEY_UNITS = {"Millions": (1e6, "millions of US$"), "Thousands": (1e3, "thousands of US$")}
QUANTITY_UNITS = {"Each": (1.0, dod_exhibits.QUANTITY_UNIT)}
#: Budget cycles and the edition word dod_exhibits uses for them.
CYCLES = {"PB": "President's Budget"}
#: Largest difference accepted between a stated sum and its parts, per part added (figures are rounded to the
#: thousand dollars: 0.001 million).
TOLERANCE_PER_PART = 0.001
_DECIMAL = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)$")
#: Children of proc:LineItem that are not figures, with why they are not read.
NOT_FIGURES = {
    "ItemExhibitList": "the P-5 cost analyses, P-10 advance procurement and P-21 production schedules: detail "
    "exhibits of the line item's cost, not budget lines",
    "AdvanceProcurement": "the advance procurement justification (text and P-1 line number)",
    "Description": "narrative",
    "Justification": "narrative",
    "OtherRelatedProgramElementList": "related program elements (references, no figures)",
    "DocumentAssemblyOptions": "page layout options",
    "MDAPCode": "the Major Defense Acquisition Program code (a reference)",
    "Code": "the line item's code letter (a reference)",
}
#: Children of proc:LineItem read as classification.
FIELDS = (
    "LineItemNumber",
    "LineItemTitle",
    "P1LineNumber",
    "BudgetYear",
    "BudgetCycle",
    "SubmissionDate",
    "ServiceAgencyName",
    "AppropriationNumber",
    "AppropriationTitle",
    "BudgetActivityNumber",
    "BudgetActivityTitle",
    "BudgetSubActivityNumber",
    "BudgetSubActivityTitle",
)


def _split(tag: str) -> tuple[str, str]:
    """(namespace URI, local name) of an ElementTree tag."""
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        return uri, local
    return "", tag


def _is(element: ET.Element, uri: str, local: str) -> bool:
    return _split(element.tag) == (uri, local)


def _root_is_book(uri: str, local: str) -> bool:
    return (uri, local) in ((JB, "JustificationBook"), (PROC, "LineItemList"))


def sniff(probe: Probe) -> bool:
    """XML whose root element is a jb:JustificationBook or a proc:LineItemList (by namespace URI and local name)."""
    if probe.is_zip or not probe.head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return False
    parser: ET.XMLPullParser = ET.XMLPullParser(events=("start",))
    try:
        parser.feed(probe.head)
        for event in parser.read_events():
            element = event[-1]
            if isinstance(element, ET.Element):
                return _root_is_book(*_split(element.tag))
    except ET.ParseError:
        return False
    return False


def _text(element: ET.Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return " ".join(element.text.split()) or None


def _child(element: ET.Element, uri: str, local: str) -> ET.Element | None:
    return next((c for c in element if _is(c, uri, local)), None)


def _book_field(root: ET.Element, local: str) -> str | None:
    return _text(_child(root, JB, local)) if _is(root, JB, "JustificationBook") else None


def _budget_activity(code: str | None) -> str | None:
    """A budget activity number as the exhibits write it: two digits ("1" -> "01")."""
    return code.zfill(2) if code is not None and code.isdigit() else code


def _unit(item: ET.Element, element: str, shown: str, row: int, number: str) -> tuple[float, str, str | None]:
    """(unit_factor, unit, currency) of a cost element, from its line item's unit attribute."""
    attribute = COST_ELEMENTS[element].units
    word = item.get(attribute)
    known = QUANTITY_UNITS if attribute == "quantityUnits" else MONEY_UNITS
    if word is None or word.strip() not in known:
        found = "it has none" if word is None else f"it says {word!r}"
        raise InputFileError(
            shown,
            f"line item {number}: attribute {attribute} of proc:LineItem gives the unit of proc:{element}; {found}, "
            f"and the units milspace knows are {sorted(known)}",
            row=row,
            column=attribute,
        )
    factor, unit = known[word.strip()]
    if attribute == "quantityUnits":
        return factor, unit, None
    if element == "UnitCost":
        return factor, f"{unit} per item", "USD"
    return factor, f"{unit} (budget authority)", "USD"


def read(path: Path, shown: str, names: NationNames) -> ReadResult:
    """Read one procurement J-book (names is unused: the entity is always the United States)."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise InputFileError(shown, f"is not well-formed XML ({exc})") from None
    except OSError as exc:
        raise InputFileError(shown, f"cannot be opened ({exc.strerror})") from None
    if not _root_is_book(*_split(root.tag)):
        raise InputFileError(shown, f"the root element is {root.tag}, not a jb:JustificationBook or proc:LineItemList")
    items = [e for e in root.iter() if _is(e, PROC, "LineItem")]
    if not items:
        raise InputFileError(
            shown,
            "the justification book has no procurement line items (proc:LineItemList/proc:LineItem): only "
            "procurement books are read so far",
        )
    book_year, book_cycle = _book_field(root, "BudgetYear"), _book_field(root, "BudgetCycle")
    records, figures, rejected, reconciliations = [], [], [], []
    unread: Counter[str] = Counter()
    skipped_columns: Counter[tuple[str, str]] = Counter()
    years, cycles = set(), set()
    for row, item in enumerate(items, start=1):
        fields = {name: _text(_child(item, PROC, name)) for name in FIELDS}
        number = fields["LineItemNumber"] or f"(item {row})"
        years.add(fields["BudgetYear"] or book_year)
        cycles.add(fields["BudgetCycle"] or book_cycle)
        summary = _child(item, PROC, "ResourceSummary")
        for child in item:
            local = _split(child.tag)[1]
            if local not in FIELDS and local != "ResourceSummary":
                unread[local] += 1
        stated: dict[tuple[str, str], float] = {}
        for element in summary if summary is not None else ():
            _, name = _split(element.tag)
            if name not in COST_ELEMENTS and name not in SUM_ELEMENTS:
                raise InputFileError(
                    shown,
                    f"line item {number}: proc:ResourceSummary has an element proc:{name} this reader does not know "
                    f"(known: {sorted([*COST_ELEMENTS, *SUM_ELEMENTS])}); say in pipelines/sources/jbook_xml.py what "
                    "it is first",
                    row=row,
                    column=name,
                )
            unit = _unit(item, name, shown, row, number) if name in COST_ELEMENTS else None
            for cell in element:
                _, column = _split(cell.tag)
                if column not in YEAR_COLUMNS and column not in NOT_ONE_YEAR:
                    raise InputFileError(
                        shown,
                        f"line item {number}: proc:{name} has a column proc:{column} this reader does not know (known: "
                        f"{sorted([*YEAR_COLUMNS, *NOT_ONE_YEAR])})",
                        row=row,
                        column=f"{name}/{column}",
                    )
                raw = _text(cell)
                if raw is not None and _DECIMAL.match(raw):
                    stated[(name, column)] = float(raw)
                if name in SUM_ELEMENTS or column in NOT_ONE_YEAR:  # not lines (see `skipped`)
                    skipped_columns[(name if name in SUM_ELEMENTS else "", column)] += 1
                    continue
                assert unit is not None  # a cost element read as lines
                figures.append({"row": row, "element": name, "column": column, "raw": raw, "unit": unit})
        records.append({"row": row, "fields": fields, "number": number})
        reconciliations += _checks(stated, shown, row, number)
    budget_year, edition = _edition(years, cycles, shown)
    lines, bad = _lines(records, figures, budget_year, book_fields(root), shown, edition)
    rejected += bad
    return ReadResult(
        source_format=FORMAT,
        source=LINE_SOURCE,
        edition=edition,
        lines=lines,
        rejected=rejected_rows(rejected),
        reconciliations=pl.DataFrame(reconciliations, schema=RECONCILIATION_SCHEMA),
        notes=_notes(root, items, lines),
        skipped=_skipped(skipped_columns, unread),
    )


def book_fields(root: ET.Element) -> dict[str, str | None]:
    """The book's own service and appropriation, used where a line item does not name them."""
    return {
        "ServiceAgencyName": _book_field(root, "ServiceAgencyName"),
        "AppropriationNumber": _book_field(root, "AppropriationCode"),
        "AppropriationTitle": _book_field(root, "AppropriationName"),
    }


def _edition(years: set[str | None], cycles: set[str | None], shown: str) -> tuple[int, str]:
    if len(years) != 1 or len(cycles) != 1:
        raise InputFileError(
            shown,
            f"its line items name several budget years or cycles ({sorted(map(str, years))}, "
            f"{sorted(map(str, cycles))}): one file is one edition",
        )
    year, cycle = years.pop(), cycles.pop()
    if year is None or not year.isdigit() or len(year) != 4:
        raise InputFileError(shown, f"jb:BudgetYear (or proc:BudgetYear) is not a year: {year!r}", column="BudgetYear")
    if cycle not in CYCLES:
        raise InputFileError(
            shown,
            f"jb:BudgetCycle is {cycle!r}; the cycles milspace knows are {sorted(CYCLES)}",
            column="BudgetCycle",
        )
    return int(year), f"FY{year} {CYCLES[cycle]}"


def _check(shown: str, row: int, check: str, stated: float, computed: float, parts: int) -> dict:
    tolerance = TOLERANCE_PER_PART * max(parts, 1)
    return {
        "file": shown,
        "sheet": None,
        "row": row,
        "check": check,
        "stated": stated,
        "computed": computed,
        "tolerance": tolerance,
        "passed": abs(stated - computed) <= tolerance + 1e-9,
    }


def _checks(stated: dict[tuple[str, str], float], shown: str, row: int, number: str) -> list[dict]:
    """Per line item: each element's Total = its years; BudgetYearOne = base + OCO; NetProcurementP1 = TotalCost -
    PYAdvanceProcurement; TotalObligationAuthority = NetProcurementP1 + CYAdvanceProcurement (a column where the
    element added is absent counts it as 0)."""
    out = []
    elements = dict.fromkeys(element for element, _ in stated)
    for element in elements:
        values = {column: value for (e, column), value in stated.items() if e == element}
        parts = [c for c in TOTAL_PARTS if c in values]
        if element != "UnitCost" and "Total" in values and parts:
            computed = sum(values[c] for c in parts)
            check = f"line item {number}: {element}/Total = {' + '.join(parts)}"
            out.append(_check(shown, row, check, values["Total"], computed, len(parts)))
        split = [c for c in ("BudgetYearOneBase", "BudgetYearOneOCO") if c in values]
        if split and "BudgetYearOne" in values and element != "UnitCost":  # unit costs do not add up
            check = f"line item {number}: {element}/BudgetYearOne = {' + '.join(split)}"
            out.append(_check(shown, row, check, values["BudgetYearOne"], sum(values[c] for c in split), len(split)))
    columns = dict.fromkeys(column for _, column in stated)
    for total, base, sign, added in (
        ("NetProcurementP1", "TotalCost", -1.0, "PYAdvanceProcurement"),
        ("TotalObligationAuthority", "NetProcurementP1", 1.0, "CYAdvanceProcurement"),
    ):
        for column in columns:
            if (total, column) not in stated or (base, column) not in stated:
                continue
            computed = stated[(base, column)] + sign * stated.get((added, column), 0.0)
            check = f"line item {number}: {total}/{column} = {base} {'-' if sign < 0 else '+'} {added}"
            out.append(_check(shown, row, check, stated[(total, column)], computed, 2))
    return out


def _lines(
    records: list[dict],
    figures: list[dict],
    budget_year: int,
    book: dict[str, str | None],
    shown: str,
    edition: str,
) -> tuple[pl.DataFrame, list[dict]]:
    """The budget lines, classified by dod_exhibits' rules, and the figures that are not numbers."""
    wide_rows = []
    for record in records:
        fields = record["fields"]
        for element in COST_ELEMENTS:
            wide_rows.append(
                {
                    **dict.fromkeys(dod_exhibits.FIELDS),
                    "row": record["row"],
                    "element": element,
                    "account": fields["AppropriationNumber"] or book["AppropriationNumber"],
                    "account_title": fields["AppropriationTitle"] or book["AppropriationTitle"],
                    "organization": fields["ServiceAgencyName"] or book["ServiceAgencyName"],
                    "budget_activity": _budget_activity(fields["BudgetActivityNumber"]),
                    "budget_activity_title": fields["BudgetActivityTitle"],
                    "sub_activity": fields["BudgetSubActivityNumber"],
                    "sub_activity_title": fields["BudgetSubActivityTitle"],
                    "line_item": fields["LineItemNumber"],
                    "line_item_title": fields["LineItemTitle"],
                    "cost_type_title": COST_ELEMENTS[element].cost_type,
                    "p1_line": fields["P1LineNumber"],
                }
            )
    schema = {name: pl.String for name in dod_exhibits.FIELDS} | {
        "row": pl.Int64,
        "element": pl.String,
        "p1_line": pl.String,
    }
    wide = pl.DataFrame(wide_rows, schema=schema)
    # the P-1 reader's own rules: organization spelling, category, cost type, memo and classified flags, is_space
    wide = dod_exhibits._space(dod_exhibits._flags(wide), budget_year, dod_exhibits.program_element_lineage())
    long_rows, rejected = [], []
    for figure in figures:
        raw, column, element = figure["raw"], figure["column"], figure["element"]
        factor, unit, currency = figure["unit"]
        year = YEAR_COLUMNS[column]
        value = marker = None
        if raw is None:
            marker = "empty"
        elif raw in dod_exhibits.MISSING_MARKERS:
            marker = raw
        elif _DECIMAL.match(raw):
            value = float(raw) * COST_ELEMENTS[element].sign + 0.0  # + 0.0: a negated zero is 0, not -0
        else:
            number = next(r["number"] for r in records if r["row"] == figure["row"])
            rejected.append(
                {
                    "file": shown,
                    "sheet": None,
                    "row": figure["row"],
                    "column": f"{element}/{column}",
                    "rule": figure_rule(raw, f"type: number (line item {number}, proc:{element}/proc:{column})"),
                    "value": raw,
                }
            )
            continue
        long_rows.append(
            {
                "row": figure["row"],
                "element": element,
                "source_column": f"{element}/{column}",
                "period": budget_year + year.offset,
                "phase": year.phase,
                "funding_type": year.funding_type,
                "measure": COST_ELEMENTS[element].measure,
                "value": value,
                "missing_marker": marker,
                "unit_factor": factor,
                "unit": unit,
                "currency": currency,
                "price_basis": "current" if currency else None,
                "negated": COST_ELEMENTS[element].sign < 0,
            }
        )
    long_schema = {
        "row": pl.Int64,
        "element": pl.String,
        "source_column": pl.String,
        "period": pl.Int64,
        "phase": pl.String,
        "funding_type": pl.String,
        "measure": pl.String,
        "value": pl.Float64,
        "missing_marker": pl.String,
        "unit_factor": pl.Float64,
        "unit": pl.String,
        "currency": pl.String,
        "price_basis": pl.String,
        "negated": pl.Boolean,
    }
    long = pl.DataFrame(long_rows, schema=long_schema).join(wide, on=["row", "element"], how="left")
    lineage_space = pl.col("in_lineage") & (pl.col("space_from").is_null() | (pl.col("period") >= pl.col("space_from")))
    p1_line = pl.when(pl.col("p1_line").is_not_null()).then(pl.lit("P-1 line ") + pl.col("p1_line"))
    negated = pl.when(pl.col("negated")).then(pl.lit(NEGATED_NOTE))
    footnotes = pl.concat_str([p1_line, negated, pl.col("row_note")], separator="; ", ignore_nulls=True)
    lines = dod_exhibits.federal_lines(
        long,
        source=LINE_SOURCE,
        source_format=FORMAT,
        edition=edition,
        shown=shown,
        sheet=None,
        appropriation_title=APPROPRIATION_TITLE,
        is_total=pl.lit(False),
        is_space=pl.col("is_space") | lineage_space.fill_null(False),
        footnotes=pl.when(footnotes != "").then(footnotes),
    )
    return lines, rejected


def _skipped(columns: Counter[tuple[str, str]], unread: Counter[str]) -> tuple[str, ...]:
    out = []
    for (element, column), count in sorted(columns.items()):
        if element:
            continue
        out.append(f"column proc:{column} skipped: {NOT_ONE_YEAR[column]} ({count} figures)")
    for element, reason in SUM_ELEMENTS.items():
        count = sum(n for (e, _), n in columns.items() if e == element)
        if count:
            out.append(
                f"element proc:{element} skipped: {reason}; reconciled, never a line ({count} figures, every column)"
            )
    for local, count in sorted(unread.items()):
        reason = NOT_FIGURES.get(local, "not a proc:ResourceSummary figure")
        out.append(f"element proc:{local} of proc:LineItem skipped: {reason} ({count} line items)")
    return tuple(out)


def _notes(root: ET.Element, items: list[ET.Element], lines: pl.DataFrame) -> tuple[str, ...]:
    notes = [
        f"{len(items)} procurement line items (proc:LineItem) read; row = the line item's position in the book.",
        "Identity as the P-1's (dod_exhibits): source, classification, measure and cost type; P-1 line numbers "
        "in footnotes.",
    ]
    if _is(root, JB, "JustificationBook"):
        other = [_split(c.tag)[1] for c in root if _split(c.tag)[1] not in ("LineItemList",)]
        notes.append(f"Book elements read for the edition and defaults, not as lines: {other}.")
    notes.append(f"is_space (dod_exhibits rule): {lines['is_space'].sum():,} of {lines.height:,} lines.")
    return tuple(notes)
