"""Germany's federal budget (Bundeshaushalt) at title level: the "Haushaltsplan" CSV of the Federal Ministry of
Finance, one row per title (Titel) of every Einzelplan and chapter (Kapitel), with its Soll in thousand euros.

Where to get it: the Federal Ministry of Finance publishes the federal budget as open data on
https://www.bundeshaushalt.de (Download-Portal: "Haushaltsplan ... als CSV"), one file per budget year, and on
GovData. Licence: Datenlizenz Deutschland - Namensnennung 2.0 (dl-de/by-2-0), as far as known: name the source
"Bundesministerium der Finanzen, Bundeshaushalt".

The format: `;`-separated text, CRLF line ends, UTF-8 (with or without a byte-order mark; `probe.decode_text`), one
header row:

    einzelplan;einzelplan-text;einnahmen-ausgaben;einnahmen-ausgaben-art;kapitel;kapitel-text;titel;funktion;
    titel-text;flex;seite;soll;titelgruppe;tgr-text

Detected by content (`sniff`): the first non-blank line, split at `;`, names the header words einzelplan, kapitel,
titel and a value column (soll or ist, optionally with a year). Never by file name.

What a row becomes: one budget line (entity DEU, Germany's federal budget), keeping the nation's own codes:
- organization: the Einzelplan, two digits ("14"); organization_title: its text as published in that file
  ("Bundesministerium der Verteidigung"). The two-digit code is the stable key across years: a ministry renamed by
  a new government keeps its Einzelplan code while its text changes (Einzelplan 04, 06, 07, 09, 12, 16 and 21
  between 2014 and 2023), and the name is not part of a figure's identity.
- account: the chapter (Kapitel), four digits (Einzelplan + chapter); account_title: kapitel-text.
- line_item: the title (Titel), five digits; line_item_title: titel-text.
- budget_activity: the function (Funktion, the functional classification of the federal budget), three digits.
- cost_type: einnahmen-ausgaben-art, the kind of spending or revenue ("Personalausgaben", "Militärische
  Beschaffungen, Anlagen usw.", "Übrige Einnahmen"); empty where the file leaves it empty.
- category: "Einzelplan, chapter and title" (the one breakdown the file gives).
- footnotes: the Titelgruppe (title group), when the row has one: "Titelgruppe 01: <tgr-text>".
- measure: by the spending/revenue flag (einnahmen-ausgaben: A = Ausgaben, spending; E = Einnahmen, revenue) and
  the value column's word: soll -> soll_expenditure / soll_revenue (phase enacted: the Soll of the budget law);
  ist -> ist_expenditure / ist_revenue (phase actual: the outturn of the Haushaltsrechnung).
- scope: rows of an annex printed with an Einzelplan (a chapter whose kapitel-text starts with "Anlage": the NATO
  infrastructure programme, economic plans of special funds such as "Anlage 1 Wirtschaftsplan des
  Sondervermögens Bundeswehr (1491)") are kept with scope "annex: <kapitel-text>", so they are never summed with,
  nor silently left out of, the Einzelplan's own budget; ordinary rows have an empty scope.
- value: the figure as published, in thousand euros (unit "EUR thousands", unit_factor 1000, currency EUR, current
  prices). Germany's budget year is the calendar year (period_type calendar_year).
- provenance: file, row (the header is row 1; the record's number), source_column (the value column's header as
  published, a trailing space included).

The budget year is not written in the body of the file. It is taken, in this order:
1. from the value column's header when it names one ("Soll 2024", "soll_2024", "Ist 2022");
2. from the file's name, when the name holds exactly one four-digit year 2000-2099 not adjacent to other digits
   ("hh_2023.csv", "hh_2023_v1_02037b7.csv"). This is the one place milspace reads a file name: the publisher's
   download portal names each year's file by its year and writes the year nowhere inside, so the name is the only
   statement of the year the download carries; the name is never used to detect the format;
3. otherwise the file is refused (InputFileError naming the file and saying how to fix it: rename it with its year,
   or put the year in the value column's header).

Edition: "Haushaltsplan FY<year> (Soll)" (or "Haushaltsrechnung FY<year> (Ist)"): the vintage is the budget year,
read by the SQL's 'FY ?(\\d{4})' pattern. Two renderings of one year's plan are one edition; their figures share
the same identity, since every code is normalised the same way.

Quirks handled (all seen in the published files):
- the flag written in upper or lower case (`A`/`E` in 2014-2022, `a`/`e` in 2023); any other flag is a rejected row;
- chapters written with four digits ("1403"), with two ("03", 2023) or with their leading zero stripped ("1", an
  earlier rendering of 2023): a chapter of one or two digits is prefixed with its Einzelplan; one of three or four
  digits must begin with its Einzelplan (else a rejected row). Einzelplan ("1" -> "01"), title ("4211" -> "04211"),
  function ("11" -> "011") and title group are zero-padded back to their published widths;
- header words misspelt (`einahmen-ausgaben`, `einahmen-ausgaben-text`), renamed (`einnahmen-ausgaben-text` for
  `einnahmen-ausgaben-art`), with trailing spaces (`soll `), in any case, with `_` or spaces for `-`;
- a byte-order mark; quoted fields (a `;` or a quote inside a text); a last line without its line end.
- missing markers in the value column (empty, "-", ":", "..", ".", "x") give a NULL value with missing_marker set.
- a value that is not a plain whole number (a German-formatted "1.234,5", a decimal point, text) is a rejected row
  naming file, row, column and value: the files write whole thousands of euros without separators, so a separator
  is never guessed at.
- a record whose number of fields differs from the header's is a rejected row.
A header word not listed here is refused (InputFileError naming the file and the column), as is a file lacking one
of einzelplan, einnahmen-ausgaben, kapitel, titel or a value column, or having more than one value column.

Not read (listed in `ReadResult.skipped`): flex (whether the title is flexibilised, ja/nein) and seite (the page of
the printed plan).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import polars as pl

from pipelines.errors import InputFileError
from pipelines.nations import NationNames
from pipelines.shapes import ReadResult, finalize, rejected_rows, shorten
from pipelines.sources.cells import figure_rule
from pipelines.sources.probe import Probe, decode_text

FORMAT = "de_bundeshaushalt"
SOURCE = "Bundesministerium der Finanzen, Bundeshaushalt (Haushaltsplan)"

MEASURES = {
    "soll_expenditure": "Soll (budgeted amount the budget law authorises) of a spending title (Ausgaben), "
    "thousand euros (see unit_factor)",
    "soll_revenue": "Soll (budgeted amount) of a revenue title (Einnahmen), thousand euros (see unit_factor)",
    "ist_expenditure": "Ist (actual outturn) of a spending title (Ausgaben), thousand euros (see unit_factor)",
    "ist_revenue": "Ist (actual outturn) of a revenue title (Einnahmen), thousand euros (see unit_factor)",
}
#: Read whole by `read`, not in batches at load time.
STREAMED = False
CONFORMED = {
    "soll_expenditure": "budget_authority",
    "soll_revenue": "revenue",
    "ist_expenditure": "outlays",
    "ist_revenue": "revenue",
}
#: Budget titles can be negative (a global reduction, "Globale Minderausgabe"): none of these is never negative.
NEVER_NEGATIVE: frozenset[str] = frozenset()

CATEGORY = "Einzelplan, chapter and title"
ANNEX_SCOPE = "annex: "
UNIT = "EUR thousands"

#: Header words (lower case, whitespace collapsed, `_` and spaces read as `-`) -> the field they hold.
HEADER_WORDS = {
    "einzelplan": "einzelplan",
    "einzelplan-text": "einzelplan_text",
    "einnahmen-ausgaben": "flag",
    "einahmen-ausgaben": "flag",  # misspelt in the 2023 file
    "einnahmen-ausgaben-art": "kind",
    "einnahmen-ausgaben-text": "kind",  # the earlier rendering of 2023
    "einahmen-ausgaben-art": "kind",
    "einahmen-ausgaben-text": "kind",  # the 2023 file
    "kapitel": "kapitel",
    "kapitel-text": "kapitel_text",
    "titel": "titel",
    "titel-text": "titel_text",
    "funktion": "funktion",
    "titelgruppe": "tgr",
    "tgr": "tgr",
    "tgr-text": "tgr_text",
    "titelgruppe-text": "tgr_text",
    "flex": "flex",
    "seite": "seite",
}
REQUIRED = ("einzelplan", "flag", "kapitel", "titel")
#: The value column: soll or ist, optionally with the budget year ("Soll 2024", "soll_2024", "Ist 2022").
VALUE_WORD = re.compile(r"^(soll|ist)(?:-((?:19|20)\d{2}))?$")
#: A year in a file name: 2000-2099, not next to another digit.
NAME_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
FLAGS = {"A": "expenditure", "E": "revenue"}
MISSING_MARKERS = {"-", ":", "..", ".", "x", "X", "–", "—"}
WHOLE_NUMBER = re.compile(r"^-?\d+$")
SKIPPED = {
    "flex": "whether the title is flexibilised (ja/nein), not a figure",
    "seite": "the page of the printed budget plan, not a figure",
}


def _key(cell: str) -> str:
    return re.sub(r"[\s_-]+", "-", cell.lstrip("\ufeff").strip().lower())


def _header_fields(cells: list[str]) -> set[str]:
    fields = set()
    for cell in cells:
        key = _key(cell)
        if key in HEADER_WORDS:
            fields.add(HEADER_WORDS[key])
        elif VALUE_WORD.match(key):
            fields.add("value")
    return fields


def sniff(probe: Probe) -> bool:
    first = next((line for line in probe.text_lines if line.strip()), "")
    if ";" not in first:
        return False
    cells = next(csv.reader([first.lstrip("\ufeff")], delimiter=";"), [])
    return {"einzelplan", "kapitel", "titel", "value"} <= _header_fields(cells)


def _file_year(path: Path) -> int | None:
    years = set(NAME_YEAR.findall(path.name))
    return int(years.pop()) if len(years) == 1 else None


def _columns(header: list[str], shown: str) -> tuple[dict[str, int], int, str, str | None]:
    """Field -> column index, the value column's index, its word (soll or ist) and the year its header names."""
    columns: dict[str, int] = {}
    value: list[tuple[int, str, str | None]] = []
    for index, cell in enumerate(header):
        key = _key(cell)
        if not key:
            continue  # an empty header cell: its column must be empty too (checked row by row)
        match = VALUE_WORD.match(key)
        if match:
            value.append((index, match.group(1), match.group(2)))
            continue
        field = HEADER_WORDS.get(key)
        if field is None:
            raise InputFileError(
                shown,
                f"a Bundeshaushalt CSV, but its column {cell!r} is not one milspace knows (expected "
                "einzelplan, einzelplan-text, einnahmen-ausgaben, einnahmen-ausgaben-art, kapitel, kapitel-text, "
                "titel, funktion, titel-text, flex, seite, soll or ist, titelgruppe, tgr-text)",
                row=1,
                column=cell,
            )
        if field in columns:
            raise InputFileError(
                shown, f"the column {cell!r} appears twice in the header (as {header[columns[field]]!r})", row=1
            )
        columns[field] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        words = {"einzelplan": "einzelplan", "flag": "einnahmen-ausgaben", "kapitel": "kapitel", "titel": "titel"}
        raise InputFileError(
            shown,
            f"a Bundeshaushalt CSV without the column(s) {', '.join(words[m] for m in missing)}: every title row "
            "needs its Einzelplan, spending/revenue flag, chapter and title",
            row=1,
        )
    if len(value) != 1:
        raise InputFileError(
            shown,
            "a Bundeshaushalt CSV must have exactly one value column (soll or ist, optionally with its year); it has "
            + (", ".join(repr(header[i]) for i, _, _ in value) or "none"),
            row=1,
        )
    index, word, year = value[0]
    return columns, index, word, year


def _budget_year(path: Path, shown: str, header_year: str | None, column: str) -> tuple[int, str | None]:
    """The budget year and, when the header and the file name disagree, a note saying which was used."""
    named = _file_year(path)
    if header_year is not None:
        year = int(header_year)
        note = None
        if named is not None and named != year:
            note = f"budget year {year} taken from the value column {column!r}; the file name says {named}"
        return year, note
    if named is not None:
        return named, None
    raise InputFileError(
        shown,
        f"the budget year is not stated: the value column {column!r} names no year, and the file name "
        f"{path.name!r} does not hold exactly one four-digit year 2000-2099. The Bundeshaushalt CSV does not write "
        "its year inside; rename the file with its budget year as downloaded (such as hh_2024.csv), or write the "
        "year in the value column's header (such as 'Soll 2024')",
    )


def _digits(text: str, width: int) -> str | None:
    """A code zero-padded to its published width; None when it is not 1..width digits."""
    text = text.strip()
    return text.zfill(width) if text.isdigit() and text.isascii() and len(text) <= width else None


def _chapter(text: str, einzelplan: str) -> str | None:
    """The four-digit chapter: one or two digits are the chapter within the Einzelplan; three or four must begin
    with it (a stripped leading zero restored)."""
    text = text.strip()
    if not (text.isdigit() and text.isascii()) or len(text) > 4:
        return None
    if len(text) <= 2:
        return einzelplan + text.zfill(2)
    chapter = text.zfill(4)
    return chapter if chapter.startswith(einzelplan) else None


def read(path: Path, shown: str, names: NationNames) -> ReadResult:
    try:
        text = decode_text(path.read_bytes(), shown).lstrip("\ufeff")
    except OSError as exc:
        raise InputFileError(shown, f"cannot be opened ({exc.strerror})") from None
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    start = next((i for i, record in enumerate(records) if any(cell.strip() for cell in record)), None)
    if start is None:
        raise InputFileError(shown, "the file holds no header row")
    header = records[start]
    columns, value_index, word, header_year = _columns(header, shown)
    value_column = header[value_index]
    year, year_note = _budget_year(path, shown, header_year, value_column)
    phase = "enacted" if word == "soll" else "actual"
    edition = f"Haushaltsplan FY{year} (Soll)" if word == "soll" else f"Haushaltsrechnung FY{year} (Ist)"
    blank_columns = [i for i, cell in enumerate(header) if not _key(cell)]

    def cell(record: list[str], field: str) -> str:
        index = columns.get(field)
        return record[index].strip() if index is not None else ""

    lines: list[dict] = []
    rejected: list[dict] = []
    for number, record in enumerate(records[start + 1 :], start=start + 2):
        if not any(c.strip() for c in record):
            continue

        def reject(column: str, rule: str, value: str | None, row: int = number) -> None:
            rejected.append({"file": shown, "row": row, "column": column, "rule": rule, "value": shorten(value)})

        if len(record) != len(header):
            reject(
                "(row)",
                f"a row has the header's {len(header)} fields separated by ';' (this one has {len(record)})",
                ";".join(record),
            )
            continue
        stray = next((i for i in blank_columns if record[i].strip()), None)
        if stray is not None:
            reject(f"(column {stray + 1}, no header)", "a value stands under a header cell", record[stray])
            continue
        problems = 0
        einzelplan = _digits(cell(record, "einzelplan"), 2)
        if einzelplan is None:
            reject(
                header[columns["einzelplan"]], "einzelplan is a code of one or two digits", cell(record, "einzelplan")
            )
            problems += 1
        flag = FLAGS.get(cell(record, "flag").upper())
        if flag is None:
            reject(
                header[columns["flag"]],
                "einnahmen-ausgaben is A (Ausgaben, spending) or E (Einnahmen, revenue), in either case",
                cell(record, "flag"),
            )
            problems += 1
        chapter = _chapter(cell(record, "kapitel"), einzelplan) if einzelplan else None
        if einzelplan and chapter is None:
            reject(
                header[columns["kapitel"]],
                f"kapitel is a chapter of Einzelplan {einzelplan}: 1-2 digits, or 3-4 digits beginning with "
                f"{einzelplan}",
                cell(record, "kapitel"),
            )
            problems += 1
        title = _digits(cell(record, "titel"), 5)
        if title is None:
            reject(header[columns["titel"]], "titel is a code of up to five digits", cell(record, "titel"))
            problems += 1
        function_text = cell(record, "funktion")
        function = _digits(function_text, 3) if function_text else None
        if function_text and function is None:
            reject(header[columns["funktion"]], "funktion is a code of up to three digits", function_text)
            problems += 1
        raw_value = record[value_index].strip()
        value: float | None = None
        marker: str | None = None
        if not raw_value:
            marker = "empty"
        elif raw_value in MISSING_MARKERS:
            marker = raw_value
        elif WHOLE_NUMBER.match(raw_value):
            value = float(int(raw_value))
        else:
            reject(
                value_column,
                figure_rule(
                    raw_value,
                    "type: a whole number of thousand euros, digits only with an optional minus (no thousands "
                    "separator or decimal comma, which are never guessed at)",
                ),
                raw_value,
            )
            problems += 1
        if problems:
            continue
        chapter_text = cell(record, "kapitel_text")
        tgr = cell(record, "tgr")
        tgr_text = cell(record, "tgr_text")
        footnote = None
        if tgr or tgr_text:
            code = _digits(tgr, 2) or tgr
            footnote = f"Titelgruppe {code}: {tgr_text}" if tgr_text else f"Titelgruppe {code}"
        einzelplan_text = cell(record, "einzelplan_text")
        lines.append(
            {
                "row": number,
                "organization": einzelplan,
                "organization_title": einzelplan_text or None,
                "account": chapter,
                "account_title": chapter_text or None,
                "line_item": title,
                "line_item_title": cell(record, "titel_text") or None,
                "budget_activity": function,
                "cost_type": cell(record, "kind") or None,
                "scope": ANNEX_SCOPE + chapter_text if chapter_text.lower().startswith("anlage") else None,
                "measure": f"{word}_{flag}",
                "value": value,
                "missing_marker": marker,
                "footnotes": footnote,
            }
        )

    schema = {
        "row": pl.Int64,
        "organization": pl.String,
        "organization_title": pl.String,
        "account": pl.String,
        "account_title": pl.String,
        "line_item": pl.String,
        "line_item_title": pl.String,
        "budget_activity": pl.String,
        "cost_type": pl.String,
        "scope": pl.String,
        "measure": pl.String,
        "value": pl.Float64,
        "missing_marker": pl.String,
        "footnotes": pl.String,
    }
    frame = pl.DataFrame(lines, schema=schema).with_columns(
        pl.lit(SOURCE).alias("source"),
        pl.lit(FORMAT).alias("source_format"),
        pl.lit(edition).alias("edition"),
        pl.lit(shown).alias("file"),
        pl.lit(value_column).alias("source_column"),
        pl.lit("DEU").alias("entity_code"),
        pl.lit("Germany").alias("entity_name"),
        pl.lit("country").alias("entity_kind"),
        pl.lit(year, dtype=pl.Int64).alias("period"),
        pl.lit("calendar_year").alias("period_type"),
        pl.lit(phase).alias("phase"),
        pl.lit(CATEGORY).alias("category"),
        pl.lit("EUR").alias("currency"),
        pl.lit(1000.0).alias("unit_factor"),
        pl.lit(UNIT).alias("unit"),
        pl.lit("current").alias("price_basis"),
    )
    skipped = tuple(
        f"column {header[columns[field]]!r} skipped: {why}" for field, why in SKIPPED.items() if field in columns
    )
    return ReadResult(
        source_format=FORMAT,
        source=SOURCE,
        edition=edition,
        lines=finalize(frame),
        rejected=rejected_rows(rejected),
        notes=(year_note,) if year_note else (),
        skipped=skipped,
    )
