"""Public Accounts of Canada open data: "Expenditures and authorities by vote" and "Expenditures by standard
object", every federal organization, fiscal year by fiscal year.

Where it comes from: the Receiver General for Canada publishes the Public Accounts each year and the Treasury
Board Secretariat exports their tables to the Government of Canada open-data portal (open.canada.ca, datasets
"Public Accounts of Canada - Expenditures and authorities by vote" and "... - Expenditures by standard object"),
as CSV files named eav_eac_en_<date>.csv and eso_eac_en_<date>.csv (easo_eac_en_<date>.csv from 2021). Licence:
Open Government Licence - Canada (reuse with attribution).

The two tables are one publication (one FORMAT, one SOURCE); each file holds one table:
- vote table, header `fy_ef, org_id, org_name, vote_and_statutory, description, authorities, expenditures`: one
  row per vote or statutory item of an organization and fiscal year. Each row makes two lines: `authorities` (what
  Parliament made available, phase enacted, conformed to budget_authority) and `expenditures` (what was spent,
  phase actual, conformed to outlays). category "vote".
- standard-object table, header `fy_ef, org_id, org_name, sobj_en, expenditures`: one row per standard object
  (Personnel, Rentals, ... and the revenues credited against spending, External and Internal revenues, which are
  negative) of an organization and fiscal year. One line, `expenditures` (actual). category "standard object".
The standard-object table is the same money as the vote table's expenditures broken down another way: the
category keeps the two apart, so they are never summed together (a query must pick one category).

Detection (`sniff`): by the header words only, never by the file name: the first line (byte-order mark and quotes
stripped) names `fy_ef` and `org_id` and one of the tables' own columns (vote_and_statutory, sobj_en, sobj_fr,
authorities, expenditures). `read` then requires every column of one table and refuses a header word it does not
know, naming the file and the column (InputFileError, header row 1). The portal also publishes French exports
(`_fr`); their column words are not documented to milspace with certainty, so they are refused by name (sobj_fr
is named as a French export's column), never guessed.

How the columns are read:
- fy_ef: the fiscal year by the year it ends (2018 = April 2017 to March 2018): period, period_type fiscal_year,
  fiscal_year_start_month 4, fiscal_year_label "end" (data_raw/reference/fiscal_years.csv says the same for CAN).
- org_id and org_name: organization is the org_id alone, leading zeros dropped ("133" is the Department of
  National Defence). The name is not stable between editions (org 348 is "Department of Indigenous Services
  Canada" in the July 2020 edition and "Department of Indigenous Services" in the April 2021 one, for the same past
  years), and organization is part of a figure's identity, so the name cannot be in it; org_id is the same in
  every edition. org_name goes to organization_title, which is not part of the identity.
- vote_and_statutory: a vote number (account = the number, leading zeros dropped, funding_type "voted") or `S`, a
  statutory item (account "S", funding_type "statutory": spending another act of Parliament authorizes, not the
  appropriation acts). account_title is the description as published. A vote is identified by its number within
  its organization and year, so line_item is empty for a vote. A statutory item has no number: its line_item is
  its description folded into a key (lower case, punctuation and spacing dropped, a plural s dropped from each
  word), since the wording moves between editions ("Officers and Members of the Senate-Salaries ..." in 2020,
  "... Senate - Salaries ..." in 2021; "Climate action incentive payments" then "Climate Action Incentive
  Payment"); line_item_title is the description as published.
- sobj_en: the standard object as named (the file gives no code): line_item and line_item_title are the name as
  published (the same fourteen names in both editions); cost_type is empty.
- Rows the key cannot tell apart: an organization may state the same statutory item twice in one year with
  different figures (Canada Revenue Agency "Court Awards" in FY2012, FY2013, FY2017 and FY2019; two "Contributions
  to employee benefit plans" of orgs 141 and 348 in FY2019). Every such row is kept as published; the second
  (third ...) of them in file order gets " #2" (" #3" ...) after its line_item, so that each is a figure of its
  own and the same row has the same identity in every edition (the editions keep these rows in the same order).
- authorities, expenditures: whole Canadian dollars written as plain numbers with cents ("16071130527.00",
  "-1658914.91"): unit "CAD", unit_factor 1, currency CAD, price_basis current. Negative figures are kept (lapsed
  or credited amounts, revenues netted against spending): no measure is NEVER_NEGATIVE. An empty cell (the 2021
  edition leaves about a hundred blank) or a missing marker ("-", "..", ":") is a line with value NULL and
  missing_marker "empty" (or the marker as written). Any other text, including a number in another notation
  ("1 234,56", "1,234.56", "(12)"), is a rejected row naming the file, row, column and value. A row whose
  fy_ef, org_id or vote is not what it must be is rejected the same way, as is a record with the wrong number
  of fields.
- The files state no totals: is_total is False for every line, and there is nothing to reconcile.

Edition: named from the content, the fiscal years the file covers: "Public Accounts of Canada, vote table
(2011-2018)" or "..., standard object table (2011-2019)". The vintage the marts read is the last year
('\\(\\d{4}-(\\d{4})\\)'): each yearly edition adds the year just closed, so a newer edition sorts higher and revises
the older one (the same row keeps its identity; earlier years also gain rows, FY2011 has 554 rows in the 2020
edition and 609 in the 2021 one). A partial export (only some years) would be named by the years it holds.

File quirks handled: UTF-8 with a byte-order mark (`probe.decode_text`), every field of the header quoted; the
2021 files end every line with CR CR LF (a copy converted twice), the 2020 files with LF; a blank last line.
Rows are numbered as a text editor counts lines ending in LF: the header is row 1 (line 3941 of the 2020 vote
table is FY2018 vote 1 of National Defence).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import polars as pl

from pipelines.errors import InputFileError
from pipelines.nations import NationNames
from pipelines.shapes import ReadResult, finalize, rejected_rows
from pipelines.sources.cells import figure_rule
from pipelines.sources.probe import Probe, decode_text

FORMAT = "ca_public_accounts"
SOURCE = "Receiver General for Canada, Public Accounts of Canada"

MEASURES = {
    "authorities": "Authorities: what Parliament made available to spend (votes and statutory items), Canadian dollars",
    "expenditures": "Expenditures: what was spent against the authorities, Canadian dollars",
}
CONFORMED = {"authorities": "budget_authority", "expenditures": "outlays"}
#: Budget lines can be negative (lapses, credited revenues, adjustments).
NEVER_NEGATIVE: frozenset[str] = frozenset()
STREAMED = False

VOTE_COLUMNS = ("fy_ef", "org_id", "org_name", "vote_and_statutory", "description", "authorities", "expenditures")
OBJECT_COLUMNS = ("fy_ef", "org_id", "org_name", "sobj_en", "expenditures")
#: Header words that tell a table apart (besides fy_ef and org_id), for `sniff`.
TABLE_WORDS = frozenset({"vote_and_statutory", "sobj_en", "sobj_fr", "authorities", "expenditures"})
#: The measure, phase and published column of each figure column.
FIGURES = {"authorities": ("authorities", "enacted"), "expenditures": ("expenditures", "actual")}
MISSING_MARKERS = frozenset({"-", "..", ":"})
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
YEAR = re.compile(r"\d{4}")
VOTE = re.compile(r"\d+")
NUMBER_RULE = "type: a plain number of dollars (digits, an optional minus and decimal point)"


def _words(line: str) -> list[str]:
    """A header line's column words: byte-order mark, quotes and spacing dropped, lower case."""
    try:
        record = next(csv.reader([line.lstrip("\ufeff")]), [])
    except csv.Error:  # a NUL byte or an oversized field: not a header of this format
        return []
    return [" ".join(cell.split()).lower() for cell in record]


def sniff(probe: Probe) -> bool:
    lines = probe.text_lines
    if not lines:
        return False
    words = set(_words(lines[0]))
    return {"fy_ef", "org_id"} <= words and bool(words & TABLE_WORDS)


def fold(text: str) -> str:
    """A name folded into a key that survives rewording between editions: lower case, words only (punctuation and
    spacing dropped), a plural s dropped from each word of four letters or more (not -ss, -us, -is)."""
    words = re.findall(r"\w+", text.casefold())
    return " ".join(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")) else w for w in words
    )


def _records(text: str) -> list[tuple[int, list[str]]]:
    """(row, fields) of every non-blank record; a line ends in LF with any CRs before it (CR CR LF in 2021)."""
    lines = re.split(r"\r*\n", text.lstrip("\ufeff"))
    reader = csv.reader(lines)
    out = []
    start = 1
    for record in reader:
        if any(cell.strip() for cell in record):
            out.append((start, record))
        start = reader.line_num + 1
    return out


def _table(header: list[str], shown: str) -> tuple[str, tuple[str, ...]]:
    """Which table the header is ("vote" or "standard object") and its columns; InputFileError naming the column
    the reader does not know, or the one that is missing."""
    words = [" ".join(cell.split()).lower() for cell in header]
    if "sobj_fr" in words:
        raise InputFileError(
            shown,
            "a French export of the Public Accounts (its standard object is in sobj_fr): milspace reads the English "
            "exports (_en), whose column words it knows; download the English file from open.canada.ca",
            row=1,
            column=header[words.index("sobj_fr")],
        )
    expected: tuple[str, ...]
    if "vote_and_statutory" in words:
        table, expected = "vote", VOTE_COLUMNS
    elif "sobj_en" in words:
        table, expected = "standard object", OBJECT_COLUMNS
    else:
        raise InputFileError(
            shown,
            "a Public Accounts export without a vote_and_statutory or sobj_en column: expected the columns "
            f"{', '.join(VOTE_COLUMNS)} (vote table) or {', '.join(OBJECT_COLUMNS)} (standard-object table)",
            row=1,
        )
    for published, word in zip(header, words, strict=True):
        if word not in expected:
            raise InputFileError(
                shown,
                f"the {table} table has a column milspace does not know: expected only {', '.join(expected)}",
                row=1,
                column=published,
            )
    duplicated = [w for w, n in Counter(words).items() if n > 1]
    if duplicated:
        raise InputFileError(shown, f"the column {duplicated[0]} appears twice in the header", row=1)
    missing = [w for w in expected if w not in words]
    if missing:
        raise InputFileError(
            shown,
            f"the {table} table lacks the column(s) {', '.join(missing)}: expected {', '.join(expected)}",
            row=1,
        )
    return table, expected


def read(path: Path, shown: str, names: NationNames) -> ReadResult:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(shown, f"cannot be opened ({exc.strerror})") from None
    records = _records(decode_text(raw, shown))
    if not records:
        raise InputFileError(shown, "the file holds no header: nothing to read")
    header = records[0][1]
    table, _ = _table(header, shown)
    position = {" ".join(cell.split()).lower(): i for i, cell in enumerate(header)}
    published = {word: header[i] for word, i in position.items()}

    rejected: list[dict] = []

    def reject(row: int, word: str, rule: str, value: str | None) -> None:
        rejected.append({"file": shown, "row": row, "column": published.get(word, word), "rule": rule, "value": value})

    parsed: list[dict] = []
    seen: Counter[tuple] = Counter()
    for row, record in records[1:]:
        if len(record) != len(header):
            rejected.append(
                {
                    "file": shown,
                    "row": row,
                    "column": "(line)",
                    "rule": f"a record has as many fields as the header ({len(header)})",
                    "value": f"{len(record)} fields",
                }
            )
            continue
        cell = {word: record[i].strip() for word, i in position.items()}
        year, org = cell["fy_ef"], cell["org_id"]
        if not YEAR.fullmatch(year):
            reject(row, "fy_ef", "type: a four-digit fiscal year (the year it ends)", year)
            continue
        if not VOTE.fullmatch(org):
            reject(row, "org_id", "type: an organization number (digits)", org)
            continue
        org = str(int(org))  # "0133" and "133" are one organization
        if table == "vote":
            vote = cell["vote_and_statutory"]
            title = " ".join(cell["description"].split()) or None
            if vote.upper() == "S":
                account, funding, line_item = "S", "statutory", fold(title or "")
                if not line_item:
                    reject(row, "description", "a statutory item is named by its description: it is empty", None)
                    continue
            elif VOTE.fullmatch(vote):
                account, funding, line_item = str(int(vote)), "voted", ""
            else:
                reject(row, "vote_and_statutory", "a vote number (digits) or S (a statutory item)", vote)
                continue
            line = {
                "category": "vote",
                "funding_type": funding,
                "account": account,
                "account_title": title,
                "line_item_title": title if account == "S" else None,
            }
        else:
            title = " ".join(cell["sobj_en"].split()) or None
            line_item = title or ""
            if not line_item:
                reject(row, "sobj_en", "a standard object is named: it is empty", None)
                continue
            account = None
            line = {
                "category": "standard object",
                "funding_type": None,
                "account": None,
                "account_title": None,
                "line_item_title": title,
            }
        figures: dict[str, tuple[float | None, str | None]] = {}
        bad = False
        for word in FIGURES:
            if word not in cell:
                continue
            text = cell[word]
            if text == "" or text in MISSING_MARKERS:
                figures[word] = (None, text or "empty")
            elif NUMBER.fullmatch(text):
                figures[word] = (float(text), None)
            else:
                reject(row, word, figure_rule(text, NUMBER_RULE), text)
                bad = True
        if bad:
            continue
        key = (table, int(year), org, account, line_item)
        seen[key] += 1
        if seen[key] > 1:
            line_item = f"{line_item} #{seen[key]}".strip()
        for word, (value, marker) in figures.items():
            measure, phase = FIGURES[word]
            parsed.append(
                {
                    **line,
                    "row": row,
                    "source_column": published[word],
                    "period": int(year),
                    "organization": org,
                    "organization_title": " ".join(cell["org_name"].split()) or None,
                    "line_item": line_item or None,
                    "measure": measure,
                    "phase": phase,
                    "value": value,
                    "missing_marker": marker,
                }
            )

    years = sorted({line["period"] for line in parsed})
    if not years:
        raise InputFileError(shown, f"the Public Accounts {table} table holds no row milspace can read", row=2)
    edition = f"Public Accounts of Canada, {table} table ({years[0]}-{years[-1]})"
    schema = {
        "category": pl.String,
        "funding_type": pl.String,
        "account": pl.String,
        "account_title": pl.String,
        "line_item_title": pl.String,
        "row": pl.Int64,
        "source_column": pl.String,
        "period": pl.Int64,
        "organization": pl.String,
        "organization_title": pl.String,
        "line_item": pl.String,
        "measure": pl.String,
        "phase": pl.String,
        "value": pl.Float64,
        "missing_marker": pl.String,
    }
    frame = pl.DataFrame(parsed, schema=schema).with_columns(
        source=pl.lit(SOURCE),
        source_format=pl.lit(FORMAT),
        edition=pl.lit(edition),
        file=pl.lit(shown),
        entity_code=pl.lit("CAN"),
        entity_name=pl.lit("Canada"),
        entity_kind=pl.lit("country"),
        period_type=pl.lit("fiscal_year"),
        fiscal_year_start_month=pl.lit(4, dtype=pl.Int64),
        fiscal_year_label=pl.lit("end"),
        currency=pl.lit("CAD"),
        unit=pl.lit("CAD"),
        unit_factor=pl.lit(1.0),
        price_basis=pl.lit("current"),
    )
    return ReadResult(
        source_format=FORMAT,
        source=SOURCE,
        edition=edition,
        lines=finalize(frame),
        rejected=rejected_rows(rejected),
    )
