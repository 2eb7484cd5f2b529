"""US DoD Comptroller budget exhibits R-1, P-1, P-1R, O-1, M-1 and RF-1 (.xlsx, or a CSV export of the data sheet).

The Comptroller publishes, with each President's Budget, one workbook per public-law title: R-1 (RDT&E), P-1
(procurement), P-1R (reserve-component procurement), O-1 (operation and maintenance), M-1 (military personnel)
and RF-1 (revolving and management funds). Amounts are budget authority in thousands of dollars.

Layout of a data sheet (found by text, never by position):
- a banner row above the header: "Total of Displayed Rows" with live `=SUBTOTAL(9, ...)` formulas over each
  amount column. It is not a line; its cached values (read with data_only) are the totals the file states, and
  each is reconciled against the sum of the lines read for that column. SUBTOTAL sums every displayed row, memo
  ("Non-Add") lines included, so the reconciliation includes them too.
- the header row: the first row (of the first 25) holding an "Account" header and at least one fiscal-year
  header. Header cells contain line breaks ("FY 2019\\nPB Request\\nBase\\nAmount"); whitespace is collapsed and
  the result is `source_column`. A header text that repeats in one sheet gets " [column X]" appended.
- data rows: one per line of the exhibit; each amount cell is one budget line. Footnote rows sit in the first
  column under the data (a row with a single text cell): they are not lines. Those that start with a marker
  ("*", "+", "**", "***") are attached, as `footnotes`, to the figures of every column whose header carries that
  marker ("FY 2018 Total PB Requests* ..." -> "Includes June 29, 2017 requests."); the others are kept in notes.
  Blank rows are skipped. A row with figures but no account (and not a total) is rejected ("a data row names its
  account").

Sheets. A workbook has one or more full data sheets (all the amount columns) and many per-column views (one
amount column, or one Quantity/Amount pair: the rows of the data sheet filtered to that column). Sheets are told
apart by how many amount columns their header has (a Quantity/Amount pair counting once): the widest are data
sheets, the others views. The lines come from ONE sheet: the data sheet with the most data rows (the first on
ties), so no line is counted twice. The other data sheets are parts of it (O-1: "O&M Title" + "Indefinite
Accounts" = "Total O&M Title plus Indefinite"): their rows are read only to reconcile the parts against the
whole. Views are not read as lines either: each view's banner total is reconciled against the sum of the lines
of the same column in the data sheet. Sheets without an exhibit header (a cover, notes) are listed in notes.

Classification columns, by header text: Account, Account Title, Organization, Budget Activity (+ Title), budget
sub-activity ("BSA", "AG / BSA", "Budget Sub Activity", + Title), line item ("PE / BLI", "Program Element", "SAG /
BLI", "Line Item", "Budget Line Item (BLI)", "Program Element / Budget Line Item (BLI)", + Title), Cost Type (+
Title), Add/Non-Add, Include in TOA, Classification. Codes are kept as written. `line_item` is the PE / BLI / SAG;
where an exhibit has no line-item column (M-1) the budget sub-activity is the line item, otherwise the sub-activity
title is the `category`. `cost_type` is the cost type title (the code when there is no title). "Line Number" (a sort
order) is not kept. Organization codes are spelled out for the military departments (ARMY/Army/A -> Army, NAVY/N ->
Navy, AF/AIR FORCE/F -> Air Force, SF/SPACE FORCE -> Space Force, DW/DEFW/DEFENSE-WIDE -> Defense-Wide, MC -> Marine
Corps); agency codes (DARPA, MDA, DHA ...) are kept as written; an empty organization (the "Classified Programs"
rows) is NULL. A line of a Space Force account is organization Space Force whatever letter the Organization column
writes (the exhibits write F, the Department of the Air Force, for 3620F): an account titled "..., Space Force" or
"..., SF", or whose code or treasury symbol is one of SPACE_FORCE_ACCOUNTS (3620F, 3021F, 3022F, 3410F, 3510F;
57-3620 ...) unless its title names the Air Force (3021F was "Space Procurement, Air Force" in the FY 2019 and FY
2020 budgets: Air Force).

Amount columns: every header naming one fiscal year ("FY 2019", "FY2019", "FY19", "Fiscal Year 2019"). The header
grammar (`parse_amount_header`, `resolve_phase`) is a closed vocabulary, HEADER_TERMS: each term is taken out of
the header (a phrase before the words in it), and a header with a word left over is refused whole (InputFileError
naming the file and the column), so a new word is read only after someone says here what it means.
- measure: "Quantity"/"Qty" -> procurement_quantity (items, no currency); otherwise budget_authority ("Amount").
- phase: "Actual(s)" -> actual; "Projection", "Outyear", "FYDP", "Planned" -> projection; "Enacted",
  "Appropriated", "Annualized CR", "Full-Year CR", "CR", "Spend Plan" -> enacted; "Request(s)", "Req", "PB",
  "President's Budget", "Remaining Req", "with CR Adj(ustments)", "Less Enacted" -> request (first of actual,
  projection, enacted, request when a header names two). A header without a phase word takes the one phase the
  other columns of its year name ("FY 2026 Total" beside "FY 2026 Disc Enacted" and "FY 2026 PL 119-21 Spend
  Plan" is enacted; "FY 2025 Reconciliation" beside "FY 2025 Actuals" is actual); failing that it is dated against
  the budget year: the budget year itself -> request ("FY 2019 Base"); two or more years before it -> actual ("FY
  2017 (Base + OCO)"); the year just before it is ambiguous and raises InputFileError naming the column.
- the budget year: the latest year among headers that are neither actual, enacted nor projection. The edition is
  "FY<budget year> President's Budget".
- funding_type: base ("Base", "Base Requirements"); oco ("OCO", "Overseas Contingency Operations", "OCO Direct War
  and Enduring Costs"); oco_for_base ("OCO for Base Requirements": OCO funds for base needs, FY 2020-FY 2021);
  emergency ("Emergency", "Emergency Requirements", "Supplemental", "MDDE" - Missile Defeat and Defense
  Enhancements - and "Ship Repairs", the FY 2018 emergency of Div B of P.L. 115-96; a supplemental's purpose,
  "Ukraine", "Israel", "Disaster" ..., only beside one of these); reconciliation ("Reconciliation", or a citation of
  P.L. 119-21, the 2025 reconciliation act); mandatory ("Mandatory", "Mand"); discretionary ("Discretionary",
  "Disc"); less_enacted ("Less Enacted", whatever else the header says). No funding word -> total ("FY 2026
  Total"); two or more different ones ("Base + OCO + Emergency") -> total. Law citations ("P.L.115-96", "PL
  119-21"), "Div B", "Total", "Amount", "with", "and", "for" are known words that change nothing else.
- qualifiers (BASES), stated in the footnotes of every figure of the column:
  - "Less Enacted Div B P.L.115-96 MDDE + Ship Repairs" (FY 2019 files, two columns): a deduction, the part of the
    FY 2018 emergency request already enacted in Div B of P.L. 115-96, written negative, so that "Remaining Req" =
    the request column before it + it. It is phase request, funding_type less_enacted: never an enacted amount
    (before, it was read as enacted emergency funding and made FY 2018 enacted -1.3 billion dollars in R-1), not
    a part of a total; the per-line check "remaining = request + deduction" holds it to that meaning.
  - "PB Request with CR Adj(ustments)", "Request with CR adjustments": each line is the President's Budget request;
    the column also holds, per account, an adjustment line ("Adj to Match Continuing Resolution", line item
    FY2018CR/CR/CR1; R-1 PE 0901560x "Continuing Resolution Programs") that brings the account to the annualized
    continuing-resolution level, so the column adds up to the CR level, not to the request. Its figures are phase
    request (it was never enacted); the adjustment lines' figures in those columns are funding_type cr_adjustment
    (CR_ADJUSTMENT_TITLE), so the request is the sum of the other funding types and the CR level that plus them.
  - "Annualized CR" (the rate of a CR in force, for a full year: enacted law but not a full-year appropriation)
    and "Full-Year CR" (a full-year appropriation at the prior year's rates): enacted, with their qualifier.
  - "Remaining Req": the request less the deduction; "Spend Plan" (P.L. 119-21): DoD's allocation to budget lines
    of the mandatory reconciliation funds the act appropriated (enacted, reconciliation).
- a header naming two different years, or a change ("Change", "Delta", "Difference", "Increase", "vs", "%"),
  is not a figure: not read, listed in notes.
The whole header text is kept in `source_column`, so the variants of one year, phase and funding type (FY 2018 "PB
Request with CR Adj Base" and "Total PB Requests* with CR Adj Base") stay apart.

Values: numbers, or text with or without thousands separators ("1,234,567"), "(1,234)" for negatives. A blank
cell in a data row is missing (value NULL, missing_marker "empty"); "-", "--", "n/a", "NA", "..." are missing
markers kept as written (never read as zero). Any other text is a rejected row (rule "type: number"; for a
spreadsheet error value such as #REF!, `cells.SPREADSHEET_ERROR_RULE`).

Flags:
- is_memo: the Add/Non-Add column says Non-Add, or the cost type title says "NON ADD"/"Memo" (the P-1R National
  Guard and Reserve equipment lines are "(MEMO NON ADD)"). Memo lines are kept, never summed with the others.
- is_classified_aggregate: a title says "Classified" ("Classified Programs"), the line item is all nines
  ("9999999999", "9999"), or the Classification column is not U.
- is_total: a row without a line item whose title or account begins "Total"/"Subtotal" (none in FY 2019); it is
  reconciled against the non-memo detail lines of its account (all of them when it has no account).
- "Include in TOA" = N lines (outside the title's total obligational authority, e.g. the Defense Health Program
  RDT&E lines in R-1, "Less Reimbursables" in M-1) are kept, are in the banner totals, and say so in footnotes.
- is_space, a milspace rule (constants below; milspace's, not the Comptroller's), true for:
  1. Space Force lines: organization Space Force (which every Space Force account's line is, see above); or an
     account whose code or treasury symbol is in SPACE_FORCE_ACCOUNTS (with 3021F, "Space Procurement, Air Force").
  2. Space Development Agency lines: organization SDA, a program element ending "SDA", or a title naming it.
  3. Lines whose program element is in the program element lineage table (data_raw/reference/
     program_element_lineage.csv, `program_element_lineage()`), for their figures from its first_space_fiscal_year
     on (all of them when it is empty), in every edition: the Air Force space PEs renumbered into Major Force
     Program 12 in the FY 2019 budget, whose FY 2017 figures stay on the old number in the FY 2019 R-1 (0604853F
     EELV, 0305265F GPS III, 0604441F SBIRS, 0605431F AEHF, 0305164F NAVSTAR user equipment, 0604426F Space
     Fence ...: 35 PEs, 2.84 billion dollars of FY 2017 RDT&E), the Air Force MFP-12 PEs whose programs moved to
     the Space Force in FY 2021 (their FY 2019-FY 2020 figures stay on Air Force lines in later editions), and the
     SDA's own. Each row names its source.
  4. For budgets up to FY 2020 (LAST_BUDGET_BEFORE_SPACE_FORCE; the Space Force's first own budget was FY 2021):
     Air Force lines of Major Force Program 12, Space (PE numbers 12nnnnnF, used from the FY 2019 budget on), and
     lines whose account, budget activity or sub-activity title names space as a word (3021F "Space Procurement,
     Air Force"; O&M Air Force sub-activity "Space Operations"). Army, Navy and agency space lines are not included
     (they did not move to the Space Force).
  A classified aggregate is space only by rule 1 (it sits in a Space Force account); the Air Force's classified
  lines before FY 2021 are not (nothing says what they hold).

Which exhibit: a sheet named after it ("Exhibit R-1", "Exhibit P-1R"), else a vote of the account titles
(Research/RDT&E -> R-1, Procurement/Shipbuilding -> P-1, Personnel -> M-1, Operation & Maintenance -> O-1,
Working Capital/Sealift -> RF-1), a procurement file whose cost types are mostly Guard/Reserve being P-1R.
`source` is "US DoD Comptroller, budget exhibit <X>", appropriation_title follows the exhibit, the entity is the
United States (USA), periods are fiscal years starting in October.

Reconciliations: the banner total of each amount column; each view's banner; the parts of the data sheet; per line,
where a fiscal year has exactly one total column and two or more components of different funding types for the same
phase and measure ("FY 2019 Total" = "FY 2019 Base" + "FY 2019 OCO"): one summary row per group, plus one row per
line that does not add up (tolerance one thousand dollars, the rounding of each figure; a deduction or
remaining-request column is neither total nor part); per line, a remaining-request column = the request column
before its deduction + the deduction (`_deduction_checks`); and stated total rows. In the FY 2019 files every check
passes except two O-1 lines: row 168 (Air Force SAG 012F, FY 2019 OCO 36,098 but Total 0) and row 179 (Air Force
Classified Programs, Total 1,200,908 = Base 1,164,810 + that 36,098), as published.

Text exports (CSV): read with the csv module (exports can have ragged rows), with a comma, tab or semicolon as
delimiter, told by the content: the first of CSV_DELIMITERS with which an exhibit header row parses (so a semicolon
file is read only when its header words are the Comptroller's); `row` is the record number. Semicolon files come from
locales that swap the decimal and thousands separators: there a figure written with ',' or '.' is rejected
(AMBIGUOUS_SEPARATOR_RULE), never guessed at.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from pipelines.errors import InputFileError
from pipelines.nations import NationNames
from pipelines.paths import REPO_ROOT
from pipelines.shapes import RECONCILIATION_SCHEMA, ReadResult, finalize, rejected_rows
from pipelines.sources.cells import cell_text, figure_rule
from pipelines.sources.fiscal_years import start_month_expr
from pipelines.sources.probe import Probe, decode_head, decode_text, open_workbook

FORMAT = "dod_exhibits"
SOURCE = "US DoD Comptroller, budget exhibits (R-1, P-1, P-1R, O-1, M-1, RF-1)"

MEASURES = {
    "budget_authority": "Budget authority, current US dollars (exhibits publish thousands: see unit_factor)",
    "procurement_quantity": "Procurement quantity, number of items (P-1 and P-1R Quantity columns)",
}
#: Every measure of this reader is its own conformed measure (marts.budget_facts.measure).
CONFORMED: dict[str, str] = {}
#: No measure of this reader is barred from being negative (a budget line may be a rescission).
NEVER_NEGATIVE: frozenset[str] = frozenset()
#: Read whole by `read`, not in batches at load time.
STREAMED = False

ENTITY_CODE, ENTITY_NAME = "USA", "United States of America"
AMOUNT_UNIT = "thousands of US$ (budget authority)"
QUANTITY_UNIT = "items"
#: How far down a sheet the header row is looked for.
HEADER_SEARCH_ROWS = 25
#: Largest difference accepted between a stated total and the sum of its lines (thousands of dollars or items).
TOLERANCE = 0.5
#: Per line, components and total are each rounded to the thousand: they may differ by one.
LINE_TOLERANCE = 1.0

#: Exhibit -> appropriation title (the public-law title, spelled as in marts.us_budget).
EXHIBITS = {
    "R-1": "RDT&E",
    "P-1": "procurement",
    "P-1R": "procurement",
    "O-1": "operation and maintenance",
    "M-1": "military personnel",
    "RF-1": "revolving funds",
}
_SHEET_EXHIBIT = re.compile(r"\b(P-1R|RF-1|R-1|P-1|O-1|M-1)\b", re.I)
#: Account-title patterns voting for an exhibit when no sheet is named after one.
ACCOUNT_TITLE_VOTES = (
    (re.compile(r"research|\brdt&e\b|test (&|and) eval", re.I), "R-1"),
    (re.compile(r"procurement|shipbuilding|sea-based|ng&re|reserve equipment|production act", re.I), "P-1"),
    (re.compile(r"personnel|medicare", re.I), "M-1"),
    (re.compile(r"operation (&|and) maint|\bo&m\b", re.I), "O-1"),
    (re.compile(r"working capital|revolving|sealift|commissary", re.I), "RF-1"),
)

# --- the milspace space rule (see the module docstring) ----------------------------------------------------------
SPACE_FORCE = "Space Force"
SPACE_FORCE_ACCOUNTS = {
    "3620F": "Research, Development, Test and Evaluation, Space Force (57-3620), from FY 2021",
    "3021F": "Space Procurement, Air Force (57-3021), FY 2019-FY 2020: the space programs' procurement account",
    "3022F": "Procurement, Space Force (57-3022), from FY 2021",
    "3410F": "Operation and Maintenance, Space Force (57-3410), from FY 2021",
    "3510F": "Military Personnel, Space Force (57-3510)",
}
#: An account code or treasury symbol of those accounts ("3620F", "57-3620", "057-3620"), spaces and dashes removed.
SPACE_FORCE_SYMBOL = r"^(?:0?57)?(3620|3021|3022|3410|3510)F?$"
SPACE_FORCE_ACCOUNT_TITLE = r"(?i)\bspace force\b|,\s*SF$"
AIR_FORCE_ACCOUNT_TITLE = r"(?i)\bair force\b|,\s*AF$"
SDA_ORGANIZATIONS = ("SDA", "SPACE DEVELOPMENT AGENCY")
SDA_PROGRAM_ELEMENT = r"(?i)^\w+SDA$"
SDA_TITLE = r"(?i)\bspace development agency\b"
LAST_BUDGET_BEFORE_SPACE_FORCE = 2020
MFP12_AIR_FORCE_PROGRAM_ELEMENT = r"^12\d{5}F$"
SPACE_WORD = r"(?i)\bspace\b"
#: Program elements of space programs wherever they appear (rule 3 of is_space; a described reference table).
LINEAGE_PATH = REPO_ROOT / "data_raw" / "reference" / "program_element_lineage.csv"

# --- continuing-resolution adjustment lines ----------------------------------------------------------------------
#: Lines that bring an account's "with CR Adj" columns from the request to the annualized CR level: P-1, O-1, M-1
#: and RF-1 "Adj to Match Continuing Resolution" (line items FY2018CR, CR, CR1), R-1 PE 0901560x "Continuing
#: Resolution Programs".
CR_ADJUSTMENT_TITLE = (
    r"(?i)\badj(?:ustment)?s? to match (?:the )?continuing resolution\b|^continuing resolution programs$"
)
CR_ADJUSTMENT_NOTE = (
    "Adjustment to match the continuing resolution: in the CR-adjusted columns it brings the account from the "
    "request to the annualized CR level (funding_type cr_adjustment there); not a request for a program."
)

#: Organization codes as written (upper case) -> the spelling milspace keeps; other codes are kept as written.
ORGANIZATIONS = {
    **dict.fromkeys(("ARMY", "A", "USA"), "Army"),
    **dict.fromkeys(("NAVY", "N", "USN"), "Navy"),
    **dict.fromkeys(("MARINE CORPS", "MC", "USMC"), "Marine Corps"),
    **dict.fromkeys(("AIR FORCE", "AF", "F", "USAF"), "Air Force"),
    **dict.fromkeys(("SPACE FORCE", "SF", "USSF"), SPACE_FORCE),
    **dict.fromkeys(("DEFENSE-WIDE", "DEFENSE WIDE", "DW", "DEFW", "D"), "Defense-Wide"),
}

#: Cell texts meaning "no figure" (kept as missing_marker); a blank cell is "empty".
MISSING_MARKERS = ("-", "--", "—", "n/a", "N/A", "NA", "...", ". .")
#: Delimiters a text export of a data sheet may use, told by which one its header row parses with.
CSV_DELIMITERS = {",": "comma", "\t": "tab", ";": "semicolon"}
#: Semicolon-delimited text comes from locales that write "," as the decimal separator and "." between thousands:
#: there "11.936" may be 11,936 or 11.936 thousand dollars. Such a figure is rejected with this rule, never guessed.
AMBIGUOUS_SEPARATOR_RULE = (
    "type: number without separators (in a semicolon-delimited file ',' and '.' may each be a decimal or a "
    "thousands separator)"
)

# --- header grammar ---------------------------------------------------------------------------------------------
_YEAR = re.compile(r"\b(?:fy|fiscal year)\s*'?(\d{4}|\d{2})(?!\d)", re.I)
_MARKER = re.compile(r"(?<=\S)([*+†‡]+)(?=[\s)]|$)")
_CHANGE = re.compile(r"\b(change|delta|difference|increase|decrease|vs\.?|versus)\b|%", re.I)
_AMOUNT_WORD = re.compile(r"\b(quantity|quantities|qty|amount)\b", re.I)
#: What is left of a header once its known terms are taken out: punctuation and spaces only, or unknown words.
_FILLER = re.compile(r"[\s()\[\]+&,/:;.\-]+")


@dataclass(frozen=True)
class Term:
    """One entry of the header vocabulary: a word or phrase and what it says about the column."""

    pattern: re.Pattern
    phase: str | None = None  # actual | enacted | request | projection
    funding: str | None = None  # base | oco | oco_for_base | emergency | reconciliation | mandatory | ...
    basis: str | None = None  # a qualifier stated in every figure's footnotes (BASES)
    quantity: bool = False  # procurement quantity (items), not dollars
    purpose: bool = False  # what a supplemental is for: known only beside an emergency word


def _term(regex: str, **meaning) -> Term:
    return Term(re.compile(regex, re.I), **meaning)


#: The vocabulary of the Comptroller's amount-column headers (R-1, P-1, P-1R, O-1, M-1, RF-1, FY 2019-FY 2027).
#: Terms are taken out of the header in this order (a phrase before the words in it: "Less Enacted" before
#: "Enacted", "OCO for Base" before "OCO"); a word left over is unknown and the file is refused (InputFileError
#: naming the column), so a new word is read only once someone has said what it means.
HEADER_TERMS = (
    # qualifiers that change what a column is
    _term(r"\bless enacted\b", phase="request", funding="less_enacted", basis="less_enacted"),
    _term(r"\bremaining (?:requests?|req)\b", phase="request", basis="remaining"),
    _term(r"\b(?:with )?cr[- ]adj(?:ustments?|usted|\.)?(?!\w)", phase="request", basis="cr_adjusted"),
    _term(r"\bannualized (?:cr|continuing resolution)\b", phase="enacted", basis="annualized_cr"),
    _term(r"\bfull[- ]year (?:cr|continuing resolution)\b", phase="enacted", basis="full_year_cr"),
    _term(r"\bspend plan\b", phase="enacted", basis="spend_plan"),
    _term(r"\b(?:cr|continuing resolution)\b", phase="enacted", basis="annualized_cr"),
    # laws cited: P.L. 119-21 is the 2025 reconciliation act; others (P.L. 115-96: Div B, MDDE) are citations
    _term(r"\bp\.? ?l\.? ?119-21\b", funding="reconciliation"),
    _term(r"\bp\.? ?l\.? ?\d{2,3}-\d{1,3}\b"),
    _term(r"\bdiv(?:ision)?\.? [a-z]\b"),
    # phases
    _term(r"\bactuals?\b", phase="actual"),
    _term(r"\b(?:projection|projected|out-?years?|fydp|planned)\b", phase="projection"),
    _term(r"\b(?:enacted|appropriated)\b", phase="enacted"),
    _term(r"\bpresident'?s budget\b|\bbudget requests?\b|\brequests?\b|\breq\b|\bpb\b", phase="request"),
    # funding types
    _term(r"\boco for base(?: requirements)?\b", funding="oco_for_base"),
    _term(r"\boco direct war(?: and enduring(?: costs| requirements)?)?\b", funding="oco"),
    _term(r"\b(?:overseas contingency operations?|oco)\b", funding="oco"),
    _term(r"\bbase(?: requirements)?\b", funding="base"),
    # MDDE: Missile Defeat and Defense Enhancements; with ship repairs, the FY 2018 emergency of Div B, P.L. 115-96
    _term(r"\b(?:emergency(?: requirements)?|supplementals?|mdde|ship repairs?)\b", funding="emergency"),
    _term(r"\breconciliation\b", funding="reconciliation"),
    _term(r"\b(?:mandatory|mand)\b", funding="mandatory"),
    _term(r"\b(?:discretionary|disc)\b", funding="discretionary"),
    _term(r"\b(?:grand )?totals?\b"),
    # measure
    _term(r"\b(?:quantity|quantities|qty)\b", quantity=True),
    _term(r"\bamounts?\b"),
    _term(r"\b(?:ukraine|israel|disaster relief|disaster|hurricanes?|covid-19|covid|cares act)\b", purpose=True),
    _term(r"\b(?:with|and|for|plus|incl|including)\b"),
)
#: Precedence when a header names two phases (only "Remaining Req" and the like name one twice in practice).
PHASE_ORDER = ("actual", "projection", "enacted", "request")
#: Qualifiers stated in the footnotes of every figure of a column that has them.
BASES = {
    "cr_adjusted": (
        "PB request with CR adjustments: each line is the President's Budget request; the column also holds, per "
        "account, an 'Adj to Match Continuing Resolution' line (funding_type cr_adjustment) that brings the "
        "account to the annualized continuing-resolution level. Not an enacted appropriation."
    ),
    "annualized_cr": (
        "Annualized continuing resolution: the rate of the continuing resolution in force when the budget was "
        "prepared, for a full year; not a full-year appropriation."
    ),
    "full_year_cr": "Full-year continuing resolution: a full-year appropriation, enacted at the rates it sets.",
    "less_enacted": (
        "Deduction (funding_type less_enacted): the part of the request already enacted in the law the header "
        "cites, written as a negative amount; remaining request = request + this column. Never an enacted amount."
    ),
    "remaining": "Remaining request: the request less what was already enacted (the Less Enacted column).",
    "spend_plan": (
        "Spend plan: DoD's allocation to budget lines of mandatory funds the 2025 reconciliation act (P.L. 119-21) "
        "appropriated; the act enacted the amounts by purpose, the allocation to lines is the plan."
    ),
}


@dataclass(frozen=True)
class AmountHeader:
    """What an amount column's header says: one fiscal year's figures of one measure."""

    text: str  # the header, whitespace collapsed (source_column)
    fiscal_year: int
    phase_word: str | None  # the phase the header names, or None (then dated against the budget year)
    funding_type: str
    measure: str
    markers: tuple[str, ...]  # footnote markers attached to words ("Requests*" -> "*")
    bases: tuple[str, ...] = ()  # qualifiers (BASES), in header order
    unknown: tuple[str, ...] = ()  # words the vocabulary does not know: the file is refused


def _collapse(text: object) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


def parse_amount_header(text: str) -> AmountHeader | None:
    """The meaning of an amount header, or None if it is not one fiscal year's figures (no year, a change column).

    Words the vocabulary (HEADER_TERMS) does not know are listed in `unknown`; the reader refuses such a file."""
    text = _collapse(text)
    years = {int(y) + (2000 if len(y) == 2 else 0) for y in _YEAR.findall(text)}
    if len(years) != 1 or _CHANGE.search(text):
        return None
    markers = tuple(_MARKER.findall(text))
    rest = _YEAR.sub(" ", _MARKER.sub("", text))
    found: list[Term] = []
    for term in HEADER_TERMS:
        if term.pattern.search(rest):
            found.append(term)
            rest = term.pattern.sub(" ", rest)
    unknown = [w for w in _FILLER.split(rest) if w]
    funding = {t.funding for t in found if t.funding}
    if any(t.purpose for t in found) and "emergency" not in funding:
        unknown += [m.group(0) for t in found if t.purpose for m in t.pattern.finditer(text)]
    phases = {t.phase for t in found if t.phase}
    if "less_enacted" in funding:
        funding_type = "less_enacted"
    else:
        funding_type = funding.pop() if len(funding) == 1 else "total"
    return AmountHeader(
        text=text,
        fiscal_year=years.pop(),
        phase_word=next((p for p in PHASE_ORDER if p in phases), None),
        funding_type=funding_type,
        measure="procurement_quantity" if any(t.quantity for t in found) else "budget_authority",
        markers=markers,
        bases=tuple(t.basis for t in found if t.basis),
        unknown=tuple(unknown),
    )


def budget_year_of(headers: list[AmountHeader]) -> int:
    """The budget year: the latest year of the headers that are not actual, enacted or projection."""
    open_years = [h.fiscal_year for h in headers if h.phase_word in (None, "request")]
    return max(open_years or [h.fiscal_year for h in headers])


def resolve_phase(header: AmountHeader, budget_year: int, headers: tuple[AmountHeader, ...] = ()) -> str:
    """The header's phase: as named; else the one phase the other columns of its year name ("FY 2026 Total"
    beside "FY 2026 Enacted" and "FY 2026 PL 119-21 Spend Plan" is enacted); else dated against the budget year.
    ValueError when it cannot be told."""
    if header.phase_word is not None:
        return header.phase_word
    named = {h.phase_word for h in headers if h.fiscal_year == header.fiscal_year and h.phase_word is not None}
    if len(named) == 1:
        return named.pop()
    if header.fiscal_year == budget_year:
        return "request"
    if header.fiscal_year <= budget_year - 2:
        return "actual"
    raise ValueError(
        f"the column names FY {header.fiscal_year} without saying whether it is actual, enacted or requested "
        f"(the budget year is FY {budget_year})"
    )


# --- sheets and their layout -------------------------------------------------------------------------------------
_ACCOUNT = r"(?:appropriation account|account|acct|appn|appropriation)"
_SUB_ACTIVITY = r"(?:ag/)?(?:budget sub ?-?activity|bsa)(?: \(bsa\))?"
#: "PE / BLI", "SAG / Budget Line Item (BLI)", "Program Element / Budget Line Item (BLI)", "Budget Line Item (BLI)"
_BLI = r"(?:bli|budget line item(?: \(bli\))?)"
_LINE_ITEM = rf"(?:pe|program element|sag|line item|{_BLI})(?:/{_BLI})?"
_CODE = r"(?: code| number| no\.?)?"
_TITLE = r" (?:title|name)"
#: Classification fields and the header texts (lower case, spaces around "/" removed) that name them.
FIELD_HEADERS = {
    "account": re.compile(_ACCOUNT + _CODE),
    "account_title": re.compile(_ACCOUNT + _TITLE),
    "organization": re.compile(r"(?:organization|org|service|component)(?: code)?"),
    "budget_activity": re.compile(r"(?:budget activity|ba)" + _CODE),
    "budget_activity_title": re.compile(r"(?:budget activity|ba)" + _TITLE),
    "sub_activity": re.compile(_SUB_ACTIVITY + _CODE),
    "sub_activity_title": re.compile(_SUB_ACTIVITY + _TITLE),
    "line_item": re.compile(_LINE_ITEM + _CODE),
    "line_item_title": re.compile(_LINE_ITEM + _TITLE),
    "cost_type_code": re.compile(r"cost type(?: code)?"),
    "cost_type_title": re.compile(r"cost type" + _TITLE),
    "add_non_add": re.compile(r"add/ ?non-? ?add"),
    "include_in_toa": re.compile(r"include in toa"),
    "classification": re.compile(r"(?:security )?classification"),
    "line_number": re.compile(r"line (?:number|no\.?|#)"),
}
FIELDS = tuple(FIELD_HEADERS)
_BANNER = re.compile(r"total of displayed rows", re.I)
_FOOTNOTE = re.compile(r"^\s*([*+†‡]+)\s*(.+)$", re.S)
_TOTAL_LABEL = re.compile(r"^(grand |sub-? ?)?total\b", re.I)


def _header_key(text: str) -> str:
    return re.sub(r"\s*/\s*", "/", _collapse(text).casefold())


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Layout:
    """Where things are in one sheet."""

    header_row: int  # 1-based
    banner_row: int | None
    fields: dict[str, int]  # classification field -> column index
    amounts: dict[int, AmountHeader]  # column index -> header
    unread: list[str]  # header texts not read (unknown columns, change columns, repeated fields)

    @property
    def width(self) -> int:
        """How many amount columns the sheet has, counting a Quantity/Amount pair once."""
        return len({_AMOUNT_WORD.sub("", h.text) for h in self.amounts.values()})


def _find_layout(rows: list[tuple]) -> Layout | None:
    """The layout of a sheet, from its first rows, or None if no row is an exhibit header."""
    for number, cells in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
        keys = [_header_key(c) if isinstance(c, str) else "" for c in cells]
        if not any(FIELD_HEADERS["account"].fullmatch(k) for k in keys):
            continue
        layout = Layout(number, None, {}, {}, [])
        seen: set[str] = set()
        for index, (cell, key) in enumerate(zip(cells, keys, strict=True)):
            if not key:
                continue
            name = next((f for f, pattern in FIELD_HEADERS.items() if pattern.fullmatch(key)), None)
            header = None if name else parse_amount_header(cell)
            if name and name not in layout.fields:
                layout.fields[name] = index
            elif header is not None:
                if header.text in seen:
                    header = replace(header, text=f"{header.text} [column {_column_letter(index)}]")
                seen.add(header.text)
                layout.amounts[index] = header
            else:
                layout.unread.append(_collapse(cell))
        if layout.amounts:
            layout.banner_row = next(
                (n for n, r in enumerate(rows[: number - 1], start=1) if any(_is_banner(c) for c in r)), None
            )
            return layout
    return None


def _is_banner(cell: object) -> bool:
    return isinstance(cell, str) and bool(_BANNER.search(cell))


@dataclass
class Grid:
    """The cell values of one sheet (or CSV file): rows[i] is row i + 1."""

    sheet: str | None
    rows: list[tuple]
    layout: Layout
    delimiter: str | None = None  # of a delimited text export; None for a workbook sheet


def _workbook_grids(path: Path, shown: str) -> tuple[list[Grid], list[str]]:
    """Every sheet with an exhibit header, and the names of the others. Only the widest sheets (the data sheet
    and its parts) are read in full; the views only down to their header."""
    workbook = open_workbook(path, shown)
    grids, others = [], []
    try:
        for sheet in workbook.worksheets:
            head = [tuple(r) for r in sheet.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, values_only=True)]
            layout = _find_layout(head)
            if layout is None:
                others.append(sheet.title)
            else:
                grids.append(Grid(sheet.title, head, layout))
        width = max((g.layout.width for g in grids), default=0)
        for grid in grids:
            if grid.layout.width == width:
                grid.rows = [tuple(r) for r in workbook[grid.sheet].iter_rows(min_row=1, values_only=True)]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError) as exc:
        raise InputFileError(shown, f"the workbook is damaged ({type(exc).__name__}: {exc})") from None
    finally:
        workbook.close()
    return grids, others


def _csv_records(text: str, delimiter: str = ",", limit: int | None = None) -> list[tuple]:
    try:
        return [tuple(r) for r in itertools.islice(csv.reader(io.StringIO(text), delimiter=delimiter), limit)]
    except csv.Error:
        return []


def _csv_delimiter(text: str) -> str | None:
    """The delimiter an exported data sheet uses, told by its content: the first of CSV_DELIMITERS with which an
    exhibit header row (Account ... FY amount columns) parses in the first rows; None when none does."""
    return next(
        (d for d in CSV_DELIMITERS if _find_layout(_csv_records(text, d, HEADER_SEARCH_ROWS)) is not None), None
    )


def _csv_grid(path: Path, shown: str) -> Grid:
    try:
        text = decode_text(path.read_bytes(), shown).lstrip("\ufeff")
    except OSError as exc:
        raise InputFileError(shown, f"cannot be opened ({exc.strerror})") from None
    delimiter = _csv_delimiter(text)
    if delimiter is None:
        raise InputFileError(
            shown,
            f"no exhibit header row (Account ... FY amount columns) in its first {HEADER_SEARCH_ROWS} rows, with "
            "any of the delimiters " + ", ".join(CSV_DELIMITERS.values()),
        )
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        records = [tuple(r) for r in rows]
    except csv.Error as exc:  # past the first rows, e.g. a field over csv's 131,072-character limit
        raise InputFileError(shown, f"is not a well-formed delimited file ({exc})", row=rows.line_num) from None
    layout = _find_layout(records)
    assert layout is not None  # the header found in the first rows is found again in the whole file
    return Grid(None, records, layout, delimiter)


def sniff(probe: Probe) -> bool:
    """A workbook sheet or a delimited text export whose first rows hold an exhibit header: Account ... and FY amount
    columns."""
    if probe.is_xlsx:
        for sheet in probe.sheet_names[:8]:
            if _find_layout(probe.first_rows(sheet, rows=HEADER_SEARCH_ROWS, columns=80)) is not None:
                return True
        return False
    if probe.text_lines:
        return _csv_delimiter((decode_head(probe.head) or "").lstrip("\ufeff")) is not None
    return False


# --- rows ---------------------------------------------------------------------------------------------------------
def _text(value: object) -> str | None:
    return cell_text(value)


def _cell(cells: tuple, index: int) -> object:
    return cells[index] if index < len(cells) else None


def _raw(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return repr(value) if isinstance(value, float) else str(value)


@dataclass
class SheetRows:
    """The data rows of one sheet, as text, and what else was under the header."""

    wide: pl.DataFrame  # row, is_total, every field of FIELDS, one a<index> text column per amount column
    footnotes: dict[str, str] = field(default_factory=dict)  # marker -> text
    free_notes: list[str] = field(default_factory=list)
    footnote_rows: list[int] = field(default_factory=list)
    blank_rows: int = 0
    rejected: list[dict] = field(default_factory=list)


def _read_rows(grid: Grid, shown: str) -> SheetRows:
    layout = grid.layout
    out = SheetRows(pl.DataFrame())
    records = []
    for number, cells in enumerate(grid.rows[layout.header_row :], start=layout.header_row + 1):
        filled = [c for c in cells if _text(c) is not None]
        if not filled:
            out.blank_rows += 1
            continue
        if len(filled) == 1 and isinstance(filled[0], str):
            text = _collapse(filled[0])
            marker = _FOOTNOTE.match(text)
            if marker:
                out.footnotes.setdefault(marker.group(1), marker.group(2).strip())
            else:
                out.free_notes.append(text)
            out.footnote_rows.append(number)
            continue
        record = {name: _text(_cell(cells, layout.fields[name])) if name in layout.fields else None for name in FIELDS}
        labels = [record[k] for k in ("account", "account_title", "line_item_title", "sub_activity_title")]
        is_total = record["line_item"] is None and any(v and _TOTAL_LABEL.match(v) for v in labels)
        if record["account"] is None and not is_total:
            first = next(_text(c) for c in cells if _text(c) is not None)
            out.rejected.append(
                {
                    "file": shown,
                    "sheet": grid.sheet,
                    "row": number,
                    "column": "Account",
                    "rule": "a data row names its account",
                    "value": first,
                }
            )
            continue
        record |= {f"a{i}": _raw(_cell(cells, i)) for i in layout.amounts}
        records.append({"row": number, "is_total": is_total, **record})
    schema = {"row": pl.Int64, "is_total": pl.Boolean, **dict.fromkeys(FIELDS, pl.String)}
    schema |= {f"a{i}": pl.String for i in layout.amounts}
    out.wide = pl.DataFrame(records, schema=schema, orient="row") if records else pl.DataFrame(schema=schema)
    return out


def _number(text: pl.Expr) -> pl.Expr:
    """A cell's text as a number ("1,234", "-1234", "(1,234)", "1234.5"), NULL when it is not one."""
    inner = text.str.replace(r"^\((.*)\)$", "$1")
    valid = inner.str.contains(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][-+]?\d+)?$")
    number = inner.str.replace_all(",", "").cast(pl.Float64, strict=False)
    signed = pl.when(text.str.contains(r"^\(.*\)$")).then(-number).otherwise(number)
    return pl.when(valid).then(signed)


def _stated(grid: Grid, index: int) -> float | None:
    """The banner's cached total over one column, if it has one."""
    if grid.layout.banner_row is None:
        return None
    value = _cell(grid.rows[grid.layout.banner_row - 1], index)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value.strip():
        parsed = pl.select(_number(pl.lit(value.strip()))).item()
        return None if parsed is None else float(parsed)
    return None


# --- the exhibit --------------------------------------------------------------------------------------------------
def _exhibit(grid: Grid, sheet_names: list[str], wide: pl.DataFrame, shown: str) -> tuple[str, str]:
    """Which exhibit the file is, and how that was told."""
    for name in sheet_names:
        match = _SHEET_EXHIBIT.search(name)
        if match:
            return match.group(1).upper(), f"the sheet name {name!r}"
    votes = Counter(
        exhibit
        for title in wide["account_title"].drop_nulls()
        for pattern, exhibit in ACCOUNT_TITLE_VOTES
        if pattern.search(title)
    )
    if not votes:
        raise InputFileError(
            shown,
            "cannot tell which exhibit this is: no sheet is named after one and no account title says",
            sheet=grid.sheet,
        )
    exhibit = votes.most_common(1)[0][0]
    if exhibit == "P-1":
        costs = wide["cost_type_title"].drop_nulls()
        if costs.len() and costs.str.contains(r"(?i)guard|reserve").mean() > 0.5:  # type: ignore[operator]  # a float
            exhibit = "P-1R"
    return exhibit, "its account titles"


# --- lines --------------------------------------------------------------------------------------------------------
def _space_force_account(account: pl.Expr, account_title: pl.Expr) -> pl.Expr:
    """A Space Force account: by title ("..., Space Force"), or by treasury symbol unless the title names the Air
    Force (3021F was "Space Procurement, Air Force" in the FY 2019 and FY 2020 budgets, before the Space Force)."""
    symbol = account.str.to_uppercase().str.replace_all(r"[\s-]", "").str.extract(SPACE_FORCE_SYMBOL, 1)
    by_symbol = symbol.is_not_null() & ~account_title.str.contains(AIR_FORCE_ACCOUNT_TITLE).fill_null(False)
    return (account_title.str.contains(SPACE_FORCE_ACCOUNT_TITLE).fill_null(False) | by_symbol).fill_null(False)


def _flags(wide: pl.DataFrame) -> pl.DataFrame:
    """Spelled organizations, line item and category, cost type, the memo and classified flags, TOA and CR notes."""
    upper = pl.col("organization").str.to_uppercase().str.replace_all(r"\.", "")
    has_line_item = wide["line_item"].drop_nulls().len() > 0 or wide["line_item_title"].drop_nulls().len() > 0
    title_columns = ["account_title", "budget_activity_title", "sub_activity_title", "line_item_title"]
    classification = pl.col("classification").str.to_uppercase()
    title = pl.col("line_item_title") if has_line_item else pl.col("sub_activity_title")
    toa = pl.when(pl.col("include_in_toa").str.to_uppercase() == "N").then(
        pl.lit("Include in TOA: N (outside the title's total obligational authority)")
    )
    cr = pl.when(pl.col("is_cr_adjustment")).then(pl.lit(CR_ADJUSTMENT_NOTE))
    return wide.with_columns(
        organization=pl.when(_space_force_account(pl.col("account"), pl.col("account_title")))
        .then(pl.lit(SPACE_FORCE))
        .otherwise(upper.replace_strict(ORGANIZATIONS, default=pl.col("organization"))),
        line_item=pl.col("line_item") if has_line_item else pl.col("sub_activity"),
        line_item_title=title,
        category=pl.coalesce("sub_activity_title", "sub_activity") if has_line_item else pl.lit(None, pl.String),
        cost_type=pl.coalesce("cost_type_title", "cost_type_code"),
        is_memo=(
            pl.col("add_non_add").str.contains(r"(?i)^non[- ]?add$")
            | pl.col("cost_type_title").str.contains(r"(?i)non[- ]?add|\bmemo\b")
        ).fill_null(False),
        is_classified_aggregate=(
            pl.any_horizontal(pl.col(c).str.contains(r"(?i)\bclassified\b") for c in title_columns)
            | pl.col("line_item").str.contains(r"^9{4,}$")
            | (classification.is_not_null() & ~classification.is_in(["U", "UNCLASSIFIED"]))
        ).fill_null(False),
        is_cr_adjustment=title.str.contains(CR_ADJUSTMENT_TITLE).fill_null(False),
    ).with_columns(row_note=pl.concat_str([toa, cr], separator="; ", ignore_nulls=True).replace("", None))


@functools.cache
def program_element_lineage() -> pl.DataFrame:
    """data_raw/reference/program_element_lineage.csv: the program elements of space programs that milspace counts
    as space wherever they appear (renumbered before MFP 12, moved to the Space Force, the SDA's own)."""
    frame = pl.read_csv(LINEAGE_PATH, infer_schema=False)
    return frame.with_columns(pl.col("first_space_fiscal_year").cast(pl.Int64))


def _space(wide: pl.DataFrame, budget_year: int, lineage: pl.DataFrame) -> pl.DataFrame:
    """The milspace is_space rule (module docstring), per source line; `space_from` is the first fiscal year of the
    line's figures that are space by the lineage table (rule 3), applied per figure in `_long`."""
    organization = pl.col("organization")
    symbol = pl.col("account").str.to_uppercase().str.replace_all(r"[\s-]", "").str.extract(SPACE_FORCE_SYMBOL, 1)
    space_force = (organization == SPACE_FORCE) | symbol.is_not_null()
    sda = (
        organization.str.to_uppercase().is_in(list(SDA_ORGANIZATIONS))
        | pl.col("line_item").str.contains(SDA_PROGRAM_ELEMENT)
        | pl.col("line_item_title").str.contains(SDA_TITLE)
    )
    air_force_space = (organization == "Air Force") & (
        pl.col("line_item").str.contains(MFP12_AIR_FORCE_PROGRAM_ELEMENT)
        | pl.any_horizontal(
            pl.col(c).str.contains(SPACE_WORD) for c in ("account_title", "budget_activity_title", "sub_activity_title")
        )
    )
    rule = space_force.fill_null(False) | sda.fill_null(False)
    if budget_year <= LAST_BUDGET_BEFORE_SPACE_FORCE:
        rule = rule | air_force_space.fill_null(False)
    known = lineage.select(
        pl.col("program_element").alias("line_item"),
        pl.lit(True).alias("in_lineage"),
        pl.col("first_space_fiscal_year").alias("space_from"),
    )
    return (
        wide.with_columns(is_space=rule)
        .join(known, on="line_item", how="left")
        .with_columns(pl.col("in_lineage").fill_null(False))
    )


def _column_meta(layout: Layout, budget_year: int, footnotes: dict[str, str], grid: Grid, shown: str) -> pl.DataFrame:
    rows = []
    headers = tuple(layout.amounts.values())
    for index, header in layout.amounts.items():
        if header.unknown:
            raise InputFileError(
                shown,
                f"the header has words the exhibit header grammar does not know: {list(header.unknown)} (its "
                "vocabulary is pipelines.sources.dod_exhibits.HEADER_TERMS; say what a new word means there first)",
                sheet=grid.sheet,
                row=layout.header_row,
                column=header.text,
            )
        try:
            phase = resolve_phase(header, budget_year, headers)
        except ValueError as exc:
            raise InputFileError(shown, str(exc), sheet=grid.sheet, row=layout.header_row, column=header.text) from None
        amount = header.measure == "budget_authority"
        notes = [footnotes[m] for m in header.markers if m in footnotes] + [BASES[b] for b in header.bases]
        rows.append(
            {
                "column_key": f"a{index}",
                "source_column": header.text,
                "period": header.fiscal_year,
                "phase": phase,
                "funding_type": header.funding_type,
                "measure": header.measure,
                "currency": "USD" if amount else None,
                "unit_factor": 1000.0 if amount else 1.0,
                "unit": AMOUNT_UNIT if amount else QUANTITY_UNIT,
                "price_basis": "current" if amount else None,
                "column_footnotes": "; ".join(notes) or None,
                "cr_adjusted": "cr_adjusted" in header.bases,
                "bases": ", ".join(header.bases) or None,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "column_key": pl.String,
            "source_column": pl.String,
            "period": pl.Int64,
            "phase": pl.String,
            "funding_type": pl.String,
            "measure": pl.String,
            "currency": pl.String,
            "unit_factor": pl.Float64,
            "unit": pl.String,
            "price_basis": pl.String,
            "column_footnotes": pl.String,
            "cr_adjusted": pl.Boolean,
            "bases": pl.String,
        },
    )


def _long(wide: pl.DataFrame, meta: pl.DataFrame, ambiguous_separators: bool = False) -> pl.DataFrame:
    """One row per amount cell, with its number (or missing marker) parsed; the figures of a CR adjustment line in a
    CR-adjusted column are funding_type cr_adjustment; a lineage line is space from its first space year. With
    `ambiguous_separators` (a semicolon-delimited file) a number written with ',' or '.' is not read."""
    keys = meta["column_key"].to_list()
    index = [c for c in wide.columns if c not in keys]
    text = pl.col("raw").str.strip_chars()
    long = wide.unpivot(on=keys, index=index, variable_name="column_key", value_name="raw").join(
        meta, on="column_key", how="left"
    )
    lineage_space = pl.col("in_lineage") & (pl.col("space_from").is_null() | (pl.col("period") >= pl.col("space_from")))
    separated = text.str.contains(r"^\(?[-+]?[\d.,]*[.,][\d.,]*\)?$") & text.str.contains(r"\d")
    ambiguous = pl.lit(ambiguous_separators) & separated.fill_null(False)
    return long.with_columns(
        value=pl.when(~ambiguous).then(_number(text)),
        ambiguous=ambiguous,
        missing_marker=pl.when(text.is_null() | (text == ""))
        .then(pl.lit("empty"))
        .when(text.is_in(list(MISSING_MARKERS)))
        .then(text),
        funding_type=pl.when(pl.col("is_cr_adjustment") & pl.col("cr_adjusted"))
        .then(pl.lit("cr_adjustment"))
        .otherwise(pl.col("funding_type")),
        is_space=pl.col("is_space") | lineage_space,
    )


def _sums(lines: pl.DataFrame) -> dict[str, float]:
    """Sum of the detail lines (not stated totals) of each source column."""
    frame = lines.filter(~pl.col("is_total")).group_by("source_column").agg(pl.col("value").sum())
    return dict(frame.iter_rows())


def _recon(shown: str, sheet: str | None, row: int | None, check: str, stated: float, computed: float, tol: float):
    passed = abs(stated - computed) <= tol
    return {
        "file": shown,
        "sheet": sheet,
        "row": row,
        "check": check,
        "stated": stated,
        "computed": computed,
        "tolerance": tol,
        "passed": passed,
    }


def _banner_checks(grid: Grid, sums: dict[str, float], shown: str) -> list[dict]:
    out = []
    for index, header in grid.layout.amounts.items():
        stated = _stated(grid, index)
        if stated is not None and header.text in sums:
            check = f"{header.text}: 'Total of Displayed Rows' = sum of the lines (memo lines included)"
            out.append(_recon(shown, grid.sheet, grid.layout.banner_row, check, stated, sums[header.text], TOLERANCE))
    return out


def _view_checks(views: list[Grid], sums: dict[str, float], exhibit_sheet: str | None, shown: str) -> list[dict]:
    out = []
    for view in views:
        for index, header in view.layout.amounts.items():
            stated = _stated(view, index)
            if stated is not None and header.text in sums:
                check = f"{header.text}: view total = sum of the lines of sheet {exhibit_sheet!r}"
                out.append(
                    _recon(shown, view.sheet, view.layout.banner_row, check, stated, sums[header.text], TOLERANCE)
                )
    return out


def _part_checks(exhibit: Grid, parts: list[SheetRows], part_grids: list[Grid], shown: str) -> list[dict]:
    """The other data sheets are parts of the one read: their rows add up to its banner."""
    if not parts:
        return []
    names = " + ".join(repr(g.sheet) for g in part_grids)
    out = []
    for index, header in exhibit.layout.amounts.items():
        stated = _stated(exhibit, index)
        columns = [
            next((f"a{i}" for i, h in g.layout.amounts.items() if h.text == header.text), None) for g in part_grids
        ]
        if stated is None or None in columns:
            continue
        computed = 0.0
        for rows, column in zip(parts, columns, strict=True):
            assert column is not None  # a part without the column was skipped above
            computed += rows.wide.select(_number(pl.col(column).str.strip_chars()).sum()).item() or 0.0
        check = f"{header.text}: 'Total of Displayed Rows' of sheet {exhibit.sheet!r} = sum of the rows of {names}"
        out.append(_recon(shown, exhibit.sheet, exhibit.layout.banner_row, check, stated, computed, TOLERANCE))
    return out


def _line_sums(lines: pl.DataFrame, total: str, components: list[str], sheet: str | None, shown: str) -> list[dict]:
    """Per line: column `total` = the sum of the `components` columns (lines with a figure in each); one row per
    line that does not add up, and a summary."""
    table = (
        lines.filter(~pl.col("is_total") & pl.col("source_column").is_in([total, *components]))
        .pivot(on="source_column", index="row", values="value")
        .drop_nulls()
    )
    if table.is_empty() or not set(components) <= set(table.columns):
        return []
    table = table.with_columns(computed=pl.sum_horizontal(components))
    label = f"{total} = {' + '.join(components)}"
    bad = table.filter((pl.col(total) - pl.col("computed")).abs() > LINE_TOLERANCE)
    out = [
        _recon(shown, sheet, row, f"row {row}: {label}", stated, computed, LINE_TOLERANCE)
        for row, stated, computed in bad.select("row", total, "computed").iter_rows()
    ]
    summary = _recon(
        shown,
        sheet,
        None,
        f"{label}, line by line ({table.height:,} lines, {bad.height:,} do not add up)",
        table[total].sum(),  # type: ignore[arg-type]  # Float64 sum: a float, not Decimal
        table["computed"].sum(),  # type: ignore[arg-type]  # Float64 sum: a float, not Decimal
        LINE_TOLERANCE * table.height,
    )
    summary["passed"] = bad.is_empty()
    return [*out, summary]


def _component_checks(lines: pl.DataFrame, meta: pl.DataFrame, sheet: str | None, shown: str) -> list[dict]:
    """Per line: a fiscal year's total column = the sum of its component columns, where that is unambiguous (one
    total column, two or more components of different funding types, for one measure, year and phase). Deductions
    and remaining-request columns are neither totals nor parts (`_deduction_checks` has them)."""
    out = []
    plain = meta.filter(
        pl.col("funding_type") != "less_enacted", ~pl.col("bases").fill_null("").str.contains("remaining")
    )
    for _, group in plain.group_by(["measure", "period", "phase"], maintain_order=True):
        totals = group.filter(pl.col("funding_type") == "total")["source_column"].to_list()
        parts = group.filter(pl.col("funding_type") != "total")
        if len(totals) != 1 or parts.height < 2 or parts["funding_type"].n_unique() != parts.height:
            continue
        out += _line_sums(lines, totals[0], parts["source_column"].to_list(), sheet, shown)
    return out


def _deduction_checks(lines: pl.DataFrame, meta: pl.DataFrame, sheet: str | None, shown: str) -> list[dict]:
    """Per line: a remaining-request column = the request column before its deduction + the deduction ("FY 2018
    Remaining Req Emergency" = "FY 2018 Emergency Requests** Emergency" + "FY 2018 Less Enacted Div B ..."), the
    three side by side in that order (for one measure and year), the request and the remainder of one funding type."""
    out = []
    for _, group in meta.group_by(["measure", "period"], maintain_order=True):
        columns = group.select("source_column", "funding_type", "bases").rows()
        for i in range(1, len(columns) - 1):
            (gross, funding, bases), (deduction, kind, _), (remaining, rest, rest_bases) = columns[i - 1 : i + 2]
            if kind != "less_enacted" or "remaining" not in (rest_bases or "") or funding != rest:
                continue
            if funding == "less_enacted" or "remaining" in (bases or ""):
                continue
            out += _line_sums(lines, remaining, [gross, deduction], sheet, shown)
    return out


def _total_row_checks(lines: pl.DataFrame, sheet: str | None, shown: str) -> list[dict]:
    """Stated total rows against the non-memo detail lines of their account (all of them without an account)."""
    out = []
    details = lines.filter(~pl.col("is_total") & ~pl.col("is_memo"))
    for total in lines.filter(pl.col("is_total") & pl.col("value").is_not_null()).iter_rows(named=True):
        parts = details.filter(pl.col("source_column") == total["source_column"])
        if total["account"] is not None:
            parts = parts.filter(pl.col("account") == total["account"])
        scope = f"the lines of account {total['account']}" if total["account"] else "all the lines"
        check = f"row {total['row']} ({total['line_item_title'] or total['account_title']}), {total['source_column']}"
        out.append(
            _recon(
                shown,
                sheet,
                total["row"],
                f"{check} = sum of {scope} (memo lines excluded)",
                total["value"],
                parts["value"].sum(),  # type: ignore[arg-type]  # Float64 sum: a float, not Decimal
                TOLERANCE,
            )
        )
    return out


def _rejected_cells(long: pl.DataFrame, sheet: str | None, shown: str) -> list[dict]:
    bad = long.filter(pl.col("value").is_null() & pl.col("missing_marker").is_null())
    return [
        {
            "file": shown,
            "sheet": sheet,
            "row": r["row"],
            "column": r["source_column"],
            "rule": AMBIGUOUS_SEPARATOR_RULE if r["ambiguous"] else figure_rule(r["raw"], "type: number"),
            "value": r["raw"],
        }
        for r in bad.iter_rows(named=True)
    ]


def _choose(grids: list[Grid]) -> tuple[Grid, list[Grid], list[Grid]]:
    """The data sheet (of the widest sheets, the one with the most data rows), its parts (the other widest
    sheets) and the views (narrower sheets)."""
    width = max(g.layout.width for g in grids)
    full = [g for g in grids if g.layout.width == width]
    counts = [sum(1 for r in g.rows[g.layout.header_row :] if _account_of(g, r)) for g in full]
    exhibit = full[counts.index(max(counts))]
    return exhibit, [g for g in full if g is not exhibit], [g for g in grids if g.layout.width < width]


def _account_of(grid: Grid, row: tuple) -> str | None:
    index = grid.layout.fields.get("account")
    return None if index is None else _text(_cell(row, index))


def exhibit_source(exhibit: str) -> str:
    """The `source` of a line of a DoD budget exhibit (R-1, P-1 ...), and of a J-book line that details one."""
    return f"US DoD Comptroller, budget exhibit {exhibit}"


def federal_lines(
    long: pl.DataFrame,
    *,
    source: str,
    source_format: str,
    edition: str,
    shown: str,
    sheet: str | None,
    appropriation_title: str,
    is_total: pl.Expr,
    is_space: pl.Expr,
    footnotes: pl.Expr,
) -> pl.DataFrame:
    """Budget lines of a DoD budget document (an exhibit's or a J-book's long frame: one row per line item, period,
    measure and column), with what every such line states alike declared here once: the United States, the federal
    fiscal year (its start month from the calendar, named by the year it ends), and the document's source, edition
    and appropriation title."""
    lines = long.select(
        pl.lit(source).alias("source"),
        pl.lit(source_format).alias("source_format"),
        pl.lit(edition).alias("edition"),
        pl.lit(shown).alias("file"),
        pl.lit(sheet, pl.String).alias("sheet"),
        "row",
        "source_column",
        pl.lit(ENTITY_CODE).alias("entity_code"),
        pl.lit(ENTITY_NAME).alias("entity_name"),
        pl.lit("country").alias("entity_kind"),
        "period",
        pl.lit("fiscal_year").alias("period_type"),
        start_month_expr(ENTITY_CODE, pl.col("period")).alias("fiscal_year_start_month"),
        pl.lit("end").alias("fiscal_year_label"),
        "measure",
        "phase",
        "funding_type",
        "category",
        "account",
        "account_title",
        "organization",
        "budget_activity",
        "budget_activity_title",
        "line_item",
        "line_item_title",
        pl.lit(appropriation_title).alias("appropriation_title"),
        "cost_type",
        "value",
        "currency",
        "unit_factor",
        "unit",
        "price_basis",
        "is_memo",
        "is_classified_aggregate",
        is_total.alias("is_total"),
        is_space.alias("is_space"),
        footnotes.alias("footnotes"),
        "missing_marker",
    ).sort("row", "source_column")
    return finalize(lines)


def read(path: Path, shown: str, names: NationNames) -> ReadResult:
    """Read one exhibit (names is unused: the entity is always the United States)."""
    if not Probe(path, shown).is_xlsx:
        grids = [_csv_grid(path, shown)]
        others: list[str] = []
    else:
        grids, others = _workbook_grids(path, shown)
        if not grids:
            raise InputFileError(shown, "no sheet has an exhibit header row (Account ... FY amount columns)")
    grid, part_grids, views = _choose(grids)
    layout = grid.layout
    if "line_item" not in layout.fields and "sub_activity" not in layout.fields:
        raise InputFileError(
            shown,
            "the header has no line-item column (PE / BLI, SAG / BLI, Line Item or Budget Sub Activity)",
            sheet=grid.sheet,
            row=layout.header_row,
        )
    rows = _read_rows(grid, shown)
    exhibit, told_by = _exhibit(grid, [g.sheet for g in grids if g.sheet], rows.wide, shown)
    budget_year = budget_year_of(list(layout.amounts.values()))
    edition = f"FY{budget_year} President's Budget"
    source = exhibit_source(exhibit)
    meta = _column_meta(layout, budget_year, rows.footnotes, grid, shown)
    wide = _space(_flags(rows.wide), budget_year, program_element_lineage())
    long = _long(wide, meta, ambiguous_separators=grid.delimiter == ";")
    rejected = rows.rejected + _rejected_cells(long, grid.sheet, shown)
    long = long.filter(pl.col("value").is_not_null() | pl.col("missing_marker").is_not_null())
    footnotes = pl.concat_str(["column_footnotes", "row_note"], separator="; ", ignore_nulls=True)
    lines = federal_lines(
        long,
        source=source,
        source_format=FORMAT,
        edition=edition,
        shown=shown,
        sheet=grid.sheet,
        appropriation_title=EXHIBITS[exhibit],
        is_total=pl.col("is_total"),
        is_space=pl.col("is_space"),
        footnotes=pl.when(footnotes != "").then(footnotes),
    )
    sums = _sums(lines)
    parts = [_read_rows(g, shown) for g in part_grids]
    reconciliations = (
        _banner_checks(grid, sums, shown)
        + _part_checks(grid, parts, part_grids, shown)
        + _view_checks(views, sums, grid.sheet, shown)
        + _component_checks(lines, meta, grid.sheet, shown)
        + _deduction_checks(lines, meta, grid.sheet, shown)
        + _total_row_checks(lines, grid.sheet, shown)
    )
    space_rows = long.filter(pl.col("is_space"))["row"].unique().to_list()
    notes = _notes(grid, rows, exhibit, told_by, part_grids, views, others, wide, space_rows, meta)
    return ReadResult(
        source_format=FORMAT,
        source=source,
        edition=edition,
        lines=lines,
        rejected=rejected_rows(rejected),
        reconciliations=pl.DataFrame(reconciliations, schema=RECONCILIATION_SCHEMA),
        notes=notes,
        skipped=_skipped(grid, views, others),
    )


def _unread_reason(text: str) -> str:
    """Why a header the layout does not read is skipped."""
    if _YEAR.search(text) and _CHANGE.search(text):
        return "a change between two figures (computed from them), not a figure"
    if len(set(_YEAR.findall(text))) > 1:
        return "it names two fiscal years, so it is no one year's figure"
    key = _header_key(text)
    field = next((f for f, pattern in FIELD_HEADERS.items() if pattern.fullmatch(key)), None)
    if field is not None:
        return "it repeats a classification column already read (the first one is read)"
    return "its header is neither a classification column nor a fiscal-year amount column milspace knows"


def _skipped(grid: Grid, views: list[Grid], others: list[str]) -> tuple[str, ...]:
    """One sentence per sheet or column of the file not read as lines."""
    where = f" of sheet {grid.sheet!r}" if grid.sheet else ""
    out = [f"sheet {name!r} skipped: no exhibit header row (Account ... FY amount columns)" for name in others]
    out += [
        f"sheet {view.sheet!r} skipped: a per-column view of {grid.sheet!r} (its rows filtered to one column), not "
        "read as lines; its banner total is reconciled against the lines of that column"
        for view in views
    ]
    out += [f"column {text!r}{where} skipped: {_unread_reason(text)}" for text in grid.layout.unread]
    if "line_number" in grid.layout.fields:
        out.append(f"column 'Line Number'{where} skipped: a sort order within the budget activity, not kept")
    read = set(grid.layout.fields.values()) | set(grid.layout.amounts)
    header = grid.rows[grid.layout.header_row - 1]
    filled: dict[int, list[tuple[int, object]]] = {}
    for number, cells in enumerate(grid.rows[grid.layout.header_row :], start=grid.layout.header_row + 1):
        for index, value in enumerate(cells):
            if index not in read and _text(value) is not None and _text(_cell(header, index)) is None:
                filled.setdefault(index, []).append((number, value))
    for index, found in sorted(filled.items()):
        if all(len([c for c in grid.rows[r - 1] if _text(c) is not None]) == 1 for r, _ in found):
            continue  # footnote rows under the data (a single text cell): kept in notes and footnotes
        row, value = found[0]
        example = _text(value)
        assert example is not None  # only cells with text were collected
        out.append(
            f"column {_column_letter(index)}{where} skipped: its header (row {grid.layout.header_row}) is blank "
            f"({len(found)} filled cells under it, e.g. row {row}: {example[:60]!r})"
        )
    return tuple(out)


def _notes(
    grid: Grid,
    rows: SheetRows,
    exhibit: str,
    told_by: str,
    part_grids: list[Grid],
    views: list[Grid],
    others: list[str],
    wide: pl.DataFrame,
    space_rows: list[int],
    meta: pl.DataFrame,
) -> tuple[str, ...]:
    layout, where = grid.layout, f"sheet {grid.sheet!r}" if grid.sheet else "the file"
    notes = [f"Exhibit {exhibit} (told by {told_by}); lines read from {where}, header row {layout.header_row}."]
    if grid.delimiter is not None:
        ambiguous = "; figures written with ',' or '.' are rejected (decimal or thousands?)"
        notes.append(
            f"Read as {CSV_DELIMITERS[grid.delimiter]}-delimited text (the delimiter its header row parses with)"
            + (ambiguous if grid.delimiter == ";" else "")
            + "."
        )
    if layout.banner_row:
        notes.append(
            f"Row {layout.banner_row} is the 'Total of Displayed Rows' banner (SUBTOTAL formulas): not lines; "
            "its cached totals are reconciled against the sum of each column's lines."
        )
    if layout.header_row > (layout.banner_row or 0) + 1:
        notes.append(f"Title rows above the header row {layout.header_row}: not lines.")
    if rows.footnote_rows:
        marked = "; ".join(f"{m} {t}" for m, t in rows.footnotes.items())
        notes.append(
            f"Footnote rows {rows.footnote_rows[0]}-{rows.footnote_rows[-1]} under the data: not lines. Marker "
            f"footnotes go to the footnotes of the columns whose header carries the marker ({marked or 'none'})."
        )
    notes += [f"Footnote (not tied to a column): {text}" for text in rows.free_notes]
    if rows.blank_rows:
        notes.append(f"{rows.blank_rows} blank rows under the header skipped.")
    if part_grids:
        notes.append(
            f"Sheets {[g.sheet for g in part_grids]} are parts of {grid.sheet!r} (the same lines): not read as "
            "lines, reconciled against its banner."
        )
    if views:
        notes.append(
            f"{len(views)} per-column view sheets (the data sheet filtered to one column) not read as lines; each "
            "view's banner total is reconciled against the lines of the same column."
        )
    if others:
        notes.append(f"Sheets without an exhibit header, not read: {others}.")
    if layout.unread:
        notes.append(f"Columns not read: {layout.unread}.")
    if "line_number" in layout.fields:
        notes.append("The Line Number column (a sort order within the budget activity) is not kept.")
    qualified = meta.filter(pl.col("bases").is_not_null())
    if qualified.height:
        notes.append(
            "Columns with a qualifier (stated in the footnotes of each of their figures): "
            + "; ".join(f"{c!r}: {b}" for c, b in qualified.select("source_column", "bases").iter_rows())
            + "."
        )
    if wide["is_cr_adjustment"].any():
        rows_cr = wide.filter(pl.col("is_cr_adjustment"))["row"].to_list()
        notes.append(
            f"{len(rows_cr)} continuing-resolution adjustment lines (rows {', '.join(map(str, rows_cr))}): their "
            "figures in the CR-adjusted columns are funding_type cr_adjustment."
        )
    lineage = wide.filter(pl.col("in_lineage"))
    notes.append(
        f"is_space (milspace rule, see pipelines/sources/dod_exhibits.py): {len(space_rows):,} of "
        f"{wide.height:,} source lines ({lineage.height:,} in the program element lineage table); is_memo: "
        f"{wide['is_memo'].sum():,}; is_classified_aggregate: {wide['is_classified_aggregate'].sum():,}."
    )
    return tuple(notes)
