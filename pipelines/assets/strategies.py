"""Strategy documents: read every document in data_raw/strategies/ and the inbox, score it with the lexicon, find
its money mentions, and load the results (rejected documents go to the quarantine with the reason)."""

import dataclasses
import datetime as dt
import traceback

import dagster as dg
import polars as pl

from pipelines.assets.resource import MilspaceResource
from pipelines.ingest import ValidatedTable
from pipelines.published import CheckedFile, printable, set_aside
from pipelines.sources.budget_lines import NationNames
from pipelines.text.documents import (
    DOCUMENT_SCHEMA,
    HIT_SCHEMA,
    MONEY_SCHEMA,
    DocumentRead,
    document_files,
    read_document,
)
from pipelines.text.score import Lexicon
from pipelines.warehouse import header_comment, sql_file

STRATEGIES_FOLDER = "data_raw/strategies/"
REJECTED_RULE = "a readable strategy document (UTF-8 text, Markdown, HTML or a PDF with a text layer)"


@dg.asset(
    key=["strategies", "documents"],
    ins={
        "lexicon": dg.AssetIn(key=["reference", "lexicon"]),
        "nation_names": dg.AssetIn(key=["reference", "nation_names"]),
        "register": dg.AssetIn(key=["starter", "strategy_documents"]),
        "inbox": dg.AssetIn(key=["inbox", "budget_lines"]),
    },
    group_name="inputs",
    kinds={"pdf", "html", "markdown"},
)
def strategy_documents_read(
    context: dg.AssetExecutionContext,
    milspace: MilspaceResource,
    lexicon: ValidatedTable,
    nation_names: ValidatedTable,
    register: ValidatedTable,
    inbox: list[CheckedFile],
) -> dg.Output:
    """Every strategy document in data_raw/strategies/ (where `milspace fetch-docs` saves the register's
    documents) and every document dropped into the inbox: text extracted (plain text, Markdown, HTML, PDF),
    matched to the register, scored with the lexicon (per category, with the evidence for every hit) and searched
    for money mentions. A document that cannot be read is rejected with the reason (and, if it came through the
    inbox, moved to data_raw/inbox/rejected/ beside a note of the reason); the others go on."""
    layout = milspace.layout()
    words = Lexicon.from_rows(lexicon.valid.iter_rows(named=True))
    names = NationNames.from_pairs(nation_names.valid.select("name", "code").iter_rows())
    rows = register.valid.to_dicts()
    paths = [(p, printable(layout.display(p))) for p in document_files(layout.data_raw / "strategies")] + [
        (f.path or layout.root / f.file, f.file) for f in inbox if f.status == "document"
    ]
    documents = []
    for path, shown in paths:
        try:
            read = read_document(path, shown, rows, words, names)
        except Exception as exc:  # noqa: BLE001 (one document's failure, whatever it is, must not stop the build)
            error = f"Cannot read file {shown}: an unexpected {type(exc).__name__} while reading it ({exc})"
            context.log.error(f"{error}\n{''.join(traceback.format_exception(exc))}")
            read = DocumentRead(shown, "", 0, "rejected", error=error)
        context.log.info(f"{read.file}: {read.status}" + (f" as {read.doc_id}" if read.doc_id else f" ({read.error})"))
        if read.status != "loaded":
            moved = set_aside(layout, read.file, read.error or "", context.run_id, path)  # inbox files only
            if moved:
                context.log.warning(f"{read.error} Moved to {moved}.")
                read = dataclasses.replace(read, set_aside_to=moved)
        documents.append(read)
    loaded = [d for d in documents if d.status == "loaded"]
    return dg.Output(
        documents,
        metadata={
            "documents": len(documents),
            "rejected": len(documents) - len(loaded),
            "in_register": sum(d.in_register for d in loaded),
            "scored": sum(d.is_scored for d in loaded),
            "hits": sum(d.hits.height for d in loaded),
            "lexicon_version": words.version,
        },
    )


@dg.asset(
    key=["staging", "documents"],
    ins={"documents": dg.AssetIn(key=["strategies", "documents"])},
    group_name="staging",
    description=header_comment(sql_file("staging", "documents")),
    kinds={"duckdb"},
)
def staging_documents(
    context: dg.AssetExecutionContext, milspace: MilspaceResource, documents: list[DocumentRead]
) -> dg.MaterializeResult:
    warehouse = milspace.warehouse()
    run, fresh = context.run_id, milspace.fresh
    loaded = [d for d in documents if d.status == "loaded"]
    records = pl.DataFrame([d.record() for d in documents], schema=DOCUMENT_SCHEMA)
    warehouse.load_staging(run, "documents", records, fresh=fresh)
    hits = pl.concat([d.hits for d in loaded]) if loaded else pl.DataFrame(schema=HIT_SCHEMA)
    money = pl.concat([d.money for d in loaded]) if loaded else pl.DataFrame(schema=MONEY_SCHEMA)
    warehouse.load_staging(run, "document_hits", hits, fresh=fresh)
    warehouse.load_staging(run, "document_money", money, fresh=fresh)
    files = [d.file for d in documents]
    rejected = pl.DataFrame(
        [
            {
                "file": d.file,
                "sheet": None,
                "row": None,
                "column": "(document)",
                "rule": REJECTED_RULE,
                "value": d.error,
            }
            for d in documents
            if d.status != "loaded"
        ],
        schema={
            "file": pl.String,
            "sheet": pl.String,
            "row": pl.Int64,
            "column": pl.String,
            "rule": pl.String,
            "value": pl.String,
        },
    )
    warehouse.replace_quarantine(run, files, rejected, folder=STRATEGIES_FOLDER, fresh=fresh)
    sources = [
        {
            "file": d.file,
            "origin": "inbox" if d.file.startswith("data_raw/inbox/") else "strategies",
            "sha256": d.sha256,
            "bytes": d.bytes,
            "status": "loaded" if d.status == "loaded" else "unreadable",
            "source_format": f"strategy document ({d.format})" if d.format else "strategy document",
            "source": d.title,
            "edition": d.doc_id,
            "rows_loaded": d.paragraphs or 0,
            "rows_rejected": 0 if d.status == "loaded" else 1,
            "error": d.error,
            "read_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
            "set_aside_to": d.set_aside_to,
        }
        for d in documents
    ]
    warehouse.replace_rows(
        run,
        "sources",
        pl.DataFrame(sources) if sources else pl.DataFrame(),
        files,
        folder=STRATEGIES_FOLDER,
        fresh=fresh,
    )
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(loaded),
            "rejected": len(documents) - len(loaded),
            "hits": hits.height,
            "money_mentions": money.height,
        }
    )
