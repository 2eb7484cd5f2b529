"""Read strategy documents into scored rows, without Dagster: extract, match to the register, score, find money.

A document that cannot be read (empty, not a document, encrypted or image-only PDF, too large, wrong encoding)
becomes a rejected row with the reason; the others go on. A document not in English is loaded and flagged, and
not scored: the lexicon is English.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polars as pl

from pipelines.errors import InputFileError
from pipelines.files import fingerprint
from pipelines.nations import NationNames
from pipelines.text.extract import extract
from pipelines.text.money import find_money
from pipelines.text.register import match_register
from pipelines.text.score import Lexicon, score

HIT_SCHEMA = {
    "doc_file": pl.String,
    "category": pl.String,
    "family": pl.String,
    "term": pl.String,
    "matched": pl.String,
    "paragraph": pl.Int64,
    "position": pl.Int64,
    "context": pl.String,
}
MONEY_SCHEMA = {
    "doc_file": pl.String,
    "paragraph": pl.Int64,
    "kind": pl.String,
    "amount": pl.Float64,
    "scale": pl.String,
    "currency": pl.String,
    "amount_millions": pl.Float64,
    "share_of_gdp_pct": pl.Float64,
    "period": pl.String,
    "matched": pl.String,
    "context": pl.String,
}


DOCUMENT_SCHEMA = {
    "file": pl.String, "sha256": pl.String, "bytes": pl.Int64, "status": pl.String, "error": pl.String,
    "doc_id": pl.String, "in_register": pl.Boolean, "match_method": pl.String, "match_score": pl.Float64,
    "nation_code": pl.String, "year": pl.Int64, "kind": pl.String, "title": pl.String, "format": pl.String,
    "language": pl.String, "is_english": pl.Boolean, "is_scored": pl.Boolean, "pages": pl.Int64,
    "paragraphs": pl.Int64, "tokens": pl.Int64, "lexicon_version": pl.String, "notes": pl.String,
}  # fmt: skip


@dataclass(frozen=True)
class DocumentRead:
    """One document file and what was made of it."""

    file: str
    sha256: str
    bytes: int
    status: Literal["loaded", "rejected"]
    error: str | None = None
    doc_id: str | None = None
    in_register: bool = False
    match_method: str | None = None
    match_score: float | None = None
    nation_code: str | None = None
    year: int | None = None
    kind: str | None = None
    title: str | None = None
    format: str | None = None
    language: str | None = None
    is_english: bool | None = None
    is_scored: bool = False
    pages: int | None = None
    paragraphs: int | None = None
    tokens: int | None = None
    lexicon_version: str | None = None
    notes: tuple[str, ...] = ()
    #: Where an inbox document that could not be read was moved (data_raw/inbox/rejected/...).
    set_aside_to: str | None = None
    hits: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=HIT_SCHEMA))
    money: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=MONEY_SCHEMA))

    def record(self) -> dict:
        """This document's row of staging.documents."""
        values = {k: getattr(self, k) for k in DOCUMENT_SCHEMA if k != "notes"}
        return {**values, "notes": "; ".join(self.notes) or None}


def read_document(
    path: Path,
    shown: str,
    *,
    register: Sequence[Mapping],
    lexicon: Lexicon,
    names: NationNames,
) -> DocumentRead:
    try:
        found = fingerprint(path)
        sha, size = found.sha256, found.bytes
    except OSError as exc:
        return DocumentRead(shown, "", 0, "rejected", error=f"Cannot read file {shown}: {exc.strerror}")
    try:
        document = extract(path, shown)
    except InputFileError as exc:
        return DocumentRead(shown, sha, size, "rejected", error=str(exc))
    match = match_register(
        path.stem,
        document.title,
        date=document.date,
        register=register,
        names=names,
        text="\n".join(document.paragraphs),
    )
    doc_id = match.doc_id or f"unregistered-{path.stem.lower()}"
    scored = score(document.paragraphs, lexicon) if document.is_english else None
    hits = pl.DataFrame(
        [{"doc_file": shown, **hit.__dict__} for hit in scored.hits] if scored else [], schema=HIT_SCHEMA
    )
    money = pl.DataFrame(
        [{"doc_file": shown, **mention.__dict__} for mention in find_money(document.paragraphs)], schema=MONEY_SCHEMA
    )
    notes = list(document.notes)
    if not document.is_english:
        notes.append(f"not scored: the text looks like language '{document.language}', and the lexicon is English")
    if match.doc_id is None:
        notes.append("not in the strategy register: nation, year and kind inferred from the title where possible")
    return DocumentRead(
        file=shown,
        sha256=sha,
        bytes=size,
        status="loaded",
        doc_id=doc_id,
        in_register=match.doc_id is not None,
        match_method=match.method,
        match_score=match.score,
        nation_code=match.nation_code,
        year=match.year,
        kind=match.kind,
        title=document.title,
        format=document.format,
        language=document.language,
        is_english=document.is_english,
        is_scored=scored is not None,
        pages=document.pages,
        paragraphs=len(document.paragraphs),
        tokens=scored.tokens if scored else None,
        lexicon_version=lexicon.version if scored else None,
        notes=tuple(notes),
        hits=hits,
        money=money,
    )


def document_files(folder: Path) -> list[Path]:
    """The files of a documents folder, in name order (hidden files, notes and the fetch manifest left out)."""
    if not folder.is_dir():
        return []
    skipped = {"manifest.csv", "README.md", "README.txt"}
    return sorted(
        p
        for p in folder.iterdir()
        if not p.is_symlink()  # a link could bring a private file from anywhere into the marts
        and p.is_file()
        and not p.name.startswith(".")
        and p.name not in skipped
        and not p.name.endswith(".part")
    )
