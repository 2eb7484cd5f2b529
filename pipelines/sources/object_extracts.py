"""milspace object extracts: space objects a milspace catalogue reader (UCS, GCAT, CelesTrak) made of a published
catalogue, written out in the space-object shape.

The shipped starter data in data_raw/starter/lines/ hold one (space_military_objects.csv, made by
scripts/extract_space_starter.py with the readers themselves): the satellites whose users include the military,
from every UCS edition and GCAT's payload catalogue, so that a build on the starter data alone shows what nations
field. An object extract enters a build by the same road as any inbox file (detected, read, checked against the
SpaceObject contract, loaded into staging.space_objects) and its objects keep the publisher, reader
(`source_format`), edition and edition date their catalogue's reader gave them. marts.space_objects uses an
extract's objects of an edition only when that edition's catalogue itself is not loaded: the catalogue's own rows
are the same satellites.

Format: a CSV (UTF-8, comma-delimited, double quotes where needed, header row) whose columns are exactly the
space-object columns (`pipelines.shapes.SPACE_OBJECT_COLUMNS`), in any order, with `extracted_from` optional. It is
recognised by its header (the columns source_format, edition_date, object_name and operator_kind mark it); a file
with them and a column missing or unknown is refused, naming the columns. Dates are YYYY-MM-DD, times ISO 8601;
booleans true/false; operator_parties lists codes separated by ';' ("ESA;USA"); an empty cell is NULL; a cell
that is not of its column's type is a rejected row ("type: <type>").

Provenance: the catalogue's `file`, `sheet` and `row` are kept in `extracted_from` ("UCS-Satellite-Database-
1-1-2023.csv, row 2"), and the object's own `file` and `row` become the extract's.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.nations import NationNames
from pipelines.shapes import SPACE_OBJECT_COLUMNS, ReadResult, empty_lines, finalize_objects, rejected_rows
from pipelines.sources import extracts
from pipelines.sources.probe import Probe

FORMAT = "milspace_object_extract"
SOURCE = "milspace extract of a satellite catalogue"
MEASURES: dict[str, str] = {}
CONFORMED: dict[str, str] = {}
NEVER_NEGATIVE: frozenset[str] = frozenset()
STREAMED = False
SIGNATURE = frozenset({"source_format", "edition_date", "object_name", "operator_kind"})


def sniff(probe: Probe) -> bool:
    if probe.head.startswith(extracts.PARQUET_MAGIC):
        return False  # object extracts are CSV (a list column has no plain text form in Parquet's cast)
    lines = probe.text_lines
    if not lines:
        return False
    columns = {name.strip().strip('"').lstrip("\ufeff") for name in lines[0].split(",")}
    return SIGNATURE <= columns


def cap_share(path: Path, size: int) -> tuple[int, str]:
    """An extract is read whole but takes a few bytes of memory per byte of CSV, as budget-line extracts do."""
    return size // extracts.CAP_DIVISOR, f", a milspace extract, counted as 1/{extracts.CAP_DIVISOR} of its size"


def read(path: Path, shown: str, names: NationNames) -> ReadResult:
    frame = extracts.read_cells(path, shown, SPACE_OBJECT_COLUMNS, "space-object")
    frame, rejected = extracts.typed_cells(frame, shown, SPACE_OBJECT_COLUMNS)
    objects = frame.with_columns(extracts.where_read(frame).alias("extracted_from")).with_columns(
        file=pl.lit(shown), sheet=pl.lit(None, pl.String), row=pl.col("_record").cast(pl.Int64)
    )
    objects = finalize_objects(objects.drop("_record"))
    sources = sorted(set(objects["source"].drop_nulls()))
    editions = sorted(set(objects["edition"].drop_nulls()))
    return ReadResult(
        source_format=FORMAT,
        source="; ".join(sources) or SOURCE,
        edition="; ".join(editions) or "no objects",
        lines=empty_lines(),
        rejected=rejected_rows(rejected),
        objects=objects,
        notes=(
            f"An extract of {len(editions)} catalogue edition(s), read with the objects' own publisher, reader and "
            "edition (extracted_from says where each was read).",
        ),
    )
