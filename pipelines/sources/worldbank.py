"""World Bank World Development Indicators (WDI) bulk downloads of the military indicators (MS.MIL.*).

What the World Bank publishes, per indicator, is a zip named API_<indicator>_DS2_en_csv_v2_<n>.zip holding three
CSV files; milspace reads the zip as downloaded or its data CSV alone:
- the data CSV (API_...csv): one row per economy, years as column headers;
- Metadata_Country_API_...csv: one row per economy with its Region and IncomeGroup; aggregates (World, income
  groups, regions, "Euro area", ...) have an empty Region;
- Metadata_Indicator_API_...csv: the indicator's name, source note and source organization (SIPRI for military
  expenditure and arms transfers, IISS for armed forces personnel).

Quirks of the data CSV, and how they are read:
- UTF-8 with a byte-order mark (read with or without it; cp1252 as a last resort), CRLF line ends.
- A preamble above the header: "Data Source","World Development Indicators", a blank line, "Last Updated Date",
  "2026-02-24", a blank line. The header is found by its text (the first line holding both a "Country Code" and
  an "Indicator Code" column), not by its position; the "Last Updated Date" above it gives the edition.
- The four id columns (Country Name, Country Code, Indicator Name, Indicator Code) are found by their text;
  every other column whose header is a year ("1960", "1960.0") is a year column. Every data line ends with a
  comma, which makes a trailing column with an empty header: it is ignored, as is any other non-year header
  (named in a note). A file with no year column at all is an error.
- The indicator code is read from each data row, never from the file name, and maps to a measure with its unit,
  currency, unit factor and price basis (INDICATORS). A code milspace does not map is an error naming it:
  another WDI indicator is not this reader's (`sniff` is False for it), and an MS.MIL.* code not listed here
  needs a mapping first.
- An empty cell is a year with no figure: it makes no budget line (one line per published figure) and is
  counted in a note. ".." (the World Bank's DataBank marker for missing data) makes a line with a NULL value
  and missing_marker "..". Any other text where a number belongs is a rejected row (a spreadsheet error value
  such as #N/A with the rule `cells.SPREADSHEET_ERROR_RULE`).
- Encodings: UTF-8, UTF-16 with its byte-order mark, or Windows-1252 (`probe.decode_text`).
- Aggregates are mixed with countries. With the Metadata_Country file (inside the zip, or beside the data CSV
  with the same name after "Metadata_Country_"), a code whose Region is empty is an aggregate; a code the
  metadata does not list (INX, "Not classified", in the 2026-02-24 edition) falls back to the next rule. Without
  it, a code not in data_raw/reference/nations.csv is an aggregate. A note says which rule was used. Aggregates
  keep the World Bank's code (WLD, HIC, EUU, ...) with entity_kind "aggregate", never a nation's code.
- Economies use ISO 3166-1 alpha-3 codes (XKX for Kosovo). A non-aggregate code that is not in nations.csv
  (CHI, Channel Islands) is not loaded: each of its rows holding figures is a rejected row; a row without
  figures is only named in a note. entity_name is the World Bank's Country Name.
- Figures are calendar-year actuals. Shares are published in percent and kept as they are; money is in whole
  units (unit_factor 1). The local-currency indicator (MS.MIL.XPND.CN) carries no currency code: the bulk
  download does not name each economy's currency. SIPRI trend-indicator values (arms transfers) measure the
  volume of transfers, not their financial value: no currency and no price basis.
- The file states no totals of its own (aggregates are computed by the World Bank from economies it does not
  all publish), so there are no reconciliations.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.errors import InputFileError
from pipelines.nations import NationNames
from pipelines.paths import REPO_ROOT
from pipelines.shapes import ReadResult, finalize, rejected_rows
from pipelines.sources.cells import figure_rule
from pipelines.sources.probe import HEAD_BYTES, Probe, check_zip, decode_head, decode_text

FORMAT = "worldbank_wdi"
SOURCE = "World Bank, World Development Indicators"


@dataclass(frozen=True)
class Indicator:
    measure: str
    unit: str
    currency: str | None
    unit_factor: float
    price_basis: str | None


#: WDI indicator code -> what its figures are.
INDICATORS = {
    "MS.MIL.XPND.GD.ZS": Indicator("milex_share_of_gdp", "percent of GDP", None, 1.0, None),
    "MS.MIL.XPND.ZS": Indicator(
        "milex_share_of_government_spending", "percent of general government expenditure", None, 1.0, None
    ),
    "MS.MIL.XPND.CD": Indicator("milex_current_usd", "US$, current prices", "USD", 1.0, "current"),
    "MS.MIL.XPND.CN": Indicator("milex_current_lcu", "local currency units, current prices", None, 1.0, "current"),
    "MS.MIL.TOTL.P1": Indicator("armed_forces_personnel", "persons", None, 1.0, None),
    "MS.MIL.TOTL.TF.ZS": Indicator(
        "armed_forces_share_of_labor_force", "percent of total labor force", None, 1.0, None
    ),
    "MS.MIL.MPRT.KD": Indicator("arms_imports_tiv", "SIPRI trend-indicator values (TIV)", None, 1.0, None),
    "MS.MIL.XPRT.KD": Indicator("arms_exports_tiv", "SIPRI trend-indicator values (TIV)", None, 1.0, None),
}

MEASURES = {
    "milex_share_of_gdp": "Military expenditure as a share of GDP, percent",
    "milex_share_of_government_spending": "Military expenditure as a share of government spending, percent",
    "milex_current_usd": "Military expenditure, current US dollars",
    "milex_current_lcu": "Military expenditure, current local currency units",
    "armed_forces_personnel": "Armed forces personnel, total, persons",
    "armed_forces_share_of_labor_force": "Armed forces personnel as a share of the total labor force, percent",
    "arms_imports_tiv": "Arms imports, SIPRI trend-indicator values (TIV, a volume measure, not money)",
    "arms_exports_tiv": "Arms exports, SIPRI trend-indicator values (TIV, a volume measure, not money)",
}
#: Read whole by `read`, not in batches at load time.
STREAMED = False
#: The conformed measure (one name per concept across publishers, marts.budget_facts.measure) of each of MEASURES
#: named otherwise; a measure not listed here is its own conformed measure.
CONFORMED = {
    "milex_current_usd": "milex_usd",
    "milex_current_lcu": "milex_local_currency",
    "armed_forces_personnel": "military_personnel",
}
#: Measures that cannot be negative: a negative figure breaks the BudgetLine contract (NOT_NEGATIVE_RULE).
NEVER_NEGATIVE = frozenset(MEASURES)

#: Cells that mean "no figure" and still make a line (an empty cell makes none).
MISSING_MARKERS = ("..",)
NATIONS_CSV = REPO_ROOT / "data_raw" / "reference" / "nations.csv"
NATIONS_RULE = "country code listed in data_raw/reference/nations.csv"
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")


# --- detection ---------------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    """A header as written, reduced for comparison: "INDICATOR_CODE" and "Indicator Code" are the same."""
    return re.sub(r"\s+", " ", text.replace("_", " ")).strip().casefold()


def _is_data_header(fields: list[str]) -> bool:
    names = {_norm(f) for f in fields}
    return {"country code", "indicator code"} <= names


def _first_indicator(lines: list[str]) -> str | None:
    """The indicator code of the first data row under a WDI data header in these lines, if any."""
    header = None
    for fields in csv.reader(lines):
        if header is None:
            if _is_data_header(fields):
                header = [_norm(f) for f in fields]
        elif any(f.strip() for f in fields):
            column = header.index("indicator code")
            return fields[column].strip() if column < len(fields) else None
    return None


def _is_military(lines: list[str]) -> bool:
    return (_first_indicator(lines) or "").startswith("MS.MIL.")


def _zip_is_military(probe: Probe) -> bool:
    with check_zip(probe.path, probe.shown) as archive:
        for info in archive.infolist():
            if info.filename.lower().endswith(".csv"):
                with archive.open(info) as member:
                    head = (decode_head(member.read(HEAD_BYTES)) or "").lstrip("\ufeff")
                if _is_military(head.splitlines()[:40]):
                    return True
    return False


def sniff(probe: Probe) -> bool:
    """A WDI data CSV (or a zip holding one) whose first data row is an MS.MIL.* indicator."""
    try:
        if probe.is_zip:
            return not probe.is_xlsx and _zip_is_military(probe)
        return _is_military(probe.text_lines)
    except (InputFileError, zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
        return False


def companion(probe: Probe) -> str | None:
    """If the file is one of a download's metadata CSVs, what it is for (it is read with its data CSV)."""
    try:
        kind = None if probe.is_zip else _kind("\n".join(probe.text_lines))
    except (InputFileError, csv.Error):
        return None
    if kind == "country":
        return "World Bank country metadata: read with the data CSV beside it, to tell aggregates from countries"
    if kind == "indicator":
        return "World Bank indicator metadata: read with the data CSV beside it, for the source organization"
    return None


# --- the files of one download -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    """The texts of one WDI download: the data CSV and, where found, its two metadata files."""

    data: str
    country_meta: str | None
    indicator_meta: str | None
    notes: tuple[str, ...]
    skipped: tuple[str, ...] = ()  # zip members not read


def _decode(raw: bytes, shown: str) -> str:
    return decode_text(raw, shown).lstrip("\ufeff")


def _header_names(text: str) -> set[str]:
    """The normalized fields of the first line of a text."""
    first = text.split("\n", 1)[0]
    return {_norm(f) for f in next(csv.reader([first]), [])}


def _kind(text: str) -> str | None:
    """Which file of a download a CSV text is: "data", "country" or "indicator" metadata, or None."""
    if any(_is_data_header(fields) for fields in csv.reader(text.splitlines()[:20])):
        return "data"
    names = _header_names(text)
    if {"country code", "region"} <= names:
        return "country"
    if {"indicator code", "source organization"} <= names:
        return "indicator"
    return None


def _from_zip(path: Path, shown: str) -> Download:
    texts: dict[str, str] = {}
    ignored = []
    with check_zip(path, shown) as archive:
        for name in archive.namelist():
            if not name.lower().endswith(".csv"):
                ignored.append(name)
                continue
            try:
                texts[name] = _decode(archive.read(name), shown)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise InputFileError(shown, f"zip member {name!r} is corrupted ({exc})") from None
    by_kind: dict[str, list[str]] = {}
    for name, text in texts.items():
        kind = _kind(text)
        if kind is None:
            ignored.append(name)
        else:
            by_kind.setdefault(kind, []).append(name)
    data = by_kind.get("data", [])
    if len(data) != 1:
        found = "no" if not data else f"{len(data)} ({', '.join(data)})"
        raise InputFileError(
            shown, f"a zip holding {found} World Bank data CSVs (with Country Code and Indicator Code columns)"
        )
    notes = [f"Read the data CSV {data[0]} inside the zip (row numbers are its lines)."]
    if ignored:
        notes.append(f"Ignored zip members that are not part of a WDI download: {', '.join(ignored)}.")
    country = by_kind.get("country", [None])[0]
    indicator = by_kind.get("indicator", [None])[0]
    extra = [n for kind in ("country", "indicator") for n in by_kind.get(kind, [])[1:]]
    skipped = [f"zip member {name!r} skipped: not a file of a WDI download (data or metadata CSV)" for name in ignored]
    skipped += [f"zip member {name!r} skipped: a second metadata file of the same kind" for name in extra]
    return Download(
        texts[data[0]],
        texts[country] if country else None,
        texts[indicator] if indicator else None,
        tuple(notes),
        tuple(skipped),
    )


def _sidecar(path: Path, prefix: str, kind: str, shown: str) -> str | None:
    """The metadata file the World Bank ships beside a data CSV: same folder, same name after a prefix."""
    candidate = path.with_name(prefix + path.name)
    if not candidate.is_file():
        return None
    text = _decode(candidate.read_bytes(), f"{shown} ({candidate.name})")
    return text if _kind(text) == kind else None


def _from_csv(path: Path, shown: str) -> Download:
    try:
        data = _decode(path.read_bytes(), shown)
    except OSError as exc:
        raise InputFileError(shown, f"cannot be opened ({exc.strerror})") from None
    return Download(
        data,
        _sidecar(path, "Metadata_Country_", "country", shown),
        _sidecar(path, "Metadata_Indicator_", "indicator", shown),
        (),
    )


# --- the data table ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    header: list[str]  # whitespace-collapsed header texts
    rows: list[tuple[int, list[str]]]  # (1-based line, fields) of each non-blank line below the header
    header_line: int
    last_updated: str | None


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _table(text: str, shown: str) -> Table:
    header, rows, last_updated, header_line = None, [], None, 0
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 0
    try:
        for fields in reader:
            start, line = line + 1, reader.line_num
            if header is None:
                if fields and _norm(fields[0]) == "last updated date" and len(fields) > 1:
                    last_updated = fields[1].strip() or None
                elif _is_data_header(fields):
                    header, header_line = [_collapse(f) for f in fields], start
            elif any(f.strip() for f in fields):
                rows.append((start, fields))
    except csv.Error as exc:
        raise InputFileError(shown, f"not readable as CSV ({exc}; the file may be truncated)", row=line + 1) from None
    if header is None:
        raise InputFileError(shown, "no header row with 'Country Code' and 'Indicator Code' columns")
    return Table(header, rows, header_line, last_updated)


@dataclass(frozen=True)
class Columns:
    name: int
    code: int
    indicator: int
    years: dict[int, int]  # column index -> year
    ignored: list[str]  # non-empty headers that are neither id columns nor years
    unnamed: int  # columns with an empty header (the trailing one)
    width: int  # columns up to the last named one: a shorter row is truncated


def _columns(table: Table, shown: str) -> Columns:
    normalized = [_norm(h) for h in table.header]
    ids: dict[str, int] = {}
    for title in ("country name", "country code", "indicator code"):
        if title not in normalized:
            raise InputFileError(shown, f"the header has no {title.title()!r} column", row=table.header_line)
        ids[title] = normalized.index(title)
    if "indicator name" in normalized:  # text only: the code says what the figures are
        ids["indicator name"] = normalized.index("indicator name")
    years: dict[int, int] = {}
    ignored = []
    for index, text in enumerate(table.header):
        if index in ids.values() or not text:
            continue
        match = _YEAR.match(text)
        if not match:
            ignored.append(text)
        elif int(match.group(1)) in years.values():
            raise InputFileError(shown, f"the year {text} heads two columns", row=table.header_line, column=text)
        else:
            years[index] = int(match.group(1))
    if not years:
        raise InputFileError(
            shown, f"no column header after the id columns is a year (found {ignored[:5]})", row=table.header_line
        )
    named = [i for i, text in enumerate(table.header) if text]
    return Columns(
        ids["country name"],
        ids["country code"],
        ids["indicator code"],
        years,
        ignored,
        unnamed=len(table.header) - len(named),
        width=named[-1] + 1,
    )


def _cells(table: Table, columns: Columns, shown: str) -> pl.DataFrame:
    """One frame row per year cell: line, names, codes, header, year and the cell as written."""
    records = []
    for line, fields in table.rows:
        if len(fields) < columns.width:
            raise InputFileError(
                shown,
                f"the row has {len(fields)} cells where the header has {columns.width} (the file may be truncated)",
                row=line,
            )
        extra = [f for f in fields[len(table.header) :] if f.strip()]
        if extra:
            raise InputFileError(shown, f"the row has values beyond the last header column: {extra[:3]}", row=line)
        for index, year in columns.years.items():
            records.append(
                (
                    line,
                    fields[columns.name].strip(),
                    fields[columns.code].strip(),
                    fields[columns.indicator].strip(),
                    table.header[index],
                    year,
                    fields[index].strip(),
                )
            )
    schema = {
        "row": pl.Int64,
        "entity_name": pl.String,
        "code": pl.String,
        "indicator": pl.String,
        "source_column": pl.String,
        "period": pl.Int64,
        "cell": pl.String,
    }
    return pl.DataFrame(records, schema=schema, orient="row")


# --- indicators and entities -------------------------------------------------------------------------------


def _indicators(cells: pl.DataFrame, shown: str) -> pl.DataFrame:
    """The indicator -> measure mapping for the codes of this file; an unmapped code is an error naming it."""
    codes = sorted(set(cells["indicator"]))
    unknown = [c for c in codes if c not in INDICATORS]
    if unknown:
        military = [c for c in unknown if c.startswith("MS.MIL.")]
        if military:
            problem = (
                f"its indicator {', '.join(military)} is a military indicator milspace does not map to a measure "
                f"yet (it maps {', '.join(INDICATORS)})"
            )
        else:
            problem = f"its indicator {', '.join(repr(c) for c in unknown)} is not a military (MS.MIL.*) indicator"
        raise InputFileError(shown, problem, column="Indicator Code")
    return pl.DataFrame(
        [
            {
                "indicator": code,
                "measure": INDICATORS[code].measure,
                "unit": INDICATORS[code].unit,
                "currency": INDICATORS[code].currency,
                "unit_factor": INDICATORS[code].unit_factor,
                "price_basis": INDICATORS[code].price_basis,
            }
            for code in codes
        ],
        schema={
            "indicator": pl.String,
            "measure": pl.String,
            "unit": pl.String,
            "currency": pl.String,
            "unit_factor": pl.Float64,
            "price_basis": pl.String,
        },
    )


@functools.cache
def _nation_kinds() -> dict[str, str]:
    nations = pl.read_csv(NATIONS_CSV, infer_schema=False)
    return dict(zip(nations["code"], nations["kind"], strict=True))


def _regions(country_meta: str) -> dict[str, str]:
    """Country Code -> Region from the Metadata_Country file (empty Region for aggregates)."""
    reader = csv.DictReader(io.StringIO(country_meta, newline=""))
    fields = {_norm(f): f for f in reader.fieldnames or []}
    code, region = fields["country code"], fields["region"]
    return {r[code].strip(): (r[region] or "").strip() for r in reader if r.get(code)}


def _entity_kinds(codes: list[str], country_meta: str | None, shown: str) -> tuple[dict[str, str | None], list[str]]:
    """Code -> entity kind (None for a country code milspace does not know), and notes on the rule used."""
    nations = _nation_kinds()

    def by_nations(code: str) -> str:
        return nations.get(code, "aggregate")

    if country_meta is None:
        kinds: dict[str, str | None] = {c: by_nations(c) for c in codes}
        aggregates = sorted(c for c, k in kinds.items() if k == "aggregate")
        return kinds, [
            f"No Metadata_Country file beside {shown}: codes not in data_raw/reference/nations.csv are "
            f"treated as aggregates ({len(aggregates)}: {', '.join(aggregates)})."
        ]
    regions = _regions(country_meta)
    kinds = {}
    for code in codes:
        if code not in regions:
            kinds[code] = by_nations(code)
        elif not regions[code]:
            kinds[code] = "aggregate"
        else:
            kinds[code] = nations.get(code)
    aggregates = sorted(c for c in codes if regions.get(c) == "")
    notes = [
        f"Aggregates told apart by the Metadata_Country file (empty Region): {len(aggregates)} codes "
        f"({', '.join(aggregates)})."
    ]
    unlisted = sorted(c for c in codes if c not in regions)
    if unlisted:
        notes.append(
            "Codes the Metadata_Country file does not list were classified by data_raw/reference/nations.csv "
            f"(not listed there = aggregate): {', '.join(f'{c} ({kinds[c]})' for c in unlisted)}."
        )
    return kinds, notes


def _source_organizations(indicator_meta: str | None) -> list[str]:
    if indicator_meta is None:
        return []
    reader = csv.DictReader(io.StringIO(indicator_meta, newline=""))
    fields = {_norm(f): f for f in reader.fieldnames or []}
    notes = []
    for record in reader:
        code = (record.get(fields["indicator code"]) or "").strip()
        organization = (record.get(fields["source organization"]) or "").strip()
        name = (record.get(fields.get("indicator name", ""), "") or "").strip()
        if code and organization:
            notes.append(f"Indicator {code} ({name}) is compiled by: {organization}.")
    return notes


# --- reading -----------------------------------------------------------------------------------------------


def _skipped_columns(table: Table, columns: Columns) -> list[str]:
    """One sentence per column not read: a named header that is neither an id column nor a year, and an unnamed
    column holding anything (the trailing one every line makes with its last comma holds nothing: nothing lost)."""
    read = {columns.name, columns.code, columns.indicator, *columns.years}
    out = []
    for index, header in enumerate(table.header):
        if index in read or _norm(header) == "indicator name":
            continue
        filled = [(line, fields[index]) for line, fields in table.rows if index < len(fields) and fields[index].strip()]
        if not header and not filled:
            continue
        what = f"{len(filled):,} filled cells, e.g. line {filled[0][0]}: {filled[0][1][:60]!r}" if filled else "empty"
        name = f"column {header!r}" if header else f"the unnamed column {index + 1}"
        reason = "its header is not a year nor an id column" if header else "it has no header"
        out.append(f"{name} skipped: {reason} ({what})")
    return out


def _layout_notes(table: Table, columns: Columns) -> list[str]:
    """What was skipped around the data block."""
    notes = []
    if table.last_updated is None:
        notes.append("The file states no 'Last Updated Date' above its header.")
    if table.header_line > 1:
        notes.append(f"Skipped {table.header_line - 1} preamble lines above the header (data source, date, blanks).")
    if columns.unnamed:
        notes.append("Ignored the unnamed column after the last year (every line ends with a comma).")
    if columns.ignored:
        notes.append(f"Ignored columns whose header is not a year: {', '.join(columns.ignored)}.")
    return notes


def _known_entities(
    cells: pl.DataFrame, kinds: dict[str, str | None], shown: str
) -> tuple[pl.DataFrame, list[dict], list[str]]:
    """Cells of rows with a known entity (with entity_kind), rejected rows for the others, and notes."""
    no_code = sorted(set(cells.filter(pl.col("code") == "")["row"]))
    rejected = [
        {"file": shown, "row": r, "column": "Country Code", "rule": "a data row names its Country Code", "value": ""}
        for r in no_code
    ]
    unknown = sorted(c for c, k in kinds.items() if k is None)
    unknown_cells = cells.filter(pl.col("code").is_in(unknown))
    rejected += [
        {"file": shown, "row": row, "column": "Country Code", "rule": NATIONS_RULE, "value": code}
        for row, code in unknown_cells.select("row", "code").unique().sort("row").iter_rows()
    ]
    notes = []
    if unknown_cells.height:
        notes.append(f"{unknown_cells.height:,} figures of economies not in nations.csv were rejected.")
    without_figures = sorted(set(unknown) - set(unknown_cells["code"]))
    if without_figures:
        notes.append(
            f"Codes not in nations.csv whose rows have no figure (nothing lost): {', '.join(without_figures)}."
        )
    kind_frame = pl.DataFrame(
        {"code": list(kinds), "entity_kind": list(kinds.values())}, schema={"code": pl.String, "entity_kind": pl.String}
    )
    known = cells.filter((pl.col("code") != "") & ~pl.col("code").is_in(unknown))
    return known.join(kind_frame, on="code", how="left"), rejected, notes


def _values(cells: pl.DataFrame, shown: str) -> tuple[pl.DataFrame, list[dict]]:
    """Numbers and missing markers; any other text is a rejected row."""
    cells = cells.with_columns(
        pl.when(pl.col("cell").is_in(MISSING_MARKERS)).then(pl.col("cell")).alias("missing_marker"),
        pl.col("cell").cast(pl.Float64, strict=False).alias("value"),
    )
    bad = cells.filter(pl.col("value").is_null() & pl.col("missing_marker").is_null())
    rejected = [
        {
            "file": shown,
            "row": r["row"],
            "column": r["source_column"],
            "rule": figure_rule(r["cell"], "type: number"),
            "value": r["cell"],
        }
        for r in bad.iter_rows(named=True)
    ]
    return cells.filter(pl.col("value").is_not_null() | pl.col("missing_marker").is_not_null()), rejected


def read(path: Path, shown: str, names: NationNames) -> ReadResult:
    """Read a WDI MS.MIL.* download (zip or data CSV). `names` is unused: the World Bank writes ISO3 codes."""
    download = _from_zip(path, shown) if Probe(path, shown).is_zip else _from_csv(path, shown)
    table = _table(download.data, shown)
    columns = _columns(table, shown)
    cells = _cells(table, columns, shown)
    indicators = _indicators(cells, shown)
    date = f"last updated {table.last_updated}" if table.last_updated else "last update date not stated"
    edition = f"{date}, indicator {', '.join(indicators['indicator'])}"
    notes = [*download.notes, *_layout_notes(table, columns), *_source_organizations(download.indicator_meta)]
    if "milex_current_lcu" in set(indicators["measure"]):
        notes.append("Local-currency figures carry no currency code: the download does not name each currency.")

    notes.append(f"{cells.filter(pl.col('cell') == '').height:,} empty year cells (years with no figure) make no line.")
    cells = cells.filter(pl.col("cell") != "")
    codes = sorted({fields[columns.code].strip() for _, fields in table.rows} - {""})
    kinds, kind_notes = _entity_kinds(codes, download.country_meta, shown)
    cells, rejected, entity_notes = _known_entities(cells, kinds, shown)
    cells, bad_values = _values(cells, shown)
    notes += kind_notes + entity_notes

    lines = (
        cells.join(indicators, on="indicator", how="left")
        .sort("row", "period")
        .select(
            pl.lit(SOURCE).alias("source"),
            pl.lit(FORMAT).alias("source_format"),
            pl.lit(edition).alias("edition"),
            pl.lit(shown).alias("file"),
            "row",
            "source_column",
            pl.col("code").alias("entity_code"),
            "entity_name",
            "entity_kind",
            "period",
            "measure",
            pl.lit("actual").alias("phase"),
            "value",
            "currency",
            "unit_factor",
            "unit",
            "price_basis",
            "missing_marker",
        )
    )
    return ReadResult(
        source_format=FORMAT,
        source=SOURCE,
        edition=edition,
        lines=finalize(lines),
        rejected=rejected_rows(rejected + bad_values),
        notes=tuple(notes),
        skipped=(*download.skipped, *_skipped_columns(table, columns)),
    )
