"""US DoD Comptroller, "National Defense Budget Estimates" (the Green Book): one workbook per chapter.

The Green Book ships as one .xlsx per chapter (chapters 1-5 and 7) and one per chapter-6 table (6-1 .. 6-26;
the FY 2017 and FY 2020 editions split Tables 6-6 and 6-7 into "INYEARS" and "OUTYEARS" workbooks); `read`
takes any one of them. Read against the FY 2017, FY 2020 and FY 2022 editions. A workbook is detected by
content, never by file name: one of its first sheets starts with a Comptroller table title ("Table 2-1:  BASE
BUDGET ...", chapter-dash-number and a colon) or names the book ("National Defense Budget Estimates").

Each sheet is one page of one table: the title ("Table 6-8:  ... BY PUBLIC LAW TITLE", "(Continued)" on later
pages, more title lines below it), a unit line ("(Dollars in Millions)", "(FY 2022 Constant Dollars in
Millions)", "(Dollars in Billions)", "(Base Year = 2022)", "(Percent Change)"), a header, the data and the
footnotes. Header rows, label columns and value columns are found by their text, never by position, so an
edition with columns moved, added or renamed reads the same. Three layouts, told apart by the header:
- years across (most tables): a header row with two or more fiscal-year labels right of the row labels, as
  text ("FY 2021", "FY 2022 Request", "2021", " FY 20201" = FY 2020 with footnote 1 glued on) or as numbers
  (2021, 2021.0: accepted when every number of the row is a consecutive year). A blank header cell belongs to
  the year on its left when the row below names a sub-column there (Table 1-2: FY 2021 Base / War / Total);
  a row above the years can name the measure of a column group (Table 6-6: TOA / Budget Authority /
  Outlays). A year header with a stray character typed before "FY" ("XFY 2019", FY 2020 edition, Tables 1-2
  and 1-3) is that year when it continues the years on its left and right (a note says so). A header of its
  own that is no year ends the year on its left; its column is read as no year's figure, with a note, when it
  gives a change between years ("Change FY 15-16", FY 2017 Table 1-1), a sum over several years ("Total" /
  "FY17-FY21", FY 2017 Table 1-11, FY 2020 Table 1-6) or the transition quarter ("TQ": July-September 1976,
  which belongs to no fiscal year; no edition at hand has one); figures under any other header are rejected.
  Each data row is one series, labelled by the text left of the value columns.
- years down ("Fiscal Year" heads the label column: chapter 5, Tables 6-4/6-5, chapter 7): each row is a year
  (1970, 1970.0, "1970", "1962  ......", "20216" = 2021 with footnote 6), each column a series; a header
  cell over blank cells that have sub-headers is their group (Table 5-5 "Excluding Pay, Fuel and Medical"). A
  transition-quarter row ("TQ", "197T", "Transition Quarter") is no fiscal year: not read, with a note.
- year headings (Table 2-1): the columns are public law titles; a heading row "FY 2001" gives the year of
  the lines below it (Base, war and supplemental lines, "Total FY 2001 Army"), in one section per military
  department ("Army", "Army (Continued)"). Lines under a transition-quarter heading are not read (a note).

Headings inside the data open a new block: a price basis ("Current Dollars", "FY 2022 Constant Dollars" or
"Constant FY 2022 Dollars"), a measure ("Budget Authority", "Total Obligational Authority", "Outlays"), real
growth ("Percent Real Growth (%)"), a fiscal year (Table 2-1), or a group ("051 - Dept of Defense
Discretionary", "Military Personnel" over its accounts, "Army", "Summary by Military Department"). Blocks
come in any order. Heading rows sometimes carry zeros in the value columns (Table 1-1 "Outlays", Table 2-1
"FY 2018", Table 1-2 "054 - Defense-Related Activities*", FY 2017 Table 1-11 "National Defense Base Funding"):
a row of zeros is a heading when its label is a heading word, a function code that the next lines share, or
not a total and followed by a line indented deeper. A text-only row indented deeper than the last
heading is a line without figures (Table 2-1 "Iron Dome" for the Army), not a heading; a text-only row in
parentheses completes the label above it ("Other Purchases" / "(Excludes Pay, Fuel and Medical)").

Row labels are cleaned: dot leaders dropped ("Military Personnel  ......", "Procurement........1/"),
"(Continued)" dropped, footnote markers glued to the end split off ("Scoring and Rounding1", "Global War on
Terror5 6", "Total Military Personnel 2", "Non-MFP*", "1/"). Markers are resolved to the footnote under the
table ("1.  ...", "1/  ...", "*  ..."), first on the same sheet, then on the other sheets of the same table
(Table 2-1 keeps its endnotes on sheets of their own); markers on year headers, sub-column headers and group
headings apply to their figures too. Unnumbered notes ("NOTE:  War and supplemental funding is included.")
are added to the footnotes of every line of their page. (A label whose last word were a number would lose it;
the Green Book has none.)

Rules:
- One line per figure: a number (also typed as text) or a missing marker ("Not available.", "..........")
  in a value column of a data row; `row` is the sheet row, `source_column` the header texts joined with " / "
  ("FY 2022 / Direct War1", "TOA / FY 2020", "Excluding Pay, Fuel and Medical / RDT&E"). A blank cell is no
  figure and makes no line: the Green Book leaves cells blank where a series does not exist or is not split
  (Table 1-2 gives FY 2020 only as a total). Other text in a value column is a rejected row (a spreadsheet error
  value such as #REF! with the rule `cells.SPREADSHEET_ERROR_RULE`).
- Entity: the United States (USA). Period: the fiscal year (period_type fiscal_year, named by the year it ends),
  its start month from `fiscal_years` (data_raw/reference/fiscal_years.csv): July up to FY 1976 (chapter 7
  goes back to FY 1945), October from FY 1977. The transition quarter between them is never folded into FY
  1976 or FY 1977 (no edition at hand prints one: chapter 7 goes from 1976 to 1977).
- Measure, from the column group, else the block heading, else the title and unit lines:
  budget_authority, total_obligational_authority, outlays (US$, unit_factor 1e6 "in Millions", 1e9 "in
  Billions"); real-growth blocks give <measure>_real_growth_pct; deflator tables give <measure>_deflator
  (index, base year from "(Base Year = 2022)"); inflation-rate tables (pay raises included) give
  <measure>_inflation_rate_pct; Table 5-1's economy-wide indices and Table 5-13's civilian pay deflators,
  which name no budget measure, give price_index.
- Price basis: money is "current" unless the block heading or the title says constant dollars of a year
  (constant_YYYY; not always the budget year: chapter 7 uses FY 2012 dollars); NULL for indices, rates and
  growth.
- The series label goes where the title (or a "Summary by ..." heading) says the table is broken down:
  "BY PUBLIC LAW TITLE" -> appropriation_title (Table 2-1's department sections -> organization), "BY
  MILITARY DEPARTMENT" -> organization, "BY APPROPRIATION ACCOUNT" -> account_title (its group heading ->
  appropriation_title), "BY CATEGORY" -> cost_type; anything else (major force programs, economy-wide
  indices, rate types, federal budget aggregates) -> category, after its group heading ("Pay Raise Rates:
  Military Pay Raise"). Budget-function tables (chapter 1: "Function and Subfunction" or "BY FUNCTION"):
  a label starting with a function code goes to category as code and name - 050 National Defense, 051
  Department of Defense-Military, 053 Atomic Energy Defense Activities, 054 Defense-Related Activities,
  053/054, other federal functions as written - plus ", discretionary" or ", mandatory" when the label says
  so; a line without a code takes the function of its group heading (its label -> appropriation_title) or,
  without one, of the next coded line of its block (Table 1-1 "Department of Defense (Discretionary)" is
  051). line_item = the table number ("6-8"); line_item_title = the series label as cleaned, on every line.
- organization: the department a title is about ("ARMY TOA BY ...", "DEPARTMENT OF DEFENSE ...", "DoD TOA,
  ...") unless a label or section names one.
- funding_type, from sub-column headers, page titles (Tables 6-25/6-26) and Table 2-1's line labels: Base ->
  base; war, Direct War, Enduring, Global War on Terror, Overseas Contingency Ops -> oco (also the
  "WAR/SUPPLEMENTAL" pages, which do not split war from supplementals); supplementals, emergency ("Emerg.")
  and relief (Recovery Act, hurricanes, Iron Dome, Missile Defeat, coronavirus ...) -> emergency; Total ->
  total. In years-across tables without such a sub-column, also from a line that is itself war or emergency
  funding ("Additional OCO Request", "Outyears Placeholder for OCO", "... Emergency Requirements"), else from
  its group heading ("National Defense Base Funding", "Nat'l Defense Overseas Contingency Ops", "National
  Defense Total Funding": FY 2017 Table 1-11, FY 2020 Table 1-6, which repeat the same lines per funding).
- Phase: a header word says it ("Actual", "Enacted", "Estimate" (enacted, is_estimate), "Request", "PB",
  "Projection"); bare years follow the edition's budget year B: before B-1 actual, B-1 enacted, B request,
  after B projection. Indices, rates and growth follow the same rule.
- Edition "FY B President's Budget"; the first note says where B comes from. B is the latest year named as
  "FY B President's Budget", "FY B PB", "B Budget", "FY B DEFENSE BUDGET" or, in chapter 4, "FYyy Budget"
  ("FY15 Column of FY17 Budget"); else the most frequent constant-dollar or index base year when it is at most
  four years before the last fiscal year shown (a Green Book shows at most four outyears: most of chapter 6
  names no budget, its constant dollars give it); else, for an "OUTYEARS" table, the year before the first
  year shown, and for an "INYEARS" table the last one; else the year the publisher's file name starts with
  ("FY20 PB Green Book Table 6-4.xlsx", "FY17 6-14_CivPay Current.xlsx"): Table 6-4 and 6-14 in current
  dollars and chapter 7 name no budget year, and show four outyears in the FY 2017 and FY 2020 editions but
  none in FY 2022, so their last year cannot tell; else the last fiscal year shown, a guess the note admits.
- is_total: a label saying Total, Subtotal or Bill, or repeating its group heading (Table 6-6 "Military
  Construction" under "Military Construction"); a subtotal named by its indentation alone (below); and a
  "Total" sub-column beside other sub-columns.
  is_space: a label naming the Space Force or the Space Development Agency.

Reconciliations (money only: rates, indices and growth do not add): each stated total against the sum of its
components, per value column down a block, and across the sub-columns of a row (Total = Base + War, Table
2-1's Total column, the total columns of Tables 6-4 and 7-1). The components are read from the table's own
order, trying: the lines since the previous total ("Total Pay"); that total plus the lines since ("051 -
Total (OMB Record)" = DoD record + scoring, "Department of Defense Bill Plus MERHFC"); everything still open
in the block ("051 - Total DoD Discretionary" = the two bills + allowances); for "(No MERHFC)" and MERHFC
totals, whose accounts are interleaved (Table 6-6), the lines without / with MERHFC. The reading that
matches in most columns is kept and named in the check; a total that none matches anywhere is checked
against the lines above it, or not at all when there are none (a total restated from elsewhere). Older
editions write subtotals without the word Total, less indented than their lines (FY 2017 Tables 1-3 .. 1-6,
1-9, 1-10: "Department of Defense (No MERHFC)" over its accounts, "Department of Defense Plus MERHFC",
"Military Construction" over Military Construction and Family Housing): a line less indented than the line
above it is a subtotal when its figures equal, in every column, the lines since the previous total or that
total plus them; it is then a total (is_total, and its parts are not counted again by the totals below);
otherwise it is a line (FY 2017 Table 1-1 "053 / 054 - Energy and Defense-Related" after "Scoring and
Rounding"). No check is made where one side is only zeros (the book's 0 for "not split" under Base/War of
mandatory lines and in OMB-record rows). Tolerance: half the rounding step of the total plus, for each
component, half its own step (0.5 for whole millions, 0.05 for tenths of billions) or, for a component that
is a total checked before, if larger, half the steps of its own parts: the book rounds most figures from
unrounded data, but some subtotals are the sums of their rounded parts, so a total of subtotals can be off by
their parts' rounding (FY 2020 Table 1-2 FY 2019 "051 - Total DoD Discretionary (DoD Record)" 684,985 against
673,730 + 11,253). In the FY 2022 edition only the constant-dollar OMB-record totals of Tables 1-2 and 1-3
fail: they are OMB figures deflated with GDP deflators (their footnote), equal to the DoD record only in the
base year. The FY 2017 and FY 2020 editions fail once each, on figures the book prints inconsistently
(KNOWN_DISCREPANCIES, found by hand: FY 2017 Table 2-1 Air Force FY 2016 revolving funds, total 65 over lines
63 + 0; FY 2020 constant-dollar Table 1-3 FY 2019 Base). ReadResult.notes explains every failure.

Read (FY 2022 numbering): 1-1 .. 1-5, 2-1, 5-1 .. 5-9, 5-13, 6-1 .. 6-13, 6-16 .. 6-26, 7-1, 7-2; chapter 1
is numbered differently in older editions (FY 2017: 1-1 .. 1-11 read, 1-12 past budgets skipped; FY 2020: 1-1
.. 1-6 read, 1-7 skipped). Skipped, named in ReadResult.notes: tables comparing budget submissions (1-7 past
budgets, 3-1 authorization-to-TOA
reconciliation, 4-1/4-2 chronologies, 5-10 inflation chronology), outlay rates by year of spending (5-11),
tables naming no budget measure (3-2 end strength, 5-12 pay raises by date, 6-14/6-15 civilian pay, 7-3/7-4
public spending and GDP, 7-5/7-6 manpower, 7-7 shares), and placeholder pages ("Not Available at this Time.").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.errors import InputFileError
from pipelines.nations import NationNames
from pipelines.shapes import (
    RECONCILIATION_SCHEMA,
    ReadResult,
    empty_lines,
    empty_reconciliations,
    finalize,
    rejected_rows,
)
from pipelines.sources.cells import cell_text, figure_rule
from pipelines.sources.fiscal_years import start_month_expr
from pipelines.sources.probe import Probe, open_workbook

FORMAT = "dod_greenbook"
SOURCE = "US DoD Comptroller, National Defense Budget Estimates (Green Book)"

_MONEY = {
    "budget_authority": "Budget authority (BA)",
    "total_obligational_authority": "Total obligational authority (TOA)",
    "outlays": "Outlays",
}
MEASURES = {
    **{m: f"{d}, US dollars (published in millions or billions: see unit_factor)" for m, d in _MONEY.items()},
    **{f"{m}_real_growth_pct": f"{d}, real growth from the previous fiscal year, percent" for m, d in _MONEY.items()},
    **{f"{m}_deflator": f"Deflator for {d}, index (base year = 100)" for m, d in _MONEY.items()},
    "budget_authority_inflation_rate_pct": "Pay raise or inflation rate assumed for budget authority, percent change "
    "from the previous fiscal year",
    "outlays_inflation_rate_pct": "Pay raise or inflation rate assumed for outlays, percent change from the previous "
    "fiscal year",
    "price_index": "Price index or deflator not tied to one budget measure (GDP, CPI-W, civilian pay), index (base "
    "year = 100)",
}
#: Every measure of this reader is its own conformed measure (marts.budget_facts.measure).
CONFORMED: dict[str, str] = {}
#: No measure of this reader is barred from being negative (a budget line may be a rescission).
NEVER_NEGATIVE: frozenset[str] = frozenset()
#: Read whole by `read`, not in batches at load time.
STREAMED = False

TABLE_TITLE = re.compile(r"^\s*Table\s+(\d{1,2}-\d{1,2})\s*:\s*(.*)$", re.I | re.S)
BOOK_NAME = re.compile(r"national defense budget estimates", re.I)

#: Tables not read, by title: (pattern, reason).
SKIPPED_TITLES = [
    (re.compile(r"past defense budgets", re.I), "compares past budget submissions (requests and deltas)"),
    (re.compile(r"chronology", re.I), "shows changes between budget submissions, not one edition's figures"),
    (re.compile(r"reconciliation of", re.I), "reconciles authorization to TOA for one year: its columns are stages"),
    (re.compile(r"outlay rates", re.I), "gives outlay rates by year of spending, not by fiscal year"),
]
NOT_AVAILABLE = re.compile(r"not available at this time", re.I)
ENDNOTES = re.compile(r"\bendnotes\b", re.I)

_TOA = re.compile(r"\bTOA\b|total obligational authority", re.I)
_BA = re.compile(r"(?i:budget authority)|\bBA\b")
_OUTLAYS = re.compile(r"\boutlays?\b", re.I)
_MEASURE_HEADING = re.compile(r"^(budget authority|total obligational authority|toa|outlays)$", re.I)
_GROWTH = re.compile(r"real growth|percent change", re.I)
_CURRENT = re.compile(r"current dollars", re.I)
_CONSTANT = re.compile(r"(?:FY\s*)?(\d{4})\s+constant\s+dollars|constant\s+(?:FY\s*)?(\d{4})\s+dollars", re.I)
_SCALE = re.compile(r"dollars in (thousands|millions|billions)", re.I)
_BASE_YEAR = re.compile(r"base year\s*=\s*(?:FY\s*)?(\d{4})", re.I)
SCALES = {"thousands": 1e3, "millions": 1e6, "billions": 1e9}

_FY = re.compile(r"^\s*(?:FY\s*)?(\d{4})(\d{0,2})(?!\d)\s*(.*?)\s*$", re.I | re.S)
#: A year header with a stray character typed before "FY" ("XFY 2019" in the FY 2020 edition's Tables 1-2, 1-3).
_STRAY_FY = re.compile(r"^\s*[^\sF]FY\s*(\d{4})(\d{0,2})(?!\d)\s*(.*?)\s*$", re.I | re.S)
#: The transition quarter (July-September 1976, between FY 1976 and FY 1977), which belongs to no fiscal year.
TRANSITION_QUARTER = re.compile(r"\bT\.?Q\.?(?![A-Za-z])|\btransition\s+(?:quarter|period)\b|\b197T\b", re.I)
#: Columns headed by something other than a fiscal year, read as no year's figure: (pattern, what they give).
NOT_A_YEAR = [
    (TRANSITION_QUARTER, "the transition quarter (July-September 1976), which belongs to no fiscal year"),
    (re.compile(r"\bchange\b", re.I), "the change between two fiscal years' figures"),
    (re.compile(r"FY\s*\d{2}(?:\d{2})?\s*-\s*FY\s*\d{2}(?:\d{2})?", re.I), "a sum over several fiscal years"),
]
_YEAR_ROW = re.compile(r"^\s*(?:FY\s*)?(\d{4})(\d{0,2})\s*$", re.I)
_LEADER = re.compile(r"\s*[.…]{2,}\s*")
_MARKERS = re.compile(r"(?:(?<=[A-Za-z)*\]])|(?<=[A-Za-z]\.))\s?((?:\d{1,2}/?|\*+)(?:\s+\d{1,2}/?)*)$")
_CONTINUED = re.compile(r"\s*\(continued\)\s*", re.I)
_FOOTNOTE = re.compile(r"^\s*(?:(\d{1,2})[./]|(\*+))\s+(\S.*)$", re.S)
_NOTE = re.compile(r"^\s*NOTES?\s*:\s*(.*)$", re.I | re.S)
_MISSING = re.compile(r"^(not available\.?|\.{2,}|…+|n/?a|-+|—)$", re.I)
_TOTAL = re.compile(r"\b(sub-?total|total)\b|\bbill\b", re.I)
_MERHFC = re.compile(r"MERHFC|Medicare-Eligible", re.I)
_NO_MERHFC = re.compile(r"\bno MERHFC\b", re.I)
_SPACE = re.compile(r"\bspace force\b|space development agency", re.I)
_FUNCTION = re.compile(r"^(\d{3})(?:\s*/\s*(\d{3}))?\s*(?:-\s*)?(\S.*)?$")
FUNCTIONS = {
    "050": "National Defense",
    "051": "Department of Defense-Military",
    "053": "Atomic Energy Defense Activities",
    "054": "Defense-Related Activities",
    "053/054": "Atomic Energy Defense and Defense-Related Activities",
}
DEPARTMENTS = {
    "department of defense": "Department of Defense",
    "dept of defense": "Department of Defense",
    "dod": "Department of Defense",
    "army": "Army",
    "navy": "Navy",
    "air force": "Air Force",
    "defense-wide": "Defense-Wide",
}
#: The department a title is about: "ARMY TOA BY PUBLIC LAW TITLE", "DoD TOA, BUDGET AUTHORITY AND OUTLAYS ...".
_SUBJECT = re.compile(r"(DEPARTMENT OF DEFENSE|DOD|ARMY|NAVY|AIR FORCE)$")
_SUBJECT_END = re.compile(r"\b(?:TOA|BUDGET AUTHORITY|OUTLAYS|DISCRETIONARY)\b")
#: What a table is broken down by, from its title or a "Summary by ..." heading.
BREAKDOWNS = [
    ("APPROPRIATION ACCOUNT", "account"),
    ("PUBLIC LAW TITLE", "title"),
    ("MILITARY DEPARTMENT", "department"),
    ("BY CATEGORY", "cost"),
]
FUNDING = [
    (re.compile(r"^total\b|\btotal funding\b", re.I), "total"),
    (re.compile(r"\bbase\b", re.I), "base"),
    (re.compile(r"\bwar\b|overseas contingency|\bOCO\b|global war on terror|enduring", re.I), "oco"),
    (
        re.compile(
            r"supplemental|emergency|\bemerg\b|relief|recovery act|hurricane|iron dome|missile defeat|disaster|"
            r"earthquake|coronavirus|avian|sandy",
            re.I,
        ),
        "emergency",
    ),
]
_FUNDING_PAGE = re.compile(r"BASE FUNDING|WAR/SUPPLEMENTAL|TOTAL FUNDING", re.I)
_GROUP_FUNDING = re.compile(r"\b(?:base|total) funding\b", re.I)
#: A line that is itself war or emergency funding ("Additional OCO Request", "Outyears Placeholder for OCO", "051 -
#: Department of Defense Emergency Requirements"); account names such as "Emergency Response Fund" are not.
_LINE_FUNDING = re.compile(r"\bOCO\b|overseas contingency op|emergency requirement", re.I)
PHASE_WORDS = [
    (re.compile(r"\brequest|\bPB\b|president", re.I), "request"),
    (re.compile(r"\benacted\b|\bestimate", re.I), "enacted"),
    (re.compile(r"\bactuals?\b", re.I), "actual"),
    (re.compile(r"\bprojection|\boutyear", re.I), "projection"),
]
_ESTIMATE = re.compile(r"\bestimate", re.I)
_EXPLICIT_BUDGET = re.compile(
    r"FY\s*(\d{4})\s+(?:President['’]?s\s+Budget|PB\b|defense\s+budget\b)|\b(\d{4})\s+Budget\b"
    r"|\bFY\s?(\d{2})\s+(?:Budget|PB)\b",  # chapter 4's "FY15 Column of FY17 Budget", "FY18 and FY19 PB"
    re.I,
)
#: A table of the years after the budget year, or of the years up to it (FY 2017 and FY 2020 Tables 6-6 and 6-7
#: come as "OUTYEARS" and "INYEARS" workbooks).
_OUTYEARS_TITLE = re.compile(r"\bOUTYEARS\b", re.I)
_INYEARS_TITLE = re.compile(r"\bINYEARS\b", re.I)
#: The publisher's file names start with the edition: "FY17 6-8_DoD BA by Title.xlsx", "FY20 PB Green Book ...".
_FILE_EDITION = re.compile(r"(?<![A-Za-z0-9])FY\s?(\d{4}|\d{2})(?!\d)", re.I)
_BASE_PHRASE = re.compile(f"{_CONSTANT.pattern}|{_BASE_YEAR.pattern}", re.I)
#: A Green Book shows at most this many years after its budget year.
OUTYEARS = 4


# --- detection ---------------------------------------------------------------------------------------------


def sniff(probe: Probe) -> bool:
    try:
        if not probe.is_xlsx:
            return False
        for sheet in probe.sheet_names[:4]:
            for row in probe.first_rows(sheet, rows=8, columns=8):
                if any(isinstance(v, str) and (TABLE_TITLE.match(v) or BOOK_NAME.search(v)) for v in row):
                    return True
    except InputFileError:
        return False
    return False


# --- cells -------------------------------------------------------------------------------------------------


def _letter(c: int) -> str:
    """A 0-based column index as a spreadsheet column letter: 0 -> A, 27 -> AB."""
    letters = ""
    c += 1
    while c:
        c, rest = divmod(c - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value) -> str | None:
    return cell_text(value) if isinstance(value, str) else None


def _texts(row: list, start: int = 0) -> list[tuple[int, str]]:
    return [(c, t) for c, v in enumerate(row) if c >= start and (t := _text(v)) is not None]


def _cell(row: list, c: int | None) -> str | None:
    return _text(row[c]) if c is not None and c < len(row) else None


def _number(value) -> float | None:
    """A number, also when typed as text ("15.9 ", "1,234")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", ""))
        except ValueError:
            return None
    return None


def _numbers(row: list, start: int = 0) -> list[tuple[int, float]]:
    """The numeric cells of a row (numbers typed as numbers: header text such as "2021" does not count)."""
    return [
        (c, n) for c, v in enumerate(row) if c >= start and not isinstance(v, str) and (n := _number(v)) is not None
    ]


def _present(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _clean(raw: str) -> tuple[str, tuple[str, ...]]:
    """A label without dot leaders, "(Continued)" and the footnote markers glued to its end (returned apart)."""
    text = _CONTINUED.sub(" ", _LEADER.sub(" ", re.sub(r"\s+", " ", raw))).strip()
    match = _MARKERS.search(text)
    if not match:
        return text, ()
    return text[: match.start()].strip(), tuple(m.rstrip("/") for m in match.group(1).split())


def _header_year(value, pattern: re.Pattern = _FY) -> tuple[int, tuple[str, ...], str] | None:
    """A year header as (year, footnote markers, the words after it): "FY 2021", "FY 2022 Request", " FY 20201"
    (FY 2020, footnote 1), "FY 2015*" (footnote *), "2021"."""
    text = _text(value)
    match = pattern.match(text) if text else None
    if not match or not 1900 <= int(match.group(1)) <= 2100:
        return None
    markers, words = ((match.group(2),) if match.group(2) else ()), match.group(3)
    if re.fullmatch(r"\*+", words):
        markers, words = (*markers, words), ""
    return int(match.group(1)), markers, words


def _row_year(value) -> tuple[int, tuple[str, ...]] | None:
    """A year down the first column: 1970, 1970.0, "1970", "1962  ......", "20216" (2021, footnote 6)."""
    if not isinstance(value, str):
        number = _number(value)
        return (int(number), ()) if number is not None and number.is_integer() and 1900 <= number <= 2100 else None
    match = _YEAR_ROW.match(_LEADER.sub(" ", value))
    return (int(match.group(1)), ((match.group(2),) if match.group(2) else ())) if match else None


def _value(raw) -> tuple[float | None, str | None, bool]:
    """(value, missing marker, ok): a number, or a missing marker as written, or neither (not ok)."""
    number = _number(raw)
    if number is not None:
        return number, None, True
    text = _text(raw) or ""
    return (None, text, True) if _MISSING.match(text) else (None, None, False)


# --- words -------------------------------------------------------------------------------------------------


def _constant(text: str) -> str | None:
    """The base year of "FY 2022 Constant Dollars" or "Constant FY 2022 Dollars"."""
    match = _CONSTANT.search(text)
    return (match.group(1) or match.group(2)) if match else None


def _base_measure(text: str | None) -> str | None:
    """The one money measure a text names, or None (none or several)."""
    patterns = (("total_obligational_authority", _TOA), ("budget_authority", _BA), ("outlays", _OUTLAYS))
    found = [measure for measure, pattern in patterns if text and pattern.search(text)]
    return found[0] if len(found) == 1 else None


def _funding_type(text: str | None) -> str | None:
    return next((kind for pattern, kind in FUNDING if text and pattern.search(text)), None)


def _group_funding(group: str | None) -> str | None:
    """The funding a group heading names ("National Defense Base Funding", "Nat'l Defense Overseas Contingency
    Ops", "National Defense Total Funding"), as text for `_funding_type`, or None."""
    if not group:
        return None
    if _GROUP_FUNDING.search(group) or _funding_type(group) in ("oco", "emergency"):
        return group
    return None


def _phase_word(text: str | None) -> str | None:
    return next((phase for pattern, phase in PHASE_WORDS if text and pattern.search(text)), None)


def _function(label: str) -> str | None:
    """ "051 - Total DoD Discretionary (DoD Record)" -> "051 Department of Defense-Military, discretionary"."""
    match = _FUNCTION.match(label)
    if not match or not 50 <= int(match.group(1)) <= 999:
        return None
    code = match.group(1) + (f"/{match.group(2)}" if match.group(2) else "")
    name = FUNCTIONS.get(code) or (match.group(3) or "").strip()
    return f"{code} {name}{_discretion(label)}"


def _discretion(label: str) -> str:
    return next((f", {q}" for q in ("discretionary", "mandatory") if q in label.lower()), "")


def _department(text: str | None) -> str | None:
    key = re.sub(r"^total\s+", "", text.strip(), flags=re.I).casefold() if text else None
    return DEPARTMENTS.get(key) if key else None


def _breakdown(text: str | None) -> str | None:
    return next((kind for words, kind in BREAKDOWNS if text and words in text.upper()), None)


# --- the table on one sheet --------------------------------------------------------------------------------


@dataclass
class Column:
    index: int
    header: str  # source_column: the header texts, whitespace collapsed, " / "-joined
    name: str = ""  # the same, cleaned, for messages: "FY 2015 / Total" for " FY 20151 / Total"
    period: int | None = None  # years-across layout
    phase: str | None = None  # from a header word
    is_estimate: bool = False
    measure: str | None = None  # from a column group header (Table 6-6)
    funding_type: str | None = None
    series: str | None = None  # other layouts: the column's series label
    group: str | None = None
    markers: tuple[str, ...] = ()
    is_total: bool = False
    span: object = None  # columns reconciled across one another share a span


@dataclass
class Table:
    """What the title, unit line and header of one sheet say."""

    number: str
    title: str  # the title lines above the header, joined
    layout: str  # across | down | headings
    header_rows: list[int]
    columns: list[Column]
    label_end: int  # row labels are left of this column
    label_header: str | None
    measure: str  # a measure, or "by_block" when columns or block headings name it
    price_basis: str | None
    unit_factor: float
    scale_word: str | None
    index_base: int | None
    skipped_columns: dict[int, tuple[str, str]] = field(default_factory=dict)  # column -> (header, what it gives)
    remarks: list[tuple[str, int, str]] = field(default_factory=list)  # (kind, column, header text)


def _title(grid: list[list]) -> tuple[int, str, str] | None:
    for r, row in enumerate(grid[:6]):
        for value in row:
            match = TABLE_TITLE.match(value) if isinstance(value, str) else None
            if match:
                return r, match.group(1), re.sub(r"\s+", " ", match.group(2)).strip()
    return None


def _find_down(grid: list[list], start: int) -> tuple[int, int] | None:
    """The "Fiscal Year" header cell of a years-down table: (row, column)."""
    for r in range(start, len(grid)):
        for c, text in _texts(grid[r]):
            if text.lower().startswith("fiscal year") and any(
                _row_year(grid[k][c] if c < len(grid[k]) else None) for k in range(r + 1, min(r + 6, len(grid)))
            ):
                return r, c
    return None


def _find_across(grid: list[list], start: int) -> int | None:
    """The year header row of a years-across table: two or more year labels right of the row labels."""
    for r in range(start, len(grid)):
        labelled = [c for c, t in _texts(grid[r]) if _header_year(t)]
        if len(labelled) >= 2 and min(labelled) > 0:
            return r
        numbers = _numbers(grid[r])
        years = [int(n) for _, n in numbers if n.is_integer() and 1900 <= n <= 2100]
        consecutive = all(b == a + 1 for a, b in zip(years, years[1:], strict=False))
        if len(numbers) >= 2 and len(years) == len(numbers) and numbers[0][0] > 0 and consecutive:
            return r
    return None


def _find_headings(grid: list[list], start: int) -> tuple[int, int] | None:
    """Table 2-1: (header row, first fiscal-year heading row)."""
    for r in range(start, len(grid)):
        texts = _texts(grid[r])
        year = _header_year(texts[0][1]) if len(texts) == 1 else None
        if year and not year[2]:
            header = next((h for h in range(r - 1, start - 1, -1) if len(_texts(grid[h])) >= 3), None)
            return (header, r) if header is not None else None
    return None


def _band(grid: list[list], r: int, first: int) -> list:
    """A header row above or below the years: text and no numbers right of the row labels."""
    row = grid[r] if 0 <= r < len(grid) else []
    return row if _texts(row, first) and not _numbers(row, first) else []


def _continues(years: dict[int, tuple], c: int, year: int) -> bool:
    """Whether `year` in column c continues the year headers on its left and right (2018 | 2019 | 2020)."""
    left = [years[k][0] for k in years if k < c]
    right = [years[k][0] for k in years if k > c]
    after_left = bool(left) and year == max(left) + 1
    before_right = bool(right) and year == min(right) - 1
    return (after_left or before_right) and (not left or year > max(left)) and (not right or year < min(right))


def _across_columns(grid: list[list], header: int) -> tuple[list[Column], list[int], int, dict, list]:
    """Value columns of a years-across table, the columns read as no year (column -> (header, what they give))
    and remarks ((kind, column, header text)). A blank header cell belongs to the year on its left when the row
    below names a sub-column there; a column group named above (TOA / Budget Authority / Outlays) spans right. A
    header of its own that is no year ("Change FY 15-16", "Total" over "FY17-FY21") ends the year's span."""
    row = grid[header]
    years = {
        c: y
        for c, v in enumerate(row)
        if isinstance(v, str) and (y := _header_year(v)) and not TRANSITION_QUARTER.search(v)  # not "1976 TQ"
    }
    years = years or {c: (int(n), (), "") for c, n in _numbers(row)}
    remarks = []
    for c, text in _texts(row):
        stray = None if c in years else _header_year(text, _STRAY_FY)
        if stray and _continues(years, c, stray[0]):
            years[c] = stray
            remarks.append((STRAY_YEAR, c, text))
    first = min(years)
    above, below = _band(grid, header - 1, first), _band(grid, header + 1, first)
    header_rows = [h for h, band in ((header - 1, above), (header, row), (header + 1, below)) if band]
    columns: list[Column] = []
    skipped: dict[int, tuple[str, str]] = {}
    year_col = group_col = other_col = None
    for c in range(first, max(len(row), len(above), len(below))):
        sub = _cell(below, c)
        if c in years:
            year_col, other_col = c, None
        elif _cell(row, c) is not None:
            year_col, other_col = None, c  # a header of its own that is no year
        elif sub is None:
            year_col = other_col = None  # neither a year nor a sub-column: the year's span has ended
        if year_col is not None and sub and TRANSITION_QUARTER.search(sub):
            skipped[c] = (f"{_cell(row, year_col)} / {sub}", NOT_A_YEAR[0][1])  # a "TQ" sub-column of FY 1976
            continue
        if year_col is None:
            header_text = " / ".join(t for t in (_cell(row, other_col), sub) if t) if other_col is not None else None
            reason = next((why for pattern, why in NOT_A_YEAR if header_text and pattern.search(header_text)), None)
            if reason and header_text is not None:  # a reason is found only in a header text
                skipped[c] = (header_text, reason)
            continue
        group_col = c if _cell(above, c) else group_col
        group = _cell(above, group_col)
        year, year_markers, words = years[year_col]
        sub_text, sub_markers = _clean(sub) if sub else (None, ())
        parts = (group, _cell(row, year_col) or str(year), sub)
        named = (group, f"FY {year} {words}".strip(), sub_text)
        columns.append(
            Column(
                index=c,
                header=" / ".join(p for p in parts if p),
                name=" / ".join(p for p in named if p),
                period=year,
                phase=_phase_word(words) or _phase_word(sub_text),
                is_estimate=bool(_ESTIMATE.search(f"{words} {sub_text or ''}")),
                measure=_base_measure(group),
                funding_type=_funding_type(sub_text),
                markers=year_markers + sub_markers,
                is_total=bool(sub_text and _TOTAL.search(sub_text)),
                span=(group_col, year_col),
            )
        )
    return columns, header_rows, first, skipped, remarks


def _down_columns(grid: list[list], header: int, label_col: int) -> tuple[list[Column], list[int]]:
    """Value columns of a years-down table: every column with header text; a header cell over blank cells that
    have sub-headers below is their group ("Excluding Pay, Fuel and Medical" over six columns)."""
    first_data = next(r for r in range(header + 1, len(grid)) if _row_year(grid[r][label_col] if grid[r] else None))
    rows = grid[header:first_data]
    columns: list[Column] = []
    group_of: dict[int, str] = {}
    for c in range(label_col + 1, max(len(r) for r in rows)):
        own = [_cell(r, c) for r in rows]
        if not any(own):
            continue
        top, rest = own[0], [t for t in own[1:] if t]
        if top is None and rest:
            left = max((k for k in group_of if k < c), default=None)
            top = group_of.get(left) if left is not None else None
        if top and rest:
            group_of[c] = top
        parts = [t for t in (top, *rest) if t]
        series, markers = _clean(parts[-1])
        columns.append(
            Column(
                index=c,
                header=" / ".join(parts),
                name=" / ".join(_clean(p)[0] for p in parts),
                series=series,
                group=_clean(parts[0])[0] if len(parts) > 1 else None,
                markers=markers,
                is_total=bool(_TOTAL.search(series)),
                span="row",
            )
        )
    return columns, list(range(header, first_data))


def _heading_columns(grid: list[list], header: int) -> list[Column]:
    """Value columns of Table 2-1: one per public law title named in the header row."""
    columns = []
    for c, text in _texts(grid[header]):
        series, markers = _clean(text)
        columns.append(
            Column(c, text, series, series=series, markers=markers, is_total=bool(_TOTAL.search(series)), span="row")
        )
    return columns


def _measure_kind(title: str, preamble: str) -> str | None:
    """The table's measure (or deflator, rate or index) from its title and unit lines; "by_block" when the
    column groups or block headings name it (Tables 1-1, 6-6)."""
    text = f"{title} {preamble}"
    base = _base_measure(text)
    if re.search(r"deflator", title, re.I):
        return f"{base}_deflator" if base else "price_index"
    if re.search(r"\bindices\b|\bindex\b", title, re.I):
        return "price_index"
    if re.search(r"inflation rate", title, re.I):
        return f"{base}_inflation_rate_pct" if base else None
    if base:
        return base
    named = sum(bool(p.search(text)) for p in (_TOA, _BA, _OUTLAYS))
    return "by_block" if named > 1 or re.search(r"\bbudget\b", title, re.I) else None


def _layout(grid: list[list], start: int):
    """(layout, columns, header rows, label end, label header text, columns read as no year, remarks), or None
    without a fiscal-year header."""
    down = _find_down(grid, start)
    if down:
        columns, header_rows = _down_columns(grid, *down)
        return "down", columns, header_rows, down[1] + 1, None, {}, []
    across = _find_across(grid, start)
    if across is not None:
        columns, header_rows, first, skipped, remarks = _across_columns(grid, across)
        label = next((t for c, t in _texts(grid[across]) if c < first), None)
        return "across", columns, header_rows, first, label, skipped, remarks
    headings = _find_headings(grid, start)
    if headings:
        columns = _heading_columns(grid, headings[0])
        return "headings", columns, [headings[0]], columns[0].index, None, {}, []
    return None


#: How `_table` says a sheet of endnotes is read after all (for the footnotes of its table's other sheets).
ENDNOTES_READ = re.compile("read for the footnotes")


def _table(grid: list[list], shown: str, sheet: str) -> Table | str:
    """The table of one sheet, or why the sheet is skipped."""
    found = _title(grid)
    if found is None:
        return "no Green Book table title"
    title_row, number, title = found
    reason = next((reason for pattern, reason in SKIPPED_TITLES if pattern.search(title)), None)
    if reason:
        return f"Table {number} {reason}"
    if any(NOT_AVAILABLE.search(t) for row in grid for _, t in _texts(row)):
        return f"Table {number} is a placeholder ('Not Available at this Time.')"
    layout = _layout(grid, title_row + 1)
    top = min(layout[2]) if layout else len(grid)
    preamble = " ".join(t for row in grid[title_row + 1 : top] for _, t in _texts(row))
    if layout is None and ENDNOTES.search(preamble):
        return f"Table {number} endnotes ({ENDNOTES_READ.pattern} of its other sheets)"
    measure = _measure_kind(title, preamble)
    if measure is None:
        return f"Table {number} names no budget measure milspace reads ({title})"
    if layout is None:
        raise InputFileError(shown, f"Table {number} has no fiscal-year header row or column", sheet=sheet)
    scale, constant, base_year = _SCALE.search(preamble), _constant(preamble), _BASE_YEAR.search(preamble)
    money = measure in _MONEY or measure == "by_block"
    if money and not scale:
        raise InputFileError(shown, f"Table {number} has no unit line such as '(Dollars in Millions)'", sheet=sheet)
    kind, columns, header_rows, label_end, label_header, skipped, remarks = layout
    return Table(
        number=number,
        title=f"{title} {preamble}",
        layout=kind,
        header_rows=header_rows,
        columns=columns,
        label_end=label_end,
        label_header=label_header,
        measure=measure,
        price_basis=(f"constant_{constant}" if constant else "current") if money else None,
        unit_factor=SCALES[scale.group(1).lower()] if scale else 1.0,
        scale_word=scale.group(1).lower() if scale else None,
        index_base=int(base_year.group(1)) if base_year else None,
        skipped_columns=skipped,
        remarks=remarks,
    )


# --- rows and headings -------------------------------------------------------------------------------------


@dataclass
class Block:
    """What the headings above a row say."""

    price_basis: str | None
    measure: str
    growth: bool = False
    group: str | None = None
    group_markers: tuple[str, ...] = ()
    period: int | None = None  # year-heading layout
    heading_col: int | None = None
    serial: int = 0  # a new block at every heading: totals are reconciled within one
    transition: bool = False  # under a transition-quarter heading (Table 2-1 layout): no fiscal year, not read


@dataclass
class Row:
    index: int  # 0-based sheet row
    label: str  # cleaned; the year in the years-down layout
    markers: tuple[str, ...]
    cells: dict[int, object]  # value column -> raw value
    block: Block
    is_total: bool = False
    qualifier: str | None = None  # "(Excludes Pay and Fuel)" on the row below
    col: int | None = None  # the column its label starts in (its indentation)
    maybe_total: bool = False  # less indented than the line above it in its block, and not named a total


@dataclass
class Sheet:
    """One sheet being read, and what it yields."""

    shown: str
    name: str
    footnotes: dict[str, dict[str, str]]  # sheet -> marker -> text, for every sheet of the same table
    lines: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    reconciliations: list[dict] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # kind of row skipped -> its first example

    def note(self, kind: str, r: int, label: str) -> None:
        self.notes.setdefault(kind, f"sheet {self.name!r} row {r + 1} {label!r}")

    def note_column(self, kind: str, c: int, header: str) -> None:
        self.notes.setdefault(kind, f"sheet {self.name!r} column {_letter(c)} {header!r}")

    def reject(self, r: int, column: str, rule: str, value) -> None:
        self.rejected.append(
            {
                "file": self.shown,
                "sheet": self.name,
                "row": r + 1,
                "column": column,
                "rule": rule,
                "value": None if value is None else str(value),
            }
        )


def _is_transition_quarter(label: str | None) -> bool:
    """A label naming only the transition quarter: "TQ", "FY 1976 TQ", "197T", "Transition Quarter"."""
    if not label or not TRANSITION_QUARTER.search(label):
        return False
    return not re.sub(f"{TRANSITION_QUARTER.pattern}|\\bFY\\b|\\d{{4}}|[\\s.()\\-:]", "", label, flags=re.I)


def _heading_kind(label: str) -> str | None:
    if _is_transition_quarter(label):
        return "transition"
    if _CURRENT.fullmatch(label) or _CONSTANT.fullmatch(label):
        return "basis"
    if _MEASURE_HEADING.match(label):
        return "measure"
    if _GROWTH.search(label):
        return "growth"
    year = _header_year(label)
    return "year" if year and not year[2] else None


def _next_label(grid: list[list], r: int, end: int) -> tuple[int, str] | None:
    """The column and cleaned text of the next row label below row r (within three rows)."""
    for k in range(r + 1, min(r + 4, len(grid))):
        found = next(((c, t) for c, t in _texts(grid[k]) if c < end), None)
        if found:
            return found[0], _clean(found[1])[0]
    return None


def _is_heading(label: str, col: int, cells: dict, block: Block, grid: list[list], r: int, end: int) -> bool:
    """A heading row: a heading word, or a row of zeros whose function code its next lines share (Table 1-2
    "054 - Defense-Related Activities*") or whose next line is indented deeper (Table 1-11 of FY 2017 "National
    Defense Base Funding" with one 0), or a text-only row not indented deeper than the last heading."""
    kind = _heading_kind(label)
    if cells:
        if any(_number(v) != 0 for v in cells.values()):
            return False
        code = _FUNCTION.match(label)
        below_col, following = _next_label(grid, r, end) or (None, None)
        shares_code = bool(code and following and following.startswith(code.group(1)))
        deeper = below_col is not None and following is not None and below_col > col and not _TOTAL.search(following)
        named_total = bool(_TOTAL.search(label)) and not _GROUP_FUNDING.search(label)  # not "Total Funding"
        return bool(kind) or ((shares_code or deeper) and not named_total)
    if kind:
        return True
    if label.startswith("(") and label.endswith(")"):
        return False
    return block.heading_col is None or col <= block.heading_col


def _apply_heading(block: Block, label: str, markers: tuple[str, ...], col: int, table: Table) -> Block:
    kind = _heading_kind(label) or "group"
    new = Block(block.price_basis, block.measure, block.growth, block.group, block.group_markers, block.period)
    new.heading_col, new.serial = col, block.serial + 1
    if kind == "basis":
        constant = _constant(label)
        new.price_basis = f"constant_{constant}" if constant else "current"
        new.measure, new.growth, new.group, new.group_markers = table.measure, False, None, ()
    elif kind == "measure":
        measure = _base_measure(label)
        assert measure is not None  # a measure heading (_MEASURE_HEADING) names exactly one measure
        new.measure, new.growth, new.group, new.group_markers = measure, False, None, ()
    elif kind == "growth":
        new.growth, new.group, new.group_markers = True, None, ()
    elif kind == "year":
        year = _header_year(label)
        assert year is not None  # _heading_kind found the year heading
        new.period, new.heading_col = year[0], block.heading_col
    elif kind == "transition":
        new.period, new.heading_col, new.transition = None, block.heading_col, True
    else:
        new.group, new.group_markers, new.period = label, markers, None
    return new


def _rows(grid: list[list], table: Table, sheet: Sheet) -> list[Row]:
    """The data rows, with the headings above each applied. Footnote and note rows, and the text rows that
    continue them, are skipped (they are read by `_sheet_footnotes`)."""
    value_cols = {c.index for c in table.columns}
    block = Block(table.price_basis, table.measure)
    rows: list[Row] = []
    in_notes = False
    for r in range(max(table.header_rows) + 1, len(grid)):
        row = grid[r]
        cells = {c: row[c] for c in value_cols if c < len(row) and _present(row[c])}
        for c, value in _numbers(row, table.label_end):
            if c in table.skipped_columns:
                header, reason = table.skipped_columns[c]
                sheet.note_column(f"Not read: columns giving {reason}", c, header)
            elif c not in value_cols:
                sheet.reject(r, f"column {c + 1}", "every figure sits under a column header", value)
        found = next(((c, t) for c, t in _texts(row) if c < table.label_end), None)
        if table.layout == "down" and cells and found and _is_transition_quarter(_LEADER.sub(" ", found[1])):
            sheet.note(TRANSITION_ROWS, r, found[1])
            continue
        if table.layout == "down":
            year = _row_year(row[table.label_end - 1]) if table.label_end - 1 < len(row) else None
            if year:
                rows.append(Row(r, str(year[0]), year[1], cells, block))
                continue
        if found is None and not cells:
            continue
        col, raw = found if found else (table.label_end, "")
        in_notes = bool(_FOOTNOTE.match(raw) or _NOTE.match(raw)) or (in_notes and not cells)
        if in_notes:
            continue
        label, markers = _clean(raw)
        if block.transition and cells and not _heading_kind(label):
            sheet.note(TRANSITION_ROWS, r, label)
            continue
        if _is_heading(label, col, cells, block, grid, r, table.label_end):
            block = _apply_heading(block, label, markers, col, table)
            if cells:
                sheet.note(ZERO_HEADINGS, r, label)
        elif not cells and label.startswith("(") and rows:
            rows[-1].qualifier = label
        elif not cells:
            sheet.note(EMPTY_LINES, r, label)
        elif not label or table.layout == "down":
            sheet.reject(r, "label", "a data row has a label (a fiscal year in a years-down table)", raw or None)
        else:
            is_total = bool(_TOTAL.search(label)) or label.casefold() == (block.group or "").casefold()
            above = rows[-1] if rows and rows[-1].block is block and rows[-1].col is not None else None
            outdented = (
                found is not None and above is not None and above.col is not None and col < above.col and not is_total
            )
            rows.append(Row(r, label, markers, cells, block, is_total=is_total, col=col, maybe_total=outdented))
    return rows


# --- lines -------------------------------------------------------------------------------------------------


def _measure_and_unit(table: Table, block: Block, column: Column, sheet: Sheet, r: int):
    """(measure, unit, currency, unit factor, price basis) of a figure."""
    base = column.measure or block.measure
    if base == "by_block":
        raise InputFileError(
            sheet.shown, f"Table {table.number}: no heading says which measure this row is", sheet=sheet.name, row=r + 1
        )
    if block.growth:
        return f"{base}_real_growth_pct", "percent real growth from the previous fiscal year", None, 1.0, None
    if base in _MONEY:
        basis = block.price_basis or "current"
        prices = "current prices" if basis == "current" else f"constant FY {basis.removeprefix('constant_')} prices"
        return base, f"US$ {table.scale_word}, {prices}", "USD", table.unit_factor, basis
    if base.endswith("_pct"):
        return base, "percent change from the previous fiscal year", None, 1.0, None
    return base, f"index, FY {table.index_base} = 100" if table.index_base else "index", None, 1.0, None


def _series_columns(table: Table, series: str | None, group: str | None) -> dict[str, str | None]:
    """Where the series label and its group heading go, by what the title (or a "Summary by ..." heading) says
    the table is broken down by."""
    title = table.title.upper()
    subject = _SUBJECT.search(_SUBJECT_END.split(title)[0].strip(" ,"))
    out: dict[str, str | None] = {"organization": _department(subject.group(1)) if subject else None}
    kind = _breakdown(group) or _breakdown(title)
    group = None if _breakdown(group) else group
    if kind == "account":
        out.update(account_title=series, appropriation_title=group)
    elif kind == "title" and "MILITARY DEPARTMENT" in title:
        out.update(appropriation_title=series, organization=_department(group) or group)
    elif kind == "title":
        out.update(appropriation_title=series, category=group)
    elif kind == "department":
        out.update(organization=_department(series) or series, category=group)
    elif kind == "cost":
        out.update(cost_type=series, category=group)
    else:
        out["category"] = f"{group}: {series}" if group and series else series
    return out


def _function_columns(rows: list[Row], i: int) -> dict[str, str | None]:
    """Budget-function tables: the function of a line, from its own code, its group heading's, or the next coded
    line of its block (the total it belongs to)."""
    row = rows[i]
    own = _function(row.label)
    if own:
        return {"category": own}
    group = _function(_clean(row.block.group)[0]) if row.block.group else None
    if group:
        return {"category": group, "appropriation_title": row.label}
    below = next((f for r in rows[i + 1 :] if r.block.serial == row.block.serial and (f := _function(r.label))), None)
    return {"category": below + _discretion(row.label) if below and ", " not in below else below}


def _footnotes(sheet: Sheet, markers: tuple[str, ...], page_notes: list[str]) -> str | None:
    texts = []
    for marker in dict.fromkeys(markers):
        text = sheet.footnotes.get(sheet.name, {}).get(marker) or next(
            (f[marker] for f in sheet.footnotes.values() if marker in f), None
        )
        texts.append(text or f"footnote {marker} (its text is not under the table)")
    return "; ".join([*texts, *page_notes]) or None


def _emit(rows: list[Row], table: Table, sheet: Sheet, page_notes: list[str]) -> None:
    for i, row in enumerate(rows):
        for column in table.columns:
            if column.index in row.cells:
                _emit_figure(rows, i, column, table, sheet, page_notes)


def _emit_figure(rows: list[Row], i: int, column: Column, table: Table, sheet: Sheet, page_notes: list[str]) -> None:
    """The budget line of one figure (or its rejected row)."""
    row = rows[i]
    raw = row.cells[column.index]
    value, marker, ok = _value(raw)
    if not ok:
        sheet.reject(row.index, column.header, figure_rule(raw, "type: number or missing marker"), raw)
        return
    measure, unit, currency, factor, basis = _measure_and_unit(table, row.block, column, sheet, row.index)
    label = f"{row.label} {row.qualifier}" if row.qualifier else row.label
    if table.layout == "down":
        title, series, group = column.series, column.series, column.group or row.block.group
    else:
        title, series = label, label if table.layout == "across" else column.series
        group = _clean(row.block.group)[0] if row.block.group else None
    function_table = "FUNCTION" in table.title.upper() or "function" in (table.label_header or "").lower()
    typed = _function_columns(rows, i) if function_table and table.layout == "across" else {}
    typed = typed or _series_columns(table, series, group)
    page_funding = _FUNDING_PAGE.search(table.title)
    row_funding = label if table.layout == "headings" else page_funding and page_funding.group(0)
    if table.layout == "across" and not column.funding_type:
        group_funding = _group_funding(row.block.group)
        row_funding = (label if _LINE_FUNDING.search(label) else None) or group_funding or row_funding
    sheet.lines.append(
        {
            "sheet": sheet.name,
            "row": row.index + 1,
            "source_column": column.header,
            "period": _period(table, row, column),
            "phase_word": column.phase,
            "is_estimate": column.is_estimate,
            "measure": measure,
            "funding_type": column.funding_type or _funding_type(row_funding),
            "line_item": table.number,
            "line_item_title": title,
            **typed,
            "value": value,
            "missing_marker": marker,
            "currency": currency,
            "unit_factor": factor,
            "unit": unit,
            "price_basis": basis,
            "is_total": row.is_total or (column.is_total and _has_parts(table, column)),
            "is_space": bool(_SPACE.search(f"{title} {typed.get('account_title') or ''}")),
            "footnotes": _footnotes(sheet, (*row.block.group_markers, *column.markers, *row.markers), page_notes),
        }
    )


def _period(table: Table, row: Row, column: Column) -> int | None:
    if table.layout == "across":
        return column.period
    return int(row.label) if table.layout == "down" else row.block.period


def _has_parts(table: Table, column: Column) -> bool:
    return sum(1 for c in table.columns if c.span == column.span) > 1


# --- reconciliations ---------------------------------------------------------------------------------------

SEGMENT = "the lines above it"
ZERO_HEADINGS = "Heading rows that carry zeros in their value columns are headings, and their zeros are not figures"
EMPTY_LINES = "Lines with a label and no figure make no line"
TRANSITION_ROWS = (
    "Not read: rows of the transition quarter (July-September 1976, between FY 1976 and FY 1977), which belongs "
    "to no fiscal year"
)
STRAY_YEAR = (
    "A year header with a stray character before 'FY' is read as that year when it continues the years on its "
    "left and right"
)


SUBTOTAL = "its more indented lines above it, as a subtotal"


@dataclass(eq=False)
class Item:
    key: int  # a row index (totals down a block) or a column index (totals across a row)
    name: str
    is_total: bool
    maybe_total: bool = False  # less indented than the line above it and not named a total: a subtotal if it adds up


def _candidates(items: list[Item], open_items: list[Item], position: int) -> list[tuple[str, list[Item]]]:
    """The readings of the total at `position`, each with its components. A possible subtotal (a row less indented
    than the line above it, "Department of Defense (No MERHFC)") is read only as the lines since the previous
    total, or that total plus those lines ("Department of Defense Plus MERHFC")."""
    total = items[position]
    segment: list[Item] = []
    for item in reversed(items[:position]):
        if item.is_total:
            break
        if item in open_items:
            segment.insert(0, item)
    previous = next((i for i in reversed(open_items) if i.is_total), None)
    readings = [
        (SUBTOTAL if total.maybe_total else SEGMENT, segment),
        ("the total above it and the lines since", [previous, *segment] if previous else []),
    ]
    if not total.maybe_total:
        readings.append(("everything open above it", list(open_items)))
        if _NO_MERHFC.search(total.name):
            readings.append(("its non-MERHFC lines", [i for i in segment if not _MERHFC.search(i.name)]))
        elif _MERHFC.search(total.name):
            readings.append(("its MERHFC lines", [i for i in open_items if _MERHFC.search(i.name) and not i.is_total]))
    return [(how, parts) for how, parts in readings if parts]


def _half_step(number: float) -> float:
    """Half the rounding step a published figure shows: 0.5 for whole numbers, 0.05 for one decimal."""
    text = f"{number:.6f}".rstrip("0").rstrip(".")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 10.0 ** -min(decimals, 3) / 2


def _check(stated: float | None, parts: list[tuple[float | None, float]]) -> tuple[float, float, float, bool] | None:
    """(stated, computed, tolerance, passed) for a total against its components, each given as (figure, rounding
    under it: 0 for a line; for a total checked before, half the rounding step of each figure added into it); or
    None when there is nothing to compare: a blank total, no components, or zeros standing for "not split" (zero
    components under a non-zero total, a zero total). The tolerance is half the total's rounding step plus, for
    each component, half its own step or, if larger, the rounding under it: the book rounds most figures from
    unrounded data, but some of its subtotals are the sums of their rounded parts ("Department of Defense Bill Plus
    MERHFC" = the bill + MERHFC exactly), so a total of such subtotals may be off by their parts' rounding."""
    present = [(f, under) for f, under in parts if f is not None]
    if stated is None or stated == 0 or not present or all(f == 0 for f, _ in present):
        return None
    computed = sum(f for f, _ in present)
    tolerance = _half_step(stated) + sum(max(_half_step(f), under) for f, under in present)
    return stated, computed, tolerance, abs(stated - computed) <= tolerance + 1e-9


def _reconcile(
    items: list[Item], keys: list[int], cell, figures: dict, under: dict, describe
) -> tuple[list[dict], set[int]]:
    """Every total of a sequence of items against its components; cell(item key, key) is the (row, column) of a
    figure in `figures` (a number or None), `under` the rounding of the figures added into each total checked so far
    (filled in here, shared by the checks down and across a sheet). Returns the checks and the keys of the possible
    subtotals that add up (read as subtotals).

    The reading kept for a total is the one that matches in most keys. A total that no reading matches anywhere
    is checked against the lines directly above it, or not at all when there are none (a total restated from
    elsewhere, such as Table 6-6's "Total Army" in its summary). A possible subtotal is one only where a reading
    matches in every key it can be compared in; otherwise it is a line."""
    out: list[dict] = []
    subtotals: set[int] = set()
    open_items: list[Item] = []
    for position, item in enumerate(items):
        if item.is_total or item.maybe_total:
            best = None
            for how, parts in _candidates(items, open_items, position):
                results = [
                    (key, found)
                    for key in keys
                    if (
                        found := _check(
                            figures.get(cell(item.key, key)),
                            [(figures.get(cell(p.key, key)), under.get(cell(p.key, key), 0.0)) for p in parts],
                        )
                    )
                ]
                passed = sum(found[3] for _, found in results)
                acceptable = passed == len(results) if item.maybe_total else passed or how == SEGMENT
                if results and acceptable and (best is None or passed > best[0]):
                    best = (passed, how, parts, results)
            if best is not None:
                _, how, parts, results = best
                for key, (stated, computed, tolerance, passed) in results:
                    added = [figures.get(cell(p.key, key)) for p in parts]
                    under[cell(item.key, key)] = sum(_half_step(f) for f in added if f is not None)
                    out.append(
                        {
                            **describe(item, how, parts, key),
                            "stated": stated,
                            "computed": computed,
                            "tolerance": tolerance,
                            "passed": passed,
                        }
                    )
                open_items = [i for i in open_items if i not in parts]
                if item.maybe_total:
                    item.is_total = True
                    subtotals.add(item.key)
        open_items.append(item)
    return out, subtotals


def _ranges(numbers: list[int]) -> str:
    """[7, 8, 9, 12] -> "7-9, 12"."""
    spans: list[list[int]] = []
    for n in sorted(numbers):
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def _is_money(block: Block, column: Column) -> bool:
    return (column.measure or block.measure) in _MONEY and not block.growth


def _reconcile_sheet(rows: list[Row], table: Table, sheet: Sheet) -> None:
    """Totals down each block (per value column) and across sub-columns (per row). A possible subtotal that adds up
    is marked a total on its row (its lines get is_total)."""
    headers = {c.index: c.name or c.header for c in table.columns}
    figures = {(row.index, c): _number(v) for row in rows for c, v in row.cells.items()}
    under: dict[tuple[int, int], float] = {}  # (row, column) of a total -> half the rounding of its parts
    where = {"file": sheet.shown, "sheet": sheet.name}
    if table.layout != "down":
        for serial in dict.fromkeys(row.block.serial for row in rows):
            block_rows = [row for row in rows if row.block.serial == serial]
            block = block_rows[0].block
            keys = [c.index for c in table.columns if _is_money(block, c)]
            items = [Item(row.index, row.label, row.is_total, row.maybe_total) for row in block_rows]

            def down(item, how, parts, key, basis=block.price_basis):
                rows_text = _ranges([p.key + 1 for p in parts])
                check = f"Table {table.number} '{item.name}' = {how} (rows {rows_text}), {headers[key]}, {basis}"
                return {**where, "row": item.key + 1, "check": check}

            checks, subtotals = _reconcile(items, keys, lambda a, b: (a, b), figures, under, down)
            sheet.reconciliations += checks
            labels = Counter(row.label for row in block_rows)
            for row in block_rows:
                if row.index in subtotals and not row.is_total and labels[row.label] > 1:
                    # a subtotal named like one of its own lines (FY 2017 Table 1-3: "Military Construction" over
                    # Military Construction and Family Housing) is named as later editions name it, so that the
                    # line and the total are two figures
                    sheet.note("a subtotal named like one of its lines, read as 'Total ...'", row.index, row.label)
                    row.label = f"Total {row.label}"
                row.is_total = row.is_total or row.index in subtotals
    for span in dict.fromkeys(c.span for c in table.columns if c.is_total and _has_parts(table, c)):
        span_columns = [c for c in table.columns if c.span == span]
        items = [Item(c.index, c.series or c.header, c.is_total) for c in span_columns]
        for row in (row for row in rows if _is_money(row.block, span_columns[0])):

            def across(item, how, parts, key, row=row):
                names = "; ".join(headers[p.key] for p in parts)
                check = f"Table {table.number} row '{row.label}' column '{headers[item.key]}' = {how} ({names}), "
                return {**where, "row": row.index + 1, "check": check + str(row.block.price_basis)}

            sheet.reconciliations += _reconcile(items, [row.index], lambda a, b: (b, a), figures, under, across)[0]


# --- the workbook ------------------------------------------------------------------------------------------


def _sheet_footnotes(grid: list[list]) -> tuple[dict[str, str], list[str]]:
    """The numbered or starred footnotes under a table (marker -> text, continued on following text rows) and its
    unnumbered notes ("NOTE:  War and supplemental funding is included.")."""
    marked: dict[str, str] = {}
    notes: list[str] = []
    last = None
    for row in grid:
        texts = _texts(row)
        if len(texts) != 1 or _numbers(row):
            last = None if _numbers(row) else last
            continue
        text = texts[0][1]
        footnote, note = _FOOTNOTE.match(text), _NOTE.match(text)
        if footnote:
            last = footnote.group(1) or footnote.group(2)
            marked[last] = footnote.group(3).strip()
        elif note:
            notes.append(note.group(1).strip())
            last = None
        elif last is not None:
            marked[last] += " " + text
    return marked, notes


def _budget_year(texts: list[str], periods: list[int], titles: list[str], file_name: str) -> tuple[int | None, str]:
    """The edition's budget year and where it comes from: named ("FY 2022 President's Budget", "FY17 Column of
    FY17 Budget"); else the constant-dollar or index base year when it is among the last years shown; else, for
    a table of outyears, the year before the first one, and for a table of in-years, the last one; else the year
    the publisher's file name starts with ("FY20 PB Green Book Table 6-4.xlsx"); else the last fiscal year
    shown."""
    named = [
        (int(a or b or f"20{c}"), m.group(0))
        for t in texts
        for m in _EXPLICIT_BUDGET.finditer(t)
        for a, b, c in [m.groups()]
    ]
    if named:
        year, text = max(named)
        return year, f"the workbook naming it ({text!r})"
    latest = max(periods) if periods else None
    bases = Counter(int(next(y for y in years if y)) for t in texts for years in _BASE_PHRASE.findall(t))
    if bases:
        year = bases.most_common(1)[0][0]
        if latest is None or year >= latest - OUTYEARS:
            return year, f"its constant-dollar or index base year (FY {year})"
    if periods and any(_OUTYEARS_TITLE.search(t) for t in titles):
        return min(periods) - 1, f"its title: the years after the budget year (FY {min(periods)} on)"
    if periods and any(_INYEARS_TITLE.search(t) for t in titles):
        return max(periods), f"its title: the years up to the budget year (to FY {max(periods)})"
    in_name = {int(y) if len(y) == 4 else 2000 + int(y) for y in _FILE_EDITION.findall(file_name)}
    if len(in_name) == 1:
        year = in_name.pop()
        return year, f"the file name ({file_name!r}): the workbook names no budget year and no base year"
    return latest, "the last fiscal year shown, a guess: the workbook and its file name name no budget year"


def _read_grids(path: Path, shown: str) -> dict[str, list[list]]:
    workbook = open_workbook(path, shown)
    try:
        return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}
    except Exception as exc:  # a damaged sheet inside a zip that opened
        raise InputFileError(shown, f"a sheet cannot be read ({type(exc).__name__}: {exc})") from None
    finally:
        workbook.close()


def read(path: Path, shown: str, names: NationNames) -> ReadResult:
    grids = _read_grids(path, shown)
    titles = {name: _title(grid) for name, grid in grids.items()}
    if not any(titles.values()):
        raise InputFileError(shown, "no sheet holds a Green Book table title ('Table 1-1:  ...')")
    under = {name: _sheet_footnotes(grid) for name, grid in grids.items()}
    sheets: list[Sheet] = []
    skipped: dict[str, list[str]] = {}
    unread: list[str] = []  # ReadResult.skipped: one sentence per sheet or column not read
    for name, grid in grids.items():
        title = titles[name]
        number = title[1] if title else None
        same_table = {s: under[s][0] for s, other in titles.items() if other and other[1] == number}
        sheet = Sheet(shown, name, same_table)
        table = _table(grid, shown, name)
        if isinstance(table, str):
            skipped.setdefault(table, []).append(name)
            if not ENDNOTES_READ.search(table):  # an endnotes sheet is read, for its table's footnotes
                unread.append(f"sheet {name!r} skipped: {table}")
            continue
        unread += [
            f"column {_letter(c)} ({header!r}) of sheet {name!r} skipped: it gives {reason}, not one fiscal year's "
            "figure"
            for c, (header, reason) in sorted(table.skipped_columns.items())
        ]
        for kind, c, text in table.remarks:
            sheet.note_column(kind, c, text)
        rows = _rows(grid, table, sheet)
        _reconcile_sheet(rows, table, sheet)
        _emit(rows, table, sheet, under[name][1])
        sheets.append(sheet)
    lines = [line for sheet in sheets for line in sheet.lines]
    reconciliations = [r for sheet in sheets for r in sheet.reconciliations]
    texts = [t for grid in grids.values() for row in grid for _, t in _texts(row)]
    shown_years = [line["period"] for line in lines] or [y[0] for t in texts if (y := _header_year(t) or _row_year(t))]
    table_titles = [found[2] for found in titles.values() if found]
    budget_year, how = _budget_year(texts, shown_years, table_titles, Path(shown).name)
    edition = f"FY {budget_year} President's Budget" if budget_year else "President's Budget (budget year not stated)"
    edition_note = (
        f"Edition {edition}: the budget year is from {how}."
        if budget_year
        else f"Edition {edition}: the workbook names no budget year and shows no fiscal year."
    )
    return ReadResult(
        source_format=FORMAT,
        source=SOURCE,
        edition=edition,
        lines=_finish(lines, shown, edition, budget_year, names.code("United States") or "USA"),
        rejected=rejected_rows([r for sheet in sheets for r in sheet.rejected]),
        reconciliations=pl.DataFrame(reconciliations, schema=RECONCILIATION_SCHEMA)
        if reconciliations
        else empty_reconciliations(),
        notes=(
            edition_note,
            *_notes(
                skipped,
                {k: v for sheet in reversed(sheets) for k, v in sheet.notes.items()},
                reconciliations,
                budget_year,
            ),
        ),
        skipped=tuple(unread),
    )


def _finish(lines: list[dict], shown: str, edition: str, budget_year: int | None, code: str) -> pl.DataFrame:
    """Budget lines: the phase from a header word, else from the budget year; the constant columns."""
    if not lines:
        return empty_lines()
    period = pl.col("period")
    by_year = (
        pl.when(period < budget_year - 1)
        .then(pl.lit("actual"))
        .when(period == budget_year - 1)
        .then(pl.lit("enacted"))
        .when(period == budget_year)
        .then(pl.lit("request"))
        .otherwise(pl.lit("projection"))
        if budget_year
        else pl.lit("actual")
    )
    frame = pl.DataFrame(lines, infer_schema_length=None).with_columns(
        pl.coalesce(pl.col("phase_word"), by_year).alias("phase"),
        pl.lit(SOURCE).alias("source"),
        pl.lit(FORMAT).alias("source_format"),
        pl.lit(edition).alias("edition"),
        pl.lit(shown).alias("file"),
        pl.lit(code).alias("entity_code"),
        pl.lit("United States").alias("entity_name"),
        pl.lit("country").alias("entity_kind"),
        pl.lit("fiscal_year").alias("period_type"),
        start_month_expr(code, pl.col("period")).alias("fiscal_year_start_month"),
        pl.lit("end").alias("fiscal_year_label"),
    )
    return finalize(frame.drop("phase_word"))


def _notes(
    skipped: dict[str, list[str]], found: dict[str, str], reconciliations: list[dict], budget_year: int | None
) -> tuple[str, ...]:
    out = [f"Skipped sheet(s) {', '.join(repr(s) for s in sheets)}: {reason}." for reason, sheets in skipped.items()]
    out += [f"{kind} (first: {example})." for kind, example in found.items()]
    out += [
        "Blank cells are not figures (the Green Book leaves a cell blank where a series does not exist or is not "
        "split): they make no line.",
        "Footnote rows under each table are not data: numbered and starred footnotes become the footnotes of the "
        "lines that carry their marker; unnumbered notes ('NOTE: ...') go to every line of their page.",
        "Title, unit and header rows, and blank rows, are not data.",
    ]
    if reconciliations:
        failed = [r for r in reconciliations if not r["passed"]]
        out.append(
            f"Reconciliations: {len(reconciliations) - len(failed)} of {len(reconciliations)} stated totals match "
            "the sum of their components within rounding."
        )
        out.append(
            "No check is made where one side is only zeros: the Green Book writes 0 for 'not split' under Base and "
            "War columns of mandatory lines (Tables 1-2, 1-3) and under unsplit columns of OMB-record rows."
        )
        out += _failure_notes(failed, budget_year)
    return tuple(out)


#: Totals that do not add up as published, found by reading each one by hand: (budget year of the edition,
#: table, total's label, column, price basis) -> what the book prints. Matched on the check's text, never on a
#: row or sheet position; the checks still fail.
KNOWN_DISCREPANCIES = {
    (2017, "2-1", "Total FY 2016 Air Force", "Revolving Funds & Other", "current"): (
        "the book's own figures disagree: the total is 65 but its lines are Base 63 and Overseas Contingency Ops 0; "
        "the FY 2020 and FY 2022 editions print the same cell's OCO line as 3 (63 + 3 = 65 within rounding), so "
        "this edition's OCO line leaves out about 2 that its total includes"
    ),
    (2020, "1-3", "051 - Total Dept of Defense (DoD Record)", "FY 2019 / Base", "constant_2020"): (
        "the constant-dollar page books all of FY 2019 under Base in this total (Base 665,218, OCO 0) while its "
        "lines split it (Base 585,022, OCO 80,196, of which Interfund Transactions -40,195 Base and +40,098 OCO "
        "against -95 and 0 on the current-dollar page); the FY 2019 Total column reconciles (665,218)"
    ),
}


def _known_discrepancy(check: str, budget_year: int | None) -> str | None:
    for (year, table, label, column, basis), why in KNOWN_DISCREPANCIES.items():
        if (
            year == budget_year
            and check.startswith(f"Table {table} '{label}' =")
            and check.endswith(f", {column}, {basis}")
        ):
            return why
    return None


def _failure_notes(failed: list[dict], budget_year: int | None) -> list[str]:
    """One sentence per total that fails somewhere, with the reason: the table's own (footnotes) or what the book
    prints (KNOWN_DISCREPANCIES)."""
    by_total: dict[tuple[str, int], list[dict]] = {}
    for r in failed:
        by_total.setdefault((r["sheet"], r["row"]), []).append(r)
    out = []
    for (sheet, row), checks in by_total.items():
        check = checks[0]["check"]
        known = next((why for c in checks if (why := _known_discrepancy(c["check"], budget_year))), None)
        if "(OMB Record)" in check and "constant_" in check:
            why = (
                "in constant dollars the OMB-record total is OMB's own figure deflated with GDP deflators (the "
                "table's footnote), not the DoD record plus scoring, so the two agree only in the base year"
            )
        elif known:
            why = known
        else:
            why = "the table does not say why"
        out.append(f"Reconciliation fails on sheet {sheet!r} row {row} ({len(checks)} check(s), {check}): {why}.")
    return out
