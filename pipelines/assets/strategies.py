"""Strategy documents: read every document in data_raw/strategies/ and the inbox, score it with the lexicon, find
its money mentions, and load the results (rejected documents go to the quarantine with the reason). The reading
and the rows are pipelines/intake/documents.py; these assets call it and load what it makes."""

from collections.abc import Iterator

import dagster as dg

from pipelines.assets.graph import file_specs
from pipelines.assets.resource import MilspaceResource
from pipelines.assets.shared import table_metadata, writes_rows_into
from pipelines.intake.documents import STRATEGIES_FOLDER, document_paths, document_tables, read_documents
from pipelines.intake.inbox import CheckedFile
from pipelines.intake.shipped import ValidatedTable
from pipelines.nations import NationNames
from pipelines.text.documents import DocumentRead
from pipelines.text.score import Lexicon
from pipelines.warehouse import sql_file


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
    documents = read_documents(
        layout,
        context.run_id,
        paths=document_paths(layout, inbox),
        register=register.valid.to_dicts(),
        words=words,
        names=names,
        log=context.log.info,
        warn=context.log.warning,
    )
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


#: The staging tables the documents' load makes, each an asset key of it: the documents, the lexicon's hits in them
#: and their money mentions. The load also writes its own rows into staging.quarantine and staging.sources
#: (pipelines/assets/shared.py).
LOADED_TABLES = ("documents", "document_hits", "document_money")
_DOCUMENTS = dg.AssetKey(["staging", "documents"])
_READ = dg.AssetKey(["strategies", "documents"])
_SPECS = [
    spec.merge_attributes(metadata=writes_rows_into("quarantine", "sources")) if spec.key == _DOCUMENTS else spec
    for name in LOADED_TABLES
    for spec in file_specs(sql_file("staging", name), "staging", deps=[_READ], group_name="staging", kinds={"duckdb"})
]


@dg.multi_asset(name="staging__documents", specs=_SPECS, ins={"documents": dg.AssetIn(key=_READ)})
def staging_documents(
    context: dg.AssetExecutionContext, milspace: MilspaceResource, documents: list[DocumentRead]
) -> Iterator[dg.MaterializeResult]:
    run = milspace.run
    tables = document_tables(documents)
    run.load_staging("documents", tables.documents)
    hits = run.load_staging("document_hits", tables.hits)
    money = run.load_staging("document_money", tables.money)
    files = [d.file for d in documents]
    run.replace_quarantine(files, tables.rejected, folder=STRATEGIES_FOLDER)
    run.replace_rows("sources", tables.sources, files, folder=STRATEGIES_FOLDER)
    loaded = sum(d.status == "loaded" for d in documents)
    with run.working() as con:
        shown = {table: table_metadata(con, "staging", table) for table in LOADED_TABLES}
    for table, rows in (("document_hits", hits), ("document_money", money)):
        yield dg.MaterializeResult(asset_key=["staging", table], metadata={**shown[table], "dagster/row_count": rows})
    yield dg.MaterializeResult(
        asset_key=_DOCUMENTS,
        metadata={
            **shown["documents"],
            "dagster/row_count": loaded,
            "rejected": len(documents) - loaded,
            "hits": tables.hits.height,
            "money_mentions": tables.money.height,
        },
    )
