"""Australian Government Portfolio Budget Statements (PBS): the tables workbooks of an entity's PBS.

Each entity of a portfolio publishes, with the Budget, its Portfolio Budget Statement and a workbook of its tables
(for 2024-25: "2024-25 PB Statement - Defence.xlsx", "- ASD.xlsx", "- DHA.xlsx", on the Defence portfolio's
budget page, defence.gov.au/about/accessing-information/budgets, and on data.gov.au; Creative Commons Attribution
4.0). Figures are in thousands of Australian dollars ($'000) for July-June fiscal years named "2024-25".

Detection (by content): a workbook one of whose sheets holds a table title "Table <n>: ..." naming Defence
resourcing, a resource statement or budgeted expenses for an outcome, with a column header of fiscal-year labels
and phase words ("2023-24 Estimated Actual", "2024-25 Budget Estimate", "2025-26 Forward Estimate").

Layout: a sheet holds one or more tables (Defence's "T-13-15" holds tables 13, 14 and 15). A table starts at its
title row, "Table 12: Total Budgeted Resources Available for Outcome 1"; its column header is either two rows (the
fiscal year over the phase words, then a unit row of "$'000": Defence's layout) or one row whose cells hold all
three ("2023-24\\nEstimated Actual \\n$'000": ASD's and DHA's). Rows under the header hold a label (in any column
left of or between the figure columns; a serial number column is passed over) and figures; a labelled row
without figures is a heading. A "Note"/"Notes" row ends the table's data; a second header row inside a table (the
average staffing level under an expenses table: a count of people, not money) ends it too.

Tables read (`KINDS`, chosen by the words of the title, never by table number):
- "Total Defence Resourcing" (Defence table 1): measure `resourcing`. Its "Previous Estimate" column (2024-25 as
  the previous budget update stated it, superseded by the Budget Estimate beside it) and its two "Variation"
  columns (the difference, in $'000 and %) are left out, named in `skipped`. Rows under "Appropriation carried
  forward" are memo lines (balances carried forward, not resourcing of the year; is_memo);
- "Total Budgeted Resources Available for Outcome <n>" (Defence tables 12 and 16): measure `resourcing`, by
  program (the "Program 2.1 ..." heading rows); the closing "Total resourcing" block is the outcome's total lines;
- "Cost Summary for Program <x.y>" (Defence tables 13-15, 17-41): by section heading, `expenses` (sections
  "Expenses ..."), `capital_expenditure` (sections "Capital expenditure ..."), `income` (administered programs'
  "Income" section; the table writes revenue as negative amounts), `funded_expenditure` (the "Total funded
  expenditure" line: operating expenses and capital expenditure funded by appropriation and own source revenue)
  and `net_cost` (an administered program's closing line, expenses less income);
- "Budgeted Expenses for Outcome <n>" (ASD table 3, DHA table 2): the same measures by section as a cost summary,
  by program.
Every other table (operations costs and funding in $m, capability programs, resource statements, third party
payments, budget measures, the financial statements) is left out and named in `skipped` with its reason: they
restate the same money in other breakdowns, in other units, or are balance sheets and cash flows.

Columns: phase from the header's words (`PHASE_WORDS`): "Estimated Actual" -> actual with is_estimate (the year
not yet closed when the Budget was framed); "Budget Estimate" -> request: the PBS accompanies the Appropriation
Bills and explains the amounts the Government asks Parliament to appropriate for the budget year, which are not
yet enacted; "Forward Estimate" -> projection; "Actual" -> actual. Other words a read table's header carries are
an InputFileError naming the file, sheet and column. Fiscal year "2024-25" -> period 2025 (fiscal_year_label
"end", fiscal_year_start_month 7). A read table's unit must be "$'000" (AUD thousands, unit_factor 1000).

Lines: organization = the entity, from the workbook's own titles ("Total Defence Resourcing", "ASD Resource
Statement", "DHA Resource Statement"; `ENTITIES`); account = "Outcome <n>"; line_item = the program number
("2.5"; "2.20+2.21" for a table covering two programs), line_item_title the program's heading; cost_type = the
row label (footnote marks "[a]" and serial arithmetic "(19 + 23)" removed), prefixed with the section heading
where it is not itself a total; category = the kind of table (`KINDS`: "Total Defence resourcing",
"Total budgeted resources by outcome", "Cost summary by program", "Budgeted expenses by outcome") so two tables
restating the same money are never summed together, and the category stays the same when the next edition
renumbers its tables. is_total for labels starting or holding "Total", labelled with the arithmetic of serials
("(1 + 2 + 3 + 4)"), unlabelled subtotal rows, and a program's closing line. Cells: a number is the value;
empty cells, "-" and "nfp" (not for publication) are missing markers (value NULL); other text is a rejected row.
edition "Portfolio Budget Statements FY<year>", the year the Budget Estimate column ends in (FY2025 for
2024-25), which the warehouse's vintage rule 'FY ?(\\d{4})' reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.errors import InputFileError
from pipelines.nations import NationNames
from pipelines.shapes import ReadResult, empty_lines, finalize, rejected_rows
from pipelines.sources.cells import cell_text, figure_rule
from pipelines.sources.probe import Probe, open_workbook

FORMAT = "au_pbs"
SOURCE = "Australian Government, Portfolio Budget Statements"

MEASURES = {
    "resourcing": "Resourcing available to an entity, outcome or program (appropriations and other funding), AUD "
    "(thousands in the table)",
    "expenses": "Accrual expenses of a program or outcome, AUD (thousands in the table)",
    "capital_expenditure": "Capital expenditure of a program funded by appropriation and own source revenue, AUD "
    "(thousands in the table)",
    "funded_expenditure": "Total funded expenditure of a program (operating expenses and capital expenditure "
    "funded by appropriation and own source revenue), AUD (thousands in the table)",
    "income": "Income of an administered program (written as negative amounts), AUD (thousands in the table)",
    "net_cost": "Net cost of an administered program (expenses less income), AUD (thousands in the table)",
}
CONFORMED = {"resourcing": "budget_authority", "expenses": "expenses", "income": "revenue"}
NEVER_NEGATIVE: frozenset[str] = frozenset()
STREAMED = False

TITLE = re.compile(r"^\s*Table\s+(?P<number>\d+[a-z]?)\s*:\s*(?P<subject>.+?)\s*$", re.I | re.S)
#: A fiscal-year label at the start of a header cell: "2024-25".
#: What every line of an Australian Government budget table ($'000, July-June years named by the year they end)
#: states alike; the Finance program expense reader (au_program_expenses.py) uses it too.
COMMONWEALTH_BUDGET: dict[str, object] = {
    "entity_code": "AUS",
    "entity_name": "Australia",
    "entity_kind": "country",
    "period_type": "fiscal_year",
    "fiscal_year_start_month": 7,
    "fiscal_year_label": "end",
    "currency": "AUD",
    "unit_factor": 1000.0,
    "unit": "AUD thousands",
    "price_basis": "current",
}
FISCAL_YEAR = re.compile(r"^(?P<start>(?:19|20)\d{2})\s*-\s*(?P<end>\d{2})\b")
#: The phase words of a column header (lower case, whitespace collapsed) -> (phase, is_estimate).
PHASE_WORDS = {
    "estimated actual": ("actual", True),
    "actual": ("actual", False),
    "budget estimate": ("request", False),
    "budget": ("request", False),
    "forward estimate": ("projection", False),
}
#: Header words of columns this reader knows and leaves out, with the reason.
LEFT_OUT_WORDS = {
    "previous estimate": "the budget year as the previous budget update stated it, superseded by the Budget "
    "Estimate column beside it",
    "variation": "the difference between the Budget Estimate and the Previous Estimate, derived",
}
UNIT = "$'000"
MISSING = {"-": "-", "nfp": "nfp"}
NUMBER = re.compile(r"^\(?-?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?\)?$")

#: Who a workbook is about, from its titles: the words before "Resource Statement" or in "Total ... Resourcing".
ENTITY_TITLE = re.compile(
    r"^(?P<who>[A-Za-z ]+?)\s+Resource Statement|^Total\s+(?P<total>[A-Za-z]+)\s+Resourcing", re.I
)
ENTITIES = {
    "defence": "Department of Defence",
    "asd": "Australian Signals Directorate",
    "dha": "Defence Housing Australia",
    "asa": "Australian Submarine Agency",
}


@dataclass(frozen=True)
class Kind:
    pattern: re.Pattern
    category: str
    by_section: bool  # measure from section headings (cost summaries, expenses); else `resourcing`


KINDS = (
    Kind(re.compile(r"^Total \w+ Resourcing\b", re.I), "Total Defence resourcing", False),
    Kind(
        re.compile(r"^Total Budgeted Resources Available for Outcome", re.I),
        "Total budgeted resources by outcome",
        False,
    ),
    Kind(re.compile(r"^Cost Summary for", re.I), "Cost summary by program", True),
    Kind(re.compile(r"^Budgeted Expenses for Outcome", re.I), "Budgeted expenses by outcome", True),
)
SNIFF_TITLES = re.compile(r"Total \w+ Resourcing|Resource Statement|Budgeted Expenses for Outcome", re.I)

OUTCOME = re.compile(r"Outcome\s+(\d+)", re.I)
PROGRAM = re.compile(r"Program\s+(\d+\.\d+)", re.I)
FOOTNOTE = re.compile(r"\s*\[[a-z]\]")
ARITHMETIC = re.compile(r"\s*\(\s*\d+(?:\s*[+-]\s*\d+)+\s*\)")
NOTE_ROW = re.compile(r"^notes?$", re.I)


def _text(value: object) -> str:
    return cell_text(value) or ""


def _phase_words(text: str) -> str:
    """A header cell's words without its fiscal year and unit, lower case: "estimated actual"."""
    words = re.sub(r"[^A-Za-z]+", " ", FISCAL_YEAR.sub("", text.replace(UNIT, " ")))
    return " ".join(words.split()).lower()


def sniff(probe: Probe) -> bool:
    """A workbook with a PBS table title and a fiscal-year header with phase words under it."""
    if not probe.is_xlsx:
        return False
    for sheet in probe.sheet_names[:60]:
        rows = probe.first_rows(sheet, rows=8, columns=12)
        titled = any(
            (m := TITLE.match(v)) and SNIFF_TITLES.search(m["subject"]) for r in rows for v in r if isinstance(v, str)
        )
        if not titled:
            continue
        texts = [_text(v) for r in rows for v in r if isinstance(v, str)]
        years = [t for t in texts if FISCAL_YEAR.match(t)]
        phrases = " ".join(t.lower() for t in texts)
        if len(years) >= 2 and ("estimated actual" in phrases or "forward estimate" in phrases):
            return True
    return False


# --- the layout -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureColumn:
    index: int  # 0-based column
    header: str  # the published header, year, words and unit joined: "2024-25 Budget Estimate $'000"
    period: int
    phase: str
    is_estimate: bool


@dataclass
class Header:
    columns: list[FigureColumn]
    left_out: list[tuple[str, str]]  # (header, reason)
    rows_used: int  # header rows (1 or 3)
    budget_year: int | None


def _header(rows: list[tuple[int, tuple]], at: int, shown: str, sheet: str) -> Header:
    """The figure columns of the header starting at rows[at]: one row of "2023-24 Estimated Actual $'000" cells, or
    a row of years over a row of phase words and a row of units."""
    number, row = rows[at]
    split = all(_phase_words(_text(v)) == "" for v in row if FISCAL_YEAR.match(_text(v)))
    below = [rows[at + k][1] if at + k < len(rows) else () for k in (1, 2)] if split else [(), ()]
    columns, left_out, budget_year = [], [], None
    width = max([len(row)] + [len(r) for r in below])
    for index in range(width):
        text = _text(row[index]) if index < len(row) else ""
        parts = [text] + [_text(r[index]) if index < len(r) else "" for r in below]
        header = " ".join(p for p in parts if p)
        words = _phase_words(header)
        match = FISCAL_YEAR.match(text)
        if not match:
            if split and parts[1] and words in LEFT_OUT_WORDS:  # a column without a year: "Variation"
                left_out.append((header, LEFT_OUT_WORDS[words]))
            elif split and parts[1]:
                raise InputFileError(
                    shown,
                    f"the column header {header!r} has no fiscal year and carries the words {words!r}, which this "
                    f"reader does not know (expected a year over one of {sorted(PHASE_WORDS)})",
                    sheet=sheet,
                    row=number,
                    column=header,
                )
            continue
        start = int(match["start"])
        period = start + 1
        if int(match["end"]) != period % 100:
            raise InputFileError(
                shown, f"the fiscal year {text!r} is not one year (YYYY-YY)", sheet=sheet, row=number, column=header
            )
        if words in LEFT_OUT_WORDS:
            left_out.append((header, LEFT_OUT_WORDS[words]))
            continue
        if words not in PHASE_WORDS:
            raise InputFileError(
                shown,
                f"the column header {header!r} carries the words {words!r}, which are not a phase this reader knows "
                f"(expected one of {sorted(PHASE_WORDS)}, or {sorted(LEFT_OUT_WORDS)})",
                sheet=sheet,
                row=number,
                column=header,
            )
        if UNIT not in header:
            raise InputFileError(
                shown, f"the column header {header!r} does not give the unit {UNIT!r}", sheet=sheet, column=header
            )
        phase, estimate = PHASE_WORDS[words]
        if phase == "request":
            budget_year = period
        columns.append(FigureColumn(index, header, period, phase, estimate))
    return Header(columns, left_out, 3 if split else 1, budget_year)


def _is_header(row: tuple) -> bool:
    return sum(1 for v in row if FISCAL_YEAR.match(_text(v))) >= 2


def _clean(label: str) -> str:
    return " ".join(ARITHMETIC.sub("", FOOTNOTE.sub("", label)).split()).rstrip(":")


def _label(row: tuple, figures: set[int]) -> str:
    """The row's label: its first text cell outside the figure columns that is not a serial number."""
    for index, value in enumerate(row):
        if index in figures:
            continue
        text = _text(value)
        if text and not text.isdigit():
            return text
    return ""


def _cell(value: object) -> tuple[float | None, str | None, bool]:
    """(value, missing marker, parsed) of a figure cell."""
    if isinstance(value, bool):
        return None, None, False
    if isinstance(value, int | float):
        return float(value), None, True
    text = _text(value)
    if not text:
        return None, "empty", True
    if text.lower() in MISSING:
        return None, MISSING[text.lower()], True
    if NUMBER.match(text):
        negative = text.startswith("(") or text.startswith("-")
        number = float(text.strip("()").lstrip("-").replace(",", ""))
        return (-number if negative else number), None, True
    return None, None, False


def _entity(titles: list[str], shown: str) -> str:
    for title in titles:
        match = ENTITY_TITLE.match(title)
        if match:
            who = (match["who"] or match["total"]).strip().lower()
            if who in ENTITIES:
                return ENTITIES[who]
            raise InputFileError(
                shown,
                f"the table {title!r} names the entity {who!r}, which this reader does not know ({sorted(ENTITIES)})",
            )
    raise InputFileError(
        shown, "no table title names the entity (a '... Resource Statement' or 'Total ... Resourcing' table)"
    )


def _programs(text: str) -> str | None:
    found = PROGRAM.findall(text)
    return "+".join(dict.fromkeys(found)) or None


def read(path: Path, shown: str, names: NationNames) -> ReadResult:
    workbook = open_workbook(path, shown)
    try:
        sheets = {
            ws.title: [(i, tuple(r)) for i, r in enumerate(ws.iter_rows(values_only=True), start=1)]
            for ws in workbook.worksheets
        }
    finally:
        workbook.close()

    titles = [
        m["subject"]
        for rows in sheets.values()
        for _, r in rows
        for v in r
        if isinstance(v, str) and (m := TITLE.match(_text(v)))
    ]
    organization = _entity(titles, shown)
    lines: list[dict] = []
    rejected: list[dict] = []
    skipped: list[str] = []
    budget_years: set[int] = set()

    for sheet, rows in sheets.items():
        starts = [k for k, (_, r) in enumerate(rows) if any(isinstance(v, str) and TITLE.match(_text(v)) for v in r)]
        if not starts:
            skipped.append(f"sheet {sheet!r} skipped: it holds no table title ('Table <n>: ...')")
            continue
        for n, start in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else len(rows)
            title_match = next(
                TITLE.match(_text(v)) for v in rows[start][1] if isinstance(v, str) and TITLE.match(_text(v))
            )
            assert title_match is not None
            number, subject = title_match["number"], _text(title_match["subject"])
            kind = next((k for k in KINDS if k.pattern.search(_clean(subject))), None)
            name = f"table {number} ({subject!r}) in sheet {sheet!r}"
            if kind is None:
                skipped.append(
                    f"{name} skipped: not one of the tables read (total resourcing, resources by outcome, cost "
                    "summaries by program, budgeted expenses by outcome); it restates the same money in another "
                    "breakdown or unit, or is a financial statement"
                )
                continue
            found = _read_table(rows[start:end], sheet, subject, kind, organization, shown)
            lines += found.lines
            rejected += found.rejected
            skipped += [f"{name}: {s}" for s in found.skipped]
            if found.budget_year:
                budget_years.add(found.budget_year)

    if len(budget_years) != 1:
        raise InputFileError(
            shown, f"the tables read name {len(budget_years)} budget years ({sorted(budget_years)}), not one"
        )
    edition = f"Portfolio Budget Statements FY{budget_years.pop()}"
    if not lines:
        frame = empty_lines()
    else:
        frame = finalize(
            pl.DataFrame(lines, infer_schema_length=None).with_columns(
                source=pl.lit(SOURCE),
                source_format=pl.lit(FORMAT),
                edition=pl.lit(edition),
                file=pl.lit(shown),
                **{column: pl.lit(value) for column, value in COMMONWEALTH_BUDGET.items()},
            )
        )
    return ReadResult(
        source_format=FORMAT,
        source=SOURCE,
        edition=edition,
        lines=frame,
        rejected=rejected_rows(rejected),
        skipped=tuple(skipped),
    )


@dataclass
class _Read:
    lines: list[dict]
    rejected: list[dict]
    skipped: list[str]
    budget_year: int | None


def _section_measure(heading: str, current: str) -> str:
    low = heading.lower()
    if low.startswith("capital expenditure"):
        return "capital_expenditure"
    if low in ("income", "revenues", "revenue"):
        return "income" if low == "income" or current == "income" else current
    if low.startswith("expenses"):
        return "expenses"
    return current


def _read_table(
    rows: list[tuple[int, tuple]], sheet: str, subject: str, kind: Kind, organization: str, shown: str
) -> _Read:
    at = next((k for k, (_, r) in enumerate(rows) if _is_header(r)), None)
    if at is None:
        raise InputFileError(shown, f"the table {subject!r} has no fiscal-year header row", sheet=sheet)
    header = _header(rows, at, shown, sheet)
    figures = {c.index for c in header.columns} | {i for i, v in enumerate(rows[at][1]) if FISCAL_YEAR.match(_text(v))}
    out = _Read([], [], [f"column {h!r} left out: {why}" for h, why in header.left_out], header.budget_year)

    outcome = OUTCOME.search(subject)
    title_programs = _programs(subject)
    account = f"Outcome {outcome.group(1)}" if outcome else None
    if account is None and title_programs:
        account = f"Outcome {title_programs.split('.')[0]}"
    program, program_title = title_programs, (subject if title_programs else None)
    heading = ""
    measure = "expenses" if kind.by_section else "resourcing"
    memo = False
    for k in range(at + header.rows_used, len(rows)):
        number, row = rows[k]
        if _is_header(row):
            out.skipped.append(
                f"rows {number}-{rows[-1][0]} left out: a second header row (such as the average staffing level, a "
                "count of people) under the table's money figures"
            )
            break
        label = _label(row, figures)
        cells = [row[c.index] if c.index < len(row) else None for c in header.columns]
        has_figures = any(_text(v) for v in cells)
        if NOTE_ROW.match(label) and not has_figures:
            break
        if not has_figures:
            if not label:
                continue
            cleaned = _clean(label)
            if PROGRAM.match(cleaned):
                program, program_title, heading = _programs(cleaned), cleaned, ""
            elif cleaned.lower() == "total resourcing":
                program, program_title, heading = None, None, cleaned
            else:
                heading = cleaned
                memo = memo or cleaned.lower() == "appropriation carried forward"
                if kind.by_section:
                    measure = _section_measure(cleaned, measure)
            continue
        cleaned = _clean(label)
        low = cleaned.lower()
        is_total = not cleaned or low.startswith("total") or " total " in f" {low} " or bool(ARITHMETIC.search(label))
        row_measure = measure
        if kind.by_section and "funded expenditure" in low:
            row_measure = "funded_expenditure"
        elif kind.by_section and low.startswith("total capital expenditure"):
            row_measure = "capital_expenditure"
        elif kind.by_section and low.startswith("total income"):
            row_measure = "income"
        elif kind.by_section and low.startswith(("total operating expenses", "total expenses")):
            row_measure = "expenses"
        elif kind.by_section and PROGRAM.match(cleaned):
            row_measure, is_total = "net_cost", True
        if not cleaned:
            cost_type = f"{heading} (subtotal)" if heading else "(subtotal)"
        elif heading and not low.startswith("total") and heading.lower() != "total resourcing":
            cost_type = f"{heading}: {cleaned}"
        else:
            cost_type = cleaned
        for column, value in zip(header.columns, cells, strict=True):
            figure, marker, parsed = _cell(value)
            if not parsed:
                out.rejected.append(
                    {
                        "file": shown,
                        "sheet": sheet,
                        "row": number,
                        "column": column.header,
                        "rule": figure_rule(value, "type: number in $'000 (plain digits, no decimal comma)"),
                        "value": _text(value),
                    }
                )
                continue
            out.lines.append(
                {
                    "sheet": sheet,
                    "row": number,
                    "source_column": column.header,
                    "period": column.period,
                    "measure": row_measure,
                    "phase": column.phase,
                    "category": kind.category,
                    "organization": organization,
                    "account": account,
                    "line_item": program,
                    "line_item_title": program_title,
                    "cost_type": cost_type,
                    "value": figure,
                    "missing_marker": marker,
                    "is_estimate": column.is_estimate,
                    "is_total": is_total,
                    "is_memo": memo,
                }
            )
    return out
