"""Our World in Data grapher exports: `Entity,Code,Year,<indicator>[,<more columns>]` CSV files.

Detected by the header: the first three columns are exactly Entity, Code, Year. The indicator is the fourth
column; its title says what it measures (this reader knows the military-expenditure indicators OWID takes from
SIPRI and the World Bank). The column after it (OWID's world region) is kept as `category`; any further column is
not read and is listed in `ReadResult.skipped`.

Entities: OWID writes ISO 3166-1 alpha-3 codes; its own `OWID_*` codes (OWID_KOS for Kosovo, OWID_WRL for the
world, ...) are mapped where milspace has a code, and entities without a code (regional aggregates such as
"European Union (SIPRI)") are kept as aggregates under a code made from their name.

Values: text in the indicator column that is not a number is a rejected row ("type: number", or for a
spreadsheet error value such as #N/A `cells.SPREADSHEET_ERROR_RULE`). Encodings: UTF-8, UTF-16 with its
byte-order mark, or Windows-1252 (`probe.decode_text`).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import polars as pl

from pipelines.errors import InputFileError
from pipelines.nations import NationNames
from pipelines.shapes import ReadResult, finalize, rejected_rows
from pipelines.sources.cells import figure_rule
from pipelines.sources.probe import Probe, decode_text

FORMAT = "owid_grapher"
SOURCE = "Our World in Data"

MEASURES = {
    "milex_share_of_gdp": "Military expenditure as a share of GDP, percent",
    "milex_share_of_government_spending": "Military expenditure as a share of government spending, percent",
    "milex_constant_usd": "Military expenditure, constant US dollars",
    "milex_current_usd": "Military expenditure, current US dollars",
    "milex_per_capita_usd": "Military expenditure per capita, US dollars",
}
#: Read whole by `read`, not in batches at load time.
STREAMED = False
#: The conformed measure (one name per concept across publishers, marts.budget_facts.measure) of each of MEASURES
#: named otherwise; a measure not listed here is its own conformed measure.
CONFORMED = {"milex_constant_usd": "milex_usd", "milex_current_usd": "milex_usd"}
#: Measures that cannot be negative: a negative figure breaks the BudgetLine contract (NOT_NEGATIVE_RULE).
NEVER_NEGATIVE = frozenset(MEASURES)

#: Indicator column titles -> (measure, unit, currency, unit factor, price basis).
INDICATORS = [
    (
        re.compile(r"military expenditure \(% of gdp\)|share of gdp", re.I),
        ("milex_share_of_gdp", "percent of GDP", None, 1.0, None),
    ),
    (
        re.compile(r"% of government|share of government", re.I),
        ("milex_share_of_government_spending", "percent of government spending", None, 1.0, None),
    ),
    (re.compile(r"per capita", re.I), ("milex_per_capita_usd", "US$ per person", "USD", 1.0, "current")),
    (
        re.compile(r"constant (\d{4}) us\$", re.I),
        ("milex_constant_usd", "US$, constant ({year}) prices", "USD", 1.0, "constant_{year}"),
    ),
    (
        re.compile(r"current us\$|military expenditure$", re.I),
        ("milex_current_usd", "US$, current prices", "USD", 1.0, "current"),
    ),
]

#: OWID's own codes -> milspace codes.
OWID_CODES = {"OWID_KOS": "XKX", "OWID_WRL": "WLD", "OWID_USS": "SUN", "OWID_CZS": "CSK", "OWID_YGS": "YUG"}


def sniff(probe: Probe) -> bool:
    lines = probe.text_lines
    return bool(lines) and lines[0].replace('"', "").split(",")[:3] == ["Entity", "Code", "Year"]


def _indicator(title: str, shown: str):
    for pattern, spec in INDICATORS:
        match = pattern.search(title)
        if match:
            measure, unit, currency, factor, basis = spec
            year = match.group(1) if match.groups() else None
            return measure, unit.format(year=year), currency, factor, basis.format(year=year) if basis else None
    raise InputFileError(shown, f"an OWID export, but its indicator {title!r} is not one milspace knows", row=1)


def _aggregate_code(name: str) -> str:
    return "OWID:" + re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper()


def read(path: Path, shown: str, names: NationNames) -> ReadResult:
    try:
        text = decode_text(path.read_bytes(), shown)
        raw = pl.read_csv(io.BytesIO(text.lstrip("\ufeff").encode("utf-8")), infer_schema=False)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputFileError(shown, f"not a readable OWID CSV ({str(exc).splitlines()[0]})") from None
    if raw.columns[:3] != ["Entity", "Code", "Year"] or raw.width < 4:
        raise InputFileError(
            shown, "not an OWID grapher export: the header must start Entity,Code,Year,<indicator>", row=1
        )
    title = raw.columns[3]
    measure, unit, currency, factor, basis = _indicator(title, shown)
    extra = raw.columns[4] if raw.width > 4 else None

    frame = raw.with_row_index("row", offset=2).with_columns(
        pl.col("Year").str.strip_chars().cast(pl.Int64, strict=False).alias("period"),
        pl.col(title).str.strip_chars().cast(pl.Float64, strict=False).alias("value"),
    )
    bad_year = frame.filter(pl.col("period").is_null())
    bad_value = frame.filter(pl.col("value").is_null() & pl.col(title).is_not_null())
    rejected = [
        {"file": shown, "row": r["row"], "column": "Year", "rule": "type: integer year", "value": r["Year"]}
        for r in bad_year.iter_rows(named=True)
    ] + [
        {
            "file": shown,
            "row": r["row"],
            "column": title,
            "rule": figure_rule(r[title], "type: number"),
            "value": r[title],
        }
        for r in bad_value.iter_rows(named=True)
    ]
    frame = frame.filter(pl.col("period").is_not_null() & ~pl.col("row").is_in(bad_value["row"].implode()))

    entities = frame.select("Entity", "Code").unique()
    resolved = {}
    for entity, code in entities.iter_rows():
        if code and not code.startswith("OWID_"):
            resolved[(entity, code)] = (code, "country")
        elif code in OWID_CODES:
            resolved[(entity, code)] = (OWID_CODES[code], "aggregate" if OWID_CODES[code] == "WLD" else "country")
        elif names.code(entity):
            resolved[(entity, code)] = (names.code(entity), "country")
        else:
            resolved[(entity, code)] = (_aggregate_code(entity), "aggregate")
    mapping = pl.DataFrame(
        [{"Entity": e, "Code": c, "entity_code": v[0], "entity_kind": v[1]} for (e, c), v in resolved.items()],
        schema={"Entity": pl.String, "Code": pl.String, "entity_code": pl.String, "entity_kind": pl.String},
    )
    frame = frame.join(mapping, on=["Entity", "Code"], how="left", nulls_equal=True)
    kinds = {"historical_state": ["SUN", "CSK", "YUG", "DDR", "YAR"]}
    lines = frame.select(
        pl.lit(SOURCE).alias("source"),
        pl.lit(FORMAT).alias("source_format"),
        pl.lit(f"grapher export: {title}").alias("edition"),
        pl.lit(shown).alias("file"),
        pl.col("row").cast(pl.Int64),
        pl.lit(title).alias("source_column"),
        pl.col("entity_code"),
        pl.col("Entity").alias("entity_name"),
        pl.when(pl.col("entity_code").is_in(kinds["historical_state"]))
        .then(pl.lit("historical_state"))
        .otherwise(pl.col("entity_kind"))
        .alias("entity_kind"),
        pl.col("period"),
        pl.lit(measure).alias("measure"),
        pl.lit("actual").alias("phase"),
        (pl.col(extra) if extra else pl.lit(None, dtype=pl.String)).alias("category"),
        pl.col("value"),
        pl.lit(currency, dtype=pl.String).alias("currency"),
        pl.lit(factor).alias("unit_factor"),
        pl.lit(unit).alias("unit"),
        pl.lit(basis, dtype=pl.String).alias("price_basis"),
    )
    return ReadResult(
        source_format=FORMAT,
        source=SOURCE,
        edition=f"grapher export: {title}",
        lines=finalize(lines),
        rejected=rejected_rows(rejected),
        skipped=tuple(
            f"column {column!r} skipped: only the first column after Year (the indicator) and the one after it "
            "(kept as category) are read"
            for column in raw.columns[5:]
        ),
    )
