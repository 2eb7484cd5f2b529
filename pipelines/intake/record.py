"""One row of staging.sources: what a build made of one file, the same record for every kind of input (shipped
starter and reference files, inbox files, strategy documents). Its fields are the columns of
sql/staging/sources.sql, in order (tests/test_shapes.py holds them equal)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Literal

import polars as pl

#: Where a file came from: a shipped reference or starter file, a user's download, or a strategy document folder.
Origin = Literal["reference", "starter", "inbox", "strategies"]
#: What became of a file: its lines loaded; read with another file (companion); a strategy text (document); not
#: read (unreadable); replaced or written to while it was read (changed); left out, such as a symlink (skipped).
Status = Literal["loaded", "companion", "document", "unreadable", "changed", "skipped"]


def now() -> dt.datetime:
    """The time a file was read, as stored (UTC, no time zone)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclasses.dataclass(frozen=True, kw_only=True)
class SourceRecord:
    """One file a build read, with what was made of it (units: bytes in bytes; rows count lines or table rows)."""

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
    read_at: dt.datetime = dataclasses.field(default_factory=now)
    skipped: tuple[str, ...] = ()
    set_aside_to: str | None = None


#: Polars types of the annotations SourceRecord uses (NULL-able or not is the DDL's business).
_POLARS_TYPES: dict[str, pl.DataType] = {
    "str": pl.String(),
    "str | None": pl.String(),
    "Origin": pl.String(),
    "Status": pl.String(),
    "int": pl.Int64(),
    "dt.datetime": pl.Datetime("us"),
    "tuple[str, ...]": pl.List(pl.String()),
}
#: The Polars schema of staging.sources, made from SourceRecord's fields.
SOURCES_SCHEMA: dict[str, pl.DataType] = {f.name: _POLARS_TYPES[str(f.type)] for f in dataclasses.fields(SourceRecord)}


def sources_frame(records: list[SourceRecord]) -> pl.DataFrame:
    """The records as rows of staging.sources (an empty list of skipped sheets is stored as NULL)."""
    rows = [{**dataclasses.asdict(r), "skipped": list(r.skipped) or None} for r in records]
    return pl.DataFrame(rows, schema=SOURCES_SCHEMA)
