"""Every shape rows take between stages, declared once: the budget line every reader returns, the rejected row
every reader and contract returns, a file's row of staging.sources, a reader's reconciliation, and the reader
protocol itself.

A budget line is one figure of one source line, for one period and one measure, with everything needed to
trace it back (file, edition, sheet, row, source column) and to compare it (nation, period type, measure, phase,
currency, unit factor, price basis) and the flags a source attaches (estimate, memo, classified, footnotes).

Each column is declared here once, with its Polars type, its default, whether it may be empty, the rules a value
must keep and its description with its unit. Made from the declaration: the Polars frames readers return
(`finalize`), the Pandera contract `pipelines.schemas.BudgetLine`, the staging tables' columns (`@columns(...)` in
sql/staging/*.sql, `with_shapes`) and their column comments in the warehouse (`declared_shape`, which the warehouse
writer's `describe_columns` reads).
Readers build frames with the columns they have; `finalize` adds the others with their defaults and fixes
the types and the column order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

import polars as pl

from pipelines.errors import WarehouseError

if TYPE_CHECKING:  # for annotations only (the reader protocols' signatures: readers import this module)
    from collections.abc import Iterator

    from polars._typing import PolarsDataType  # a Polars type class (pl.String) or instance (pl.List(pl.String))

    from pipelines.nations import NationNames
    from pipelines.sources.probe import Probe


@dataclass(frozen=True)
class Column:
    """One column of a shape: its type, the default used when a reader does not set it, whether it may be empty,
    the rules its values keep (Pandera `Field` arguments, as data), and what it holds, with its unit."""

    dtype: PolarsDataType
    default: object
    description: str
    nullable: bool = True
    #: Pandera Field arguments (isin, ge, le, gt, str_matches), and `references` (a table the value must be listed
    #: in: "nations" or "measures"), `when` (check references only where column is one of values), `reported_at`
    #: (name this column's failures at the column the row names, for a figure its spreadsheet column).
    rules: Mapping[str, object] = field(default_factory=dict)
    #: The SQL type where it is not the Polars type's (a year as INTEGER).
    sql: str | None = None

    @property
    def sql_type(self) -> str:
        return self.sql or _SQL_TYPES[self.dtype]


_SQL_TYPES: dict[PolarsDataType, str] = {
    pl.String: "VARCHAR",
    pl.Int64: "BIGINT",
    pl.Int32: "INTEGER",
    pl.Float64: "DOUBLE",
    pl.Boolean: "BOOLEAN",
    pl.Datetime("us"): "TIMESTAMP",
    pl.Date: "DATE",
    pl.List(pl.String): "VARCHAR[]",
}


def _c(dtype, default: object, description: str, *, required: bool = False, sql: str | None = None, **rules) -> Column:
    return Column(dtype, default, description, nullable=not required, rules=rules, sql=sql)


PHASES = ("request", "enacted", "actual", "projection")
#: The Fiscal Data Package's phase of each milspace phase, declared once (staging.phases holds it for the SQL).
FDP_PHASE = {"request": "proposed", "enacted": "approved", "actual": "executed", "projection": "proposed"}
ENTITY_KINDS = ("country", "historical_state", "aggregate", "region", "organization")
#: How far ahead a period may lie: budget projections reach a decade and more.
YEARS_AHEAD = 15

#: The budget-line shape, declared once: every reader's output, the staging table, the extract files.
BUDGET_LINE_COLUMNS: dict[str, Column] = {
    # provenance
    "source": _c(pl.String, None, "Publisher and dataset, e.g. SIPRI Military Expenditure Database", required=True),
    "source_format": _c(pl.String, None, "The reader that read the publication, e.g. sipri_milex", required=True),
    "edition": _c(
        pl.String, None, "The publication's edition, e.g. April 2025 release, FY2019 President's Budget", required=True
    ),
    "file": _c(
        pl.String, None, "The file milspace read, as shown to users (relative to the project root)", required=True
    ),
    "sheet": _c(pl.String, None, "Worksheet of the file; empty for text files"),
    "row": _c(pl.Int64, None, "1-based row in the sheet or file (a CSV header is row 1)", required=True, ge=1),
    "source_column": _c(pl.String, None, "Header of the column the value was read from, as published"),
    "extracted_from": _c(
        pl.String,
        None,
        "For a line of a milspace extract: the published file, sheet, row and column its reader read it from; "
        "empty for a line read from the publication itself",
    ),
    # who and when
    "entity_code": _c(
        pl.String,
        None,
        "ISO 3166-1 alpha-3, a documented historical or aggregate code",
        required=True,
        references="nations",
        when=("entity_kind", ("country", "historical_state")),
    ),
    "entity_name": _c(pl.String, None, "The entity's name as the source writes it", required=True),
    "entity_kind": _c(
        pl.String,
        "country",
        "country, historical_state, aggregate, region or organization",
        required=True,
        isin=list(ENTITY_KINDS),
    ),
    "period": _c(
        pl.Int64,
        None,
        "The year: a calendar year, or a fiscal year named as fiscal_year_label says",
        required=True,
        sql="INTEGER",
        ge=1900,
        le=dt.date.today().year + YEARS_AHEAD,
    ),
    "period_type": _c(
        pl.String, "calendar_year", "calendar_year or fiscal_year", required=True, isin=["calendar_year", "fiscal_year"]
    ),
    "fiscal_year_start_month": _c(
        pl.Int64,
        None,
        "Month the fiscal year starts in (10 for the US federal year from FY 1977); empty otherwise",
        sql="INTEGER",
        ge=1,
        le=12,
    ),
    "fiscal_year_label": _c(
        pl.String,
        None,
        "How a fiscal year is named: start (FY N begins in calendar year N, SIPRI's financial years) or end "
        "(FY N ends in N, the US government); empty for calendar years or when unknown",
        isin=["start", "end"],
    ),
    # what
    "measure": _c(
        pl.String,
        None,
        "What the figure measures, as its reader declares it (see marts.measures)",
        required=True,
        references="measures",
    ),
    "phase": _c(
        pl.String,
        "actual",
        "request, enacted, actual or projection: never summed across",
        required=True,
        isin=list(PHASES),
    ),
    "fdp_phase": _c(
        pl.String,
        None,
        "Fiscal Data Package phase: proposed, approved or executed (from phase)",
        required=True,
        isin=list(dict.fromkeys(FDP_PHASE.values())),
    ),
    "funding_type": _c(
        pl.String, None, "base, oco, emergency, reconciliation, mandatory, discretionary or total; empty if not split"
    ),
    "category": _c(pl.String, None, "A breakdown the source gives (NATO category, budget function, sub-activity)"),
    "scope": _c(
        pl.String,
        None,
        "What a figure covers where its source states several coverages side by side, never summed across (an annex "
        "beside a ministry's own budget, a special fund); empty for a source's ordinary lines",
    ),
    # classification (DoD exhibits and Green Book)
    "account": _c(pl.String, None, "Appropriation or budget account code"),
    "account_title": _c(pl.String, None, "Account title"),
    "organization": _c(pl.String, None, "Service, agency or department (or its code where the source gives one)"),
    "organization_title": _c(
        pl.String,
        None,
        "The organization's name where `organization` holds its code (Canada's org_name, Germany's Einzelplan text); "
        "not part of a figure's identity, since names change between editions",
    ),
    "budget_activity": _c(pl.String, None, "Budget activity code"),
    "budget_activity_title": _c(pl.String, None, "Budget activity title"),
    "line_item": _c(pl.String, None, "Program element, line item or budget line number (Green Book: table)"),
    "line_item_title": _c(pl.String, None, "Title of the line item (Green Book: the series label)"),
    "appropriation_title": _c(pl.String, None, "Public law title: military personnel, O&M, procurement, RDT&E ..."),
    "cost_type": _c(pl.String, None, "Cost type or category of the line"),
    # the figure
    "value": _c(
        pl.Float64,
        None,
        "The figure as published, in `unit`; empty when missing (see missing_marker)",
        reported_at="source_column",
    ),
    "currency": _c(
        pl.String, None, "ISO 4217 code of a money figure; empty for ratios and counts", str_matches=r"^[A-Z]{3}$"
    ),
    "unit_factor": _c(
        pl.Float64, 1.0, "value x unit_factor is in whole currency units (or persons, items)", required=True, gt=0
    ),
    "unit": _c(
        pl.String, None, "The unit in words, e.g. US$ millions, constant (2023) prices; percent of GDP", required=True
    ),
    "price_basis": _c(
        pl.String,
        None,
        "current or constant_YYYY (prices of year YYYY); empty for ratios, counts",
        str_matches=r"^(current|constant_\d{4})$",
    ),
    # flags
    "is_estimate": _c(pl.Boolean, False, "The source marks the figure as an estimate", required=True),
    "is_highly_uncertain": _c(pl.Boolean, False, "The source marks the figure as highly uncertain", required=True),
    "is_memo": _c(pl.Boolean, False, "A memo (Non-Add) line: shown, never summed", required=True),
    "is_classified_aggregate": _c(pl.Boolean, False, "Classified programs aggregated under one line", required=True),
    "is_total": _c(
        pl.Boolean, False, "A total or subtotal the source states: never summed with its parts", required=True
    ),
    "is_space": _c(pl.Boolean, False, "A military space line by the reader's documented rule", required=True),
    "footnotes": _c(pl.String, None, "Footnote markers resolved to their text, separated by '; '"),
    "missing_marker": _c(pl.String, None, "Why value is empty, as the source wrote it (..., xxx, . .)"),
}

#: How a catalogue names who operates an object: one nation or intergovernmental body (`operator_code`), several
#: named parties (a joint satellite, `operator_parties`), "Multinational" without naming them, or nobody (a catalogue
#: of orbits, such as CelesTrak's, that does not say).
OPERATOR_KINDS = ("single", "joint", "multinational", "not_stated")
#: The user classes a satellite catalogue names (UCS's Users; GCAT's payload class), each a flag of its own.
USER_CLASSES = ("military", "government", "civil", "commercial")

#: The space-object shape, declared once: one row per object (satellite or other payload) per catalogue edition, as
#: the satellite catalogue readers return it (UCS, GCAT, CelesTrak) and as staging.space_objects stores it.
SPACE_OBJECT_COLUMNS: dict[str, Column] = {
    # provenance
    "source": _c(pl.String, None, "Publisher and catalogue, e.g. UCS Satellite Database", required=True),
    "source_format": _c(pl.String, None, "The reader that read the catalogue, e.g. ucs_satellites", required=True),
    "edition": _c(pl.String, None, "The catalogue edition, named from its content", required=True),
    "edition_date": _c(
        pl.Date,
        None,
        "The date the edition describes, from the file's content (GCAT: its update line; CelesTrak: its newest "
        "epoch; UCS: its newest launch, since the files state no date)",
        required=True,
    ),
    "file": _c(
        pl.String, None, "The file milspace read, as shown to users (relative to the project root)", required=True
    ),
    "sheet": _c(pl.String, None, "Worksheet of the file; empty for text files"),
    "row": _c(pl.Int64, None, "1-based row in the sheet or file (a header is row 1)", required=True, ge=1),
    "extracted_from": _c(
        pl.String,
        None,
        "For an object of a milspace extract: the published file, sheet and row its reader read it from; empty for "
        "an object read from the catalogue itself",
    ),
    # identity
    "object_name": _c(pl.String, None, "The object's name as the catalogue writes it", required=True),
    "official_name": _c(pl.String, None, "Its current official name where the catalogue gives one besides"),
    "cospar_id": _c(
        pl.String,
        None,
        "International designator (COSPAR), normalised to YYYY-NNNP (1998-067A); empty where the catalogue has none",
        str_matches=r"^\d{4}-\d{3}[A-Z]{0,3}$",
    ),
    "norad_id": _c(
        pl.Int64, None, "NORAD (US Space Force) catalogue number: an identifier, no unit; empty where none", ge=1
    ),
    "catalogue_id": _c(pl.String, None, "The catalogue's own identifier where it has one (GCAT's JCAT, S00002)"),
    # who
    "operator_country": _c(pl.String, None, "The operating country or body as the catalogue writes it"),
    "operator_kind": _c(
        pl.String,
        "single",
        "single (one nation or body, in operator_code), joint (several, in operator_parties), multinational (the "
        "catalogue says so without naming them) or not_stated",
        required=True,
        isin=list(OPERATOR_KINDS),
    ),
    "operator_code": _c(
        pl.String,
        None,
        "ISO 3166-1 alpha-3 of the operating nation, or milspace's code of an intergovernmental body (ESA, EUMETSAT); "
        "empty unless operator_kind is single",
        references="nations",
    ),
    "operator_parties": _c(
        pl.List(pl.String), None, "Codes of the nations and bodies of a joint operator, in the catalogue's order"
    ),
    "operator": _c(pl.String, None, "The operator or owner organisation as the catalogue writes it"),
    # users and mission
    "users": _c(pl.String, None, "Users as published (UCS: Military/Commercial ...; GCAT: its payload class letter)"),
    **{
        f"is_{user}": _c(
            pl.Boolean, None, f"The catalogue names {user} among the users; empty where it does not classify users"
        )
        for user in USER_CLASSES
    },
    "purpose": _c(pl.String, None, "Purpose or mission category as published (UCS Purpose, GCAT Category)"),
    "detailed_purpose": _c(pl.String, None, "Detailed purpose as published (UCS Detailed Purpose, GCAT Discipline)"),
    # orbit
    "orbit_class": _c(pl.String, None, "LEO, MEO, GEO or Elliptical, as the catalogue classes the orbit"),
    "orbit_type": _c(pl.String, None, "Type of orbit as published (Sun-Synchronous, Polar ...)"),
    "perigee_km": _c(pl.Float64, None, "Perigee altitude, km"),
    "apogee_km": _c(pl.Float64, None, "Apogee altitude, km"),
    "inclination_deg": _c(pl.Float64, None, "Orbital inclination, degrees"),
    # life
    "launch_date": _c(pl.Date, None, "Date of launch (UTC); empty where the catalogue gives none (see row_flags)"),
    "operations_end_date": _c(pl.Date, None, "Date operations ended (GCAT TOp); empty while operating or unknown"),
    "decay_date": _c(
        pl.Date,
        None,
        "Date the object re-entered or left Earth orbit, where the catalogue states it (GCAT's payload catalogue does "
        "not: its TDate ends the mission, not the orbit); empty while on orbit or not stated",
    ),
    "epoch": _c(pl.Datetime("us"), None, "Epoch of the orbital elements (CelesTrak), UTC"),
    "expected_lifetime_years": _c(pl.Float64, None, "Expected lifetime as published, years", ge=0),
    "launch_site": _c(pl.String, None, "Launch site as published"),
    "launch_vehicle": _c(pl.String, None, "Launch vehicle as published"),
    "un_state": _c(pl.String, None, "State of registry with the UN as published (UCS registry country, GCAT UNState)"),
    "un_registration": _c(pl.String, None, "UN registration document as published (GCAT UNReg, A/AC.105/INF.002)"),
    # flags
    "missing_launch_date": _c(pl.Boolean, False, "The catalogue gives no launch date for the object", required=True),
    "missing_catalogue_number": _c(
        pl.Boolean, False, "The catalogue gives neither a COSPAR nor a NORAD number", required=True
    ),
    "row_flags": _c(
        pl.String,
        None,
        "What else is odd about the row as published, separated by '; ' (users that name no user class, a "
        "multinational operator without its parties): kept, never guessed",
    ),
}

#: The column to quote in the quarantine for each kind of problem a reader finds.
RECONCILIATION_SCHEMA = {
    "file": pl.String,
    "sheet": pl.String,
    "row": pl.Int64,
    "check": pl.String,  # what is compared, e.g. "NATO Total = sum of members, current US$, 2024"
    "stated": pl.Float64,  # the total the file states
    "computed": pl.Float64,  # the sum milspace computes from the file's own lines
    "tolerance": pl.Float64,  # the largest difference accepted, in the same unit
    "passed": pl.Boolean,
}


#: The rejected row, declared once: what every reader and every contract returns for a row it does not load, and
#: the first columns of staging.quarantine and marts.quarantine.
REJECTED_COLUMNS: dict[str, Column] = {
    "file": _c(
        pl.String, None, "The file the row came from, as shown to users (relative to the project root)", required=True
    ),
    "sheet": _c(pl.String, None, "Worksheet of the file; empty for text files and whole-file problems"),
    "row": _c(
        pl.Int64, None, "1-based row in the sheet or file (a CSV header is row 1); empty for the whole file", ge=1
    ),
    "column": _c(
        pl.String,
        None,
        "The column (or columns) the rule is about, as published; (file) for the whole file",
        required=True,
    ),
    "rule": _c(pl.String, None, "The rule the row broke, in words", required=True),
    "value": _c(pl.String, None, "The offending value as text, long ones shortened with their length"),
}
REJECTED_SCHEMA: dict[str, PolarsDataType] = {name: column.dtype for name, column in REJECTED_COLUMNS.items()}
#: The longest offending value the quarantine shows whole; longer ones are cut, with their length.
SHOWN_CHARS = 80


def empty_rejected() -> pl.DataFrame:
    return pl.DataFrame(schema=REJECTED_SCHEMA)


def shorten(text: str | None) -> str | None:
    """Text as the quarantine and error messages show it: at most SHOWN_CHARS characters, then its length."""
    if text is None or len(text) <= SHOWN_CHARS:
        return text
    return f"{text[:SHOWN_CHARS]}... ({len(text):,} characters)"


#: Where a file came from: a shipped reference or starter file, a user's download, or a strategy document folder.
Origin = Literal["reference", "starter", "inbox", "strategies"]
#: What became of a file: its lines loaded; read with another file (companion); a strategy text (document); not
#: read (unreadable); replaced or written to while it was read (changed); left out, such as a symlink (skipped).
Status = Literal["loaded", "companion", "document", "unreadable", "changed", "skipped"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True, kw_only=True)
class SourceRecord:
    """One file a build read, with what was made of it: its row of staging.sources and marts.sources, the same
    record for every kind of input (shipped starter and reference files, inbox files, strategy documents)."""

    file: str
    origin: Origin
    sha256: str
    bytes: int
    status: Status
    source_format: str | None = None
    source: str | None = None
    edition: str | None = None
    rows_loaded: int = 0
    rows_rejected: int = 0
    error: str | None = None
    read_at: dt.datetime = field(default_factory=_now)
    skipped: tuple[str, ...] = ()
    set_aside_to: str | None = None


#: Each SourceRecord field's column: type (from its annotation), whether it may be empty, and what it holds.
_SOURCE_TYPES: dict[str, tuple[PolarsDataType, bool]] = {
    "str": (pl.String, True),
    "str | None": (pl.String, False),
    "Origin": (pl.String, True),
    "Status": (pl.String, True),
    "int": (pl.Int64, True),
    "dt.datetime": (pl.Datetime("us"), True),
    "tuple[str, ...]": (pl.List(pl.String), False),
}
_SOURCE_DESCRIPTIONS = {
    "file": "The file, as shown to users (relative to the project root)",
    "origin": "reference, starter, inbox or strategies: where the file came from",
    "sha256": "SHA-256 of the bytes read (hex)",
    "bytes": "Size of the file read, in bytes",
    "status": "loaded, companion, document, unreadable, changed or skipped",
    "source_format": "The reader (or format) that read the file",
    "source": "Publisher and dataset, or the document's title",
    "edition": "The publication's edition, or the register's doc_id for a strategy document",
    "rows_loaded": "Lines (or table rows, or paragraphs) loaded from the file, a count",
    "rows_rejected": "Distinct rows of the file quarantined, a count",
    "error": "Why the file was not read (or not whole), in words",
    "read_at": "When the build read the file (UTC)",
    "skipped": "Sheets and columns the reader left out, each with the reason",
    "set_aside_to": "Where the file was moved when it could not be read (data_raw/inbox/rejected/...)",
}
SOURCE_COLUMNS: dict[str, Column] = {
    f.name: Column(
        _SOURCE_TYPES[str(f.type)][0],
        None,
        _SOURCE_DESCRIPTIONS[f.name],
        nullable=not _SOURCE_TYPES[str(f.type)][1],
    )
    for f in dataclasses.fields(SourceRecord)
}
SOURCES_SCHEMA: dict[str, PolarsDataType] = {name: column.dtype for name, column in SOURCE_COLUMNS.items()}


def sources_frame(records: list[SourceRecord]) -> pl.DataFrame:
    """The records as rows of staging.sources (an empty list of skipped sheets is stored as NULL)."""
    rows = [{**dataclasses.asdict(r), "skipped": list(r.skipped) or None} for r in records]
    return pl.DataFrame(rows, schema=SOURCES_SCHEMA)


#: The shapes SQL files name in `@columns(<shape>)`, which the warehouse replaces with the declared columns.
SHAPES: dict[str, Mapping[str, Column]] = {
    "budget_line": BUDGET_LINE_COLUMNS,
    "rejected_row": REJECTED_COLUMNS,
    "source_record": SOURCE_COLUMNS,
    "space_object": SPACE_OBJECT_COLUMNS,
}


def _quoted(name: str) -> str:
    return f'"{name}"' if name in ("row", "column") else name


def ddl_columns(shape: str) -> str:
    """The columns of a declared shape as a CREATE TABLE column list (types, NOT NULL where required)."""
    return ",\n    ".join(
        f"{_quoted(name)} {c.sql_type}{'' if c.nullable else ' NOT NULL'}" for name, c in SHAPES[shape].items()
    )


#: `@columns(<shape>)` in a CREATE TABLE of sql/: the columns of a shape declared here.
_DECLARED = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_]+\.[a-z_]+)\s*\(\s*@columns\((\w+)\)",
    re.IGNORECASE,
)
#: `-- Described by: <shape>` in a SQL file's header: the columns of its table (or view) that the shape declares take
#: the shape's descriptions where the file gives them none.
_DESCRIBED_BY = re.compile(r"^--\s*Described by:\s*(\w+)", re.MULTILINE)


def with_shapes(text: str, name: str) -> str:
    """SQL text with each `@columns(<shape>)` of a CREATE TABLE replaced by the columns declared here for that shape
    (their descriptions are given by the warehouse writer, `pipelines.warehouse.describe_columns`). `name` names the
    file in errors."""
    for match in _DECLARED.finditer(text):
        shape = match.group(2)
        if shape not in SHAPES:
            raise WarehouseError(f"{name} names @columns({shape}), which pipelines/shapes.py does not declare")
    return _DECLARED.sub(lambda m: m.group(0).replace(f"@columns({m.group(2)})", ddl_columns(m.group(2))), text)


def declared_shape(text: str, table: str) -> str | None:
    """The shape whose columns describe `table` ("schema.name") in a SQL file's text: the one its CREATE TABLE takes
    its columns from (`@columns(shape)`), else the one its header names (`-- Described by: shape`); None if neither."""
    for match in _DECLARED.finditer(text):
        if match.group(1).lower() == table.lower():
            return match.group(2)
    described = _DESCRIBED_BY.search(text)
    return described.group(1) if described else None


def finalize(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the missing budget-line columns with their defaults; fix types, order and fdp_phase."""
    unknown = [c for c in frame.columns if c not in BUDGET_LINE_COLUMNS]
    if unknown:
        raise ValueError(f"not budget-line columns: {unknown}")
    missing = {
        name: pl.lit(column.default, dtype=column.dtype)
        for name, column in BUDGET_LINE_COLUMNS.items()
        if name not in frame.columns
    }
    out = frame.with_columns(**missing) if missing else frame
    out = out.with_columns(pl.col("phase").replace_strict(FDP_PHASE, default=None).alias("fdp_phase"))
    return out.select([pl.col(name).cast(column.dtype) for name, column in BUDGET_LINE_COLUMNS.items()])


def finalize_objects(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the missing space-object columns with their defaults and set the flags a row's values imply; fix types
    and column order."""
    unknown = [c for c in frame.columns if c not in SPACE_OBJECT_COLUMNS]
    if unknown:
        raise ValueError(f"not space-object columns: {unknown}")
    missing = {
        name: pl.lit(column.default, dtype=column.dtype)
        for name, column in SPACE_OBJECT_COLUMNS.items()
        if name not in frame.columns
    }
    out = frame.with_columns(**missing) if missing else frame
    out = out.with_columns(
        missing_launch_date=pl.col("launch_date").is_null(),
        missing_catalogue_number=pl.col("cospar_id").is_null() & pl.col("norad_id").is_null(),
    )
    return out.select([pl.col(name).cast(column.dtype) for name, column in SPACE_OBJECT_COLUMNS.items()])


def empty_objects() -> pl.DataFrame:
    return finalize_objects(pl.DataFrame(schema={"source": pl.String}))


def empty_lines() -> pl.DataFrame:
    return finalize(pl.DataFrame(schema={"source": pl.String}))


def empty_reconciliations() -> pl.DataFrame:
    return pl.DataFrame(schema=RECONCILIATION_SCHEMA)


def rejected_rows(rows: list[dict]) -> pl.DataFrame:
    """Rejected rows from dicts with keys file, sheet, row, column, rule, value."""
    if not rows:
        return empty_rejected()
    return pl.DataFrame(
        [{k: (None if r.get(k) is None else r[k]) for k in REJECTED_SCHEMA} for r in rows],
        schema=REJECTED_SCHEMA,
    )


@dataclass(frozen=True)
class ReadResult:
    """What a reader makes of one file."""

    source_format: str
    source: str
    edition: str
    lines: pl.DataFrame  # finalized budget lines
    rejected: pl.DataFrame = field(default_factory=empty_rejected)
    reconciliations: pl.DataFrame = field(default_factory=empty_reconciliations)
    notes: tuple[str, ...] = ()  # what the reader chose to skip, and why (shown by `milspace inspect`)
    #: The objects of a satellite catalogue (finalize_objects), for a reader of one; empty for a budget reader.
    objects: pl.DataFrame = field(default_factory=empty_objects)
    #: Every sheet or column of the file the reader did not read, one human sentence each naming it and saying why
    #: ("sheet 'Sheet7' skipped: its title row does not say what it measures"): nothing is dropped unannounced.
    skipped: tuple[str, ...] = ()


# --- the reader protocols -----------------------------------------------------------------------------------------
# A reader is a module of pipelines/sources/ (listed in registry.READER_MODULES); these protocols say what the
# registry and the intake may use of it. The optional abilities are protocols of their own, asked by isinstance.


def protocol_members(protocol: type) -> set[str]:
    """The names a protocol asks for (its annotated attributes and methods, its bases' too)."""
    names: set[str] = set()
    for cls in protocol.__mro__:
        if cls is object or cls is Protocol or not getattr(cls, "_is_protocol", False):
            continue
        names |= set(getattr(cls, "__annotations__", {}))
        names |= {n for n, v in vars(cls).items() if callable(v) and not n.startswith("_")}
    return names


@runtime_checkable
class Reader(Protocol):
    """What every reader module declares and does."""

    FORMAT: str  # the reader's name, in source_format
    SOURCE: str  # the publisher and dataset, in source
    MEASURES: Mapping[str, str]  # measure -> description with its unit
    CONFORMED: Mapping[str, str]  # measure -> conformed measure, for the measures named otherwise across publishers
    NEVER_NEGATIVE: frozenset[str]  # measures no source states as negative (totals, shares, counts)
    STREAMED: bool  # read in batches at load time (StreamedReader), not whole

    def sniff(self, probe: Probe) -> bool:
        """Whether the file's content is this reader's format."""
        ...

    def read(self, path: Path, shown: str, names: NationNames) -> ReadResult:
        """The file's budget lines, rejected rows, reconciliations and what was skipped."""
        ...


@runtime_checkable
class HasCompanions(Protocol):
    """A reader whose format comes with companion files read with the main one (World Bank metadata)."""

    def companion(self, probe: Probe) -> str | None:
        """What a companion file is for, or None when the file is not one."""
        ...


@runtime_checkable
class SharesSizeCap(Protocol):
    """A reader whose files take less memory for their size than a published table's (milspace extracts)."""

    def cap_share(self, path: Path, size: int) -> tuple[int, str]:
        """The bytes of the file that count against the size cap, and a phrase saying why."""
        ...


@runtime_checkable
class StreamedReader(Reader, Protocol):
    """A reader of a format read batch by batch when it is loaded, into a staging table of its own."""

    TABLE: str  # the staging table its batches load into
    SOURCE_COLUMNS: Mapping[str, str]  # budget-line column -> the file's column it comes from
    EDITION: str  # the edition of every file of the format, recorded when the file is checked (no rows read)

    def check_header(self, path: Path, shown: str) -> None:
        """InputFileError if the file cannot be opened or lacks the format's columns (read no rows)."""
        ...

    def batches(self, path: Path, shown: str, batch_rows: int | None = None) -> Iterator[ReadResult]:
        """The file's lines, checked, one batch at a time."""
        ...

    def stored(self, lines: pl.DataFrame) -> pl.DataFrame:
        """A batch's lines in the columns its staging table stores."""
        ...
