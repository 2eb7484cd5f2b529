"""Strategy documents through the checked stage: every document in data_raw/strategies/ and the inbox read, matched
to the register and scored (pipelines/text/), and what the build loads of them: the rows of staging.documents,
document_hits and document_money, the quarantine rows of the documents that could not be read, and their rows of
staging.sources. One document's failure, whatever it is, rejects that document and the others go on."""

from __future__ import annotations

import dataclasses
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.intake.inbox import CheckedFile, printable, set_aside
from pipelines.nations import NationNames
from pipelines.paths import Layout
from pipelines.shapes import SourceRecord, rejected_rows, sources_frame
from pipelines.text.documents import (
    DOCUMENT_SCHEMA,
    HIT_SCHEMA,
    MONEY_SCHEMA,
    DocumentRead,
    document_files,
    read_document,
)
from pipelines.text.score import Lexicon

STRATEGIES_FOLDER = "data_raw/strategies/"
REJECTED_RULE = "a readable strategy document (UTF-8 text, Markdown, HTML or a PDF with a text layer)"


def document_paths(layout: Layout, inbox: Sequence[CheckedFile]) -> list[tuple[Path, str]]:
    """(path, name shown) of every document: the strategies folder's, then the inbox files read as documents."""
    folder = [(p, printable(layout.display(p))) for p in document_files(layout.data_raw / "strategies")]
    return folder + [(f.path or layout.root / f.file, f.file) for f in inbox if f.status == "document"]


def read_documents(
    layout: Layout,
    run_id: str,
    *,
    paths: Sequence[tuple[Path, str]],
    register: Sequence[Mapping],
    words: Lexicon,
    names: NationNames,
    log: Callable[[str], None] = lambda _text: None,
    warn: Callable[[str], None] = lambda _text: None,
) -> list[DocumentRead]:
    """Read, match and score every document; one that cannot be read is rejected with the reason and, if it came
    through the inbox, moved to data_raw/inbox/rejected/ beside a note of the reason."""
    documents = []
    for path, shown in paths:
        try:
            read = read_document(path, shown, register=register, lexicon=words, names=names)
        except Exception as exc:  # noqa: BLE001 (one document's failure, whatever it is, must not stop the build)
            error = f"Cannot read file {shown}: an unexpected {type(exc).__name__} while reading it ({exc})"
            warn(f"{error}\n{''.join(traceback.format_exception(exc))}")
            read = DocumentRead(shown, "", 0, "rejected", error=error)
        log(f"{read.file}: {read.status}" + (f" as {read.doc_id}" if read.doc_id else f" ({read.error})"))
        if read.status != "loaded":
            moved = set_aside(layout, read.file, reason=read.error or "", run_id=run_id, path=path)  # inbox files only
            if moved:
                warn(f"{read.error} Moved to {moved}.")
                read = dataclasses.replace(read, set_aside_to=moved)
        documents.append(read)
    return documents


@dataclass(frozen=True)
class DocumentTables:
    """What the build loads of the documents: one frame per staging table."""

    documents: pl.DataFrame
    hits: pl.DataFrame
    money: pl.DataFrame
    rejected: pl.DataFrame
    sources: pl.DataFrame


def source_record(document: DocumentRead) -> SourceRecord:
    """A document's row of staging.sources."""
    loaded = document.status == "loaded"
    return SourceRecord(
        file=document.file,
        origin="inbox" if document.file.startswith("data_raw/inbox/") else "strategies",
        sha256=document.sha256,
        bytes=document.bytes,
        status="loaded" if loaded else "unreadable",
        source_format=f"strategy document ({document.format})" if document.format else "strategy document",
        source=document.title,
        edition=document.doc_id,
        rows_loaded=document.paragraphs or 0,
        rows_rejected=0 if loaded else 1,
        error=document.error,
        set_aside_to=document.set_aside_to,
    )


def document_tables(documents: Sequence[DocumentRead]) -> DocumentTables:
    loaded = [d for d in documents if d.status == "loaded"]
    rejected = [
        {"file": d.file, "column": "(document)", "rule": REJECTED_RULE, "value": d.error}
        for d in documents
        if d.status != "loaded"
    ]
    return DocumentTables(
        documents=pl.DataFrame([d.record() for d in documents], schema=DOCUMENT_SCHEMA),
        hits=pl.concat([d.hits for d in loaded]) if loaded else pl.DataFrame(schema=HIT_SCHEMA),
        money=pl.concat([d.money for d in loaded]) if loaded else pl.DataFrame(schema=MONEY_SCHEMA),
        rejected=rejected_rows(rejected),
        sources=sources_frame([source_record(d) for d in documents]),
    )
